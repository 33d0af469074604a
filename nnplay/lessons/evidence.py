"""What a check may judge: the session's trained runs, what the learner tried in the labs, and quiz answers.

The labs record a small `...Try` each time they compute something a lesson looks at; the Lessons page
gathers them with the Playground's runs into one `Evidence`. Plain numbers only: no models, no Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_TRIES = 30  # per lab: the most recent tries are kept (a check needs a few, not a session's worth)


@dataclass(frozen=True)
class SoftmaxTry:
    """Scores typed into the Activation Lab's softmax, and the probabilities Keras made of them."""

    logits: tuple[float, ...]
    temperature: float
    probabilities: tuple[float, ...]


@dataclass(frozen=True)
class StabilityTry:
    """One logit scale tried in the Softmax Inspector's "Why from_logits=True"."""

    scale: float
    largest_logit: float
    naive_loss: float  # softmax, then log, in float32: inf or NaN once an exponential overflows
    stable_loss: float  # log-softmax (what from_logits=True computes)

    @property
    def naive_broke(self) -> bool:
        return not np.isfinite(self.naive_loss)


@dataclass(frozen=True)
class SurfaceTry:
    """One optimizer's run on one of the Optimizer Lab's cost surfaces, summed up."""

    surface: str  # nnplay.labs.optimizer.surfaces key
    kind: str  # optimizer variant (catalog.VARIANTS key)
    learning_rate: float
    steps: int  # steps run (fewer than asked when it diverged)
    arrived_at: int | None  # first step within 1 % of the start's distance from the minimum
    diverged_at: int | None
    flip_share: float  # share of steps whose move across the steep direction flips sign (zig-zag)
    onward_share: float  # share of steps along the flat direction that head towards the minimum
    progress: float  # share of the way to the minimum covered: 1 arrived, 0 no closer

    @property
    def oscillated(self) -> bool:
        return self.flip_share >= 0.5


def surface_try(surface: Any, trajectory: Any) -> SurfaceTry:
    """Sum up a lab Trajectory on a CostSurface (nnplay.labs.optimizer) for the checks."""
    start = trajectory.positions[0]
    target = np.asarray(surface.nearest_minimum(start), dtype=float)
    distances = trajectory.distances_to(target)
    arrived = trajectory.first_step_within(target, 0.01 * float(distances[0]))
    curvatures = surface.curvatures or (1.0, 1.0)
    steep, flat = int(np.argmax(curvatures)), int(np.argmin(curvatures))
    deltas = trajectory.deltas
    across = np.sign(deltas[:, steep])
    flips = float(np.mean(across[1:] * across[:-1] < 0)) if len(across) > 2 else 0.0
    onward = float(np.mean(np.sign(deltas[:, flat]) == np.sign(target[flat] - start[flat]))) if len(deltas) else 0.0
    covered = float(1.0 - distances[-1] / distances[0]) if distances[0] > 0 else 1.0
    return SurfaceTry(surface.key, trajectory.kind, float(trajectory.learning_rate), int(trajectory.steps), arrived,
                      trajectory.diverged_at, flips, onward, covered)


@dataclass(frozen=True)
class DoubleSoftmaxTry:
    """Lesson 10's first bug, trained for real: a softmax output under a from_logits=True loss, and a fix."""

    fix: str  # nnplay.lessons.double_softmax.FIXES key
    broken_losses: tuple[float, ...]  # per epoch, the broken model's training loss
    fixed_losses: tuple[float, ...]
    broken_accuracy: float  # test accuracy
    fixed_accuracy: float
    broken_floor: float  # the lowest loss the broken model can ever reach


@dataclass(frozen=True)
class Evidence:
    runs: tuple[Any, ...] = ()  # the Playground's finished runs (nnplay.engine.runs.RunRecord), oldest first
    softmax_tries: tuple[SoftmaxTry, ...] = ()
    stability_tries: tuple[StabilityTry, ...] = ()
    surface_tries: tuple[SurfaceTry, ...] = ()
    double_softmax_tries: tuple[DoubleSoftmaxTry, ...] = ()
    answers: dict[str, str] = field(default_factory=dict)  # Question.key -> the option chosen


def remember(tries: list, new: Any) -> None:
    """Add a try to a lab's list (once: a rerun recomputes the same one), keeping the latest MAX_TRIES."""
    if new in tries:
        tries.remove(new)
    tries.append(new)
    del tries[:-MAX_TRIES]
