"""TF Playground's default problem: our trainer's epochs/s vs a plain model.fit of the same model.

Circle, 500 points (half for training), SGD lr 0.03, batch 10; hidden [4, 2] tanh
and [8]*6 tanh. TF Playground in headless Chromium on this machine class:
~50 epochs/s and ~13.6 epochs/s (DESIGN.md).

    python bench/bench_toy.py
"""

import sys
from dataclasses import replace

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from bench.common import print_table, timed  # noqa: E402
from nnplay.config.schema import HiddenLayer, PlaygroundConfig  # noqa: E402
from nnplay.data.load import load_dataset  # noqa: E402
from nnplay.engine.model import build_loss, build_model, build_optimizer  # noqa: E402
from nnplay.engine.training import Trainer  # noqa: E402

TF_PLAYGROUND = {"[4, 2]": 50.0, "[8]*6": 13.6}
OURS_EPOCHS, FIT_EPOCHS = 2_000, 30


def fit_epochs_per_second(config, data, validate):
    """model.fit of the same model; with validate=True it also scores the test set each epoch, as ours does."""
    model = build_model(config, data.n_features, 1)
    model.compile(optimizer=build_optimizer(config), loss=build_loss(config), metrics=["accuracy"])
    y_train = data.y_train.astype("float32")
    fit = lambda epochs: model.fit(data.x_train, y_train, batch_size=config.batch_size, epochs=epochs,  # noqa: E731
                                   validation_data=(data.x_test, data.y_test.astype("float32")) if validate else None,
                                   verbose=0)
    fit(2)  # warm-up: tracing
    _, seconds = timed(fit, FIT_EPOCHS)
    return FIT_EPOCHS / seconds


def ours_epochs_per_second(config, data):
    trainer = Trainer(config, data)
    trainer.run_to_end(20)  # warm-up: tracing and XLA compilation
    snapshots = 0

    def run():
        nonlocal snapshots
        for _ in trainer.run(OURS_EPOCHS):
            snapshots += 1

    _, seconds = timed(run)
    return OURS_EPOCHS / seconds, snapshots / seconds, trainer.history.test_metrics["accuracy"][-1]


def main():
    rows = []
    for name, hidden in [("[4, 2]", (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh"))),
                         ("[8]*6", tuple(HiddenLayer(8, "tanh") for _ in range(6)))]:
        config = replace(PlaygroundConfig(), hidden=hidden)
        data = load_dataset(config)
        ours, snaps, accuracy = ours_epochs_per_second(config, data)
        fit = fit_epochs_per_second(config, data, validate=True)
        fit_bare = fit_epochs_per_second(config, data, validate=False)
        rows.append([name, f"{ours:,.0f}", f"{fit:,.1f}", f"{ours / fit:,.0f}x", f"{fit_bare:,.1f}",
                     f"{ours / fit_bare:,.0f}x", f"{TF_PLAYGROUND[name]}",
                     f"{ours / TF_PLAYGROUND[name]:,.0f}x", f"{snaps:.1f}", f"{accuracy:.3f}"])
    print_table(
        "TF Playground default problem (circle, 250 train / 250 test, SGD 0.03, batch 10, epochs/s)",
        ["hidden", "nnplay", "fit+val", "vs fit+val", "fit", "vs fit", "TF Playground", "vs TFP", "snapshots/s",
         "test acc"],
        rows,
    )


if __name__ == "__main__":
    main()
