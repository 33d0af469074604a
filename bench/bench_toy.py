"""TF Playground's default problem: our trainer's epochs/s vs a plain model.fit of the same model.

Circle, 500 points (half for training), SGD lr 0.03, batch 10; hidden [4, 2] tanh
and [8]*6 tanh. nnplay's trainer and model.fit are measured here, in the same run, and compared.
TF Playground's page is not run by this bench: its epochs/s are printed as quoted figures (source
and date beside them), never divided by ours.

    python bench/bench_toy.py
    python bench/bench_toy.py --quick    # 100 epochs of ours, 3 of model.fit (CI)
"""

import argparse
import sys
from dataclasses import replace

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from bench.common import print_table, timed  # noqa: E402
from nnplay.config.schema import HiddenLayer, PlaygroundConfig  # noqa: E402
from nnplay.data.load import load_dataset  # noqa: E402
from nnplay.engine.model import build_loss, build_model, build_optimizer  # noqa: E402
from nnplay.engine.training import Trainer  # noqa: E402

# Quoted, not measured by this bench: TF Playground's page in headless Chromium 156 on this machine
# class, one epoch per animation frame (DESIGN.md and issue 15, week of 2026-12-01).
TF_PLAYGROUND_QUOTED = {"[4, 2]": 60.0, "[8]*6": 25.3}
QUOTE_SOURCE = ("* quoted, not measured in this run: TF Playground's page in headless Chromium 156 on this "
                "machine class (DESIGN.md and issue 15, week of 2026-12-01).\n  It trains one epoch per "
                "animation frame, so its speed is the display's frame rate.")
OURS_EPOCHS, FIT_EPOCHS = 2_000, 30


def fit_epochs_per_second(config, data, validate, epochs):
    """model.fit of the same model; with validate=True it also scores the test set each epoch, as ours does."""
    model = build_model(config, data.n_features, 1)
    model.compile(optimizer=build_optimizer(config), loss=build_loss(config), metrics=["accuracy"])
    y_train = data.y_train.astype("float32")
    fit = lambda epochs: model.fit(data.x_train, y_train, batch_size=config.batch_size, epochs=epochs,  # noqa: E731
                                   validation_data=(data.x_test, data.y_test.astype("float32")) if validate else None,
                                   verbose=0)
    fit(2)  # warm-up: tracing
    _, seconds = timed(fit, epochs)
    return epochs / seconds


def ours_epochs_per_second(config, data, epochs):
    trainer = Trainer(config, data)
    trainer.run_to_end(20)  # warm-up: tracing and XLA compilation
    snapshots = 0

    def run():
        nonlocal snapshots
        for _ in trainer.run(epochs):
            snapshots += 1

    _, seconds = timed(run)
    return epochs / seconds, snapshots / seconds, trainer.history.test_metrics["accuracy"][-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 epochs of ours, 3 of model.fit (CI)")
    args = parser.parse_args(argv)
    ours_epochs, fit_epochs = (100, 3) if args.quick else (OURS_EPOCHS, FIT_EPOCHS)
    rows = []
    for name, hidden in [("[4, 2]", (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh"))),
                         ("[8]*6", tuple(HiddenLayer(8, "tanh") for _ in range(6)))]:
        config = replace(PlaygroundConfig(), hidden=hidden)
        data = load_dataset(config)
        ours, snaps, accuracy = ours_epochs_per_second(config, data, ours_epochs)
        fit = fit_epochs_per_second(config, data, validate=True, epochs=fit_epochs)
        fit_bare = fit_epochs_per_second(config, data, validate=False, epochs=fit_epochs)
        rows.append([name, f"{ours:,.0f}", f"{fit:,.1f}", f"{ours / fit:,.0f}x", f"{fit_bare:,.1f}",
                     f"{ours / fit_bare:,.0f}x", f"{snaps:.1f}", f"{accuracy:.3f}",
                     f"{TF_PLAYGROUND_QUOTED[name]}*"])
    print_table(
        "TF Playground default problem (circle, 250 train / 250 test, SGD 0.03, batch 10, epochs/s; "
        "ratios from this run only)",
        ["hidden", "nnplay", "fit+val", "vs fit+val", "fit", "vs fit", "snapshots/s", "test acc",
         "TF Playground (quoted*)"],
        rows,
    )
    print("\n" + QUOTE_SOURCE)


if __name__ == "__main__":
    main()
