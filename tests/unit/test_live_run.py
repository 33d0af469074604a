"""Live play at the engine level: a setting changed mid-run applies at the next epoch, keeping the
weights and the optimizer's state; Pause, Step, Resume and Stop; Watch's pace; keyframes."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from nnplay.config.schema import HiddenLayer, PlaygroundConfig, live_changes
from nnplay.data.load import load_dataset
from nnplay.engine.keyframes import Keyframes
from nnplay.engine.live import LiveRun
from nnplay.engine.training import Trainer

BASE = PlaygroundConfig(n_samples=200, epochs=12)


@pytest.fixture(scope="module")
def data():
    return load_dataset(BASE, None)


def resumed(config: PlaygroundConfig, data, state_of: Trainer) -> Trainer:
    """A Trainer built for `config` whose model and optimizer are `state_of`'s: what training on
    with the new settings from that point must equal."""
    trainer = Trainer(config, data)
    trainer._restore_state(state_of._save_state())
    trainer.optimizer.learning_rate = config.learning_rate  # the restored state holds the old rate
    trainer.epoch = state_of.epoch
    return trainer


@pytest.mark.parametrize("change", [
    dict(learning_rate=0.3),
    dict(batch_size=25),
    dict(regularization="l2", reg_rate=0.01),
    dict(momentum=0.9),  # SGD built without momentum slots gets them
    dict(learning_rate=0.1, batch_size=0, regularization="l1", reg_rate=0.001, momentum=0.5, nesterov=True),
])
def test_a_change_at_epoch_k_equals_training_k_epochs_then_on_with_the_new_settings(data, change):
    k, rest = 5, 7
    changed = replace(BASE, **change)
    trainer = Trainer(BASE, data)
    trainer.run_to_end(k)
    reference = resumed(changed, data, trainer)
    trainer.apply_settings(changed)
    trainer.run_to_end(rest)
    reference.run_to_end(rest)
    assert trainer.history.test_loss[k:] == reference.history.test_loss  # digit for digit
    assert trainer.history.train_loss[k:] == reference.history.train_loss
    unchanged = Trainer(BASE, data)
    unchanged.run_to_end(k + rest)
    assert unchanged.history.test_loss[k:] != trainer.history.test_loss[k:]  # the change did something
    assert sorted(c.setting for c in trainer.history.changes) == sorted(change)
    assert all(c.epoch == k for c in trainer.history.changes)


def test_a_change_requested_of_a_live_run_is_the_same_as_applying_it_by_hand(data):
    k = 4
    faster = replace(BASE, learning_rate=0.3)
    live = LiveRun(Trainer(BASE, data), BASE.epochs, paused=True).start()
    for _ in range(k):
        live.step()
    live.change(faster)
    live.resume()
    assert live.wait(60)
    by_hand = Trainer(BASE, data)
    by_hand.run_to_end(k)
    by_hand.apply_settings(faster)
    by_hand.run_to_end(BASE.epochs - k)
    assert live.trainer.history.test_loss == by_hand.history.test_loss
    assert live.result.status == "finished" and live.trainer.epoch == BASE.epochs
    changes = [(c.epoch, c.setting, c.old, c.new) for c in live.trainer.history.changes]
    assert changes == [(k, "learning_rate", 0.03, 0.3)]


def test_changing_the_epochs_mid_run_moves_the_end_of_the_run(data):
    live = LiveRun(Trainer(BASE, data), BASE.epochs, paused=True).start()
    live.step()
    live.change(replace(BASE, epochs=3))
    live.resume()
    assert live.wait(60)
    assert live.trainer.epoch == 3 and live.result.status == "finished"


def test_restart_after_changes_gives_a_new_trainers_curve(data):
    trainer = Trainer(BASE, data)
    trainer.run_to_end(3)
    trainer.apply_settings(replace(BASE, learning_rate=1.0, batch_size=7, regularization="l2", reg_rate=0.1,
                                   momentum=0.8))
    trainer.run_to_end(3)
    trainer.restart()
    assert trainer.config == BASE and trainer.history.changes == []
    trainer.run_to_end()
    fresh = Trainer(BASE, data)
    fresh.run_to_end()
    assert trainer.history.test_loss == fresh.history.test_loss


def test_only_live_settings_can_change_while_training(data):
    trainer = Trainer(BASE, data)
    assert live_changes(BASE, replace(BASE, learning_rate=0.1)) == {"learning_rate": 0.1}
    assert live_changes(BASE, BASE) == {}
    for other in (dict(hidden=(HiddenLayer(3, "relu"),)), dict(dataset="xor"), dict(seed=5), dict(optimizer="adam")):
        assert live_changes(BASE, replace(BASE, **other)) is None
        with pytest.raises(ValueError, match="can change while a model trains"):
            trainer.apply_settings(replace(BASE, **other))


def test_the_loss_history_csv_has_a_column_per_changed_setting(data):
    trainer = Trainer(BASE, data)
    trainer.run_to_end(2)
    trainer.apply_settings(replace(BASE, learning_rate=0.1))
    trainer.run_to_end(2)
    lines = trainer.history.to_csv().splitlines()
    header = lines[0].split(",")
    assert header[-1] == "learning_rate"
    assert [line.split(",")[-1] for line in lines[1:]] == ["0.03", "0.03", "0.1", "0.1"]


def test_pause_holds_the_epoch_step_trains_one_and_resume_goes_on(data):
    live = LiveRun(Trainer(BASE, data), 10_000, pace=40.0).start()
    deadline = time.monotonic() + 30
    while (live.latest is None or live.latest.epoch < 3) and time.monotonic() < deadline:
        time.sleep(0.01)
    live.pause()
    time.sleep(0.3)
    held = live.trainer.epoch
    time.sleep(0.5)
    assert live.trainer.epoch == held and live.paused
    live.step()
    assert live.trainer.epoch == held + 1 and live.paused
    assert live.trainer.keyframes.last_epoch == held + 1  # the stepped epoch can be drawn and rewound from
    live.resume()
    time.sleep(0.5)
    assert live.trainer.epoch > held + 1
    started = time.monotonic()
    live.stop()
    assert time.monotonic() - started < 1.0
    assert live.result.status == "stopped" and not live.paused


def epochs_in(live: LiveRun, seconds: float) -> int:
    """Epochs trained in `seconds` once the run has compiled and trained its first epoch."""
    deadline = time.monotonic() + 60
    while live.trainer.epoch < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    first = live.trainer.epoch
    time.sleep(seconds)
    live.stop()
    return live.trainer.epoch - first


def test_watch_paces_the_run_and_fast_does_not(data):
    watched = epochs_in(LiveRun(Trainer(BASE, data), 10_000, pace=20.0).start(), 1.5)
    fast = epochs_in(LiveRun(Trainer(BASE, data), 10_000).start(), 1.5)
    assert 0 < watched <= 20 * 1.5 + 3  # never faster than the pace (a slow machine may be slower)
    assert fast > watched


def test_keyframes_hold_the_weights_after_their_epoch(data):
    live = LiveRun(Trainer(BASE, data), 30, pace=1000.0).start()
    assert live.wait(60)
    frames = live.trainer.keyframes
    assert frames.epochs[0] == 0 and frames.epochs[-1] == 30
    initial = Trainer(BASE, data).model.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(frames.at(0)[1], initial))
    k = frames.epochs[len(frames) // 2]
    by_hand = Trainer(BASE, data)
    by_hand.run_to_end(k)
    assert all(np.array_equal(a, b) for a, b in zip(frames.at(k)[1], by_hand.model.get_weights()))


def test_the_reel_holds_each_chunks_weights_in_order_for_the_page_to_play_back(data):
    live = LiveRun(Trainer(BASE, data), 40, pace=200.0).start()
    assert live.wait(60)
    reel = live.reel_after(0)
    assert [frame.number for frame in reel] == list(range(reel[0].number, reel[0].number + len(reel)))
    assert reel[-1].epoch == 40 and all(a.epoch < b.epoch and a.seconds <= b.seconds for a, b in zip(reel, reel[1:]))
    assert live.reel_after(reel[-2].number) == [reel[-1]] and live.reel_after(reel[-1].number) == []
    by_hand = Trainer(BASE, data)
    by_hand.run_to_end(reel[0].epoch)
    assert all(np.array_equal(a, b) for a, b in zip(reel[0].weights, by_hand.model.get_weights()))


def test_a_stop_wins_over_a_change_asked_for_just_before_it(data):
    live = LiveRun(Trainer(BASE, data), 10_000, paused=True).start()
    live.change(replace(BASE, learning_rate=0.5))
    live.stop()
    assert live.result.status == "stopped" and live.trainer.config.learning_rate == BASE.learning_rate
    assert live.trainer.history.changes == []


def test_keyframes_are_dense_early_about_200_a_run_and_capped_in_bytes():
    weights = [np.zeros((4, 4), np.float32)]
    frames = Keyframes()
    for epoch in range(0, 5001):
        frames.offer(epoch, weights)
    assert frames.epochs[:80] == list(range(80))  # every early epoch
    assert 150 <= len(frames) <= 300
    small = Keyframes(max_bytes=50 * weights[0].nbytes)
    for epoch in range(0, 5001):
        small.offer(epoch, weights)
    assert len(small) <= 50 and small.epochs[0] == 0
    assert small.at(4000)[0] <= 4000


# ---------------------------------------------------------------- the labs' background jobs
def counting_work(steps: int, pause: float = 0.01):
    def work(progress):
        done = 0
        for done in range(1, steps + 1):
            time.sleep(pause)
            if progress(done / steps, f"step {done}"):
                break
        return done
    return work


def test_a_job_runs_to_its_end_and_hands_over_its_result():
    from nnplay.engine.live import BackgroundJob

    job = BackgroundJob(counting_work(5)).start()
    assert job.wait(10)
    assert (job.result, job.ended, job.fraction, job.text) == (5, "finished", 1.0, "step 5")


def test_stop_and_the_time_budget_end_a_job_with_what_it_has():
    from nnplay.engine.live import BackgroundJob

    stopped = BackgroundJob(counting_work(10_000)).start()
    time.sleep(0.1)
    stopped.stop()
    assert stopped.done and stopped.ended == "stopped" and 0 < stopped.result < 10_000
    budget = BackgroundJob(counting_work(10_000), max_seconds=0.2).start()
    assert budget.wait(10)
    assert budget.ended == "time_budget" and budget.result < 10_000


def test_an_error_in_a_job_is_kept_for_the_page():
    from nnplay.engine.live import BackgroundJob

    def broken(progress):
        raise ValueError("no data")

    job = BackgroundJob(broken).start()
    assert job.wait(10)
    assert isinstance(job.error, ValueError) and job.result is None


class Tab:
    """A browser tab the test can close: what session_watch() tells a run."""

    def __init__(self):
        self.open = True

    def __call__(self) -> bool:
        return self.open


def test_a_run_whose_page_is_closed_stops_after_a_grace_of_seconds_and_a_brief_drop_does_not(data):
    from nnplay.engine.live import ORPHAN_GRACE_S

    tab = Tab()
    live = LiveRun(Trainer(BASE, data), 100_000, pace=40.0, connected=tab).start()
    deadline = time.monotonic() + 30
    while live.trainer.epoch < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    tab.open = False  # a reconnect within the grace keeps the run
    time.sleep(ORPHAN_GRACE_S / 3)
    tab.open = True
    time.sleep(ORPHAN_GRACE_S)
    assert not live.done
    tab.open = False
    closed = time.monotonic()
    assert live.wait(ORPHAN_GRACE_S + 5), "the run trained on for a closed page"
    assert time.monotonic() - closed >= ORPHAN_GRACE_S * 0.9
    assert live.result.status == "abandoned" and "page that ran it was closed" in live.result.message


def test_a_paused_run_and_a_job_whose_page_is_closed_stop_too(data):
    from nnplay.engine.live import ORPHAN_GRACE_S, BackgroundJob

    tab = Tab()
    paused = LiveRun(Trainer(BASE, data), 100_000, paused=True, connected=tab).start()
    job = BackgroundJob(counting_work(100_000, pause=0.01), connected=tab).start()
    tab.open = False
    assert paused.wait(ORPHAN_GRACE_S + 5) and paused.result.status == "abandoned"
    assert job.wait(ORPHAN_GRACE_S + 5) and job.ended == "abandoned"


def test_every_run_has_its_own_run_id_even_where_python_reuses_an_id(data):
    trainer = Trainer(BASE, data)
    ids = set()
    for _ in range(3):
        live = LiveRun(trainer, 1)  # never started: each freed before the next, as a page's runs are
        ids.add(live.run_id)
        del live
    assert len(ids) == 3
