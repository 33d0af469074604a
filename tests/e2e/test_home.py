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

    assert_no_exception(page)
    screenshot(page, "home")
    server_log.assert_no_traceback()
