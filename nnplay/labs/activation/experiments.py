"""The Activation Lab's engine: activation curves, softmax, why non-linear, flat regions.

Everything is computed by Keras/TensorFlow itself, never by formulas of ours:
an activation is `keras.activations.get(name)` and its derivative is what
`tf.GradientTape` says it is, so the curves are exactly what a Dense layer uses
(Keras's own leaky_relu slope, its gelu approximation, relu'(0) = 0, ...).

Four experiments, each a plain function a page, a test or a notebook can call:

    activation_curve(name)                     the function and its derivative on a range
    softmax(logits, temperature)               probabilities of a vector the learner edits
    fold_linear_network(model) / fold_check    a stack of linear layers is one linear layer
    compare(settings, data, on_progress)       train linear vs ReLU hidden layers, fold the linear one
    gradient_norms_per_layer(config, data)     vanishing gradients in a deep sigmoid stack
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import keras
import numpy as np
import tensorflow as tf

from nnplay.config.catalog import ACTIVATIONS
from nnplay.config.schema import HiddenLayer, PlaygroundConfig, n_outputs
from nnplay.data.dataset import Dataset
from nnplay.engine.model import build_loss, build_model, build_optimizer
from nnplay.engine.plane import PlaneView, probe_for
from nnplay.engine.pool import train_leased
from nnplay.engine.tracing import traced
from nnplay.engine.training import RunResult, targets_for_loss

# --------------------------------------------------------------------------
# Activations and what to say about them. The curves come from Keras; only the
# words are ours (Keras has no explanations).
# --------------------------------------------------------------------------


# The order the lab offers them in: the catalog's (all names are Keras's own; the words are the records').
LAB_ACTIVATIONS: tuple[str, ...] = tuple(ACTIVATIONS)


@dataclass(frozen=True)
class Curve:
    """An activation g and its derivative g' sampled on z."""

    name: str
    z: np.ndarray
    value: np.ndarray
    derivative: np.ndarray


def activation_curve(name: str, z_range: tuple[float, float] = (-6.0, 6.0), n_points: int = 241,
                     z: Sequence[float] | None = None) -> Curve:
    """g(z) and g'(z) for Keras's activation `name`, at `z` or on n_points evenly spread over z_range.

    The derivative is TensorFlow's gradient: for an element-wise g, the gradient of Σ g(z_i)
    with respect to z_i is g'(z_i). At a kink Keras's choice applies (relu'(0) = 0).
    """
    function = keras.activations.get(name)
    points = np.linspace(*z_range, n_points) if z is None else np.asarray(z, dtype=np.float64)
    z_tensor = tf.constant(points, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(z_tensor)
        value = function(z_tensor)
    derivative = tape.gradient(value, z_tensor)
    # Constant pieces (e.g. hard_sigmoid's) may have no gradient path at all: that is a slope of 0.
    derivative = tf.zeros_like(z_tensor) if derivative is None else derivative
    return Curve(name, points.astype(np.float32), np.asarray(value), np.asarray(derivative))


# --------------------------------------------------------------------------
# Softmax of a vector the learner edits
# --------------------------------------------------------------------------


def softmax(logits: Sequence[float], temperature: float = 1.0) -> np.ndarray:
    """keras.activations.softmax(z / T): probabilities that sum to one.

    T > 1 flattens them towards 1/K, T < 1 sharpens them towards the largest logit.
    """
    if temperature <= 0:
        raise ValueError("The temperature must be positive.")
    z = tf.constant(np.asarray(logits, dtype=np.float32)[None, :] / temperature)
    return np.asarray(keras.activations.softmax(z, axis=-1))[0]


def shift_gap(logits: Sequence[float], shift: float, temperature: float = 1.0) -> float:
    """Largest |softmax(z + c) − softmax(z)|: zero up to round-off, since e^c cancels."""
    base = softmax(logits, temperature)
    shifted = softmax(np.asarray(logits, dtype=np.float32) + np.float32(shift), temperature)
    return float(np.abs(shifted - base).max())


# --------------------------------------------------------------------------
# Why non-linear: the same network with linear and with ReLU hidden layers
# --------------------------------------------------------------------------


def comparison_configs(units: Sequence[int] = (8, 8), epochs: int = 200, seed: int = 0,
                       ) -> dict[str, PlaygroundConfig]:
    """One config per hidden activation, identical in everything else (circle, binary, same seed).

    The output layer is a sigmoid (from_logits=False) so the fold below includes an
    output activation, as most real networks do.
    """
    base = PlaygroundConfig(
        task="binary", dataset="circle", noise=0.0, from_logits=False,
        optimizer="adam", learning_rate=0.01, batch_size=25, epochs=epochs, seed=seed,
    )
    return {
        activation: replace(base, hidden=tuple(HiddenLayer(int(u), activation) for u in units))
        for activation in ("linear", "relu")
    }


def _dense_layers(model: keras.Model) -> list:
    layers = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if len(layers) != len(model.layers):
        others = [type(layer).__name__ for layer in model.layers if not isinstance(layer, keras.layers.Dense)]
        raise ValueError(f"Only a stack of Dense layers can be folded; this model also has {', '.join(others)}.")
    return layers


def activation_name(layer) -> str:
    """A Dense layer's activation as Keras names it ('linear', 'relu', ...)."""
    return str(layer.get_config()["activation"])


def fold_linear_network(model: keras.Model) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) of the single layer x·W + b that equals the network's pre-activation output.

    With row vectors, layer k computes h_k = h_{k−1}·W_k + b_k. If every hidden layer is
    linear, substituting gives W = W₁W₂…W_L and b = (…((b₁W₂ + b₂)W₃ + b₃)…)W_L + b_L.
    The output layer's own activation (sigmoid, softmax) is applied after the fold.
    Raises ValueError when a hidden layer is not linear.
    """
    layers = _dense_layers(model)
    nonlinear = [f"{layer.name} ({activation_name(layer)})" for layer in layers[:-1]
                 if activation_name(layer) != "linear"]
    if nonlinear:
        raise ValueError("Only a network whose hidden layers are all linear folds into one layer; "
                         f"not linear: {', '.join(nonlinear)}.")
    # float64 so the fold adds no round-off of its own: what is left is the network's float32.
    weights = np.eye(int(layers[0].kernel.shape[0]))
    bias = np.zeros(int(layers[0].kernel.shape[0]))
    for layer in layers:
        kernel = np.asarray(layer.kernel, dtype=np.float64)
        layer_bias = np.asarray(layer.bias, dtype=np.float64) if layer.use_bias else np.zeros(kernel.shape[1])
        weights = weights @ kernel
        bias = bias @ kernel + layer_bias
    return weights, bias


@dataclass(frozen=True)
class FoldCheck:
    """The folded layer next to the network it replaces, on the same inputs."""

    weights: np.ndarray  # (n_inputs, n_outputs)
    bias: np.ndarray  # (n_outputs,)
    output_activation: str
    network_outputs: np.ndarray
    folded_outputs: np.ndarray

    @property
    def max_abs_difference(self) -> float:
        return float(np.abs(self.network_outputs - self.folded_outputs).max())


def folded_outputs(weights: np.ndarray, bias: np.ndarray, x: np.ndarray, output_activation: str) -> np.ndarray:
    """activation(x·W + b): the single folded layer's outputs."""
    logits = np.asarray(x, dtype=np.float64) @ weights + bias
    return np.asarray(keras.activations.get(output_activation)(tf.constant(logits)), dtype=np.float64)


def fold_check(model: keras.Model, x: np.ndarray) -> FoldCheck:
    """Fold `model` and compare the single layer's outputs with the network's on `x`."""
    weights, bias = fold_linear_network(model)
    output_activation = activation_name(_dense_layers(model)[-1])
    network = np.asarray(model(tf.constant(x, tf.float32), training=False), dtype=np.float64)
    return FoldCheck(weights, bias, output_activation, network, folded_outputs(weights, bias, x, output_activation))


@dataclass(frozen=True)
class ComparisonSettings:
    """What the learner chooses for the linear-vs-ReLU comparison; comparison_configs fixes the rest."""

    units: tuple[int, ...] = (8, 8)  # units per hidden layer, input side first
    epochs: int = 200
    seed: int = 0

    def configs(self) -> dict[str, PlaygroundConfig]:
        return comparison_configs(self.units, self.epochs, self.seed)


@dataclass(frozen=True)
class ActivationRun:
    """One trained network of the comparison: what the page shows of it. The model itself is not
    kept, so its trainer can go back to the pool for the next person who asks for the same."""

    view: PlaneView  # the network over the input plane: its decision boundary
    accuracy: float  # the last epoch's test accuracy; nan when it diverged in its first epoch
    result: RunResult  # how the run ended (finished, diverged, ...)


@dataclass(frozen=True)
class Comparison:
    """The linear-vs-ReLU comparison once trained: kept by the page across reruns."""

    settings: ComparisonSettings
    data: Dataset
    runs: dict[str, ActivationRun]  # hidden activation → its run, in comparison_configs' order
    fold: FoldCheck  # the trained linear network folded into one layer, checked on the test points


# on_progress(fraction of the whole comparison done, what is training now) → True to stop it
ProgressCallback = Callable[[float, str], bool | None]


def compare(settings: ComparisonSettings, data: Dataset,
            on_progress: ProgressCallback | None = None) -> Comparison | None:
    """Train the network once per hidden activation on `data` (the configs' circle), then fold the
    linear one. Calls on_progress after every chunk of epochs, with a fraction that only grows to 1;
    when it returns True the comparison ends there, with None (half a comparison compares nothing).

    Trainers are leased from the server's pool, not built: a repeat of the same comparison (by
    anyone) reuses them, restarted at their seeded start, so it trains the same.
    """
    configs = settings.configs()
    runs: dict[str, ActivationRun] = {}
    fold = None
    stopped = False
    for index, (activation, config) in enumerate(configs.items()):
        def report(fraction: float, text: str, index=index, activation=activation) -> bool:
            nonlocal stopped
            if on_progress is not None:  # this run's share of the whole comparison
                stopped = bool(on_progress((index + fraction) / len(configs), f"{activation}: {text}"))
            return stopped

        lease = train_leased(config, data, report)
        if stopped:
            return None
        trainer = lease.trainer
        runs[activation] = ActivationRun(view=probe_for(trainer).evaluate(),
                                         accuracy=(trainer.history.test_metrics["accuracy"] or [float("nan")])[-1],
                                         result=trainer.last_result)
        if activation == "linear":
            fold = fold_check(trainer.model, data.x_test)
        del lease, trainer  # back to the pool
    return Comparison(settings, data, runs, fold)


# --------------------------------------------------------------------------
# Flat regions: gradient size per layer in a deep stack
# --------------------------------------------------------------------------


def deep_stack_config(activation: str, depth: int = 6, units: int = 8, seed: int = 0) -> PlaygroundConfig:
    """A deep, narrow stack on the circle data; plain gradient descent so nothing rescales the gradients."""
    return PlaygroundConfig(
        task="binary", dataset="circle", from_logits=True, optimizer="sgd", learning_rate=0.1,
        batch_size=0, seed=seed, hidden=tuple(HiddenLayer(int(units), activation) for _ in range(depth)),
    )


@dataclass(frozen=True)
class GradientNorms:
    """‖∂L/∂W‖ of every Dense kernel (input side first), at initialisation and after `steps` steps."""

    activation: str
    layers: list[str]
    at_init: np.ndarray
    after: np.ndarray
    steps: int
    loss_at_init: float
    loss_after: float


def _loss_and_gradients(model, loss_fn, x, y):
    """The loss on (x, y) and [(gradient, variable)] for every trainable variable."""
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return loss, list(zip(tape.gradient(loss, variables), variables))


def _kernel_gradient_norms(model, loss_fn, x, y) -> tuple[np.ndarray, float]:
    """The Frobenius norm of each Dense kernel's gradient (input side first), and the loss."""
    loss, pairs = _loss_and_gradients(model, loss_fn, x, y)
    by_variable = {id(variable): grad for grad, variable in pairs}
    norms = np.array([float(tf.norm(by_variable[id(layer.kernel)])) for layer in model.layers])
    return norms, float(loss)


def gradient_norms_per_layer(config: PlaygroundConfig, data: Dataset, steps: int = 50) -> GradientNorms:
    """Gradient norm of each layer's kernel on the whole training set, at init and after `steps` steps.

    The model, optimizer and loss are the config's (nnplay.engine.model), seeded by config.seed, and
    every step is one full-batch step of the config's optimizer: the result is deterministic.
    """
    outputs = n_outputs(config, data.n_classes)
    model = build_model(config, inputs=data.n_features, outputs=outputs)
    optimizer = build_optimizer(config)
    loss_fn = build_loss(config)
    optimizer.build(model.trainable_variables)
    x = tf.constant(data.x_train, tf.float32)
    y = tf.constant(targets_for_loss(config.task, data.y_train))

    @tf.function
    def step():
        optimizer.apply_gradients(_loss_and_gradients(model, loss_fn, x, y)[1])

    traced(step)  # so the traced graph (and the data it captured) is not kept forever
    at_init, loss_at_init = _kernel_gradient_norms(model, loss_fn, x, y)
    for _ in range(int(steps)):
        step()
    after, loss_after = _kernel_gradient_norms(model, loss_fn, x, y)
    activations = sorted({layer.activation for layer in config.hidden})
    return GradientNorms(
        activation=", ".join(activations),
        layers=[layer.name for layer in model.layers],
        at_init=at_init,
        after=after,
        steps=int(steps),
        loss_at_init=loss_at_init,
        loss_after=loss_after,
    )

