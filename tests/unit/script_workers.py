"""Running exported scripts in two worker processes (the machine's two cores), for the codegen tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nnplay.data import mnist as datasets


def run_in_two_workers(folder: Path, jobs: dict[str, dict], timeout: int) -> dict[str, str]:
    """Hand half of `jobs` to each of two `folder/worker.py` processes (it takes a JSON list of jobs);
    the end of each worker's output, by job name. NNPLAY_MNIST_DIR is left out: an MNIST script
    must find the page's own source by its path."""
    names = list(jobs)
    halves = [names[0::2], names[1::2]]
    env = {k: v for k, v in os.environ.items() if k != datasets.MNIST_DIR_ENV}
    env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONIOENCODING": "utf-8"})

    def work(share: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(folder / "worker.py"), json.dumps([jobs[n] for n in share])],
                              capture_output=True, text=True, env=env, cwd=folder, timeout=timeout)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(work, halves))
    return {name: result.stdout[-3000:] + result.stderr[-3000:]
            for share, result in zip(halves, results) for name in share}
