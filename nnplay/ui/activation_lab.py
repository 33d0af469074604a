"""The Activation Lab's sections. Each one draws one part of the page: its widgets, charts and
words. The maths is nnplay.labs.activation.experiments, the charts nnplay.figures.activation_lab;
the page (`app_pages/4_Activation_Lab.py`) only puts the sections in order."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nnplay.config.catalog import ACTIVATIONS, hidden_activations
from nnplay.data.dataset import DataError
from nnplay.data.load import load_dataset
from nnplay.figures import activation_lab as figures
from nnplay.labs.activation import experiments as lab
from nnplay.lessons.evidence import SoftmaxTry, remember
from nnplay.ui import state, training_panel

DEFAULT_LOGITS = (2.0, 1.0, 0.1, -1.0, 0.5, 3.0, -2.0, 1.5, 0.0, -0.5)


# ------------------------------------------------------------------ 1. curves
def activation_label(name: str) -> str:
    """The catalog's label, marked when the Playground offers it too."""
    label = ACTIVATIONS[name].label
    return f"{label} · in the Playground" if name in hidden_activations() else label


def activation_curves() -> None:
    """The chosen activations and their derivatives, with a card of what to know about each."""
    chosen = st.multiselect("Activations", lab.LAB_ACTIVATIONS, default=["sigmoid", "tanh", "relu"],
                            format_func=activation_label, max_selections=len(figures.ACTIVATION_COLORS),
                            help="Names are Keras's own: keras.activations.get(name).")
    z_low, z_high = st.slider("Range of z", -10.0, 10.0, (-6.0, 6.0), step=0.5)
    if not chosen:
        st.info("Pick at least one activation to draw.")
    elif z_low >= z_high:
        st.warning("The range of z is empty: move the two ends apart.")
    else:
        curves = [lab.activation_curve(name, (z_low, z_high)) for name in chosen]
        st.plotly_chart(figures.activation_figure(curves, {n: ACTIVATIONS[n].label for n in chosen}),
                        key="curves")
        st.caption("Both curves are Keras's own: g = keras.activations.get(name), and g′ is what "
                   "tf.GradientTape computes for it — the slope backpropagation actually uses "
                   "(relu′(0) = 0 in Keras).")
        for column, name in zip(st.columns(min(len(chosen), 3)) * 3, chosen):
            note = ACTIVATIONS[name]
            with column.container(border=True):
                st.markdown(f"**{note.label}** · range {note.output_range}")
                st.caption(f"**Flat where:** {note.flat}  \n**Why it matters:** {note.why}")
    st.caption("The Playground offers these as hidden-layer activations: "
               + ", ".join(ACTIVATIONS[n].label for n in hidden_activations()) + ".")


# ------------------------------------------------------------------ 2. softmax
def softmax_on_a_vector() -> None:
    """Softmax of logits the learner types, its temperature, and why a constant shift changes nothing."""
    st.markdown(r"Softmax turns K scores (logits) into probabilities $p_j = e^{z_j/T} / \sum_k e^{z_k/T}$: all "
                "positive, summing to one, in the same order as the logits.")
    count, left, right = st.columns([1, 2, 2])
    k = count.number_input("How many logits (K)", min_value=2, max_value=10, value=4, step=1)
    temperature = left.select_slider("Temperature T", options=[0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0], value=1.0,
                                     help="softmax(z / T): T < 1 sharpens, T > 1 flattens towards 1/K.")
    shift = right.number_input("Add a constant c to every logit", min_value=-1000.0, max_value=1000.0,
                               value=100.0, step=10.0,
                               help=r"$\mathrm{softmax}(z + c) = \mathrm{softmax}(z)$: the factor $e^c$ cancels "
                                    "in the fraction.")
    # Bounded so that z + c stays exact enough in float32 for the shift demonstration.
    logits = [column.number_input(f"z{i + 1}", min_value=-50.0, max_value=50.0, value=DEFAULT_LOGITS[i],
                                  step=0.5, format="%.2f", key=f"logit_{i}")
              for i, column in enumerate(st.columns(int(k)))]
    probabilities = lab.softmax(logits, temperature)
    remember(state.SOFTMAX_TRIES.setdefault([]),  # for lesson 5's check
             SoftmaxTry(tuple(float(z) for z in logits), float(temperature), tuple(float(p) for p in probabilities)))
    st.plotly_chart(figures.softmax_figure(logits, probabilities, temperature=temperature), key="softmax")
    gap = lab.shift_gap(logits, shift, temperature)
    st.markdown(f"Sum of the probabilities: **{probabilities.sum():.6f}**. Adding c = {shift:g} to every logit "
                f"changes the probabilities by at most **{gap:.1e}** — nothing but round-off: only the "
                "*differences* between logits matter.")


# ------------------------------------------------------------------ 3. why non-linear
def linear_vs_relu() -> lab.Comparison | None:
    """The settings, the button that trains both networks, and their decision boundaries.
    Returns the comparison on screen (the last one trained), or None before the first."""
    st.markdown("The same network trained twice on the **circle** data, identical in everything (sizes, seed, "
                "Adam 0.01, sigmoid output) except the hidden activation: **linear** vs **ReLU**.")
    settings = comparison_settings()
    training_panel.collect_job(state.ACTIVATION_JOB, keep_comparison)
    if st.button("Train linear vs ReLU", type="primary"):
        train_comparison(settings)
    if training_panel.job_panel(state.ACTIVATION_JOB, "Linear vs ReLU"):
        return None  # the boundaries come when both are trained
    notice = state.ACTIVATION_NOTICE.pop()
    if notice:
        st.info(notice, icon=":material/timer:")
    comparison = state.ACTIVATION_COMPARISON.get()
    if comparison is None:
        st.info("Press **Train linear vs ReLU** to train both networks (a few seconds).")
        return None
    if comparison.settings != settings:
        st.caption("Showing the last run; press the button to train with the settings above.")
    boundaries(comparison)
    return comparison


def comparison_settings() -> lab.ComparisonSettings:
    """The comparison's four controls, side by side."""
    c1, c2, c3, c4 = st.columns(4)
    depth = c1.slider("Hidden layers", 1, 4, 2)
    units = c2.select_slider("Units per layer", options=[4, 8, 16], value=8)
    epochs = c3.select_slider("Epochs", options=[25, 50, 100, 200, 400], value=100)
    seed = c4.number_input("Seed", min_value=0, max_value=9999, value=0, step=1)
    return lab.ComparisonSettings(units=(int(units),) * depth, epochs=int(epochs), seed=int(seed))


def train_comparison(settings: lab.ComparisonSettings) -> None:
    """Train both networks in the background (a progress bar and Stop below the button)."""
    try:
        data = load_dataset(next(iter(settings.configs().values())))  # both configs have the same data
    except DataError as err:
        st.error(str(err))
        st.stop()
    training_panel.start_job(state.ACTIVATION_JOB, lambda progress: lab.compare(settings, data, progress))


def keep_comparison(job) -> None:
    """Both networks are trained: the comparison on screen. Cut short, there is none to show."""
    if job.result is not None:
        state.ACTIVATION_COMPARISON.set(job.result)
    elif job.ended == "time_budget":
        state.ACTIVATION_NOTICE.set(training_panel.BUDGET_STOP.format(seconds=job.seconds)
                                    + ", before both networks were trained: try fewer epochs.")
    else:
        state.ACTIVATION_NOTICE.set("Stopped before both networks were trained: there is nothing to compare yet.")


def boundaries(comparison: lab.Comparison) -> None:
    """Each network's decision boundary over the circle data, side by side."""
    for run in comparison.runs.values():
        if run.result.status == "diverged":
            st.warning(run.result.message)
    decision_only = st.toggle("Show the decision only (P(1) > 0.5)", value=True,
                              help="Off: the probability P(1) as a colour gradient.")
    for column, (activation, run) in zip(st.columns(len(comparison.runs)), comparison.runs.items()):
        title = f"{activation} hidden layers · test accuracy {run.accuracy:.3f}"
        column.plotly_chart(figures.titled_boundary_figure(run.view, comparison.data, title,
                                                           discretize=decision_only),
                            key=f"boundary-{activation}")
    st.markdown("The linear network can only draw a **straight line**, however many layers it has: no line "
                "separates a disc from the ring around it. ReLU bends the boundary around the disc.")


def folded_network(comparison: lab.Comparison) -> None:
    """The trained linear network as the single layer it equals, and how close the two are."""
    fold, data = comparison.fold, comparison.data
    hidden_units = comparison.settings.units
    shapes = " · ".join(f"W{i + 1} ({a}×{b})" for i, (a, b) in
                        enumerate(zip((data.n_features,) + hidden_units, hidden_units + (1,))))
    st.markdown(r"Layer $l$ computes $h_l = h_{l-1} W_l + b_l$ from the layer before it ($h_0 = x$). "
                f"Substituting each layer into the next gives **W = {shapes}** and "
                r"$b = (\dots(b_1 W_2 + b_2) W_3 + \dots) W_L + b_L$ — a single layer "
                f"{fold.output_activation}(x·W + b). **A stack of linear layers is one linear layer.**")
    left, middle, right = st.columns([2, 1, 2])
    left.dataframe(pd.DataFrame(fold.weights, index=data.feature_names,
                                columns=[f"W[:, {j}]" for j in range(fold.weights.shape[1])]))
    middle.dataframe(pd.DataFrame(fold.bias[None, :], index=["b"],
                                  columns=[f"b[{j}]" for j in range(fold.bias.shape[0])]))
    right.metric("Largest difference |network − single layer|", f"{fold.max_abs_difference:.1e}",
                 help=f"Over the {len(data.x_test)} test points, on the {fold.output_activation} outputs.")
    right.caption("Float32 round-off: the network and the single layer compute the same function.")


# ------------------------------------------------------------------ 4. flat regions
@st.cache_data(show_spinner=False, max_entries=32)
def stack_gradients(activation: str, depth: int, width: int, n_steps: int) -> lab.GradientNorms:
    """Cached per server: the same stack always gives the same norms (seeded, full batch)."""
    config = lab.deep_stack_config(activation, depth=depth, units=width)
    return lab.gradient_norms_per_layer(config, load_dataset(config), n_steps)


def vanishing_gradients() -> None:
    """Per-layer gradient sizes of a deep sigmoid stack next to a ReLU one, and what they mean."""
    st.markdown("A deep, narrow stack on the circle data with **sigmoid** vs **ReLU** hidden layers; the size of "
                "the loss gradient for each layer's weights, at initialisation and after a few steps of plain "
                "gradient descent (SGD 0.1, full batch).")
    g1, g2, g3 = st.columns(3)
    stack_depth = g1.slider("Stack depth (hidden layers)", 2, 6, 6)
    stack_units = g2.select_slider("Units per hidden layer", options=[8, 16], value=8)
    steps = g3.select_slider("Training steps", options=[10, 50, 100, 200], value=50)
    with st.spinner("Measuring gradients…"):
        stacks = [stack_gradients(a, stack_depth, int(stack_units), int(steps)) for a in ("sigmoid", "relu")]
    st.plotly_chart(figures.gradient_norms_figure(stacks), key="gradients")
    sigmoid_stack, relu_stack = stacks
    ratio = relu_stack.at_init[0] / max(sigmoid_stack.at_init[0], 1e-30)
    st.markdown(f"At initialisation the first layer's gradient is **{ratio:,.0f}× smaller** with sigmoid than "
                f"with ReLU. σ′(z) ≤ 0.25, and backpropagation multiplies by it once per layer on the way back "
                f"to the input: after {stack_depth} sigmoid layers the signal has shrunk by up to "
                f"$0.25^{{{stack_depth}}}$ ≈ {0.25 ** stack_depth:.0e}, so the layers near the input hardly "
                f"learn (sigmoid loss {sigmoid_stack.loss_at_init:.3f} → {sigmoid_stack.loss_after:.3f} in "
                f"{steps} steps). ReLU's slope is exactly 1 where it is active, so its gradients keep their size "
                f"through the stack (loss {relu_stack.loss_at_init:.3f} → {relu_stack.loss_after:.3f}).")
    st.dataframe(pd.DataFrame({
        "layer": sigmoid_stack.layers,
        "sigmoid · init": sigmoid_stack.at_init, f"sigmoid · after {steps}": sigmoid_stack.after,
        "ReLU · init": relu_stack.at_init, f"ReLU · after {steps}": relu_stack.after,
    }).set_index("layer").style.format("{:.2e}"))
