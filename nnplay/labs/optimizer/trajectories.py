"""Keras's own optimizers walking on a two-parameter cost surface.

Each optimizer is the real Keras class (`SGD` plain / with momentum / Nesterov,
`RMSprop`, `Adagrad`, `Adam`) updating one `keras.Variable` of two parameters,
with the exact gradient from `tf.GradientTape`. Every step records where the
parameters are, the cost there, the gradient and the update Δw, so a page can
draw the path, the cost per step and each parameter's effective step size.

Speed: a Python loop of eager steps costs ~4 ms a step here (6 optimizers × 200
steps ≈ 5 s); one `tf.function` running all the steps costs ~0.1 s, nearly all
of it tracing. So each (surface, optimizer) gets one traced runner, kept for the
process and re-armed per run (start point, learning rate, optimizer state reset):
later runs take milliseconds. Parameters are float64 so that tiny updates of a
large parameter (Δw ≈ 1e-5 on w ≈ 8) are not lost to float32 round-off.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from nnplay.config.catalog import (
    OPTIMIZERS,
    VARIANTS,
    surface_variants,
)
from nnplay.config.schema import PlaygroundConfig, with_variant
from nnplay.engine.model import build_optimizer
from nnplay.engine.tracing import traced
from nnplay.labs.optimizer.surfaces import CostSurface, get_surface

# A run stops when the parameters leave the view box grown by this many box-widths per side.
FAR_OUTSIDE = 5.0


def build_optimizer_for(kind: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """The Keras optimizer of a lab variant (catalog.VARIANTS), built as the Playground builds it."""
    return build_optimizer(with_variant(PlaygroundConfig(), kind, learning_rate))


def optimizer_code(kind: str) -> str:
    """The Keras call, for the page: e.g. keras.optimizers.SGD(learning_rate=lr, momentum=0.9)."""
    variant = VARIANTS[kind]
    own = [f"{name}={value!r}" for name, value in variant.settings]
    return f"keras.optimizers.{OPTIMIZERS[variant.optimizer].keras_class}({', '.join(['learning_rate=lr', *own])})"


@dataclass(frozen=True)
class Trajectory:
    """The path of one optimizer: positions[0] is the start, positions[k] the point after step k.

    gradients[k] is the gradient at positions[k] (what step k+1 used). When the run
    diverged, the arrays end at the last finite point inside the limits, and
    `diverged_at` is the step that left them.
    """

    kind: str
    learning_rate: float
    positions: np.ndarray  # (steps + 1, 2)
    costs: np.ndarray  # (steps + 1,)
    gradients: np.ndarray  # (steps, 2)
    requested_steps: int
    diverged_at: int | None = None
    divergence: str = ""

    @property
    def label(self) -> str:
        return VARIANTS[self.kind].label

    @property
    def steps(self) -> int:
        return len(self.positions) - 1

    @property
    def deltas(self) -> np.ndarray:
        """(steps, 2): Δw of each step, per parameter."""
        return np.diff(self.positions, axis=0)

    @property
    def step_sizes(self) -> np.ndarray:
        """(steps, 2): |Δw| of each step, per parameter."""
        return np.abs(self.deltas)

    @property
    def effective_rates(self) -> np.ndarray:
        """(steps, 2): −Δw / g per parameter, the learning rate each parameter effectively got.

        Gradient descent's is its learning rate for both parameters; Adam's differs per
        parameter. NaN where the gradient is ~0 (the ratio says nothing there)."""
        g = self.gradients[: self.steps]
        with np.errstate(divide="ignore", invalid="ignore"):
            rates = -self.deltas / g
        return np.where(np.abs(g) > 1e-12, rates, np.nan)

    @property
    def final_position(self) -> np.ndarray:
        return self.positions[-1]

    @property
    def final_cost(self) -> float:
        return float(self.costs[-1])

    def distances_to(self, point) -> np.ndarray:
        """(steps + 1,): distance of every position from a point (e.g. a minimum)."""
        return np.hypot(self.positions[:, 0] - point[0], self.positions[:, 1] - point[1])

    def first_step_within(self, point, tolerance: float) -> int | None:
        """The first step after which the parameters are within `tolerance` of `point`, or None."""
        close = np.flatnonzero(self.distances_to(point) <= tolerance)
        return int(close[0]) if close.size else None

    def head(self, n_steps: int) -> Trajectory:
        """The first n_steps steps (for stepping through a run)."""
        n = max(0, min(n_steps, self.steps))
        return Trajectory(self.kind, self.learning_rate, self.positions[: n + 1], self.costs[: n + 1],
                          self.gradients[:n], self.requested_steps,
                          self.diverged_at if n == self.steps else None,
                          self.divergence if n == self.steps else "")


class _Runner:
    """One traced graph running one optimizer on one surface; re-armed for every run."""

    def __init__(self, surface: CostSurface, kind: str):
        self.surface = surface
        self.weights = keras.Variable(np.zeros(2), dtype="float64", name="w")
        self.optimizer = build_optimizer_for(kind, learning_rate=0.01)
        self.optimizer.build([self.weights])
        # The freshly built state (zeros, Adagrad's initial accumulator 0.1, iteration 0).
        self._initial_state = [v.numpy() for v in self.optimizer.variables]
        self._run = tf.function(self._steps, input_signature=[tf.TensorSpec([], tf.int32)])
        traced(self._run)  # under the tracing lock (nnplay.engine.tracing)
        self.lock = threading.Lock()  # Streamlit sessions share the runner

    def _steps(self, n_steps):
        w = self.weights
        positions = tf.TensorArray(tf.float64, size=n_steps + 1)
        costs = tf.TensorArray(tf.float64, size=n_steps + 1)
        gradients = tf.TensorArray(tf.float64, size=n_steps)
        for i in tf.range(n_steps):
            with tf.GradientTape() as tape:
                cost = self.surface.cost(w)
            gradient = tape.gradient(cost, w)
            positions = positions.write(i, tf.convert_to_tensor(w))
            costs = costs.write(i, cost)
            gradients = gradients.write(i, gradient)
            self.optimizer.apply_gradients([(gradient, w)])
        positions = positions.write(n_steps, tf.convert_to_tensor(w))
        costs = costs.write(n_steps, self.surface.cost(w))
        return positions.stack(), costs.stack(), gradients.stack()

    def run(self, start, learning_rate: float, n_steps: int):
        with self.lock:
            for variable, value in zip(self.optimizer.variables, self._initial_state):
                variable.assign(value)
            self.optimizer.learning_rate = learning_rate
            self.weights.assign(np.asarray(start, dtype=np.float64))
            arrays = self._run(tf.constant(n_steps, tf.int32))
            return tuple(np.asarray(a, dtype=np.float64) for a in arrays)


_RUNNERS: dict[tuple[str, str], _Runner] = {}
_RUNNERS_LOCK = threading.Lock()


def _runner(surface: CostSurface, kind: str) -> _Runner:
    with _RUNNERS_LOCK:
        key = (surface.key, kind)
        if key not in _RUNNERS:
            _RUNNERS[key] = _Runner(surface, kind)
        return _RUNNERS[key]


def first_bad_position(surface: CostSurface, positions: np.ndarray, costs: np.ndarray) -> int | None:
    """Index of the first position that is non-finite or far outside the view box, or None."""
    for i, (point, cost) in enumerate(zip(positions, costs)):
        if not (np.all(np.isfinite(point)) and np.isfinite(cost)) or not surface.contains(point, FAR_OUTSIDE):
            return i
    return None


def run_optimizer(surface: CostSurface | str, kind: str, start: Sequence[float], learning_rate: float,
                  steps: int) -> Trajectory:
    """Run one Keras optimizer for `steps` steps from `start`; stops cleanly on divergence."""
    surface = get_surface(surface) if isinstance(surface, str) else surface
    if kind not in surface_variants():
        raise KeyError(f"Unknown optimizer {kind!r}; choose one of {', '.join(surface_variants())}.")
    if not (learning_rate > 0 and math.isfinite(learning_rate)):
        raise ValueError(f"The learning rate must be a positive number, not {learning_rate!r}.")
    steps = int(steps)
    if steps < 1:
        raise ValueError(f"Run at least one step, not {steps}.")
    positions, costs, gradients = _runner(surface, kind).run(start, learning_rate, steps)
    bad = first_bad_position(surface, positions, costs)
    if bad is None:
        return Trajectory(kind, learning_rate, positions, costs, gradients, steps)
    if bad == 0:
        raise ValueError(f"The start point {tuple(start)} is not a finite point near the view.")
    last = positions[bad - 1]
    why = ("the cost became infinite or NaN" if not np.all(np.isfinite(positions[bad])) or not np.isfinite(costs[bad])
           else "the parameters flew far outside the view")
    message = (f"{VARIANTS[kind].label} diverged at step {bad}: {why} "
               f"(last point inside: ({last[0]:.3g}, {last[1]:.3g}) after step {bad - 1}).")
    return Trajectory(kind, learning_rate, positions[:bad], costs[:bad], gradients[: bad - 1], steps, bad, message)


def run_all(surface: CostSurface | str, kinds: Sequence[str], start: Sequence[float], learning_rate: float,
            steps: int) -> list[Trajectory]:
    """Every chosen optimizer from the same start, with the same learning rate."""
    return [run_optimizer(surface, kind, start, learning_rate, steps) for kind in kinds]


# --------------------------------------------------------------------------- why a run diverged

PARAMETER_NAMES = ("w₁", "w₂")


def stability_limit(surface: CostSurface, kind: str) -> float | None:
    """The largest learning rate at which `kind` converges on a quadratic surface, or None.

    On a quadratic the steepest direction (curvature h) decides. Per step along it, gradient
    descent multiplies the distance to the bottom by 1 − lr·h, so it needs lr·h < 2; with
    momentum β (heavy ball) lr·h < 2(1 + β); Keras's Nesterov momentum adds each new gradient
    1 + β times (to the velocity, and again for its look-ahead), which lowers its limit to
    lr·h < 2(1 + β)/(1 + 2β). Adaptive optimizers (RMSprop, Adagrad, Adam) scale their steps by
    the gradients themselves and have no such fixed limit."""
    variant = VARIANTS[kind]
    if surface.curvatures is None or OPTIMIZERS[variant.optimizer].keras_class != "SGD":
        return None
    h = max(surface.curvatures)
    options = dict(variant.settings)
    beta = float(options.get("momentum", 0.0))
    if options.get("nesterov"):
        return 2 * (1 + beta) / ((1 + 2 * beta) * h)
    return 2 * (1 + beta) / h


def _steep_direction(surface: CostSurface) -> str:
    return PARAMETER_NAMES[int(np.argmax(surface.curvatures))] if surface.curvatures else "the steep direction"


def stability_note(surface: CostSurface, kinds: Sequence[str]) -> str:
    """One sentence on the learning rates at which the chosen SGD variants stay stable ('' if unknown)."""
    limits = [(VARIANTS[k].label, stability_limit(surface, k)) for k in kinds]
    limits = [(label, limit) for label, limit in limits if limit is not None]
    if not limits:
        return ""
    h = max(surface.curvatures)
    steep = _steep_direction(surface)
    listed = ", ".join(f"{label} lr < {limit:.2g}" for label, limit in limits)
    return (f"Speed limits on this bowl: {listed}. Along {steep} the bowl is steep (curvature {h:g}), so a "
            f"gradient step there is lr × {h:g} × {steep}: past lr = {1 / h:g} it jumps over the bottom (the "
            f"zig-zag), past lr = {2 / h:g} it lands further away than it started, and every swing grows until "
            "the path flies off; momentum and Nesterov have their own limits. RMSprop, Adagrad and Adam have no "
            "fixed limit: their steps are about lr, whatever the gradient.")


def divergence_advice(surface: CostSurface, trajectory: Trajectory) -> str:
    """What happened to a diverged run, why, and what to try, in a learner's words."""
    kind, lr = trajectory.kind, trajectory.learning_rate
    limit = stability_limit(surface, kind)
    steep = _steep_direction(surface)
    if limit is not None:
        why = (f"Each step overshot the bottom of the steep direction {steep} and landed further up the other "
               "side than it started, so every swing was bigger than the last. ")
        if kind == "nesterov":
            why += (f"Nesterov adds each new gradient almost twice (once to its velocity, once more for its "
                    f"look-ahead), so on a steep wall it overshoots sooner than plain momentum: here it is "
                    f"stable only for lr < {limit:.2g} (momentum: lr < {stability_limit(surface, 'momentum'):.2g}, "
                    f"gradient descent: lr < {stability_limit(surface, 'sgd'):.2g}).")
        elif kind == "momentum":
            why += f"Momentum keeps adding to the swing; here it is stable only for lr < {limit:.2g}."
        else:
            why += f"Gradient descent is stable here only for lr < {limit:.2g} (2 ÷ the curvature along {steep})."
        return f"{trajectory.divergence} {why} Try a learning rate below {limit:.2g}."
    why = ("Its steps overshot a steep wall of the surface and each overshoot was larger than the last, until "
           "the parameters flew off.")
    if OPTIMIZERS[VARIANTS[kind].optimizer].keras_class != "SGD":
        why += f" {trajectory.label} takes steps of about lr for each parameter, and {lr:g} is too big a step here."
    return f"{trajectory.divergence} {why} Try a smaller learning rate, such as {lr / 3:.2g}."


def progress(trajectory: Trajectory, target) -> float:
    """How much of the way from the start to `target` the run covered: 1 = arrived, 0 = no closer."""
    distances = trajectory.distances_to(target)
    return float(1.0 - distances[-1] / distances[0]) if distances[0] > 0 else 1.0


def summary_rows(surface: CostSurface, trajectories: Sequence[Trajectory]) -> list[dict]:
    """One table row per run: where it ended, the cost there, when it came near a minimum, divergence.

    "Near" = within 1 % of the view box's diagonal of the minimum it ended closest to."""
    x_min, x_max, y_min, y_max = surface.box
    tolerance = 0.01 * float(np.hypot(x_max - x_min, y_max - y_min))
    rows = []
    for t in trajectories:
        arrived = t.first_step_within(surface.nearest_minimum(t.final_position), tolerance)
        rows.append({"optimizer": t.label, "steps run": t.steps,
                     "final w₁": float(t.final_position[0]), "final w₂": float(t.final_position[1]),
                     "final cost J": t.final_cost,
                     "near minimum from step": "—" if arrived is None else str(arrived),
                     "diverged at step": "—" if t.diverged_at is None else str(t.diverged_at)})
    return rows


# --------------------------------------------------------------------------- the two stories


@dataclass(frozen=True)
class Preset:
    """Control values that tell one of the course's learning-rate stories, and its caption."""

    key: str
    title: str
    surface: str
    start: tuple[float, float]
    learning_rate: float
    steps: int
    kinds: tuple[str, ...]
    story: Callable[[CostSurface, Sequence[Trajectory]], str]


def _by_kind(trajectories: Sequence[Trajectory]) -> dict[str, Trajectory]:
    return {t.kind: t for t in trajectories}


def _arrival(surface: CostSurface, t: Trajectory) -> str:
    """'reached the minimum at step k' or 'covered x % of the way'."""
    target = surface.nearest_minimum(t.positions[0])
    tolerance = 0.01 * float(t.distances_to(target)[0])
    arrived = t.first_step_within(target, tolerance)
    if arrived is not None:
        return f"reached the minimum (within 1 % of the start's distance) at step {arrived}"
    if t.diverged_at is not None:
        return f"diverged at step {t.diverged_at}"
    return f"covered {progress(t, target):.0%} of the way in {t.steps} steps"


def too_small_story(surface: CostSurface, trajectories: Sequence[Trajectory]) -> str:
    runs = _by_kind(trajectories)
    parts = []
    if "sgd" in runs:
        gd = runs["sgd"]
        target = surface.nearest_minimum(gd.positions[0])
        along = gd.deltas[:, 0]
        same_direction = float(np.mean(np.sign(along) == np.sign(target[0] - gd.positions[0, 0])))
        parts.append(
            f"With learning rate {gd.learning_rate:g}, gradient descent {_arrival(surface, gd)}: its steps along "
            f"w₁ are lr × gradient, tiny on the flat floor ({gd.step_sizes[0, 0]:.2g} at first, "
            f"{gd.step_sizes[-1, 0]:.2g} at the end), and {same_direction:.0%} of them point the same way.")
    if "adam" in runs:
        adam = runs["adam"]
        parts.append(
            f"Adam {_arrival(surface, adam)}: it divides each parameter's step by the size of its recent "
            f"gradients, so along the flat w₁ it takes steps of about the learning rate "
            f"({np.nanmax(adam.step_sizes[:, 0]):.2g}) however small the gradient is.")
    return " ".join(parts) or "Choose gradient descent and Adam to compare them."


def too_large_story(surface: CostSurface, trajectories: Sequence[Trajectory]) -> str:
    runs = _by_kind(trajectories)
    parts = []
    if "sgd" in runs:
        gd = runs["sgd"]
        flips = float(np.mean(np.diff(np.sign(gd.deltas[:, 1])) != 0)) if gd.steps > 2 else 0.0
        if gd.diverged_at is not None:
            parts.append(
                f"With learning rate {gd.learning_rate:g}, every gradient-descent step overshoots across the "
                f"steep direction w₂ further than the last ({flips:.0%} of the steps flip sign): it diverged at "
                f"step {gd.diverged_at}.")
        else:
            parts.append(
                f"With learning rate {gd.learning_rate:g}, gradient descent overshoots across the steep direction "
                f"w₂ ({flips:.0%} of the steps flip sign) and ended at cost {gd.final_cost:.3g}.")
    if "adam" in runs:
        adam = runs["adam"]
        half = max(1, adam.steps // 2)
        early, late = adam.step_sizes[:half, 1].mean(), adam.step_sizes[half:, 1].mean()
        parts.append(
            f"Adam calms down: gradients that flip sign cancel in its running average, so its steps across "
            f"w₂ shrink (mean {early:.2g} in the first half, {late:.2g} in the second); it "
            f"{_arrival(surface, adam)} and ended at cost {adam.final_cost:.3g}.")
    return " ".join(parts) or "Choose gradient descent and Adam to compare them."


PRESETS: dict[str, Preset] = {
    "too_small": Preset("too_small", "Learning rate too small", "bowl", (-8.0, 1.5), 0.05, 250,
                        ("sgd", "momentum", "adam"), too_small_story),
    "too_large": Preset("too_large", "Learning rate too large", "bowl", (-8.0, 1.5), 1.05, 100,
                        ("sgd", "momentum", "adam"), too_large_story),
}


def keras_code(surface: CostSurface, kind: str, start: Sequence[float], learning_rate: float, steps: int) -> str:
    """The few lines of Keras that this lab runs for one optimizer (shown on the page)."""
    return (
        "import keras\nimport tensorflow as tf\n\n"
        f"def J(w):  # {surface.name}\n"
        f"    return {surface.python}\n\n"
        f"w = keras.Variable([{start[0]:g}, {start[1]:g}], dtype=\"float64\")\n"
        f"lr = {learning_rate:g}\n"
        f"optimizer = {optimizer_code(kind)}\n"
        f"for step in range({steps}):\n"
        "    with tf.GradientTape() as tape:\n"
        "        cost = J(w)\n"
        "    gradient = tape.gradient(cost, w)\n"
        "    optimizer.apply_gradients([(gradient, w)])\n"
    )
