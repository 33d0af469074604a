"""2-D toy data for a setup: the catalog's generator, TF Playground's input features, the split.

What each dataset is (its generator, whether it takes K, its class names) is its catalog record
(nnplay.config.catalog.DATASETS); this module only runs it.
"""

from __future__ import annotations

import numpy as np

from nnplay.config.catalog import DATASETS, TASKS
from nnplay.config.schema import PlaygroundConfig
from nnplay.data.dataset import DataError, Dataset, labels_as, split_indices
from nnplay.data.generators import transform_features


def generate_toy(name: str, n: int, noise: float, rng: np.random.Generator, k: int = 3):
    """Call the dataset's generator, passing k only to those that take it."""
    record = DATASETS.get(name)
    if record is None or not record.is_toy:
        toy = [key for key, d in DATASETS.items() if d.is_toy]
        raise DataError(f"Unknown toy dataset {name!r}; choose one of {', '.join(toy)}.")
    if record.takes_k:
        return record.generator(n, noise, rng, k)
    return record.generator(n, noise, rng)


def toy_dataset(config: PlaygroundConfig) -> Dataset:
    name = config.dataset
    record = DATASETS.get(name)
    if record is None or not record.is_toy or config.task not in record.tasks:
        raise DataError(f"The toy dataset {name!r} does not fit the task {config.task!r}.")
    rng = np.random.default_rng(config.data_seed)
    points, y = generate_toy(name, config.n_samples, config.noise, rng, config.n_classes)
    train, test = split_indices(len(points), config.train_fraction, rng)
    y = labels_as(y, config.task)
    points = points.astype(np.float32)
    x = transform_features(points, config.features)
    return Dataset(
        x_train=x[train],
        y_train=y[train],
        x_test=x[test],
        y_test=y[test],
        feature_names=list(config.features),
        class_names=record.class_names(config.task, config.n_classes),
        source=f"toy data {name!r}: {len(points):,} points, noise {config.noise:.0%}, seed {config.data_seed}",
        points_train=points[train],
        points_test=points[test],
        target_names=["y"] if TASKS[config.task].is_regression else [],
    )
