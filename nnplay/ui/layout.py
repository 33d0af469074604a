"""Page layout that Streamlit's widgets alone do not give: what a phone-wide screen shows first,
and charts without plotly's toolbar (on a narrow screen it covers the legends).

Streamlit stacks columns below 640 px in their order, which on the Playground puts the layer
controls and the network picture (~1,500 px) between Train and the decision boundary. The CSS
below, scoped to containers by their key, shows the output first there and keeps the run
buttons in rows of three. Wide screens are unchanged.
"""

from __future__ import annotations

import streamlit as st

VIEWS_KEY = "views"  # the container holding the network and output columns
RUN_BUTTONS_KEY = "run-buttons"
# No toolbar: these charts are watched, not explored (zoom and pan stay: scroll and drag).
CHART_CONFIG = {"displayModeBar": False}

_NARROW_CSS = f"""
<style>
@media (max-width: 640px) {{
  .st-key-{VIEWS_KEY} > [data-testid="stLayoutWrapper"] > [data-testid="stHorizontalBlock"] {{
    flex-direction: column-reverse; }}
  .st-key-{RUN_BUTTONS_KEY} [data-testid="stHorizontalBlock"] {{ flex-flow: row wrap; gap: 0.5rem; }}
  .st-key-{RUN_BUTTONS_KEY} [data-testid="stColumn"] {{ flex: 1 1 30%; min-width: 30%; width: auto; }}
}}
</style>
"""


def narrow_screen_rules() -> None:
    """Add the narrow-screen CSS to the page (it takes no space)."""
    st.html(_NARROW_CSS)
