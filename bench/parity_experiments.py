"""Why nnplay's default setup reached 100% test accuracy less often than TF Playground: one change at a time.

TF Playground's default problem (circle, 500 points, noise 0, half for training, [4, 2] tanh,
SGD 0.03, batch 10) is trained here for 20 seeds at once, as one vectorised TensorFlow program
(weights with a leading "seed" axis), so each variant of 20 × 300 epochs takes seconds. The
variants change one ingredient of how the net is trained:

- init:  "glorot"   Keras's GlorotUniform kernels and zero biases, with the very weights nnplay's
                     model builder draws for that seed (nnplay.engine.model.build_model)
         "tfp"      TF Playground's: every weight uniform in ±0.5, every bias 0.1
- order: "shuffle"  a new order every epoch, nnplay's batch_order(n, seed, epoch)
         "fixed"    the same order every epoch, as TF Playground (it shuffles the data once)
- loss:  "bce"      the course's: a linear output and binary cross-entropy from logits
         "tfp"      TF Playground's: a tanh output on ±1 labels and 0.5·squared error
- data:  "seed"     data seed = seed;  "0": data seed 0 for every seed (the default link's data)

A second table keeps the course's loss and turns other knobs (learning rate, L2, label smoothing,
other uniform initialisations, written "uniform:limit:bias").

The "glorot/shuffle/bce" row is nnplay's trainer re-done in plain tensors; bench_parity.py checks
the engine itself. Runs on a fresh clone (toy data only).

    python bench/parity_experiments.py            # 20 seeds × 300 epochs, all variants (~3 min)
    python bench/parity_experiments.py --quick    # 3 seeds × 20 epochs (CI)
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import tensorflow as tf  # noqa: E402

from bench.common import print_table  # noqa: E402
from nnplay.config.schema import PlaygroundConfig  # noqa: E402
from nnplay.data.toy import toy_dataset  # noqa: E402
from nnplay.engine.model import build_model  # noqa: E402
from nnplay.engine.training import batch_order  # noqa: E402

DEFAULT = PlaygroundConfig()  # TF Playground's default problem is nnplay's default setup
DATA_SEEDS = ("seed", "0")
# Knobs that keep the course's loss: a smaller or larger learning rate, L2, label smoothing, other inits.
COURSE_LOSS_KNOBS = [
    ("lr 0.01", "glorot", {"learning_rate": 0.01}),
    ("lr 0.1", "glorot", {"learning_rate": 0.1}),
    ("L2 0.001", "glorot", {"l2": 1e-3}),
    ("label smoothing 0.1", "glorot", {"smoothing": 0.1}),
    ("uniform ±0.25, bias 0.1", "uniform:0.25:0.1", {}),
    ("uniform ±1, bias 0", "uniform:1:0", {}),
    ("uniform ±2, bias 0", "uniform:2:0", {}),
]


def initial_weights(init: str, seeds: list[int], sizes: list[int]) -> list[np.ndarray]:
    """Per layer, kernels (S, in, out) and biases (S, out) for every seed."""
    if init == "glorot":
        per_seed = [build_model(replace(DEFAULT, seed=seed)).get_weights() for seed in seeds]
        return [np.stack(arrays).astype(np.float32) for arrays in zip(*per_seed)]
    limit, bias = (0.5, 0.1) if init == "tfp" else map(float, init.split(":")[1:])  # "uniform:limit:bias"
    rng = np.random.default_rng(12345)
    weights = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        weights.append(rng.uniform(-limit, limit, (len(seeds), fan_in, fan_out)).astype(np.float32))
        weights.append(np.full((len(seeds), fan_out), bias, np.float32))
    return weights


def datasets(data: str, seeds: list[int]):
    """Train and test arrays stacked over seeds: x (S, n, 2), y (S, n)."""
    sets = [toy_dataset(replace(DEFAULT, data_seed=seed if data == "seed" else 0)) for seed in seeds]
    stack = lambda name: np.stack([getattr(s, name) for s in sets]).astype(np.float32)  # noqa: E731
    return stack("x_train"), stack("y_train"), stack("x_test"), stack("y_test")


def orders(order: str, seeds: list[int], n: int, epochs: int) -> np.ndarray:
    """(epochs, S, n) example orders."""
    if order == "fixed":
        return np.tile(np.arange(n), (epochs, len(seeds), 1))
    return np.stack([np.stack([batch_order(n, seed, epoch).numpy() for seed in seeds]) for epoch in range(epochs)])


def run_variant(init, order, loss, data, seeds, epochs, learning_rate=0.03, batch=10, l2=0.0, smoothing=0.0):
    """Test accuracy (epochs, S) and final test loss (S,) of one variant."""
    x, y, x_test, y_test = datasets(data, seeds)
    n = x.shape[1]
    sizes = [2] + [layer.units for layer in DEFAULT.hidden] + [1]
    variables = [tf.Variable(w) for w in initial_weights(init, seeds, sizes)]
    all_orders = tf.constant(orders(order, seeds, n, epochs), tf.int32)

    def forward(inputs):
        h = inputs
        for i in range(0, len(variables) - 2, 2):
            h = tf.tanh(tf.einsum("sbi,sio->sbo", h, variables[i]) + variables[i + 1][:, None, :])
        out = tf.einsum("sbi,sio->sbo", h, variables[-2]) + variables[-1][:, None, :]
        return out[..., 0]

    def loss_of(out, targets):  # mean over the batch, summed over seeds (each seed's own gradient)
        penalty = l2 * sum(tf.reduce_sum(tf.square(kernel)) for kernel in variables[::2])  # Keras's L2
        if loss == "bce":
            smoothed = targets * (1 - smoothing) + 0.5 * smoothing  # Keras's label_smoothing
            cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(smoothed, out)
            return tf.reduce_sum(tf.reduce_mean(cross_entropy, axis=1)) + penalty
        return tf.reduce_sum(tf.reduce_mean(0.5 * tf.square(tf.tanh(out) - (2 * targets - 1)), axis=1)) + penalty

    def test_scores():
        out = forward(x_test)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.cast(out > 0, tf.float32), y_test), tf.float32), axis=1)
        return accuracy, tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(y_test, out), axis=1)

    @tf.function(jit_compile=True)
    def epoch_fn(order):
        for b in tf.range(n // batch):
            index = order[:, b * batch:(b + 1) * batch]
            xb, yb = tf.gather(x, index, batch_dims=1), tf.gather(y, index, batch_dims=1)
            with tf.GradientTape() as tape:
                value = loss_of(forward(xb), yb)
            for variable, grad in zip(variables, tape.gradient(value, variables)):
                variable.assign_sub(learning_rate * grad)
        return test_scores()

    accuracies, losses = [], None
    for epoch in range(epochs):
        accuracy, losses = epoch_fn(all_orders[epoch])
        accuracies.append(accuracy.numpy())
    return np.array(accuracies), losses.numpy()


def summary(accuracy: np.ndarray, by: int) -> tuple[str, str, str]:
    """(seeds at 100% at some epoch ≤ by, seeds at 100% at epoch `by`, median first epoch at 100%)."""
    perfect = accuracy[:by] >= 1.0 - 1e-6
    reached = perfect.any(axis=0)
    first = np.argmax(perfect, axis=0)[reached] + 1
    median = f"{int(np.median(first))}" if reached.any() else "never"
    return f"{reached.sum()}/{accuracy.shape[1]}", f"{perfect[-1].sum()}/{accuracy.shape[1]}", median


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 seeds × 20 epochs (CI)")
    args = parser.parse_args(argv)
    seeds, epochs = ([0, 1, 2], 20) if args.quick else (list(range(20)), 300)
    rows = []
    for data in DATA_SEEDS:
        for init, order, loss in itertools.product(("glorot", "tfp"), ("shuffle", "fixed"), ("bce", "tfp")):
            accuracy, test_loss = run_variant(init, order, loss, data, seeds, epochs)
            reached, at_end, median = summary(accuracy, epochs)
            rows.append((data, init, order, loss, reached, at_end, median, f"{np.median(test_loss):.3f}"))
            print(*rows[-1], flush=True)
    print_table(f"TF Playground's default problem, {len(seeds)} seeds × {epochs} epochs (one change at a time)",
                ("data seed", "init", "order", "loss", f"100% by {epochs}", f"100% at {epochs}",
                 "median first", "median test BCE"), rows)
    rows = []
    for label, init, options in COURSE_LOSS_KNOBS:
        for data in DATA_SEEDS:
            accuracy, _ = run_variant(init, "shuffle", "bce", data, seeds, epochs, **options)
            rows.append((label, data, *summary(accuracy, epochs)))
    print_table("Within the course's loss (binary cross-entropy), shuffled batches: other knobs",
                ("variant", "data seed", f"100% by {epochs}", f"100% at {epochs}", "median first"), rows)


if __name__ == "__main__":
    main()
