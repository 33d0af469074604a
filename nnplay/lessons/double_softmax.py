"""Lesson 10's first bug, trained for real: a softmax output layer under a loss with from_logits=True.

The loss applies softmax itself, so the network's probabilities go through softmax twice. Probabilities
lie in [0, 1], so the second softmax can never be sure: with K classes its best is
e / (e + K − 1), and the loss can never fall below ln(e + K − 1) − 1 (0.551 for K = 3), however long
it trains. The learner picks a fix; nnplay.lessons.double_softmax_run trains both with Keras on the same
toy data. This module imports no TensorFlow: the Lessons page shows the choices without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from nnplay.config.schema import default_config


@dataclass(frozen=True)
class OutputChoice:
    label: str  # on the page
    activation: str  # of the output layer
    from_logits: bool


BROKEN = OutputChoice("Dense(3, activation=\"softmax\") with from_logits=True", "softmax", True)
FIXES: dict[str, OutputChoice] = {
    "linear_logits": OutputChoice("make the output linear: Dense(3), keep from_logits=True", "linear", True),
    "softmax_probs": OutputChoice("keep the softmax output, set from_logits=False", "softmax", False),
    "sigmoid_logits": OutputChoice("use a sigmoid output instead, keep from_logits=True", "sigmoid", True),
    "train_longer": OutputChoice("change nothing: train it twice as long", "softmax", True),
}
RIGHT_FIXES = ("linear_logits", "softmax_probs")
EPOCHS = 100  # full-batch steps
LEARNING_RATE = 0.03
DATA = replace(default_config("multiclass"), n_samples=300)  # blobs, 3 classes: easy, so only the bug can fail


def loss_floor(classes: int) -> float:
    """The lowest loss softmax-of-probabilities can reach: ln(e + K − 1) − 1."""
    return math.log(math.e + classes - 1) - 1


BROKEN_CODE = """model = keras.Sequential([
    keras.Input((2,)),
    keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(8, activation="relu"),
    keras.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(0.01),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train, y_train, epochs=40)"""
