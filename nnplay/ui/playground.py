"""The Playground's sections below the data, top to bottom; the page (`app_pages/1_Playground.py`)
only puts them in order. The sections above (the sidebar, the title, the data and the task's rule)
need no TensorFlow and are nnplay.ui.playground_setup's.

What a section hands to the next is a small frozen record: `Setup` (what the sidebar chose),
`RunButtons` (this run's clicks and the trainer they act on) and `PlaygroundView` (everything the
charts are drawn from). While a run trains (in a thread: nnplay.ui.training_panel), a fragment
sends its pictures a few times a second to canvases that play them back (`draw_live`,
nnplay.ui.live_view), about 20 a second when watched; when it is paused
or has ended, the page draws the plotly charts (`draw`), at the epoch the "Epoch" slider rewinds to.
A click anywhere reruns the page, never the run: view toggles just redraw, a new learning rate,
regularisation, batch size or optimizer setting is handed to the run (`live_settings`), and a
change of the data or the layers resets the network, as TF Playground does.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from nnplay.config.links import to_query_string
from nnplay.config.schema import (
    FIELD_LABELS,
    ConfigError,
    PlaygroundConfig,
    live_changes,
    n_inputs,
    same_model,
)
from nnplay.data.dataset import Dataset
from nnplay.engine.live import WATCH_PACE, LiveRun
from nnplay.engine.model import build_model, to_keras_bytes
from nnplay.engine.plane import plane_at, probe_for
from nnplay.engine.training import History, Trainer
from nnplay.export.keras_script import STRATEGIES, ExportOptions, to_keras_script
from nnplay.figures.live_frame import live_reel
from nnplay.figures.playground import (
    loss_figure,
    metric_figure,
    network_figure,
    output_figure,
)
from nnplay.ui import challenge, controls, layout, saving, training_panel
from nnplay.ui.live_view import live_view
from nnplay.ui.playground_setup import Setup, outputs_of
from nnplay.ui.state import (
    DISCRETIZE,
    EXPORT_STRATEGY,
    LIVE_SHOWN,
    OVERLAYS,
    PACE,
    REWIND,
    SHOW_TEST,
    SPEED,
    page_address,
)
from nnplay.ui.text import plain_markdown

PACES = (1, 2, 5, 10, 20, 30, 60, 100, 200, 500, 1000)  # epochs a second while watching
SPEEDS = {"Watch": "paced, so you can see it learn", "Fast": "as fast as the engine goes, redrawn a few times a second"}


# ------------------------------------------------------------------ cached per server
@st.cache_data(max_entries=32, show_spinner=False)
def initial_weights(_config: PlaygroundConfig, config_key: str, inputs: int, outputs: int):
    """The seeded starting weights, drawn before any training (as TF Playground does)."""
    return build_model(_config, inputs, outputs).get_weights()


# ------------------------------------------------------------------ run buttons
@dataclass(frozen=True)
class RunButtons:
    """This script run's clicks on the run buttons, and the trainer they act on."""

    train_clicked: bool
    continue_clicked: bool
    step_clicked: bool  # Step with no run going: a new run, paused after its first epoch
    trainer: Trainer | None  # the session's trainer (None once Reset is clicked)
    same_setup: bool  # the trainer can go on with the config on screen (the same, or only live settings differ)
    progress: DeltaGenerator  # under the buttons: the live view, or why an old model is not drawn


def run_buttons(config: PlaygroundConfig, data: Dataset | None) -> RunButtons:
    """Train, Continue, Pause (Resume when paused), Step, Stop, Reset, and the speed. Pause,
    Resume, Step and Stop act on the run in the background through callbacks."""
    trainer = training_panel.trainer()
    live = training_panel.live_run()
    running = live is not None and not live.done
    same_setup = trainer is not None and live_changes(trainer.config, config) is not None
    layout.narrow_screen_rules()
    buttons = st.container(key=layout.RUN_BUTTONS_KEY).columns(6)
    train_clicked = buttons[0].button("Train", type="primary", disabled=data is None, width="stretch",
                                      help="Train from the seeded start")
    # A Train click in this very run leaves a trainer to continue (e.g. after the time budget ends it).
    continue_clicked = buttons[1].button(
        "Continue", disabled=running or not (same_setup or (train_clicked and data is not None)), width="stretch",
        help=f"{config.epochs} more epochs from where the model is, optimizer state kept")
    if running and live.paused:
        buttons[2].button("Resume", key="pause-resume", width="stretch", on_click=training_panel.resume_run,
                          help="Go on training")
    else:
        buttons[2].button("Pause", key="pause-resume", width="stretch", disabled=not running,
                          on_click=training_panel.pause_run,
                          help="Hold the run; Step then trains one epoch at a time")
    step_clicked = False
    if running:
        buttons[3].button("Step", width="stretch", disabled=not live.paused, on_click=training_panel.step_run,
                          help="Train one epoch (while paused)")
    else:
        step_clicked = buttons[3].button("Step", disabled=data is None, width="stretch",
                                         help="Train one epoch, then wait paused")
    buttons[4].button("Stop", width="stretch", disabled=not running, on_click=training_panel.stop_run,
                      help="End the run; the model so far is kept")
    if buttons[5].button("Reset", width="stretch", help="Forget the trained model (the run history stays)"):
        training_panel.reset()
        trainer, same_setup = None, False
    speed_controls(config, training_panel.live_run())
    return RunButtons(train_clicked, continue_clicked, step_clicked, trainer, same_setup, st.empty())


def default_speed(config: PlaygroundConfig) -> str:
    """Watch on toy data (a few ms an epoch: worth seeing), Fast on MNIST and CSV data."""
    return "Watch" if config.is_toy else "Fast"


def chosen_pace(config: PlaygroundConfig) -> float | None:
    """Epochs a second for a new run: the pace while watching, None for Fast."""
    return float(PACE.get(WATCH_PACE)) if SPEED.get(default_speed(config)) == "Watch" else None


def _keep_a_speed(config: PlaygroundConfig) -> None:
    """on_change of "Speed": a second click on the chosen segment clears it; keep a speed. (A
    callback may set the widget's key: it runs before the widget is drawn.)"""
    if SPEED.get() is None:
        SPEED.set(default_speed(config))


def speed_controls(config: PlaygroundConfig, live: LiveRun | None) -> None:
    """Watch (with its epochs a second) or Fast, as a video player's speed; a change applies to
    the run in progress at once."""
    SPEED.setdefault(default_speed(config))
    PACE.setdefault(int(WATCH_PACE))
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    left.segmented_control("Speed", list(SPEEDS), key=SPEED.name, on_change=_keep_a_speed, args=(config,),
                           help=" · ".join(f"{k}: {v}" for k, v in SPEEDS.items()))
    if SPEED.get() == "Watch":
        right.select_slider("Epochs per second", PACES, key=PACE.name)
    if live is not None and not live.done:
        live.set_pace(chosen_pace(config))


def live_settings(config: PlaygroundConfig) -> None:
    """Hand a changed learning rate, regularisation, batch size, epochs or optimizer setting to the
    run in progress (it applies them at its next epoch); after any other change (data, layers,
    task, optimizer, seed) the network is reset, as TF Playground does, and the page says so."""
    live = training_panel.live_run()
    if live is None or live.done:
        return
    changes = live_changes(live.settings, config)
    if changes is None:
        training_panel.reset()
        st.info("The network was reset: a change to the data, the layers, the task, the optimizer or the seed "
                "makes another network. Train trains this one.", icon=":material/restart_alt:")
    elif changes:
        live.change(config)


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
    a key of its own."""

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


def rewind_epoch(trainer: Trainer | None, live: LiveRun | None) -> int | None:
    """The "Epoch" slider, once a model has stopped (paused or ended) with keyframes to rewind
    to: the keyframe epoch to show, or None for the latest."""
    if trainer is None or len(trainer.keyframes) < 2 or (live is not None and not live.paused):
        return None
    epochs = trainer.keyframes.epochs
    if REWIND.get() not in epochs:
        REWIND.set(epochs[-1])
    chosen = st.select_slider("Epoch", epochs, key=REWIND.name,
                              help="Rewind: the network, the boundary and the curves as they were at this epoch "
                                   f"({len(epochs)} kept, every epoch at first, then sparser)")
    return None if chosen == epochs[-1] else chosen


def model_at(trainer: Trainer, epoch: int | None):
    """(weights, plane view or None) of the model now, or at a rewound keyframe `epoch`."""
    data = trainer.data
    if epoch is None:
        plane = probe_for(trainer).evaluate() if data.points_train is not None else None
        return trainer.model.get_weights(), plane
    shown_epoch, weights = trainer.keyframes.at(epoch)
    plane = plane_at(trainer, weights, shown_epoch) if data.points_train is not None else None
    return weights, plane


def draw(view: PlaygroundView, trainer: Trainer | None, rewind: int | None = None) -> None:
    """Network, output and curves for `trainer` as it stands (or at the rewound epoch); with no
    trainer, the untrained network and the data alone."""
    n = next(view.draws)
    data, slots = view.data, view.slots
    if data is None:
        return
    if trainer is not None:
        weights, plane = model_at(trainer, rewind)
    else:
        weights = initial_weights(view.config, repr(view.config), data.n_features, view.outputs)
        plane = None
    figure = network_figure(view.config if trainer is None else trainer.config, weights, plane,
                            input_names=data.feature_names)
    slots.network.plotly_chart(figure, key=f"net-{n}", config=layout.CHART_CONFIG)
    figure = output_figure(plane, data, view.config.task, view.discretize, view.label_index, view.show_test)
    if figure is not None:
        slots.output.plotly_chart(figure, key=f"out-{n}", config=layout.CHART_CONFIG)
    if trainer is not None and len(trainer.history):
        slots.loss.plotly_chart(loss_figure(trainer.history, view.overlays, cursor=rewind), key=f"loss-{n}",
                                config=layout.CHART_CONFIG)
        slots.metric.plotly_chart(metric_figure(trainer.history, trainer.metric_names[0], view.overlays,
                                                cursor=rewind),
                                  key=f"metric-{n}", config=layout.CHART_CONFIG)


MAX_PICTURES_PER_POLL = 12  # a page that fell behind skips the older pictures rather than lag


def draw_live(view: PlaygroundView, rewind: int | None, live: LiveRun) -> None:
    """One poll of the run in progress: "Epoch N of M", and the network, the boundary and the loss
    curve painted on canvases. Playing, the message holds every picture trained since the last
    poll (the browser plays them back at their pace); paused, the one picture at the rewound epoch."""
    trainer = live.trainer
    show_progress(live)
    playing = not live.paused and not live.done and bool(live.reel)  # (no picture yet: still compiling)
    pictures = _new_pictures(live) if playing else []  # none new: the browser plays on what it has
    if not playing:  # paused, ended or compiling: the model as it stands (or rewound), painted at once
        shown = rewind if live.paused else None
        weights, plane = model_at(trainer, shown)
        epoch = shown if shown is not None else trainer.epoch
        pictures = [(epoch, 0.0, weights, plane)]
    message = live_reel(trainer.config, pictures, trainer.data, trainer.history, run=str(live.run_id), play=playing,
                        show_test=view.show_test, discretize=view.discretize, label_index=view.label_index,
                        cursor_epoch=rewind if live.paused else None)
    live_view(message, key="live-view")


def _compile_twin_probe(trainer: Trainer) -> None:
    """The twin that _new_pictures probes, compiled by the run's thread before its first epoch
    (0.1-2 s): else the page's first poll compiles it, and a Stop clicked then waits for it."""
    if trainer.data.points_train is not None:
        plane_at(trainer, trainer.model.get_weights(), trainer.epoch)


def _new_pictures(live: LiveRun) -> list:
    """(epoch, seconds, weights, plane) of the reel's pictures the browser has not had yet. The
    plane of each is probed on a twin of the model, never on the one training."""
    run, sent = LIVE_SHOWN.get() or (None, 0)
    frames = live.reel_after(sent if run == live.run_id else 0)[-MAX_PICTURES_PER_POLL:]
    if not frames:
        return []
    LIVE_SHOWN.set((live.run_id, frames[-1].number))
    toy = live.trainer.data.points_train is not None
    return [(frame.epoch, frame.seconds, frame.weights,
             plane_at(live.trainer, frame.weights, frame.epoch) if toy else None) for frame in frames]


def show_progress(live: LiveRun) -> None:
    """ "Epoch N of M" as the run goes, with seconds of training so far and, once the pace is
    known, seconds left; "paused" while it is."""
    snapshot = live.latest
    if snapshot is None:
        st.progress(0.0, text="Compiling the network (the first run of a setup takes a few seconds)…")
        return
    text = f"Epoch {snapshot.epoch} of {live.target_epoch}"
    if not live.pace:  # watched, the time is the pace's; fast, it is the training's
        text += f" · {snapshot.elapsed:.1f} s"
    left = training_panel.seconds_left(live)
    if live.paused:
        text += " · paused"
    elif left:
        text += f" · ~{left:.0f} s left"
    fraction = min(1.0, (snapshot.epoch - live.first_epoch) / max(1, live.target_epoch - live.first_epoch))
    st.progress(fraction, text=text)


def train_and_draw(view: PlaygroundView, buttons: RunButtons) -> Trainer | None:
    """Start a run for a click, then draw: the live panel while a run trains or is paused, the
    charts of the model on screen otherwise. Returns that model's trainer once no run is going:
    None when there is none, or when it was trained for another setup (a switched task must not
    show the old classifier's shading over regression points)."""
    trainer = buttons.trainer
    if view.data is not None and (buttons.train_clicked or buttons.continue_clicked or buttons.step_clicked):
        train(view, buttons)
        trainer = training_panel.trainer()
    live = training_panel.live_run()
    shown = trainer if trainer is not None and same_model(trainer.config, view.config) else None
    if live is not None and not live.done:
        with view.slots.progress.container():
            rewind = rewind_epoch(live.trainer, live)
            training_panel.live_panel(partial(draw_live, view, rewind))
        return None
    rewind = None
    if trainer is not None and shown is None:
        view.slots.progress.caption("The model trained before was for another setup, so it is not drawn here: "
                                    "Train trains this one.")
    elif shown is not None:
        with view.slots.progress.container():
            rewind = rewind_epoch(shown, None)
    draw(view, shown, rewind)
    return shown


def train(view: PlaygroundView, buttons: RunButtons) -> None:
    """Start a run: Train from the seeded start, Continue with the trainer on screen (taking on the
    live settings changed since), Step for one epoch and then paused; a trainer for another setup
    is replaced by a fresh one."""
    training_panel.end_run()  # a run still going (Train while it trains) ends and is recorded first
    trainer = buttons.trainer
    if buttons.train_clicked or trainer is None or not buttons.same_setup:
        try:
            trainer = training_panel.fresh_trainer(view.config, view.data)
        except ConfigError as err:
            st.error(f"This network does not fit the data: {err}")
            return
    elif trainer.config != view.config:
        trainer.apply_settings(view.config)  # the run has ended: no thread is training it
    live = training_panel.start_run(trainer, view.config.epochs, chosen_pace(view.config),
                                    paused=buttons.step_clicked, prepare=partial(_compile_twin_probe, trainer))
    if buttons.step_clicked:
        live.step()
    st.rerun()  # the buttons above were drawn before the run began: Pause and Stop must act on it


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
    base = page_address()
    st.markdown("**Share link** — opening it restores every control; Train then gives the same loss curve.")
    if shown is not None and shown.history.changes:
        changed = ", ".join(dict.fromkeys(FIELD_LABELS.get(c.setting, c.setting).lower()
                                          for c in shown.history.changes))
        st.caption(f"This run's {changed} changed while it trained; a link carries one setup, so Train on this link "
                   "gives the curve of its final settings from the start.")
    st.code(f"{base}?{to_query_string(config)}", language=None, wrap_lines=True)
    challenge.make_a_challenge(config)
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
