"""Softmax Inspector: logits, probabilities that sum to one, confident mistakes, and why from_logits=True."""

import streamlit as st

st.set_page_config(page_title="Softmax Inspector · nnplay", page_icon="🔎", layout="wide")

from nnplay import warm_up  # noqa: E402

if not warm_up.ready():  # never import TensorFlow beside the background import (nnplay.warm_up)
    with st.spinner("Loading TensorFlow (the first page since the server started takes about 5 s)…"):
        warm_up.wait()
from nnplay.labs.inspector.predictions import predictions_for  # noqa: E402
from nnplay.ui import inspector  # noqa: E402

st.title("Softmax Inspector")
st.markdown(r"A multiclass network computes **logits** $z_1, \dots, z_K$; **softmax** turns them into "
            r"probabilities $a_j = e^{z_j} / \sum_k e^{z_k}$ that sum to one; the loss of one example is "
            r"$-\log a_y$, where $y$ is its true class. "
            "Binary and multi-label networks use **sigmoids** instead: one independent probability per output.")

trainer = inspector.choose_model()
if trainer is None:
    st.stop()

config, data = trainer.config, trainer.data
predictions = predictions_for(config, trainer.raw_outputs(data.x_test), data.y_test)
headline = "Test accuracy" if config.task != "multilabel" else "Test exact match (every label right)"
st.metric(headline, f"{predictions.correct.mean():.3f}", help=f"{len(predictions.true):,} test examples")

st.header("One test example")
index = inspector.choose_example(trainer, predictions)
inspector.one_example(trainer, predictions, index)

if data.image_shape == (28, 28):
    st.header("Draw a digit")
    inspector.draw_a_digit(trainer, predictions)

if not predictions.uses_softmax:
    st.header("Sigmoids are not a softmax: independent probabilities and a threshold")
    inspector.sigmoids_and_threshold(trainer, predictions, index)

st.header("Gallery of test predictions")
inspector.gallery(trainer, predictions)

if config.task in ("multiclass", "binary"):
    st.header("Confusion matrix")
    inspector.confusion(trainer, predictions)

if predictions.uses_softmax:
    st.header("Why from_logits=True: numbers that overflow")
    inspector.stability(trainer, predictions, index)
