"""Many users, one link (CI-sized): sessions training at the same time in one server get the
same loss curve as a session training alone, each sees only its own run, and a second app
process on another port turns the same link into the same controls and the same curve.

The curve is read as a user would get it: the "Download the loss history (CSV)" button, whose
floats are written with repr() and so compare exactly. The training is seeded per run (weights
per layer, each epoch's shuffle from (seed, epoch)), never from global random state shared by
every session of the process, so the curves must be bit-identical, not merely close.
"""

from __future__ import annotations

import re
import urllib.parse

import harness
import pytest
from harness import (
    app_url,
    assert_no_exception,
    current_query,
    runs_finished,
    wait_for_app_idle,
    wait_for_text,
)

from nnplay.config.links import to_query_string
from nnplay.config.schema import HiddenLayer, PlaygroundConfig

pytestmark = pytest.mark.e2e

EPOCHS = 300
# TF Playground's default network on a small circle: a few seconds per run even with several
# sessions sharing 2 cores, far below the page's per-run time budget.
LINK = PlaygroundConfig(n_samples=200, noise=0.1, epochs=EPOCHS, seed=7,
                        hidden=(HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh")))
OTHER_LINK = PlaygroundConfig(n_samples=200, noise=0.1, epochs=EPOCHS, seed=8, learning_rate=0.1,
                              hidden=(HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh")))
TRAIN_TIMEOUT_MS = 240_000  # several sessions on a shared 2-core machine: slow, never a timing assertion
FINISHED = re.compile(r"^Finished\..*\((\d+) epochs in [\d.]+ s; (\d+) epochs in all\)")


def open_links(visits: list[tuple]) -> None:
    """Open (page, base_url, config) visits side by side: navigate all, then wait for each."""
    for page, base_url, config in visits:
        page.goto(app_url(base_url, "Playground", to_query_string(config)), wait_until="commit",
                  timeout=TRAIN_TIMEOUT_MS)
    for page, _, _ in visits:
        page.locator("[data-testid=stApp]").wait_for(state="attached", timeout=TRAIN_TIMEOUT_MS)
        wait_for_app_idle(page, after=0, timeout=TRAIN_TIMEOUT_MS)
        page.get_by_role("heading", name="Playground").wait_for(state="visible")


def press_train(page) -> int:
    """Click Train without waiting; return the run count to wait past."""
    before = runs_finished(page)
    page.get_by_role("button", name="Train", exact=True).click()
    return before


def finished_run(page, before: int) -> str:
    """Wait for the training rerun to end; return the loss history CSV the page offers."""
    wait_for_app_idle(page, after=before, timeout=TRAIN_TIMEOUT_MS)
    message = wait_for_text(page, FINISHED, timeout=TRAIN_TIMEOUT_MS).inner_text()
    run_epochs, all_epochs = map(int, FINISHED.search(message).groups())
    # One run of EPOCHS epochs: a trainer shared with another session would show more in all.
    assert (run_epochs, all_epochs) == (EPOCHS, EPOCHS), message
    assert_no_exception(page)
    return download_loss_history(page)


def download_loss_history(page) -> str:
    button = page.get_by_role("button", name="Download the loss history (CSV)", exact=True)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    with open(download.value.path(), encoding="utf-8") as f:
        text = f.read()
    lines = text.strip().splitlines()
    assert lines[0] == "epoch,train_loss,test_loss,train_accuracy,test_accuracy", lines[0]
    assert [int(line.split(",")[0]) for line in lines[1:]] == list(range(1, EPOCHS + 1))
    return text


def train_loss(csv_text: str) -> list[float]:
    return [float(line.split(",")[1]) for line in csv_text.strip().splitlines()[1:]]


def controls(page) -> dict[str, str]:
    """What the sidebar and the network section show, as a user would read them."""
    sidebar = page.locator("[data-testid=stSidebar]")
    lr = sidebar.locator("[data-testid=stSlider]").filter(has_text="Learning rate")
    return {
        "epochs": sidebar.get_by_label("Epochs").input_value(),
        "seed": sidebar.get_by_label("Seed (initial weights, batch order)").input_value(),
        "lr": lr.locator("[data-testid=stSliderThumbValue]").inner_text().strip(),
        "units": ",".join(page.get_by_label(f"Layer {i + 1} units").input_value() for i in range(2)),
    }


def test_concurrent_sessions_match_a_session_alone(page, browser, streamlit_server, server_log):
    open_links([(page, streamlit_server, LINK)])
    solo = finished_run(page, press_train(page))

    # Three more users at once: two on the same link, one on another link, each in its own
    # browser context (own cookies, own Streamlit session), all pressing Train together.
    others = [harness.new_page(browser) for _ in range(3)]
    try:
        links = [LINK, LINK, OTHER_LINK]
        open_links([(other, streamlit_server, link) for other, link in zip(others, links)])
        started = [press_train(other) for other in others]
        curves = [finished_run(other, before) for other, before in zip(others, started)]
        for other, link in zip(others, links):  # each session still shows its own setup
            assert current_query(other)["seed"] == str(link.seed)
    finally:
        for other in others:
            other.context.close()

    assert curves[0] == solo, "a session training beside others got another curve than one alone"
    assert curves[1] == solo
    assert curves[2] != solo, "the session on the other link got the first link's curve"
    assert train_loss(curves[2])[-1] < train_loss(curves[2])[0]  # it did train, on its own setup
    server_log.assert_no_traceback()


def test_two_replicas_same_link_same_controls_and_curve(page, browser, streamlit_server, server_log):
    replica = harness.StreamlitServer("app.py", log_path=harness.ARTIFACTS / "streamlit-replica.log")
    try:
        replica.start()
    except harness.ServerStartError as exc:
        pytest.fail(f"could not start the second app process: {exc}", pytrace=False)
    second = harness.new_page(browser)
    try:
        assert replica.port != urllib.parse.urlsplit(streamlit_server).port
        pages = [page, second]
        open_links([(page, streamlit_server, LINK), (second, replica.base_url, LINK)])
        queries = [current_query(p) for p in pages]
        assert queries[0] == queries[1], "the two replicas read the link differently"
        assert queries[0]["seed"] == str(LINK.seed) and queries[0]["epochs"] == str(EPOCHS)
        shown = [controls(p) for p in pages]
        assert shown[0] == shown[1] == {"epochs": str(EPOCHS), "seed": "7", "lr": "0.03", "units": "4,2"}

        started = [press_train(p) for p in pages]  # both at once: also concurrency across processes
        curves = [finished_run(p, before) for p, before in zip(pages, started)]
        assert curves[0] == curves[1], "the same link gave another loss curve on the other replica"
        assert_no_exception(second)
        assert not harness.tracebacks_in(replica.log_text()), replica.log_text()[-4000:]
    finally:
        second.context.close()
        replica.stop()
    server_log.assert_no_traceback()
