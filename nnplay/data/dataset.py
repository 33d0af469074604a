"""Dataset: the train/test arrays of one setup, the one train/test split rule, and the label dtype per task.

train_count and split_indices are standalone top-level functions that use only numpy (as ``np``)
and each other: the code exporter copies their source with inspect.getsource into a script that must
run on its own (and MNIST's pick_mnist_images calls train_count too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnplay.config.catalog import TASKS


class DataError(ValueError):
    """Data that cannot be used, with a message meant for the learner (shown on the page)."""


@dataclass
class Dataset:
    """Train/test arrays ready for Keras, plus what the pages need to draw them.

    x_*: float32 (n, n_features) — model inputs (after the feature transform for toy data;
         standardised with the training set's mean/std for CSV data)
    y_*: binary int32 (n,) 0/1; multiclass int32 (n,) 0..K-1; multilabel float32 (n, K) 0/1;
         regression float32 (n,)
    points_*: for toy data the raw 2-D points (n, 2) before the feature transform, else None
    feature_means / feature_stds: CSV only — the standardisation applied to x, so new rows
         can be transformed the same way ((row - mean) / std); None otherwise
    target_names: the target column(s) (CSV) or ["y"] (toy regression); [] otherwise
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    class_names: list[str]  # class names (classification) or label names (multi-label); [] for regression
    source: str  # where it came from, e.g. "MNIST from Keras cache (70,000 images)"
    points_train: np.ndarray | None = None
    points_test: np.ndarray | None = None
    image_shape: tuple[int, int] | None = None  # (28, 28) for MNIST
    notes: list[str] = field(default_factory=list)
    feature_means: np.ndarray | None = None
    feature_stds: np.ndarray | None = None
    target_names: list[str] = field(default_factory=list)

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        """Classes (multiclass/binary) or labels (multi-label); 0 for regression."""
        return len(self.class_names)

    @property
    def n_train(self) -> int:
        return int(len(self.x_train))

    @property
    def n_test(self) -> int:
        return int(len(self.x_test))


def train_count(n, train_fraction):
    """How many of n rows train (the rest test): the one split rule; both parts keep at least one row."""
    return min(max(int(round(n * train_fraction)), 1), n - 1)


def split_indices(n, train_fraction, rng):
    """A shuffled train/test split of range(n), train_count(n, train_fraction) rows for training."""
    order = rng.permutation(n)
    n_train = train_count(n, train_fraction)
    return order[:n_train], order[n_train:]


def labels_as(y: np.ndarray, task: str) -> np.ndarray:
    """y in the dtype the task's record names (see Dataset): class indices, or floats."""
    return np.asarray(y, dtype=TASKS[task].label_dtype)
