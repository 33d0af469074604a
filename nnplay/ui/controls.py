"""The playground's controls: widgets that mirror PlaygroundConfig fields.

Each widget has a key "w.<field>"; before drawing, `push_to_widgets` copies the
config into those keys, and every widget's on_change runs `pull_from_widgets`,
which rebuilds the config (switching task or optimizer through the config's
own rules) and validates it. Widgets never hold state of their own.

A change the config refuses (a network over the parameter cap, say) is said in
a learner's words right under the control that caused it, and only once.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from nnplay.config.advice import Advice
from nnplay.config.catalog import (
    FEATURES,
    OPTIMIZERS,
    REGULARIZATIONS,
    TASKS,
    dataset_label,
    datasets_for,
    hidden_activations,
    is_toy,
)
from nnplay.config.schema import (
    CAPS,
    FIELD_LABELS,
    HiddenLayer,
    PlaygroundConfig,
    count_params,
    samples_range,
    with_optimizer,
    with_task,
)
from nnplay.data.dataset import DataError
from nnplay.data.mnist import MnistAvailability, mnist_availability
from nnplay.ui.state import LINK_NOTICE, current_config, set_config, take_refusal
from nnplay.ui.text import plain_markdown

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
    for i, layer in enumerate(config.hidden):
        state[key(f"units.{i}")] = layer.units
        state[key(f"activation.{i}")] = layer.activation


def pull_from_widgets(changed: str | None = None) -> None:
    """on_change of every widget: widgets → a new config, through the config's rules.
    `changed` names the widget's field, so a refusal is shown under that widget."""
    state = st.session_state
    old = current_config()
    values = {field: state[key(field)] for field in PLAIN_FIELDS if key(field) in state}
    values["features"] = tuple(f for f in FEATURES if f in values.get("features", old.features))
    values["from_logits"] = state.get(key("output"), "logits") == "logits"
    values["digits"] = (state.get(key("digit_pos"), old.digits[0]), state.get(key("digit_neg"), old.digits[1]))
    values["csv_targets"] = _csv_targets_from_widget(old)
    values["hidden"] = tuple(
        HiddenLayer(int(state.get(key(f"units.{i}"), layer.units)), state.get(key(f"activation.{i}"), layer.activation))
        for i, layer in enumerate(old.hidden)
    )
    new = replace(old, **values)
    if new.task != old.task:
        new = with_task(replace(old, task=old.task), new.task)
    elif new.optimizer != old.optimizer:
        new = with_optimizer(new, new.optimizer)
    if new.dataset != old.dataset:
        new = _fit_samples_to_dataset(new)
    if not new.features:
        new = replace(new, features=old.features)
    LINK_NOTICE.set([])  # the learner has taken over from the link
    set_config(new, changed=changed)


def _csv_targets_from_widget(old: PlaygroundConfig) -> tuple[str, ...]:
    """The target picker's choice: one column (a selectbox), several (multi-label), or none yet.
    The picker is drawn only for CSV data after an upload; otherwise the config keeps its own."""
    if old.dataset != "csv" or key("csv_targets") not in st.session_state:
        return old.csv_targets
    chosen = st.session_state[key("csv_targets")]
    if chosen is None:
        return ()
    return (chosen,) if isinstance(chosen, str) else tuple(chosen)


def _fit_samples_to_dataset(config: PlaygroundConfig) -> PlaygroundConfig:
    """Keep Samples within the new dataset's range (70,000 MNIST images are too many toy points)."""
    low, high = samples_range(config.dataset)
    return replace(config, n_samples=min(max(config.n_samples, low), high))


def _changes(field: str) -> dict:
    """The widget arguments that bind a widget to a config field."""
    return dict(key=key(field), on_change=pull_from_widgets, args=(field,))


def show_refusal(field: str, where=st) -> None:
    """The refused change of this control, in a learner's words, once (the next run clears it)."""
    message = take_refusal(field)
    if message:
        where.error(plain_markdown(message), icon=":material/block:")  # it may quote a CSV's column names


def change_layers(action: str, index: int | None = None) -> None:
    config = current_config()
    hidden = list(config.hidden)
    if action == "add":
        hidden.append(HiddenLayer(hidden[-1].units if hidden else 4, hidden[-1].activation if hidden else "relu"))
    elif action == "remove" and index is not None:
        del hidden[index]
    set_config(replace(config, hidden=tuple(hidden)), changed="hidden")


def _with_current(options: list, value) -> list:
    """Preset options plus the config's value, so a link's odd value still shows."""
    return sorted(set(options) | {value})


def _control(widget, field: str, *args, label: str | None = None, **kwargs):
    """A widget bound to a config field, with that field's refused change (if any) right under it.
    `widget` is a DeltaGenerator's method (st.slider, a column's number_input...); its label is the
    field's name on the page (nnplay.config.schema.FIELD_LABELS) unless the widget says otherwise."""
    value = widget(label or FIELD_LABELS[field], *args, **_changes(field), **kwargs)
    show_refusal(field, getattr(widget, "__self__", st))
    return value


def task_controls(config: PlaygroundConfig) -> None:
    _control(st.selectbox, "task", list(TASKS), format_func=lambda t: TASKS[t].label)
    rule = config.rule
    if rule.logits_allowed:
        _control(
            st.radio, "output", ["logits", "probabilities"], label="Output", horizontal=True,
            format_func=lambda v: ("linear logits + from_logits=True" if v == "logits"
                                   else f"{rule.output_activation} probabilities"),
            help="Both train the same network; with logits, Keras computes the activation inside the loss, "
                 "which is numerically stable.",
        )


def data_controls(config: PlaygroundConfig, samples_note: str = "", samples_cap: int | None = None) -> None:
    """The data widgets. For MNIST, `samples_cap` is how many images this server has (Samples
    stops there) and `samples_note` says which MNIST that is."""
    _control(st.selectbox, "dataset", list(datasets_for(config.task)), format_func=dataset_label)
    toy = is_toy(config.dataset)
    if config.dataset != "csv":
        low, high = samples_range(config.dataset)
        high = max(low, min(high, samples_cap or high))
        if not low <= st.session_state[key("n_samples")] <= high:
            st.session_state[key("n_samples")] = min(max(st.session_state[key("n_samples")], low), high)
        _control(st.number_input, "n_samples", low, high, step=100,
                 help="Points generated (toy data) or images used (MNIST), train and test together.")
        if samples_note:
            st.caption(plain_markdown(samples_note))  # a folder name may hold markdown characters
    _control(st.slider, "train_fraction", *CAPS["train_fraction"], step=0.05,
             help="The rest is the test set the curves are scored on.")
    if toy:
        _control(st.slider, "noise", *CAPS["noise"], step=0.05)
        _control(st.multiselect, "features", list(FEATURES), format_func=FEATURES.get,
                 help="TF Playground's feature columns: x₁² and x₂² make a circle separable without hidden layers.")
        if config.task in ("multiclass", "multilabel"):
            _control(st.slider, "n_classes", *CAPS["n_classes"],
                     label="Classes" if config.task == "multiclass" else "Labels")
    if config.dataset == "mnist" and config.task == "binary":
        left, right = st.columns(2)
        _control(left.selectbox, "digit_pos", range(10), label="Positive digit")
        _control(right.selectbox, "digit_neg", range(10), label="Negative digit")
    if config.dataset != "csv":
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        _control(left.number_input, "data_seed", *CAPS["seed"])
        right.button("", icon=":material/refresh:", help="Regenerate: new points from the next data seed",
                     key="regenerate", on_click=regenerate, width="stretch")


def mnist_on_this_server(config: PlaygroundConfig) -> MnistAvailability | None:
    """Which MNIST this server has and what it gives this setup (None for other data, or none at
    all: the page's data section says why)."""
    if config.dataset != "mnist":
        return None
    try:
        return mnist_availability(config)
    except DataError:
        return None


def mnist_samples(config: PlaygroundConfig, mnist: MnistAvailability | None) -> tuple[str, int | None]:
    """(note, cap) for the Samples widget on MNIST: which MNIST this server has, how many images this
    setup gets, and the largest Samples value it can fill (`mnist` is nnplay.data.mnist.MnistAvailability)."""
    if mnist is None:
        return "", None
    note = f"{mnist.description}. This setup trains on {mnist.n_train:,} and tests on {mnist.n_test:,} images."
    if mnist.capped:
        note += (f" Samples asks for {config.n_samples:,}, more than this MNIST has for the task: it stops at "
                 f"{mnist.max_samples:,}, and a run uses every image there is.")
    return note, mnist.max_samples


def regenerate() -> None:
    config = current_config()
    set_config(replace(config, data_seed=(config.data_seed + 1) % CAPS["seed"][1]), changed="data_seed")


def csv_target_picker(config: PlaygroundConfig, columns: list[str]) -> PlaygroundConfig:
    """The target column(s) of an uploaded CSV. With none chosen yet, one column is suggested (a
    column called label/target/y..., else the last), so a first upload trains at once; multi-label
    waits for the learner to pick its yes/no columns. Returns the config, changed if suggested."""
    chosen = list(dict.fromkeys(c for c in config.csv_targets if c in columns))
    if not chosen and config.task != "multilabel" and not config.csv_targets:
        suggested = suggest_target(columns)
        if set_config(replace(config, csv_targets=(suggested,)), changed="csv_targets"):
            config, chosen = current_config(), [suggested]
    if config.task == "multilabel":
        st.session_state[key("csv_targets")] = chosen
        _control(st.multiselect, "csv_targets", columns, label="Target columns (yes/no, 0 or 1)",
                 placeholder="Choose the label columns")
    else:
        st.session_state[key("csv_targets")] = chosen[0] if chosen else None
        _control(st.selectbox, "csv_targets", columns, placeholder="Choose the column to predict",
                 help="The column the network learns to predict; every other column is an input.")
    return config


# Column names that usually hold what a table is about (checked in this order, any case).
TARGET_NAMES = ("label", "target", "y", "class", "outcome")


def suggest_target(columns: list[str]) -> str:
    """The column to preselect as the target: a conventionally named one, else the last column."""
    lowered = {column.strip().lower(): column for column in columns}
    return next((lowered[name] for name in TARGET_NAMES if name in lowered), columns[-1])


def layer_controls(config: PlaygroundConfig, inputs: int, outputs: int, notes: list[Advice]) -> None:
    for i in range(len(config.hidden)):
        units, activation, remove = st.columns([2, 3, 1], vertical_alignment="bottom")
        _control(units.number_input, f"units.{i}", *CAPS["units"], label=f"Layer {i + 1} units")
        _control(activation.selectbox, f"activation.{i}", hidden_activations(), label=f"Layer {i + 1} activation")
        remove.button("", icon=":material/close:", key=f"remove.{i}", help=f"Remove layer {i + 1}",
                      on_click=change_layers, args=("remove", i))
        for note in notes:
            if note.field in (f"hidden[{i}].activation", f"hidden[{i}].units"):
                st.warning(note.message, icon="⚠️")
    if len(config.hidden) < CAPS["hidden_layers"][1]:
        st.button("Add hidden layer", icon=":material/add:", on_click=change_layers, args=("add",))
    show_refusal("hidden")
    st.caption(f"Parameters (weights + biases): **{count_params(config, inputs, outputs):,}** "
               f"of at most {CAPS['total_params'][1]:,}")


def optimizer_controls(config: PlaygroundConfig) -> None:
    _control(st.selectbox, "optimizer", list(OPTIMIZERS), format_func=lambda o: OPTIMIZERS[o].label)
    _control(st.select_slider, "learning_rate", _with_current(LEARNING_RATES, config.learning_rate),
             format_func=lambda v: f"{v:g}", help="On a log scale.")
    params = OPTIMIZERS[config.optimizer].params
    if "momentum" in params:
        _control(st.slider, "momentum", *CAPS["momentum"], step=0.01)
    if "nesterov" in params:
        _control(st.checkbox, "nesterov")
    if "rho" in params:
        _control(st.slider, "rho", *CAPS["rho"], step=0.01)
    if "beta_1" in params:
        left, right = st.columns(2)
        _control(left.number_input, "beta_1", *CAPS["beta"], step=0.01, format="%.4f")
        _control(right.number_input, "beta_2", *CAPS["beta"], step=0.0001, format="%.4f")
    if "epsilon" in params:
        _control(st.number_input, "epsilon", *CAPS["epsilon"], format="%.1e")


def training_controls(config: PlaygroundConfig) -> None:
    left, right = st.columns(2)
    _control(left.number_input, "batch_size", *CAPS["batch_size"],
             help="0 = full batch: every step uses all training data, i.e. plain gradient descent.")
    _control(right.number_input, "epochs", *CAPS["epochs"], step=10)
    left, right = st.columns(2)
    _control(left.selectbox, "regularization", REGULARIZATIONS,
             format_func=lambda r: r.upper() if r != "none" else "none")
    if config.regularization != "none":
        _control(right.select_slider, "reg_rate", _with_current(REG_RATES, config.reg_rate), label="Rate",
                 format_func=lambda v: f"{v:g}")
    _control(st.number_input, "seed", *CAPS["seed"])
