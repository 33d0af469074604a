"""The per-run time budget: a run ends with a clear message, the model so far kept, and Continue works.

Engine level (Trainer.run, LiveRun) and the budget's setting ($NNPLAY_RUN_BUDGET_S);
tests/app/test_time_budget_page.py checks the same on the Playground page.
"""

from __future__ import annotations

from dataclasses import replace

import keras
import numpy as np
import pytest

from nnplay.config.schema import HiddenLayer, PlaygroundConfig
from nnplay.data.load import load_dataset
from nnplay.engine.live import LiveRun
from nnplay.engine.model import build_loss
from nnplay.engine.training import Trainer, targets_for_loss
from nnplay.ui import training_panel

CONFIG = replace(PlaygroundConfig(), n_samples=200, hidden=(HiddenLayer(6, "tanh"),), optimizer="adam",
                 learning_rate=0.02, batch_size=20)


def fresh_trainer() -> Trainer:
    return Trainer(CONFIG, load_dataset(CONFIG))


def test_budget_ends_the_run_with_a_message_and_the_epochs_done():
    trainer = fresh_trainer()
    result = trainer.run_to_end(2_000, max_seconds=0.2)
    assert result.status == "time_budget"
    assert "time limit" in result.message and "kept" in result.message and "Continue" in result.message
    assert f"epoch {trainer.epoch}" in result.message
    assert 0 < result.epochs_run == trainer.epoch < 2_000
    assert len(trainer.history) == trainer.epoch and trainer.history.epoch == list(range(1, trainer.epoch + 1))
    assert result.seconds >= 0.2


def test_the_kept_model_is_the_trained_one():
    trainer = fresh_trainer()
    initial = [w.copy() for w in trainer.model.get_weights()]
    trainer.run_to_end(2_000, max_seconds=0.2)
    assert any(not np.array_equal(a, b) for a, b in zip(initial, trainer.model.get_weights()))
    # The weights are those after the last recorded epoch: the model's test loss now is the
    # history's last test loss, computed independently with the Keras loss.
    data = trainer.data
    outputs = trainer.raw_outputs(data.x_test)
    loss = float(build_loss(CONFIG)(targets_for_loss(CONFIG.task, data.y_test), outputs))
    assert loss == pytest.approx(trainer.history.test_loss[-1], rel=1e-4, abs=1e-6)
    # ...and a fresh model with those weights gives the same outputs (nothing hidden in the trainer).
    clone = keras.models.clone_model(trainer.model)
    clone.set_weights(trainer.model.get_weights())
    np.testing.assert_allclose(np.asarray(clone(data.x_test)), outputs, rtol=1e-5, atol=1e-6)


def test_continue_after_the_budget_trains_on_from_the_kept_model():
    trainer = fresh_trainer()
    trainer.run_to_end(2_000, max_seconds=0.2)
    done, last_loss = trainer.epoch, trainer.history.train_loss[-1]
    result = trainer.run_to_end(5)  # Continue: optimizer state and history kept
    assert result.status == "finished" and result.epochs_run == 5
    assert trainer.epoch == done + 5 and trainer.history.epoch[-6:] == list(range(done, done + 6))
    assert trainer.history.train_loss[done - 1] == last_loss  # the earlier epochs are untouched
    # The same 5 epochs from the kept model, on a second trainer brought to the same state, agree:
    twin = fresh_trainer()
    twin.run_to_end(done)
    twin.run_to_end(5)
    np.testing.assert_allclose(twin.history.train_loss, trainer.history.train_loss, rtol=1e-4)


def test_live_run_in_a_thread_obeys_the_budget():
    trainer = fresh_trainer()
    live = LiveRun(trainer, 2_000, max_seconds=0.3).start()
    assert live.wait(120), "the run did not end within its budget"
    assert live.error is None
    assert trainer.last_result.status == "time_budget"
    assert live.latest is not None and live.latest.epoch == trainer.epoch < 2_000


@pytest.mark.parametrize("text, seconds", [
    (None, training_panel.RUN_TIME_BUDGET_S),
    ("30", 30.0),
    ("2.5", 2.5),
    ("", training_panel.RUN_TIME_BUDGET_S),
    ("0", training_panel.RUN_TIME_BUDGET_S),
    ("-5", training_panel.RUN_TIME_BUDGET_S),
    ("nan", training_panel.RUN_TIME_BUDGET_S),
    ("inf", training_panel.RUN_TIME_BUDGET_S),
    ("five minutes", training_panel.RUN_TIME_BUDGET_S),
])
def test_budget_from_the_environment(monkeypatch, text, seconds):
    if text is None:
        monkeypatch.delenv(training_panel.RUN_BUDGET_ENV, raising=False)
    else:
        monkeypatch.setenv(training_panel.RUN_BUDGET_ENV, text)
    assert training_panel.run_time_budget() == seconds
