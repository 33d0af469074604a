"""Activation Lab: activations and their derivatives, softmax, why hidden layers must be non-linear,
and the flat regions that make deep sigmoid stacks learn slowly."""

import pandas as pd
import streamlit as st

st.set_page_config(page_title="Activation Lab · nnplay", page_icon="📈", layout="wide")

from nnplay.config.catalog import ACTIVATIONS, hidden_activations  # noqa: E402
from nnplay.data.dataset import DataError  # noqa: E402
from nnplay.data.load import load_dataset  # noqa: E402
from nnplay.engine.plane import probe_for  # noqa: E402
from nnplay.figures import activation_lab as figures  # noqa: E402
from nnplay.labs.activation import experiments as lab  # noqa: E402
from nnplay.ui import training_panel  # noqa: E402

COMPARISON_KEY = "actlab_comparison"
DEFAULT_LOGITS = (2.0, 1.0, 0.1, -1.0, 0.5, 3.0, -2.0, 1.5, 0.0, -0.5)

st.title("Activation Lab")
st.markdown(r"A neuron computes $z = w \cdot x + b$ and passes it through an **activation** $g$. What $g$ looks "
            r"like — and what its **derivative** $g'$ looks like, since backpropagation multiplies by $g'$ at "
            "every layer — decides what a network can represent and how well it learns.")

# ------------------------------------------------------------------ 1. curves
st.header("Activations and their derivatives")


def activation_label(name: str) -> str:
    label = ACTIVATIONS[name].label
    return f"{label} · in the Playground" if name in hidden_activations() else label


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
               "tf.GradientTape computes for it — the slope backpropagation actually uses (relu′(0) = 0 in Keras).")
    for column, name in zip(st.columns(min(len(chosen), 3)) * 3, chosen):
        note = ACTIVATIONS[name]
        with column.container(border=True):
            st.markdown(f"**{note.label}** · range {note.output_range}")
            st.caption(f"**Flat where:** {note.flat}  \n**Why it matters:** {note.why}")
st.caption("The Playground offers these as hidden-layer activations: "
           + ", ".join(ACTIVATIONS[n].label for n in hidden_activations()) + ".")

# ------------------------------------------------------------------ 2. softmax
st.header("Softmax on a vector you edit")
st.markdown(r"Softmax turns K scores (logits) into probabilities $p_j = e^{z_j/T} / \sum_k e^{z_k/T}$: all "
            "positive, summing to one, in the same order as the logits.")
count, left, right = st.columns([1, 2, 2])
k = count.number_input("How many logits (K)", min_value=2, max_value=10, value=4, step=1)
temperature = left.select_slider("Temperature T", options=[0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0], value=1.0,
                                 help="softmax(z / T): T < 1 sharpens, T > 1 flattens towards 1/K.")
shift = right.number_input("Add a constant c to every logit", min_value=-1000.0, max_value=1000.0, value=100.0,
                           step=10.0,
                           help=r"$\mathrm{softmax}(z + c) = \mathrm{softmax}(z)$: the factor $e^c$ cancels "
                                "in the fraction.")
# Bounded so that z + c stays exact enough in float32 for the shift demonstration.
logits = [column.number_input(f"z{i + 1}", min_value=-50.0, max_value=50.0, value=DEFAULT_LOGITS[i], step=0.5,
                              format="%.2f", key=f"logit_{i}")
          for i, column in enumerate(st.columns(int(k)))]
probabilities = lab.softmax(logits, temperature)
st.plotly_chart(figures.softmax_figure(logits, probabilities, temperature=temperature), key="softmax")
gap = lab.shift_gap(logits, shift, temperature)
st.markdown(f"Sum of the probabilities: **{probabilities.sum():.6f}**. Adding c = {shift:g} to every logit "
            f"changes the probabilities by at most **{gap:.1e}** — nothing but round-off: only the *differences* "
            "between logits matter.")

# ------------------------------------------------------------------ 3. why non-linear
st.header("Why non-linear?")
st.markdown("The same network trained twice on the **circle** data, identical in everything (sizes, seed, "
            "Adam 0.01, sigmoid output) except the hidden activation: **linear** vs **ReLU**.")
c1, c2, c3, c4 = st.columns(4)
depth = c1.slider("Hidden layers", 1, 4, 2)
units = c2.select_slider("Units per layer", options=[4, 8, 16], value=8)
epochs = c3.select_slider("Epochs", options=[25, 50, 100, 200, 400], value=100)
seed = c4.number_input("Seed", min_value=0, max_value=9999, value=0, step=1)
settings = dict(units=(int(units),) * depth, epochs=int(epochs), seed=int(seed))

if st.button("Train linear vs ReLU", type="primary"):
    configs = lab.comparison_configs(**settings)
    try:
        data = load_dataset(next(iter(configs.values())))
    except DataError as err:
        st.error(str(err))
        st.stop()
    bar = st.progress(0.0, text="Training…")
    runs = {}
    for i, (activation, config) in enumerate(configs.items()):
        # Pooled: a repeat of the same comparison (by anyone) reuses the compiled trainers.
        lease = training_panel.train_with_progress(config, data, bar, f"{activation}: ", (i, len(configs)))
        trainer = lease.trainer
        runs[activation] = dict(view=probe_for(trainer).evaluate(),
                                # nan when it diverged in its first epoch (no epoch to score)
                                accuracy=(trainer.history.test_metrics["accuracy"] or [float("nan")])[-1],
                                result=trainer.last_result)
        if activation == "linear":
            fold = lab.fold_check(trainer.model, data.x_test)
    del lease, trainer  # the last one back to the pool too
    bar.empty()
    # Kept for later reruns (the models themselves are not needed any more).
    st.session_state[COMPARISON_KEY] = dict(settings=settings, data=data, runs=runs, fold=fold)

comparison = st.session_state.get(COMPARISON_KEY)
if comparison is None:
    st.info("Press **Train linear vs ReLU** to train both networks (a few seconds).")
else:
    if comparison["settings"] != settings:
        st.caption("Showing the last run; press the button to train with the settings above.")
    data, runs = comparison["data"], comparison["runs"]
    for run in runs.values():
        if run["result"].status == "diverged":
            st.warning(run["result"].message)
    decision_only = st.toggle("Show the decision only (P(1) > 0.5)", value=True,
                              help="Off: the probability P(1) as a colour gradient.")
    for column, (activation, run) in zip(st.columns(len(runs)), runs.items()):
        title = f"{activation} hidden layers · test accuracy {run['accuracy']:.3f}"
        column.plotly_chart(figures.titled_boundary_figure(run["view"], data, title, discretize=decision_only),
                            key=f"boundary-{activation}")
    st.markdown("The linear network can only draw a **straight line**, however many layers it has: no line "
                "separates a disc from the ring around it. ReLU bends the boundary around the disc.")

    fold = comparison["fold"]
    hidden_units = comparison["settings"]["units"]
    shapes = " · ".join(f"W{i + 1} ({a}×{b})" for i, (a, b) in
                        enumerate(zip((data.n_features,) + hidden_units, hidden_units + (1,))))
    st.subheader("Folding the linear network into one layer")
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
st.header("Flat regions: vanishing gradients")
st.markdown("A deep, narrow stack on the circle data with **sigmoid** vs **ReLU** hidden layers; the size of "
            "the loss gradient for each layer's weights, at initialisation and after a few steps of plain "
            "gradient descent (SGD 0.1, full batch).")
g1, g2, g3 = st.columns(3)
stack_depth = g1.slider("Stack depth (hidden layers)", 2, 6, 6)
stack_units = g2.select_slider("Units per hidden layer", options=[8, 16], value=8)
steps = g3.select_slider("Training steps", options=[10, 50, 100, 200], value=50)


@st.cache_data(show_spinner=False, max_entries=32)
def stack_gradients(activation: str, depth: int, width: int, n_steps: int) -> "lab.GradientNorms":
    config = lab.deep_stack_config(activation, depth=depth, units=width)
    return lab.gradient_norms_per_layer(config, load_dataset(config), n_steps)


with st.spinner("Measuring gradients…"):
    stacks = [stack_gradients(a, stack_depth, int(stack_units), int(steps)) for a in ("sigmoid", "relu")]
st.plotly_chart(figures.gradient_norms_figure(stacks), key="gradients")
sigmoid_stack, relu_stack = stacks
ratio = relu_stack.at_init[0] / max(sigmoid_stack.at_init[0], 1e-30)
st.markdown(f"At initialisation the first layer's gradient is **{ratio:,.0f}× smaller** with sigmoid than with "
            f"ReLU. σ′(z) ≤ 0.25, and backpropagation multiplies by it once per layer on the way back to the "
            f"input: after {stack_depth} sigmoid layers the signal has shrunk by up to $0.25^{{{stack_depth}}}$ ≈ "
            f"{0.25 ** stack_depth:.0e}, so the layers near the input hardly learn (sigmoid loss "
            f"{sigmoid_stack.loss_at_init:.3f} → {sigmoid_stack.loss_after:.3f} in {steps} steps). ReLU's slope is "
            f"exactly 1 where it is active, so its gradients keep their size through the stack (loss "
            f"{relu_stack.loss_at_init:.3f} → {relu_stack.loss_after:.3f}).")
st.dataframe(pd.DataFrame({
    "layer": sigmoid_stack.layers,
    "sigmoid · init": sigmoid_stack.at_init, f"sigmoid · after {steps}": sigmoid_stack.after,
    "ReLU · init": relu_stack.at_init, f"ReLU · after {steps}": relu_stack.after,
}).set_index("layer").style.format("{:.2e}"))
