"""The quiz lessons' questions. Their right answers come from the catalog's own records (a task's output
activation and loss; an activation's derivative, computed), so the quiz cannot drift from the app."""

from __future__ import annotations

import functools

import numpy as np

from nnplay import warm_up
from nnplay.config.catalog import ACTIVATIONS, TASKS
from nnplay.lessons.records import Question


def task_option(task: str) -> str:
    """'Binary classification: sigmoid output, binary cross-entropy' — a task with what it implies."""
    rule = TASKS[task]
    return f"{rule.label}: {rule.output_activation} output, {rule.loss_label}"


# (key, everyday problem, the right tasks, why)
PROBLEMS = (
    ("house_price", "The price a house will sell for, from its size and its area",
     ("regression", "regression_nonneg"),
     "A price is a number on a scale, not a class: one output unit and mean squared error. The course uses a "
     "linear output; since a price is never negative, a ReLU output is right too."),
    ("digit", "Which digit, 0 to 9, a handwritten image shows",
     ("multiclass",),
     "Exactly one of ten classes: ten outputs, softmax makes them probabilities that sum to one, and sparse "
     "categorical cross-entropy is −log of the true digit's probability."),
    ("spam", "Whether an email is spam",
     ("binary",),
     "One yes/no answer: a single sigmoid unit gives P(spam) and binary cross-entropy scores it."),
    ("temperature", "Tomorrow's temperature change (°C) from today's weather",
     ("regression",),
     "A real number that is often negative: a linear output (a ReLU could never predict a colder day) and "
     "mean squared error."),
    ("photo", "Which of car, bus and pedestrian appear in a street photo",
     ("multilabel",),
     "Three yes/no questions about one photo, any number of them true at once: three sigmoids, each its own "
     "probability, and binary cross-entropy per label. A softmax would force them to share one unit of "
     "probability."),
    ("visitors", "How many visitors a web shop will have tomorrow",
     ("regression_nonneg",),
     "A count is never negative: a ReLU output cannot go below zero, and mean squared error measures the miss."),
)


@functools.cache
def output_quiz() -> tuple[Question, ...]:
    """Lesson 2: each everyday problem answered with a task, that is an output layer and a loss."""
    options = tuple(task_option(task) for task in TASKS)
    return tuple(Question(f"outputs.{key}", problem, options, tuple(task_option(t) for t in right), why)
                 for key, problem, right, why in PROBLEMS)


def _largest_slope(activation: str) -> float:
    warm_up.wait()  # never import Keras beside the server's background import
    from nnplay.labs.activation.experiments import activation_curve  # Keras: only when the quiz is built

    return float(np.max(activation_curve(activation).derivative))


def _flat_on_one_side_only(activation: str) -> bool:
    warm_up.wait()
    from nnplay.labs.activation.experiments import activation_curve

    slope = activation_curve(activation, (-6.0, 6.0)).derivative
    half = len(slope) // 2
    left, right = np.abs(slope[: half - 5]), np.abs(slope[half + 6:])
    return bool(np.all(left < 1e-6) != np.all(right < 1e-6))


ROLES = (  # (key, where the activation goes, the task whose output it is, or None for the hidden default)
    ("hidden", "In the hidden layers, by default", None),
    ("binary", "The output of a yes/no classifier", "binary"),
    ("regression", "The output of a regression to any real number", "regression"),
    ("regression_nonneg", "The output of a regression that can never be negative", "regression_nonneg"),
)
SHAPES = ("sigmoid", "relu", "linear")


@functools.cache
def activation_quiz() -> tuple[Question, ...]:
    """Lesson 3: where sigmoid, ReLU and linear belong, and two facts about their derivatives (computed)."""
    names = {key: ACTIVATIONS[key].label for key in SHAPES}
    options = tuple(names.values())
    questions = []
    for key, role, task in ROLES:
        right = "relu" if task is None else TASKS[task].output_activation
        why = (ACTIVATIONS["relu"].why if task is None else TASKS[task].why)
        questions.append(Question(f"activations.{key}", role, options, (names[right],), why))
    slopes = {key: _largest_slope(key) for key in SHAPES}
    gentlest = min(slopes, key=slopes.get)
    questions.append(Question(
        "activations.slope", "Whose derivative is never larger than 0.25?", options, (names[gentlest],),
        "Largest slopes, computed with Keras: " + ", ".join(f"{names[k]} {v:.2f}" for k, v in slopes.items())
        + ". Backpropagation multiplies by this slope at every layer, so a stack of sigmoids shrinks gradients."))
    one_sided = [key for key in SHAPES if _flat_on_one_side_only(key)]
    questions.append(Question(
        "activations.flat", "Which is flat (derivative 0) on one side only?", options,
        tuple(names[k] for k in one_sided),
        "ReLU's slope is 0 for z < 0 and 1 for z > 0: cheap to compute, and where it is not flat it passes "
        "the gradient through unchanged. The sigmoid is nearly flat on both sides, the linear one nowhere."))
    return tuple(questions)
