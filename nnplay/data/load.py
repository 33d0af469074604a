"""The one entry point for pages: the Dataset a setup asks for (toy, MNIST or an uploaded CSV)."""

from __future__ import annotations

import numpy as np

from nnplay.config.schema import PlaygroundConfig
from nnplay.data.csv_upload import parse_csv
from nnplay.data.dataset import DataError, Dataset
from nnplay.data.mnist import mnist_dataset
from nnplay.data.toy import toy_dataset


def load_dataset(config: PlaygroundConfig, csv_bytes: bytes | None = None) -> Dataset:
    """The train/test data a config asks for. Raises DataError with a learner-readable message."""
    if config.dataset == "csv":
        if csv_bytes is None:
            raise DataError("This setup trains on your own CSV file: upload it first.")
        return parse_csv(csv_bytes, config.task, config.csv_targets,
                         train_fraction=config.train_fraction, seed=config.data_seed)
    if config.dataset == "mnist":
        return mnist_dataset(config)
    return toy_dataset(config)


def read_only(data: Dataset) -> Dataset:
    """`data` with its arrays made read-only, so sessions can share one copy (a server caches it
    once: MNIST 70k is ~220 MB of float32) and none can change it under the others."""
    for value in vars(data).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return data
