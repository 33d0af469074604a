"""MNIST, the course's 25-15-10 network with Adam 1e-3: our trainer's samples/s vs plain model.fit.

Ours runs with snapshots on (and scores the test set every epoch); model.fit is
measured plain (no validation) and with validation_data, both batch 32, in the same run.
Data: the best MNIST this machine has (bench.common.find_mnist; it prints which), 10,000
images, 8,000 for training and 2,000 for testing. On a fresh clone offline that is the 5,000
images bundled with nnplay (4,000 / 1,000), and the bench says so.

    python bench/bench_mnist.py            # 5 epochs
    python bench/bench_mnist.py --quick    # 1 epoch on 1,000 images (CI)
"""

import argparse
import sys
from dataclasses import replace

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from bench.common import find_mnist, print_table, timed  # noqa: E402
from nnplay.config.schema import HiddenLayer, default_config  # noqa: E402
from nnplay.data.load import load_dataset  # noqa: E402
from nnplay.engine.model import build_loss, build_model, build_optimizer  # noqa: E402
from nnplay.engine.training import Trainer  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 epoch on 1,000 images (CI)")
    args = parser.parse_args(argv)
    epochs, n_samples = (1, 1_000) if args.quick else (5, 10_000)
    mnist = find_mnist()
    config = replace(
        default_config("multiclass"), dataset="mnist", n_samples=n_samples, train_fraction=0.8,
        hidden=(HiddenLayer(25, "relu"), HiddenLayer(15, "relu")), optimizer="adam", learning_rate=1e-3,
        batch_size=32, epochs=epochs,
    )
    data = load_dataset(config)
    n_train = len(data.x_train)
    print(f"data: {data.source}; {n_train:,} train / {len(data.x_test):,} test")
    for note in [note for note in data.notes if note not in mnist.notes]:  # e.g. fewer images than asked
        print(f"  note: {note}")

    trainer = Trainer(config, data)
    trainer.run_to_end(1)  # warm-up: tracing and XLA compilation
    snapshots = []
    _, ours_seconds = timed(lambda: snapshots.extend(trainer.run(epochs)))
    ours = epochs * n_train / ours_seconds

    rows = [["nnplay trainer (snapshots on)", f"{ours:,.0f}", "1.00", len(snapshots),
             f"{trainer.history.test_metrics['accuracy'][-1]:.3f}"]]
    for label, validation in [("model.fit", None), ("model.fit + validation_data", (data.x_test, data.y_test))]:
        model = build_model(config, data.n_features, 10)
        model.compile(optimizer=build_optimizer(config), loss=build_loss(config), metrics=["accuracy"])
        model.fit(data.x_train, data.y_train, batch_size=32, epochs=1, verbose=0)  # warm-up
        history, seconds = timed(model.fit, data.x_train, data.y_train, batch_size=32, epochs=epochs,
                                 validation_data=validation, verbose=0)
        fit = epochs * n_train / seconds
        accuracy = history.history.get("val_accuracy", [float("nan")])[-1]
        rows.append([label, f"{fit:,.0f}", f"{ours / fit:.2f}", "-", f"{accuracy:.3f}"])
    print_table(f"MNIST 25-15-10, Adam 1e-3, batch 32, {epochs} epochs, {n_train:,} training images "
                "(samples/s; ratio = ours / this, same run)",
                ["run", "samples/s", "ours/this", "snapshots", "test acc"], rows)


if __name__ == "__main__":
    main()
