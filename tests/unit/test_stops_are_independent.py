"""One visitor's Stop never waits on another's: ending and recording a run takes no lock that
another session's ending holds while it waits for its thread or evaluates its model."""

from __future__ import annotations

import threading
from dataclasses import replace

from nnplay.config.schema import PlaygroundConfig
from nnplay.data.load import load_dataset
from nnplay.engine.live import LiveRun
from nnplay.engine.training import Trainer
from nnplay.ui import training_panel


def finished_run(config: PlaygroundConfig) -> LiveRun:
    live = LiveRun(Trainer(config, load_dataset(config)), epochs=3).start()
    live.wait(60)
    assert live.done
    return live


def test_a_run_is_recorded_while_another_sessions_recording_is_still_busy(monkeypatch):
    config = replace(PlaygroundConfig(), n_samples=100, epochs=3)
    slow, quick = finished_run(config), finished_run(replace(config, seed=1))
    in_slow_evaluation, release = threading.Event(), threading.Event()
    real_evaluation = training_panel.final_evaluation

    def evaluation(trainer):
        if trainer is slow.trainer:  # one visitor's model takes long to evaluate (MNIST 70k, batch 1)
            in_slow_evaluation.set()
            release.wait(30)
        return real_evaluation(trainer)

    monkeypatch.setattr(training_panel, "final_evaluation", evaluation)
    slow_history, quick_history = [], []
    other = threading.Thread(target=training_panel._finish, args=(slow, slow_history))
    other.start()
    try:
        assert in_slow_evaluation.wait(30)
        done = threading.Thread(target=training_panel._finish, args=(quick, quick_history))
        done.start()
        done.join(20)  # the other session is still held in its evaluation all this while
        assert not done.is_alive() and len(quick_history) == 1
        assert slow_history == []
    finally:
        release.set()
        other.join(30)
    assert len(slow_history) == 1
