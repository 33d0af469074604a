"""Cost surfaces, Keras optimizers walking on them, the two learning-rate stories, and their figures."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from nnplay.config.catalog import OPTIMIZERS, VARIANTS, surface_variants
from nnplay.figures import optimizer_lab as lab_plots
from nnplay.labs.optimizer.surfaces import SURFACES, get_surface
from nnplay.labs.optimizer.trajectories import (
    FAR_OUTSIDE,
    PRESETS,
    divergence_advice,
    first_bad_position,
    keras_code,
    progress,
    run_all,
    run_optimizer,
    stability_limit,
    stability_note,
    summary_rows,
)

BOWL = SURFACES["bowl"]


def gradient_at(surface, point) -> np.ndarray:
    w = tf.Variable(np.asarray(point, dtype=np.float64))
    with tf.GradientTape() as tape:
        cost = surface.cost(w)
    return tape.gradient(cost, w).numpy()


# ------------------------------------------------------------------ surfaces
@pytest.mark.parametrize("key", list(SURFACES))
def test_known_minima_are_flat_and_lowest(key):
    surface = SURFACES[key]
    for point in surface.minima:
        assert np.abs(gradient_at(surface, point)).max() < 1e-4, point
        assert surface.contains(point)
    _, _, costs = surface.grid(80)
    assert costs.min() >= surface.min_cost - 1e-9  # nothing on the view lies below the known minimum
    assert surface.contains(surface.default_start)


@pytest.mark.parametrize("key", list(SURFACES))
def test_python_formula_shown_to_the_learner_is_the_same_cost(key):
    surface = SURFACES[key]
    rng = np.random.default_rng(0)
    for w in rng.uniform(-2, 2, size=(5, 2)):
        assert eval(surface.python, {"w": w}) == pytest.approx(float(surface.value(w[0], w[1])), rel=1e-12)


def test_saddle_is_a_minimum_one_way_and_a_maximum_the_other():
    saddle = SURFACES["saddle"]
    assert np.abs(gradient_at(saddle, (0.0, 0.0))).max() == 0.0
    at_saddle = float(saddle.value(0.0, 0.0))
    assert saddle.value(0.1, 0.0) > at_saddle > saddle.value(0.0, 0.1)


def test_himmelblau_has_four_minima_of_equal_cost():
    himmelblau = SURFACES["himmelblau"]
    costs = [float(himmelblau.value(*m)) for m in himmelblau.minima]
    assert len(costs) == 4 and max(costs) < 1e-9


def test_unknown_surface_is_a_clear_error():
    with pytest.raises(KeyError, match="choose one of"):
        get_surface("volcano")


# ------------------------------------------------------------------ trajectories
def test_gradient_descent_with_a_tiny_rate_moves_monotonically_towards_the_minimum():
    t = run_optimizer(BOWL, "sgd", (-8.0, 1.5), 0.01, 100)
    assert t.steps == 100 and t.diverged_at is None
    assert np.all(np.diff(t.costs) < 0)  # every step lowers the cost
    # Each coordinate shrinks towards 0 without ever crossing it: no overshoot, no zig-zag.
    assert np.all(np.diff(np.abs(t.positions), axis=0) < 0)
    assert np.all(t.positions[:, 0] < 0) and np.all(t.positions[:, 1] > 0)


def test_gradient_descent_is_plain_lr_times_gradient():
    t = run_optimizer(BOWL, "sgd", (-8.0, 1.5), 0.1, 5)
    # Keras keeps the learning rate in a float32 variable: 0.1 is 0.1 to ~1.5e-8.
    np.testing.assert_allclose(t.deltas, -0.1 * t.gradients, rtol=1e-7)
    np.testing.assert_allclose(t.effective_rates, 0.1, rtol=1e-7)  # one rate for both parameters


def test_adams_first_step_is_the_learning_rate_for_each_parameter():
    lr = 0.01
    t = run_optimizer(BOWL, "adam", (-8.0, 1.5), lr, 3)
    g, step = t.gradients[0], t.deltas[0]
    assert abs(g[1] / g[0]) > 5  # gradients of very different sizes...
    np.testing.assert_allclose(np.abs(step), [lr, lr], rtol=1e-4)  # ...the same step size
    assert np.all(np.sign(step) == -np.sign(g))
    rates = t.effective_rates[0]
    assert rates[0] / rates[1] == pytest.approx(abs(g[1] / g[0]), rel=1e-3)  # one rate per parameter


@pytest.mark.parametrize("kind", surface_variants())
def test_the_lab_runs_exactly_keras_optimizer_steps(kind):
    """The traced, re-armed runner (state reset between runs) equals a fresh eager Keras loop."""
    surface, start, lr = SURFACES["rosenbrock"], (-1.5, 2.0), 1e-3
    run_optimizer(surface, kind, (0.5, 0.5), 0.01, 7)  # dirty the runner's optimizer state first
    ours = run_optimizer(surface, kind, start, lr, 6)
    w = keras.Variable(np.array(start), dtype="float64")
    variant = VARIANTS[kind]  # the Keras class with the variant's own arguments, built here by hand
    keras_class = getattr(keras.optimizers, OPTIMIZERS[variant.optimizer].keras_class)
    optimizer = keras_class(learning_rate=lr, **dict(variant.settings))
    expected = [w.numpy()]
    for _ in range(6):
        with tf.GradientTape() as tape:
            cost = surface.cost(w)
        optimizer.apply_gradients([(tape.gradient(cost, w), w)])
        expected.append(w.numpy())
    np.testing.assert_allclose(ours.positions, np.array(expected), rtol=1e-10, atol=1e-12)


def test_too_large_a_rate_stops_cleanly_and_says_where():
    t = run_optimizer(BOWL, "sgd", (-8.0, 1.5), 1.05, 200)
    assert t.diverged_at is not None and t.diverged_at < 200
    assert t.steps == t.diverged_at - 1 and len(t.gradients) == t.steps
    assert np.all(np.isfinite(t.positions)) and all(BOWL.contains(p, FAR_OUTSIDE) for p in t.positions)
    assert f"step {t.diverged_at}" in t.divergence
    # Before it left, every step jumped across the valley further than the last.
    assert np.all(np.diff(np.abs(t.positions[:, 1])) > 0)


def test_non_finite_points_count_as_divergence():
    positions = np.array([[0.0, 0.0], [1.0, 1.0], [np.nan, 1.0]])
    assert first_bad_position(BOWL, positions, np.array([0.0, 1.0, 2.0])) == 2
    assert first_bad_position(BOWL, positions[:2], np.array([0.0, np.inf])) == 1
    assert first_bad_position(BOWL, positions[:2], np.array([0.0, 1.0])) is None


def test_bad_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="learning rate"):
        run_optimizer(BOWL, "sgd", (1.0, 1.0), 0.0, 10)
    with pytest.raises(ValueError, match="step"):
        run_optimizer(BOWL, "sgd", (1.0, 1.0), 0.1, 0)
    with pytest.raises(KeyError, match="choose one of"):
        run_optimizer(BOWL, "lion", (1.0, 1.0), 0.1, 10)


def test_head_steps_through_a_run():
    t = run_optimizer(BOWL, "momentum", (-8.0, 1.5), 0.1, 50)
    first = t.head(10)
    assert first.steps == 10 and len(first.gradients) == 10
    np.testing.assert_array_equal(first.positions, t.positions[:11])
    assert t.head(0).steps == 0 and t.head(500).steps == 50


def test_himmelblau_optimizers_from_one_start_reach_different_minima():
    surface = SURFACES["himmelblau"]
    runs = run_all(surface, ["sgd", "adam"], surface.default_start, surface.default_lr, surface.default_steps)
    ends = {t.kind: surface.nearest_minimum(t.final_position) for t in runs}
    for t in runs:
        assert np.hypot(*(t.final_position - np.array(ends[t.kind]))) < 0.25  # the minima are > 3 apart
    assert ends["sgd"] != ends["adam"]


def test_summary_rows_say_where_each_run_ended():
    runs = run_all(BOWL, ["sgd", "nesterov"], (-8.0, 1.5), 0.9, 100)
    gd, nesterov = summary_rows(BOWL, runs)
    assert gd["steps run"] == 100 and gd["diverged at step"] == "—"
    # GD ends within 1 % of the box diagonal (0.21) of the minimum: from the first such step on.
    assert int(gd["near minimum from step"]) == runs[0].first_step_within((0, 0), 0.01 * np.hypot(20, 6))
    assert nesterov["diverged at step"] == str(runs[1].diverged_at) and nesterov["near minimum from step"] == "—"


# ------------------------------------------------------------------ the two stories
def test_too_small_story_gd_crawls_in_one_direction_and_adam_gets_further():
    preset = PRESETS["too_small"]
    runs = {t.kind: t for t in run_all(preset.surface, preset.kinds, preset.start, preset.learning_rate,
                                       preset.steps)}
    gd, adam = runs["sgd"], runs["adam"]
    assert np.all(gd.deltas[:, 0] > 0)  # every step along w₁ the same way
    assert progress(gd, (0, 0)) < 0.5 < progress(adam, (0, 0))
    story = preset.story(BOWL, list(runs.values()))
    assert f"{progress(gd, (0, 0)):.0%} of the way" in story and "Adam" in story


def test_too_large_story_gd_diverges_and_adam_calms_down():
    preset = PRESETS["too_large"]
    runs = {t.kind: t for t in run_all(preset.surface, preset.kinds, preset.start, preset.learning_rate,
                                       preset.steps)}
    gd, adam = runs["sgd"], runs["adam"]
    assert gd.diverged_at is not None and adam.diverged_at is None
    half = adam.steps // 2
    assert adam.step_sizes[half:, 1].mean() < adam.step_sizes[:half, 1].mean() / 3
    assert adam.final_cost < 1e-2
    story = preset.story(BOWL, list(runs.values()))
    assert f"diverged at step {gd.diverged_at}" in story and "Adam calms down" in story


def test_keras_code_names_the_real_optimizer_call():
    code = keras_code(BOWL, "nesterov", (-8, 1.5), 0.1, 20)
    assert "keras.optimizers.SGD(learning_rate=lr, momentum=0.9, nesterov=True)" in code
    assert "range(20)" in code and BOWL.python in code
    compile(code, "lab", "exec")


# ------------------------------------------------------------------ figures
def test_contour_figure_draws_each_path_up_to_the_chosen_step():
    runs = run_all(BOWL, ["sgd", "adam"], (-8.0, 1.5), 0.1, 30)
    figure = lab_plots.contour_figure(BOWL, runs, n_steps=10)
    paths = [trace for trace in figure.data if getattr(trace, "mode", None) == "lines+markers"]
    assert [trace.name for trace in paths] == ["Gradient descent", "Adam"]
    assert all(len(trace.x) == 11 for trace in paths)
    assert figure.data[0].type == "contour"
    assert not figure.frames
    animated = lab_plots.contour_figure(BOWL, runs, animate=True)
    assert 2 <= len(animated.frames) <= lab_plots.MAX_FRAMES
    assert len(animated.frames[-1].data[0].x) == 31  # the last frame shows the whole path


def test_every_optimizer_has_its_own_colour():
    colours = [VARIANTS[kind].color for kind in VARIANTS]
    assert len(set(colours)) == len(colours)


def test_cost_and_step_size_figures():
    runs = run_all(BOWL, ["sgd", "adam"], (-8.0, 1.5), 0.05, 20)
    cost = lab_plots.cost_figure(BOWL, runs)
    assert len(cost.data) == 2 and all(np.all(np.asarray(trace.y) > 0) for trace in cost.data)
    rates = lab_plots.step_size_figure(runs[1], "rate", reference_lr=0.05)
    assert [trace.name for trace in rates.data] == ["w₁", "w₂", "learning rate 0.05"]
    sizes = lab_plots.step_size_figure(runs[1], "size", n_steps=5)
    assert len(sizes.data[0].x) == 5


# ------------------------------------------------------------------ first sight and why a run diverged
@pytest.mark.parametrize("key", list(SURFACES))
def test_no_optimizer_diverges_at_a_surfaces_opening_settings(key):
    """Issue 10: the lab opened on "Nesterov diverged at step 5", a failure with no word on why."""
    surface = SURFACES[key]
    runs = run_all(surface, list(surface_variants()), surface.default_start, surface.default_lr,
                   surface.default_steps)
    assert [t.label for t in runs if t.diverged_at is not None] == []


def test_the_bowl_still_zig_zags_at_its_opening_rate():
    gd = run_optimizer(BOWL, "sgd", BOWL.default_start, BOWL.default_lr, BOWL.default_steps)
    assert np.all(np.sign(gd.positions[1:4, 1]) == [-1, 1, -1])  # across the valley and back


@pytest.mark.parametrize("kind", ["sgd", "momentum", "nesterov"])
def test_stability_limits_of_the_sgd_variants_on_the_bowl_are_where_divergence_starts(kind):
    limit = stability_limit(BOWL, kind)
    assert limit == pytest.approx({"sgd": 1.0, "momentum": 1.9, "nesterov": 3.8 / 2.8 / 2}[kind])
    assert run_optimizer(BOWL, kind, BOWL.default_start, 0.97 * limit, 300).diverged_at is None
    assert run_optimizer(BOWL, kind, BOWL.default_start, 1.03 * limit, 300).diverged_at is not None
    assert stability_limit(BOWL, "adam") is None and stability_limit(SURFACES["rosenbrock"], kind) is None


def test_a_divergence_is_explained_in_plain_words_with_what_to_try():
    nesterov = run_optimizer(BOWL, "nesterov", BOWL.default_start, 0.9, 100)
    advice = divergence_advice(BOWL, nesterov)
    assert advice.startswith(nesterov.divergence)
    assert "overshot the bottom of the steep direction w₂" in advice
    assert "lr < 0.68" in advice and "momentum: lr < 1.9" in advice and "Try a learning rate below 0.68" in advice
    gd = run_optimizer(BOWL, "sgd", BOWL.default_start, 1.05, 100)
    assert "Gradient descent is stable here only for lr < 1 " in divergence_advice(BOWL, gd)
    himmelblau = SURFACES["himmelblau"]
    wild = run_optimizer(himmelblau, "sgd", himmelblau.default_start, 0.3, 50)
    assert "Try a smaller learning rate, such as 0.1" in divergence_advice(himmelblau, wild)


def test_stability_note_lists_the_limits_of_the_chosen_sgd_variants():
    note = stability_note(BOWL, ["sgd", "nesterov", "adam"])
    assert "Gradient descent lr < 1, Nesterov lr < 0.68" in note and "Momentum" not in note
    assert stability_note(BOWL, ["adam"]) == "" and stability_note(SURFACES["saddle"], ["sgd"]) == ""
