"""The playground's controls: widgets that mirror PlaygroundConfig fields.

Each widget has a key "w.<field>"; before drawing, `push_to_widgets` copies the
config into those keys, and every widget's on_change runs `pull_from_widgets`,
which rebuilds the config (switching task or optimizer through the config's
own rules) and validates it. Widgets never hold state of their own.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from nnplay.advice import Advice
from nnplay.config import (
    ACTIVATIONS,
    CAPS,
    DATASET_LABELS,
    FEATURES,
    OPTIMIZERS,
    REGULARIZATIONS,
    TASKS,
    HiddenLayer,
    PlaygroundConfig,
    count_params,
    datasets_for,
    is_toy,
    with_optimizer,
    with_task,
)
from nnplay.ui.session import NOTICE_KEY, current_config, set_config

LEARNING_RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REG_RATES = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
PLAIN_FIELDS = (
    "task", "dataset", "n_samples", "noise", "train_fraction", "features", "n_classes", "data_seed",
    "optimizer", "learning_rate", "momentum", "nesterov", "beta_1", "beta_2", "epsilon", "rho",
    "batch_size", "epochs", "regularization", "reg_rate", "seed",
)


def key(field: str) -> str:
    return f"w.{field}"


def push_to_widgets(config: PlaygroundConfig) -> None:
    """Copy the config into the widgets' keys (call before drawing any of them)."""
    state = st.session_state
    for field in PLAIN_FIELDS:
        state[key(field)] = list(getattr(config, field)) if field == "features" else getattr(config, field)
    state[key("output")] = "logits" if config.from_logits else "probabilities"
    state[key("digit_pos")], state[key("digit_neg")] = config.digits
    state[key("csv_targets")] = list(config.csv_targets)
    for i, layer in enumerate(config.hidden):
        state[key(f"units.{i}")] = layer.units
        state[key(f"activation.{i}")] = layer.activation


def pull_from_widgets() -> None:
    """on_change of every widget: widgets → a new config, through the config's rules."""
    state = st.session_state
    old = current_config()
    values = {field: state[key(field)] for field in PLAIN_FIELDS if key(field) in state}
    values["features"] = tuple(f for f in FEATURES if f in values.get("features", old.features))
    values["from_logits"] = state.get(key("output"), "logits") == "logits"
    values["digits"] = (state.get(key("digit_pos"), old.digits[0]), state.get(key("digit_neg"), old.digits[1]))
    values["csv_targets"] = tuple(state.get(key("csv_targets"), old.csv_targets))
    values["hidden"] = tuple(
        HiddenLayer(int(state.get(key(f"units.{i}"), layer.units)), state.get(key(f"activation.{i}"), layer.activation))
        for i, layer in enumerate(old.hidden)
    )
    new = replace(old, **values)
    if new.task != old.task:
        new = with_task(replace(old, task=old.task), new.task)
    elif new.optimizer != old.optimizer:
        new = with_optimizer(new, new.optimizer)
    if not new.features:
        new = replace(new, features=old.features)
    state[NOTICE_KEY] = []  # the learner has taken over from the link
    set_config(new)


def change_layers(action: str, index: int | None = None) -> None:
    config = current_config()
    hidden = list(config.hidden)
    if action == "add":
        hidden.append(HiddenLayer(hidden[-1].units if hidden else 4, hidden[-1].activation if hidden else "relu"))
    elif action == "remove" and index is not None:
        del hidden[index]
    set_config(replace(config, hidden=tuple(hidden)))


def _with_current(options: list, value) -> list:
    """Preset options plus the config's value, so a link's odd value still shows."""
    return sorted(set(options) | {value})


def task_controls(config: PlaygroundConfig) -> None:
    st.selectbox("Task", list(TASKS), format_func=lambda t: TASKS[t].label, key=key("task"), on_change=pull_from_widgets)
    rule = config.rule
    if rule.logits_allowed:
        st.radio(
            "Output", ["logits", "probabilities"], key=key("output"), on_change=pull_from_widgets, horizontal=True,
            format_func=lambda v: "linear logits + from_logits=True" if v == "logits" else f"{rule.output_activation} probabilities",
            help="Both train the same network; with logits, Keras computes the activation inside the loss, "
                 "which is numerically stable.",
        )


def data_controls(config: PlaygroundConfig) -> None:
    st.selectbox("Dataset", list(datasets_for(config.task)), format_func=DATASET_LABELS.get,
                 key=key("dataset"), on_change=pull_from_widgets)
    toy = is_toy(config.dataset)
    if config.dataset != "csv":
        low, high = CAPS["n_samples_toy" if toy else "n_samples_real"]
        st.number_input("Samples", low, high, step=100, key=key("n_samples"), on_change=pull_from_widgets,
                        help="Points generated (toy data) or images used (MNIST), train and test together.")
    st.slider("Training share", *CAPS["train_fraction"], step=0.05, key=key("train_fraction"),
              on_change=pull_from_widgets, help="The rest is the test set the curves are scored on.")
    if toy:
        st.slider("Noise", *CAPS["noise"], step=0.05, key=key("noise"), on_change=pull_from_widgets)
        st.multiselect("Input features", list(FEATURES), format_func=FEATURES.get, key=key("features"),
                       on_change=pull_from_widgets, help="TF Playground's feature columns: x₁² and x₂² make a circle "
                       "separable without hidden layers.")
        if config.task in ("multiclass", "multilabel"):
            st.slider("Classes" if config.task == "multiclass" else "Labels", *CAPS["n_classes"],
                      key=key("n_classes"), on_change=pull_from_widgets)
    if config.dataset == "mnist" and config.task == "binary":
        left, right = st.columns(2)
        left.selectbox("Positive digit", range(10), key=key("digit_pos"), on_change=pull_from_widgets)
        right.selectbox("Negative digit", range(10), key=key("digit_neg"), on_change=pull_from_widgets)
    if config.dataset != "csv":
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.number_input("Data seed", *CAPS["seed"], key=key("data_seed"), on_change=pull_from_widgets)
        right.button("Regenerate", on_click=lambda: set_config(replace(current_config(),
                     data_seed=(current_config().data_seed + 1) % CAPS["seed"][1])), width="stretch")


def layer_controls(config: PlaygroundConfig, inputs: int, outputs: int, notes: list[Advice]) -> None:
    for i, layer in enumerate(config.hidden):
        units, activation, remove = st.columns([2, 3, 1], vertical_alignment="bottom")
        units.number_input(f"Layer {i + 1} units", *CAPS["units"], key=key(f"units.{i}"), on_change=pull_from_widgets)
        activation.selectbox(f"Layer {i + 1} activation", ACTIVATIONS, key=key(f"activation.{i}"),
                             on_change=pull_from_widgets)
        remove.button("✕", key=f"remove.{i}", help=f"Remove layer {i + 1}", on_click=change_layers, args=("remove", i))
        for note in notes:
            if note.field in (f"hidden[{i}].activation", f"hidden[{i}].units"):
                st.warning(note.message, icon="⚠️")
    if len(config.hidden) < CAPS["hidden_layers"][1]:
        st.button("＋ Add hidden layer", on_click=change_layers, args=("add",))
    st.caption(f"Parameters (weights + biases): **{count_params(config, inputs, outputs):,}** "
               f"of at most {CAPS['total_params'][1]:,}")


def optimizer_controls(config: PlaygroundConfig) -> None:
    st.selectbox("Optimizer", list(OPTIMIZERS), format_func=lambda o: OPTIMIZERS[o].label,
                 key=key("optimizer"), on_change=pull_from_widgets)
    st.select_slider("Learning rate", _with_current(LEARNING_RATES, config.learning_rate), key=key("learning_rate"),
                     on_change=pull_from_widgets, format_func=lambda v: f"{v:g}", help="On a log scale.")
    params = OPTIMIZERS[config.optimizer].params
    if "momentum" in params:
        st.slider("Momentum", *CAPS["momentum"], step=0.01, key=key("momentum"), on_change=pull_from_widgets)
    if "nesterov" in params:
        st.checkbox("Nesterov", key=key("nesterov"), on_change=pull_from_widgets)
    if "rho" in params:
        st.slider("rho (decay of the squared-gradient average)", *CAPS["rho"], step=0.01, key=key("rho"),
                  on_change=pull_from_widgets)
    if "beta_1" in params:
        left, right = st.columns(2)
        left.number_input("beta_1", *CAPS["beta"], step=0.01, format="%.4f", key=key("beta_1"), on_change=pull_from_widgets)
        right.number_input("beta_2", *CAPS["beta"], step=0.0001, format="%.4f", key=key("beta_2"),
                           on_change=pull_from_widgets)
    if "epsilon" in params:
        st.number_input("epsilon", *CAPS["epsilon"], format="%.1e", key=key("epsilon"), on_change=pull_from_widgets)


def training_controls(config: PlaygroundConfig) -> None:
    left, right = st.columns(2)
    left.number_input("Batch size", *CAPS["batch_size"], key=key("batch_size"), on_change=pull_from_widgets,
                      help="0 = full batch: every step uses all training data, i.e. plain gradient descent.")
    right.number_input("Epochs", *CAPS["epochs"], step=10, key=key("epochs"), on_change=pull_from_widgets)
    left, right = st.columns(2)
    left.selectbox("Regularisation", REGULARIZATIONS, key=key("regularization"), on_change=pull_from_widgets,
                   format_func=lambda r: r.upper() if r != "none" else "none")
    if config.regularization != "none":
        right.select_slider("Rate", _with_current(REG_RATES, config.reg_rate), key=key("reg_rate"),
                            on_change=pull_from_widgets, format_func=lambda v: f"{v:g}")
    st.number_input("Seed (initial weights, batch order)", *CAPS["seed"], key=key("seed"), on_change=pull_from_widgets)
