"""The Softmax Inspector in a real browser: train the course's MNIST network in place, pick a
test example and see its probability bars, then draw a digit on the canvas and see what the
network makes of it."""

import re

import pytest
from playwright.sync_api import expect

from harness import assert_no_exception, click_button, expect_rerun, open_app, screenshot, wait_for_text

pytestmark = pytest.mark.e2e


def bars_in(page, chart_title: str) -> int:
    """Number of bars drawn in the plotly chart whose title starts with `chart_title`."""
    chart = page.locator("[data-testid=stPlotlyChart]").filter(has_text=chart_title).first
    return chart.locator(".barlayer .point").count()


def shown_image(page) -> str:
    """The address of the one-example image (the first image on the page)."""
    return page.locator("[data-testid=stImage] img").first.get_attribute("src")


def test_inspector_example_probabilities_and_a_drawn_digit(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Softmax_Inspector")
    page.get_by_role("heading", name="Softmax Inspector").wait_for(state="visible")
    click_button(page, "Train the course's MNIST model", timeout=180_000)
    assert_no_exception(page)

    # ---- one example: 10 logits and 10 probabilities that sum to 1
    wait_for_text(page, "softmax probabilities — sum = 1.0000")
    assert bars_in(page, "softmax probabilities") == 10
    assert bars_in(page, "Logits z") == 10
    example = page.get_by_label("Test example", exact=True)
    first_image = shown_image(page)
    with expect_rerun(page):
        example.fill("7")
        example.press("Enter")
    expect(example).to_have_value("7")
    wait_for_text(page, "softmax probabilities — sum = 1.0000")
    assert bars_in(page, "softmax probabilities") == 10
    # Another example is shown (Streamlit names media files by a hash of their content).
    assert shown_image(page) != first_image
    screenshot(page, "inspector-example")

    # ---- click a cell of the confusion matrix: its examples are listed
    matrix = page.locator("[data-testid=stPlotlyChart]").filter(has_text="predicted").filter(
        has=page.locator(".heatmaplayer")).first
    matrix.scroll_into_view_if_needed()
    cell = matrix.locator(".scatterlayer .point").nth(2 * 10 + 2)  # row "true 2", column "predicted 2"
    cell_box = cell.bounding_box()
    with expect_rerun(page):
        page.mouse.click(cell_box["x"] + cell_box["width"] / 2, cell_box["y"] + cell_box["height"] / 2)
    assert_no_exception(page)
    wait_for_text(page, re.compile(r"\d+ test examples are 2 predicted as 2\."))
    page.get_by_role("heading", name="One test example").scroll_into_view_if_needed()

    # ---- draw a vertical stroke: a "1"
    canvas = page.locator("canvas.upper-canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None, "the drawing canvas is not on the page"
    # The canvas's toolbar floats over its top edge: start the stroke below it.
    x, top, bottom = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.3, box["y"] + box["height"] * 0.9
    with expect_rerun(page):
        page.mouse.move(x, top)
        page.mouse.down()
        page.mouse.move(x + 6, bottom, steps=20)
        page.mouse.up()
    wait_for_text(page, "What the network sees (28×28)")
    wait_for_text(page, "The network says")
    assert bars_in(page, "softmax probabilities — sum") >= 10
    assert_no_exception(page)
    screenshot(page, "inspector-drawn-digit", full_page=True)
    server_log.assert_no_traceback()
