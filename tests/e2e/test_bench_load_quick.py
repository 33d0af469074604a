"""bench/bench_load.py runs: its --quick mode (2 sessions on one 20-epoch link, after two solo runs)
starts `streamlit run app.py`, presses Train in Chromium, and prints its tables; every session gets
the solo curve digit for digit and trains its own model to the end. No timing threshold.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import harness
import pytest

pytestmark = pytest.mark.e2e

TITLE = "2 sessions pressing Train on one link (20 epochs"


def test_bench_load_quick_gives_every_session_the_solo_curve():
    env = dict(os.environ, PYTHONPATH=str(harness.REPO), TF_CPP_MIN_LOG_LEVEL="2")
    done = subprocess.run([sys.executable, "bench/bench_load.py", "--quick"], cwd=harness.REPO, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    output = done.stdout
    assert TITLE in output, f"{output[-3000:]}\n{done.stderr[-6000:]}"
    table = output[output.index(TITLE):].split("\n\n")[0].splitlines()[1:]
    split = [re.split(r" {2,}", line.strip()) for line in table if line.strip()]
    rows = {row[0]: row for row in split[1:]}
    assert set(rows) == {"solo (first, incl. TF warm-up)", "solo (second)", "crowd #1", "crowd #2"}, rows
    assert [rows[name][-1] for name in ("solo (second)", "crowd #1", "crowd #2")] == ["True"] * 3, rows
    assert "OK: 2/2 sessions got the solo curve exactly" in output
    assert done.returncode == 0, output[-3000:]
