"""Lessons: the course, hands-on, each lesson checked on what the learner really trained.
The page is nnplay.ui.lessons.render."""

import streamlit as st

st.set_page_config(page_title="Lessons · nnplay", page_icon="🎓", layout="wide")

from nnplay.ui import lessons  # noqa: E402

st.title("Lessons")
st.markdown("The course, one idea at a time. Each lesson says what to try, asks you to predict what will happen, "
            "opens the page where you try it, and checks **what you really trained** — not what you say you did.")
lessons.render()
