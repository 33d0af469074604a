"""live_frame: the live view's payload is small JSON, its pictures have the sizes it says, it shows
what the plotly figures show (the same capped columns, thumbnails and boundary colours), and it
works without a plane (MNIST, CSV) as well as with one.

One real model (the default [4, 2] network on 500 circle points, 5 epochs, its plane from the
trainer's probe); the other cases use synthetic weights and planes (numpy only)."""

import base64
import io
import json
from dataclasses import replace
from itertools import pairwise

import numpy as np
import pytest
from PIL import Image

from nnplay.config.schema import HiddenLayer, PlaygroundConfig, default_config
from nnplay.data.dataset import Dataset
from nnplay.data.load import load_dataset
from nnplay.engine.plane import PlaneView, surface
from nnplay.engine.training import Change, History
from nnplay.figures import playground, theme
from nnplay.figures.live_frame import MAX_CURVE_POINTS, live_frame, live_reel

KEYS = {"version", "epoch", "task", "discretize", "show_test", "lut", "boundary", "points", "axes", "network",
        "loss", "changes", "cursor_epoch"}


@pytest.fixture(scope="module")
def trained():
    from nnplay.engine.plane import probe_for
    from nnplay.engine.training import Trainer

    config = PlaygroundConfig(epochs=5)  # the default setup: [4, 2] tanh on 500 circle points
    data = load_dataset(config, None)
    trainer = Trainer(config, data)
    trainer.run_to_end()
    return config, data, trainer, probe_for(trainer).evaluate()


def frame_of(trained, **options):
    config, data, trainer, plane = trained
    return live_frame(config, trainer.model.get_weights(), plane, data, trainer.history, **options)


def decoded(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), np.uint8)


def fake_view(task, hidden, res=30, k=1, n_features=2, seed=0):
    rng = np.random.default_rng(seed)
    output = rng.uniform(size=(res, res, k)).astype(np.float32)
    if task == "multiclass":
        output /= output.sum(axis=-1, keepdims=True)
    xs = np.linspace(-6, 6, res, dtype=np.float32)
    return PlaneView(xs=xs, ys=xs, output=output, task=task,
                     neurons=[rng.uniform(-1, 1, (res, res, u)).astype(np.float32) for u in hidden],
                     inputs=rng.uniform(-6, 6, (res, res, n_features)).astype(np.float32))


def fake_weights(sizes, seed=0):
    rng = np.random.default_rng(seed)
    weights = []
    for a, b in pairwise(sizes):
        weights += [rng.normal(size=(a, b)).astype(np.float32), rng.normal(size=b).astype(np.float32)]
    return weights


def png_pixels(uri: str) -> np.ndarray:
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    return np.asarray(image.convert("RGB"))


# ---------------------------------------------------------------- the real model
def test_the_default_frame_is_small_json_with_every_key(trained):
    frame = frame_of(trained)
    assert set(frame) == KEYS
    text = json.dumps(frame, allow_nan=False)  # JSON.parse in the browser knows no NaN
    assert len(text) < 40_000, len(text)
    assert json.loads(text) == frame
    assert frame["epoch"] == 5 and frame["task"] == "binary"
    assert frame["network"]["sizes"] == [2, 4, 2, 1]
    assert frame["network"]["headers"] == ["2 inputs", "4 tanh", "2 tanh", "logits → sigmoid"]
    assert frame["network"]["inputs"] == ["x₁", "x₂"] and frame["network"]["outputs"] == ["ŷ"]
    assert frame["loss"]["epoch"] == [1, 2, 3, 4, 5]
    assert frame["loss"]["train"][-1] == pytest.approx(trained[2].history.train_loss[-1], rel=1e-3)  # 4 digits


def test_pictures_have_the_sizes_the_frame_says(trained):
    plane = trained[3]
    frame = frame_of(trained)
    res = frame["boundary"]["res"]
    assert res == plane.resolution
    assert len(decoded(frame["boundary"]["rgb"])) == res * res * 3
    assert len(decoded(frame["lut"])) == 255 * 3
    network = frame["network"]
    px = network["thumb_px"]
    assert px == playground.THUMB_PX
    assert [len(decoded(sheet)) for sheet in network["thumbs"]] == [n * px * px for n in network["drawn"]]
    assert [len(w) for w in network["weights"]] == [2 * 4, 4 * 2, 2 * 1]
    lut_size = len(decoded(frame["lut"])) // 3
    assert all(0 <= i < lut_size for sheet in network["thumbs"] for i in decoded(sheet))
    low, high = frame["boundary"]["extent"]
    step = float(plane.xs[1] - plane.xs[0])
    assert low == pytest.approx(-6 - step / 2) and high == pytest.approx(6 + step / 2)


def test_thumbnails_are_the_network_figures(trained):
    """Each column's first thumbnail is the top tile of that column's sheet in network_figure."""
    config, data, trainer, plane = trained
    frame = frame_of(trained)
    lut = decoded(frame["lut"]).reshape(-1, 3)
    px = frame["network"]["thumb_px"]
    figure = playground.network_figure(config, trainer.model.get_weights(), plane, input_names=data.feature_names)
    sheets = [png_pixels(image.source) for image in figure.layout.images]
    assert len(sheets) == len(frame["network"]["thumbs"])
    for sheet, mine in zip(sheets, frame["network"]["thumbs"]):
        first = lut[decoded(mine)[: px * px]].reshape(px, px, 3)
        np.testing.assert_array_equal(first, sheet[:px])


def test_the_binary_boundary_has_the_heatmaps_colours(trained):
    """Each cell's colour is BACKGROUND_SCALE at P(1), as plotly's heatmap paints it (256 levels)."""
    plane = trained[3]
    frame = frame_of(trained)
    res = frame["boundary"]["res"]
    rgb = decoded(frame["boundary"]["rgb"]).reshape(res, res, 3)[::-1]  # rows bottom-up, as the grid's
    p = surface(plane, "binary").value
    stops = [theme.rgb_of(color) for _, color in theme.BACKGROUND_SCALE]
    expected = np.stack([np.interp(p, [0, 0.5, 1], [s[i] for s in stops]) for i in range(3)], axis=-1)
    assert np.abs(rgb - expected).max() <= 1.0


def test_points_train_then_test_and_test_points_vanish(trained):
    data = trained[1]
    shown = frame_of(trained)["points"]
    assert len(shown["x"]) == data.n_train + data.n_test
    assert sum(shown["test"]) == data.n_test and shown["test"][: data.n_train] == [0] * data.n_train
    assert shown["kind"] == "class" and shown["palette"] == [theme.ORANGE, theme.BLUE]
    np.testing.assert_array_equal(shown["c"][: data.n_train], data.y_train)
    assert max(map(abs, shown["x"] + shown["y"])) <= 6.0
    hidden = frame_of(trained, show_test=False)["points"]
    assert len(hidden["x"]) == data.n_train and set(hidden["test"]) == {0}
    assert hidden["x"] == shown["x"][: data.n_train]


def test_changes_cursor_and_thinned_curve(trained):
    config, data, trainer, plane = trained
    h = trainer.history
    history = History(epoch=list(range(1, 1001)), train_loss=[1 / e for e in range(1, 1001)],
                      test_loss=[float("nan")] + [2 / e for e in range(2, 1001)],
                      changes=[Change(300, "learning_rate", 0.03, 0.1), Change(600, "batch_size", 10, 0)])
    frame = live_frame(config, trainer.model.get_weights(), plane, data, history, cursor_epoch=420)
    assert frame["changes"] == [[300, "learning rate 0.1"], [600, "batch size 0"]]
    assert frame["cursor_epoch"] == 420 and frame["epoch"] == 1000
    loss = frame["loss"]
    assert len(loss["epoch"]) == len(loss["train"]) == len(loss["test"]) <= MAX_CURVE_POINTS
    assert loss["epoch"][0] == 1 and loss["epoch"][-1] == 1000
    assert loss["test"][0] is None  # a NaN loss: a gap, never NaN in the JSON
    json.dumps(frame, allow_nan=False)
    plain = frame_of(trained)
    assert plain["changes"] == [] and plain["cursor_epoch"] is None and len(h.epoch) == 5


def test_no_plane_no_boundary_no_thumbnails_nodes_by_bias(trained):
    config, data, trainer, _ = trained
    weights = trainer.model.get_weights()
    frame = live_frame(config, weights, None, data, trainer.history)
    assert frame["boundary"] is None and frame["network"]["thumbs"] is None
    assert frame["points"] is not None  # toy data is still drawn, on a blank plane
    scale = max(float(np.abs(b).max()) for b in weights[1::2])
    expected = theme.palette_index(weights[1], scale, 255).tolist()  # as network_figure's node colours
    assert frame["network"]["bias_color"][1] == expected
    assert frame["network"]["bias_color"][0] == [127, 127]  # inputs: neutral
    json.dumps(frame, allow_nan=False)


# ---------------------------------------------------------------- synthetic
def test_a_capped_wide_layer_shows_max_nodes_minus_one_and_the_rest_hidden():
    config = replace(default_config("binary"), n_samples=100, hidden=(HiddenLayer(20, "relu"),))
    data = load_dataset(config)
    weights = fake_weights([2, 20, 1])
    view = fake_view("binary", (20,))
    for max_nodes, drawn in ((12, 11), (5, 4)):
        network = live_frame(config, weights, view, data, History(), max_nodes=max_nodes)["network"]
        assert network["sizes"] == [2, 20, 1]
        assert network["drawn"] == [2, drawn, 1] and network["hidden"] == [0, 20 - drawn, 0]
        assert [len(w) for w in network["weights"]] == [2 * drawn, drawn * 1]
        assert network["weights"][0] == pytest.approx(weights[0][:, :drawn].ravel().tolist(), abs=1e-3)
        assert len(network["bias"][1]) == drawn
        px = network["thumb_px"]
        assert len(decoded(network["thumbs"][1])) == drawn * px * px
        largest = max(np.abs(weights[0][:, :drawn]).max(), np.abs(weights[2][:drawn]).max())
        assert network["wmax"] == pytest.approx(largest, rel=1e-3)  # of the links drawn only


def test_mnist_like_data_without_points_or_plane():
    config = PlaygroundConfig(dataset="mnist", task="multiclass", hidden=(HiddenLayer(16, "relu"),))
    rng = np.random.default_rng(0)
    data = Dataset(x_train=rng.uniform(size=(50, 784)).astype(np.float32), y_train=rng.integers(0, 10, 50),
                   x_test=rng.uniform(size=(20, 784)).astype(np.float32), y_test=rng.integers(0, 10, 20),
                   feature_names=[f"pixel {i + 1}" for i in range(784)], class_names=[str(d) for d in range(10)],
                   source="synthetic", image_shape=(28, 28))
    history = History(epoch=[1, 2], train_loss=[2.3, 2.0], test_loss=[2.3, 2.1])
    frame = live_frame(config, fake_weights([784, 16, 10]), None, data, history)
    assert frame["boundary"] is None and frame["points"] is None
    network = frame["network"]
    assert network["sizes"] == [784, 16, 10]
    assert network["drawn"] == [11, 11, 10] and network["hidden"] == [773, 5, 0]
    assert network["inputs"][:2] == ["pixel 1", "pixel 2"] and len(network["inputs"]) == 11
    assert network["outputs"] == [f"ŷ{k}" for k in range(1, 11)]
    assert network["headers"][0] == "784 inputs" and network["thumbs"] is None
    assert len(json.dumps(frame, allow_nan=False)) < 20_000


def test_multiclass_boundary_is_the_plotly_image():
    config = replace(default_config("multiclass"), n_samples=120)
    data = load_dataset(config)
    view = fake_view("multiclass", (4, 2), k=3)
    frame = live_frame(config, fake_weights([2, 4, 2, 3]), view, data, History())
    res = frame["boundary"]["res"]
    mine = decoded(frame["boundary"]["rgb"]).reshape(res, res, 3)
    trace = playground.background_trace(view, data, "multiclass")
    # plotly's image rows go up the plane (row 0 at y0); the frame's go down.
    np.testing.assert_array_equal(mine[::-1], png_pixels(trace["source"]))
    assert frame["points"]["palette"] == [theme.class_color(k) for k in range(3)]


def test_regression_points_and_boundary_on_plus_minus_the_largest_target():
    config = replace(default_config("regression"), n_samples=120)
    data = load_dataset(config)
    view = fake_view("regression", (4, 2))
    frame = live_frame(config, fake_weights([2, 4, 2, 1]), view, data, History(), discretize=True)
    points = frame["points"]
    assert points["kind"] == "value" and not frame["boundary"]["smooth"]
    lut = decoded(frame["lut"]).reshape(-1, 3)
    y = np.concatenate([data.y_train, data.y_test])
    colours = [points["palette"][c] for c in points["c"]]
    extreme = int(np.argmax(np.abs(y)))
    end = lut[0] if y[extreme] < 0 else lut[-1]  # ±limit: the palette's ends, orange and blue
    assert colours[extreme] == "#{:02x}{:02x}{:02x}".format(*(int(v) for v in end))
    assert {tuple(lut[0]), tuple(lut[-1])} == {tuple(theme.rgb_of(theme.ORANGE).astype(int)),
                                              tuple(theme.rgb_of(theme.BLUE).astype(int))}


def test_multilabel_points_take_the_chosen_labels_colours():
    config = replace(default_config("multilabel"), n_samples=120)
    data = load_dataset(config)
    view = fake_view("multilabel", (4, 2), k=data.n_classes)
    weights = fake_weights([2, 4, 2, data.n_classes])
    for label in range(data.n_classes):
        points = live_frame(config, weights, view, data, History(), label_index=label, show_test=False)["points"]
        assert points["c"] == data.y_train[:, label].astype(int).tolist()


def test_scale_lut_is_plotlys_colorscale():
    lut = theme.scale_lut(theme.BACKGROUND_SCALE)
    assert lut.shape == (256, 3) and lut.dtype == np.uint8
    first, middle, last = (theme.rgb_of(color) for _, color in theme.BACKGROUND_SCALE)
    np.testing.assert_array_equal(lut[0], first)
    np.testing.assert_array_equal(lut[-1], last)
    assert np.abs(lut[127].astype(float) - middle).max() <= 1
    np.testing.assert_array_equal(theme.scale_lut(theme.DIVERGING, 255), playground._THUMB_LUT)


def test_a_reel_sends_the_scene_once_and_each_picture_as_the_frame_of_its_epoch(trained):
    config, data, trainer, plane = trained
    weights = trainer.model.get_weights()
    older = [w * 0.5 for w in weights]
    reel = live_reel(config, [(3, 0.10, older, plane), (5, 0.15, weights, plane)], data, trainer.history,
                     run="run-1", play=True)
    assert json.loads(json.dumps(reel)) == reel
    assert reel["run"] == "run-1" and reel["play"] is True
    assert set(reel["shared"]) | set(reel["frames"][0]) == KEYS | {"t"}
    assert not set(reel["shared"]) & (set(reel["frames"][0]) - {"version"})
    assert [(f["epoch"], f["t"]) for f in reel["frames"]] == [(3, 0.1), (5, 0.15)]
    whole = {**reel["shared"], **reel["frames"][1]}
    whole.pop("t")
    assert whole == frame_of(trained)  # the last picture is the frame live_frame makes of the model now
    assert reel["frames"][0]["network"]["weights"] != reel["frames"][1]["network"]["weights"]
