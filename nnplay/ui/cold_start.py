"""A cold server: the Playground drawn before TensorFlow is in.

Importing TensorFlow and Keras takes about 5 s, once per server process (nnplay.warm_up does it in
the background once a server's first page is drawn). The first visitor of a freshly started server
should not stare at an empty page meanwhile: a Playground opened before the import is done draws
what needs no TensorFlow (the sidebar, the title, the data and the task's rule), says what it is
waiting for, and reruns itself the moment the engine is in. Imports no TensorFlow.
"""

from __future__ import annotations

import streamlit as st

from nnplay import warm_up
from nnplay.figures.playground import output_figure
from nnplay.ui import layout, playground_setup

POLL_SECONDS = 0.3


def cold_playground() -> None:
    """The Playground's top half, the data, and a note while TensorFlow loads; reruns when it is in."""
    setup = playground_setup.sidebar()
    playground_setup.header(setup)
    data = playground_setup.data_section(setup)
    st.info("Loading TensorFlow: the first page since this server started takes about 5 seconds. "
            "The network, Train and the Keras code appear here as soon as it is in; the setup above "
            "can be changed meanwhile.", icon=":material/hourglass_top:")
    if data is not None:
        figure = output_figure(None, data, setup.config.task, False, 0, True)
        if figure is not None:
            st.plotly_chart(figure, config=layout.CHART_CONFIG, key="cold-data")
    _rerun_when_ready()
    warm_up.start()  # now that the page is drawn: importing beside the script would slow it down


@st.fragment(run_every=POLL_SECONDS)
def _rerun_when_ready() -> None:
    if warm_up.ready():
        st.rerun(scope="app")
