"""Data for a config: 2-D toy generators, the MNIST loading chain, CSV upload parsing.

CONTRACT (implemented by the datasets helper; see tests/unit/test_datasets.py):

    load_dataset(config, csv_bytes=None) -> Dataset
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Dataset:
    """Train/test arrays ready for Keras, plus what the pages need to draw them.

    x_*: float32 (n, n_features) — model inputs (after the feature transform for toy data)
    y_*: binary int32 (n,) 0/1; multiclass int32 (n,) 0..K-1; multilabel float32 (n, K) 0/1;
         regression float32 (n,)
    points_*: for toy data the raw 2-D points (n, 2) before the feature transform, else None
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

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_classes(self) -> int:
        """Classes (multiclass/binary) or labels (multi-label); 0 for regression."""
        return len(self.class_names)
