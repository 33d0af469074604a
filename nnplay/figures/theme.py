"""The look every figure shares: the palette (TF Playground's orange and blue), colour maps, PNG thumbnails,
and the axis and layout helpers.

Figures use an explicit minimal layout and no template object (building a plotly template per figure
costs ~25 ms, the whole boundary figure costs less than that). The layout sets no background, text or
grid colour: Streamlit's chart theme fills those in for the app's light or dark theme in the browser,
and the data colours are mid-tones that read on both.
"""

from __future__ import annotations

import base64
import io
import re

import numpy as np

from nnplay.config.catalog import FEATURES
from nnplay.engine.plane import INPUT_RANGE

# ---------------------------------------------------------------- palette
ORANGE = "#f59322"  # class 0 / negative (TF Playground)
BLUE = "#0877bd"  # class 1 / positive
NEUTRAL = "#e8eaeb"
INK = "#78909c"  # lines and marks drawn in "ink": a blue-grey that reads on white and on near-black
RIM = "#b0bec5"  # outlines of nodes and points
CLASS_COLORS = (ORANGE, BLUE, "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
RUN_COLORS = ("#78909c", "#8e44ad", "#16a085", "#c0392b", "#2980b9", "#d35400", "#7f8c8d")
DIVERGING = [[0.0, ORANGE], [0.5, NEUTRAL], [1.0, BLUE]]
BACKGROUND_STRENGTH = 0.6  # the plane behind the points is this much of the full colour
CONFUSION_SCALE = [[0.0, "#f7fbff"], [1.0, "#08519c"]]
FONT = dict(family="Inter, -apple-system, 'Segoe UI', Roboto, sans-serif", size=12)  # colour: the app theme's
PLANE_HEIGHT = 440


_PLOTLY_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"}
_PLOTLY_SPECIAL = re.compile("[&<>$]")


def literal(text: object) -> str:
    """A data string (a CSV's column or class name) for a title, tick, legend or hover text: shown
    as the characters it is, never as plotly's HTML subset (`<a href>` makes a link) or LaTeX
    (`$...$`). Every builder here puts such names through it; callers pass them raw."""
    return _PLOTLY_SPECIAL.sub(lambda m: _PLOTLY_ENTITIES[m.group()], str(text))


def class_color(k: int) -> str:
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def rgb_of(color: str) -> np.ndarray:
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def _blend(color: str, strength: float) -> str:
    """`color` mixed with white: strength 1 = the colour, 0 = white."""
    r, g, b = (255 + (rgb_of(color) - 255) * strength).round().astype(int)
    return f"#{r:02x}{g:02x}{b:02x}"


def diverging_lut(strength: float = 1.0, n: int = 256) -> np.ndarray:
    """(n, 3) uint8: orange → neutral → blue."""
    t = np.linspace(-1, 1, n)
    stops = [rgb_of(_blend(c, strength)) for c in (ORANGE, NEUTRAL, BLUE)]
    channels = [np.interp(t, [-1, 0, 1], [s[i] for s in stops]) for i in range(3)]
    return np.stack(channels, axis=1).round().astype(np.uint8)


_LUT = diverging_lut()
BACKGROUND_SCALE = [[0.0, _blend(ORANGE, BACKGROUND_STRENGTH)], [0.5, NEUTRAL],
                    [1.0, _blend(BLUE, BACKGROUND_STRENGTH)]]


def scale_lut(scale: list, n: int = 256) -> np.ndarray:
    """(n, 3) uint8: a plotly colorscale ([[position, "#rrggbb"], ...]) sampled at n evenly spaced
    positions, interpolated linearly in RGB as plotly does. `scale_lut(BACKGROUND_SCALE)[i]` is the
    colour plotly gives a heatmap cell at position i / (n - 1) between zmin and zmax."""
    positions = [float(p) for p, _ in scale]
    stops = np.stack([rgb_of(color) for _, color in scale])
    t = np.linspace(0.0, 1.0, n)
    channels = [np.interp(t, positions, stops[:, i]) for i in range(3)]
    return np.stack(channels, axis=1).round().astype(np.uint8)


def multiclass_rgb(classes: np.ndarray, confidence: np.ndarray, k: int) -> np.ndarray:
    """(h, w, 3) uint8: each cell in its class's colour, blended with white by confidence (1/k → white,
    1 → BACKGROUND_STRENGTH of the colour): the multiclass picture behind the points."""
    k = max(int(k), 2)
    palette = np.stack([rgb_of(class_color(j)) for j in range(k)])
    strength = np.clip((confidence - 1 / k) / (1 - 1 / k), 0, 1)[..., None] * BACKGROUND_STRENGTH
    return (255 + (palette[classes] - 255) * strength).round().astype(np.uint8)


def colorize(values: np.ndarray, scale: float | None = None) -> np.ndarray:
    """(h, w) values → (h, w, 3) uint8 on the diverging palette; ±scale are the ends
    (default: max(1, max |value|), so tanh stays on its [-1, 1] and relu is not clipped)."""
    return _LUT[palette_index(values, scale, len(_LUT))]


def palette_index(values: np.ndarray, scale: float | None, n: int) -> np.ndarray:
    """(h, w) values → uint8 indices 0..n-1 into a diverging LUT of n colours (see colorize)."""
    if scale is None:
        scale = max(1.0, float(np.abs(values).max(initial=0.0)))
    return np.clip((values / scale + 1) * (n - 1) / 2, 0, n - 1).round().astype(np.uint8)


def palette_png_uri(index: np.ndarray, palette: list[int]) -> str:
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(index, dtype=np.uint8), "P")
    image.putpalette(palette)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def png_data_uri(rgb: np.ndarray) -> str:
    """(h, w, 3) RGB or (h, w, 4) RGBA uint8 → a PNG data URI (rows top to bottom)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8)).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# ---------------------------------------------------------------- layout
def axis_style(title: str | None = None, **extra) -> dict:
    axis = dict(showgrid=True, zeroline=False, showline=True, ticks="outside", ticklen=4, automargin=True,
                title=dict(text=title) if title else None)
    axis.update(extra)
    return axis


def base_layout(height: int = 320, **extra) -> dict:
    layout = dict(template="none", font=FONT, height=height,
                  margin=dict(l=50, r=16, t=36, b=44), hovermode="closest",
                  legend=dict(orientation="h", x=0, y=1.01, xanchor="left", yanchor="bottom",
                              bgcolor="rgba(255,255,255,0)", font=dict(size=11)))
    layout.update(extra)
    return layout


def hidden_axis(**extra) -> dict:
    return dict(visible=False, showgrid=False, zeroline=False, **extra)


def plane_layout(data, **extra) -> dict:
    low, high = INPUT_RANGE
    names = [FEATURES.get(n, n) for n in ("x1", "x2")]
    return base_layout(height=PLANE_HEIGHT, margin=dict(l=44, r=16, t=36, b=40),
                       xaxis=axis_style(names[0], range=[low, high], constrain="domain", showgrid=False, ticks=""),
                       yaxis=axis_style(names[1], range=[low, high], scaleanchor="x", scaleratio=1, constrain="domain",
                                        showgrid=False, ticks=""),
                   **extra)
