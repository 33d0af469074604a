"""Figures of the Lessons page."""

from __future__ import annotations

import plotly.graph_objects as go

from nnplay.figures.theme import BLUE, ORANGE, axis_style, base_layout
from nnplay.lessons.evidence import DoubleSoftmaxTry


def double_softmax_figure(tried: DoubleSoftmaxTry, fix_label: str) -> go.Figure:
    """The broken model's training loss against the fix's, and the floor the broken one cannot pass."""
    figure = go.Figure()
    figure.add_scatter(y=list(tried.broken_losses), x=list(range(1, len(tried.broken_losses) + 1)),
                       name="broken: softmax, then from_logits=True", line=dict(color=ORANGE))
    figure.add_scatter(y=list(tried.fixed_losses), x=list(range(1, len(tried.fixed_losses) + 1)),
                       name=f"your fix: {fix_label}", line=dict(color=BLUE))
    figure.add_hline(y=tried.broken_floor, line=dict(dash="dot", width=1),
                     annotation_text=f"the broken model's floor, {tried.broken_floor:.3f}")
    figure.update_layout(**base_layout(300, legend=dict(orientation="h", y=-0.25)),
                         xaxis=axis_style("training step (full batch)"), yaxis=axis_style("training loss"))
    return figure
