"""A teacher's challenge, carried by a Playground link beside the setup: a target (a test metric and a
threshold) and optional limits (hidden units, weights and biases, epochs).

    ...Playground?v=1&task=binary&...&goal=accuracy&target=0.97&max_units=8&max_epochs=300

The student trains; the page judges each run against the challenge. "Share my solution" writes the same
keys with the student's setup: since a link trains to the same curve, the teacher opens it, trains, and
sees the same result (verification by replay, no accounts, nothing stored on a server). A run counts only
when that replay would give it: trained from the start, to its last epoch, with no setting changed on the way.

Read like every nnplay link: never raises; a hostile or impossible value is refused with a message in a
person's words, and the rest of the challenge still stands. Imports nothing heavy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from nnplay.config.catalog import TASKS
from nnplay.config.links import COMPANION_KEYS, NUMBER_PATTERN, number_text
from nnplay.config.schema import CAPS, PlaygroundConfig, count_params, n_outputs


@dataclass(frozen=True)
class Goal:
    key: str  # in links: goal=accuracy
    words: str  # "test accuracy"
    at_least: bool  # a score to reach (True) or a loss to get under (False)
    low: float  # the range a target may take
    high: float
    tasks: tuple[str, ...]
    as_percent: bool = False

    def shown(self, value: float) -> str:
        return f"{value:.1%}" if self.as_percent else f"{value:.4g}"


CLASSIFIERS = ("binary", "multiclass")
REGRESSIONS = ("regression", "regression_nonneg")
GOALS: dict[str, Goal] = {g.key: g for g in (
    Goal("accuracy", "test accuracy", True, 0.0, 1.0, CLASSIFIERS, as_percent=True),
    Goal("exact_match", "test exact match (every label right)", True, 0.0, 1.0, ("multilabel",), as_percent=True),
    Goal("r2", "test R²", True, -1.0, 1.0, REGRESSIONS),
    Goal("loss", "test loss", False, 0.0, 100.0, tuple(TASKS)),
)}
GOAL_KEY, TARGET_KEY = "goal", "target"
LIMITS = {  # link key -> (words, largest value a link may ask for)
    "max_units": ("hidden units in all", CAPS["hidden_layers"][1] * CAPS["units"][1]),
    "max_params": ("weights and biases", CAPS["total_params"][1]),
    "max_epochs": ("epochs", CAPS["epochs"][1]),
}
assert {GOAL_KEY, TARGET_KEY, *LIMITS} <= COMPANION_KEYS  # links.decode leaves these keys to this module
_MAX_LEN = 40


@dataclass(frozen=True)
class Challenge:
    goal: str
    target: float
    max_units: int | None = None
    max_params: int | None = None
    max_epochs: int | None = None

    @property
    def rule(self) -> Goal:
        return GOALS[self.goal]

    def to_params(self) -> dict[str, str]:
        params = {GOAL_KEY: self.goal, TARGET_KEY: repr(float(self.target)).removesuffix(".0")}
        for key in LIMITS:
            if getattr(self, key) is not None:
                params[key] = str(getattr(self, key))
        return params

    def describe(self) -> str:
        """'test accuracy at least 97.0%, with at most 8 hidden units in all and at most 300 epochs'."""
        rule = self.rule
        text = f"{rule.words} {'at least' if rule.at_least else 'below'} {rule.shown(self.target)}"
        limits = [f"at most {getattr(self, key):,} {words}" for key, (words, _) in LIMITS.items()
                  if getattr(self, key) is not None]
        return text + (", with " + " and ".join(limits) if limits else "")


def goals_for(task: str) -> list[str]:
    return [key for key, goal in GOALS.items() if task in goal.tasks]


def _text(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key) or []
    return values[0] if values else None


def _number(text: str) -> float | None:
    text = number_text(text)
    return float(text) if len(text) <= _MAX_LEN and NUMBER_PATTERN.fullmatch(text) else None


def read_challenge(params: dict[str, list[str]], config: PlaygroundConfig) -> tuple[Challenge | None, list[str]]:
    """The link's challenge for this setup, or None (no goal, or one that cannot be met), and what was refused."""
    goal_text = _text(params, GOAL_KEY)
    if goal_text is None:
        return None, []
    warnings: list[str] = []
    goal = goal_text.strip().lower()[:_MAX_LEN]
    if goal not in GOALS:
        return None, [f"This challenge's goal {goal_text[:20]!r} is not one nnplay knows "
                      f"({', '.join(GOALS)}); there is no target to check."]
    rule = GOALS[goal]
    if config.task not in rule.tasks:
        return None, [f"This challenge asks for {rule.words}, which a {TASKS[config.task].label.lower()} setup does "
                      f"not have (it has {', '.join(GOALS[g].words for g in goals_for(config.task))})."]
    target = _number(_text(params, TARGET_KEY) or "")
    if target is None:
        return None, ["This challenge has no readable target: target= must be a number, such as 0.95."]
    if rule.at_least and target > rule.high:
        return None, [f"This challenge asks for {rule.words} of {target:g}: no model can score above "
                      f"{rule.shown(rule.high)}, so nobody could meet it."]
    if not rule.at_least and target <= rule.low:
        return None, [f"This challenge asks for a test loss below {target:g}: a loss is never below 0, so nobody "
                      "could meet it."]
    if target < rule.low or target > rule.high:
        return None, [f"This challenge's target {target:g} is outside what {rule.words} can be "
                      f"({rule.low:g} to {rule.high:g})."]
    limits: dict[str, Any] = {}
    for key, (words, most) in LIMITS.items():
        text = _text(params, key)
        if text is None:
            continue
        value = _number(text)
        if value is None or value != int(value) or not 0 <= value <= most:
            warnings.append(f"Ignored {key}={text[:20]!r}: it must be a whole number from 0 to {most:,} {words}.")
            continue
        limits[key] = int(value)
    fewest = 2 * n_outputs(config)  # one input, no hidden layer: (1 + 1) weights per output unit
    if limits.get("max_params") is not None and limits["max_params"] < fewest:
        return None, [f"This challenge allows at most {limits['max_params']:,} weights and biases, but even the "
                      f"smallest network for this task (one input, no hidden layer) has {fewest}: nobody could "
                      "meet it."]
    if limits.get("max_epochs") == 0:
        return None, ["This challenge allows 0 epochs: a network must train at least one epoch to learn anything."]
    return Challenge(goal, target, **limits), warnings


@dataclass(frozen=True)
class Judgement:
    met: bool
    lines: tuple[tuple[bool, str], ...]  # (passed, what was found) per thing the challenge asks


def hidden_units(config: PlaygroundConfig) -> int:
    return sum(layer.units for layer in config.hidden)


def judge(challenge: Challenge, run: Any) -> Judgement:
    """A recorded Playground run (nnplay.engine.runs.RunRecord) against the challenge."""
    rule = challenge.rule
    config = run.config
    lines = []
    if rule.key == "loss":
        value = run.history.test_loss[-1] if len(run.history) else math.inf
    else:
        value = run.final.get(rule.key, math.nan)
    met = value >= challenge.target if rule.at_least else value < challenge.target
    lines.append((bool(met), f"{rule.words}: {rule.shown(value)} (the target: "
                             f"{'at least' if rule.at_least else 'below'} {rule.shown(challenge.target)})"))
    if challenge.max_units is not None:
        units = hidden_units(config)
        lines.append((units <= challenge.max_units, f"{units} hidden units (at most {challenge.max_units})"))
    if challenge.max_params is not None:
        params = count_params(config)  # toy data and MNIST: exact; a CSV's width is not in the record
        lines.append((params <= challenge.max_params,
                      f"{params:,} weights and biases (at most {challenge.max_params:,})"))
    epochs = run.history.epoch[-1] if len(run.history) else 0
    if challenge.max_epochs is not None:
        lines.append((epochs <= challenge.max_epochs, f"{epochs} epochs (at most {challenge.max_epochs})"))
    fresh = run.result.epochs_run == epochs and epochs == config.epochs
    replayable = run.result.status == "finished" and fresh and not run.changed_mid_run
    lines.append((replayable, "trained from the start to its last epoch with no setting changed on the way, so "
                              "its link replays it" if replayable else
                              "a solution link replays one run from the start with one setup: Reset, then Train "
                              "to the last epoch without changing a setting on the way"))
    return Judgement(all(passed for passed, _ in lines), tuple(lines))
