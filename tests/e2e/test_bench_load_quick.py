"""bench/bench_load.py runs: its --quick mode (2 sessions on one 20-epoch link, after two solo runs)
starts `streamlit run app.py`, presses Train in Chromium, and prints its tables; every session gets
the solo curve digit for digit and trains its own model to the end. No timing threshold.
"""

from __future__ import annotations

import harness
import pytest

pytestmark = pytest.mark.e2e

TITLE = "2 sessions pressing Train on one link (20 epochs"


def test_bench_load_quick_gives_every_session_the_solo_curve():
    done = harness.run_bench("bench_load.py")
    output = done.stdout
    rows = {row[0]: row for row in harness.bench_table(done, TITLE)[1:]}
    assert set(rows) == {"solo (first, incl. TF warm-up)", "solo (second)", "crowd #1", "crowd #2"}, rows
    assert [rows[name][-1] for name in ("solo (second)", "crowd #1", "crowd #2")] == ["True"] * 3, rows
    assert "OK: 2/2 sessions got the solo curve exactly" in output
    assert done.returncode == 0, output[-3000:]
