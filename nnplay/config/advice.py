"""Plain-language warnings for the classic mistakes a learner can set up.

`advice(config)` returns a list of Advice; each names the config field it is
about (e.g. "hidden[1].activation") so a page can show it next to that control.
"""

from __future__ import annotations

from dataclasses import dataclass

from nnplay.config.catalog import DATASETS, OPTIMIZERS, TASKS, is_toy
from nnplay.config.schema import PlaygroundConfig


@dataclass(frozen=True)
class Advice:
    field: str
    level: str  # "warning" (likely a mistake) or "info" (worth knowing)
    message: str


def output_loss_mismatch(output_activation: str, from_logits: bool) -> str | None:
    """The double-squash mistake: a softmax/sigmoid output fed to a loss that applies it again.

    nnplay's config cannot produce it (the task sets both), but a hand-written or
    loaded model can, so the check is here on its own.
    """
    if from_logits and output_activation in ("softmax", "sigmoid"):
        return (
            f"The output layer already applies {output_activation}, and the loss has from_logits=True, "
            f"so {output_activation} is applied twice: the probabilities get squashed towards uniform and "
            "training stalls. Use a linear output with from_logits=True, or keep "
            f"{output_activation} and from_logits=False."
        )
    return None


def advice(config: PlaygroundConfig) -> list[Advice]:
    found: list[Advice] = []

    def add(field: str, level: str, message: str) -> None:
        found.append(Advice(field, level, message))

    hidden = config.hidden
    # Linear hidden layers: a stack of linear maps is one linear map.
    linear_layers = [i for i, layer in enumerate(hidden) if layer.activation == "linear"]
    for i in linear_layers:
        add(
            f"hidden[{i}].activation",
            "warning",
            f"Hidden layer {i + 1} is linear. Linear layers in a row fold into one linear layer "
            "(W₂(W₁x + b₁) + b₂ = Wx + b), so they add no power: use ReLU, tanh or another non-linear activation.",
        )
    if hidden and len(linear_layers) == len(hidden):
        add(
            "hidden",
            "warning",
            "Every hidden layer is linear: the whole network is a linear model "
            + ("(logistic regression here) " if not TASKS[config.task].is_regression else "")
            + "and can only draw straight decision boundaries, however many layers it has.",
        )

    mismatch = output_loss_mismatch(config.output_activation, config.uses_logits)
    if mismatch:
        add("from_logits", "warning", mismatch)
    if config.task == "multiclass" and not config.uses_logits:
        add(
            "from_logits",
            "info",
            "Softmax output with from_logits=False works, but exponentials of large scores can round off. "
            "A linear output with SparseCategoricalCrossentropy(from_logits=True) computes softmax and "
            "the log together, which is the numerically stable way.",
        )

    sigmoid_run = _longest_run(hidden, "sigmoid")
    if sigmoid_run >= 3:
        add(
            "hidden",
            "warning",
            f"{sigmoid_run} sigmoid layers in a row: sigmoid's slope is at most 0.25, so gradients shrink by "
            "4× or more per layer on the way back and the first layers barely learn. Try ReLU.",
        )

    rule = OPTIMIZERS.get(config.optimizer)
    if rule:
        low, high = rule.typical_lr
        if config.learning_rate > 10 * high:
            add(
                "learning_rate",
                "warning",
                f"A learning rate of {config.learning_rate:g} is far above what usually works for {rule.label} "
                f"({low:g} to {high:g}): the loss is likely to oscillate or blow up to NaN.",
            )
        elif config.learning_rate < low / 100:
            add(
                "learning_rate",
                "warning",
                f"A learning rate of {config.learning_rate:g} is far below what usually works for {rule.label} "
                f"({low:g} to {high:g}): each step is tiny and training will crawl.",
            )

    if is_toy(config.dataset):
        extra_features = set(config.features) - {"x1", "x2"}
        if not hidden and not DATASETS[config.dataset].linearly_separable and not extra_features:
            add(
                "hidden",
                "warning",
                f"With no hidden layer and only x₁, x₂ as inputs, the boundary is a straight line, "
                f"and '{config.dataset}' cannot be split by one. Add a hidden layer or a feature such as x₁².",
            )
    narrowest = min((layer.units for layer in hidden), default=None)
    if config.task == "multiclass" and narrowest is not None and narrowest == 1:
        add("hidden", "warning", "A hidden layer with 1 unit squeezes everything through one number: "
            "hard for separating several classes. Widen it.")

    if config.batch_size == 1:
        add("batch_size", "info", "Batch size 1 is pure stochastic gradient descent: noisy steps and slow epochs.")
    if config.batch_size == 0:
        add("batch_size", "info", "Full batch: every step uses all training data — plain gradient descent, "
            "smooth but one step per epoch.")

    if config.regularization != "none" and config.reg_rate >= 0.1:
        add("reg_rate", "warning", f"A {config.regularization.upper()} rate of {config.reg_rate:g} is strong: "
            "the penalty can outweigh the data and flatten the model (underfitting).")
    if config.regularization != "none" and config.reg_rate == 0:
        add("reg_rate", "info", f"{config.regularization.upper()} is on with rate 0, so it does nothing.")
    if config.optimizer == "sgd" and config.nesterov and config.momentum == 0:
        add("nesterov", "info", "Nesterov momentum needs a momentum above 0 to have any effect.")
    return found


def _longest_run(hidden, activation: str) -> int:
    longest = current = 0
    for layer in hidden:
        current = current + 1 if layer.activation == activation else 0
        longest = max(longest, current)
    return longest
