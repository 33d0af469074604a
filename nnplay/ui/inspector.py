"""The Softmax Inspector's sections. Each one draws one part of the page from the trainer and
its test-set predictions; the page (`app_pages/2_Softmax_Inspector.py`) only puts them in order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from nnplay.config.catalog import TASKS, dataset_label
from nnplay.data.dataset import DataError
from nnplay.engine.metrics import evaluate
from nnplay.engine.model import to_probabilities
from nnplay.engine.plane import probe_for
from nnplay.engine.pool import train_leased
from nnplay.engine.training import Trainer
from nnplay.figures import inspector as figures
from nnplay.figures import results as result_figures
from nnplay.labs.inspector.drawing import to_mnist
from nnplay.labs.inspector.predictions import (
    Predictions,
    course_mnist_config,
    gallery_order,
    in_cell,
    logits_of,
    nearest_point,
    per_class_accuracy,
    sigmoid_and_softmax,
    threshold_report,
    threshold_sweep,
    top_k,
    toy_multilabel_config,
)
from nnplay.labs.inspector.stability import (
    compare,
    loss_text,
    round_off_example,
    why_naive_failed,
)
from nnplay.lessons.evidence import StabilityTry, remember
from nnplay.ui import saving, state, training_panel
from nnplay.ui.datasets import shared_dataset
from nnplay.ui.state import current_config
from nnplay.ui.text import md_literal

PLAYGROUND = "The model trained on the Playground"
IN_PLACE = {
    "The course's MNIST network (softmax)": (
        course_mnist_config, "Train the course's MNIST model",
        "25 ReLU → 15 ReLU → 10 linear, Adam 1e-3, SparseCategoricalCrossentropy(from_logits=True), "
        "on MNIST digits."),
    "A multi-label toy network (3 sigmoids)": (
        toy_multilabel_config, "Train the multi-label toy model",
        "8 ReLU → 8 ReLU → 3 sigmoid, Adam 0.01, BinaryCrossentropy(), on the zones data: "
        "each point can be in several zones at once, so each output is its own yes/no question."),
}
GALLERY_SIZE = 24
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)


# ------------------------------------------------------------------ which model
def choose_model() -> Trainer | None:
    """The model to inspect: the Playground's classifier, or one trained here. None until trained."""
    playground = training_panel.trainer()
    usable = playground is not None and not TASKS[playground.config.task].is_regression
    choice = st.radio("Inspect", ([PLAYGROUND] if usable else []) + list(IN_PLACE), horizontal=True,
                      key=state.INSPECTOR_SOURCE.name)
    if choice == PLAYGROUND:
        live = training_panel.live_run()
        if live is not None and not live.paused and not live.done:
            # Its weights change under every prediction: inspect a model that holds still.
            st.info(f"The Playground's model is still training (epoch {playground.epoch}). Pause or stop it to "
                    "inspect it as it is.", icon=":material/pause_circle:")
            st.button("Pause the Playground's run", on_click=training_panel.pause_run)
            return None
        dataset = dataset_label(playground.config.dataset)
        st.caption(f"The Playground's model: {playground.config.task}, {md_literal(dataset)}, "
                   f"{playground.epoch} epochs.")
        return playground
    trained = state.INSPECTOR_TRAINERS.setdefault({})
    training_panel.collect_job(state.INSPECTOR_JOB, keep_trained_model)
    if choice in trained:
        return trained[choice]
    make_config, button, description = IN_PLACE[choice]
    if not usable:
        st.info("No classifier has been trained on the Playground in this session (a reload forgets trained "
                "models: a link keeps only the setup). Train one here, or load a saved one below.",
                icon=":material/info:")
        with st.expander("Load a trained model (.keras) for the Playground's setup"):
            load_saved_model()
    st.markdown(description)
    if st.button(button, type="primary"):
        _train_in_background(choice, make_config())
    training_panel.job_panel(state.INSPECTOR_JOB, "Training")
    return None


def keep_trained_model(job) -> None:
    """The model trained here is ready (stopped early: as far as it got)."""
    choice, lease = job.result
    state.INSPECTOR_TRAINERS.setdefault({})[choice] = lease.trainer
    # Holding the lease keeps the trainer this session's; when the session ends it goes back
    # to the pool for the next student (nnplay.engine.pool).
    state.INSPECTOR_LEASES.setdefault({})[choice] = lease


def load_saved_model() -> None:
    """A .keras file for the session's Playground setup (the share link's, once opened): once it
    loads, it is the Playground's model, inspected here."""
    config = current_config()
    st.caption(f"It must fit the Playground's setup: {config.rule.label.lower()} on "
               f"{md_literal(dataset_label(config.dataset))}. To load a model for another "
               "setup, open its share link first.")
    if config.dataset == "csv":
        st.caption("This setup trains on your own CSV: load the model on the Playground, where the file is uploaded.")
        return
    try:
        data = shared_dataset(config)
    except DataError as err:
        st.error(str(err))
        return
    # Once loaded it is the Playground's model: the choice above starts again from it.
    saving.load_model_control(data, on_loaded=state.INSPECTOR_SOURCE.pop)


def _train_in_background(choice: str, config) -> None:
    """Train `config` in the background (a progress bar and Stop below the button); the model
    is the page's once it ends."""
    try:
        data = shared_dataset(config)
    except DataError as err:
        st.error(str(err))
        return
    st.caption(data.source)
    training_panel.start_job(state.INSPECTOR_JOB,
                             lambda progress: (choice, train_leased(config, data, progress)))


def output_names(predictions: Predictions, class_names) -> list[str]:
    """The name of each output, as the data says it (a CSV's labels are whatever its author typed:
    put them through md_literal for markdown; nnplay.figures shows them literally in figures)."""
    k = predictions.outputs.shape[1]
    if len(class_names) == k:
        return [str(name) for name in class_names]
    return ["class 1"] if k == 1 else [f"output {i}" for i in range(k)]


def figure_names(names, max_length: int | None = 20) -> list[str]:
    """Names for a plotly figure's axes and legends (nnplay.figures shows them literally): long ones
    cut short with "…" so that they leave the bars room (still distinct: a figure's categories must
    be; the full names are in the page's text)."""
    shown = []
    for k, name in enumerate(str(n) for n in names):
        if max_length and len(name) > max_length:
            name = name[: max_length - 1] + "…"
        while name in shown:
            name = f"{name} ({k + 1})"
        shown.append(name)
    return shown


# ------------------------------------------------------------------ picking one example
def choose_example(trainer: Trainer, predictions: Predictions) -> int:
    """A test example by its index; on the plane, also by coordinates or a click on the point."""
    data = trainer.data
    n_test = len(predictions.true)
    state.INSPECTOR_INDEX.set(min(int(state.INSPECTOR_INDEX.get(0)), n_test - 1))
    if data.points_test is None:
        return int(st.number_input("Test example", 0, n_test - 1, key=state.INSPECTOR_INDEX.name,
                                   help="Its index in the test set"))

    points = data.points_test

    def snap_to_coordinates():
        state.INSPECTOR_INDEX.set(nearest_point(points, state.INSPECTOR_X1.get(), state.INSPECTOR_X2.get()))

    def follow_index():
        x1, x2 = points[state.INSPECTOR_INDEX.get()]
        state.INSPECTOR_X1.set(float(x1))
        state.INSPECTOR_X2.set(float(x2))

    def pick_clicked_point():
        picked = [p for p in state.INSPECTOR_PLANE.get().selection.points if "customdata" in p]
        if picked:
            state.INSPECTOR_INDEX.set(int(np.ravel(picked[-1]["customdata"])[0]))
            follow_index()

    if not state.INSPECTOR_X1.is_set():
        follow_index()
    index = int(state.INSPECTOR_INDEX.get())
    controls, plane = st.columns([1, 2])
    with controls:
        st.number_input("Test example", 0, n_test - 1, key=state.INSPECTOR_INDEX.name, on_change=follow_index,
                        help="Its index in the test set")
        st.markdown("**…or the test point nearest to**")
        st.number_input("x₁", -6.0, 6.0, step=0.5, key=state.INSPECTOR_X1.name, on_change=snap_to_coordinates)
        st.number_input("x₂", -6.0, 6.0, step=0.5, key=state.INSPECTOR_X2.name, on_change=snap_to_coordinates)
        st.caption("…or click a point on the plane.")
        label_index = 0
        if trainer.config.task == "multilabel":
            label_index = st.selectbox("The plane shows label", range(len(data.class_names)),
                                       format_func=lambda k: data.class_names[k], key="inspector_plane_label")
    view = _plane_view(trainer)
    plane.plotly_chart(figures.pick_point_figure(view, data, trainer.config.task, index, label_index),
                       key=state.INSPECTOR_PLANE.name, on_select=pick_clicked_point, selection_mode="points")
    return index


def _plane_view(trainer: Trainer):
    """The model's output over the plane, probed once per model and epoch (the probe compiles once)."""
    cache = state.INSPECTOR_PLANES.setdefault({})
    key = (id(trainer), trainer.epoch)
    if key not in cache:
        cache.clear()
        cache[key] = probe_for(trainer).evaluate()
    return cache[key]


def show_example(data, index: int, where=st, detailed: bool = False) -> None:
    """The example's input: its image, its point on the plane, or (detailed, for a CSV row) its
    feature values as the file had them, in a table whose headers are the file's column names."""
    if data.image_shape is not None:
        where.image(data.x_test[index].reshape(data.image_shape), width=112, clamp=True)
    elif data.points_test is not None:
        x1, x2 = data.points_test[index]
        where.write(f"point ({x1:.2f}, {x2:.2f})")
    elif detailed:
        row = np.asarray(data.x_test[index], np.float64)
        if data.feature_means is not None and data.feature_stds is not None:
            row = row * data.feature_stds + data.feature_means  # undo the standardisation
        where.dataframe(pd.DataFrame({"feature": [str(n) for n in data.feature_names], "value": row}),
                        hide_index=True, width="stretch",
                        column_config={"feature": st.column_config.TextColumn(width="small"),
                                       "value": st.column_config.NumberColumn(format="%.4g")})


# ------------------------------------------------------------------ one example
def one_example(trainer: Trainer, predictions: Predictions, index: int) -> None:
    config, data = trainer.config, trainer.data
    names = output_names(predictions, data.class_names)
    left, middle, right = st.columns([1, 2, 2])
    with left:
        show_example(data, index, detailed=True)
        if predictions.uses_softmax:
            truth, guess = int(predictions.true[index]), int(predictions.predicted[index])
            st.markdown(f"True: **{md_literal(names[truth])}**  \nPredicted: **{md_literal(names[guess])}** "
                        + (":green[✓]" if truth == guess else ":red[✗]"))
            st.markdown(rf"Loss $-\log a_y$ = **{predictions.loss[index]:.4f}**" + "  \n"
                        "($y$ is the true class, $a_y$ its softmax probability)")
        else:
            truth = np.atleast_1d(predictions.true[index])
            st.markdown("True: **" + (", ".join(md_literal(n) for n, t in zip(names, truth) if t) or "none") + "**")
            st.markdown(f"Loss (binary cross-entropy, mean over outputs) = **{predictions.loss[index]:.4f}**")
    highlight = int(predictions.true[index]) if predictions.uses_softmax else None
    middle.plotly_chart(figures.class_bars_figure(
        logits_of(config, predictions.outputs[index: index + 1])[0], figure_names(names), highlight,
        "Logits z (before the output activation)"), key="logits")
    probabilities = predictions.probabilities[index]
    kind = "softmax" if predictions.uses_softmax else "sigmoid"
    right.plotly_chart(figures.class_bars_figure(probabilities, figure_names(names), highlight,
                                                 f"{kind} probabilities — sum = {probabilities.sum():.4f}",
                                                 (0, 1.15)), key="probabilities")


# ------------------------------------------------------------------ gallery
def gallery(trainer: Trainer, predictions: Predictions) -> None:
    data = trainer.data
    names = output_names(predictions, data.class_names)
    options = st.columns(2)
    mistakes_only = options[0].toggle("Mistakes only")
    confident_first = options[1].toggle("Most confident mistakes first")
    order = gallery_order(predictions, mistakes_only, confident_first)[:GALLERY_SIZE]
    if len(order) == 0:
        st.success("No mistakes on the test set.")
    columns = st.columns(8)
    for slot, i in enumerate(order):
        with columns[slot % 8]:
            show_example(data, int(i))
            mark = ":green[**✓**]" if predictions.correct[i] else ":red[**✗**]"
            # Softmax: the true class heads the card; sigmoids: whether every label was right. A class
            # name never goes inside the colour directive (a "]" in it would end the directive).
            heading = (md_literal(names[int(predictions.true[i])]) if predictions.uses_softmax
                       else "right" if predictions.correct[i] else "wrong")
            lines = [f"{md_literal(names[c])} {p:.0%}" for c, p in top_k(predictions.probabilities[i])]
            st.markdown(f"{mark} **{heading}**  \n" + "  \n".join(lines))


# ------------------------------------------------------------------ confusion matrix
def confusion(trainer: Trainer, predictions: Predictions) -> None:
    config, data = trainer.config, trainer.data
    names = list(data.class_names)
    # Short names on the matrix's axes: long ones would squeeze its cells to nothing (the full
    # names are in the table beside it and in the choosers below).
    evaluation = evaluate(config, predictions.probabilities, data.y_test, figure_names(names, max_length=16))
    for key, default in ((state.INSPECTOR_TRUE, 0), (state.INSPECTOR_PREDICTED, min(1, len(names) - 1))):
        if key.get(len(names)) >= len(names):  # unset, or left by a model with more classes
            key.set(default)

    def pick_clicked_cell():
        picked = [p for p in state.CONFUSION.get().selection.points if "customdata" in p]
        if picked:
            cell_number = int(np.ravel(picked[-1]["customdata"])[0])  # true × K + predicted
            true, predicted = divmod(cell_number, len(names))
            state.INSPECTOR_TRUE.set(true)
            state.INSPECTOR_PREDICTED.set(predicted)

    left, right = st.columns([3, 2])
    left.plotly_chart(result_figures.confusion_figure(evaluation, clickable=True), key=state.CONFUSION.name,
                      on_select=pick_clicked_cell, selection_mode="points")
    right.dataframe(pd.DataFrame({"class": [str(n) for n in names],
                                  "accuracy": per_class_accuracy(predictions, len(names))}),
                    hide_index=True)
    st.caption("Click a cell, or choose it here, to see its examples.")
    cell = st.columns(2)
    true_class = cell[0].selectbox("True class", range(len(names)), format_func=lambda c: names[c],
                                   key=state.INSPECTOR_TRUE.name)
    predicted_class = cell[1].selectbox("Predicted class", range(len(names)), format_func=lambda c: names[c],
                                        key=state.INSPECTOR_PREDICTED.name)
    members = in_cell(predictions, true_class, predicted_class)
    st.caption(f"{len(members)} test examples are {md_literal(names[true_class])} predicted as "
               f"{md_literal(names[predicted_class])}.")
    cell_columns = st.columns(8)
    for slot, i in enumerate(members[:16]):
        show_example(data, int(i), cell_columns[slot % 8])


# ------------------------------------------------------------------ draw a digit
def draw_a_digit(trainer: Trainer, predictions: Predictions) -> None:
    """A canvas: the drawing becomes a 28×28 MNIST-style image and goes through the model."""
    from streamlit_drawable_canvas import st_canvas  # registers its component on import

    names = output_names(predictions, trainer.data.class_names)
    canvas, processed, answer = st.columns([2, 2, 3])
    with canvas:
        # The caption also makes room for the canvas's toolbar, which floats above its top edge.
        st.caption("Draw with the mouse; the bin icon clears it.")
        st.write("")
        # Transparent background: the canvas's alpha channel is the ink.
        drawing = st_canvas(stroke_width=18, stroke_color="#000000", background_color="", height=224, width=224,
                            drawing_mode="freedraw", return_image_data=True, key="digit_canvas")
    image = None if drawing.image_data is None else to_mnist(drawing.image_data)
    if image is None:
        processed.info("Draw a digit in the box. It will be scaled to fit 20×20 pixels and centred by its "
                       "centre of mass in a 28×28 field, as MNIST's digits were.")
        return
    processed.plotly_chart(figures.digit_figure(image, "What the network sees (28×28)"), key="digit_image")
    outputs = trainer.raw_outputs(image.reshape(1, -1).astype(np.float32))
    probabilities = np.asarray(to_probabilities(trainer.config, outputs))[0]
    kind = "softmax" if predictions.uses_softmax else "sigmoid"
    answer.plotly_chart(figures.class_bars_figure(probabilities, figure_names(names),
                                                  int(np.argmax(probabilities)),
                                                  f"{kind} probabilities — sum = {probabilities.sum():.4f}",
                                                  (0, 1.15)), key="digit_probabilities")
    if predictions.uses_softmax:
        answer.markdown(f"The network says **{md_literal(names[int(np.argmax(probabilities))])}** "
                        f"({probabilities.max():.0%}).")


# ------------------------------------------------------------------ sigmoids and thresholds
def sigmoids_and_threshold(trainer: Trainer, predictions: Predictions, index: int) -> None:
    """Binary and multi-label models: independent sigmoids set against a softmax, and the threshold."""
    config, data = trainer.config, trainer.data
    names = output_names(predictions, data.class_names)
    z = logits_of(config, predictions.outputs[index: index + 1])[0]
    if config.task == "binary":
        # One sigmoid is a two-class softmax over the logits (0, z): σ(z) = e^z / (e^0 + e^z).
        sigmoid, softmax = sigmoid_and_softmax(np.array([0.0, z[0]]))
        pair = ["class 0", "class 1"]
        left, right = st.columns(2)
        left.plotly_chart(figures.class_bars_figure([1 - sigmoid[1], sigmoid[1]], pair, None,
                                                    f"sigmoid: P(1) = σ(z) = {sigmoid[1]:.4f}, P(0) = 1 − σ(z)",
                                                    (0, 1.15)), key="binary_sigmoid")
        right.plotly_chart(figures.class_bars_figure(softmax, pair, None,
                                                     "softmax over logits (0, z): the same numbers", (0, 1.15)),
                           key="binary_softmax")
        st.caption("A single sigmoid output is a two-class softmax in disguise: σ(z) = eᶻ / (e⁰ + eᶻ).")
    else:
        sigmoid, softmax = sigmoid_and_softmax(z)
        left, right = st.columns(2)
        left.plotly_chart(figures.class_bars_figure(sigmoid, figure_names(names), None,
                                                    f"{len(names)} sigmoids — sum = {sigmoid.sum():.3f}", (0, 1.15)),
                          key="multilabel_sigmoid")
        right.plotly_chart(figures.class_bars_figure(softmax, figure_names(names), None,
                                                     f"softmax of the same logits — sum = {softmax.sum():.3f}",
                                                     (0, 1.15)), key="multilabel_softmax")
        st.caption("Each sigmoid answers its own yes/no question, so several labels can be near 1 at once and "
                   "the sum can be anything from 0 to K. Softmax makes the labels compete for one unit of "
                   "probability: right when exactly one class is true, wrong for multi-label data.")

    threshold = st.select_slider("Decision threshold: say yes when p > threshold", THRESHOLDS, value=0.5,
                                 key="inspector_threshold")
    probabilities = predictions.probabilities.reshape(len(predictions.probabilities), -1)
    decided = [n for n, p in zip(names, probabilities[index]) if p > threshold]
    st.markdown(f"This example at {threshold:.2f}: **{', '.join(md_literal(n) for n in decided) or 'no label'}**.")
    report = threshold_report(probabilities, data.y_test, threshold, names)
    scores = st.columns(5)
    for column, (label, value) in zip(scores, (("exact match", report.exact_match),
                                               ("label accuracy", report.hamming_accuracy),
                                               ("precision", report.precision), ("recall", report.recall),
                                               ("F1", report.f1))):
        column.metric(label, f"{value:.3f}")
    sweep = threshold_sweep(probabilities, data.y_test, THRESHOLDS)
    left, right = st.columns([3, 2])
    left.plotly_chart(figures.threshold_sweep_figure(THRESHOLDS, sweep["precision"], sweep["recall"],
                                                     sweep["exact_match"], threshold), key="threshold_sweep")
    right.dataframe(pd.DataFrame(report.per_label), hide_index=True)
    st.caption("A lower threshold says yes more often: recall rises and precision falls. 0.5 is what Keras's "
               "accuracy uses; a task where a missed label costs more than a false alarm wants a lower one.")


# ------------------------------------------------------------------ numerical stability
def stability(trainer: Trainer, predictions: Predictions, index: int) -> None:
    st.caption(r"The loss of the example above, computed two ways in float32. Scaling its logits keeps their order "
               r"(and the predicted class) but makes the network more confident, as training long on easy data "
               r"does; at ×1 the two ways agree, and somewhere past $z \approx 88$ the naive one breaks.")
    scale = st.select_slider("Scale the logits ×", [1, 3, 10, 30, 100, 300, 1000], value=1)
    logits = logits_of(trainer.config, predictions.outputs[index: index + 1])[0]
    result = compare(logits, int(predictions.true[index]), scale)
    remember(state.STABILITY_TRIES.setdefault([]),  # for lesson 6's check
             StabilityTry(float(scale), float(result.logits.max()), float(result.naive_loss),
                          float(result.stable_loss)))
    st.dataframe(pd.DataFrame({
        "way": ["naive: exp, divide, then log (float32)", "stable: log-softmax (from_logits=True)"],
        # Text, so inf and NaN show as what came out (a float column showed NaN as "None").
        "loss = −log(a of the true class)": [loss_text(result.naive_loss), loss_text(result.stable_loss)],
        "largest logit": [float(result.logits.max())] * 2,
    }), hide_index=True)
    if not np.isfinite(result.naive_loss):
        st.error(why_naive_failed(result, int(predictions.true[index]))
                 + " The stable way subtracts the largest logit first, so no exponential exceeds 1.")
    numbers = round_off_example()
    st.markdown("**Round-off, the course's example:** 2/10000 computed directly vs as "
                "(1 + 1/10000) − (1 − 1/10000).")
    st.dataframe(pd.DataFrame({"computation": list(numbers), "value": [f"{v:.17g}" for v in numbers.values()]}),
                 hide_index=True)
