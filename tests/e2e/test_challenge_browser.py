"""A teacher's challenge link in a real browser: the student opens it, trains a setup that meets it and
sees it pass; the solution link, opened in a fresh browser context (another person), trains to the same
final loss, to 4 digits."""

import re

import pytest
from harness import assert_no_exception, click_button, new_page, open_app, screenshot, wait_for_text

from nnplay.config.challenge import Challenge
from nnplay.config.links import to_query_string
from nnplay.config.schema import HiddenLayer, PlaygroundConfig

pytestmark = pytest.mark.e2e

START = PlaygroundConfig(epochs=120, hidden=(HiddenLayer(6, "tanh"),), learning_rate=0.1)
CHALLENGE = Challenge("accuracy", 0.9, max_units=8, max_epochs=150)
LOSS = re.compile(r"final test loss (\d+\.\d{4})")


def train_fast_and_read_the_loss(page) -> str:
    page.get_by_text("Fast", exact=True).first.click()
    click_button(page, "Train", wait=False)
    wait_for_text(page, "Challenge met", timeout=120_000)
    alert = page.locator("[data-testid=stAlert]").filter(has_text="Challenge met").first
    return LOSS.search(alert.inner_text()).group(1)


def test_a_challenge_is_met_and_its_solution_link_replays_the_same_loss(page, browser, streamlit_server):
    query = to_query_string(START) + "&" + "&".join(f"{k}={v}" for k, v in CHALLENGE.to_params().items())
    open_app(page, streamlit_server, "Playground", query)
    wait_for_text(page, "Challenge:")
    wait_for_text(page, "at most 8 hidden units")
    assert_no_exception(page)
    loss = train_fast_and_read_the_loss(page)
    screenshot(page, "challenge_met")
    solution = page.locator(".st-key-challenge code").last  # the container keyed "challenge"
    link = solution.inner_text().strip()
    assert "goal=accuracy" in link and "max_units=8" in link

    teacher = new_page(browser)
    try:
        teacher.goto(link, wait_until="domcontentloaded")
        wait_for_text(teacher, "Challenge:", timeout=120_000)
        assert train_fast_and_read_the_loss(teacher) == loss
        screenshot(teacher, "challenge_replayed")
    finally:
        teacher.context.close()


def test_an_impossible_challenge_says_so(page, streamlit_server):
    query = to_query_string(START) + "&goal=accuracy&target=1.5"
    open_app(page, streamlit_server, "Playground", query)
    wait_for_text(page, "no model can score above 100.0%")
    assert_no_exception(page)
