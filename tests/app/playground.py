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
