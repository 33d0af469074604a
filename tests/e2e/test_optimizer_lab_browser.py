"""The Optimizer Lab in a real browser: one preset runs the optimizers and their paths appear."""

import pytest

from harness import assert_no_exception, click_button, expect_rerun, open_app, screenshot, wait_for_text

pytestmark = pytest.mark.e2e


def test_too_large_preset_draws_the_paths(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Optimizer_Lab")
    page.get_by_role("heading", name="Optimizer Lab").wait_for(state="visible")
    assert_no_exception(page)

    click_button(page, "Learning rate too large")
    wait_for_text(page, "Adam calms down")
    wait_for_text(page, "Gradient descent diverged at step")

    contour = page.locator("[data-testid=stPlotlyChart]").first
    contour.locator(".legendtext").first.wait_for(state="visible")
    legend = contour.locator(".legendtext").evaluate_all("els => els.map(e => e.textContent)")  # SVG text
    for name in ("Gradient descent (diverged)", "Momentum", "Adam"):
        assert name in legend, legend
    # Each path is an SVG line with real extent, not an empty trace.
    lines = contour.locator(".scatterlayer .trace path.js-line")
    drawn = [d for d in lines.evaluate_all("els => els.map(e => e.getAttribute('d') || '')") if d.count("L") >= 5]
    assert len(drawn) >= 3, drawn

    assert_no_exception(page)
    screenshot(page, "optimizer-lab-too-large", full_page=True)

    # The Play button animates the paths in the browser: they restart short and grow back to full length.
    with expect_rerun(page):
        page.get_by_text("Play button on the plot").click()
    contour = page.locator("[data-testid=stPlotlyChart]").first
    play = contour.locator(".updatemenu-button").filter(has_text="Play")
    play.wait_for(state="visible")
    lengths = "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')[0]" \
              ".querySelectorAll('.scatterlayer .trace path.js-line')].map(e => (e.getAttribute('d') || '').length)"
    full = page.evaluate(lengths)
    play.click()
    page.wait_for_function(f"() => ({lengths})().some((n, i) => n < {full}[i])", polling=30, timeout=10_000)
    page.wait_for_function(f"() => ({lengths})().every((n, i) => n === {full}[i])", timeout=30_000)
    assert_no_exception(page)
    server_log.assert_no_traceback()
