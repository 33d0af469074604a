"""What a trainer leaves behind: RSS after each of N trainers, built one after another, trained and dropped.

No browser, no server: the engine alone, in this process. Each trainer is new (not from the pool),
trains a few epochs in a thread of its own (as a live run does) and is dropped; then the garbage
collector runs and glibc is asked to return free memory (malloc_trim), and RSS is read. Memory that
grows trainer after trainer is memory a server never gets back.

    python bench/bench_trainer_memory.py [--trainers 12] [--data toy mnist] [--quick]

Measured on this machine before the fixes (same method, 2026-12-03): a toy trainer left ~10.7 MB,
an MNIST-70k trainer ~224 MB (its traced graph, holding the whole training set, stayed in
TensorFlow's gradient registry); after nnplay.engine.tracing ~9.9 and ~15 MB (the XLA program);
with the programs shared per setup shape (nnplay.engine.programs) nothing.

MNIST: as bench_memory.py finds it (--mnist-dir, NNPLAY_MNIST_DIR, a 70,000-image stand-in from
../shared, else the app's own); printed.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
import threading
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import print_table, status_kb  # noqa: E402


def rss_mb() -> float:
    return status_kb(os.getpid(), "VmRSS") / 1024


def release_free_memory() -> None:
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:  # not glibc: RSS may then include memory freed but kept by the allocator
        pass


def series(kind: str, trainers: int, epochs: int) -> list[float]:
    from nnplay.config.schema import PlaygroundConfig
    from nnplay.data.load import load_dataset
    from nnplay.engine.training import Trainer
    from nnplay.labs.inspector.predictions import course_mnist_config

    config = (replace(PlaygroundConfig(), epochs=epochs) if kind == "toy" else
              replace(course_mnist_config(), n_samples=70_000, train_fraction=6 / 7, epochs=1))
    values = []
    def train_one() -> None:
        Trainer(config, load_dataset(config)).run_to_end()

    for _ in range(trainers):
        worker = threading.Thread(target=train_one)
        worker.start()
        worker.join()
        release_free_memory()
        values.append(rss_mb())
        print(f"{kind} trainer {len(values)}: {values[-1]:.0f} MB", flush=True)
    return values


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainers", type=int, default=12)
    parser.add_argument("--data", nargs="+", choices=("toy", "mnist"), default=["toy", "mnist"])
    parser.add_argument("--epochs", type=int, default=50, help="epochs of each toy trainer")
    parser.add_argument("--mnist-dir", help="a folder with mnist.npz or MNIST's IDX files")
    parser.add_argument("--quick", action="store_true", help="4 toy trainers of 5 epochs")
    args = parser.parse_args()
    if args.quick:
        args.trainers, args.data, args.epochs = 4, ["toy"], 5
    if "mnist" in args.data:
        from bench.bench_memory import mnist_folder

        folder, said = mnist_folder(args.mnist_dir)
        if folder:
            os.environ["NNPLAY_MNIST_DIR"] = folder
        print(f"MNIST: {said}")
    rows = []
    for kind in args.data:
        values = series(kind, args.trainers, args.epochs)
        per = (values[-1] - values[1]) / (len(values) - 2) if len(values) > 2 else float("nan")
        rows.append([kind, str(len(values)), f"{values[0]:.0f}", f"{values[-1]:.0f}", f"{per:+.1f}"])
    print_table("RSS of this process after each trainer was dropped, MB",
                ["data", "trainers", "after #1", "after last", "per trainer after #2"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
