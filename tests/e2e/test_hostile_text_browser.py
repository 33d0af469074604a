"""Anything a visitor typed or uploaded is shown as text: never a link, an image, HTML or maths.

Checked on what the browser renders (every <a> and <img>/<image> on the page, plotly's SVG
included), not on the markdown string: GitHub-style bare autolinks (www.…, https://…) survive
backslash escapes, which once let a crafted link put clickable links into nnplay's own notices."""

import json

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

EVIL = "evil.example"
# Every link and image on the page that leads off this server (data: URIs and in-page anchors stay).
FOREIGN_JS = """
() => {
  const offsite = (value) => {
    if (!value || value.startsWith('#') || value.startsWith('data:')) return false;
    try {
      const url = new URL(value, location.href);
      return url.host !== location.host || url.protocol !== location.protocol;
    }
    catch (e) { return true; }
  };
  const attr = (el, names) => names.map(n => el.getAttribute(n)).find(v => v);
  const links = [...document.querySelectorAll('a')].map(a => attr(a, ['href', 'xlink:href'])).filter(offsite);
  const images = [...document.querySelectorAll('img, image')].map(i => attr(i, ['src', 'href', 'xlink:href']))
    .filter(offsite);
  return {links, images};
}
"""


def assert_nothing_foreign(page) -> None:
    found = page.evaluate(FOREIGN_JS)
    assert found == {"links": [], "images": []}, found


def test_a_crafted_playground_link_is_quoted_as_text(page, streamlit_server, server_log):
    query = ("data=www.evil.example&seed=https://evil.example/x&%5Bclick%5D(https://evil.example)=1"
             "&lr=!%5Bp%5D(https://evil.example/p.png)&task=%3Cimg%20src%3Dhttps://evil.example/i.png%3E"
             "&hidden=x@evil.example")
    open_app(page, streamlit_server, "Playground", query)
    notice = wait_for_text(page, "Parts of this link could not be used")
    text = notice.locator("xpath=ancestor::*[@data-testid='stAlertContainer']").inner_text().replace("\u2060", "")
    for shown in ("www.evil.example", "https://evil.example/x", "[click](https://evil.example)",
                  "![p](https://evil.example/p.png)", "x@evil.example"):
        assert shown in text, (shown, text)  # named, literally
    assert_nothing_foreign(page)
    assert_no_exception(page)
    screenshot(page, "hostile-link-notice")
    server_log.assert_no_traceback()


def test_a_crafted_tf_playground_link_on_home_is_quoted_as_text(page, streamlit_server):
    open_app(page, streamlit_server)
    box = page.get_by_label("Paste an nnplay link — or a TensorFlow Playground link (playground.tensorflow.org/#…)")
    box.fill("https://playground.tensorflow.org/#dataset=[x](https://evil.example)&activation=www.evil.example"
             "&networkShape=4,2")
    box.press("Enter")
    wait_for_text(page, "What could not be carried over")
    assert_nothing_foreign(page)


def test_a_config_file_with_crafted_keys_is_refused_as_text(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Playground")
    page.get_by_role("tab", name="Share & save").click()
    hostile = {"[Session expired – click to log in again](https://evil.example/login)": 1,
               "![p](https://evil.example/p.png)": 2, "hidden": [{"units": True, "activation": "relu"}]}
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="Load a config JSON")
    with expect_rerun(page):
        uploader.locator("input[type=file]").set_input_files(
            {"name": "config.json", "mimeType": "application/json", "buffer": json.dumps(hostile).encode()})
    error = wait_for_text(page, "That config file could not be used")
    assert "Session expired" in error.inner_text()
    assert_nothing_foreign(page)
    assert_no_exception(page)
    server_log.assert_no_traceback()


HOSTILE_CSV = ("<a href=\"https://evil.example\">size</a>,www.evil.example,label\n" + "".join(
    f"{i % 7},{(i * 3) % 5},{['[x](https://evil.example)', '<img src=https://evil.example/i.png>', '$x$'][i % 3]}\n"
    for i in range(60))).encode()


def test_a_csv_with_crafted_names_trains_and_shows_them_as_text(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Playground", "task=multiclass&data=csv&csv=label&epochs=5")
    uploader = page.locator("[data-testid=stSidebar] [data-testid=stFileUploader]")
    with expect_rerun(page):
        uploader.locator("input[type=file]").set_input_files(
            {"name": "hostile.csv", "mimeType": "text/csv", "buffer": HOSTILE_CSV})
    click_button(page, "Train")
    wait_for_text(page, "Test accuracy", timeout=90_000)
    assert_nothing_foreign(page)  # the network figure names the inputs, the confusion matrix the classes
    charts = page.locator("[data-testid=stPlotlyChart]").all_inner_texts()
    assert any('<a href="https://evil.example">size</a>' in text for text in charts), charts
    assert_no_exception(page)
    screenshot(page, "hostile-csv-playground")
    server_log.assert_no_traceback()
