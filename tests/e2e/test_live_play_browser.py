"""Live play in a real browser: a watched run unfolds epoch by epoch on the page; a view toggle and a
new learning rate mid-run leave it going (the change is marked on the curve); Pause holds it and
Resume goes on; Stop ends it at once; the "Epoch" slider rewinds to another boundary.

While a run plays, its panel reruns 5 times a second, so the app is never "idle": these tests wait
for what the page shows (the epoch painted, a button's label), not for the end of a script run.
"""

from __future__ import annotations

import re
import time

import harness
import pytest
from harness import (
    assert_no_exception,
    open_app,
    screenshot,
    wait_for_app_idle,
    wait_for_text,
)

from nnplay.config.links import to_query_string
from nnplay.config.schema import PlaygroundConfig

pytestmark = pytest.mark.e2e

ROOT_JS = harness.LIVE_VIEW_ROOT_JS

# Every epoch the live view paints, from now on, in window.__painted (the view may be re-created
# when the page reruns, so the observer follows whichever root is on the page).
RECORD_JS = """() => {
  const find = (ROOT);
  window.__painted = [];
  let watched = null, observer = null;
  const note = (root) => window.__painted.push(Number(root.dataset.epoch));
  setInterval(() => {
    const root = find();
    if (!root || root === watched) return;
    if (observer) observer.disconnect();
    watched = root;
    note(root);
    observer = new MutationObserver(() => note(root));
    observer.observe(root, {attributes: true, attributeFilter: ['data-epoch']});
  }, 20);
}""".replace("ROOT", ROOT_JS)


def painted(page) -> list[int]:
    return page.evaluate("() => window.__painted || []")


def latest_epoch(page) -> int:
    seen = painted(page)
    return seen[-1] if seen else -1


def wait_for_epoch_past(page, epoch: int, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while latest_epoch(page) <= epoch:
        assert time.monotonic() < deadline, f"the painted epoch stayed at {latest_epoch(page)}"
        time.sleep(0.05)
    return latest_epoch(page)


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def start(page, server: str, config: PlaygroundConfig):
    open_app(page, server, "Playground", to_query_string(config))
    page.evaluate(RECORD_JS)
    button(page, "Train").click()
    wait_for_epoch_past(page, 2)


def test_a_watched_run_unfolds_epoch_by_epoch(page, streamlit_server, server_log):
    start(page, streamlit_server, PlaygroundConfig(epochs=300))
    wait_for_text(page, re.compile(r"^Finished\."), timeout=90_000)
    distinct = set(painted(page))
    assert len(distinct) >= 50, f"only {len(distinct)} distinct epochs were painted"
    assert painted(page) == sorted(painted(page))  # every frame a later epoch
    assert_no_exception(page)
    server_log.assert_no_traceback()


def test_view_toggle_and_learning_rate_mid_run_keep_it_going(page, streamlit_server, server_log):
    start(page, streamlit_server, PlaygroundConfig(epochs=2000))  # the cap (a link asking more gets the default, 100)
    page.get_by_text("Show test data").click()
    before = latest_epoch(page)
    wait_for_epoch_past(page, before + 10)  # still training
    thumb = page.locator("[data-testid=stSidebar] [data-testid=stSlider]").filter(
        has_text="Learning rate").get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")  # 0.03 → 0.1
    before = latest_epoch(page)
    wait_for_epoch_past(page, before + 10)
    screenshot(page, "live-play-mid-run")
    stopped_at = time.monotonic()
    button(page, "Stop").click()
    wait_for_text(page, re.compile(r"^Stopped at epoch"), timeout=30_000)
    wait_for_app_idle(page)
    assert time.monotonic() - stopped_at < 15
    # The curve marks where the new rate took effect.
    page.locator("[data-testid=stPlotlyChart] text").filter(has_text="learning rate 0.1").first.wait_for()
    assert_no_exception(page)
    server_log.assert_no_traceback()


def test_pause_holds_resume_goes_on_and_stop_is_at_once(page, streamlit_server, server_log):
    start(page, streamlit_server, PlaygroundConfig(epochs=2000))  # the cap (a link asking more gets the default, 100)
    button(page, "Pause").click()
    button(page, "Resume").wait_for()
    time.sleep(0.5)
    held = latest_epoch(page)
    time.sleep(2.0)
    assert latest_epoch(page) == held, "the epoch moved while paused"
    button(page, "Resume").click()
    wait_for_epoch_past(page, held + 5)
    clicked = time.monotonic()
    button(page, "Stop").click()
    wait_for_text(page, re.compile(r"^Stopped at epoch"), timeout=30_000)
    took = time.monotonic() - clicked
    final = int(re.search(r"Stopped at epoch (\d+)", page.get_by_text(re.compile("^Stopped at epoch")).first
                          .inner_text()).group(1))
    assert final < 3000
    print(f"Stop to the stopped page: {took:.2f} s")  # the README's figure; not asserted on a clock
    assert_no_exception(page)
    server_log.assert_no_traceback()


def test_the_epoch_slider_rewinds_the_boundary(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Playground", to_query_string(PlaygroundConfig(epochs=60)))
    page.get_by_role("radio", name="Fast").or_(page.get_by_role("button", name="Fast")).first.click()
    wait_for_app_idle(page)
    button(page, "Train").click()
    wait_for_text(page, re.compile(r"^Finished\."), timeout=90_000)
    wait_for_app_idle(page)
    # The boundary is a plotly heatmap: its picture is an <image> whose address holds the pixels.
    boundary = page.locator("[data-testid=stPlotlyChart] .heatmaplayer image").first
    at_end = boundary.get_attribute("href", timeout=30_000)
    slider = page.locator("[data-testid=stSlider]").filter(has_text="Epoch").get_by_role("slider").first
    slider.focus()
    slider.press("Home")  # epoch 0 ...
    wait_for_app_idle(page)
    for _ in range(5):  # ... then 5 (every early epoch is kept)
        slider.press("ArrowRight")
        wait_for_app_idle(page)
    shown = page.locator("[data-testid=stSlider]").filter(has_text="Epoch").locator("[data-testid=stSliderThumbValue]")
    assert shown.first.inner_text().strip() == "5"
    deadline = time.monotonic() + 30
    while boundary.get_attribute("href", timeout=30_000) == at_end:
        assert time.monotonic() < deadline, "the boundary at epoch 5 looks like the final one"
        time.sleep(0.2)
    screenshot(page, "live-play-rewound")
    assert_no_exception(page)
    server_log.assert_no_traceback()


def test_closing_the_tab_mid_run_stops_the_run_within_seconds(browser, streamlit_server, server_log):
    tab = harness.new_page(browser)
    try:
        start(tab, streamlit_server, PlaygroundConfig(epochs=2000))  # the cap: 66 s when watched
        wait_for_epoch_past(tab, 10)
        # Leaving the page closes its WebSocket, as closing the tab does. (Playwright's context.close()
        # kills the renderer without always closing the socket: the server then waits for its ping
        # timeout, server.websocketPingInterval.)
        tab.goto("about:blank")
    finally:
        tab.context.close()
    closed = time.monotonic()
    deadline = closed + 30
    while "its page was closed" not in server_log.text():
        assert time.monotonic() < deadline, f"the run of a closed tab trained on; the log:\n{server_log.text()[-2000:]}"
        time.sleep(0.2)
    print(f"the closed tab's run stopped {time.monotonic() - closed:.1f} s after the close")
    server_log.assert_no_traceback()
