"""Softmax Inspector: logits, probabilities that sum to one, confident mistakes, and why from_logits=True."""

import numpy as np
import pandas as pd
import streamlit as st

st.set_page_config(page_title="Softmax Inspector · nnplay", page_icon="🔎", layout="wide")

from nnplay import plots  # noqa: E402
from nnplay.datasets import DataError, load_dataset  # noqa: E402
from nnplay.metrics import evaluate  # noqa: E402
from nnplay.predictions import (  # noqa: E402
    course_mnist_config, gallery_order, in_cell, per_class_accuracy, predictions_for, top_k,
)
from nnplay.stability import compare, round_off_example  # noqa: E402
from nnplay.training import Trainer  # noqa: E402
from nnplay.ui import training_panel  # noqa: E402

st.title("Softmax Inspector")
st.markdown("A multiclass network computes **logits** z₁…z_K; **softmax** turns them into probabilities "
            "a_j = e^{z_j} / Σ e^{z_k} that sum to one; the loss of one example is **−log a_y**.")

# ------------------------------------------------------------------ which model
playground = training_panel.trainer()
usable = playground is not None and playground.config.task in ("multiclass", "binary", "multilabel")
trainer = playground if usable else st.session_state.get("inspector_trainer")
if usable:
    st.caption(f"Inspecting the model trained on the Playground ({playground.config.task}, "
               f"{playground.config.dataset}, {playground.epoch} epochs).")
elif trainer is None:
    st.info("No classifier has been trained in this session yet. Train the course's MNIST network here: "
            "25 ReLU → 15 ReLU → 10 linear, Adam 1e-3, SparseCategoricalCrossentropy(from_logits=True).")
    if st.button("Train the course's MNIST model", type="primary"):
        config = course_mnist_config()
        try:
            data = load_dataset(config)
        except DataError as err:
            st.error(str(err))
            st.stop()
        st.caption(data.source)
        trainer = Trainer(config, data)
        bar = st.progress(0.0, text="Training…")
        for snapshot in trainer.run():
            bar.progress(snapshot.fraction_done, text=f"Epoch {snapshot.epoch} of {snapshot.target_epoch} · "
                         f"test accuracy {snapshot.test_metrics['accuracy']:.3f}")
        st.session_state["inspector_trainer"] = trainer
    else:
        st.stop()

config, data = trainer.config, trainer.data
predictions = predictions_for(config, trainer.raw_outputs(data.x_test), data.y_test)
names = data.class_names
n_test = len(data.y_test)
st.metric("Test accuracy", f"{predictions.correct.mean():.3f}", help=f"{n_test:,} test examples")


def show_example(index: int, where=st) -> None:
    if data.image_shape is not None:
        where.image(data.x_test[index].reshape(data.image_shape), width=112, clamp=True)
    elif data.points_test is not None:
        x1, x2 = data.points_test[index]
        where.write(f"point ({x1:.2f}, {x2:.2f})")


# ------------------------------------------------------------------ one example
st.header("One test example")
index = st.number_input("Test example", 0, n_test - 1, 0, help="Its index in the test set")
left, middle, right = st.columns([1, 2, 2])
with left:
    show_example(index)
    if predictions.uses_softmax:
        truth, guess = int(predictions.true[index]), int(predictions.predicted[index])
        st.markdown(f"True: **{names[truth]}**  \nPredicted: **{names[guess]}** "
                    + (":green[✓]" if truth == guess else ":red[✗]"))
        st.markdown(f"Loss −log a_y = **{predictions.loss[index]:.4f}**")
    else:
        st.markdown(f"Loss (binary cross-entropy, mean over outputs) = **{predictions.loss[index]:.4f}**")
highlight = int(predictions.true[index]) if predictions.uses_softmax else None
output_names = names if len(names) == predictions.outputs.shape[1] else [f"output {i}" for i in
                                                                          range(predictions.outputs.shape[1])]
middle.plotly_chart(plots.class_bars_figure(predictions.outputs[index], output_names, highlight,
                                            "Logits z (the output layer)" if config.uses_logits else "Outputs"),
                    key="logits")
probabilities = predictions.probabilities[index]
kind = "softmax" if predictions.uses_softmax else "sigmoid"
right.plotly_chart(plots.class_bars_figure(probabilities, output_names, highlight,
                                           f"{kind} probabilities — sum = {probabilities.sum():.4f}", (0, 1.15)),
                   key="probabilities")
if not predictions.uses_softmax:
    st.caption("Sigmoid outputs are independent yes/no probabilities: unlike softmax they need not sum to 1.")

# ------------------------------------------------------------------ gallery
st.header("Gallery of test predictions")
options = st.columns(2)
mistakes_only = options[0].toggle("Mistakes only")
confident_first = options[1].toggle("Most confident mistakes first")
order = gallery_order(predictions, mistakes_only, confident_first)[:24]
if len(order) == 0:
    st.success("No mistakes on the test set.")
columns = st.columns(8)
for slot, i in enumerate(order):
    with columns[slot % 8]:
        show_example(int(i))
        if predictions.uses_softmax:
            colour = "green" if predictions.correct[i] else "red"
            lines = [f"{names[c]} {p:.0%}" for c, p in top_k(predictions.probabilities[i])]
            st.markdown(f":{colour}[**{names[int(predictions.true[i])]}**]  \n" + "  \n".join(lines))
        else:
            st.markdown(":green[right]" if predictions.correct[i] else ":red[wrong]")

# ------------------------------------------------------------------ confusion matrix
if predictions.uses_softmax or config.task == "binary":
    st.header("Confusion matrix")
    evaluation = evaluate(config, predictions.probabilities, data.y_test, names)
    left, right = st.columns([3, 2])
    left.plotly_chart(plots.confusion_figure(evaluation), key="confusion")
    accuracy = per_class_accuracy(predictions, len(names))
    right.dataframe(pd.DataFrame({"class": names, "accuracy": accuracy}), hide_index=True)
    cell = st.columns(2)
    true_class = cell[0].selectbox("True class", range(len(names)), format_func=lambda c: names[c])
    predicted_class = cell[1].selectbox("Predicted class", range(len(names)), format_func=lambda c: names[c],
                                        index=min(1, len(names) - 1))
    members = in_cell(predictions, true_class, predicted_class)
    st.caption(f"{len(members)} test examples are {names[true_class]} predicted as {names[predicted_class]}.")
    cell_columns = st.columns(8)
    for slot, i in enumerate(members[:16]):
        show_example(int(i), cell_columns[slot % 8])

# ------------------------------------------------------------------ numerical stability
if predictions.uses_softmax:
    st.header("Why from_logits=True: numbers that overflow")
    scale = st.select_slider("Scale the logits ×", [1, 3, 10, 30, 100, 300, 1000], value=1)
    result = compare(predictions.outputs[index], int(predictions.true[index]), scale)
    st.dataframe(pd.DataFrame({
        "way": ["naive: exp, divide, then log (float32)", "stable: log-softmax (from_logits=True)"],
        "loss −log a_y": [result.naive_loss, result.stable_loss],
        "largest logit": [float(result.logits.max())] * 2,
    }), hide_index=True)
    if not np.isfinite(result.naive_loss):
        st.error("The naive way broke: e^z overflowed float32 (past z ≈ 88) and gave inf/NaN. "
                 "The stable way subtracts the largest logit first, so no exponential exceeds 1.")
    numbers = round_off_example()
    st.markdown("**Round-off, the course's example:** 2/10000 computed directly vs as (1 + 1/10000) − (1 − 1/10000).")
    st.dataframe(pd.DataFrame({"computation": list(numbers), "value": [f"{v:.17g}" for v in numbers.values()]}),
                 hide_index=True)
