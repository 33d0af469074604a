"""Every bench that needs no browser runs in its quick mode and prints its table, as on a fresh clone.

A fresh clone has no ../shared: NNPLAY_MNIST_DIR points at an empty folder and KERAS_HOME at an
empty one, so the MNIST benches must find the bundled images, say so, and still run. (The browser
benches' quick modes are tests/e2e/test_bench_*_quick.py.)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_bench(script: str, tmp_path: Path, *args: str) -> str:
    empty = tmp_path / "no-mnist-here"
    empty.mkdir()
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2",
               NNPLAY_MNIST_DIR=str(empty), KERAS_HOME=str(tmp_path / "keras-home"))
    done = subprocess.run([sys.executable, f"bench/{script}", "--quick", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def table_rows(output: str, title: str) -> list[list[str]]:
    """The rows of the table under `title`, split on runs of 2+ spaces (the header first)."""
    assert title in output, output[-3000:]
    lines = output[output.index(title):].split("\n\n")[0].splitlines()[1:]
    return [re.split(r" {2,}", line.strip()) for line in lines if line.strip()]


FRESH_CLONE_MNIST = "MNIST used: MNIST offline fallback: the 5,000 real training images bundled with nnplay"


def test_bench_mnist_quick_says_which_mnist_and_compares_ours_with_fit_in_the_same_run(tmp_path):
    output = run_bench("bench_mnist.py", tmp_path)
    assert FRESH_CLONE_MNIST in output and "local copy not used" in output
    rows = table_rows(output, "MNIST 25-15-10")
    assert [row[0] for row in rows[1:]] == ["nnplay trainer (snapshots on)", "model.fit",
                                                    "model.fit + validation_data"]


def test_bench_mnist_quality_picks_best_on_validation_and_names_its_test_set(tmp_path):
    output = run_bench("bench_mnist_quality.py", tmp_path)
    assert FRESH_CLONE_MNIST in output
    assert "test: no real MNIST test set found: 1,000 bundled images held out" in output
    header, row = table_rows(output, "Train: bundled MNIST fallback")[:2]
    assert "best val epoch" in " ".join(header) and "test acc at best val" in " ".join(header)
    assert "best test acc" not in " ".join(header)
    assert row[1:4] == ["1,000", "500", "1,000"]  # train, validation, test: three separate sets


def test_bench_toy_quotes_tf_playground_and_divides_only_its_own_measurements(tmp_path):
    output = run_bench("bench_toy.py", tmp_path)
    header, *rows = table_rows(output, "TF Playground default problem")
    assert header[-1] == "TF Playground (quoted*)"
    assert "vs TFP" not in " ".join(header)
    assert [row[-1] for row in rows] == ["60.0*", "25.3*"]
    assert "* quoted, not measured in this run" in output


def test_bench_parity_prints_the_seed_tables_and_a_quoted_tf_playground_row(tmp_path):
    output = run_bench("bench_parity.py", tmp_path)
    seeds = table_rows(output, "nnplay, data seed 0: 2 seeds × 10 epochs")
    assert [row[:2] for row in seeds[1:]] == [["0", "0"], ["1", "0"]]
    summary = table_rows(output, "Default setup, 10 epochs")
    assert [row[0] for row in summary[1:]] == ["nnplay, data seed = seed", "nnplay, data seed 0",
                                                       "TF Playground (quoted*)"]
    assert "Not measured by this bench" in output


def test_parity_experiments_quick_runs_every_variant(tmp_path):
    output = run_bench("parity_experiments.py", tmp_path)
    rows = table_rows(output, "TF Playground's default problem, 3 seeds × 20 epochs")[1:]
    assert len(rows) == 16 and {row[1] for row in rows} == {"glorot", "tfp"}
    knobs = table_rows(output, "Within the course's loss")[1:]
    assert len(knobs) == 14
