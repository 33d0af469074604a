"""What a finished run's loss curve says about the learning rate, in the course's words.

A NaN loss is the loud failure (nnplay.engine.training stops the run). The quiet ones are a loss
that swings up and down from epoch to epoch without settling, and a loss that rises
instead of falling: both mean each step jumps past the minimum — the learning rate is too
large. A third is a loss that hardly moves while the learning rate is outside the
optimizer's usual range (too small: tiny steps; too large: ReLUs pushed where they never
fire again). This module reads the training loss per epoch (an average over the epoch's
batches, so a healthy run's curve is smooth even with small batches) and says so.

    diagnose(history, config) -> Diagnosis | None
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnplay.config.catalog import OPTIMIZERS
from nnplay.config.schema import PlaygroundConfig

# A curve is only judged once it has this many epochs (a couple of epochs say nothing).
MIN_EPOCHS = 8
# Rising: the last epoch's loss is this much above the best one seen ...
RISE_FACTOR = 1.5
# ... and the rise is a real share of the initial loss, not the noise of small batches.
RISE_SHARE = 0.25
# Oscillating: in the second half, the loss changes direction at least this often ...
TURN_SHARE = 0.3
# ... with epoch-to-epoch jumps that are, on average, this big a share of the initial loss.
JUMP_SHARE = 0.1
# Stalled: the best loss is still above this share of the initial loss.
STALL_SHARE = 0.9


@dataclass(frozen=True)
class Diagnosis:
    kind: str  # "oscillating" | "rising" | "stalled"
    message: str


def diagnose(train_loss: list[float] | np.ndarray, config: PlaygroundConfig) -> Diagnosis | None:
    """A plain-language warning when the loss oscillated, rose or stalled, else None."""
    loss = np.asarray(train_loss, dtype=np.float64)
    loss = loss[np.isfinite(loss)]
    if len(loss) < MIN_EPOCHS:
        return None
    scale = max(abs(loss[0]), 1e-12)  # the loss before much learning: what "big" is measured against
    lr = config.learning_rate
    smaller = f"{lr / 10:g}"
    late = loss[len(loss) // 2:]
    steps = np.diff(late)
    turns = np.count_nonzero(np.sign(steps[1:]) * np.sign(steps[:-1]) < 0)
    if len(steps) >= 3 and turns >= TURN_SHARE * (len(steps) - 1) and np.abs(steps).mean() > JUMP_SHARE * scale:
        return Diagnosis("oscillating", (
            f"The training loss swings up and down between {late.min():.3g} and {late.max():.3g} from epoch "
            f"to epoch instead of settling: each step overshoots the minimum. The learning rate ({lr:g}) is "
            f"too large. Try a smaller one, e.g. {smaller}."))
    best = int(np.argmin(loss))
    ending = loss[-max(3, len(loss) // 10):].mean()  # the last epochs together: one noisy batch is no rise
    if ending > RISE_FACTOR * loss[best] and ending - loss[best] > RISE_SHARE * scale:
        return Diagnosis("rising", (
            f"The training loss went up: it was lowest at epoch {best + 1} ({loss[best]:.3g}) and ended around "
            f"{ending:.3g}. Each step jumps past the minimum instead of settling into it: the learning "
            f"rate ({lr:g}) is too large. Try a smaller one, e.g. {smaller}."))
    if loss[best] > STALL_SHARE * scale:
        return _stalled(loss, config)
    return None


def _stalled(loss: np.ndarray, config: PlaygroundConfig) -> Diagnosis | None:
    """The loss hardly fell: blame the learning rate only when it is outside the usual range."""
    rule = OPTIMIZERS[config.optimizer]
    low, high = rule.typical_lr
    lr = config.learning_rate
    name = rule.label.split(" ")[0]
    moved = f"The training loss hardly fell ({loss[0]:.3g} → {loss[-1]:.3g})."
    if lr > high:
        return Diagnosis("stalled", (
            f"{moved} The learning rate ({lr:g}) is above {name}'s usual range ({low:g} to {high:g}): the first "
            f"large steps can throw the weights where the gradient is flat (ReLU units that never fire again, "
            f"saturated sigmoids). Try {high:g}."))
    if lr < low:
        return Diagnosis("stalled", (
            f"{moved} The learning rate ({lr:g}) is below {name}'s usual range ({low:g} to {high:g}): every step "
            f"is tiny, so the network learns very slowly. Try {low:g}, or many more epochs."))
    return None
