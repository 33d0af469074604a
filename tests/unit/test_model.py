"""The Keras model, optimizer and loss built from a config."""

import inspect
from dataclasses import replace

import keras
import numpy as np
import pytest

from nnplay.config.catalog import OPTIMIZERS, TASKS, hidden_activations
from nnplay.config.schema import (
    HiddenLayer,
    PlaygroundConfig,
    count_params,
    default_config,
)
from nnplay.engine.model import (
    build_loss,
    build_model,
    build_optimizer,
    to_probabilities,
)


@pytest.mark.parametrize("name", hidden_activations())
def test_every_activation_is_a_keras_activation(name):
    assert callable(keras.activations.get(name))


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_optimizer_table_matches_keras(name):
    rule = OPTIMIZERS[name]
    keras_class = getattr(keras.optimizers, rule.keras_class)
    accepted = inspect.signature(keras_class).parameters
    assert set(rule.params) <= set(accepted), f"{name}: {set(rule.params) - set(accepted)} not Keras arguments"
    config = replace(PlaygroundConfig(), optimizer=name)
    optimizer = build_optimizer(config)
    assert isinstance(optimizer, keras_class)
    assert float(optimizer.learning_rate) == pytest.approx(config.learning_rate)


def test_sgd_momentum_and_nesterov_reach_keras():
    optimizer = build_optimizer(replace(PlaygroundConfig(), momentum=0.9, nesterov=True))
    assert optimizer.momentum == 0.9 and optimizer.nesterov is True


def test_course_mnist_network():
    config = replace(default_config("multiclass"), dataset="mnist",
                     hidden=(HiddenLayer(25, "relu"), HiddenLayer(15, "relu")))
    model = build_model(config)
    dense = [layer for layer in model.layers]
    assert [layer.units for layer in dense] == [25, 15, 10]
    assert [layer.get_config()["activation"] for layer in dense] == ["relu", "relu", "linear"]
    assert model.count_params() == count_params(config)
    loss = build_loss(config)
    assert isinstance(loss, keras.losses.SparseCategoricalCrossentropy) and loss.get_config()["from_logits"]


@pytest.mark.parametrize("task", list(TASKS))
def test_output_layer_follows_the_task(task):
    config = default_config(task)
    model = build_model(config)
    output = model.layers[-1]
    assert output.get_config()["activation"] == config.output_activation
    assert type(build_loss(config)).__name__ == TASKS[task].loss


def test_initial_weights_depend_only_on_the_seed():
    config = PlaygroundConfig(seed=7)
    keras.utils.set_random_seed(1)
    first = build_model(config).get_weights()
    keras.utils.set_random_seed(2)  # global state must not matter
    second = build_model(config).get_weights()
    other = build_model(replace(config, seed=8)).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, second))
    assert not np.array_equal(first[0], other[0])


def test_l2_regularisation_adds_a_penalty():
    model = build_model(replace(PlaygroundConfig(), regularization="l2", reg_rate=0.1))
    assert len(model.losses) == len(model.layers)
    assert float(sum(model.losses)) > 0


def test_logits_become_probabilities():
    config = default_config("multiclass")
    probabilities = to_probabilities(config, np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]], np.float32))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert probabilities[1, 0] == pytest.approx(1.0)
    binary = to_probabilities(PlaygroundConfig(), np.array([[0.0], [50.0]], np.float32))
    np.testing.assert_allclose(binary.ravel(), [0.5, 1.0])
    # A probabilities model's outputs pass through unchanged.
    plain = replace(config, from_logits=False)
    np.testing.assert_array_equal(to_probabilities(plain, np.array([[0.2, 0.8]])), [[0.2, 0.8]])
