"""nnplay home page. Imports no TensorFlow: it must open instantly."""

import streamlit as st

st.set_page_config(page_title="nnplay — neural-network playground", page_icon="🧠", layout="wide")

st.title("nnplay")
st.markdown(
    "A neural-network playground with **real TensorFlow/Keras** underneath. Pick a task "
    "(binary, multiclass, multi-label or regression) and see which output layer and loss it "
    "implies, stack hidden layers, choose an optimizer, train on MNIST or 2-D toy data or your "
    "own CSV, watch it learn live — and share the whole setup as a link."
)
st.info("The pages are on their way: this home page lists them as they land.")
