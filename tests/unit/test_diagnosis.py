"""The quiet failures of a learning rate: a loss that swings, rises or stalls, said in the course's words."""

from dataclasses import replace

import numpy as np
import pytest

from nnplay.config.schema import HiddenLayer, PlaygroundConfig, with_task
from nnplay.data.load import load_dataset
from nnplay.engine.diagnosis import diagnose
from nnplay.engine.training import Trainer


def trained_loss(config: PlaygroundConfig) -> list[float]:
    trainer = Trainer(config, load_dataset(config))
    trainer.run_to_end()
    return trainer.history.train_loss


def test_sgd_at_learning_rate_10_oscillates_and_the_learning_rate_is_blamed():
    """The issue's run: SGD at 10 trains 'in silence', its loss swinging, accuracy ending near chance."""
    config = replace(PlaygroundConfig(), learning_rate=10.0)
    found = diagnose(trained_loss(config), config)
    assert found is not None and found.kind == "oscillating"
    assert "learning rate (10) is too large" in found.message and "e.g. 1." in found.message


def test_full_batch_gradient_descent_too_large_oscillates():
    config = replace(PlaygroundConfig(), learning_rate=10.0, batch_size=0, epochs=200)
    assert diagnose(trained_loss(config), config).kind == "oscillating"


@pytest.mark.parametrize("config", [
    PlaygroundConfig(),
    replace(PlaygroundConfig(), batch_size=1, epochs=40),
    replace(PlaygroundConfig(), dataset="spiral", optimizer="adam", learning_rate=0.01,
            hidden=(HiddenLayer(8, "relu"),) * 2, epochs=200),
    with_task(PlaygroundConfig(), "regression"),
    with_task(PlaygroundConfig(), "multiclass"),
], ids=["default", "batch 1", "spiral adam", "regression", "multiclass"])
def test_healthy_runs_get_no_warning(config):
    assert diagnose(trained_loss(config), config) is None


def test_a_stalled_loss_blames_a_learning_rate_outside_the_usual_range():
    too_large = replace(PlaygroundConfig(), dataset="spiral", optimizer="adam", learning_rate=0.1,
                        hidden=(HiddenLayer(8, "relu"),) * 2, epochs=200)
    found = diagnose(trained_loss(too_large), too_large)
    assert found.kind == "stalled" and "above Adam's usual range" in found.message
    too_small = replace(PlaygroundConfig(), optimizer="adam", learning_rate=1e-6, epochs=30)
    found = diagnose(trained_loss(too_small), too_small)
    assert found.kind == "stalled" and "below Adam's usual range" in found.message


def test_curves_shaped_by_hand():
    config = PlaygroundConfig()
    falling = 0.7 * np.exp(-np.arange(50) / 10) + 0.01
    assert diagnose(falling, config) is None
    rising = np.concatenate([np.linspace(0.7, 0.2, 20), np.linspace(0.2, 0.9, 20)])
    assert diagnose(rising, config).kind == "rising"
    swinging = 0.7 + 0.3 * (-1) ** np.arange(40)
    assert diagnose(swinging, config).kind == "oscillating"
    # Converged near zero: tiny wiggles are not an oscillation.
    wiggle = 0.7 * np.exp(-np.arange(60) / 5) + 1e-4 * (-1) ** np.arange(60)
    assert diagnose(wiggle, config) is None
    assert diagnose([0.7, 5.0, 0.1], config) is None  # too few epochs to judge
    assert diagnose([0.7] * 5 + [float("nan")] * 10, config) is None
