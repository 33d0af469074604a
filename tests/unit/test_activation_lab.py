"""The Activation Lab's engine: derivatives by GradientTape, softmax, folding a linear network,
linear vs ReLU on the circle, and vanishing gradients in a deep sigmoid stack."""

from dataclasses import replace

import keras
import numpy as np
import pytest

from nnplay.config.catalog import hidden_activations
from nnplay.config.schema import HiddenLayer, PlaygroundConfig
from nnplay.data.load import load_dataset
from nnplay.engine.model import build_model
from nnplay.engine.pool import POOL
from nnplay.figures import activation_lab as activation_plots
from nnplay.labs.activation import experiments as lab

# ------------------------------------------------------------------ activation curves


def test_known_derivatives_at_and_around_zero():
    relu = lab.activation_curve("relu", z=[-2.0, -1e-3, 1e-3, 2.0])
    np.testing.assert_array_equal(relu.derivative, [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(relu.value, np.float32([0.0, 0.0, 1e-3, 2.0]))
    assert lab.activation_curve("sigmoid", z=[0.0]).derivative[0] == pytest.approx(0.25)
    assert lab.activation_curve("tanh", z=[0.0]).derivative[0] == pytest.approx(1.0)
    np.testing.assert_allclose(lab.activation_curve("linear", z=[-5.0, 0.0, 3.0]).derivative, 1.0)
    # hard_sigmoid is entirely flat outside its ramp.
    assert lab.activation_curve("hard_sigmoid", z=[-4.0, 4.0]).derivative.tolist() == [0.0, 0.0]


def test_sigmoid_derivative_never_exceeds_a_quarter():
    curve = lab.activation_curve("sigmoid", (-10, 10), 401)
    assert curve.derivative.max() == pytest.approx(0.25, abs=1e-6)
    assert curve.derivative[0] < 1e-4 and curve.derivative[-1] < 1e-4  # flat tails


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "selu", "gelu", "silu", "softplus", "softsign", "mish"])
def test_tape_derivative_matches_finite_differences_of_the_keras_function(name):
    z = np.linspace(-4, 4, 33) + 0.01  # off the kinks
    curve = lab.activation_curve(name, z=z)
    h = 1e-2
    function = keras.activations.get(name)
    upper = np.asarray(function(np.float64(z + h)))
    lower = np.asarray(function(np.float64(z - h)))
    np.testing.assert_allclose(curve.derivative, (upper - lower) / (2 * h), atol=2e-3)
    np.testing.assert_allclose(curve.value, np.asarray(function(np.float64(z))), atol=1e-5)


def test_every_lab_activation_is_known_to_keras_and_covers_the_playground():
    for name in lab.LAB_ACTIVATIONS:
        keras.activations.get(name)  # raises for an unknown name
    assert set(hidden_activations()) <= set(lab.LAB_ACTIVATIONS)
    curve = lab.activation_curve("gelu", (-3, 3), 7)
    assert curve.z.tolist() == [-3, -2, -1, 0, 1, 2, 3] and curve.value.shape == curve.derivative.shape == (7,)


# ------------------------------------------------------------------ softmax


def test_softmax_sums_to_one_and_keeps_the_order():
    p = lab.softmax([2.0, 1.0, 0.1, -1.0])
    assert p.sum() == pytest.approx(1.0, abs=1e-6)
    assert list(np.argsort(p)) == [3, 2, 1, 0]
    e = np.exp([2.0, 1.0, 0.1, -1.0])
    np.testing.assert_allclose(p, e / e.sum(), rtol=1e-5)  # e^z_j / Σ e^z_k; e.g. p₁ ≈ 0.638


def test_softmax_ignores_a_constant_and_temperature_sharpens_or_flattens():
    logits = [3.0, 0.5, -1.0]
    assert lab.shift_gap(logits, 100.0) < 1e-6
    assert lab.shift_gap(logits, -50.0, temperature=0.5) < 1e-6
    assert lab.softmax(logits, 0.1).max() > 0.999
    np.testing.assert_allclose(lab.softmax(logits, 1000.0), 1 / 3, atol=2e-3)
    with pytest.raises(ValueError):
        lab.softmax(logits, 0.0)


# ------------------------------------------------------------------ folding


def _randomised(model, seed: int):
    rng = np.random.default_rng(seed)
    for variable in model.trainable_variables:
        variable.assign(rng.normal(0, 0.7, variable.shape).astype(np.float32))
    return model


@pytest.mark.parametrize("task, outputs", [("binary", 1), ("multiclass", 4), ("regression", 1)])
def test_folded_single_layer_gives_the_networks_outputs(task, outputs):
    config = PlaygroundConfig(task=task, dataset={"binary": "circle", "multiclass": "blobs",
                                                  "regression": "plane"}[task],
                              n_classes=outputs if task == "multiclass" else 3, from_logits=False,
                              hidden=(HiddenLayer(5, "linear"), HiddenLayer(3, "linear"), HiddenLayer(6, "linear")))
    model = _randomised(build_model(config, inputs=2, outputs=outputs), seed=1)
    x = np.random.default_rng(2).uniform(-6, 6, (200, 2)).astype(np.float32)
    check = lab.fold_check(model, x)
    assert check.output_activation == config.output_activation  # sigmoid / softmax / linear
    assert check.weights.shape == (2, outputs) and check.bias.shape == (outputs,)
    assert check.network_outputs.shape == (200, outputs)
    assert check.max_abs_difference < 1e-5
    # W is the product of the kernels, b the bias pushed through the later kernels.
    kernels = [np.asarray(layer.kernel, np.float64) for layer in model.layers]
    biases = [np.asarray(layer.bias, np.float64) for layer in model.layers]
    np.testing.assert_allclose(check.weights, kernels[0] @ kernels[1] @ kernels[2] @ kernels[3], rtol=1e-10)
    expected_bias = ((biases[0] @ kernels[1] + biases[1]) @ kernels[2] + biases[2]) @ kernels[3] + biases[3]
    np.testing.assert_allclose(check.bias, expected_bias, rtol=1e-10)


def test_a_wrong_fold_would_be_caught():
    """The comparison is sharp: dropping one hidden layer's bias shows as a large difference."""
    config = PlaygroundConfig(from_logits=False, hidden=(HiddenLayer(4, "linear"), HiddenLayer(4, "linear")))
    model = _randomised(build_model(config), seed=3)
    x = np.random.default_rng(4).uniform(-6, 6, (100, 2)).astype(np.float32)
    weights, bias = lab.fold_linear_network(model)
    wrong_bias = bias - np.asarray(model.layers[0].bias) @ np.asarray(model.layers[1].kernel) @ np.asarray(
        model.layers[2].kernel)
    network = np.asarray(model(x))
    assert np.abs(lab.folded_outputs(weights, bias, x, "sigmoid") - network).max() < 1e-5
    assert np.abs(lab.folded_outputs(weights, wrong_bias, x, "sigmoid") - network).max() > 1e-2


def test_fold_refuses_a_non_linear_hidden_layer():
    config = PlaygroundConfig(hidden=(HiddenLayer(4, "linear"), HiddenLayer(4, "relu")))
    with pytest.raises(ValueError, match="hidden_2 \\(relu\\)"):
        lab.fold_linear_network(build_model(config))


# ------------------------------------------------------------------ linear vs ReLU


@pytest.fixture(scope="module")
def comparison_and_progress():
    """One comparison trained as the page trains it (50 epochs, seed 0), with every progress call."""
    settings = lab.ComparisonSettings(units=(8, 8), epochs=50, seed=0)
    calls = []
    comparison = lab.compare(settings, load_dataset(settings.configs()["linear"]),
                             on_progress=lambda fraction, text: calls.append((fraction, text)))
    return comparison, calls


def test_comparison_configs_differ_only_in_the_hidden_activation():
    configs = lab.ComparisonSettings(units=(8, 8), epochs=50, seed=0).configs()
    assert configs == lab.comparison_configs(units=(8, 8), epochs=50, seed=0)
    assert list(configs) == ["linear", "relu"]
    assert replace(configs["linear"], hidden=configs["relu"].hidden) == configs["relu"]


def test_linear_network_is_one_straight_line_and_loses_to_relu_on_the_circle(comparison_and_progress):
    comparison, _ = comparison_and_progress
    assert list(comparison.runs) == ["linear", "relu"]
    assert all(run.result.status == "finished" for run in comparison.runs.values())
    # Measured with seed 0: linear 0.62-0.68 (a line can only cut off part of the ring), ReLU 0.99-1.0.
    assert comparison.runs["linear"].accuracy < 0.8
    assert comparison.runs["relu"].accuracy > 0.9
    # The trained linear network is one sigmoid(x·W + b) on the test points...
    fold = comparison.fold
    assert fold.weights.shape == (2, 1) and fold.bias.shape == (1,) and fold.output_activation == "sigmoid"
    assert fold.network_outputs.shape == (len(comparison.data.x_test), 1)
    assert fold.max_abs_difference < 1e-5
    # ...and over the whole plane the page draws: its boundary is a straight line.
    view = comparison.runs["linear"].view
    grid = np.stack(np.meshgrid(view.xs, view.ys), axis=-1).reshape(-1, 2)
    single_layer = lab.folded_outputs(fold.weights, fold.bias, grid, fold.output_activation)
    np.testing.assert_allclose(single_layer.reshape(view.output.shape), view.output, atol=1e-5)


def test_comparison_reports_progress_in_increasing_fractions(comparison_and_progress):
    _, calls = comparison_and_progress
    fractions = [fraction for fraction, _ in calls]
    assert fractions and all(a < b for a, b in zip(fractions, fractions[1:]))
    assert 0 < fractions[0] and fractions[-1] == 1.0
    assert 0.5 in fractions  # the linear network's last epoch: half of the comparison
    texts = [text for _, text in calls]
    assert texts[fractions.index(0.5)].startswith("linear: epoch 50 of 50 · test accuracy ")
    assert texts[-1].startswith("relu: epoch 50 of 50 · test accuracy ")


def test_a_repeat_reuses_the_pooled_trainers_and_trains_the_same(comparison_and_progress):
    first, _ = comparison_and_progress
    reused = POOL.reused
    again = lab.compare(first.settings, first.data)  # no progress callback: fine too
    assert POOL.reused == reused + 2  # both trainers came back to the pool, none was built
    for activation, run in first.runs.items():
        assert again.runs[activation].accuracy == run.accuracy
        np.testing.assert_array_equal(again.runs[activation].view.output, run.view.output)
    np.testing.assert_array_equal(again.fold.weights, first.fold.weights)


# ------------------------------------------------------------------ vanishing gradients


@pytest.fixture(scope="module")
def circle():
    return load_dataset(lab.deep_stack_config("relu"))


@pytest.mark.parametrize("seed", [0, 1])
def test_deep_sigmoid_stack_has_a_vanishing_first_layer_gradient(circle, seed):
    sigmoid = lab.gradient_norms_per_layer(lab.deep_stack_config("sigmoid", seed=seed), circle, steps=20)
    relu = lab.gradient_norms_per_layer(lab.deep_stack_config("relu", seed=seed), circle, steps=20)
    assert sigmoid.layers == relu.layers == [f"hidden_{i}" for i in range(1, 7)] + ["output"]
    assert sigmoid.activation == "sigmoid" and sigmoid.steps == 20
    # Measured: the sigmoid stack's first-layer gradient is ~500-10,000x smaller than ReLU's.
    assert sigmoid.at_init[0] * 100 < relu.at_init[0]
    assert sigmoid.after[0] * 100 < relu.after[0]
    # ...and it shrinks layer by layer back towards the input.
    assert np.all(np.diff(sigmoid.at_init) > 0)
    assert relu.loss_after < relu.loss_at_init


def test_gradient_norms_are_deterministic(circle):
    config = lab.deep_stack_config("tanh", depth=3, units=4, seed=5)
    first = lab.gradient_norms_per_layer(config, circle, steps=5)
    second = lab.gradient_norms_per_layer(config, circle, steps=5)
    np.testing.assert_array_equal(first.at_init, second.at_init)
    np.testing.assert_array_equal(first.after, second.after)
    assert not np.array_equal(first.at_init, first.after)  # the steps did change the weights


# ------------------------------------------------------------------ figures


def test_figures_show_what_the_page_says():
    curves = [lab.activation_curve(n, (-2, 2), 9) for n in ("relu", "sigmoid")]
    figure = activation_plots.activation_figure(curves)
    assert [t.name for t in figure.data] == ["relu", "relu′", "sigmoid", "sigmoid′"]
    assert [t.xaxis for t in figure.data] == ["x", "x2", "x", "x2"]
    np.testing.assert_allclose(figure.data[1].y, curves[0].derivative)

    probabilities = lab.softmax([1.0, 2.0, 3.0])
    bars = activation_plots.softmax_figure([1.0, 2.0, 3.0], probabilities, temperature=2.0)
    assert "sum = 1.000000" in bars.layout.title.text and "z / 2" in bars.layout.title.text
    assert list(bars.data[0].x) == ["z1", "z2", "z3"]

    norms = lab.GradientNorms("sigmoid", ["hidden_1", "output"], np.array([1e-5, 1e-2]), np.array([2e-5, 3e-3]),
                              50, 0.7, 0.69)
    gradients = activation_plots.gradient_norms_figure([norms])
    assert gradients.layout.yaxis.type == "log"
    assert [t.name for t in gradients.data] == ["sigmoid · at initialisation", "sigmoid · after 50 steps"]
