"""Lesson 10's first bug and the learner's fix, trained with Keras (the choices: nnplay.lessons.double_softmax).

Eager, full-batch steps: a tiny model trains in a few seconds and leaves no traced graph behind
(nnplay.engine.tracing explains what a traced optimizer step would keep)."""

from __future__ import annotations

import functools

import keras
import numpy as np
import tensorflow as tf

from nnplay.data.load import load_dataset
from nnplay.lessons.double_softmax import BROKEN, DATA, EPOCHS, FIXES, LEARNING_RATE, OutputChoice, loss_floor
from nnplay.lessons.evidence import DoubleSoftmaxTry


class OutOfSight(keras.layers.Layer):
    """An output activation as a layer of your own computes it. Keras 3 on TensorFlow looks for a softmax
    or sigmoid right before a from_logits=True loss and quietly uses the scores before it (with a
    warning, "Was this intended?"); other backends, and any activation it cannot see, are not rescued.
    The lesson trains what the code says, so it hides the activation from the loss."""

    def __init__(self, activation: str, **kwargs):
        super().__init__(**kwargs)
        self.activation = keras.activations.get(activation)

    def call(self, scores):
        return self.activation(scores) + 0.0  # a new tensor: nothing left for the loss to find


def _model(choice: OutputChoice, features: int, classes: int, seed: int) -> keras.Model:
    initial = dict(kernel_initializer=keras.initializers.GlorotUniform(seed=seed))
    return keras.Sequential([
        keras.Input((features,)),
        keras.layers.Dense(8, activation="relu", **initial),
        keras.layers.Dense(8, activation="relu", **initial),
        keras.layers.Dense(classes, **initial),
        OutOfSight(choice.activation),
    ])


def _train(choice: OutputChoice, data, epochs: int, seed: int) -> tuple[list[float], float]:
    """Full-batch Adam steps, eager: a few hundred steps of a tiny model take about a second."""
    model = _model(choice, data.x_train.shape[1], data.n_classes, seed)
    loss_of = keras.losses.SparseCategoricalCrossentropy(from_logits=choice.from_logits)
    optimizer = keras.optimizers.Adam(LEARNING_RATE)
    x, y = tf.constant(data.x_train), tf.constant(data.y_train)
    losses = []
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            loss = loss_of(y, model(x, training=True))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        losses.append(float(loss))
    predicted = np.asarray(model(data.x_test)).argmax(axis=-1)
    return losses, float(np.mean(predicted == data.y_test))


@functools.lru_cache(maxsize=4)
def _broken(seed: int) -> tuple[tuple[float, ...], float]:
    """The broken model's run: the same for every learner, so trained once per server and seed."""
    losses, accuracy = _train(BROKEN, load_dataset(DATA), EPOCHS, seed)
    return tuple(losses), accuracy


def try_fix(fix: str, seed: int = 0) -> DoubleSoftmaxTry:
    """Train the broken model and the chosen fix from the same start; their losses and accuracies."""
    if fix not in FIXES:
        raise KeyError(f"Unknown fix {fix!r}; choose one of {', '.join(FIXES)}.")
    data = load_dataset(DATA)
    broken_losses, broken_accuracy = _broken(seed)
    epochs = 2 * EPOCHS if fix == "train_longer" else EPOCHS
    fixed_losses, fixed_accuracy = _train(FIXES[fix], data, epochs, seed)
    return DoubleSoftmaxTry(fix, tuple(broken_losses), tuple(fixed_losses), broken_accuracy, fixed_accuracy,
                            loss_floor(data.n_classes))


