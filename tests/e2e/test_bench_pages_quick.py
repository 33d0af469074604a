"""bench/bench_pages.py runs: its --quick mode starts `streamlit run app.py` (one fresh server per page),
opens the home page and the Playground in Chromium cold and warm, and prints its table beside
Streamlit's floor (a one-line app). No timing threshold; a page that never draws, or a traceback in the
server's log, fails the bench. The cold Playground is drawn in two steps (its setup before
TensorFlow is in, the rest after), so its first drawing comes before its completion.
"""

from __future__ import annotations

import harness
import pytest

pytestmark = pytest.mark.e2e

TITLE = "Opening a page in Chromium, seconds"


def test_bench_pages_quick_prints_cold_and_warm_times_for_home_and_playground():
    done = harness.run_bench("bench_pages.py")
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    split = harness.bench_table(done, TITLE)
    header, rows = split[0], {row[0]: row for row in split[1:]}
    assert header[:3] == ["page", "cold: first drawn", "cold: complete"], header
    assert set(rows) == {"(Streamlit floor: a one-line app)", "Home", "Playground"}, rows
    first, complete, warm = (float(rows["Playground"][i]) for i in (1, 2, 4))
    assert 0 < first < complete and warm > 0, rows["Playground"]
