"""Figure builders: every task builds, with the right traces, points, links and values.

Plane views here are synthetic (numpy only): the figures do not need a trained model.
"""

import base64
import io
import math
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from nnplay.config.catalog import TASKS
from nnplay.config.schema import HiddenLayer, PlaygroundConfig, default_config
from nnplay.data.load import load_dataset
from nnplay.engine.metrics import Evaluation
from nnplay.engine.plane import PlaneView
from nnplay.engine.training import History
from nnplay.figures import playground, results, theme

RES = 20


def toy(task, **changes):
    config = replace(default_config(task), n_samples=120, **changes)
    return config, load_dataset(config)


def fake_view(config, data, hidden=(4, 2), seed=0):
    rng = np.random.default_rng(seed)
    k = max(data.n_classes, 1) if config.task in ("multiclass", "multilabel") else 1
    output = rng.uniform(size=(RES, RES, k)).astype(np.float32)
    if config.task == "multiclass":
        output /= output.sum(axis=-1, keepdims=True)
    xs = np.linspace(-6, 6, RES, dtype=np.float32)
    return PlaneView(xs=xs, ys=xs, output=output, task=config.task,
                     neurons=[rng.uniform(-1, 1, (RES, RES, u)).astype(np.float32) for u in hidden],
                     inputs=rng.uniform(-6, 6, (RES, RES, len(config.features))).astype(np.float32))


def fake_weights(sizes, seed=0):
    rng = np.random.default_rng(seed)
    weights = []
    for a, b in zip(sizes, sizes[1:]):
        weights += [rng.normal(size=(a, b)).astype(np.float32), rng.normal(size=b).astype(np.float32)]
    return weights


def n_points(fig):
    return sum(sum(v is not None for v in trace.x) for trace in fig.data if trace.type == "scatter")


def history(n, offset=0.0):
    h = History(train_metrics={"accuracy": []}, test_metrics={"accuracy": []})
    for e in range(1, n + 1):
        h.epoch.append(e)
        h.train_loss.append(1 / e + offset)
        h.test_loss.append(1.1 / e + offset)
        h.train_metrics["accuracy"].append(1 - 1 / (e + 1))
        h.test_metrics["accuracy"].append(1 - 1.2 / (e + 1))
    return h


# ---------------------------------------------------------------- plane figures
@pytest.mark.parametrize("task", list(TASKS))
def test_data_figure_has_every_point(task):
    config, data = toy(task)
    fig = playground.data_figure(data, task)
    assert isinstance(fig, go.Figure)
    assert n_points(fig) == data.n_train + data.n_test
    assert n_points(playground.data_figure(data, task, show_test=False)) == data.n_train
    assert fig.layout.yaxis.scaleanchor == "x"  # square plane
    assert tuple(fig.layout.xaxis.range) == tuple(fig.layout.yaxis.range) == (-6, 6)
    fig.to_json()


def test_test_points_are_hollow_and_classes_coloured():
    _, data = toy("binary")
    fig = playground.data_figure(data, "binary")
    train0 = next(t for t in fig.data if t.name == "0" and t.showlegend)
    test1 = next(t for t in fig.data if t.name == "1" and t.showlegend is False)
    assert train0.marker.color == theme.ORANGE and test1.marker.line.color == theme.BLUE
    assert test1.marker.color == "white"  # a ring
    assert len(train0.x) == int((data.y_train == 0).sum())


def test_multilabel_points_follow_the_chosen_label():
    _, data = toy("multilabel")
    fig = playground.data_figure(data, "multilabel", show_test=False, label_index=2)
    yes = next(t for t in fig.data if t.name == data.class_names[2])
    assert len(yes.x) == int(data.y_train[:, 2].sum())


@pytest.mark.parametrize("task", list(TASKS))
@pytest.mark.parametrize("discretize", [False, True])
def test_boundary_figure_every_task(task, discretize):
    config, data = toy(task)
    view = fake_view(config, data)
    fig = playground.boundary_figure(view, data, task, discretize=discretize,
                                     label_index=1 if task == "multilabel" else 0)
    background = fig.data[0]
    assert background.type == ("image" if task == "multiclass" else "heatmap")
    if background.type == "heatmap":
        assert np.asarray(background.z).shape == (RES, RES)
        if discretize and task in ("binary", "multilabel"):
            assert set(np.unique(background.z)) <= {0.0, 1.0}
    assert n_points(fig) == data.n_train + data.n_test
    fig.to_json()


def test_binary_boundary_is_p1_on_the_plane():
    config, data = toy("binary")
    view = fake_view(config, data)
    heat = playground.boundary_figure(view, data, "binary").data[0]
    np.testing.assert_allclose(heat.z, view.output[..., 0])
    assert (heat.zmin, heat.zmax) == (0, 1)
    np.testing.assert_allclose(heat.x, view.xs)


def test_multiclass_image_colours_the_argmax_by_confidence():
    config, data = toy("multiclass")
    view = fake_view(config, data)
    view.output[:] = 0.0
    view.output[..., 1] = 1.0  # certain: class 1 everywhere
    view.output[0, 0] = 1 / 3  # undecided at the bottom-left cell
    image = playground.boundary_figure(view, data, "multiclass").data[0]
    assert image.y0 < image.y0 + image.dy  # row 0 at the bottom
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(image.source.split(",")[1]))).convert("RGB"))
    assert pixels.shape == (RES, RES, 3)
    assert tuple(pixels[0, 0]) == (255, 255, 255)  # no confidence → white
    expected = 255 + (theme.rgb_of(theme.BLUE) - 255) * theme.BACKGROUND_STRENGTH
    np.testing.assert_allclose(pixels[5, 5], expected, atol=1)


# ---------------------------------------------------------------- curves
def test_loss_figure_with_overlays():
    fig = playground.loss_figure(history(30), overlays=[("Adam", history(20, 0.1)), ("SGD", history(40, 0.2))])
    assert len(fig.data) == 2 + 2 * 2
    current = fig.data[-2:]  # drawn last, on top
    assert [t.name for t in current] == ["train", "test"]
    assert all(len(t.x) == 30 for t in current)
    overlay_widths = {t.line.width for t in fig.data[:4]}
    assert max(overlay_widths) < current[0].line.width
    assert {t.line.dash for t in fig.data[:4] if t.name.endswith("train")} == {"dash"}
    assert any(t.name == "Adam · test" for t in fig.data)
    assert playground.loss_figure(history(5), log_y=True).layout.yaxis.type == "log"


def test_loss_figure_empty_and_long_histories():
    assert len(playground.loss_figure(history(0)).data) == 2
    long = playground.loss_figure(history(2000), max_points=300)
    assert len(long.data[0].x) <= 300 and long.data[0].x[-1] == 2000
    uneven = history(10)
    uneven.train_loss.append(0.1)  # a live run appended one list but not yet the others
    assert len(playground.loss_figure(uneven).data[0].x) == 10


def test_metric_figure():
    fig = playground.metric_figure(history(10), "accuracy", overlays=[("old", history(5))])
    assert len(fig.data) == 4
    assert tuple(fig.layout.yaxis.range) == (0, 1.02)
    np.testing.assert_allclose(fig.data[-2].y, history(10).train_metrics["accuracy"])


# ---------------------------------------------------------------- network
def link_segments(fig):
    return sum(int(np.isnan(np.asarray(t.x, float)).sum()) for t in fig.data if t.name == "links")


def test_network_figure_links_and_thumbnails():
    config, data = toy("binary")
    weights = fake_weights([2, 4, 2, 1])
    view = fake_view(config, data)
    fig = playground.network_figure(config, weights, view)
    assert link_segments(fig) == 2 * 4 + 4 * 2 + 2 * 1 == fig.layout.meta["links"]
    hover = next(t for t in fig.data if t.name == "weights")
    assert len(hover.x) == 18
    assert fig.layout.meta["nodes"] == 2 + 4 + 2 + 1
    assert fig.layout.meta["thumbnails"] == 2 + 4 + 2 + 1
    assert len(fig.layout.images) == 4  # one picture per column
    assert all(img.source.startswith("data:image/png;base64,") for img in fig.layout.images)
    labels = next(t for t in fig.data if t.name == "labels").text
    assert "x₁" in labels and "x₂" in labels and "ŷ" in labels
    fig.to_json()
    named = playground.network_figure(replace(config, features=("x1sq", "sinx2")), weights,
                                      input_names=["x1sq", "sinx2"])
    assert {"x₁²", "sin x₂"} <= set(next(t for t in named.data if t.name == "labels").text)


def test_network_link_colour_and_width_follow_the_weight():
    config, _ = toy("binary")
    weights = fake_weights([2, 4, 2, 1])
    weights[0][0, 0] = 10.0  # the largest weight: widest, blue
    weights[2][1, 1] = -0.01  # tiny negative: thinnest, orange
    fig = playground.network_figure(config, weights)
    links = [t for t in fig.data if t.name == "links"]
    widest = max(links, key=lambda t: t.line.width)
    assert widest.line.color == theme.BLUE and link_segments(go.Figure([widest])) == 1
    thinnest_orange = min((t for t in links if t.line.color == theme.ORANGE), key=lambda t: t.line.width)
    assert thinnest_orange.line.width < widest.line.width / 4
    assert len(fig.layout.images) == 0 and fig.layout.meta["thumbnails"] == 0


def test_network_six_by_eight_is_readable():
    config = replace(PlaygroundConfig(), hidden=(HiddenLayer(8, "tanh"),) * 6)
    data = load_dataset(replace(config, n_samples=40))
    view = fake_view(config, data, hidden=(8,) * 6)
    fig = playground.network_figure(config, fake_weights([2] + [8] * 6 + [1]), view)
    assert fig.layout.meta["links"] == 2 * 8 + 5 * 64 + 8
    assert fig.layout.meta["thumbnails"] == 2 + 48 + 1
    assert len([t for t in fig.data if t.name == "links"]) <= 2 * playground.LINK_LEVELS


def test_network_without_hidden_layers_and_a_wide_2d_layer():
    config, data = toy("binary")
    bare = playground.network_figure(replace(config, hidden=()), fake_weights([2, 1]),
                                     fake_view(config, data, hidden=()))
    assert bare.layout.meta == {"nodes": 3, "links": 2, "thumbnails": 3}
    wide = replace(config, hidden=(HiddenLayer(40, "relu"),))
    fig = playground.network_figure(wide, fake_weights([2, 40, 1]), fake_view(config, data, hidden=(40,)))
    drawn = playground.MAX_NODES - 1
    assert fig.layout.meta == {"nodes": 2 + drawn + 1, "links": 2 * drawn + drawn, "thumbnails": 3}
    assert f"… +{40 - drawn}" in list(next(t for t in fig.data if t.name == "labels").text)


def test_wide_mnist_network_is_capped():
    config = replace(default_config("multiclass"), dataset="mnist",
                     hidden=(HiddenLayer(128, "relu"), HiddenLayer(64, "relu")))
    fig = playground.network_figure(config, fake_weights([784, 128, 64, 10]), output_names=[str(d) for d in range(10)])
    cap = playground.MAX_NODES
    assert fig.layout.meta["nodes"] <= 4 * cap
    assert fig.layout.meta["links"] == (cap - 1) * (cap - 1) * 2 + (cap - 1) * 10
    labels = list(next(t for t in fig.data if t.name == "labels").text)
    assert {f"… +{784 - (cap - 1)}", f"… +{128 - (cap - 1)}", f"… +{64 - (cap - 1)}"} <= set(labels)
    assert "9" in labels and len(fig.layout.images) == 0
    fig.to_json()


# ---------------------------------------------------------------- results
def test_confusion_figure_shows_the_matrix():
    matrix = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    evaluation = Evaluation("multiclass", {"accuracy": 0.84}, confusion=matrix, class_names=["a", "b", "c"])
    fig = results.confusion_figure(evaluation)
    heat = fig.data[0]
    np.testing.assert_array_equal(np.asarray(heat.z), matrix)
    assert list(heat.x) == list(heat.y) == ["a", "b", "c"]
    assert heat.texttemplate == "%{z}" and fig.layout.yaxis.autorange == "reversed"
    normalized = np.asarray(results.confusion_figure(evaluation, normalize=True).data[0].z)
    np.testing.assert_allclose(normalized.sum(axis=1), 1)


def test_label_accuracy_figure():
    evaluation = Evaluation("multilabel", {}, per_label_accuracy={"right": 0.9, "top": 0.75},
                            class_names=["right", "top"])
    bar = results.label_accuracy_figure(evaluation).data[0]
    assert list(bar.y) == ["right", "top"] and list(bar.x) == [0.9, 0.75]


def test_regression_figure_has_the_diagonal():
    y = np.linspace(0, 1, 50)
    fig = results.regression_figure(y, y + 0.1)
    diagonal, points = fig.data
    assert list(diagonal.x) == list(diagonal.y)
    assert len(points.x) == 50
    assert fig.layout.yaxis.scaleanchor == "x"


def test_mnist_grid_marks_mistakes():
    rng = np.random.default_rng(0)
    images = rng.uniform(size=(40, 784)).astype(np.float32)
    labels = np.arange(40) % 10
    predictions = labels.copy()
    predictions[[3, 7]] = 0
    fig = playground.mnist_grid_figure(images, labels, predictions, n=16)
    captions = fig.data[1]
    assert len(captions.text) == 16
    assert captions.text[3] == "3 → 0" and captions.text[2] == "2"
    colors = list(captions.textfont.color)
    assert colors.count("#d62728") == 2 and colors[3] == "#d62728"
    only_labels = playground.mnist_grid_figure(images.reshape(40, 28, 28) * 255, labels, n=10)
    assert list(only_labels.data[1].text) == [str(d) for d in range(10)]
    named = playground.mnist_grid_figure(images, ["even", ""] * 20, n=4)  # class names as given by a page
    assert list(named.data[1].text) == ["even", "", "even", ""]
    multi_hot = playground.mnist_grid_figure(images, np.eye(3)[[0, 2]], n=2, class_names=["even", "≥ 5", "loop"])
    assert list(multi_hot.data[1].text) == ["even", "loop"]


# ---------------------------------------------------------------- colours
def test_colorize_is_diverging():
    rgb = theme.colorize(np.array([[-1.0, 0.0, 1.0]]))
    assert tuple(rgb[0, 0]) == tuple(theme.rgb_of(theme.ORANGE).astype(int))
    assert tuple(rgb[0, 2]) == tuple(theme.rgb_of(theme.BLUE).astype(int))
    assert math.isclose(float(rgb[0, 1].mean()), float(theme.rgb_of(theme.NEUTRAL).mean()), abs_tol=2)
    relu = theme.colorize(np.array([[0.0, 4.0]]))  # scaled by max |value| when above 1
    assert tuple(relu[0, 1]) == tuple(theme.rgb_of(theme.BLUE).astype(int))
