"""The input-plane probe: shapes, ranges and orientation per task, and what it shows after training."""

import time
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from nnplay.config.catalog import TASKS
from nnplay.config.schema import HiddenLayer, PlaygroundConfig, default_config
from nnplay.data.generators import transform_features
from nnplay.data.load import load_dataset
from nnplay.engine.model import to_probabilities
from nnplay.engine.plane import (
    INPUT_RANGE,
    PlaneProbe,
    PlaneView,
    binary_surface,
    label_surface,
    multiclass_surface,
    plane_grid,
    regression_surface,
    surface,
)
from nnplay.engine.training import Trainer

RES = 24


def trainer_for(config, epochs=0):
    trainer = Trainer(config, load_dataset(config))
    if epochs:
        trainer.run_to_end(epochs)
    return trainer


@pytest.fixture(scope="module", params=list(TASKS))
def task_probe(request):
    config = replace(default_config(request.param), n_samples=100,
                     hidden=(HiddenLayer(5, "tanh"), HiddenLayer(3, "relu")))
    trainer = trainer_for(config, epochs=3)
    return trainer, PlaneProbe(trainer, resolution=RES)


def test_shapes_per_task(task_probe):
    trainer, probe = task_probe
    view = probe.evaluate()
    k = trainer.model.layers[-1].units
    assert view.xs.shape == view.ys.shape == (RES,)
    assert (view.xs[0], view.xs[-1]) == INPUT_RANGE == (view.ys[0], view.ys[-1])
    assert view.output.shape == (RES, RES, k)
    assert [n.shape for n in view.neurons] == [(RES, RES, 5), (RES, RES, 3)]
    assert view.inputs.shape == (RES, RES, len(trainer.config.features))
    assert view.task == trainer.config.task and view.epoch == trainer.epoch == 3
    assert np.isfinite(view.output).all()
    assert (view.neurons[1] >= 0).all()  # relu


def test_ranges_per_task(task_probe):
    trainer, probe = task_probe
    out = probe.evaluate().output
    task = trainer.config.task
    if task in ("binary", "multiclass", "multilabel"):
        assert out.min() >= 0 and out.max() <= 1
    if task == "multiclass":
        np.testing.assert_allclose(out.sum(axis=-1), 1.0, atol=1e-5)
    if task == "regression_nonneg":
        assert out.min() >= 0


def test_output_matches_the_model_at_each_point(task_probe):
    """output[i, j] is the model at (xs[j], ys[i]): rows are y, columns are x."""
    trainer, probe = task_probe
    view = probe.evaluate()
    for i, j in [(0, 0), (0, RES - 1), (RES - 1, 0), (5, 17)]:
        point = np.array([[view.xs[j], view.ys[i]]], np.float32)
        features = transform_features(point, trainer.config.features)
        expected = to_probabilities(trainer.config, trainer.raw_outputs(features))
        np.testing.assert_allclose(view.output[i, j], expected[0], rtol=1e-4, atol=1e-5)


def test_hidden_neurons_equal_units():
    config = replace(PlaygroundConfig(), hidden=tuple(HiddenLayer(u, "tanh") for u in (7, 3, 8)))
    view = PlaneProbe(trainer_for(config), resolution=10).evaluate()
    assert [n.shape[-1] for n in view.neurons] == [7, 3, 8]


def test_no_hidden_layer():
    view = PlaneProbe(trainer_for(replace(PlaygroundConfig(), hidden=())), resolution=8).evaluate()
    assert view.neurons == [] and view.output.shape == (8, 8, 1)


def test_features_are_transformed_once_for_the_grid():
    config = replace(PlaygroundConfig(), features=("x1sq", "x2", "sinx1"))
    view = PlaneProbe(trainer_for(config), resolution=11).evaluate()
    np.testing.assert_allclose(view.inputs[3, 7, 0], view.xs[7] ** 2, rtol=1e-6)
    np.testing.assert_allclose(view.inputs[3, 7, 1], view.ys[3], rtol=1e-6)
    np.testing.assert_allclose(view.inputs[3, 7, 2], np.sin(view.xs[7]), rtol=1e-5)


def test_trained_circle_separates_centre_and_corner():
    trainer = trainer_for(replace(PlaygroundConfig(), epochs=300), epochs=300)
    view = PlaneProbe(trainer, resolution=41).evaluate()
    p = binary_surface(view.output)
    centre, corner = p[20, 20], p[0, 0]
    assert centre > 0.5 > corner  # class 1 inside the disc, class 0 outside
    assert binary_surface(view.output, discretize=True)[20, 20] == 1.0


def test_evaluate_is_fast():
    config = replace(PlaygroundConfig(), hidden=(HiddenLayer(8, "tanh"),) * 6)
    probe = PlaneProbe(trainer_for(config), resolution=60)
    probe.evaluate()  # tracing
    start = time.perf_counter()
    for _ in range(10):
        probe.evaluate()
    assert (time.perf_counter() - start) / 10 < 0.05


def test_only_toy_data_has_a_plane():
    fake = SimpleNamespace(config=replace(default_config("multiclass"), dataset="mnist"))
    with pytest.raises(ValueError, match="2-D toy data"):
        PlaneProbe(fake)


def test_plane_grid_is_row_major_in_y():
    xs, ys, points = plane_grid(3, (-1.0, 1.0))
    assert points.tolist() == [[x, y] for y in ys for x in xs]


# ---------------------------------------------------------------- task surfaces
rng = np.random.default_rng(0)


def fake_view(task, k):
    raw = rng.uniform(size=(6, 6, k)).astype(np.float32)
    if task == "multiclass":
        raw = raw / raw.sum(axis=-1, keepdims=True)
    if task == "regression":
        raw = raw * 4 - 2
    xs = np.linspace(-6, 6, 6, dtype=np.float32)
    return PlaneView(xs=xs, ys=xs, output=raw, neurons=[], inputs=np.zeros((6, 6, 2)), task=task)


def test_discretize_gives_only_zero_and_one():
    view = fake_view("binary", 1)
    assert set(np.unique(binary_surface(view.output, discretize=True))) <= {0.0, 1.0}
    np.testing.assert_array_equal(binary_surface(view.output, True), view.output[..., 0] > 0.5)
    labels = fake_view("multilabel", 3).output
    assert set(np.unique(label_surface(labels, 2, discretize=True))) <= {0.0, 1.0}
    np.testing.assert_array_equal(label_surface(labels, 2), labels[..., 2])


def test_multiclass_surface_is_argmax_and_confidence():
    out = fake_view("multiclass", 4).output
    classes, confidence = multiclass_surface(out)
    np.testing.assert_array_equal(classes, out.argmax(-1))
    np.testing.assert_allclose(confidence, out.max(-1))
    assert (confidence >= 0.25 - 1e-6).all()
    _, full = multiclass_surface(out, discretize=True)
    assert (full == 1).all()


def test_regression_surface_bands():
    out = fake_view("regression", 1).output
    np.testing.assert_array_equal(regression_surface(out), out[..., 0])
    banded = regression_surface(out, discretize=True, step=0.5)
    np.testing.assert_allclose(banded * 2, np.round(banded * 2), atol=1e-5)
    assert np.abs(banded - out[..., 0]).max() <= 0.25 + 1e-6


@pytest.mark.parametrize("task,k", [("binary", 1), ("multiclass", 3), ("multilabel", 3), ("regression", 1),
                                    ("regression_nonneg", 1)])
def test_surface_dispatch(task, k):
    s = surface(fake_view(task, k), label_index=1 if task == "multilabel" else 0)
    assert s.value.shape == (6, 6)
    assert (s.classes is not None) == (task == "multiclass")
