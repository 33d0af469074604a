"""Playground: build a network, train it live, see it learn, share it by link."""

import json

import streamlit as st

st.set_page_config(page_title="Playground · nnplay", page_icon="🧠", layout="wide")

from nnplay.config.advice import advice  # noqa: E402
from nnplay.config.links import to_query_string  # noqa: E402
from nnplay.config.schema import (  # noqa: E402
    ConfigError,
    PlaygroundConfig,
    data_part,
    n_inputs,
    n_outputs,
    same_model,
)
from nnplay.data.csv_upload import CSV_LIMITS, CSV_MAX_BYTES, csv_columns  # noqa: E402
from nnplay.data.dataset import DataError  # noqa: E402
from nnplay.data.load import load_dataset  # noqa: E402
from nnplay.engine.model import to_keras_bytes  # noqa: E402
from nnplay.engine.plane import probe_for  # noqa: E402
from nnplay.engine.training import Trainer  # noqa: E402
from nnplay.export.keras_script import STRATEGIES, ExportOptions, to_keras_script  # noqa: E402
from nnplay.figures import (  # noqa: E402
    inspector,  # noqa: E402
    playground,  # noqa: E402
)
from nnplay.ui import controls, layout, results, saving, training_panel  # noqa: E402
from nnplay.ui.state import current_config, show_notices, sync_url  # noqa: E402
from nnplay.ui.text import plain_markdown  # noqa: E402


@st.cache_data(max_entries=12, show_spinner="Loading data…")
def cached_dataset(_config: PlaygroundConfig, data_key: tuple, csv_bytes: bytes | None):
    """Data depends only on the data fields (data_key); the config object itself is not hashed."""
    return load_dataset(_config, csv_bytes)


@st.cache_data(max_entries=32, show_spinner=False)
def initial_weights(_config: PlaygroundConfig, config_key: str, inputs: int, outputs: int):
    """The seeded starting weights, drawn before any training (as TF Playground does)."""
    from nnplay.engine.model import build_model

    return build_model(_config, inputs, outputs).get_weights()


training_panel.settle()  # a run a click interrupted is recorded before anything is drawn
config = current_config()
controls.push_to_widgets(config)
notes = advice(config)

# ------------------------------------------------------------------ sidebar
with st.sidebar:
    st.header("Task")
    controls.task_controls(config)
    st.header("Data")
    mnist = controls.mnist_on_this_server(config)
    controls.data_controls(config, *controls.mnist_samples(config, mnist))
    csv_bytes, csv_error = None, None
    if config.dataset == "csv":
        upload = st.file_uploader("CSV file (header row, numeric feature columns)", type=["csv", "txt"],
                                  max_upload_size=CSV_MAX_BYTES // 2**20, help=CSV_LIMITS)
        csv_notice = st.empty()  # filled once the page knows whether it shows the same message
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

# ------------------------------------------------------------------ data
sync_url(config)
st.title("Playground")
show_notices()

data, data_error = None, None
if config.dataset == "csv" and csv_bytes is None:
    st.info("Upload your CSV file in the sidebar (under **Data**): a header row naming the columns, then one "
            "row per example. You then choose the column to predict; every other column is an input.", icon=":material/upload_file:")
elif config.dataset == "csv" and not config.csv_targets and csv_error is None:
    st.info("Choose the target column(s) in the sidebar: what the network should predict.", icon=":material/ads_click:")
else:
    try:
        data = cached_dataset(config, data_part(config), csv_bytes)
    except DataError as err:
        data_error = str(err)

rule = config.rule
with st.container(border=True):
    st.markdown(f"**{rule.label}** → output **{config.output_summary}**, loss **{rule.loss_label}**. {rule.why}")
    outputs = n_outputs(config, data.n_classes if data is not None else None)
    loss_args = "from_logits=True" if config.uses_logits else ""
    left, right = st.columns(2, vertical_alignment="center")
    left.code(f'Dense({outputs}, activation="{config.output_activation}")\n'
              f"loss = keras.losses.{rule.loss}({loss_args})", language="python", wrap_lines=True)
    right.latex(rule.loss_formula)

for note in notes:
    if not note.field.startswith("hidden["):
        (st.warning if note.level == "warning" else st.info)(
            note.message, icon=":material/warning:" if note.level == "warning" else ":material/lightbulb:")
if data_error:
    st.error(plain_markdown(data_error), icon=":material/description:")  # messages quote column names (a link's csv= among them)
if csv_error:  # said once: in full on the page, and by the uploader only when it is another problem
    csv_notice.error("This file cannot be used: the reason is on the page." if csv_error == data_error
                     else plain_markdown(csv_error))

# ------------------------------------------------------------------ buttons
model_trainer = training_panel.trainer()
same_setup = model_trainer is not None and model_trainer.config == config
layout.narrow_screen_rules()
buttons = st.container(key=layout.RUN_BUTTONS_KEY).columns(5)
train_clicked = buttons[0].button("Train", type="primary", disabled=data is None, width="stretch")
# A Train click in this very run leaves a trainer to continue (e.g. after the time budget ends it).
continue_clicked = buttons[1].button("Continue", disabled=not (same_setup or (train_clicked and data is not None)),
                                     width="stretch",
                                     help=f"{config.epochs} more epochs, optimizer state kept")
step_clicked = buttons[2].button("Step", disabled=data is None, width="stretch", help="Train one epoch")
buttons[3].button("Stop", width="stretch", help="Stop training; the model so far is kept")
if buttons[4].button("Reset", width="stretch", help="Forget the trained model (the run history stays)"):
    training_panel.reset()
    model_trainer, same_setup = None, False
progress_slot = st.empty()

# ------------------------------------------------------------------ main views
show_test = st.session_state.setdefault("show_test", True)
network_col, output_col = st.container(key=layout.VIEWS_KEY).columns([3, 2])
with network_col:
    st.subheader("Network")
    controls.layer_controls(config, data.n_features if data is not None else n_inputs(config), outputs, notes)
    network_slot = st.empty()
with output_col:
    st.subheader("Output")
    if data is not None:
        with st.expander("Where this data comes from"):
            st.caption(plain_markdown(" ".join([data.source + ".", *data.notes])))
    toggles = st.columns(2)
    toggles[0].toggle("Show test data", key="show_test")
    discretize = toggles[1].toggle("Discretize output", key="discretize")
    label_index = 0
    if data is not None and config.task == "multilabel" and data.n_classes:
        label_index = st.selectbox("Label shown", range(data.n_classes), format_func=lambda i: data.class_names[i])
    output_slot = st.empty()
curve_cols = st.columns(2)
loss_slot, metric_slot = curve_cols[0].empty(), curve_cols[1].empty()

overlay_numbers = st.session_state.get("overlays", [])
overlays = [(r.label, r.history) for r in training_panel.runs() if r.number in overlay_numbers]
draw_count = {"n": 0}


def draw(current: Trainer | None, live=None) -> None:
    """Curves, boundary and network for the trainer as it stands now (also mid-run)."""
    draw_count["n"] += 1
    n = draw_count["n"]
    if live is not None:
        snapshot = live.latest
        if snapshot is not None:
            left = training_panel.seconds_left(live)
            text = f"Epoch {snapshot.epoch} of {snapshot.target_epoch} · {snapshot.elapsed:.1f} s"
            progress_slot.progress(snapshot.fraction_done, text=text + (f" · ~{left:.0f} s left" if left else ""))
    probe = None
    if current is not None and data is not None and data.points_train is not None:
        probe = probe_for(current)  # one per trainer: its XLA program is never freed either
    view = probe.evaluate() if probe is not None else None
    # The network picture is the heaviest chart for the browser: during a run, every 3rd redraw.
    if data is not None and (live is None or n % 3 == 1 or live.done):
        weights = (current.model.get_weights() if current is not None
                   else initial_weights(config, repr(config), data.n_features, outputs))
        network_slot.plotly_chart(playground.network_figure(config if current is None else current.config, weights, view,
                                                       input_names=data.feature_names), key=f"net-{n}",
                                  config=layout.CHART_CONFIG)
    if data is not None and (view is not None or live is None):  # data-only views do not change mid-run
        if view is not None:
            figure = playground.boundary_figure(view, data, config.task, discretize=discretize, label_index=label_index,
                                           show_test=st.session_state["show_test"])
        elif data.image_shape is not None:
            figure = inspector.mnist_grid_figure(data.x_train[:32].reshape(-1, 28, 28), [data.class_names[int(y)]
                                             if data.y_train.ndim == 1 else "" for y in data.y_train[:32]])
        elif data.points_train is not None:
            figure = playground.data_figure(data, config.task, show_test=st.session_state["show_test"],
                                       label_index=label_index)
        else:
            figure = None
        if figure is not None:
            output_slot.plotly_chart(figure, key=f"out-{n}", config=layout.CHART_CONFIG)
    if current is not None and len(current.history):
        loss_slot.plotly_chart(playground.loss_figure(current.history, overlays), key=f"loss-{n}", config=layout.CHART_CONFIG)
        metric = current.metric_names[0]
        metric_slot.plotly_chart(playground.metric_figure(current.history, metric, overlays), key=f"metric-{n}",
                                 config=layout.CHART_CONFIG)


def start(epochs: int, fresh: bool) -> None:
    global model_trainer
    if fresh or model_trainer is None or not same_setup:
        try:
            model_trainer = training_panel.fresh_trainer(config, data)
        except ConfigError as err:
            st.error(f"This network does not fit the data: {err}")
            return
    training_panel.train_live(model_trainer, epochs, draw)


if data is not None and (train_clicked or continue_clicked or step_clicked):
    start(1 if step_clicked else config.epochs, fresh=train_clicked)
    model_trainer = training_panel.trainer()
# A trained model is drawn only with the data and layers it was trained for (a switched task
# must not show the old classifier's shading over regression points).
shown_trainer = model_trainer if model_trainer is not None and same_model(model_trainer.config, config) else None
if model_trainer is not None and shown_trainer is None:
    progress_slot.caption("The model trained before was for another setup, so it is not drawn here: "
                          "Train trains this one.")
draw(shown_trainer)

# ------------------------------------------------------------------ results
if shown_trainer is not None:
    results.show_results(shown_trainer)

# ------------------------------------------------------------------ code, sharing, history
code_tab, share_tab, history_tab = st.tabs(["Keras code", "Share & save", "Run history"])
with code_tab:
    strategy = st.selectbox("Run it with", [None, *STRATEGIES], key="export_strategy",
                            format_func=lambda name: STRATEGIES.get(name, "plain (one device)"),
                            help="For training beyond this demo's caps: the script builds and compiles the model "
                                 "inside a tf.distribute strategy's scope (several GPUs, or several machines).")
    if config.dataset == "csv" and not config.csv_targets:
        st.caption("The Keras code for your CSV appears here once you have chosen its target column.")
    else:
        script = to_keras_script(config, ExportOptions(strategy=strategy, mnist=mnist.source if mnist else None))
        st.code(script, language="python")
        st.download_button("Download nnplay_model.py", script, file_name="nnplay_model.py", mime="text/x-python")
with share_tab:
    base = str(st.context.url or "").split("?")[0]
    st.markdown("**Share link** — opening it restores every control; Train then gives the same loss curve.")
    st.code(f"{base}?{to_query_string(config)}", language=None, wrap_lines=True)
    st.download_button("Download config (JSON)", json.dumps(config.to_dict(), indent=2),
                       file_name="nnplay_config.json", mime="application/json")
    saving.load_config_control()
    st.markdown("**Trained model**")
    st.caption(saving.RELOAD_NOTE)
    if shown_trainer is not None:  # saved only when clicked
        st.download_button("Download trained model (.keras)", lambda: to_keras_bytes(shown_trainer.model),
                           file_name="nnplay_model.keras", mime="application/octet-stream")
    saving.load_model_control(data)
with history_tab:
    history = training_panel.runs()
    if history:
        st.dataframe([record.row() for record in history], hide_index=True)
        st.multiselect("Overlay these runs' loss curves", [r.number for r in history], key="overlays",
                       format_func=lambda number: history[number - 1].label)
    else:
        st.caption("Every run of this session will be listed here, to compare.")
