"""The Playground's sections, top to bottom; the page (`app_pages/1_Playground.py`) only puts them
in order.

What a section hands to the next is a small frozen record: `Setup` (what the sidebar chose),
`RunButtons` (this run's clicks and the trainer they act on) and `PlaygroundView` (everything the
charts are drawn from). Drawing is `draw(view, trainer, live)`, a plain function of those values:
a live run calls it a few times a second (nnplay.ui.training_panel.train_live), the page once at
the end, and nothing it needs hides in a global.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nnplay.config.advice import Advice, advice
from nnplay.config.links import to_query_string
from nnplay.config.schema import (
    ConfigError,
    PlaygroundConfig,
    data_part,
    n_inputs,
    n_outputs,
    same_model,
)
from nnplay.data.csv_upload import CSV_LIMITS, CSV_MAX_BYTES, csv_columns
from nnplay.data.dataset import DataError, Dataset
from nnplay.data.load import load_dataset
from nnplay.data.mnist import MnistAvailability
from nnplay.engine.live import LiveRun
from nnplay.engine.model import build_model, to_keras_bytes
from nnplay.engine.plane import probe_for
from nnplay.engine.training import History, Trainer
from nnplay.export.keras_script import STRATEGIES, ExportOptions, to_keras_script
from nnplay.figures.playground import (
    loss_figure,
    metric_figure,
    network_figure,
    output_figure,
)
from nnplay.ui import controls, layout, saving, training_panel
from nnplay.ui.state import (
    DISCRETIZE,
    EXPORT_STRATEGY,
    OVERLAYS,
    SHOW_TEST,
    current_config,
    show_notices,
    sync_url,
)
from nnplay.ui.text import plain_markdown

CSV_UPLOAD_LABEL = "CSV file (header row, numeric feature columns)"
NETWORK_EVERY = 3  # the network picture is the heaviest chart for the browser: mid-run, every 3rd draw


# ------------------------------------------------------------------ cached per server
@st.cache_data(max_entries=12, show_spinner="Loading data…")
def cached_dataset(_config: PlaygroundConfig, data_key: tuple, csv_bytes: bytes | None) -> Dataset:
    """Data depends only on the data fields (data_key); the config object itself is not hashed."""
    return load_dataset(_config, csv_bytes)


@st.cache_data(max_entries=32, show_spinner=False)
def initial_weights(_config: PlaygroundConfig, config_key: str, inputs: int, outputs: int):
    """The seeded starting weights, drawn before any training (as TF Playground does)."""
    return build_model(_config, inputs, outputs).get_weights()


# ------------------------------------------------------------------ sidebar
@dataclass(frozen=True)
class Setup:
    """What the sidebar chose: the config, and what the config alone does not hold."""

    config: PlaygroundConfig
    notes: tuple[Advice, ...]  # advice on the config the script run began with
    mnist: MnistAvailability | None  # which MNIST this server has (MNIST only), for the Keras code
    csv_bytes: bytes | None = None  # the uploaded CSV, while the dataset is "csv"
    csv_error: str | None = None  # why the uploaded CSV's columns could not be read
    csv_notice: DeltaGenerator | None = None  # under the uploader, filled once the page knows the data's fate


def sidebar() -> Setup:
    """The controls in the sidebar. The config comes from the session (first from the link); an
    uploaded CSV may change it, by suggesting a target column."""
    config = current_config()
    controls.push_to_widgets(config)
    notes = tuple(advice(config))
    csv_bytes, csv_error, csv_notice = None, None, None
    with st.sidebar:
        st.header("Task")
        controls.task_controls(config)
        st.header("Data")
        mnist = controls.mnist_on_this_server(config)
        controls.data_controls(config, *controls.mnist_samples(config, mnist))
        if config.dataset == "csv":
            upload = st.file_uploader(CSV_UPLOAD_LABEL, type=["csv", "txt"],
                                      max_upload_size=CSV_MAX_BYTES // 2**20, help=CSV_LIMITS)
            csv_notice = st.empty()
            if upload is not None:
                csv_bytes = upload.getvalue()
                try:
                    config = controls.csv_target_picker(config, csv_columns(csv_bytes))
                except DataError as err:
                    csv_error = str(err)
        st.header("Optimizer")
        controls.optimizer_controls(config)
        st.header("Training")
        controls.training_controls(config)
    return Setup(config, notes, mnist, csv_bytes, csv_error, csv_notice)


# ------------------------------------------------------------------ top of the page
def header(setup: Setup) -> None:
    """The URL follows the config; then the title and what the link or the last change left to say."""
    sync_url(setup.config)
    st.title("Playground")
    show_notices()


def outputs_of(config: PlaygroundConfig, data: Dataset | None) -> int:
    """Output units of the network: the data tells how many classes a CSV has."""
    return n_outputs(config, data.n_classes if data is not None else None)


def data_section(setup: Setup) -> Dataset | None:
    """The data (None until a CSV and its target are chosen, or when it cannot be loaded), the
    task's output and loss, and the advice and data problems, each said once."""
    config = setup.config
    data, data_error = None, None
    if config.dataset == "csv" and setup.csv_bytes is None:
        st.info("Upload your CSV file in the sidebar (under **Data**): a header row naming the columns, then one "
                "row per example. You then choose the column to predict; every other column is an input.",
                icon=":material/upload_file:")
    elif config.dataset == "csv" and not config.csv_targets and setup.csv_error is None:
        st.info("Choose the target column(s) in the sidebar: what the network should predict.",
                icon=":material/ads_click:")
    else:
        try:
            data = cached_dataset(config, data_part(config), setup.csv_bytes)
        except DataError as err:
            data_error = str(err)

    task_rule(config, data)
    for note in setup.notes:
        if not note.field.startswith("hidden["):  # a layer's advice is shown next to that layer
            (st.warning if note.level == "warning" else st.info)(
                note.message, icon=":material/warning:" if note.level == "warning" else ":material/lightbulb:")
    if data_error:
        st.error(plain_markdown(data_error), icon=":material/description:")  # messages quote column names (a link's csv= among them)
    if setup.csv_error:  # said once: in full on the page, and by the uploader only when it is another problem
        setup.csv_notice.error("This file cannot be used: the reason is on the page." if setup.csv_error == data_error
                               else plain_markdown(setup.csv_error))
    return data


def task_rule(config: PlaygroundConfig, data: Dataset | None) -> None:
    """The task's rule in a box: its output layer and loss, as Keras code and as a formula."""
    rule = config.rule
    with st.container(border=True):
        st.markdown(f"**{rule.label}** → output **{config.output_summary}**, loss **{rule.loss_label}**. {rule.why}")
        loss_args = "from_logits=True" if config.uses_logits else ""
        left, right = st.columns(2, vertical_alignment="center")
        left.code(f'Dense({outputs_of(config, data)}, activation="{config.output_activation}")\n'
                  f"loss = keras.losses.{rule.loss}({loss_args})", language="python", wrap_lines=True)
        right.latex(rule.loss_formula)


# ------------------------------------------------------------------ run buttons
@dataclass(frozen=True)
class RunButtons:
    """This script run's clicks on the run buttons, and the trainer they act on."""

    train_clicked: bool
    continue_clicked: bool
    step_clicked: bool
    trainer: Trainer | None  # the session's trainer (None once Reset is clicked)
    same_setup: bool  # the trainer was built for exactly the config on screen
    progress: DeltaGenerator  # under the buttons: the progress bar, or why an old model is not drawn


def run_buttons(config: PlaygroundConfig, data: Dataset | None) -> RunButtons:
    """Train, Continue, Step, Stop, Reset. Stop needs no code: its click reruns the page, which
    ends the run (nnplay.ui.training_panel)."""
    trainer = training_panel.trainer()
    same_setup = trainer is not None and trainer.config == config
    layout.narrow_screen_rules()
    buttons = st.container(key=layout.RUN_BUTTONS_KEY).columns(5)
    train_clicked = buttons[0].button("Train", type="primary", disabled=data is None, width="stretch")
    # A Train click in this very run leaves a trainer to continue (e.g. after the time budget ends it).
    continue_clicked = buttons[1].button("Continue", disabled=not (same_setup or (train_clicked and data is not None)),
                                         width="stretch", help=f"{config.epochs} more epochs, optimizer state kept")
    step_clicked = buttons[2].button("Step", disabled=data is None, width="stretch", help="Train one epoch")
    buttons[3].button("Stop", width="stretch", help="Stop training; the model so far is kept")
    if buttons[4].button("Reset", width="stretch", help="Forget the trained model (the run history stays)"):
        training_panel.reset()
        trainer, same_setup = None, False
    return RunButtons(train_clicked, continue_clicked, step_clicked, trainer, same_setup, st.empty())


# ------------------------------------------------------------------ the views and their drawing
@dataclass(frozen=True)
class Slots:
    """The placeholders the charts are drawn into; each draw replaces what they show."""

    progress: DeltaGenerator
    network: DeltaGenerator
    output: DeltaGenerator
    loss: DeltaGenerator
    metric: DeltaGenerator


@dataclass(frozen=True)
class PlaygroundView:
    """What the charts are drawn from, fixed for one script run: the setup on screen, its data, the
    view toggles and where each chart goes. Only `draws` moves on: each chart of a script run needs
    a key of its own, and the network is redrawn every NETWORK_EVERY-th draw of a run."""

    config: PlaygroundConfig
    data: Dataset | None
    outputs: int  # output units, for the untrained network's picture
    slots: Slots
    show_test: bool
    discretize: bool
    label_index: int  # the label whose output is shaded (multi-label)
    overlays: tuple[tuple[str, History], ...]  # (label, history) of earlier runs drawn over the curves
    draws: Iterator[int] = field(default_factory=lambda: itertools.count(1), compare=False, repr=False)


def views(setup: Setup, data: Dataset | None, progress: DeltaGenerator) -> PlaygroundView:
    """The network with its layer controls, the output with its toggles, and room for the curves;
    returns what draw() needs to fill them."""
    config = setup.config
    outputs = outputs_of(config, data)
    SHOW_TEST.setdefault(True)  # the toggle starts on
    network_col, output_col = st.container(key=layout.VIEWS_KEY).columns([3, 2])
    with network_col:
        st.subheader("Network")
        controls.layer_controls(config, data.n_features if data is not None else n_inputs(config), outputs,
                                list(setup.notes))
        network = st.empty()
    with output_col:
        st.subheader("Output")
        if data is not None:
            with st.expander("Where this data comes from"):
                st.caption(plain_markdown(" ".join([data.source + ".", *data.notes])))
        toggles = st.columns(2)
        show_test = toggles[0].toggle("Show test data", key=SHOW_TEST.name)
        discretize = toggles[1].toggle("Discretize output", key=DISCRETIZE.name)
        label_index = 0
        if data is not None and config.task == "multilabel" and data.n_classes:
            label_index = st.selectbox("Label shown", range(data.n_classes), format_func=lambda i: data.class_names[i])
        output = st.empty()
    curve_cols = st.columns(2)
    slots = Slots(progress, network, output, curve_cols[0].empty(), curve_cols[1].empty())
    chosen = OVERLAYS.get([])  # the multiselect is further down, in the Run history tab
    overlays = tuple((run.label, run.history) for run in training_panel.runs() if run.number in chosen)
    return PlaygroundView(config, data, outputs, slots, show_test, discretize, label_index, overlays)


def draw(view: PlaygroundView, trainer: Trainer | None, live: LiveRun | None = None) -> None:
    """Progress, network, output and curves for `trainer` as it stands now (also mid-run, when `live`
    is its run); with no trainer, the untrained network and the data alone."""
    n = next(view.draws)
    data, slots = view.data, view.slots
    if live is not None:
        show_progress(slots.progress, live)
    probe = None
    if trainer is not None and data is not None and data.points_train is not None:
        probe = probe_for(trainer)  # one per trainer: its XLA program is never freed either
    plane = probe.evaluate() if probe is not None else None
    if data is not None and (live is None or n % NETWORK_EVERY == 1 or live.done):
        weights = (trainer.model.get_weights() if trainer is not None
                   else initial_weights(view.config, repr(view.config), data.n_features, view.outputs))
        figure = network_figure(view.config if trainer is None else trainer.config, weights, plane,
                                input_names=data.feature_names)
        slots.network.plotly_chart(figure, key=f"net-{n}", config=layout.CHART_CONFIG)
    if data is not None and (plane is not None or live is None):  # data-only views do not change mid-run
        figure = output_figure(plane, data, view.config.task, view.discretize, view.label_index, view.show_test)
        if figure is not None:
            slots.output.plotly_chart(figure, key=f"out-{n}", config=layout.CHART_CONFIG)
    if trainer is not None and len(trainer.history):
        slots.loss.plotly_chart(loss_figure(trainer.history, view.overlays), key=f"loss-{n}",
                                config=layout.CHART_CONFIG)
        slots.metric.plotly_chart(metric_figure(trainer.history, trainer.metric_names[0], view.overlays),
                                  key=f"metric-{n}", config=layout.CHART_CONFIG)


def show_progress(slot: DeltaGenerator, live: LiveRun) -> None:
    """The run's progress bar: epoch, seconds so far and, once the pace is known, seconds left."""
    snapshot = live.latest
    if snapshot is None:
        return
    left = training_panel.seconds_left(live)
    text = f"Epoch {snapshot.epoch} of {snapshot.target_epoch} · {snapshot.elapsed:.1f} s"
    slot.progress(snapshot.fraction_done, text=text + (f" · ~{left:.0f} s left" if left else ""))


def train_and_draw(view: PlaygroundView, buttons: RunButtons) -> Trainer | None:
    """Train for a click (live, drawing as it goes), then draw the model on screen. Returns that
    model's trainer: None when there is none, or when it was trained for another setup (a switched
    task must not show the old classifier's shading over regression points)."""
    trainer = buttons.trainer
    if view.data is not None and (buttons.train_clicked or buttons.continue_clicked or buttons.step_clicked):
        train(view, buttons)
        trainer = training_panel.trainer()
    shown = trainer if trainer is not None and same_model(trainer.config, view.config) else None
    if trainer is not None and shown is None:
        view.slots.progress.caption("The model trained before was for another setup, so it is not drawn here: "
                                    "Train trains this one.")
    draw(view, shown)
    return shown


def train(view: PlaygroundView, buttons: RunButtons) -> None:
    """One live run: Train starts from fresh weights, Continue and Step go on with the trainer on
    screen (Step for one epoch); a trainer for another setup is replaced by a fresh one."""
    trainer = buttons.trainer
    if buttons.train_clicked or trainer is None or not buttons.same_setup:
        try:
            trainer = training_panel.fresh_trainer(view.config, view.data)
        except ConfigError as err:
            st.error(f"This network does not fit the data: {err}")
            return
    epochs = 1 if buttons.step_clicked else view.config.epochs
    training_panel.train_live(trainer, epochs, partial(draw, view))


# ------------------------------------------------------------------ code, sharing, history
def tabs(setup: Setup, data: Dataset | None, shown: Trainer | None) -> None:
    """The tabs below the results: the Keras code, sharing and saving, the run history."""
    code_tab, share_tab, history_tab = st.tabs(["Keras code", "Share & save", "Run history"])
    with code_tab:
        keras_code(setup)
    with share_tab:
        share_and_save(setup.config, data, shown)
    with history_tab:
        run_history()


def keras_code(setup: Setup) -> None:
    """The setup as a Keras script to run elsewhere, optionally inside a tf.distribute strategy."""
    config = setup.config
    strategy = st.selectbox("Run it with", [None, *STRATEGIES], key=EXPORT_STRATEGY.name,
                            format_func=lambda name: STRATEGIES.get(name, "plain (one device)"),
                            help="For training beyond this demo's caps: the script builds and compiles the model "
                                 "inside a tf.distribute strategy's scope (several GPUs, or several machines).")
    if config.dataset == "csv" and not config.csv_targets:
        st.caption("The Keras code for your CSV appears here once you have chosen its target column.")
        return
    mnist = setup.mnist.source if setup.mnist else None
    script = to_keras_script(config, ExportOptions(strategy=strategy, mnist=mnist))
    st.code(script, language="python")
    st.download_button("Download nnplay_model.py", script, file_name="nnplay_model.py", mime="text/x-python")


def share_and_save(config: PlaygroundConfig, data: Dataset | None, shown: Trainer | None) -> None:
    """The share link and the config file (the setup), and the trained model as a .keras file."""
    base = str(st.context.url or "").split("?")[0]
    st.markdown("**Share link** — opening it restores every control; Train then gives the same loss curve.")
    st.code(f"{base}?{to_query_string(config)}", language=None, wrap_lines=True)
    st.download_button("Download config (JSON)", json.dumps(config.to_dict(), indent=2),
                       file_name="nnplay_config.json", mime="application/json")
    saving.load_config_control()
    st.markdown("**Trained model**")
    st.caption(saving.RELOAD_NOTE)
    if shown is not None:  # saved only when clicked
        st.download_button("Download trained model (.keras)", lambda: to_keras_bytes(shown.model),
                           file_name="nnplay_model.keras", mime="application/octet-stream")
    saving.load_model_control(data)


def run_history() -> None:
    """The session's runs in a table; earlier runs can be drawn over the curves."""
    history = training_panel.runs()
    if not history:
        st.caption("Every run of this session will be listed here, to compare.")
        return
    st.dataframe([record.row() for record in history], hide_index=True)
    st.multiselect("Overlay these runs' loss curves", [r.number for r in history], key=OVERLAYS.name,
                   format_func=lambda number: history[number - 1].label)
