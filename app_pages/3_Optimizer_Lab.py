"""Optimizer Lab: Keras's optimizers on two-parameter cost surfaces, and a race on a real network."""

import math

import pandas as pd
import streamlit as st

st.set_page_config(page_title="Optimizer Lab · nnplay", page_icon="🏔️", layout="wide")

from nnplay.config.catalog import (  # noqa: E402
    OPTIMIZERS,
    VARIANTS,
    dataset_label,
    datasets_for,
    is_toy,
    race_variants,
    surface_variants,
)
from nnplay.config.schema import (  # noqa: E402  # noqa: E402
    CAPS,
    ConfigError,
    HiddenLayer,
    PlaygroundConfig,
    data_part,
)
from nnplay.data.dataset import DataError  # noqa: E402
from nnplay.data.load import load_dataset  # noqa: E402
from nnplay.figures import optimizer_lab as lab_plots  # noqa: E402
from nnplay.labs.optimizer.race import Race, lane_advice, winner  # noqa: E402
from nnplay.labs.optimizer.race import summary_rows as race_rows  # noqa: E402
from nnplay.labs.optimizer.surfaces import SURFACES  # noqa: E402
from nnplay.labs.optimizer.trajectories import (  # noqa: E402  # noqa: E402
    PRESETS,
    divergence_advice,
    keras_code,
    run_all,
    stability_note,
    summary_rows,
)

# Log-spaced learning rates, with both sides of the bowl's stability limits (Nesterov 0.68, gradient
# descent 1, momentum 1.9) and the bowl's opening rate, 0.6.
LEARNING_RATES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.9,
                  1.0, 1.05, 1.2, 1.5, 2.0)
STEPS = (1, 2000)
NETWORKS = {
    "4-2 tanh (TF Playground's default)": (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh")),
    "8-8 ReLU": (HiddenLayer(8, "relu"), HiddenLayer(8, "relu")),
    "16 tanh": (HiddenLayer(16, "tanh"),),
}
DEFAULT_RACERS = ["sgd", "momentum", "adam"]


def nearest_rate(value: float) -> float:
    return min(LEARNING_RATES, key=lambda rate: abs(math.log(rate) - math.log(value)))


# ------------------------------------------------------------------ state and callbacks
def set_controls(surface: str, start, learning_rate: float, steps: int, kinds=None) -> None:
    state = st.session_state
    state["lab_surface"] = surface
    state["lab_x"], state["lab_y"] = float(start[0]), float(start[1])
    state["lab_lr"] = nearest_rate(learning_rate)
    state["lab_steps"] = int(steps)
    state["lab_show"] = int(steps)
    if kinds is not None:
        state["lab_kinds"] = list(kinds)


def surface_changed() -> None:
    surface = SURFACES[st.session_state["lab_surface"]]
    set_controls(surface.key, surface.default_start, surface.default_lr, surface.default_steps)
    st.session_state["lab_story"] = None


def apply_preset(key: str) -> None:
    preset = PRESETS[key]
    set_controls(preset.surface, preset.start, preset.learning_rate, preset.steps, preset.kinds)
    st.session_state["lab_story"] = key


if "lab_surface" not in st.session_state:
    bowl = SURFACES["bowl"]
    set_controls(bowl.key, bowl.default_start, bowl.default_lr, bowl.default_steps, list(surface_variants()))
    st.session_state["lab_story"] = None


@st.cache_data(max_entries=64, show_spinner="Running the optimizers…")
def cached_runs(surface_key: str, start: tuple, learning_rate: float, steps: int, kinds: tuple):
    """Pure numpy results: the same controls in any session give the same paths."""
    return run_all(surface_key, kinds, start, learning_rate, steps)


@st.cache_data(max_entries=8, show_spinner=False)
def cached_grid(surface_key: str):
    return SURFACES[surface_key].grid(lab_plots.GRID_POINTS)


@st.cache_data(max_entries=8, show_spinner="Loading data…")
def cached_dataset(_config: PlaygroundConfig, data_key: tuple):
    return load_dataset(_config)


st.title("Optimizer Lab")
st.markdown("Watch Keras's own optimizers — `SGD` (plain, momentum, Nesterov), `RMSprop`, `Adagrad`, `Adam` — "
            "walk downhill on a cost surface of two parameters, then race them on a real network.")
surface_tab, race_tab = st.tabs(["Cost surfaces", "Race on a real network"])

# ================================================================== cost surfaces
with surface_tab:
    st.markdown("**The course's two learning-rate stories, one click each:**")
    buttons = st.columns(2)
    for column, preset in zip(buttons, PRESETS.values()):
        column.button(preset.title, key=f"preset_{preset.key}", on_click=apply_preset, args=(preset.key,),
                      width="stretch")

    controls, figures = st.columns([1, 3], gap="medium")
    with controls:
        surface = SURFACES[st.selectbox("Cost surface", list(SURFACES), key="lab_surface",
                                        format_func=lambda k: SURFACES[k].name, on_change=surface_changed)]
        x_min, x_max, y_min, y_max = surface.box
        start_columns = st.columns(2)
        start_x = start_columns[0].number_input("Start w₁", float(x_min), float(x_max), step=0.1, format="%.3f",
                                                key="lab_x")
        start_y = start_columns[1].number_input("Start w₂", float(y_min), float(y_max), step=0.1, format="%.3f",
                                                key="lab_y")
        learning_rate = st.select_slider("Learning rate (shared by all)", LEARNING_RATES, key="lab_lr",
                                         format_func=lambda v: f"{v:g}")
        steps = int(st.number_input("Steps", *STEPS, step=10, key="lab_steps"))
        # Pills that wrap, not a multiselect: in a column both hide what does not fit on one row.
        kinds = st.pills("Optimizers", list(surface_variants()), selection_mode="multi", key="lab_kinds",
                         format_func=lambda k: VARIANTS[k].label, wrap=True) or []
        # Keep "show all" meaning all when the number of steps changes; never show more than ran.
        shown_before = st.session_state.get("lab_show", steps)
        if shown_before > steps or shown_before == st.session_state.get("lab_show_all"):
            st.session_state["lab_show"] = steps
        st.session_state["lab_show_all"] = steps
        shown = st.slider("Show the first N steps", 0, steps, key="lab_show",
                          help="Step through a run: drag to watch the paths grow.")
        animate = st.toggle("Play button on the plot", key="lab_animate",
                            help="Adds an animation the browser plays by itself (a heavier figure).")

    with figures:
        st.latex(surface.formula)
        st.caption(surface.description)
        trajectories = []  # a problem is said here; the race tab still renders
        if not kinds:
            st.warning("Choose at least one optimizer.")
        else:
            try:
                trajectories = cached_runs(surface.key, (float(start_x), float(start_y)), float(learning_rate),
                                           steps, tuple(kinds))
            except ValueError as err:
                st.error(str(err))

        if trajectories:
            story = PRESETS.get(st.session_state.get("lab_story") or "")
            if story is not None and (story.surface, story.learning_rate, story.steps, tuple(story.start)) == (
                    surface.key, learning_rate, steps, (start_x, start_y)):
                st.info(f"**{story.title}.** " + story.story(surface, trajectories))
            for t in trajectories:
                if t.diverged_at is not None:
                    st.warning(divergence_advice(surface, t))

            contour = lab_plots.contour_figure(surface, trajectories, n_steps=shown, grid=cached_grid(surface.key),
                                               animate=animate)
            st.plotly_chart(contour, key="lab_contour", width="stretch")
            usual = {k: OPTIMIZERS[VARIANTS[k].optimizer].typical_lr for k in kinds}
            typical = ", ".join(f"{VARIANTS[k].label} {low:g}–{high:g}" for k, (low, high) in usual.items())
            st.caption(f"Every optimizer here uses the same learning rate, {learning_rate:g}, so their paths compare "
                       f"like for like; in practice each has its own usual range ({typical}). "
                       "Momentum and Nesterov use momentum 0.9, RMSprop ρ = 0.9, Adam Keras's defaults.")
            if stability_note(surface, kinds):
                st.caption(stability_note(surface, kinds))

            numbers = st.column_config.NumberColumn(format="%.4g")
            st.dataframe(pd.DataFrame(summary_rows(surface, trajectories)), hide_index=True, width="stretch",
                         column_config={"final w₁": numbers, "final w₂": numbers, "final cost J": numbers})

    # -------------------------------------------------------------- cost per step, rate per parameter
    if trajectories:
        cost_column, rate_column = st.columns(2, gap="medium")
        with cost_column:
            st.subheader("Cost per step")
            st.plotly_chart(lab_plots.cost_figure(surface, trajectories, n_steps=shown), key="lab_cost",
                            width="stretch")
            st.caption(r"$J - J_{\min}$ on a log axis: a straight falling line is steady (linear) convergence; a "
                       "rising one is divergence.")

        with rate_column:
            st.subheader("One learning rate per parameter")
            st.markdown("Gradient descent moves every parameter by lr × its gradient: one rate for all. Adam (and "
                        "RMSprop, Adagrad) divide by each parameter's own running size of gradients, so w₁ and w₂ "
                        "effectively get different learning rates. A step's effective rate is −Δw / g.")
            chooser, quantity_column = st.columns(2)
            per_param_kind = chooser.selectbox("Optimizer", kinds, key="lab_rate_kind",
                                               index=kinds.index("adam") if "adam" in kinds else 0,
                                               format_func=lambda k: VARIANTS[k].label)
            quantity = quantity_column.radio("Show", ["rate", "size"], key="lab_rate_quantity",
                                             format_func=lambda q: "effective rate −Δw/g" if q == "rate"
                                             else "step size |Δw|")
            chosen = next(t for t in trajectories if t.kind == per_param_kind)
            st.plotly_chart(lab_plots.step_size_figure(chosen, quantity, reference_lr=learning_rate, n_steps=shown),
                            key="lab_rates", width="stretch")
            if quantity == "rate":
                st.caption("Where a gradient passes through zero, −Δw/g shoots up and changes sign (momentum keeps "
                           "the parameter moving while g ≈ 0); the log axis shows the positive part.")
            if chosen.steps >= 1:
                g, delta = chosen.gradients[0], chosen.deltas[0]
                st.markdown(f"**First step of {chosen.label}** from ({chosen.positions[0, 0]:g}, "
                            f"{chosen.positions[0, 1]:g}):")
                st.dataframe(pd.DataFrame({"parameter": ["w₁", "w₂"], "gradient g": g, "step Δw": delta,
                                           "−Δw / g": chosen.effective_rates[0]}),
                             hide_index=True, width="stretch")
                if chosen.kind == "adam":
                    ratio = f"{abs(g[1] / g[0]):.3g}" if g[0] else "∞"
                    st.caption(f"With bias correction Adam's first step is ≈ lr · sign(g) = ±{learning_rate:g} for "
                               f"each parameter, whatever the size of its gradient: the two gradients differ by a "
                               f"factor {ratio}, the two steps do not.")
                elif chosen.kind == "sgd":
                    st.caption(f"Gradient descent's effective rate is the learning rate, {learning_rate:g}, for both.")
            with st.expander("The Keras code of this run"):
                st.code(keras_code(surface, chosen.kind, (start_x, start_y), learning_rate, steps), language="python")


# ================================================================== the race
with race_tab:
    st.markdown("The same data, the same initial weights and the same batches for every optimizer — only the "
                "optimizer differs (ConvNetJS's trainer comparison, in Keras). Each lane is an ordinary "
                "nnplay training run; the weights and batch order are seeded by the seed below.")
    data_column, net_column, run_column = st.columns(3)
    dataset = data_column.selectbox("Data", [d for d in datasets_for("binary") if is_toy(d)], format_func=dataset_label, key="race_data")
    n_samples = int(data_column.number_input("Points", 100, 2000, 300, step=50, key="race_points"))
    noise = data_column.slider("Noise", 0.0, 0.5, 0.1, step=0.05, key="race_noise")
    network = net_column.selectbox("Hidden layers", list(NETWORKS), key="race_net")
    batch_size = net_column.selectbox("Batch size", [10, 32, 0], key="race_batch",
                                      format_func=lambda b: "full batch" if b == 0 else str(b))
    seed = int(net_column.number_input("Seed (weights, batches)", 0, CAPS["seed"][1], 0, key="race_seed"))
    epochs = int(run_column.number_input("Epochs", 5, 500, 100, step=5, key="race_epochs"))
    target = run_column.number_input("Target train loss", 0.001, 5.0, 0.3, step=0.05, format="%.3f",
                                     key="race_target")
    racers = st.pills("Optimizers in the race", list(race_variants()), selection_mode="multi", default=DEFAULT_RACERS,
                      key="race_racers", format_func=lambda k: VARIANTS[k].lane_label, wrap=True) or []
    rates = {}
    if racers:
        adam, adam_default = VARIANTS["adam"], OPTIMIZERS["adam"].default_lr
        st.caption("Each optimizer starts at a learning rate that suits these small networks, inside its usual "
                   f"range. Adam starts at {adam.race_lr:g}, {adam.race_lr / adam_default:g} times Keras's default "
                   f"{adam_default:g}: Adam moves every weight by about lr per batch whatever its gradient, and "
                   f"{adam_default:g} is a small step for this problem (try it and watch it come last). "
                   "Change any of them.")
        rate_columns = st.columns(len(racers))
        for column, key in zip(rate_columns, racers):
            variant, optimizer = VARIANTS[key], OPTIMIZERS[VARIANTS[key].optimizer]
            low, high = optimizer.typical_lr
            rates[key] = column.number_input(f"{variant.lane_label} lr", CAPS["learning_rate"][0],
                                             CAPS["learning_rate"][1], variant.race_lr, step=0.001,
                                             format="%.4g",
                                             key=f"race_lr_{key}",
                                             help=f"usually {low:g} – {high:g}; Keras's default is "
                                                  f"{optimizer.default_lr:g}")
    if st.button("Start the race", type="primary", disabled=not racers, key="race_start"):
        base = PlaygroundConfig(dataset=dataset, n_samples=n_samples, noise=noise, hidden=NETWORKS[network],
                                batch_size=batch_size, epochs=epochs, seed=seed)
        try:
            data = cached_dataset(base, data_part(base))
            race = Race(base, [(key, rates[key]) for key in racers], data)
        except (ConfigError, DataError, ValueError) as err:
            st.error(str(err))
            st.stop()
        bar = st.progress(0.0, text="Starting…")
        for update in race.run():
            bar.progress(update.fraction, text=f"{update.label}: epoch {update.epoch} of {update.epochs}")
        bar.empty()
        st.session_state["race_result"] = (race.lanes, float(target))

    result = st.session_state.get("race_result")
    if result is not None:
        lanes, race_target = result
        log_y = st.toggle("Log scale", key="race_log")
        st.plotly_chart(lab_plots.race_figure(lanes, race_target, log_y=log_y), key="race_curves",
                        width="stretch")
        st.dataframe(pd.DataFrame(race_rows(lanes, race_target)), hide_index=True, width="stretch")
        best = winner(lanes, race_target)
        if best is None:
            st.info(f"No optimizer reached a train loss of {race_target:g} in {len(lanes[0].train_loss)} epochs. "
                    "Train longer, raise the target or try other learning rates; if none gets there, the network "
                    "may be too small for this data (try 8-8 ReLU).")
        else:
            st.success(f"{best.label} (lr {best.learning_rate:g}) reached a train loss of {race_target:g} first, "
                       f"after {best.epochs_to(race_target)} epochs.")
        for lane in lanes:
            advice = lane_advice(lane, race_target)
            if advice:
                (st.warning if lane.status == "diverged" else st.info)(advice)
