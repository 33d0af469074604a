"""The Playground's figures: the data and the decision boundary on the input plane, the loss and metric
curves, and the network with its neuron thumbnails. Pure functions `data → go.Figure`.

The figures are rebuilt several times a second while a model trains, so the
builders avoid what plotly makes slow: validating the same thing twice (traces
are plain dicts, validated once by go.Figure), many traces (network links are
grouped into a few traces by sign and width level) and many layout objects (the
neuron thumbnails are one palette PNG per network column). Numeric arrays stay
numpy (float32 where it is enough) so plotly sends them as compact binary.
Budget while training, build + serialise: ~20 ms for [4, 2], ~22 ms for [8]*6.

No TensorFlow here: PlaneView and the surface helpers of nnplay.engine.plane are numpy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nnplay.config.catalog import FEATURES, METRICS, TASKS
from nnplay.config.schema import PlaygroundConfig
from nnplay.data.dataset import Dataset
from nnplay.engine.plane import PlaneView, surface
from nnplay.figures.theme import (
    BACKGROUND_SCALE,
    BLUE,
    DIVERGING,
    INK,
    ORANGE,
    RIM,
    RUN_COLORS,
    axis_style,
    base_layout,
    class_color,
    diverging_lut,
    hidden_axis,
    literal,
    multiclass_rgb,
    palette_index,
    palette_png_uri,
    plane_layout,
    png_data_uri,
)

MAX_NODES = 12  # per network column; wider layers show MAX_NODES - 1 nodes and "… +N"
LINK_LEVELS = 6  # link widths are drawn in this many levels per sign (one trace each: ~0.35 ms apiece)

# Thumbnails are palette PNGs (one byte a pixel): 255 diverging colours, then white.
_THUMB_LUT = diverging_lut(n=255)
_THUMB_PALETTE = np.concatenate([_THUMB_LUT, [[255, 255, 255]]]).astype(np.uint8).ravel().tolist()
_WHITE_INDEX = 255


# ---------------------------------------------------------------- the data on the plane
def _classes_of(data, task: str, split: str, label_index: int) -> np.ndarray:
    y = data.y_train if split == "train" else data.y_test
    return y[:, label_index].astype(int) if task == "multilabel" else y.astype(int)


def _class_names(data, task: str, label_index: int) -> list[str]:
    if task == "multilabel":
        label = data.class_names[label_index] if data.class_names else f"label {label_index}"
        return [f"not {literal(label)}", literal(label)]
    return [literal(name) for name in data.class_names] or [str(k) for k in range(int(data.y_train.max()) + 1)]


def _regression_limit(data) -> float:
    return max(float(np.abs(np.concatenate([data.y_train, data.y_test])).max(initial=0.0)), 1e-6)


def _marker(color, split: str, **extra) -> dict:
    """Train points filled with a white rim; test points hollow rings (TF Playground outlines them)."""
    if split == "train":
        marker = dict(size=7, color=color, line=dict(color="white", width=1))
    else:
        marker = dict(size=7, color="white", line=dict(color=color, width=2))
    marker.update(extra)
    return marker


def point_traces(data, task: str, show_test: bool = True, label_index: int = 0) -> list[dict]:
    """The toy points as scatter traces: per class (classification) or coloured by target (regression)."""
    if data.points_train is None:
        raise ValueError("Only 2-D toy data can be drawn on the plane.")
    splits = [("train", data.points_train)] + ([("test", data.points_test)] if show_test else [])
    traces = []
    if TASKS[task].is_regression:
        limit = _regression_limit(data)
        for split, points in splits:
            y = data.y_train if split == "train" else data.y_test
            # Filled by value; a grey rim (train) or a dark one (test, as TF Playground), since
            # values near 0 are as pale as the background around them.
            rim = dict(color="#b0bec5", width=0.8) if split == "train" else dict(color="#546e7a", width=1.2)
            marker = dict(size=7, color=y, colorscale=DIVERGING, cmin=-limit, cmax=limit, line=rim)
            traces.append(dict(type="scatter", x=points[:, 0], y=points[:, 1], mode="markers", name=split,
                               marker=marker, customdata=y,
                               hovertemplate=f"y = %{{customdata:.3f}}<extra>{split}</extra>"))
        return traces
    names = _class_names(data, task, label_index)
    for split, points in splits:
        classes = _classes_of(data, task, split, label_index)
        for k, name in enumerate(names):
            chosen = classes == k
            traces.append(dict(
                type="scatter", x=points[chosen, 0], y=points[chosen, 1], mode="markers", name=name,
                legendgroup=name, showlegend=split == "train", marker=_marker(class_color(k), split),
                hovertemplate=f"%{{x:.2f}}, %{{y:.2f}}<extra>{name} · {split}</extra>"))
    if show_test:  # one legend entry explaining the rings
        traces.append(dict(type="scatter", x=[None], y=[None], mode="markers", name="test points",
                           marker=_marker("#90a4ae", "test"), hoverinfo="skip"))
    return traces


def data_figure(data, task: str, show_test: bool = True, label_index: int = 0) -> go.Figure:
    """The toy data on the input plane: train filled, test as rings, coloured by class / label / target."""
    return go.Figure(point_traces(data, task, show_test, label_index), plane_layout(data))


# ---------------------------------------------------------------- decision boundary
def _multiclass_image(view: PlaneView, classes: np.ndarray, confidence: np.ndarray) -> dict:
    """Each cell in its argmax class's colour, blended with white by confidence (1/K → white)."""
    rgb = multiclass_rgb(classes, confidence, view.output.shape[-1])
    step = float(view.xs[1] - view.xs[0])
    # An image trace puts row 0 at y0 and goes on by dy: on our upward y axis, rows = ys from the bottom.
    return dict(type="image", source=png_data_uri(rgb), x0=float(view.xs[0]) - step / 2, dx=step,
                y0=float(view.ys[0]) - step / 2, dy=step, hoverinfo="skip", name="boundary")


def background_trace(view: PlaneView, data, task: str, discretize: bool = False, label_index: int = 0):
    """The plane's picture of the model for the task: a heatmap (an RGB image for multiclass)."""
    s = surface(view, task, label_index, discretize)
    if task == "multiclass":
        return _multiclass_image(view, s.classes, s.value)
    colorbar = dict(thickness=10, len=0.6, outlinewidth=0, tickfont=dict(size=10))
    if TASKS[task].is_regression:
        limit = _regression_limit(data)
        return dict(type="heatmap", z=s.value, x=view.xs, y=view.ys, zmin=-limit, zmax=limit,
                    colorscale=BACKGROUND_SCALE, zsmooth=False if discretize else "best",
                    colorbar=dict(title=dict(text="ŷ"), **colorbar), name="prediction",
                    hovertemplate="ŷ = %{z:.3f}<extra></extra>")
    title = "P(1)" if task == "binary" else f"P({_class_names(data, task, label_index)[1]})"
    return dict(type="heatmap", z=s.value, x=view.xs, y=view.ys, zmin=0, zmax=1, colorscale=BACKGROUND_SCALE,
                zsmooth=False if discretize else "best",
                colorbar=dict(title=dict(text=title), tickvals=[0, 0.5, 1], **colorbar), name=title,
                hovertemplate=title + " = %{z:.2f}<extra></extra>")


def boundary_figure(view: PlaneView, data, task: str, discretize: bool = False, label_index: int = 0,
                    show_test: bool = True) -> go.Figure:
    """The model's output over the plane, under the data points."""
    traces = [background_trace(view, data, task, discretize, label_index)]
    traces += point_traces(data, task, show_test, label_index)
    return go.Figure(traces, plane_layout(data))


# ---------------------------------------------------------------- curves
def _thin(values: Sequence[float], n: int, max_points: int) -> np.ndarray:
    """The first n values, or max_points of them evenly spread (first and last kept): a long
    history is a Python list, and converting only what is drawn keeps redraws cheap."""
    if n <= max_points:
        return np.asarray(values[:n], dtype=float)
    keep = np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
    return np.array([values[i] for i in keep], dtype=float)


def _curve_traces(epochs, train, test, label: str, color: str, overlay: bool, max_points: int) -> list[dict]:
    n = min(len(epochs), len(train), len(test))  # a live run may append while we read
    epochs, train, test = (_thin(v, n, max_points) for v in (epochs, train, test))
    prefix = f"{label} · " if label else ""
    width = 1.5 if overlay else 2.5
    traces = []
    for name, values, dash in (("train", train, "dash" if overlay else "solid"), ("test", test, "dot")):
        traces.append(dict(
            type="scatter", x=epochs, y=values, mode="lines", name=prefix + name, legendgroup=label or "current",
            line=dict(color=color, width=width, dash=dash), opacity=0.75 if overlay else 1.0,
            hovertemplate=f"epoch %{{x}}: %{{y:.4g}}<extra>{prefix}{name}</extra>"))
    return traces


def _marks(history, cursor: int | None) -> tuple[list[dict], list[dict]]:
    """Shapes and annotations: a dashed line where each mid-run change took effect, named with its
    new value, and a solid cursor at the rewound epoch."""
    shapes, notes = [], []
    for i, change in enumerate(history.changes):
        shapes.append(dict(type="line", xref="x", yref="paper", x0=change.epoch, x1=change.epoch, y0=0, y1=1,
                           line=dict(color=INK, width=1, dash="dash")))
        notes.append(dict(xref="x", yref="paper", x=change.epoch, y=1 - 0.07 * (i % 4), text=literal(change.label),
                          showarrow=False, xanchor="left", font=dict(size=10)))
    if cursor is not None:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=cursor, x1=cursor, y0=0, y1=1,
                           line=dict(color=ORANGE, width=2)))
        notes.append(dict(xref="x", yref="paper", x=cursor, y=-0.02, yanchor="top", text=f"epoch {cursor}",
                          showarrow=False, font=dict(size=10, color=ORANGE)))
    return shapes, notes


def _curves_figure(runs, ylabel: str, log_y: bool, rate: bool, max_points: int, history=None,
                   cursor: int | None = None) -> go.Figure:
    traces = []
    for i, (label, epochs, train, test) in enumerate(runs):
        overlay = i > 0
        color = RUN_COLORS[i % len(RUN_COLORS)]
        traces += _curve_traces(epochs, train, test, label, color, overlay, max_points)
    # Overlays first, so the current run is drawn on top of them.
    traces = traces[2:] + traces[:2]
    yaxis = axis_style(ylabel, type="log" if log_y else "linear")
    if rate and not log_y:
        yaxis["range"] = [0, 1.02]
    shapes, notes = _marks(history, cursor) if history is not None else ([], [])
    return go.Figure(traces, base_layout(height=300, xaxis=axis_style("epoch", rangemode="tozero"), yaxis=yaxis,
                                         shapes=shapes, annotations=notes))


def loss_figure(history, overlays: Sequence[tuple[str, object]] = (), log_y: bool = False,
                max_points: int = 600, cursor: int | None = None) -> go.Figure:
    """Train (solid) and test (dotted) loss per epoch; `overlays` = [(label, History)] of earlier runs,
    drawn thinner and dashed. Traces: 2 + 2 * len(overlays), current run last (on top). Mid-run
    changes are marked where they took effect; `cursor` marks a rewound epoch."""
    runs = [("", history.epoch, history.train_loss, history.test_loss)]
    runs += [(label, h.epoch, h.train_loss, h.test_loss) for label, h in overlays]
    return _curves_figure(runs, "loss", log_y, rate=False, max_points=max_points, history=history, cursor=cursor)


def metric_figure(history, name: str, overlays: Sequence[tuple[str, object]] = (), log_y: bool = False,
                  max_points: int = 600, cursor: int | None = None) -> go.Figure:
    """A tracked metric (accuracy, mae, ...) per epoch, same styling as loss_figure."""
    def run(label, h):
        return (label, h.epoch, h.train_metrics.get(name, []), h.test_metrics.get(name, []))

    runs = [run("", history)] + [run(label, h) for label, h in overlays]
    return _curves_figure(runs, METRICS[name].label if name in METRICS else name, log_y,
                          rate=name in METRICS and METRICS[name].is_rate,
                          max_points=max_points, history=history, cursor=cursor)


# ---------------------------------------------------------------- the network
# Column distance and thumbnail size (in row units), thumbnail pixels. 20 px palette thumbnails,
# which the browser scales up smoothly, send ~20 KB of PNG for [8]*6 per redraw (30 px RGB: ~80 KB).
X_GAP, BOX, THUMB_PX = 2.4, 0.78, 20


class _Layout:
    """Where each column's nodes go. Rows are 1 unit apart, columns X_GAP; the top row is y = (rows-1)/2."""

    def __init__(self, sizes: list[int], max_nodes: int):
        self.sizes = sizes
        # (nodes drawn, nodes hidden behind "… +N") per column
        self.slots = [(n, 0) if n <= max_nodes else (max_nodes - 1, n - (max_nodes - 1)) for n in sizes]
        self.rows = max(drawn + (1 if hidden else 0) for drawn, hidden in self.slots)
        self.x = [i * X_GAP for i in range(len(sizes))]

    def drawn(self, column: int) -> int:
        return self.slots[column][0]

    def y(self, column: int) -> np.ndarray:
        drawn, hidden = self.slots[column]
        total = drawn + (1 if hidden else 0)
        return (total - 1) / 2 - np.arange(total, dtype=float)  # top to bottom, centred


def _default_names(config: PlaygroundConfig, n_in: int, n_out: int, input_names, output_names):
    if input_names is None:
        if config.is_toy and len(config.features) == n_in:
            input_names = config.features
        else:
            input_names = [f"pixel {i + 1}" if config.dataset == "mnist" else f"x{i + 1}" for i in range(n_in)]
    input_names = [FEATURES.get(name, name) for name in input_names]  # "x1sq" → "x₁²"
    if output_names is None:
        output_names = ["ŷ"] if n_out == 1 else [f"ŷ{k + 1}" for k in range(n_out)]
    return list(input_names), list(output_names)


def _thumbnail_values(view: PlaneView, column: int, n_columns: int) -> np.ndarray:
    """(res, res, nodes) of a column: the input features, a hidden layer, or the output."""
    if column == 0:
        return view.inputs
    if column == n_columns - 1:
        # Probabilities in [0, 1] drawn like activations: 0.5 is neutral.
        return view.output if TASKS[view.task].is_regression else 2 * view.output - 1
    return view.neurons[column - 1]


def _thumbnail_sheets(view: PlaneView, geometry: _Layout) -> tuple[list[dict], list[tuple[int, int]]]:
    """Every node's heatmap at its place, as one PNG layout image per column (one per neuron would
    cost plotly's validation ~0.3 ms apiece; one for the whole figure would mostly encode blank space).
    Returns the layout images and the (column, node) of each thumbnail drawn."""
    ppu = THUMB_PX / BOX  # pixels per unit
    step = max(1, int(np.ceil(view.resolution / THUMB_PX)))
    images, drawn = [], []
    n_columns = len(geometry.sizes)
    for column in range(n_columns):
        if geometry.slots[column][1]:  # a capped column: no thumbnails
            continue
        ys = geometry.y(column)
        top_y = ys[0] + BOX / 2
        height = int(round((ys[0] - ys[-1] + BOX) * ppu))
        # White between the thumbnails: no link passes there.
        sheet = np.full((height, THUMB_PX), _WHITE_INDEX, np.uint8)
        values = _thumbnail_values(view, column, n_columns)[::step, ::step]
        for i, yc in enumerate(ys):
            # A picture's rows go downwards; the plane's ys go upwards.
            tile = _resize_nearest(palette_index(values[::-1, :, i], None, len(_THUMB_LUT)), THUMB_PX)
            top = min(int(round((top_y - yc - BOX / 2) * ppu)), height - THUMB_PX)
            sheet[top:top + THUMB_PX] = tile
            drawn.append((column, i))
        images.append(dict(source=palette_png_uri(sheet, _THUMB_PALETTE), xref="x", yref="y",
                           x=geometry.x[column] - BOX / 2,
                           y=top_y, sizex=BOX, sizey=height / ppu, xanchor="left", yanchor="top",
                           sizing="stretch", layer="above", name=f"thumbnails {column}"))
    return images, drawn


def _resize_nearest(rgb: np.ndarray, size: int) -> np.ndarray:
    """Nearest-neighbour resize of a small (h, w[, channels]) picture to (size, size[, channels])."""
    h, w = rgb.shape[:2]
    if h == size and w == size:
        return rgb
    rows = (np.arange(size) * h // size).clip(0, h - 1)
    cols = (np.arange(size) * w // size).clip(0, w - 1)
    return rgb[rows][:, cols]


def network_figure(config: PlaygroundConfig, weights: Sequence[np.ndarray], view: PlaneView | None = None,
                   input_names: Sequence[str] | None = None, output_names: Sequence[str] | None = None,
                   max_nodes: int = MAX_NODES) -> go.Figure:
    """The network: input nodes, hidden neurons, output node(s), and the links between them.

    weights = model.get_weights() (kernel, bias pairs). A link is blue for a positive and
    orange for a negative weight, its width ∝ |weight| (relative to the largest drawn link).
    With a PlaneView (2-D data) every node shows its activation over the input plane, as a
    small heatmap (one layout image per column, see `_thumbnail_sheets`). Without one,
    a node's colour is its bias. Columns wider than `max_nodes` show their first nodes and
    "… +N", and no heatmaps. `layout.meta` tells what was drawn (nodes, links, thumbnails).
    """
    kernels, biases = list(weights[0::2]), list(weights[1::2])
    sizes = [int(kernels[0].shape[0])] + [int(k.shape[1]) for k in kernels]
    names_in, names_out = (list(map(literal, names))
                           for names in _default_names(config, sizes[0], sizes[-1], input_names, output_names))
    geometry = _Layout(sizes, max_nodes)
    images, thumbnails = _thumbnail_sheets(view, geometry) if view is not None and config.is_toy else ([], [])
    half = BOX / 2 if images else 0.18
    traces, n_links = _link_traces(kernels, geometry, half)
    traces.append(_node_trace(geometry, biases, names_in, names_out, boxed=bool(images)))
    traces.append(_text_trace(_ellipses(geometry) + _name_labels(geometry, names_in, names_out, half)
                              + _headers(config, geometry)))
    top = (geometry.rows - 1) / 2
    layout = base_layout(
        height=int(70 + 44 * geometry.rows), showlegend=False, images=images,
        margin=dict(l=10, r=10, t=10, b=10),
        meta=dict(nodes=sum(geometry.drawn(c) for c in range(len(sizes))), links=n_links,
                  thumbnails=len(thumbnails)),
        xaxis=hidden_axis(range=[geometry.x[0] - 1.6, geometry.x[-1] + 1.6], constrain="domain"),
        yaxis=hidden_axis(range=[-top - 0.9, top + 1.4], scaleanchor="x", scaleratio=1, constrain="domain"),
    )
    return go.Figure(traces, layout)


def _link_traces(kernels, geometry: _Layout, half: float) -> tuple[list[dict], int]:
    """Every drawn link, grouped by (sign, width level) into ≤ 2·LINK_LEVELS line traces (segments
    separated by NaN), plus one trace of invisible hover points, one per link, telling the weight.
    Coordinates are float32 and the weights numeric customdata: plotly sends them as compact binary."""
    x0, y0, x1, y1, w = [], [], [], [], []
    for column, kernel in enumerate(kernels):
        a, b = geometry.drawn(column), geometry.drawn(column + 1)
        ya, yb = geometry.y(column)[:a], geometry.y(column + 1)[:b]
        x0.append(np.full(a * b, geometry.x[column] + half))
        x1.append(np.full(a * b, geometry.x[column + 1] - half))
        y0.append(np.repeat(ya, b))
        y1.append(np.tile(yb, a))
        block = np.asarray(kernel[:a, :b], dtype=float)
        w.append(block.ravel())
    x0, y0, x1, y1, w = (np.concatenate(v).astype(np.float32) for v in (x0, y0, x1, y1, w))
    if not len(w):
        return [], 0
    level = np.maximum(1, np.ceil(np.abs(w) / max(np.abs(w).max(), 1e-12) * LINK_LEVELS)).astype(int)
    traces = []
    for positive in (False, True):
        for lv in range(1, LINK_LEVELS + 1):
            chosen = np.flatnonzero(((w >= 0) == positive) & (level == lv))
            if not len(chosen):
                continue
            gap = np.full(len(chosen), np.nan, np.float32)
            traces.append(dict(
                type="scatter", x=np.stack([x0[chosen], x1[chosen], gap], axis=1).ravel(),
                y=np.stack([y0[chosen], y1[chosen], gap], axis=1).ravel(),
                mode="lines", name="links", hoverinfo="skip", opacity=0.7,
                line=dict(color=BLUE if positive else ORANGE, width=0.4 + 5.6 * lv / LINK_LEVELS)))
    at = 0.3  # hover points a third of the way along each link, so they rarely coincide
    traces.append(dict(type="scatter", x=x0 + (x1 - x0) * at, y=y0 + (y1 - y0) * at, mode="markers",
                       name="weights", customdata=w, hovertemplate="w = %{customdata:+.3f}<extra></extra>",
                       marker=dict(size=8, opacity=0)))
    return traces, len(w)


def _node_trace(geometry: _Layout, biases, names_in, names_out, boxed: bool) -> dict:
    """All drawn nodes as one trace; hover tells the bias. Without thumbnails the fill is the bias."""
    last = len(geometry.sizes) - 1
    scale = max((float(np.abs(b).max(initial=0.0)) for b in biases), default=0.0) or 1.0
    x, y, text, color = [], [], [], []
    for column in range(last + 1):
        for i in range(geometry.drawn(column)):
            x.append(geometry.x[column])
            y.append(geometry.y(column)[i])
            if column == 0:
                text.append(names_in[i] if i < len(names_in) else f"x{i + 1}")
                color.append(0.0)
                continue
            b = float(biases[column - 1][i])
            who = names_out[i] if column == last and i < len(names_out) else f"layer {column}, neuron {i + 1}"
            text.append(f"{who}<br>bias {b:+.3f}")
            color.append(b / scale)
    if boxed:  # the thumbnail is the node; an invisible square takes the hover
        marker = dict(symbol="square", size=BOX * 40, opacity=0)
    else:
        marker = dict(size=16, color=np.array(color), colorscale=DIVERGING, cmin=-1, cmax=1,
                      line=dict(color=RIM, width=1))
    return dict(type="scatter", x=np.array(x), y=np.array(y), mode="markers", name="nodes", hovertext=text,
                hoverinfo="text", marker=marker)


def _ellipses(geometry: _Layout):
    return [(geometry.x[c], geometry.y(c)[-1], f"… +{hidden:,}", "middle center")
            for c, (_, hidden) in enumerate(geometry.slots) if hidden]


def _name_labels(geometry: _Layout, names_in, names_out, half):
    last = len(geometry.sizes) - 1
    labels = [(geometry.x[0] - half - 0.12, geometry.y(0)[i], names_in[i] if i < len(names_in) else f"x{i + 1}",
               "middle left") for i in range(geometry.drawn(0))]
    labels += [(geometry.x[last] + half + 0.12, geometry.y(last)[i],
                names_out[i] if i < len(names_out) else f"ŷ{i + 1}", "middle right")
               for i in range(geometry.drawn(last))]
    return labels


def _headers(config: PlaygroundConfig, geometry: _Layout):
    top = (geometry.rows - 1) / 2 + 0.95
    sizes = geometry.sizes
    headers = [(geometry.x[0], top, f"{sizes[0]:,} input{'s' if sizes[0] > 1 else ''}", "middle center")]
    activations = [layer.activation for layer in config.hidden]
    for column in range(1, len(sizes) - 1):
        act = activations[column - 1] if column - 1 < len(activations) else ""
        headers.append((geometry.x[column], top, f"{sizes[column]} {act}", "middle center"))
    out = "logits → " + config.rule.output_activation if config.uses_logits else config.output_activation
    headers.append((geometry.x[-1], top, out, "middle center"))
    return headers


def _text_trace(labels) -> dict:
    x, y, text, position = zip(*labels) if labels else ((), (), (), ())
    return dict(type="scatter", x=np.array(x, dtype=float), y=np.array(y, dtype=float), text=list(text),
                mode="text", textposition=list(position), hoverinfo="skip", name="labels",
                textfont=dict(size=11))


# ---------------------------------------------------------------- MNIST digits
def _label_text(label, class_names) -> str:
    """A class index, a class name, or a multi-hot row (multi-label) as the text under a digit."""
    if isinstance(label, str):
        return label
    values = np.asarray(label)
    if values.ndim == 0:
        k = int(values)
        return str(class_names[k]) if class_names and 0 <= k < len(class_names) else str(k)
    on = [class_names[k] if class_names else str(k) for k in np.flatnonzero(values > 0.5)]
    return ", ".join(on) or "–"


def mnist_grid_figure(images: np.ndarray, labels, predictions=None, n: int = 32, columns: int = 8,
                      class_names: Sequence[str] | None = None) -> go.Figure:
    """The first n digits as a grid with their labels; with predictions, "true → predicted" in red when wrong."""
    images = np.asarray(images)[:n]
    count = len(images)
    images = images.reshape(count, 28, 28).astype(np.float32)
    if images.max(initial=0) > 1.5:
        images = images / 255.0
    rows = max(1, -(-count // columns))
    tile, band = 32, 14  # pixels per tile (28 + margin) and the label band under it
    canvas = np.full((rows * (tile + band), columns * tile), 255, np.uint8)
    text, colors, tx, ty = [], [], [], []
    for i in range(count):
        r, c = divmod(i, columns)
        top, left = r * (tile + band) + 2, c * tile + 2
        canvas[top:top + 28, left:left + 28] = (255 - images[i] * 255).clip(0, 255).astype(np.uint8)
        truth = _label_text(labels[i], class_names)
        wrong = False
        if predictions is not None:
            guess = _label_text(predictions[i], class_names)
            wrong = guess != truth
            truth = f"{truth} → {guess}" if wrong else truth
        text.append(literal(truth))
        colors.append("#d62728" if wrong else INK)  # (the picture behind stays white in both themes)
        tx.append(left + 14)
        ty.append(top + 28 + band / 2)
    rgb = np.repeat(canvas[..., None], 3, axis=2)
    height_px, width_px = canvas.shape
    picture = dict(type="image", source=png_data_uri(rgb), x0=0, y0=0, dx=1, dy=1, hoverinfo="skip")
    captions = dict(type="scatter", x=tx, y=ty, text=text, mode="text", textfont=dict(size=11, color=colors),
                    hoverinfo="skip", name="labels")
    return go.Figure([picture, captions], base_layout(
        height=int(height_px * 2.2) + 20, showlegend=False, margin=dict(l=4, r=4, t=4, b=4),
        xaxis=hidden_axis(range=[0, width_px]),
        yaxis=hidden_axis(range=[height_px, 0], scaleanchor="x", constrain="domain")))


# ---------------------------------------------------------------- the output view
def output_figure(plane: PlaneView | None, data: Dataset, task: str, discretize: bool, label_index: int,
                  show_test: bool) -> go.Figure | None:
    """The output view: the model's shading under the points when it has a plane to shade, else the
    data alone (MNIST: a grid of its first digits); None for data with no picture (a CSV)."""
    if plane is not None:
        return boundary_figure(plane, data, task, discretize=discretize, label_index=label_index,
                               show_test=show_test)
    if data.image_shape is not None:
        labels = [data.class_names[int(y)] if data.y_train.ndim == 1 else "" for y in data.y_train[:32]]
        return mnist_grid_figure(data.x_train[:32].reshape(-1, 28, 28), labels)
    if data.points_train is not None:
        return data_figure(data, task, show_test=show_test, label_index=label_index)
    return None
