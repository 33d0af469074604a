"""The Keras model, optimizer and loss for a config — exactly what the course writes.

Everything comes from Keras's own registries (activations by name, optimizer and
loss classes by name); the config only decides which. Initial weights are seeded
from config.seed per layer, so two sessions training the same link in one process
start from the same weights without touching Keras's global random state.
"""

from __future__ import annotations

import keras
import numpy as np

import nnplay.engine.runtime  # noqa: F401  (TensorFlow's threads, set before any op runs)
from nnplay.config.catalog import OPTIMIZERS
from nnplay.config.schema import PlaygroundConfig, n_inputs, n_outputs


def layer_seed(config: PlaygroundConfig, index: int) -> int:
    """The initializer seed of layer `index` (0-based, output layer last)."""
    return (config.seed * 101 + index) % 2**31


def build_model(config: PlaygroundConfig, inputs: int | None = None, outputs: int | None = None) -> keras.Sequential:
    """Sequential([Input, Dense(hidden)..., Dense(output)]) for the config.

    `inputs`/`outputs` come from the data when the config alone cannot tell
    (a CSV's columns and classes); otherwise they are derived from the config.
    """
    inputs = inputs or n_inputs(config)
    outputs = outputs or n_outputs(config)
    regularizer = regularizer_for(config)
    layers: list = [keras.Input(shape=(inputs,))]
    sizes = [(layer.units, layer.activation) for layer in config.hidden] + [(outputs, config.output_activation)]
    for index, (units, activation) in enumerate(sizes):
        is_output = index == len(sizes) - 1
        layers.append(
            keras.layers.Dense(
                units=units,
                activation=activation,
                kernel_initializer=keras.initializers.GlorotUniform(seed=layer_seed(config, index)),
                kernel_regularizer=regularizer,
                name="output" if is_output else f"hidden_{index + 1}",
            )
        )
    return keras.Sequential(layers, name="nnplay")


def regularizer_for(config: PlaygroundConfig):
    """The config's kernel regulariser (None without one)."""
    if config.regularization == "none" or config.reg_rate == 0:
        return None
    return keras.regularizers.get({"class_name": config.regularization.upper(),
                                   "config": {config.regularization: config.reg_rate}})


def optimizer_kwargs(config: PlaygroundConfig) -> dict:
    """The keyword arguments of the Keras optimizer class: learning rate plus the optimizer's own."""
    kwargs = {"learning_rate": config.learning_rate}
    for name in OPTIMIZERS[config.optimizer].params:
        kwargs[name] = getattr(config, name)
    return kwargs


def build_optimizer(config: PlaygroundConfig) -> keras.optimizers.Optimizer:
    optimizer_class = getattr(keras.optimizers, OPTIMIZERS[config.optimizer].keras_class)
    return optimizer_class(**optimizer_kwargs(config))


def loss_kwargs(config: PlaygroundConfig) -> dict:
    return {"from_logits": True} if config.uses_logits else {}


def build_loss(config: PlaygroundConfig) -> keras.losses.Loss:
    loss_class = getattr(keras.losses, config.rule.loss)
    return loss_class(**loss_kwargs(config))


def to_probabilities(config: PlaygroundConfig, outputs):
    """Model outputs → what the task reports: probabilities for classification, values for regression.

    For a logits model this is the extra step the course shows: tf.nn.softmax or tf.nn.sigmoid.
    """
    if not config.uses_logits:
        return np.asarray(outputs)
    if config.task == "multiclass":
        return np.asarray(keras.ops.softmax(outputs, axis=-1))
    return np.asarray(keras.ops.sigmoid(outputs))


def to_keras_bytes(model: keras.Model) -> bytes:
    """The model as a .keras file's bytes (for a download)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        model.save(path)
        return path.read_bytes()
