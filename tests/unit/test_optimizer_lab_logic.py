"""The Optimizer Lab's control rules (nnplay.labs.optimizer.controls), without Streamlit or TensorFlow."""

from dataclasses import fields
from types import SimpleNamespace

import pytest

from nnplay.config import catalog
from nnplay.config.catalog import race_variants
from nnplay.config.schema import DATA_FIELDS, HiddenLayer, PlaygroundConfig, validate
from nnplay.labs.optimizer.controls import (
    BATCH_SIZES,
    LEARNING_RATES,
    NETWORKS,
    OPENING_RACERS,
    STEPS,
    nearest_rate,
    race_config,
    race_datasets,
    shown_follows_steps,
    story_applies,
)


def test_the_learning_rates_rise_and_hold_both_sides_of_the_bowls_limits():
    assert list(LEARNING_RATES) == sorted(set(LEARNING_RATES))
    for limit in (0.68, 1.0, 1.9):  # Nesterov, gradient descent, momentum on the bowl
        assert any(rate < limit for rate in LEARNING_RATES) and any(rate > limit for rate in LEARNING_RATES)
    assert 0.6 in LEARNING_RATES  # the bowl opens at it
    assert STEPS == (1, 2000)


@pytest.mark.parametrize("value, expected", [
    (0.6, 0.6),  # a rate on the slider stays
    (0.001, 0.001),
    (0.04, 0.05),  # between 0.03 and 0.05, nearer 0.05 on a log scale (0.0387 is the middle)
    (0.035, 0.03),
    (1e-6, 1e-4),  # beyond the ends: the end
    (50.0, 2.0),
])
def test_nearest_rate_is_nearest_on_a_log_scale(value, expected):
    assert nearest_rate(value) == expected


def test_the_shown_steps_follow_the_end_and_never_pass_it():
    # Drawn to the end of 100 steps, then 200 steps: still drawn to the end.
    assert shown_follows_steps(shown=100, followed=100, steps=200)
    # Stopped at step 10 of 100, then 200 steps: stays at 10.
    assert not shown_follows_steps(shown=10, followed=100, steps=200)
    # Stopped at 80 of 100, then only 50 steps: cut back to 50 (no more than ran).
    assert shown_follows_steps(shown=80, followed=100, steps=50)
    # The first run has followed nothing yet; a slider inside the steps stays.
    assert not shown_follows_steps(shown=100, followed=None, steps=100)


def test_a_story_applies_while_the_controls_hold_the_presets_values():
    preset = SimpleNamespace(surface="bowl", start=(2.0, 1.5), learning_rate=1.05, steps=100)
    assert story_applies(preset, "bowl", 1.05, 100, (2.0, 1.5))
    assert story_applies(preset, "bowl", 1.05, 100, [2.0, 1.5])  # any sequence for the start
    assert not story_applies(preset, "bowl", 1.05, 60, (2.0, 1.5))
    assert not story_applies(preset, "bowl", 0.9, 100, (2.0, 1.5))
    assert not story_applies(preset, "bowl", 1.05, 100, (2.0, 1.0))
    assert not story_applies(preset, "saddle", 1.05, 100, (2.0, 1.5))


def test_the_opening_racers_are_race_entrants_of_the_catalog():
    assert set(OPENING_RACERS) <= set(race_variants())


def test_the_race_offers_the_binary_toy_datasets_and_one_registered_later():
    assert race_datasets() == ["circle", "xor", "gauss", "spiral", "moons"]
    stripes = catalog.DatasetRecord("stripes", "Stripes", ("binary",), catalog.DATASETS["circle"].generator)
    with catalog.registered(stripes):
        assert "stripes" in race_datasets()
    assert "stripes" not in race_datasets()


def test_the_race_config_carries_every_widget_value():
    config = race_config("xor", 400, 0.2, "8-8 ReLU", 0, 30, 5)
    assert (config.dataset, config.n_samples, config.noise, config.batch_size, config.epochs, config.seed) == (
        "xor", 400, 0.2, 0, 30, 5)
    assert config.hidden == (HiddenLayer(8, "relu"), HiddenLayer(8, "relu"))
    # Every other field is the Playground's default.
    given = {"dataset", "n_samples", "noise", "hidden", "batch_size", "epochs", "seed"}
    default = PlaygroundConfig()
    assert {f.name for f in fields(config) if getattr(config, f.name) != getattr(default, f.name)} <= given


@pytest.mark.parametrize("network", list(NETWORKS))
@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_every_race_setup_the_widgets_offer_is_valid(network, batch_size):
    validate(race_config("circle", 300, 0.1, network, batch_size, 100, 0))


def test_the_networks_are_small_hidden_stacks():
    assert NETWORKS["4-2 tanh (TF Playground's default)"] == (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh"))
    assert all(layers and all(isinstance(layer, HiddenLayer) for layer in layers) for layers in NETWORKS.values())
    assert "hidden" not in DATA_FIELDS  # the race's cached data does not depend on the network
