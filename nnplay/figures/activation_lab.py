"""Plotly figures of the Activation Lab: pure functions `data → go.Figure`, in nnplay.figures's look.

No TensorFlow here: the builders take the Activation Lab's results (Curve,
GradientNorms, PlaneView) as plain objects holding numpy arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from nnplay.config.catalog import ACTIVATIONS
from nnplay.figures.playground import boundary_figure
from nnplay.figures.theme import BLUE, INK, ORANGE, RUN_COLORS, axis_style, base_layout

if TYPE_CHECKING:  # only for the annotations: importing them would load TensorFlow
    from nnplay.engine.plane import PlaneView
    from nnplay.labs.activation.experiments import Curve, GradientNorms

# Distinct colours for up to 8 activations drawn together; the first two are TF Playground's.
ACTIVATION_COLORS = (BLUE, ORANGE, "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def activation_color(index: int) -> str:
    return ACTIVATION_COLORS[index % len(ACTIVATION_COLORS)]


def activation_figure(curves: Sequence[Curve], labels: dict[str, str] | None = None) -> go.Figure:
    """Each activation g(z) (solid, left panel) and its derivative g'(z) (same colour, right panel)."""
    labels = labels or {}
    traces = []
    for i, curve in enumerate(curves):
        name = labels.get(curve.name, curve.name)
        color = activation_color(i)
        traces.append(dict(type="scatter", x=curve.z, y=curve.value, mode="lines", name=name, legendgroup=name,
                           line=dict(color=color, width=2.5), xaxis="x", yaxis="y",
                           hovertemplate=f"z = %{{x:.2f}}<br>{name}(z) = %{{y:.4f}}<extra></extra>"))
        traces.append(dict(type="scatter", x=curve.z, y=curve.derivative, mode="lines", name=f"{name}′",
                           legendgroup=name, showlegend=False, line=dict(color=color, width=2.5, dash="dash"),
                           xaxis="x2", yaxis="y2",
                           hovertemplate=f"z = %{{x:.2f}}<br>{name}′(z) = %{{y:.4f}}<extra></extra>"))
    zero = dict(zeroline=True, zerolinecolor="#b0bec5", zerolinewidth=1)
    layout = base_layout(
        height=360,
        xaxis=axis_style("z", domain=[0.0, 0.46], **zero), yaxis=axis_style("g(z)", **zero),
        xaxis2=axis_style("z", domain=[0.54, 1.0], **zero), yaxis2=axis_style("g′(z)", anchor="x2", **zero),
        annotations=[_panel_title("the function g(z)", 0.0), _panel_title("its derivative g′(z) (dashed)", 0.54)],
        margin=dict(l=50, r=16, t=56, b=44),
    )
    layout["legend"]["y"] = 1.12
    return go.Figure(traces, layout)


def _panel_title(text: str, x: float) -> dict:
    return dict(text=text, x=x, y=1.0, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                showarrow=False, font=dict(size=12, color=INK))


def softmax_figure(logits: Sequence[float], probabilities: Sequence[float], temperature: float = 1.0) -> go.Figure:
    """Bars of softmax probabilities (hover: the logit); the title states their sum."""
    probabilities = np.asarray(probabilities, dtype=float)
    labels = [f"z{i + 1}" for i in range(len(probabilities))]
    top = int(np.argmax(probabilities))
    colors = [BLUE if i == top else "#b0b7c3" for i in range(len(probabilities))]
    bars = dict(type="bar", x=labels, y=probabilities, marker=dict(color=colors),
                text=[f"{p:.3f}" for p in probabilities], textposition="outside", customdata=list(logits),
                hovertemplate="%{x}: logit %{customdata:.3g} → p = %{y:.4f}<extra></extra>", name="softmax")
    title = f"softmax(z / {temperature:g}) · sum = {probabilities.sum():.6f}"
    return go.Figure([bars], base_layout(
        height=300, title=dict(text=title, x=0, font=dict(size=13)), showlegend=False,
        xaxis=axis_style(None, type="category", showgrid=False), yaxis=axis_style("probability", range=[0, 1.12])))


def gradient_norms_figure(results: Sequence[GradientNorms]) -> go.Figure:
    """‖∂L/∂W‖ per layer on a log scale: solid at initialisation, dashed after the training steps."""
    traces = []
    for i, result in enumerate(results):
        # The activation's own colour (its catalog record), whatever the order it is drawn in.
        record = ACTIVATIONS.get(result.activation)
        color = record.color if record is not None and record.color else RUN_COLORS[i % len(RUN_COLORS)]
        for values, when, dash in ((result.at_init, "at initialisation", "solid"),
                                   (result.after, f"after {result.steps} steps", "dash")):
            name = f"{result.activation} · {when}"
            traces.append(dict(
                type="scatter", x=list(result.layers), y=np.asarray(values, dtype=float), mode="lines+markers",
                name=name, line=dict(color=color, width=2.5, dash=dash), marker=dict(size=7, color=color),
                hovertemplate=f"%{{x}}: ‖∂L/∂W‖ = %{{y:.3g}}<extra>{name}</extra>"))
    return go.Figure(traces, base_layout(
        height=360, xaxis=axis_style("layer (input side → output)", type="category"),
        yaxis=axis_style("gradient norm of the kernel", type="log", exponentformat="power")))


def titled_boundary_figure(view: PlaneView, data, title: str, task: str = "binary",
                           discretize: bool = False) -> go.Figure:
    """nnplay.figures.playground.boundary_figure with a title (the activation and its test accuracy)."""
    figure = boundary_figure(view, data, task, discretize=discretize)
    figure.update_layout(title=dict(text=title, x=0, font=dict(size=13)), showlegend=False)
    return figure
