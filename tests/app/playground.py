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
    """Let the session's background run end, then rerun the page, as the live panel does in a
    browser when the run ends (AppTest does not rerun fragments on a timer)."""
    live = at.session_state["live"] if "live" in at.session_state else None
    if live is not None:
        assert live.wait(timeout), "the run did not end"
        at.run()
    return at


def train(at: AppTest, label: str = "Train") -> AppTest:
    """Click Train (or Continue) as a person does and wait for the run to end."""
    button(at, label).click().run()
    assert not at.exception, at.exception
    return wait_for_the_run(at)
