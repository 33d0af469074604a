"""The browser part of bench/bench_live.py runs: its --quick mode ([4, 2], Watch at 60 epochs a second,
60 epochs, one session) opens the Playground in Chromium, picks the speed, trains, and prints its table,
with live-view frames painted. No timing threshold: a slow machine paints fewer frames, never none.

The bench starts its own `streamlit run app.py` and its own Chromium (as a person runs it), in a
subprocess, so this checks the command line as documented in the bench's docstring.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import harness
import pytest

pytestmark = pytest.mark.e2e

TITLE = "Live training in the browser"


def table_rows(output: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the bench's table (print_table: cells right-aligned, two spaces apart)."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(TITLE))
    split = [re.split(r" {2,}", line.strip()) for line in lines[start + 1:] if line.strip()]
    header = split[0]
    rows = [row for row in split[1:] if len(row) == len(header)]
    return header, rows


def test_bench_live_quick_paints_frames(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(harness.REPO), TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, "bench/bench_live.py", "--quick"], cwd=harness.REPO, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    output = done.stdout
    assert done.returncode == 0, f"the bench failed:\n{output[-3000:]}\n{done.stderr[-6000:]}"
    assert TITLE in output, output[-3000:]
    header, rows = table_rows(output)
    measured = [row for row in rows if row[0] == "[4, 2]"]
    assert len(measured) == 1, (header, rows)
    row = dict(zip(header, measured[0]))
    assert row["speed"] == "Watch 60/s" and row["sessions"] == "1", row
    assert float(row["painted/s"]) > 0, row
    assert float(row["epochs/s"]) > 0, row
    assert any(r[0] == "TF Playground (quoted)" for r in rows), rows
