"""Figures of a trained model's results, on the Playground and in the Softmax Inspector: the confusion
matrix, per-label accuracy, predicted against true values.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnplay.figures.theme import BLUE, CONFUSION_SCALE, axis_style, base_layout, literal


# ---------------------------------------------------------------- results
def confusion_figure(evaluation, normalize: bool = False, clickable: bool = False) -> go.Figure:
    """Confusion matrix: true class in rows, predicted class in columns, counts written in."""
    matrix = np.asarray(evaluation.confusion)
    names = [literal(name) for name in evaluation.class_names] or [str(k) for k in range(len(matrix))]
    text = "%{z}"
    z = matrix
    if normalize:
        z = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
        text = "%{z:.0%}"
    heatmap = dict(type="heatmap", z=z, x=names, y=names, colorscale=CONFUSION_SCALE, showscale=False,
                   texttemplate=text, xgap=1, ygap=1,
                   hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>")
    side = 60 + 36 * len(names)
    traces = [heatmap]
    if clickable:  # heatmaps cannot be selected; near-invisible markers on the cells can (customdata: cell number)
        true, predicted = np.indices(matrix.shape)
        traces.append(dict(type="scatter", x=[names[p] for p in predicted.ravel()],
                           y=[names[t] for t in true.ravel()], mode="markers", showlegend=False,
                           customdata=np.arange(matrix.size), text=[str(n) for n in matrix.ravel()],
                           marker=dict(size=max(8, min(36, 300 // len(names))), symbol="square",
                                       color="rgba(0,0,0,0.01)"),
                           hovertemplate="true %{y}, predicted %{x}: %{text} (click to see them)"
                                         "<extra></extra>"))
    figure = go.Figure(traces, base_layout(
        height=max(260, min(side + 80, 640)),
        xaxis=axis_style("predicted", type="category", showgrid=False, side="bottom", ticks="", constrain="domain"),
        yaxis=axis_style("true", type="category", showgrid=False, autorange="reversed", ticks="",
                         scaleanchor="x", constrain="domain")))
    if clickable:
        figure.update_layout(clickmode="event+select", dragmode=False)
    return figure


def label_accuracy_figure(evaluation) -> go.Figure:
    """Multi-label: the accuracy of each label as horizontal bars."""
    values = list(evaluation.per_label_accuracy.values())
    names = [literal(name) for name in evaluation.per_label_accuracy]
    bar = dict(type="bar", x=values, y=names, orientation="h", marker=dict(color=BLUE),
               text=[f"{v:.0%}" for v in values], textposition="auto",
               hovertemplate="%{y}: %{x:.1%}<extra></extra>")
    return go.Figure([bar], base_layout(
        height=80 + 34 * len(names), xaxis=axis_style("accuracy", range=[0, 1], tickformat=".0%"),
        yaxis=axis_style(None, autorange="reversed", showgrid=False, ticks="")))


def regression_figure(y_true: np.ndarray, y_pred: np.ndarray, name: str = "y") -> go.Figure:
    """Predicted vs true values, with the diagonal where a perfect model's points would lie."""
    y_true, y_pred = np.asarray(y_true, float).ravel(), np.asarray(y_pred, float).ravel()
    both = np.concatenate([y_true, y_pred]) if len(y_true) else np.zeros(1)
    low, high = float(both.min()), float(both.max())
    pad = 0.05 * (high - low or 1.0)
    low, high = low - pad, high + pad
    points = dict(type="scatter", x=y_true, y=y_pred, mode="markers", name="examples",
                  marker=dict(size=6, color=BLUE, opacity=0.6, line=dict(color="white", width=0.5)),
                  hovertemplate="true %{x:.3f}, predicted %{y:.3f}<extra></extra>")
    diagonal = dict(type="scatter", x=[low, high], y=[low, high], mode="lines", name="perfect", hoverinfo="skip",
                    line=dict(color="#90a4ae", dash="dash", width=1.5))
    return go.Figure([diagonal, points], base_layout(
        height=380, showlegend=False,
        xaxis=axis_style(f"true {literal(name)}", range=[low, high], constrain="domain"),
        yaxis=axis_style(f"predicted {literal(name)}", range=[low, high], scaleanchor="x", constrain="domain")))
