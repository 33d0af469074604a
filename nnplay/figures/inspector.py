"""The Softmax Inspector's figures: class bars, the point picker, a drawn digit, the threshold sweep.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nnplay.engine.plane import PlaneView
from nnplay.figures.playground import background_trace, point_traces
from nnplay.figures.theme import (
    BLUE,
    INK,
    ORANGE,
    base_layout,
    literal,
    plane_layout,
)


def class_bars_figure(values: np.ndarray, class_names: Sequence[str], highlight: int | None = None,
                      title: str = "", y_range: tuple[float, float] | None = None) -> go.Figure:
    """One bar per class (logits or probabilities); the true class in blue, the rest grey."""
    colors = [BLUE if i == highlight else "#b0b7c3" for i in range(len(values))]
    figure = go.Figure(go.Bar(x=[literal(name) for name in class_names], y=[float(v) for v in values],
                              marker_color=colors,
                              text=[f"{float(v):.3g}" for v in values], textposition="outside"))
    figure.update_layout(**base_layout(height=260, title=dict(text=title, x=0, font=dict(size=13))))
    figure.update_xaxes(type="category")
    if y_range is not None:
        figure.update_yaxes(range=list(y_range))
    return figure


# ---------------------------------------------------------------- Softmax Inspector
def pick_point_figure(view: PlaneView | None, data, task: str, chosen: int, label_index: int = 0) -> go.Figure:
    """The test points on the plane (over the model's boundary when a view is given), the chosen one
    ringed. The top trace carries each test point's index, so a click on the chart can pick it."""
    traces = [background_trace(view, data, task, label_index=label_index)] if view is not None else []
    traces += point_traces(data, task, True, label_index)
    points = np.asarray(data.points_test)
    traces.append(dict(type="scatter", x=points[:, 0], y=points[:, 1], mode="markers", name="pick",
                       marker=dict(size=12, color="rgba(0,0,0,0.01)"), customdata=np.arange(len(points)),
                       hovertemplate="test example %{customdata}<br>(%{x:.2f}, %{y:.2f})<extra></extra>",
                       showlegend=False))
    x1, x2 = points[chosen]
    traces.append(dict(type="scatter", x=[x1], y=[x2], mode="markers", name="chosen", hoverinfo="skip",
                       marker=dict(size=20, color="rgba(0,0,0,0)", line=dict(width=3, color="#d62728")),
                       showlegend=False))
    figure = go.Figure(traces, plane_layout(data))
    figure.update_layout(clickmode="event+select", dragmode=False)
    return figure


def digit_figure(image: np.ndarray, title: str = "") -> go.Figure:
    """A 28×28 image, white ink on black as MNIST stores it."""
    figure = go.Figure(go.Heatmap(z=np.asarray(image)[::-1], colorscale="gray", zmin=0, zmax=1, showscale=False,
                                  hovertemplate="%{z:.2f}<extra></extra>"))
    figure.update_layout(**base_layout(height=230, width=230, title=dict(text=title, x=0, font=dict(size=13))))
    figure.update_xaxes(visible=False, constrain="domain")
    figure.update_yaxes(visible=False, scaleanchor="x")
    return figure


def threshold_sweep_figure(thresholds: Sequence[float], precision: Sequence[float], recall: Sequence[float],
                           exact_match: Sequence[float], current: float) -> go.Figure:
    """Precision, recall and exact match as the decision threshold moves; the chosen one marked."""
    figure = go.Figure()
    for values, name, color in ((precision, "precision", BLUE), (recall, "recall", ORANGE),
                                (exact_match, "exact match", "#2ca02c")):
        figure.add_trace(go.Scatter(x=list(thresholds), y=list(values), mode="lines", name=name,
                                    line=dict(color=color, width=2)))
    figure.add_vline(x=current, line=dict(color=INK, dash="dot"))
    figure.update_layout(**base_layout(height=280))
    figure.update_xaxes(title_text="decision threshold (test set)", range=[0, 1])
    figure.update_yaxes(range=[0, 1.05])
    return figure
