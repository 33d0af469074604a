"""The Playground page in a real browser: a share link restores the controls, Train shows
live progress, Stop ends the run early (kept in the run history), and a control change is
written back into the URL."""

import re
import time

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
from nnplay.config import HiddenLayer, PlaygroundConfig
from nnplay.urlstate import to_query_string

pytestmark = pytest.mark.e2e

EPOCHS = 2000
# Six tanh layers of 8 units and 2000 epochs: a run of several seconds in the browser, long
# enough to watch the progress bar move and to press Stop before it ends.
LINK_CONFIG = PlaygroundConfig(
    epochs=EPOCHS, learning_rate=0.1, seed=3, hidden=(HiddenLayer(8, "tanh"),) * 6
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
    assert sidebar.get_by_label("Epochs").input_value() == str(EPOCHS)
    assert sidebar.get_by_label("Seed (initial weights, batch order)").input_value() == "3"
    lr_slider = sidebar.locator("[data-testid=stSlider]").filter(has_text="Learning rate")
    assert lr_slider.locator("[data-testid=stSliderThumbValue]").inner_text().strip() == "0.1"
    for i in range(6):
        assert page.get_by_label(f"Layer {i + 1} units").input_value() == "8"
    page.get_by_role("tab", name="Share & save").click()
    share_code = page.locator("[data-testid=stCode]").filter(has_text="/Playground?").first
    share_code.wait_for(state="visible")
    link = share_code.inner_text().strip()
    assert link.split("?", 1)[1] == query, link
    assert current_query(page)["epochs"] == str(EPOCHS)
    assert current_query(page)["lr"] == "0.1"

    # ---- 2. Train: the progress bar moves while the run goes on; Stop ends it early
    click_button(page, "Train", wait=False)
    seen: list[int] = []
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        now = progress_epochs(page)
        if now is not None:
            epoch, target = now
            assert target == EPOCHS, now
            if not seen or seen[-1] != epoch:
                seen.append(epoch)
            if len(set(seen)) >= 2 and epoch >= 50:
                break
        time.sleep(0.05)
    assert len(set(seen)) >= 2, f"the progress bar never moved (epochs seen: {seen})"
    assert seen == sorted(seen), f"the progress went backwards: {seen}"
    assert seen[-1] < EPOCHS, f"the run finished before it could be stopped: {seen}"
    state = page.locator("[data-testid=stApp]").get_attribute("data-test-script-state")
    assert state == "running", f"the run is no longer running (script state {state}, epochs {seen})"
    # Live curves: the loss chart is drawn mid-run, not only at the end.
    assert page.locator("[data-testid=stPlotlyChart]").count() >= 3
    t0 = time.monotonic()
    screenshot(page, "playground-training")
    print("DBG seen", seen, "shot", time.monotonic() - t0, progress_epochs(page))
    click_button(page, "Stop")
    print("DBG after stop", time.monotonic() - t0)
    stopped = wait_for_text(page, re.compile(r"^Stopped\..*epochs in all"))
    all_epochs = int(re.search(r"(\d+) epochs in all", stopped.inner_text()).group(1))
    assert seen[-1] <= all_epochs < EPOCHS, (seen, stopped.inner_text())
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
    assert cells.filter(has_text=re.compile(rf"^{all_epochs}$")).count() >= 1

    # ---- 3. a control change is written into the URL
    epochs_box = sidebar.get_by_label("Epochs")
    with expect_rerun(page):
        epochs_box.fill("150")
        epochs_box.press("Enter")
    page.wait_for_function("() => location.search.includes('epochs=150')", timeout=10_000)
    assert current_query(page)["epochs"] == "150"
    assert current_query(page)["lr"] == "0.1"  # the rest of the link is kept

    task_box = sidebar.locator("[data-testid=stSelectbox]").filter(has_text="Task")
    with expect_rerun(page):
        task_box.click()
        page.get_by_role("option", name=re.compile("regression", re.I)).first.click()
    page.wait_for_function("() => location.search.includes('task=regression')", timeout=10_000)
    assert current_query(page)["task"].startswith("regression")
    assert current_query(page)["epochs"] == "150"

    assert_no_exception(page)
    server_log.assert_no_traceback()
