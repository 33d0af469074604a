"""The home page (app.py) renders in a real browser, without errors."""

import pytest
from harness import assert_no_exception, open_app, screenshot, wait_for_text

pytestmark = pytest.mark.e2e


def test_home_renders(page, streamlit_server, server_log):
    open_app(page, streamlit_server)

    title = page.locator("[data-testid=stMainBlockContainer] h1").filter(has_text="nnplay")
    title.wait_for(state="visible")
    assert title.inner_text().strip() == "nnplay"
    wait_for_text(page, "neural-network playground")
    assert page.title().startswith("nnplay")
    # The sidebar names the home page "Home" (not its file name, "app") and lists every page.
    nav = page.locator("[data-testid=stSidebarNav] a")
    nav.first.wait_for(state="visible")
    names = [text.strip() for text in nav.all_inner_texts()]
    assert [name.split("\n")[-1] for name in names] == ["Home", "Playground", "Softmax Inspector", "Optimizer Lab",
                                                        "Activation Lab", "Lessons"], names
    # ... and each keeps the address it has always had, so old links open.
    hrefs = [href.rstrip("/").rsplit("/", 1)[-1] for href in nav.evaluate_all("els => els.map(e => e.href)")]
    assert hrefs[1:] == ["Playground", "Softmax_Inspector", "Optimizer_Lab", "Activation_Lab", "Lessons"], hrefs

    assert_no_exception(page)
    screenshot(page, "home")
    server_log.assert_no_traceback()


def test_a_pasted_tf_playground_link_opens_the_playground(page, streamlit_server, server_log):
    from harness import click_button, current_query
    from playwright.sync_api import expect

    open_app(page, streamlit_server)
    box = page.get_by_label("Paste an nnplay link — or a TensorFlow Playground link (playground.tensorflow.org/#…)")
    # No expect_rerun here: the home page's rerun is so quick that React may never paint its
    # "running" state, so the run counter can miss it. Wait for what the rerun shows instead.
    box.fill("https://playground.tensorflow.org/#activation=relu&dataset=xor&networkShape=5,3"
             "&learningRate=0.1&batchSize=20&cosX=true&problem=classification")
    box.press("Enter")
    wait_for_text(page, "What could not be carried over")
    click_button(page, "Open in the Playground")
    page.wait_for_url("**/Playground?**")
    page.get_by_role("heading", name="Playground").wait_for(state="visible")
    query = current_query(page)
    assert (query["data"], query["hidden"], query["lr"], query["batch"]) == ("xor", "5relu,3relu", "0.1", "20")
    # The Playground's first run may still be drawing (a CI run once read a freshly mounted input
    # mid-run as "1", its screenshot showing "5"): wait for the value rather than read it once.
    expect(page.get_by_label("Layer 1 units")).to_have_value("5", timeout=30_000)
    assert_no_exception(page)
    screenshot(page, "home-link-opened")
    server_log.assert_no_traceback()


def test_a_fresh_servers_first_visitor_on_a_shared_link_gets_the_sites_navigation(browser):
    """Streamlit decides once per process whether an app is a pages/-folder app. A first visit to
    /Playground on a new server once ran the page alone, with the home page called "app"."""
    from harness import ARTIFACTS, StreamlitServer, new_page

    with StreamlitServer("app.py", log_path=ARTIFACTS / "fresh-server.log") as server:
        page = new_page(browser)
        try:
            open_app(page, server.base_url, "Playground", "v=1&epochs=5")
            nav = page.locator("[data-testid=stSidebarNav] a")
            nav.first.wait_for(state="visible")
            names = [text.strip().split("\n")[-1] for text in nav.all_inner_texts()]
            assert names[0] == "Home" and "app" not in names, names
            assert_no_exception(page)
        finally:
            page.context.close()
