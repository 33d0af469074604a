"""One frame of the live view: what the canvas component (nnplay.ui.live_view) paints while a model
trains, as a small JSON-serialisable dict built from numpy arrays in a few milliseconds.

The component paints the network, the decision boundary and the loss curve itself, so a frame holds
data, not drawing: pictures as base64 bytes (the boundary as RGB, the neuron thumbnails as indices
into one 255-colour palette sent with them), the network's sizes, names and link weights, the points
and the thinned curves. Colours are computed here with the same helpers as the plotly figures of
nnplay.figures.playground (whose private helpers it imports, so plotly is loaded with it), so the
live view and the figures shown after a run agree: the thumbnails and the multiclass picture byte for
byte, the heatmaps to one of 256 colour levels. No Streamlit, no TensorFlow.

While a run plays, the page polls it a few times a second and sends a *reel* (`live_reel`): every
picture trained since the last poll, each a frame's epoch, t, boundary and network, with the rest
(points, curve, palette) once in `shared`; the browser plays them back at their `t`.

The frame (every key is always present; None / [] where there is nothing to show):

    version      1
    epoch        int: epochs trained (history.epoch[-1], 0 before any)
    task         the config's task; discretize, show_test: the view's toggles
    lut          base64 of 255 x 3 uint8: the diverging palette of thumbnails, bias colours and
                 regression points (TF Playground's orange → neutral → blue)
    boundary     None without a plane, else {res, rgb: base64 res x res x 3 uint8, rows top to
                 bottom (row 0 is the top of the plane, y = extent[1]) and columns left to right,
                 extent: [low, high] the plane the image covers (cell centres at the probe's grid),
                 range: [low, high] the plane's axes (INPUT_RANGE), smooth: not discretize}
    points       None without 2-D points, else {x, y: lists of floats (2 decimals), c: per point an index into
                 palette, test: per point 0 (train) or 1 (test), palette: ["#rrggbb", ...],
                 kind: "class" (filled train, ringed test) or "value" (regression, filled by value)}
    axes         ["x₁", "x₂"]: the plane's axis names
    network      {sizes: true layer sizes (inputs first, outputs last), drawn: nodes drawn per
                 column, hidden: nodes behind "+N" per column, headers: a title per column,
                 inputs / outputs: names of the drawn input / output nodes, weights: per link
                 layer the drawn block of the kernel flattened row-major (w[i * drawn[c+1] + j]
                 links node i of column c to node j of column c+1), wmax: largest |w| drawn,
                 bias: per column the drawn nodes' biases ([] for the inputs), bias_color: per
                 column lut indices of the bias colours (inputs neutral), thumb_px: thumbnail
                 side, thumbs: None without a plane, else per column a base64 string of
                 drawn x thumb_px x thumb_px lut indices (node after node, rows top to bottom)}
    loss         {epoch, train, test}: at most MAX_CURVE_POINTS points, first and last kept; losses
                 to 4 significant digits, None for a NaN / inf
    changes      [[epoch, label], ...]: the settings changed mid-run ("learning rate 0.1")
    cursor_epoch int or None: where to draw a cursor on the loss curve
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence

import numpy as np

from nnplay.config.catalog import FEATURES, TASKS
from nnplay.config.schema import PlaygroundConfig
from nnplay.engine.plane import INPUT_RANGE, PlaneView, surface
from nnplay.figures.playground import (
    _THUMB_LUT,
    MAX_NODES,
    THUMB_PX,
    _classes_of,
    _default_names,
    _headers,
    _Layout,
    _regression_limit,
    _resize_nearest,
    _thin,
    _thumbnail_values,
)
from nnplay.figures.theme import (
    BACKGROUND_SCALE,
    class_color,
    multiclass_rgb,
    palette_index,
    scale_lut,
)

__all__ = ["MAX_CURVE_POINTS", "MAX_NODES", "live_frame", "live_reel"]

VERSION = 1
MAX_CURVE_POINTS = 300
_BACKGROUND_LUT = scale_lut(BACKGROUND_SCALE, 256)  # what plotly paints a heatmap on BACKGROUND_SCALE
_LUT_B64 = base64.b64encode(_THUMB_LUT.tobytes()).decode("ascii")
_NEUTRAL_INDEX = (len(_THUMB_LUT) - 1) // 2


def live_frame(config: PlaygroundConfig, weights: Sequence[np.ndarray], plane: PlaneView | None, data, history,
               *, show_test: bool = True, discretize: bool = False, label_index: int = 0,
               cursor_epoch: int | None = None, max_nodes: int = MAX_NODES) -> dict:
    """The frame for the live view (see the module docstring for its keys).

    weights = model.get_weights() (kernel, bias pairs); plane: the model over the input plane, or
    None (MNIST, CSV: no boundary, no thumbnails, nodes coloured by their bias); data: the Dataset;
    history: the trainer's History (None: no curve yet)."""
    epochs = list(history.epoch) if history is not None else []
    return {
        "version": VERSION,
        "epoch": int(epochs[-1]) if epochs else 0,
        **_scene(config, data, history, show_test, discretize, label_index),
        **_picture(config, weights, plane, data, discretize, label_index, max_nodes),
        "cursor_epoch": None if cursor_epoch is None else int(cursor_epoch),
    }


def live_reel(config: PlaygroundConfig, pictures: Sequence[tuple[int, float, Sequence[np.ndarray], PlaneView | None]],
              data, history, *, run: str, play: bool, show_test: bool = True, discretize: bool = False,
              label_index: int = 0, cursor_epoch: int | None = None, max_nodes: int = MAX_NODES) -> dict:
    """Several frames in one message, for a page that polls a few times a second while the run
    trains 20 pictures a second: the browser plays them back at the moments they were trained.

    pictures: (epoch, seconds since the run started, weights, plane) oldest first; run: the run's
    id (a new one starts a new playback); play: False paints the last picture at once (paused,
    ended). The message: {version, run, play, shared, frames}; shared holds the keys every frame
    has in common (the points, the curve, the palette: sent once), each frame its epoch, t, boundary,
    network and cursor_epoch. The browser draws the curve of each frame up to its epoch."""
    shared = {"version": VERSION, **_scene(config, data, history, show_test, discretize, label_index)}
    frames = [{"epoch": int(epoch), "t": round(float(seconds), 3),
               **_picture(config, weights, plane, data, discretize, label_index, max_nodes),
               "cursor_epoch": None if cursor_epoch is None else int(cursor_epoch)}
              for epoch, seconds, weights, plane in pictures]
    return {"version": VERSION, "run": str(run), "play": bool(play), "shared": shared, "frames": frames}


def _scene(config, data, history, show_test: bool, discretize: bool, label_index: int) -> dict:
    """What stays the same from one frame to the next within a poll: the points, the curve, the view."""
    task = config.task
    return {
        "task": task,
        "discretize": bool(discretize),
        "show_test": bool(show_test),
        "lut": _LUT_B64,
        "points": _points(data, task, show_test, label_index) if data is not None else None,
        "axes": [FEATURES.get(name, name) for name in ("x1", "x2")],
        "loss": _loss(history),
        "changes": [[int(c.epoch), c.label] for c in history.changes] if history is not None else [],
    }


def _picture(config, weights, plane, data, discretize: bool, label_index: int, max_nodes: int) -> dict:
    """What the model at one epoch looks like: the boundary and the network with its thumbnails."""
    return {
        "boundary": _boundary(plane, data, config.task, discretize, label_index) if plane is not None else None,
        "network": _network(config, weights, plane, data, max_nodes),
    }


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=np.uint8).tobytes()).decode("ascii")


def _hex(rgb) -> str:
    r, g, b = (int(v) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _floats(values, digits: int) -> list:
    """Finite values rounded to `digits` significant digits (short JSON); None for NaN / inf."""
    out = []
    for v in np.asarray(values, dtype=float).ravel().tolist():
        out.append(float(f"{v:.{digits}g}") if math.isfinite(v) else None)
    return out


# ---------------------------------------------------------------- the plane
def _boundary(view: PlaneView, data, task: str, discretize: bool, label_index: int) -> dict:
    """The plane's picture as background_trace paints it: the argmax class blended by confidence
    (multiclass), else P(class / label) on 0..1 or the value on ±_regression_limit, on BACKGROUND_SCALE."""
    s = surface(view, task, label_index, discretize)
    if task == "multiclass":
        rgb = multiclass_rgb(s.classes, s.value, view.output.shape[-1])
    elif TASKS[task].is_regression:
        rgb = _BACKGROUND_LUT[palette_index(s.value, _regression_limit(data), len(_BACKGROUND_LUT))]
    else:  # a probability: 0 → orange, 1 → blue
        rgb = _BACKGROUND_LUT[palette_index(2 * s.value - 1, 1.0, len(_BACKGROUND_LUT))]
    step = float(view.xs[1] - view.xs[0]) if len(view.xs) > 1 else 0.0
    return {
        "res": int(view.resolution),
        "rgb": _b64(rgb[::-1]),  # rows of the grid go up the plane; a picture's rows go down
        "extent": [float(view.xs[0]) - step / 2, float(view.xs[-1]) + step / 2],
        "range": list(INPUT_RANGE),
        "smooth": not discretize,
    }


def _points(data, task: str, show_test: bool, label_index: int) -> dict | None:
    """The toy points (train, then test if shown) with a colour each: the class's (the chosen
    label's for multi-label), or the target's on the diverging palette (regression, ±limit)."""
    if data.points_train is None:
        return None
    splits = [("train", data.points_train)] + ([("test", data.points_test)] if show_test else [])
    xy = np.concatenate([points for _, points in splits]).astype(float)
    test = np.concatenate([np.full(len(points), split == "test", np.int8) for split, points in splits])
    if TASKS[task].is_regression:
        limit = _regression_limit(data)
        y = np.concatenate([data.y_train if split == "train" else data.y_test for split, _ in splits])
        index = palette_index(np.asarray(y, dtype=float), limit, len(_THUMB_LUT))
        used, c = np.unique(index, return_inverse=True)
        palette = [_hex(_THUMB_LUT[i]) for i in used]
        kind = "value"
    else:
        classes = np.concatenate([_classes_of(data, task, split, label_index) for split, _ in splits])
        c = classes
        palette = [class_color(k) for k in range(int(classes.max(initial=0)) + 1)]
        kind = "class"
    return {"x": np.round(xy[:, 0], 2).tolist(), "y": np.round(xy[:, 1], 2).tolist(),
            "c": np.asarray(c).astype(int).ravel().tolist(), "test": test.tolist(), "palette": palette,
            "kind": kind}


# ---------------------------------------------------------------- the network
def _network(config: PlaygroundConfig, weights, view: PlaneView | None, data, max_nodes: int) -> dict:
    """What network_figure draws, as numbers: the capped columns (_Layout), the drawn links, the
    names, the biases and, with a plane, every drawn node's thumbnail (_thumbnail_values)."""
    kernels, biases = list(weights[0::2]), list(weights[1::2])
    sizes = [int(kernels[0].shape[0])] + [int(k.shape[1]) for k in kernels]
    input_names = list(data.feature_names) if data is not None and data.feature_names else None
    names_in, names_out = _default_names(config, sizes[0], sizes[-1], input_names, None)
    geometry = _Layout(sizes, max_nodes)
    drawn = [geometry.drawn(c) for c in range(len(sizes))]
    blocks = [np.asarray(kernel[:drawn[c], :drawn[c + 1]], dtype=float) for c, kernel in enumerate(kernels)]
    wmax = max((float(np.abs(b).max(initial=0.0)) for b in blocks), default=0.0)
    scale = max((float(np.abs(b).max(initial=0.0)) for b in biases), default=0.0) or 1.0  # as _node_trace
    bias = [[]] + [np.asarray(b[:drawn[c + 1]], dtype=float) for c, b in enumerate(biases)]
    bias_color = [[_NEUTRAL_INDEX] * drawn[0]] + [palette_index(b, scale, len(_THUMB_LUT)).tolist()
                                                   for b in bias[1:]]
    thumbs = _thumbnails(view, geometry) if view is not None and config.is_toy else None
    return {
        "sizes": sizes,
        "drawn": drawn,
        "hidden": [hidden for _, hidden in geometry.slots],
        "headers": [text for *_, text, _ in _headers(config, geometry)],
        "inputs": [names_in[i] if i < len(names_in) else f"x{i + 1}" for i in range(drawn[0])],
        "outputs": [names_out[i] if i < len(names_out) else f"ŷ{i + 1}" for i in range(drawn[-1])],
        "weights": [_floats(block, 4) for block in blocks],
        "wmax": float(f"{wmax:.4g}") if math.isfinite(wmax) else 0.0,
        "bias": [[]] + [_floats(b, 4) for b in bias[1:]],
        "bias_color": bias_color,
        "thumb_px": THUMB_PX,
        "thumbs": thumbs,
    }


def _thumbnails(view: PlaneView, geometry: _Layout) -> list[str]:
    """Per column, its drawn nodes' THUMB_PX² palette-index pictures, as _thumbnail_sheets makes them
    (each node on its own scale, max(1, max |activation|)), top to bottom, node after node."""
    step = max(1, int(np.ceil(view.resolution / THUMB_PX)))
    n_columns = len(geometry.sizes)
    sheets = []
    for column in range(n_columns):
        values = _thumbnail_values(view, column, n_columns)[::step, ::step]
        tiles = [_resize_nearest(palette_index(values[::-1, :, i], None, len(_THUMB_LUT)), THUMB_PX)
                 for i in range(geometry.drawn(column))]
        sheets.append(_b64(np.stack(tiles)) if tiles else "")
    return sheets


# ---------------------------------------------------------------- the curve
def _loss(history) -> dict:
    if history is None:
        return {"epoch": [], "train": [], "test": []}
    n = min(len(history.epoch), len(history.train_loss), len(history.test_loss))  # a live run appends
    epochs, train, test = (_thin(values, n, MAX_CURVE_POINTS) for values in
                           (history.epoch, history.train_loss, history.test_loss))
    return {"epoch": epochs.astype(int).tolist(), "train": _floats(train, 4), "test": _floats(test, 4)}
