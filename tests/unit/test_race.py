"""The optimizer race: lanes that differ only in the optimizer, on the same weights and batches."""

from dataclasses import fields, replace

import numpy as np
import pytest

from nnplay.config.catalog import OPTIMIZERS, VARIANTS, race_variants
from nnplay.config.schema import ConfigError, HiddenLayer, PlaygroundConfig
from nnplay.data.load import load_dataset
from nnplay.engine.model import build_model
from nnplay.labs.optimizer.race import (
    OPTIMIZER_FIELDS,
    Lane,
    Race,
    epochs_to_reach,
    lane_advice,
    lane_config,
    summary_rows,
    winner,
)

BASE = PlaygroundConfig(dataset="circle", n_samples=120, noise=0.1, batch_size=10, epochs=4, seed=7,
                        hidden=(HiddenLayer(4, "tanh"),))


@pytest.fixture(scope="module")
def finished_race():
    """SGD twice with the same settings, and Adam: built once, trained for a few epochs."""
    race = Race(BASE, [("sgd", 0.05), ("sgd", 0.05), ("adam", 0.01)], load_dataset(BASE))
    updates = list(race.run())
    return race, updates


@pytest.mark.parametrize("key", race_variants())
def test_a_lane_changes_only_the_optimizer_fields(key):
    config = lane_config(BASE, key)
    changed = {f.name for f in fields(PlaygroundConfig) if getattr(config, f.name) != getattr(BASE, f.name)}
    assert changed <= set(OPTIMIZER_FIELDS)
    variant = VARIANTS[key]
    assert config.optimizer == variant.optimizer and config.learning_rate == variant.race_lr
    low, high = OPTIMIZERS[variant.optimizer].typical_lr
    assert low <= variant.race_lr <= high  # a usual rate for the optimizer, not a trick


def test_momentum_and_nesterov_lanes_are_sgd_with_momentum():
    assert (lane_config(BASE, "momentum").momentum, lane_config(BASE, "momentum").nesterov) == (0.9, False)
    assert (lane_config(BASE, "nesterov").momentum, lane_config(BASE, "nesterov").nesterov) == (0.9, True)
    assert lane_config(BASE, "sgd").momentum == 0.0


def test_a_learning_rate_outside_the_caps_is_refused_before_training():
    with pytest.raises(ConfigError, match="learning_rate"):
        lane_config(BASE, "adam", 50.0)
    with pytest.raises(ValueError, match="at least one"):
        Race(BASE, [], load_dataset(BASE))


def test_every_lane_starts_from_the_same_weights(finished_race):
    race, _ = finished_race
    expected = build_model(BASE, inputs=2, outputs=1).get_weights()
    for lane in race.lanes:
        assert len(lane.initial_weights) == len(expected)
        for ours, reference in zip(lane.initial_weights, expected):
            np.testing.assert_array_equal(ours, reference)


def test_the_same_optimizer_twice_gives_the_same_curve_so_batches_match(finished_race):
    """Identical curves need identical weights *and* identical batches in the same order."""
    race, _ = finished_race
    first, second, adam = race.lanes
    assert len(first.train_loss) == BASE.epochs
    assert first.train_loss == second.train_loss and first.test_loss == second.test_loss
    assert adam.train_loss != first.train_loss  # the optimizer does make a difference
    assert all(lane.status == "finished" for lane in race.lanes)


def test_progress_covers_every_lane_in_order(finished_race):
    race, updates = finished_race
    fractions = [u.fraction for u in updates]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == pytest.approx(1.0)
    assert [u.lane for u in updates] == sorted(u.lane for u in updates)
    assert {u.label for u in updates} == {"SGD", "Adam"}


def test_epochs_to_reach_a_target():
    assert epochs_to_reach([0.9, 0.5, 0.29, 0.31], 0.3) == 3
    assert epochs_to_reach([0.9, 0.5], 0.3) is None
    assert epochs_to_reach([0.3], 0.3) == 1


def test_summary_and_winner(finished_race):
    race, _ = finished_race
    lanes = race.lanes
    target = max(lane.train_loss[-1] for lane in lanes) + 1e-6  # every lane gets there by the end
    rows = summary_rows(lanes, target)
    assert [row["optimizer"] for row in rows] == ["SGD", "SGD", "Adam"]
    column = f"epochs to loss ≤ {target:g}"
    assert all(row[column] != "not reached" for row in rows)
    best = winner(lanes, target)
    assert best.epochs_to(target) == min(lane.epochs_to(target) for lane in lanes)
    assert winner(lanes, 0.0) is None
    assert summary_rows(lanes, 0.0)[0]["epochs to loss ≤ 0"] == "not reached"


def test_a_diverging_lane_is_reported_and_the_others_still_run():
    base = PlaygroundConfig(task="regression", dataset="plane", n_samples=60, batch_size=0, epochs=30,
                            hidden=(HiddenLayer(8, "relu"),) * 2)
    race = Race(base, [("sgd", 10.0), ("adam", 0.01)], load_dataset(base))
    sgd, adam = race.run_to_end()
    assert sgd.status == "diverged" and "NaN or infinite" in sgd.message
    assert all(np.isfinite(sgd.train_loss))  # the curve stops before the bad epoch
    assert adam.status == "finished" and len(adam.train_loss) == 30
    assert summary_rows([sgd], 0.1)[0]["status"] == "diverged (stopped)"


def test_race_figure_overlays_the_lanes_and_marks_the_target(finished_race):
    from nnplay.figures import optimizer_lab as lab_plots

    race, _ = finished_race
    target = race.lanes[2].train_loss[1]  # Adam reaches this at epoch 2 at the latest
    figure = lab_plots.race_figure(race.lanes, target)
    curves = [t for t in figure.data if t.mode == "lines" and not t.name.startswith("target")]
    assert [t.name for t in curves] == ["SGD (lr 0.05)", "SGD (lr 0.05)", "Adam (lr 0.01)"]
    assert all(len(t.x) == BASE.epochs for t in curves)
    assert curves[0].line.color == VARIANTS["sgd"].color and curves[2].line.color == VARIANTS["adam"].color
    assert any(t.name == f"target loss {target:g}" for t in figure.data)
    adam_dot = next(t for t in figure.data if t.name == "Adam reached")
    assert adam_dot.x[0] == race.lanes[2].epochs_to(target) <= 2


def test_every_racer_has_its_own_colour():
    colours = [VARIANTS[key].color for key in race_variants()]
    assert len(set(colours)) == len(colours)


def test_a_repeated_race_reuses_the_pooled_lanes_and_runs_the_same():
    # Each new Trainer compiles XLA programs that TensorFlow never frees; the second race of the
    # same setup must take the first one's trainers back from the pool, restarted.
    from nnplay.engine.pool import POOL

    data = load_dataset(BASE)
    entries = [("sgd", 0.1), ("adam", 0.01)]
    first = [lane.train_loss for lane in Race(BASE, entries, data).run_to_end()]
    built, reused = POOL.built, POOL.reused
    second = [lane.train_loss for lane in Race(BASE, entries, data).run_to_end()]
    assert POOL.built == built
    assert POOL.reused == reused + 2
    assert second == first


# The page's opening race (app_pages/3_Optimizer_Lab.py: its widgets' defaults).
OPENING = PlaygroundConfig(dataset="circle", n_samples=300, noise=0.1, batch_size=10, epochs=100, seed=0,
                           hidden=(HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh")))


def test_at_their_race_rates_every_optimizer_reaches_the_opening_target():
    """Issue 10: Adam at Keras's default 0.001 came last, "not reached", with no word on why."""
    lanes = Race(OPENING, [(key, None) for key in race_variants()], load_dataset(OPENING)).run_to_end()
    assert {lane.label: lane.epochs_to(0.3) is not None for lane in lanes} == {lane.label: True for lane in lanes}
    assert all(lane_advice(lane, 0.3) is None for lane in lanes)


def test_a_slow_lane_says_why_and_what_to_try():
    data = load_dataset(OPENING)
    short = replace(OPENING, epochs=10)
    adam, sgd, adagrad = Race(short, [("adam", 0.001), ("sgd", 0.01), ("adagrad", 0.01)], data).run_to_end()
    assert adam.batches_per_epoch == 15  # 150 training points in batches of 10
    words = lane_advice(adam, 0.3)
    assert words.startswith("Adam (lr 0.001) did not reach a train loss of 0.3 in 10 epochs")
    assert "about the learning rate for every weight" in words and "at most about 0.15 over the 150 batches" in words
    assert "Try lr 0.01" in words
    assert "lr × the gradient" in lane_advice(sgd, 0.3) and "Momentum 0.9" in lane_advice(sgd, 0.3)
    assert "Try lr 0.03" in lane_advice(sgd, 0.3)
    assert "only ever shrink" in lane_advice(adagrad, 0.3) and "Try lr 0.1" in lane_advice(adagrad, 0.3)
    top = Lane("adam", "Adam", lane_config(short, "adam", 0.01), train_loss=[0.9, 0.8])
    assert "already at the top of its usual range" in lane_advice(top, 0.3)
    assert lane_advice(top, 0.85) is None  # reached


def test_a_diverged_lane_says_so_and_suggests_a_smaller_rate():
    lane = Lane("sgd", "SGD", lane_config(OPENING, "sgd", 5.0), train_loss=[0.7], status="diverged",
                message="The loss became NaN or infinite at epoch 2.")
    words = lane_advice(lane, 0.3)
    assert words.startswith("SGD (lr 5) diverged: The loss became NaN") and "such as 0.5" in words
