"""The Playground page in a real browser: a share link restores the controls, Train shows
live progress, Stop ends the run early (kept in the run history), and a control change is
written back into the URL."""

import re

import pytest
from harness import (
    assert_no_exception,
    click_button,
    current_query,
    expect_rerun,
    open_app,
    screenshot,
    wait_for_text,
)
from playwright.sync_api import expect

from nnplay.config.links import to_query_string
from nnplay.config.schema import HiddenLayer, PlaygroundConfig

pytestmark = pytest.mark.e2e

EPOCHS = 2000
# Batch size 1 on 2500 training points: each epoch is 2500 optimizer steps, so the run would
# take minutes if left alone. The test stops it after seeing it move, whatever the machine's
# speed, and the browser (2 cores shared with TensorFlow) may be seconds behind the server.
LINK_CONFIG = PlaygroundConfig(
    n_samples=5000, epochs=EPOCHS, learning_rate=0.01, seed=3, batch_size=1,
    hidden=(HiddenLayer(8, "tanh"),) * 6,
)
PROGRESS = re.compile(r"Epoch (\d+) of (\d+)")


def progress_epochs(page) -> tuple[int, int] | None:
    """(epoch, target) from the progress bar's text, or None while there is no bar."""
    bar = page.locator("[data-testid=stProgress]")
    if bar.count() == 0:
        return None
    try:
        match = PROGRESS.search(bar.first.inner_text(timeout=1_000))
    except Exception:  # the bar was replaced between count() and inner_text()
        return None
    return (int(match.group(1)), int(match.group(2))) if match else None


def test_playground_share_link_train_stop_and_url(page, streamlit_server, server_log):
    query = to_query_string(LINK_CONFIG)
    open_app(page, streamlit_server, "Playground", query)
    page.get_by_role("heading", name="Playground").wait_for(state="visible")
    assert_no_exception(page)

    # ---- 1. the link's values are in the controls and in the share link
    sidebar = page.locator("[data-testid=stSidebar]")
    # expect(...) retries: a widget may be re-mounted while the first run finishes drawing.
    expect(sidebar.get_by_label("Epochs")).to_have_value(str(EPOCHS))
    expect(sidebar.get_by_label("Seed (initial weights, batch order)")).to_have_value("3")
    lr_slider = sidebar.locator("[data-testid=stSlider]").filter(has_text="Learning rate")
    assert lr_slider.locator("[data-testid=stSliderThumbValue]").inner_text().strip() == "0.01"
    for i in range(6):
        expect(page.get_by_label(f"Layer {i + 1} units")).to_have_value("8")
    page.get_by_role("tab", name="Share & save").click()
    share_code = page.locator("[data-testid=stCode]").filter(has_text="/Playground?").first
    share_code.wait_for(state="visible")
    link = share_code.inner_text().strip()
    assert link.split("?", 1)[1] == query, link
    assert current_query(page)["epochs"] == str(EPOCHS)
    assert current_query(page)["lr"] == "0.01"

    # ---- 2. Train: the progress bar moves while the run goes on; Stop ends it early
    # Fewer points to redraw: the browser keeps up better with the live updates.
    with expect_rerun(page):
        page.get_by_text("Show test data").click()
    click_button(page, "Train", wait=False)
    # Collect the epochs the progress bar shows, in the page (cheaper than polling from here:
    # the browser is busy redrawing the charts several times a second).
    page.wait_for_function(
        """() => {
          const seen = (window.__epochsSeen = window.__epochsSeen || []);
          const bar = document.querySelector("[data-testid=stProgress]");
          const m = bar && /Epoch (\\d+) of (\\d+)/.exec(bar.textContent);
          if (m && seen[seen.length - 1] !== `${m[1]}/${m[2]}`) seen.push(`${m[1]}/${m[2]}`);
          return seen.length >= 2;
        }""",
        polling=50,
        timeout=45_000,
    )
    seen = [tuple(map(int, s.split("/"))) for s in page.evaluate("() => window.__epochsSeen")]
    epochs = [epoch for epoch, _ in seen]
    assert all(target == EPOCHS for _, target in seen), seen
    assert len(set(epochs)) >= 2 and epochs == sorted(epochs), f"the progress did not move on: {seen}"
    assert epochs[-1] < EPOCHS, f"the run finished before it could be stopped: {seen}"
    # Live: the network, the boundary and the loss curve are painted mid-run, not only at the end.
    assert page.locator(".nnplay-live-view canvas").count() == 3
    screenshot(page, "playground-training")

    # force: no waiting for the button to be "stable" while the charts redraw around it.
    with expect_rerun(page):
        page.get_by_role("button", name="Stop", exact=True).click(force=True)
    stopped = wait_for_text(page, re.compile(r"^Stopped.*epochs in all"), timeout=90_000)
    all_epochs = int(re.search(r"(\d+) epochs in all", stopped.inner_text()).group(1))
    assert epochs[-1] <= all_epochs < EPOCHS, (seen, stopped.inner_text())
    assert page.locator("[data-testid=stProgress]").count() == 0
    assert_no_exception(page)
    screenshot(page, "playground-stopped")

    page.get_by_role("tab", name="Run history").click()
    table = page.locator("[data-testid=stDataFrame]").filter(visible=True).first
    table.wait_for(state="visible")
    # glide-data-grid draws on a canvas; its cells are mirrored in an accessible table.
    cells = table.locator("[role=gridcell]")
    cells.filter(has_text="stopped").first.wait_for(state="attached")
    assert cells.filter(has_text=re.compile(r"^finished$")).count() == 0
    # (the grid renders only the columns in view, so the epochs column is checked on the page above)
    assert cells.first.inner_text() == "1"  # one run listed: run number 1

    # ---- 3. a control change is written into the URL
    epochs_box = sidebar.get_by_label("Epochs")
    with expect_rerun(page):
        epochs_box.fill("150")
        epochs_box.press("Enter")
    page.wait_for_function("() => location.search.includes('epochs=150')", timeout=10_000)
    assert current_query(page)["epochs"] == "150"
    assert current_query(page)["lr"] == "0.01"  # the rest of the link is kept

    task_box = sidebar.locator("[data-testid=stSelectbox]").filter(has_text="Task")
    with expect_rerun(page):
        task_box.locator("input").click()
        page.keyboard.type("Regression")
        page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('task=regression')", timeout=10_000)
    assert current_query(page)["task"].startswith("regression")
    assert current_query(page)["epochs"] == "150"

    assert_no_exception(page)
    server_log.assert_no_traceback()
