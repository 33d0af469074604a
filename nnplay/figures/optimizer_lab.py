"""Plotly figures of the Optimizer Lab: pure functions `data → go.Figure`.

The contour, the cost per step and the per-parameter step sizes take
`nnplay.labs.optimizer.trajectories.Trajectory` objects (numpy arrays, no TensorFlow here); the
race curves take `nnplay.labs.optimizer.race.Lane` objects. Layout and colours come from
nnplay.figures so the lab looks like the rest of the app.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nnplay.config.catalog import VARIANTS
from nnplay.figures.theme import INK, RUN_COLORS, axis_style, base_layout

# Contours are drawn on log10(J − J_min + LOG_OFFSET): costs span 1e-3 to 1e3 on these surfaces,
# and linear levels would put every contour on the walls and none on the valley floor.
LOG_OFFSET = 1e-2
CONTOUR_SCALE = [[0.0, "#f4f8fb"], [0.5, "#dce8f1"], [1.0, "#eceff1"]]
MAX_FRAMES = 30  # animation frames of the contour figure (each re-sends the paths so far)
GRID_POINTS = 120  # per side of the contour grid
PLOT_WIDTH = 820  # about the contour's width on a wide page, in pixels (sets the height for equal axes)
PARAMS = ("w₁", "w₂")
PARAM_COLORS = ("#0877bd", "#f59322")


def _kind_color(kind: str) -> str:
    """An optimizer variant's colour, from its catalog record."""
    return VARIANTS[kind].color if kind in VARIANTS else INK


def _path_trace(t, n_steps: int | None = None) -> dict:
    shown = t if n_steps is None else t.head(n_steps)
    name = t.label + (" (diverged)" if t.diverged_at is not None else "")
    color = _kind_color(t.kind)
    # The point index is the step, and customdata holds every step's cost: animation frames
    # then only send x and y (a prefix of the path), and the hover stays right.
    return dict(type="scatter", x=shown.positions[:, 0], y=shown.positions[:, 1], mode="lines+markers",
                name=name, legendgroup=t.kind, line=dict(color=color, width=2), marker=dict(size=4, color=color),
                customdata=t.costs,
                hovertemplate=(f"{t.label}<br>step %{{pointNumber}}: (%{{x:.3f}}, %{{y:.3f}})"
                               "<br>J = %{customdata:.4g}<extra></extra>"))


def _end_point(t, n_steps: int | None = None) -> np.ndarray:
    return (t if n_steps is None else t.head(n_steps)).positions[-1]


def _end_trace(t, n_steps: int | None = None) -> dict:
    end = _end_point(t, n_steps)
    return dict(type="scatter", x=[end[0]], y=[end[1]], mode="markers", name=f"{t.label} end",
                legendgroup=t.kind, showlegend=False, hoverinfo="skip",
                marker=dict(size=11, color=_kind_color(t.kind), symbol="circle", line=dict(color="white", width=1.5)))


def contour_figure(surface, trajectories: Sequence = (), n_steps: int | None = None, grid=None,
                   animate: bool = False, height: int | None = None) -> go.Figure:
    """The cost surface as filled contours, known minima (stars) and saddles (×), the start point,
    and each optimizer's path over its first `n_steps` steps (all when None).

    With animate=True the figure carries up to MAX_FRAMES frames and a Play button that draws
    the paths growing step by step (in the browser, no rerun)."""
    xs, ys, costs = grid if grid is not None else surface.grid(GRID_POINTS)
    # float32 halves what the browser is sent; the contours need nothing finer.
    levels = np.log10(np.maximum(costs - surface.min_cost, 0.0) + LOG_OFFSET).astype(np.float32)
    traces = [dict(
        type="contour", x=xs, y=ys, z=levels, customdata=costs.astype(np.float32), colorscale=CONTOUR_SCALE,
        showscale=False,
        ncontours=22, line=dict(color="#90a4ae", width=0.7), name="cost",
        hovertemplate="(%{x:.2f}, %{y:.2f})<br>J = %{customdata:.4g}<extra></extra>")]
    minima = np.array(surface.minima, dtype=float)
    traces.append(dict(type="scatter", x=minima[:, 0], y=minima[:, 1], mode="markers", name="minimum",
                       marker=dict(symbol="star", size=14, color="#ffd54f", line=dict(color=INK, width=1)),
                       hovertemplate="minimum (%{x:.3f}, %{y:.3f})<extra></extra>"))
    if surface.saddles:
        saddles = np.array(surface.saddles, dtype=float)
        traces.append(dict(type="scatter", x=saddles[:, 0], y=saddles[:, 1], mode="markers", name="saddle",
                           marker=dict(symbol="x", size=11, color=INK),
                           hovertemplate="saddle point (%{x:.3f}, %{y:.3f})<extra></extra>"))
    if trajectories:
        start = trajectories[0].positions[0]
        traces.append(dict(type="scatter", x=[start[0]], y=[start[1]], mode="markers", name="start",
                           marker=dict(symbol="square", size=10, color="white", line=dict(color=INK, width=2)),
                           hovertemplate="start (%{x:.3f}, %{y:.3f})<extra></extra>"))
    first_path = len(traces)
    traces += [_path_trace(t, n_steps) for t in trajectories]
    traces += [_end_trace(t, n_steps) for t in trajectories]
    x_min, x_max, y_min, y_max = surface.box
    if height is None:  # equal scales on both axes: the bowl must look as elongated as it is
        height = int(np.clip(PLOT_WIDTH * (y_max - y_min) / (x_max - x_min) + 90, 320, 560))
    layout = base_layout(height=height, margin=dict(l=50, r=16, t=36, b=44),
                         xaxis=axis_style("w₁", range=[x_min, x_max], showgrid=False, constrain="domain"),
                         yaxis=axis_style("w₂", range=[y_min, y_max], showgrid=False, scaleanchor="x", scaleratio=1,
                                          constrain="domain"))
    figure = go.Figure(traces, layout)
    if animate and trajectories:
        _add_frames(figure, trajectories, n_steps, first_path)
    return figure


def _add_frames(figure: go.Figure, trajectories: Sequence, n_steps: int | None, first_path: int) -> None:
    """Frames as plain dicts holding only x and y, set without validation: validating 40 frames
    of go objects took seconds; these are built from arrays plotly already checked above."""
    longest = max(t.steps for t in trajectories) if n_steps is None else n_steps
    counts = np.unique(np.linspace(0, longest, min(MAX_FRAMES, longest + 1)).round().astype(int))
    indices = list(range(first_path, first_path + 2 * len(trajectories)))
    frames = []
    for count in counts:
        paths = [t.head(int(count)).positions.astype(np.float32) for t in trajectories]
        ends = [_end_point(t, int(count)) for t in trajectories]
        data = ([dict(type="scatter", x=p[:, 0], y=p[:, 1]) for p in paths]
                + [dict(type="scatter", x=[e[0]], y=[e[1]]) for e in ends])
        frames.append(dict(data=data, traces=indices, name=str(count)))
    play = dict(label="▶ Play", method="animate",
                args=[None, dict(frame=dict(duration=120, redraw=False), transition=dict(duration=0),
                                 fromcurrent=False, mode="immediate")])
    figure.update_layout(
        updatemenus=[dict(type="buttons", showactive=False, x=0, y=-0.1, xanchor="left", yanchor="top",
                          buttons=[play])],
        sliders=[dict(active=len(counts) - 1, x=0.12, len=0.88, y=-0.06, yanchor="top",
                      currentvalue=dict(prefix="steps: ", font=dict(size=11)),
                      steps=[dict(label=str(c), method="animate",
                                  args=[[str(c)], dict(mode="immediate", frame=dict(duration=0, redraw=False))])
                             for c in counts])],
        margin=dict(l=50, r=16, t=36, b=110), height=figure.layout.height + 60)
    figure._validate = False
    figure.frames = frames
    figure._validate = True


def cost_figure(surface, trajectories: Sequence, n_steps: int | None = None, height: int = 320) -> go.Figure:
    """J − J_min per step on a log axis (each optimizer a line; a diverged run ends where it left)."""
    floor = 1e-16  # an exact minimum would be log(0)
    traces = []
    for t in trajectories:
        shown = t if n_steps is None else t.head(n_steps)
        gap = np.maximum(shown.costs - surface.min_cost, floor)
        traces.append(dict(type="scatter", x=np.arange(shown.steps + 1), y=gap, mode="lines", name=t.label,
                           line=dict(color=_kind_color(t.kind), width=2),
                           hovertemplate=f"{t.label}<br>step %{{x}}: J − J_min = %{{y:.3g}}<extra></extra>"))
    layout = base_layout(height=height, xaxis=axis_style("step", rangemode="tozero"),
                         yaxis=axis_style("J − J_min (log scale)", type="log", exponentformat="power"))
    return go.Figure(traces, layout)


def step_size_figure(trajectory, quantity: str = "rate", reference_lr: float | None = None,
                     n_steps: int | None = None, height: int = 320) -> go.Figure:
    """Each parameter's effective learning rate −Δw/g (quantity="rate") or step size |Δw|
    (quantity="size") per step, log axis. `reference_lr` draws the shared learning rate:
    gradient descent's effective rate for both parameters."""
    shown = trajectory if n_steps is None else trajectory.head(n_steps)
    values = shown.effective_rates if quantity == "rate" else shown.step_sizes
    label, axis_title = (("effective learning rate −Δw / g", "−Δw / g (log scale)") if quantity == "rate"
                         else ("step size |Δw|", "|Δw| (log scale)"))
    steps = np.arange(1, shown.steps + 1)
    traces = []
    for i, (name, color) in enumerate(zip(PARAMS, PARAM_COLORS)):
        y = values[:, i].astype(float)
        y = np.where(y > 0, y, np.nan)  # a log axis shows positive values (a momentum step may oppose g)
        traces.append(dict(type="scatter", x=steps, y=y, mode="lines", name=name, line=dict(color=color, width=2),
                           hovertemplate=f"{name}, step %{{x}}: %{{y:.3g}}<extra></extra>"))
    if reference_lr is not None and len(steps):
        traces.append(dict(type="scatter", x=[steps[0], steps[-1]], y=[reference_lr, reference_lr], mode="lines",
                           name=f"learning rate {reference_lr:g}", line=dict(color="#90a4ae", width=1.5, dash="dash"),
                           hoverinfo="skip"))
    layout = base_layout(height=height, title=dict(text=f"{trajectory.label}: {label}", font=dict(size=13), x=0.01),
                         margin=dict(l=50, r=16, t=64, b=44),
                         xaxis=axis_style("step", rangemode="tozero"),
                         yaxis=axis_style(axis_title, type="log", exponentformat="power"))
    layout["legend"]["y"] = 1.0
    return go.Figure(traces, layout)


def _lane_color(lane, index: int) -> str:
    """The colour the optimizer has on the surfaces (SGD = gradient descent's), else a run colour."""
    return VARIANTS[lane.key].color if lane.key in VARIANTS else RUN_COLORS[(index + 1) % len(RUN_COLORS)]


def race_figure(lanes: Sequence, target: float | None = None, log_y: bool = False, height: int = 360) -> go.Figure:
    """Train-loss curves of every lane overlaid; the target loss dashed; a dot where each lane reached it."""
    traces = []
    for i, lane in enumerate(lanes):
        color = _lane_color(lane, i)
        epochs = np.arange(1, len(lane.train_loss) + 1)
        name = f"{lane.label} (lr {lane.learning_rate:g})"
        traces.append(dict(type="scatter", x=epochs, y=np.asarray(lane.train_loss, dtype=float), mode="lines",
                           name=name, legendgroup=lane.key, line=dict(color=color, width=2),
                           hovertemplate=f"{name}<br>epoch %{{x}}: train loss %{{y:.4g}}<extra></extra>"))
        reached = lane.epochs_to(target) if target is not None else None
        if reached is not None:
            traces.append(dict(type="scatter", x=[reached], y=[lane.train_loss[reached - 1]], mode="markers",
                               name=f"{lane.label} reached", legendgroup=lane.key, showlegend=False,
                               marker=dict(size=10, color=color, line=dict(color="white", width=1.5)),
                               hovertemplate=f"{lane.label} reached the target at epoch %{{x}}<extra></extra>"))
    longest = max((len(lane.train_loss) for lane in lanes), default=1)
    if target is not None:
        traces.append(dict(type="scatter", x=[1, max(longest, 1)], y=[target, target], mode="lines",
                           name=f"target loss {target:g}", line=dict(color="#90a4ae", width=1.5, dash="dash"),
                           hoverinfo="skip"))
    layout = base_layout(height=height, xaxis=axis_style("epoch", rangemode="tozero"),
                         yaxis=axis_style("train loss", type="log" if log_y else "linear"))
    return go.Figure(traces, layout)
