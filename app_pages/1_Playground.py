"""Playground: build a network, train it live, see it learn, share it by link.

The page puts the sections in order; each is a function of nnplay.ui.playground."""

import streamlit as st

st.set_page_config(page_title="Playground · nnplay", page_icon="🧠", layout="wide")

from nnplay.ui import playground, results, training_panel  # noqa: E402

training_panel.settle()  # a run that has ended is recorded before anything is drawn
setup = playground.sidebar()
playground.header(setup)
data = playground.data_section(setup)
playground.live_settings(setup.config)  # a run in progress takes on a new learning rate, ...
buttons = playground.run_buttons(setup.config, data)
view = playground.views(setup, data, buttons.progress)
shown = playground.train_and_draw(view, buttons)  # the model on screen, if it fits this setup
results.show_results(shown)
playground.tabs(setup, data, shown)
