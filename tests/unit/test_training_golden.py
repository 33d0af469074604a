"""Links are forever: the Trainer's curves for varied configs equal the ones recorded in
tests/unit/golden/training_histories.json, digit for digit (every float of History.to_csv)."""

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED_MNIST
from tests.unit.golden.configs import GOLDEN_CONFIGS, golden_history

GOLDEN = json.loads((Path(__file__).parent / "golden" / "training_histories.json").read_text())


@pytest.mark.parametrize("name", list(GOLDEN_CONFIGS))
def test_trainer_curves_equal_the_recorded_ones(name, monkeypatch):
    if GOLDEN_CONFIGS[name].dataset == "mnist":
        if not SHARED_MNIST.is_dir():
            pytest.skip(f"real MNIST test set not found at {SHARED_MNIST}")
        from nnplay.data.mnist import MNIST_DIR_ENV, clear_mnist_cache

        monkeypatch.setenv(MNIST_DIR_ENV, str(SHARED_MNIST))
        clear_mnist_cache()
    assert golden_history(name) == GOLDEN[name]
