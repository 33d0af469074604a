"""The Optimizer Lab in a real browser: one preset runs the optimizers and their paths appear."""

import pytest
from harness import (
    assert_no_exception,
    click_button,
    expect_rerun,
    open_app,
    screenshot,
    wait_for_text,
)

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


def _chosen_pills_fit(page, label: str, expected: list[str]) -> None:
    """Every option of the pills group `label` is on screen inside the group (none scrolled out of
    sight or clipped), and exactly `expected` are selected."""
    group = page.get_by_role("toolbar", name=label, exact=True)
    group.scroll_into_view_if_needed()
    box = group.bounding_box()
    buttons = group.get_by_role("button")
    selected = []
    for i in range(buttons.count()):
        button = buttons.nth(i)
        assert button.is_visible()
        own = button.bounding_box()
        name = button.inner_text().strip()
        assert box["x"] - 1 <= own["x"] and own["x"] + own["width"] <= box["x"] + box["width"] + 1, (name, own, box)
        if button.get_attribute("aria-pressed") == "true":
            selected.append(name)
    assert selected == expected


@pytest.mark.parametrize("width, height", [(1400, 1000), (390, 844)])
def test_every_chosen_optimizer_is_visible_on_a_desktop_and_a_phone(page, streamlit_server, server_log, width,
                                                                    height):
    """Issue 10: at 1,400 px the optimizer picker (a multiselect in a narrow column) hid its chips."""
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, streamlit_server, "Optimizer_Lab")
    _chosen_pills_fit(page, "Optimizers",
                      ["Gradient descent", "Momentum", "Nesterov", "RMSprop", "Adagrad", "Adam"])
    # The opening view has nothing diverged to explain away.
    assert page.locator("[data-testid^=stAlert]").filter(has_text="diverged").count() == 0
    screenshot(page, f"optimizer-lab-picker-{width}")
    with expect_rerun(page):
        page.get_by_role("button", name="Nesterov", exact=True).click()  # one click takes one off
    _chosen_pills_fit(page, "Optimizers", ["Gradient descent", "Momentum", "RMSprop", "Adagrad", "Adam"])

    page.get_by_role("tab", name="Race on a real network").click()
    _chosen_pills_fit(page, "Optimizers in the race", ["SGD", "Momentum", "Adam"])
    screenshot(page, f"optimizer-lab-race-picker-{width}")
    assert_no_exception(page)
    server_log.assert_no_traceback()
