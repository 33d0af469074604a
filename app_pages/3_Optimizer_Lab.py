"""Optimizer Lab: Keras's optimizers on two-parameter cost surfaces, and a race on a real network."""

import streamlit as st

st.set_page_config(page_title="Optimizer Lab · nnplay", page_icon="🏔️", layout="wide")

from nnplay import warm_up  # noqa: E402

if not warm_up.ready():  # never import TensorFlow beside the background import (nnplay.warm_up)
    with st.spinner("Loading TensorFlow (the first page since the server started takes about 5 s)…"):
        warm_up.wait()
from nnplay.ui import optimizer_lab  # noqa: E402

st.title("Optimizer Lab")
st.markdown("Watch Keras's own optimizers — `SGD` (plain, momentum, Nesterov), `RMSprop`, `Adagrad`, `Adam` — "
            "walk downhill on a cost surface of two parameters, then race them on a real network.")
surfaces, race = st.tabs(["Cost surfaces", "Race on a real network"])
with surfaces:
    optimizer_lab.surfaces_tab()
with race:
    optimizer_lab.race_tab()
