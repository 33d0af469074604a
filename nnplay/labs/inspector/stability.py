"""Why from_logits=True: the naive softmax-then-log against the stable log-softmax, in float32.

Everything here is numpy in float32, as a GPU or Keras would compute it, so the
learner sees the real overflow and round-off rather than a drawing of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LossComparison:
    scale: float
    logits: np.ndarray  # the scaled logits (float32)
    naive_probabilities: np.ndarray  # exp(z) / sum exp(z), computed directly
    naive_loss: float  # -log(naive probability of the true class): inf/nan when it broke
    stable_loss: float  # -log_softmax(z)[y] with the max subtracted: what from_logits=True does


def naive_softmax(logits: np.ndarray) -> np.ndarray:
    """exp, then divide: overflows to inf (and inf/inf = nan) once a logit passes ~88 in float32."""
    z = np.asarray(logits, np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)


def stable_log_softmax(logits: np.ndarray) -> np.ndarray:
    """log a_j = z_j - max z - log sum exp(z - max z): no exponential ever exceeds 1."""
    z = np.asarray(logits, np.float32)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def compare(logits: np.ndarray, true_class: int, scale: float) -> LossComparison:
    """Scale the logits and compute the loss −log a_y both ways."""
    z = (np.asarray(logits, np.float32) * np.float32(scale)).astype(np.float32)
    probabilities = naive_softmax(z)
    with np.errstate(divide="ignore", invalid="ignore"):
        naive_loss = float(-np.log(probabilities[true_class]))
    return LossComparison(float(scale), z, probabilities, naive_loss, float(-stable_log_softmax(z)[true_class]))


def loss_text(value: float) -> str:
    """A loss as the number that really came out: "inf", "NaN" or its digits (a table cell holding
    a float NaN or inf is shown as "None" or blank by some viewers, which hides the lesson)."""
    value = float(value)
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value + 0.0:.6g}"  # + 0.0: −log 1 is −0.0, shown as 0


def why_naive_failed(comparison: LossComparison, true_class: int) -> str:
    """What broke in the naive loss, in a learner's words ('' when it did not break). Markdown with $…$."""
    got = loss_text(comparison.naive_loss)
    if np.isfinite(comparison.naive_loss):
        return ""
    z = np.asarray(comparison.logits, np.float32)
    with np.errstate(over="ignore"):
        e = np.exp(z)
        total = e.sum()
    overflow = (rf"The naive way broke and gave **{got}**: $e^z$ overflows float32 once $z$ passes ≈ 88 "
                rf"(the largest logit here is {float(z.max()):.4g}), so ")
    if not np.isfinite(e[true_class]):
        return overflow + r"the true class's own $e^z$ is inf, and inf ÷ inf is NaN."
    if not np.isfinite(total):
        return overflow + (r"the sum $\sum_k e^{z_k}$ is inf, the true class's probability is a number ÷ inf = 0, "
                           r"and $-\log 0$ = inf.")
    return (rf"The naive way broke and gave **{got}**: the true class's $e^z$ underflowed to 0 in float32 "
            rf"(its logit is {float(z[true_class]):.4g}), so its probability is 0 and $-\log 0$ = inf.")


def round_off_example(n: int = 10_000) -> dict[str, float]:
    """The course's example: 2/n directly, and as (1 + 1/n) − (1 − 1/n), in float32 and float64."""
    result = {"exact": 2 / n}
    for name, dtype in (("float32", np.float32), ("float64", np.float64)):
        one, x = dtype(1), dtype(1) / dtype(n)
        result[f"direct {name}"] = float(dtype(2) / dtype(n))
        result[f"roundabout {name}"] = float((one + x) - (one - x))
    return result
