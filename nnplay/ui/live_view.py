"""The live view: the network, the decision boundary and the loss curve painted on canvases in the
browser, fast enough to redraw at every frame of a run (plotly through Streamlit cannot keep up).

A Streamlit Custom Component (v2): registered once, at import; `live_view(frame)` mounts it with a
frame of nnplay.figures.live_frame as its data. Mounted again under the same key (in a fragment that
reruns a few dozen times a second) it is not re-created: the browser gets the new frame and repaints
the same canvases on its next animation frame. The JavaScript and CSS sit next to this module
(live_view.js, live_view.css).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_HERE = Path(__file__).resolve().parent

_HTML = """<div class="nnplay-live-view" data-paints="0" role="img" aria-label="Live view of the training">
  <canvas class="net" aria-label="The network"></canvas>
  <canvas class="plane" aria-label="The decision boundary"></canvas>
  <canvas class="loss" aria-label="The loss curve"></canvas>
</div>"""

_COMPONENT = st.components.v2.component(
    "nnplay_live_view",
    html=_HTML,
    css=(_HERE / "live_view.css").read_text(encoding="utf-8"),
    js=(_HERE / "live_view.js").read_text(encoding="utf-8"),
)


def live_view(message: dict, key: str = "live-view") -> None:
    """Paint `message`: a frame (nnplay.figures.live_frame.live_frame), painted at once, or a reel
    of frames (live_reel), played back at the pace they were trained. The same `key` repaints in place."""
    _COMPONENT(data=message, key=key)
