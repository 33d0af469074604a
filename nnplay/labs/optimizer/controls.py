"""What the Optimizer Lab's controls offer and the rules between them, as plain values and functions.

No Streamlit and no TensorFlow here, so the rules can be unit-tested quickly; nnplay.ui.optimizer_lab
puts them on the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nnplay.config.catalog import datasets_for, is_toy
from nnplay.config.schema import HiddenLayer, PlaygroundConfig

if TYPE_CHECKING:  # only for the annotation: trajectories imports TensorFlow
    from nnplay.labs.optimizer.trajectories import Preset

# ------------------------------------------------------------------ the cost surfaces
# Log-spaced learning rates, with both sides of the bowl's stability limits (Nesterov 0.68, gradient
# descent 1, momentum 1.9) and the bowl's opening rate, 0.6.
LEARNING_RATES = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.6, 0.7, 0.9,
                  1.0, 1.05, 1.2, 1.5, 2.0)
STEPS = (1, 2000)  # the fewest and most steps a run may take


def nearest_rate(value: float) -> float:
    """The slider's rate closest to `value` on a log scale (a surface or preset may name any rate)."""
    return min(LEARNING_RATES, key=lambda rate: abs(math.log(rate) - math.log(value)))


def shown_follows_steps(shown: int, followed: int | None, steps: int) -> bool:
    """Whether the "show the first N steps" slider should jump to `steps`, the new number of steps.

    It follows while it is at the end (`shown` equals `followed`, the step count it last followed),
    so "show all" keeps meaning all; and it never shows more steps than ran.
    """
    return shown > steps or shown == followed


def story_applies(preset: Preset, surface: str, learning_rate: float, steps: int, start: Sequence[float]) -> bool:
    """Whether the controls still hold the preset's values, so its story still describes what is drawn."""
    return (preset.surface, preset.learning_rate, preset.steps, tuple(preset.start)) == (
        surface, learning_rate, steps, tuple(start))


# ------------------------------------------------------------------ the race
NETWORKS = {
    "4-2 tanh (TF Playground's default)": (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh")),
    "8-8 ReLU": (HiddenLayer(8, "relu"), HiddenLayer(8, "relu")),
    "16 tanh": (HiddenLayer(16, "tanh"),),
}
BATCH_SIZES = (10, 32, 0)  # 0 = full batch
OPENING_RACERS = ("sgd", "momentum", "adam")  # catalog variant keys: the race a learner sees first


def race_datasets() -> list[str]:
    """The race's data: the binary toy datasets (asked each time, so a dataset registered later is offered)."""
    return [d for d in datasets_for("binary") if is_toy(d)]


def race_config(dataset: str, n_samples: int, noise: float, network: str, batch_size: int, epochs: int,
                seed: int) -> PlaygroundConfig:
    """The config every lane of the race shares; each lane then swaps in its own optimizer."""
    return PlaygroundConfig(dataset=dataset, n_samples=n_samples, noise=noise, hidden=NETWORKS[network],
                            batch_size=batch_size, epochs=epochs, seed=seed)
