"""The home page: what nnplay is, a card per page, and a field to open a shared link.
Imports no TensorFlow: it must open instantly."""

from __future__ import annotations

import streamlit as st

from nnplay.config.links import encode
from nnplay.config.pasted import parse_shared_link
from nnplay.ui.site import PAGES
from nnplay.ui.state import CONFIG, notice_markdown


def render() -> None:
    st.title("nnplay")
    st.markdown(
        "A neural-network playground with **real TensorFlow/Keras** underneath. Pick a task "
        "(binary, multiclass, multi-label or regression) and see which output layer and loss it "
        "implies, stack hidden layers, choose an optimizer, train on MNIST, 2-D toy data or your "
        "own CSV, watch it learn live — and share the whole setup as a link."
    )
    lessons = next(page for page in PAGES if page.url_path == "Lessons")
    st.page_link(lessons.file, label="New to neural networks? Start with lesson 1 of the course", icon=lessons.icon)
    columns = st.columns(len(PAGES))
    for column, page in zip(columns, PAGES):
        with column.container(border=True):
            st.page_link(page.file, label=page.title, icon=page.icon)
            st.caption(page.card)

    st.subheader("Open a shared link")
    link = st.text_input(
        "Paste an nnplay link — or a TensorFlow Playground link (playground.tensorflow.org/#…)",
        placeholder="https://…/Playground?v=1&task=binary&…",
    )
    if link:
        config, warnings = parse_shared_link(link)
        if warnings:
            st.warning(notice_markdown("Opened the nearest nnplay setup. What could not be carried over:", warnings))
        else:
            st.success("Link read.")
        if st.button("Open in the Playground", type="primary"):
            CONFIG.pop()  # the Playground reads the new link on its next run
            st.switch_page(PAGES[0].file, query_params=encode(config))
