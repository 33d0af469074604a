"""The Optimizer Lab's two tabs: optimizers walking on a cost surface, and a race on a real network.
The page (app_pages/3_Optimizer_Lab.py) only sets up and calls surfaces_tab() and race_tab(); the
rules between the controls are in nnplay.labs.optimizer.controls (imported as lab_controls: nnplay.ui.controls
is the Playground's setup widgets)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from nnplay.config.catalog import (
    OPTIMIZERS,
    VARIANTS,
    dataset_label,
    race_variants,
    surface_variants,
)
from nnplay.config.schema import CAPS, ConfigError, PlaygroundConfig
from nnplay.data.dataset import DataError
from nnplay.figures import optimizer_lab as figures
from nnplay.labs.optimizer import controls as lab_controls
from nnplay.labs.optimizer.race import Race, lane_advice, winner
from nnplay.labs.optimizer.race import summary_rows as race_rows
from nnplay.labs.optimizer.surfaces import SURFACES, CostSurface
from nnplay.labs.optimizer.trajectories import (
    PRESETS,
    Trajectory,
    divergence_advice,
    keras_code,
    run_all,
    stability_note,
    summary_rows,
)
from nnplay.lessons.evidence import remember, surface_try
from nnplay.ui import state, training_panel
from nnplay.ui.datasets import shared_dataset


# ------------------------------------------------------------------ cached work, shared by sessions
@st.cache_data(max_entries=64, show_spinner="Running the optimizers…")
def cached_runs(surface_key: str, start: tuple, learning_rate: float, steps: int, kinds: tuple):
    """Pure numpy results: the same controls in any session give the same paths."""
    return run_all(surface_key, kinds, start, learning_rate, steps)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_grid(surface_key: str):
    return SURFACES[surface_key].grid(figures.GRID_POINTS)


# ================================================================== cost surfaces
@dataclass(frozen=True)
class SurfaceControls:
    """What the cost-surface controls hold on this run."""

    surface: CostSurface
    start: tuple[float, float]
    learning_rate: float
    steps: int
    kinds: list[str]
    shown: int  # how many of the steps are drawn
    animate: bool


def set_controls(surface: str, start, learning_rate: float, steps: int, kinds=None) -> None:
    """Put a whole setup in the controls, drawn to the end (a surface's defaults or a preset)."""
    state.LAB_SURFACE.set(surface)
    state.LAB_X.set(float(start[0]))
    state.LAB_Y.set(float(start[1]))
    state.LAB_LR.set(lab_controls.nearest_rate(learning_rate))
    state.LAB_STEPS.set(int(steps))
    state.LAB_SHOW.set(int(steps))
    if kinds is not None:
        state.LAB_KINDS.set(list(kinds))


def surface_changed() -> None:
    """A new surface brings its own start, learning rate and steps: the old ones may be off its map."""
    surface = SURFACES[state.LAB_SURFACE.get()]
    set_controls(surface.key, surface.default_start, surface.default_lr, surface.default_steps)
    state.LAB_STORY.set(None)


def apply_preset(key: str) -> None:
    preset = PRESETS[key]
    set_controls(preset.surface, preset.start, preset.learning_rate, preset.steps, preset.kinds)
    state.LAB_STORY.set(key)


def start_session() -> None:
    """A session opens on the bowl with every optimizer (asked of the catalog now, so a new one is in)."""
    if not state.LAB_SURFACE.is_set():
        bowl = SURFACES["bowl"]
        set_controls(bowl.key, bowl.default_start, bowl.default_lr, bowl.default_steps, list(surface_variants()))
        state.LAB_STORY.set(None)


def surfaces_tab() -> None:
    start_session()
    preset_buttons()
    controls_column, figures_column = st.columns([1, 3], gap="medium")
    with controls_column:
        chosen = surface_controls()
    with figures_column:
        trajectories = paths(chosen)
    if trajectories:
        cost_column, rate_column = st.columns(2, gap="medium")
        with cost_column:
            cost_per_step(chosen, trajectories)
        with rate_column:
            rate_per_parameter(chosen, trajectories)


def preset_buttons() -> None:
    st.markdown("**The course's two learning-rate stories, one click each:**")
    for column, preset in zip(st.columns(2), PRESETS.values()):
        column.button(preset.title, key=f"preset_{preset.key}", on_click=apply_preset, args=(preset.key,),
                      width="stretch")


def surface_controls() -> SurfaceControls:
    surface = SURFACES[st.selectbox("Cost surface", list(SURFACES), key=state.LAB_SURFACE.name,
                                    format_func=lambda k: SURFACES[k].name, on_change=surface_changed)]
    x_min, x_max, y_min, y_max = surface.box
    start_columns = st.columns(2)
    start_x = start_columns[0].number_input("Start w₁", float(x_min), float(x_max), step=0.1, format="%.3f",
                                            key=state.LAB_X.name)
    start_y = start_columns[1].number_input("Start w₂", float(y_min), float(y_max), step=0.1, format="%.3f",
                                            key=state.LAB_Y.name)
    learning_rate = st.select_slider("Learning rate (shared by all)", lab_controls.LEARNING_RATES,
                                     key=state.LAB_LR.name, format_func=lambda v: f"{v:g}")
    steps = int(st.number_input("Steps", *lab_controls.STEPS, step=10, key=state.LAB_STEPS.name))
    # Pills that wrap, not a multiselect: in a column both hide what does not fit on one row.
    kinds = st.pills("Optimizers", list(surface_variants()), selection_mode="multi", key=state.LAB_KINDS.name,
                     format_func=lambda k: VARIANTS[k].label, wrap=True) or []
    # Set before the slider is drawn: a widget's state cannot change after it is.
    if lab_controls.shown_follows_steps(state.LAB_SHOW.get(steps), state.LAB_SHOW_ALL.get(), steps):
        state.LAB_SHOW.set(steps)
    state.LAB_SHOW_ALL.set(steps)
    shown = st.slider("Show the first N steps", 0, steps, key=state.LAB_SHOW.name,
                      help="Step through a run: drag to watch the paths grow.")
    animate = st.toggle("Play button on the plot", key=state.LAB_ANIMATE.name,
                        help="Adds an animation the browser plays by itself (a heavier figure).")
    return SurfaceControls(surface, (float(start_x), float(start_y)), float(learning_rate), steps, kinds, shown,
                           animate)


def paths(chosen: SurfaceControls) -> list[Trajectory]:
    """The contour plot with the paths, what went wrong on them, and their table. [] if nothing ran."""
    surface = chosen.surface
    st.latex(surface.formula)
    st.caption(surface.description)
    if not chosen.kinds:
        st.warning("Choose at least one optimizer.")
        return []
    try:
        trajectories = cached_runs(surface.key, chosen.start, chosen.learning_rate, chosen.steps,
                                   tuple(chosen.kinds))
    except ValueError as err:  # said here, so the race tab still renders
        st.error(str(err))
        return []
    if not trajectories:
        return []
    for trajectory in trajectories:  # for lesson 8's check
        remember(state.SURFACE_TRIES.setdefault([]), surface_try(surface, trajectory))

    story = PRESETS.get(state.LAB_STORY.get() or "")
    if story is not None and lab_controls.story_applies(story, surface.key, chosen.learning_rate, chosen.steps,
                                                        chosen.start):
        st.info(f"**{story.title}.** " + story.story(surface, trajectories))
    for t in trajectories:
        if t.diverged_at is not None:
            st.warning(divergence_advice(surface, t))

    contour = figures.contour_figure(surface, trajectories, n_steps=chosen.shown, grid=cached_grid(surface.key),
                                     animate=chosen.animate)
    st.plotly_chart(contour, key="lab_contour", width="stretch")
    usual = {k: OPTIMIZERS[VARIANTS[k].optimizer].typical_lr for k in chosen.kinds}
    typical = ", ".join(f"{VARIANTS[k].label} {low:g}–{high:g}" for k, (low, high) in usual.items())
    st.caption(f"Every optimizer here uses the same learning rate, {chosen.learning_rate:g}, so their paths "
               f"compare like for like; in practice each has its own usual range ({typical}). "
               "Momentum and Nesterov use momentum 0.9, RMSprop ρ = 0.9, Adam Keras's defaults.")
    note = stability_note(surface, chosen.kinds)
    if note:
        st.caption(note)

    numbers = st.column_config.NumberColumn(format="%.4g")
    st.dataframe(pd.DataFrame(summary_rows(surface, trajectories)), hide_index=True, width="stretch",
                 column_config={"final w₁": numbers, "final w₂": numbers, "final cost J": numbers})
    return trajectories


def cost_per_step(chosen: SurfaceControls, trajectories: list[Trajectory]) -> None:
    st.subheader("Cost per step")
    st.plotly_chart(figures.cost_figure(chosen.surface, trajectories, n_steps=chosen.shown), key="lab_cost",
                    width="stretch")
    st.caption(r"$J - J_{\min}$ on a log axis: a straight falling line is steady (linear) convergence; a "
               "rising one is divergence.")


def rate_per_parameter(chosen: SurfaceControls, trajectories: list[Trajectory]) -> None:
    """One optimizer's effective rate (or step size) per parameter, and its first step in numbers."""
    learning_rate, kinds = chosen.learning_rate, chosen.kinds
    st.subheader("One learning rate per parameter")
    st.markdown("Gradient descent moves every parameter by lr × its gradient: one rate for all. Adam (and "
                "RMSprop, Adagrad) divide by each parameter's own running size of gradients, so w₁ and w₂ "
                "effectively get different learning rates. A step's effective rate is −Δw / g.")
    chooser, quantity_column = st.columns(2)
    kind = chooser.selectbox("Optimizer", kinds, key=state.LAB_RATE_KIND.name,
                             index=kinds.index("adam") if "adam" in kinds else 0,
                             format_func=lambda k: VARIANTS[k].label)
    quantity = quantity_column.radio("Show", ["rate", "size"], key=state.LAB_RATE_QUANTITY.name,
                                     format_func=lambda q: "effective rate −Δw/g" if q == "rate"
                                     else "step size |Δw|")
    trajectory = next(t for t in trajectories if t.kind == kind)
    st.plotly_chart(figures.step_size_figure(trajectory, quantity, reference_lr=learning_rate, n_steps=chosen.shown),
                    key="lab_rates", width="stretch")
    if quantity == "rate":
        st.caption("Where a gradient passes through zero, −Δw/g shoots up and changes sign (momentum keeps "
                   "the parameter moving while g ≈ 0); the log axis shows the positive part.")
    if trajectory.steps >= 1:
        g, delta = trajectory.gradients[0], trajectory.deltas[0]
        st.markdown(f"**First step of {trajectory.label}** from ({trajectory.positions[0, 0]:g}, "
                    f"{trajectory.positions[0, 1]:g}):")
        st.dataframe(pd.DataFrame({"parameter": ["w₁", "w₂"], "gradient g": g, "step Δw": delta,
                                   "−Δw / g": trajectory.effective_rates[0]}),
                     hide_index=True, width="stretch")
        if trajectory.kind == "adam":
            ratio = f"{abs(g[1] / g[0]):.3g}" if g[0] else "∞"
            st.caption(f"With bias correction Adam's first step is ≈ lr · sign(g) = ±{learning_rate:g} for "
                       f"each parameter, whatever the size of its gradient: the two gradients differ by a "
                       f"factor {ratio}, the two steps do not.")
        elif trajectory.kind == "sgd":
            st.caption(f"Gradient descent's effective rate is the learning rate, {learning_rate:g}, for both.")
    with st.expander("The Keras code of this run"):
        st.code(keras_code(chosen.surface, trajectory.kind, chosen.start, learning_rate, chosen.steps),
                language="python")


# ================================================================== the race
def race_tab() -> None:
    st.markdown("The same data, the same initial weights and the same batches for every optimizer — only the "
                "optimizer differs (ConvNetJS's trainer comparison, in Keras). Each lane is an ordinary "
                "nnplay training run; the weights and batch order are seeded by the seed below.")
    base, target = race_setup()
    racers = st.pills("Optimizers in the race", list(race_variants()), selection_mode="multi",
                      default=list(lab_controls.OPENING_RACERS), key=state.RACE_RACERS.name,
                      format_func=lambda k: VARIANTS[k].lane_label, wrap=True) or []
    rates = race_rates(racers)
    training_panel.collect_job(state.RACE_JOB, keep_race_result)
    if st.button("Start the race", type="primary", disabled=not racers, key="race_start"):
        if not run_race(base, [(key, rates[key]) for key in racers], target):
            return  # the problem is said; an older race's result below would look like this one's
    if training_panel.job_panel(state.RACE_JOB, "The race"):
        return  # its result comes when it ends
    show_race_result()


def race_setup() -> tuple[PlaygroundConfig, float]:
    """The config all lanes share, and the target train loss, from the race's widgets."""
    data_column, net_column, run_column = st.columns(3)
    dataset = data_column.selectbox("Data", lab_controls.race_datasets(), format_func=dataset_label,
                                    key=state.RACE_DATA.name)
    n_samples = int(data_column.number_input("Points", 100, 2000, 300, step=50, key=state.RACE_POINTS.name))
    noise = data_column.slider("Noise", 0.0, 0.5, 0.1, step=0.05, key=state.RACE_NOISE.name)
    network = net_column.selectbox("Hidden layers", list(lab_controls.NETWORKS), key=state.RACE_NET.name)
    batch_size = net_column.selectbox("Batch size", list(lab_controls.BATCH_SIZES), key=state.RACE_BATCH.name,
                                      format_func=lambda b: "full batch" if b == 0 else str(b))
    seed = int(net_column.number_input("Seed (weights, batches)", 0, CAPS["seed"][1], 0, key=state.RACE_SEED.name))
    epochs = int(run_column.number_input("Epochs", 5, 500, 100, step=5, key=state.RACE_EPOCHS.name))
    target = run_column.number_input("Target train loss", 0.001, 5.0, 0.3, step=0.05, format="%.3f",
                                     key=state.RACE_TARGET.name)
    return lab_controls.race_config(dataset, n_samples, noise, network, batch_size, epochs, seed), float(target)


def race_rates(racers: list[str]) -> dict[str, float]:
    """One learning-rate input per racer, opening at the catalog's race rate for it."""
    if not racers:
        return {}
    adam, adam_default = VARIANTS["adam"], OPTIMIZERS["adam"].default_lr
    st.caption("Each optimizer starts at a learning rate that suits these small networks, inside its usual "
               f"range. Adam starts at {adam.race_lr:g}, {adam.race_lr / adam_default:g} times Keras's default "
               f"{adam_default:g}: Adam moves every weight by about lr per batch whatever its gradient, and "
               f"{adam_default:g} is a small step for this problem (try it and watch it come last). "
               "Change any of them.")
    rates = {}
    for column, key in zip(st.columns(len(racers)), racers):
        variant, optimizer = VARIANTS[key], OPTIMIZERS[VARIANTS[key].optimizer]
        low, high = optimizer.typical_lr
        rates[key] = column.number_input(f"{variant.lane_label} lr", CAPS["learning_rate"][0],
                                         CAPS["learning_rate"][1], variant.race_lr, step=0.001, format="%.4g",
                                         key=state.race_lr(key).name,
                                         help=f"usually {low:g} – {high:g}; Keras's default is "
                                              f"{optimizer.default_lr:g}")
    return rates


def run_race(base: PlaygroundConfig, entries: list[tuple[str, float]], target: float) -> bool:
    """Train the lanes one after another under a progress bar and keep the result; False (and an
    error on the page) if the setup cannot run."""
    try:
        data = shared_dataset(base)
        race = Race(base, entries, data)
    except (ConfigError, DataError, ValueError) as err:
        st.error(str(err))
        return False
    training_panel.start_job(state.RACE_JOB, lambda progress: (race.run_until(progress), target))
    return True


def keep_race_result(job) -> None:
    """The race has ended: its lanes are the result on screen (cut short: said so)."""
    lanes, target = job.result
    state.RACE_RESULT.set((lanes, target))
    if job.ended == "time_budget":
        state.RACE_NOTICE.set(training_panel.BUDGET_NOTE.format(seconds=job.seconds))
    elif job.ended == "stopped":
        state.RACE_NOTICE.set("Stopped: the lanes show what they trained so far.")
    else:
        state.RACE_NOTICE.pop()


def show_race_result() -> None:
    result = state.RACE_RESULT.get()
    if result is None:
        return
    lanes, target = result
    notice = state.RACE_NOTICE.get()
    if notice:
        st.info(notice, icon=":material/timer:")
    log_y = st.toggle("Log scale", key=state.RACE_LOG.name)
    st.plotly_chart(figures.race_figure(lanes, target, log_y=log_y), key="race_curves", width="stretch")
    st.dataframe(pd.DataFrame(race_rows(lanes, target)), hide_index=True, width="stretch")
    best = winner(lanes, target)
    if best is None:
        st.info(f"No optimizer reached a train loss of {target:g} in {len(lanes[0].train_loss)} epochs. "
                "Train longer, raise the target or try other learning rates; if none gets there, the network "
                "may be too small for this data (try 8-8 ReLU).")
    else:
        st.success(f"{best.label} (lr {best.learning_rate:g}) reached a train loss of {target:g} first, "
                   f"after {best.epochs_to(target)} epochs.")
    for lane in lanes:
        advice = lane_advice(lane, target)
        if advice:
            (st.warning if lane.status == "diverged" else st.info)(advice)
