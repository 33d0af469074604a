"""What only a browser shows: nothing on the Playground is clipped at 1,400 px, a phone-wide screen
sees the decision boundary soon after Train, and a browser that prefers dark gets a dark app with
dark plots (a screenshot of each theme goes to test-artifacts/)."""

import harness
import pytest
from harness import (
    assert_no_exception,
    click_button,
    open_app,
    screenshot,
    wait_for_text,
)

pytestmark = pytest.mark.e2e

QUERY = "epochs=5&n=200"

# Elements whose content must fit inside them (no clipped text): [selector, description].
CLIPPED_JS = """
(selectors) => {
  const clipped = [];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      if (!el.offsetParent) continue;  // not shown
      // KaTeX keeps a hidden MathML copy beside what it draws: measure the drawn part.
      const drawn = el.querySelector('.katex-html');
      const width = drawn ? drawn.getBoundingClientRect().width : el.scrollWidth;
      if (width > el.clientWidth + 1) clipped.push(`${selector}: ${el.textContent.trim().slice(0, 60)}`);
    }
  }
  return clipped;
}
"""
MUST_FIT = [
    "[data-testid=stMainBlockContainer] [data-testid=stCode] pre",  # the rule box's Keras lines
    "[data-testid=stMainBlockContainer] .katex-display",  # its loss formula
    "[data-testid=stWidgetLabel] p",  # widget labels ("Show test…" was cut)
    "[data-testid=stSidebar] [data-testid=stButton] button",
]


def themed_page(browser, scheme: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 1000}, color_scheme=scheme,
                                  reduced_motion="reduce", locale="en-US", timezone_id="UTC")
    context.set_default_timeout(harness.DEFAULT_TIMEOUT_MS)
    context.add_init_script(harness._RUN_COUNTER_JS)
    return context.new_page()


def trained(page, base_url: str) -> None:
    open_app(page, base_url, "Playground", QUERY)
    click_button(page, "Train")
    wait_for_text(page, "Test accuracy")


def test_nothing_is_clipped_at_1400_px(page, streamlit_server, server_log):
    trained(page, streamlit_server)
    assert page.evaluate(CLIPPED_JS, MUST_FIT) == []
    assert_no_exception(page)
    # The run history's results are its first columns, so a table wider than the page shows them.
    page.get_by_role("tab", name="Run history").click()
    table = page.locator("[data-testid=stDataFrame]").filter(visible=True).first
    table.wait_for(state="visible")
    table.locator("[role=gridcell]").first.wait_for(state="attached")  # the grid's accessible mirror is drawn
    headers = table.locator("[role=columnheader]").all_inner_texts()
    assert any("test accuracy" in h for h in headers[:4]), headers
    server_log.assert_no_traceback()


def test_a_phone_sees_the_output_before_the_network(browser, streamlit_server, server_log):
    page = themed_page(browser, "light", 390)
    try:
        trained(page, streamlit_server)
        heading = lambda name: page.get_by_role("heading", name=name, exact=True).bounding_box()["y"]  # noqa: E731
        train = page.get_by_role("button", name="Train", exact=True).bounding_box()["y"]
        assert heading("Output") < heading("Network")
        charts = page.locator("[data-testid=stPlotlyChart]")
        boundary = min(charts.nth(i).bounding_box()["y"] for i in range(charts.count()))  # the first one seen
        assert boundary - train < 900, (train, boundary)  # was ~1,500 px below Train
        # No plotly toolbar over the legends of these charts.
        assert page.locator(".modebar-container .modebar").count() == 0
        assert_no_exception(page)
        screenshot(page, "layout-phone-light")
    finally:
        page.context.close()
    server_log.assert_no_traceback()


BACKGROUND_JS = """
() => {
  const luminance = (color) => {
    const m = /rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?/.exec(color);
    if (!m || (m[4] !== undefined && Number(m[4]) === 0)) return null;  // transparent
    return (0.2126 * m[1] + 0.7152 * m[2] + 0.0722 * m[3]) / 255;
  };
  const app = luminance(getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor);
  // The paper background of each chart: plotly paints it on its first svg.
  const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
    .map(chart => chart.querySelector('svg.main-svg')).filter(Boolean)
    .map(svg => luminance(getComputedStyle(svg).backgroundColor)).filter(v => v !== null);
  const text = [...document.querySelectorAll('[data-testid=stPlotlyChart] .xtick text, .ytick text')]
    .map(t => luminance(t.style.fill || getComputedStyle(t).fill)).filter(v => v !== null);
  return {app, charts, text};
}
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_theme_follows_the_browser_plots_included(browser, streamlit_server, server_log, scheme):
    page = themed_page(browser, scheme, 1400)
    try:
        trained(page, streamlit_server)
        page.wait_for_timeout(500)
        colors = page.evaluate(BACKGROUND_JS)
        dark = scheme == "dark"
        assert (colors["app"] < 0.2) if dark else (colors["app"] > 0.9), colors
        assert colors["charts"], "no chart backgrounds found"
        for chart in colors["charts"]:  # every chart sits on the app's own background, never a white card
            assert (chart < 0.2) if dark else (chart > 0.9), colors
        assert colors["text"], "no tick labels found"
        for text in colors["text"]:  # and its labels are readable on it
            assert (text > 0.5) if dark else (text < 0.6), colors
        assert_no_exception(page)
        screenshot(page, f"theme-{scheme}")
    finally:
        page.context.close()
    server_log.assert_no_traceback()
