"""The session's state: every st.session_state key of the app declared once (the Keys below, with
what each holds), and the session's config, mirrored into widgets and the URL.

Flow: URL → decode → config → widgets; a widget change → its
on_change callback rebuilds the config → the URL is rewritten from it. The
config is the single source of truth; widget keys only mirror it.

A key the code reads or writes is a `Key` here; a widget whose value the code reads through the
session state takes `key=SOME_KEY.name`. (The config's own widgets take keys derived from their
field, nnplay.ui.controls.key(field) = "w.<field>"; charts and buttons whose value is only returned
by the call keep a literal key where they are placed.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import streamlit as st

from nnplay.config.links import COMPANION_KEYS, decode, encode
from nnplay.config.schema import ConfigError, PlaygroundConfig, validate
from nnplay.ui.text import plain_markdown

if TYPE_CHECKING:  # only for the annotations: the home page imports this module, and no TensorFlow
    from nnplay.engine.live import BackgroundJob, LiveRun
    from nnplay.engine.pool import Lease
    from nnplay.engine.training import Trainer
    from nnplay.labs.activation.experiments import Comparison
    from nnplay.labs.optimizer.race import Lane
    from nnplay.lessons.evidence import DoubleSoftmaxTry, SoftmaxTry, StabilityTry, SurfaceTry
    from nnplay.lessons.progress import Progress
    from nnplay.lessons.records import Verdict

T = TypeVar("T")


@dataclass(frozen=True)
class Key(Generic[T]):
    """One entry of st.session_state: its name and what it holds."""

    name: str
    holds: str  # what the value is, for a reader of the table below

    def get(self, default: T | None = None) -> T | None:
        return st.session_state.get(self.name, default)

    def set(self, value: T) -> None:
        st.session_state[self.name] = value

    def setdefault(self, value: T) -> T:
        return st.session_state.setdefault(self.name, value)

    def pop(self) -> T | None:
        return st.session_state.pop(self.name, None)

    def is_set(self) -> bool:
        return self.name in st.session_state


# ---- the setup (this module)
CONFIG: Key[PlaygroundConfig] = Key("config", "the session's PlaygroundConfig, the single source of truth")
LINK_NOTICE: Key[list[str]] = Key("link_notice", "the warnings of the link the session opened with")
REFUSAL: Key[tuple[str | None, str]] = Key("config_error", "(control's field or None, why) of the last refused change")
# ---- saving and loading (nnplay.ui.saving)
CONFIG_LOADED: Key[str] = Key("config_loaded", "the file id of the config file last applied")
MODEL_LOADED: Key[tuple[str, str | None]] = Key("model_upload_outcome",
                                                "(file id, refusal or None): each model file is read once")
# ---- training on the Playground (nnplay.ui.training_panel)
TRAINER: Key[Trainer] = Key("trainer", "the Trainer of the Playground's model")
TRAINER_LEASE: Key[Lease] = Key("trainer_lease", "the pool lease that keeps TRAINER out of other hands")
RUNS: Key[list] = Key("runs", "the session's finished runs (nnplay.engine.runs.RunRecord), oldest first")
LIVE: Key[LiveRun] = Key("live", "the run training in the background, while there is one")
SPEED: Key[str] = Key("speed", "segmented control: 'Watch' (paced, to see it learn) or 'Fast' (as fast as it goes)")
PACE: Key[float] = Key("pace", "select slider: epochs a second while watching")
LIVE_SHOWN: Key[tuple[int, int]] = Key("live_shown", "(LiveRun.run_id, number of the last reel picture sent)")
REWIND: Key[int] = Key("rewind", "select slider 'Epoch': the keyframe epoch shown instead of the latest")
# ---- the Playground's view (widgets)
SHOW_TEST: Key[bool] = Key("show_test", "toggle: draw the test points too")
OVERLAYS: Key[list[int]] = Key("overlays", "multiselect: the numbers of earlier runs drawn over the curves")
DISCRETIZE: Key[bool] = Key("discretize", "toggle: shade the output by its decision (flat steps), not smoothly")
EXPORT_STRATEGY: Key[str | None] = Key("export_strategy", "selectbox: the tf.distribute strategy of the Keras code")
# ---- the Softmax Inspector (nnplay.ui.inspector)
INSPECTOR_TRAINERS: Key[dict[str, Trainer]] = Key("inspector_trainers", "model choice → a Trainer trained here")
INSPECTOR_LEASES: Key[dict[str, Lease]] = Key("inspector_leases", "model choice → the pool lease of that Trainer")
INSPECTOR_JOB: Key[BackgroundJob] = Key("inspector_job", "(model choice, lease) training in the background")
INSPECTOR_SOURCE: Key[str] = Key("inspector_source", "radio: which model the Inspector looks at")
INSPECTOR_INDEX: Key[int] = Key("inspector_index", "the test example shown")
INSPECTOR_X1: Key[float] = Key("inspector_x1", "number input: x₁ of the point picked on the plane")
INSPECTOR_X2: Key[float] = Key("inspector_x2", "number input: x₂ of the point picked on the plane")
INSPECTOR_PLANE: Key[Any] = Key("inspector_plane", "plotly chart: the point clicked on the input plane")
INSPECTOR_PLANES: Key[dict] = Key("inspector_planes", "model → its input plane, probed once")
CONFUSION: Key[Any] = Key("confusion", "plotly chart: the confusion-matrix cell clicked")
INSPECTOR_TRUE: Key[int] = Key("inspector_true", "selectbox: the true class of the mistakes listed")
INSPECTOR_PREDICTED: Key[int] = Key("inspector_predicted", "selectbox: the predicted class of the mistakes listed")
# ---- the Optimizer Lab: cost surfaces (nnplay.ui.optimizer_lab)
LAB_SURFACE: Key[str] = Key("lab_surface", "selectbox: the cost surface")
LAB_X: Key[float] = Key("lab_x", "number input: the start's w₁")
LAB_Y: Key[float] = Key("lab_y", "number input: the start's w₂")
LAB_LR: Key[float] = Key("lab_lr", "select slider: the learning rate")
LAB_STEPS: Key[int] = Key("lab_steps", "number input: how many steps")
LAB_SHOW: Key[int] = Key("lab_show", "slider: how many of the steps are drawn")
LAB_SHOW_ALL: Key[int] = Key("lab_show_all", "the step count LAB_SHOW last followed (it follows while at the end)")
LAB_KINDS: Key[list[str]] = Key("lab_kinds", "pills: the optimizer variants on the surface")
LAB_STORY: Key[str | None] = Key("lab_story", "the preset whose story is told, until a control changes")
LAB_ANIMATE: Key[bool] = Key("lab_animate", "toggle: a Play button (an animation) on the contour plot")
LAB_RATE_KIND: Key[str] = Key("lab_rate_kind", "selectbox: the optimizer whose per-parameter steps are drawn")
LAB_RATE_QUANTITY: Key[str] = Key("lab_rate_quantity", "radio: draw the effective rate ('rate') or |Δw| ('size')")
# ---- the Optimizer Lab: the race
RACE_DATA: Key[str] = Key("race_data", "selectbox: the race's toy dataset")
RACE_POINTS: Key[int] = Key("race_points", "number input: how many points")
RACE_NOISE: Key[float] = Key("race_noise", "slider: the data's noise")
RACE_NET: Key[str] = Key("race_net", "selectbox: the hidden layers (a name of labs.optimizer.controls.NETWORKS)")
RACE_BATCH: Key[int] = Key("race_batch", "selectbox: the batch size, 0 = full batch")
RACE_SEED: Key[int] = Key("race_seed", "number input: the seed of the weights and batches")
RACE_EPOCHS: Key[int] = Key("race_epochs", "number input: how many epochs each lane trains")
RACE_TARGET: Key[float] = Key("race_target", "number input: the train loss the lanes race to")
RACE_RACERS: Key[list[str]] = Key("race_racers", "pills: the optimizer variants in the race")
RACE_LOG: Key[bool] = Key("race_log", "toggle: the race's loss curves on a log axis")
RACE_RESULT: Key[tuple[list[Lane], float]] = Key("race_result", "(the lanes of the last race, its target loss)")
RACE_JOB: Key[BackgroundJob] = Key("race_job", "the race running in the background, while it runs")
RACE_NOTICE: Key[str] = Key("race_notice", "how the last race was cut short (Stop, the time limit), if it was")


def race_lr(variant: str) -> Key[float]:
    """number input: the learning rate of one lane of the race (one key per variant)."""
    return Key(f"race_lr_{variant}", f"number input: the race's learning rate for {variant}")


# ---- the Activation Lab (nnplay.ui.activation_lab)
ACTIVATION_COMPARISON: Key[Comparison] = Key("actlab_comparison", "the last linear-vs-ReLU comparison trained")
ACTIVATION_JOB: Key[BackgroundJob] = Key("actlab_job", "the comparison training in the background, while it trains")
ACTIVATION_NOTICE: Key[str] = Key("actlab_notice", "why the last comparison has no result (stopped), said once")

# ---- what the labs tried, for the lessons' checks (nnplay.lessons.evidence; the latest MAX_TRIES each)
SOFTMAX_TRIES: Key[list[SoftmaxTry]] = Key("softmax_tries", "scores typed into the Activation Lab's softmax")
STABILITY_TRIES: Key[list[StabilityTry]] = Key("stability_tries", "logit scales tried in the Inspector")
SURFACE_TRIES: Key[list[SurfaceTry]] = Key("surface_tries", "optimizer runs on the Optimizer Lab's cost surfaces")
DOUBLE_SOFTMAX_TRIES: Key[list[DoubleSoftmaxTry]] = Key("double_softmax_tries", "lesson 10's fixes, trained")
# ---- the Lessons page (nnplay.ui.lessons)
PROGRESS: Key[Progress] = Key("lesson_progress", "the lesson open and the lessons done (also in the page's link)")
PROGRESS_NOTICE: Key[list[str]] = Key("lesson_progress_notice", "what the Lessons link had that could not be used")
ANSWERS: Key[dict[str, str]] = Key("lesson_answers", "Question.key -> the option the learner chose")
VERDICTS: Key[dict[int, Verdict]] = Key("lesson_verdicts", "lesson number -> its last check's verdict")
LESSON_CHOICE: Key[int] = Key("lesson_choice", "radio: the lesson shown")


def current_config() -> PlaygroundConfig:
    """The session's config; on a session's first run it comes from the page's link."""
    if not CONFIG.is_set():
        config, warnings = decode(link_params())
        CONFIG.set(config)
        LINK_NOTICE.set(warnings)
    return CONFIG.get()


def set_config(config: PlaygroundConfig, changed: str | None = None) -> bool:
    """Replace the session's config if it is valid; otherwise keep the old one and remember why,
    in a learner's words, for the control `changed` (a widget's field) to show under itself."""
    try:
        validate(config)
    except ConfigError as err:
        REFUSAL.set((changed, err.explained()))
        return False
    REFUSAL.set(None)
    CONFIG.set(config)
    return True


def take_refusal(control: str | None) -> str | None:
    """The refused change made with `control`, handed out once: shown after the click that caused
    it, gone on the next run (the control is back at the config's value, so nothing is pending)."""
    refusal = REFUSAL.get()
    if refusal is None or refusal[0] != control:
        return None
    REFUSAL.set(None)
    return refusal[1]


def link_params() -> dict[str, list[str]]:
    """Every value of every query key. st.query_params.to_dict() keeps only the last value of a
    repeated key, which would hide `?seed=1&seed=2` from decode's "given twice" warning."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def sync_url(config: PlaygroundConfig) -> None:
    """Rewrite the page's query string when the config changed (Streamlit updates the browser URL)."""
    write_query(encode(config) | companions())


def write_query(wanted: dict[str, str]) -> None:
    """Make the page's query string exactly `wanted` (Streamlit updates the browser URL), if it is not."""
    # Compared with every value, so a repeated key or a stray unknown key is cleaned away too.
    if link_params() != {name: [value] for name, value in wanted.items()}:
        st.query_params.from_dict(wanted)


def page_address() -> str:
    """This page's address without its query string, for the links the page writes."""
    return str(st.context.url or "").split("?")[0]


def companions() -> dict[str, str]:
    """The link's lesson and challenge keys (links.COMPANION_KEYS), kept when the setup's URL is rewritten."""
    return {name: st.query_params[name] for name in COMPANION_KEYS if name in st.query_params}


def notice_markdown(intro: str, warnings: list[str]) -> str:
    """A bulleted notice whose items (which quote the link) are shown literally."""
    return intro + "\n\n" + "\n".join(f"- {plain_markdown(warning)}" for warning in warnings)


def show_notices() -> None:
    """Link warnings (fields ignored) and the last refused change, once each."""
    warnings = LINK_NOTICE.get() or []
    if warnings:
        st.warning(notice_markdown("Parts of this link could not be used; defaults were taken instead:", warnings),
                   icon=":material/link_off:")
    refusal = take_refusal(None)  # one no control claims (a config file, a lesson); controls show their own
    if refusal:
        st.error(f"That change was not applied: {plain_markdown(refusal)}", icon=":material/block:")
