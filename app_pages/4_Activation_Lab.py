"""Activation Lab: activations and their derivatives, softmax, why hidden layers must be non-linear,
and the flat regions that make deep sigmoid stacks learn slowly. The sections are nnplay.ui.activation_lab."""

import streamlit as st

st.set_page_config(page_title="Activation Lab · nnplay", page_icon="📈", layout="wide")

from nnplay import warm_up  # noqa: E402

if not warm_up.ready():  # never import TensorFlow beside the background import (nnplay.warm_up)
    with st.spinner("Loading TensorFlow (the first page since the server started takes about 5 s)…"):
        warm_up.wait()
from nnplay.ui import activation_lab  # noqa: E402

st.title("Activation Lab")
st.markdown(r"A neuron computes $z = w \cdot x + b$ and passes it through an **activation** $g$. What $g$ looks "
            r"like — and what its **derivative** $g'$ looks like, since backpropagation multiplies by $g'$ at "
            "every layer — decides what a network can represent and how well it learns.")

st.header("Activations and their derivatives")
activation_lab.activation_curves()

st.header("Softmax on a vector you edit")
activation_lab.softmax_on_a_vector()

st.header("Why non-linear?")
comparison = activation_lab.linear_vs_relu()
if comparison is not None:
    st.subheader("Folding the linear network into one layer")
    activation_lab.folded_network(comparison)

st.header("Flat regions: vanishing gradients")
activation_lab.vanishing_gradients()
