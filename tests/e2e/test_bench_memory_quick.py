"""bench/bench_memory.py runs: its --quick mode (2 rounds of 2 sessions on the toy link, a 5 s
session TTL) opens the sessions in Chromium, trains, closes the tabs, and prints its table; the
server's memory after round 2 is within the bench's target of round 1 (a trainer or its data
kept per visitor would break that long before the target: MNIST 70k left ~215 MB a trainer).

The bench starts its own `streamlit run app.py` and Chromium in a subprocess, as a person runs it.
"""

from __future__ import annotations

import harness
import pytest

pytestmark = pytest.mark.e2e

TITLE = "Server RSS, MB: rounds of 2 sessions"


def test_bench_memory_quick_prints_rounds_within_the_target():
    done = harness.run_bench("bench_memory.py")
    output = done.stdout
    split = harness.bench_table(done, TITLE)
    header, rows = split[0], [row for row in split[1:] if len(row) == len(split[0])]
    assert header[:2] == ["data", "round"], header
    assert [row[:2] for row in rows] == [["toy", "1"], ["toy", "2"]], rows
    assert all(row[-1] == "Finished" for row in rows), rows
    assert done.returncode == 0, output[-3000:]


def test_bench_trainer_memory_quick_prints_its_table():
    done = harness.run_bench("bench_trainer_memory.py", timeout=600)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    row = next(line.split() for line in done.stdout.splitlines() if line.strip().startswith("toy  "))
    assert row[:2] == ["toy", "4"], row
    float(row[-1])  # the per-trainer growth is a number (what it is, is the bench's to report)
