"""Playground: build a network, train it live, see it learn, share it by link.

The page puts the sections in order; each is a function of nnplay.ui.playground_setup (the part
that needs no TensorFlow) or nnplay.ui.playground. On a cold server, while TensorFlow is still
importing (nnplay.warm_up), the first part is drawn alone and the page reruns when it is in
(nnplay.ui.cold_start)."""

import streamlit as st

st.set_page_config(page_title="Playground · nnplay", page_icon="🧠", layout="wide")

from nnplay import warm_up  # noqa: E402
from nnplay.ui import cold_start, playground_setup  # noqa: E402

if not warm_up.ready():
    cold_start.cold_playground()
    st.stop()

from nnplay.ui import playground, results, training_panel  # noqa: E402

training_panel.settle()  # a run that has ended is recorded before anything is drawn
setup = playground_setup.sidebar()
playground_setup.header(setup)
data = playground_setup.data_section(setup)
playground.live_settings(setup.config)  # a run in progress takes on a new learning rate, ...
buttons = playground.run_buttons(setup.config, data)
view = playground.views(setup, data, buttons.progress)
shown = playground.train_and_draw(view, buttons)  # the model on screen, if it fits this setup
results.show_results(shown)
playground.tabs(setup, data, shown)
