"""What the Playground's AppTests share: the page, and finding its widgets as a person names them."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "app_pages" / "1_Playground.py")
CSV_UPLOAD_LABEL = "CSV file (header row, numeric feature columns)"


def csv_uploaders(at: AppTest) -> list:
    return [u for u in at.file_uploader if u.label == CSV_UPLOAD_LABEL]


def csv_uploader(at: AppTest):
    return next(iter(csv_uploaders(at)))


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def wait_for_the_run(at: AppTest, timeout: float = 120) -> AppTest:
    """Let the session's background work (a Playground run, a lab's job) end, then rerun the page,
    as its panel does in a browser when it ends (AppTest does not rerun fragments on a timer)."""
    from nnplay.engine.live import BackgroundJob, LiveRun
    from nnplay.ui import state

    waited = False
    for key in (k for k in vars(state).values() if isinstance(k, state.Key)):
        value = at.session_state[key.name] if key.name in at.session_state else None
        if isinstance(value, (LiveRun, BackgroundJob)):
            assert value.wait(timeout), f"{key.name} did not end"
            waited = True
    if waited:
        at.run()
    return at


def train(at: AppTest, label: str = "Train") -> AppTest:
    """Click Train (or Continue) as a person does and wait for the run to end."""
    button(at, label).click().run()
    assert not at.exception, at.exception
    return wait_for_the_run(at)
