"""Helpers shared by the benchmarks: quiet TensorFlow, time things, print a table."""

import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def print_table(title, header, rows):
    print(f"\n{title}")
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for row in [header, *rows]:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(row, widths)))


def status_kb(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in kB (VmRSS, VmHWM); 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def find_mnist():
    """The best MNIST this machine has, and a line saying which one the bench uses.

    Order: the folder NNPLAY_MNIST_DIR names, else the repository's sibling ../shared/data/mnist
    when it exists (a local copy), then what the app itself tries: Keras's cache, Keras's download
    (only when online), the 5,000 images bundled with nnplay. Set NNPLAY_MNIST_DIR to an empty folder
    to see what a fresh clone gets.
    """
    if "NNPLAY_MNIST_DIR" not in os.environ and SHARED_MNIST.is_dir():
        os.environ["NNPLAY_MNIST_DIR"] = str(SHARED_MNIST)
    from nnplay.data.mnist import load_mnist

    mnist = load_mnist()
    lines = [f"MNIST used: {mnist.source}"] + [f"  ({note})" for note in mnist.notes]
    print("\n".join(lines), flush=True)
    return mnist
