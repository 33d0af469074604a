"""The Softmax Inspector in a real browser: train the course's MNIST network in place, pick a
test example and see its probability bars, then draw a digit on the canvas and see what the
network makes of it."""

import re

import pytest
from harness import (
    assert_no_exception,
    choose_option,
    click_button,
    expect_rerun,
    open_app,
    screenshot,
    wait_for_text,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def bars_in(page, chart_title: str) -> int:
    """Number of bars drawn in the plotly chart whose title starts with `chart_title`."""
    chart = page.locator("[data-testid=stPlotlyChart]").filter(has_text=chart_title).first
    return chart.locator(".barlayer .point").count()


def shown_image(page) -> str:
    """The address of the one-example image (the first image on the page)."""
    return page.locator("[data-testid=stImage] img").first.get_attribute("src")


def test_inspector_example_probabilities_and_a_drawn_digit(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Softmax_Inspector")
    page.get_by_role("heading", name="Softmax Inspector").wait_for(state="visible")
    click_button(page, "Train the course's MNIST model", timeout=180_000)  # it trains in the background

    # ---- one example: 10 logits and 10 probabilities that sum to 1
    wait_for_text(page, "softmax probabilities — sum = 1.0000", timeout=180_000)
    assert_no_exception(page)
    assert bars_in(page, "softmax probabilities") == 10
    assert bars_in(page, "Logits z") == 10
    example = page.get_by_label("Test example", exact=True)
    first_image = shown_image(page)
    with expect_rerun(page):
        example.fill("7")
        example.press("Enter")
    expect(example).to_have_value("7")
    wait_for_text(page, "softmax probabilities — sum = 1.0000")
    assert bars_in(page, "softmax probabilities") == 10
    # Another example is shown (Streamlit names media files by a hash of their content).
    assert shown_image(page) != first_image
    screenshot(page, "inspector-example")

    # ---- click a cell of the confusion matrix: its examples are listed
    matrix = page.locator("[data-testid=stPlotlyChart]").filter(has_text="predicted").filter(
        has=page.locator(".heatmaplayer")).first
    matrix.scroll_into_view_if_needed()
    cell = matrix.locator(".scatterlayer .point").nth(2 * 10 + 2)  # row "true 2", column "predicted 2"
    cell_box = cell.bounding_box()
    with expect_rerun(page):
        page.mouse.click(cell_box["x"] + cell_box["width"] / 2, cell_box["y"] + cell_box["height"] / 2)
    assert_no_exception(page)
    wait_for_text(page, re.compile(r"\d+ test examples are 2 predicted as 2\."))
    page.get_by_role("heading", name="One test example").scroll_into_view_if_needed()

    # ---- draw a vertical stroke: a "1"
    canvas = page.locator("canvas.upper-canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None, "the drawing canvas is not on the page"
    # The canvas's toolbar floats over its top edge: start the stroke below it.
    x, top, bottom = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.3, box["y"] + box["height"] * 0.9
    with expect_rerun(page):
        page.mouse.move(x, top)
        page.mouse.down()
        page.mouse.move(x + 6, bottom, steps=20)
        page.mouse.up()
    wait_for_text(page, "What the network sees (28×28)")
    wait_for_text(page, "The network says")
    assert bars_in(page, "softmax probabilities — sum") >= 10
    assert_no_exception(page)
    screenshot(page, "inspector-drawn-digit", full_page=True)
    server_log.assert_no_traceback()


# ------------------------------------------------------------------ issue 10: hostile CSV names
HOSTILE_NAMES = ["[x](https://evil.example)", "www.evil.example", '<a href="https://evil.example">a</a>',
                 "![p](https://evil.example/p.png)", r"$\alpha$", ":red[boom] https://evil.example/x"]


def hostile_csv() -> bytes:
    """120 rows in 6 clusters; the class labels and the feature columns' names are hostile."""
    import csv
    import io
    import math

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["[f](https://evil.example)", "www.evil.example/f", "label"])
    for i in range(120):
        k = i % len(HOSTILE_NAMES)
        jitter = ((i * 7919) % 13 - 6) / 30  # small, deterministic
        writer.writerow([f"{3 * math.cos(k) + jitter:.3f}", f"{3 * math.sin(k) - jitter:.3f}", HOSTILE_NAMES[k]])
    return out.getvalue().encode()


# Links (HTML and SVG, whose href may be namespaced) and images that point anywhere but this server.
FOREIGN = """() => {
  const here = location.host;
  const foreign = (url) => { try { const u = new URL(url, location.href);
                                   return u.host !== here && u.protocol !== "data:" && u.protocol !== "blob:"; }
                             catch (e) { return true; } };
  const links = [...document.querySelectorAll("a")].map(a => a.getAttribute("href")
      || a.getAttributeNS("http://www.w3.org/1999/xlink", "href")).filter(h => h && foreign(h));
  const images = [...document.querySelectorAll("img, image")].map(i => i.getAttribute("src")
      || i.getAttribute("href") || i.getAttributeNS("http://www.w3.org/1999/xlink", "href"))
      .filter(s => s && foreign(s));
  return {links, images, katex: document.querySelectorAll(".main .katex, [data-testid=stMain] .katex").length};
}"""


def test_a_csv_with_hostile_labels_and_columns_shows_them_as_text(page, streamlit_server, server_log):
    """Issue 10: on the Inspector a CSV class label `[x](https://evil.example)` became a link. The
    model is trained through the Playground's own widgets, then inspected."""
    open_app(page, streamlit_server, "Playground", "epochs=30")
    sidebar = page.locator("[data-testid=stSidebar]")
    choose_option(page, sidebar, "Task", "Multiclass classification")
    choose_option(page, sidebar, "Dataset", "Your own CSV")
    with expect_rerun(page):
        sidebar.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(
            {"name": "hostile.csv", "mimeType": "text/csv", "buffer": hostile_csv()})
    target = sidebar.locator("[data-testid=stSelectbox]").filter(has_text="Target column")
    expect(target.locator("input")).to_have_value("label")
    click_button(page, "Train")
    wait_for_text(page, "Finished", timeout=90_000)

    with expect_rerun(page):
        sidebar.get_by_role("link", name="Softmax Inspector").click()
    page.get_by_role("heading", name="Softmax Inspector").wait_for(state="visible")
    wait_for_text(page, "The Playground's model")
    assert_no_exception(page)
    main = page.locator("[data-testid=stMain]")

    def check(where: str) -> None:
        found = page.evaluate(FOREIGN)
        assert found["links"] == [] and found["images"] == [], (where, found)
        # Every name the page shows in its text is there character for character.
        shown = main.locator("code").all_inner_texts()
        assert set(shown) & set(HOSTILE_NAMES), (where, shown)
        assert all("evil" not in text for text in main.locator("p > a, li > a, strong > a").all_inner_texts())

    check("one example and gallery")
    # The bar charts' category labels read literally too (plotly would make <a href> a link).
    ticks = main.locator("[data-testid=stPlotlyChart] .xtick text").all_text_contents()
    # (Long names are cut short on the axes with "…", the full names are in the text.)
    assert any(t.startswith('<a href="https:') for t in ticks) and r"$\alpha$" in ticks, ticks
    screenshot(page, "inspector-hostile-csv")
    page.get_by_role("heading", name="Gallery of test predictions").evaluate("e => e.scrollIntoView()")
    page.wait_for_timeout(300)
    screenshot(page, "inspector-hostile-csv-gallery")

    # A confusion cell names its two classes; the selectboxes show the names as plain text.
    true_box = main.locator("[data-testid=stSelectbox]").filter(has_text="True class")
    true_box.scroll_into_view_if_needed()
    with expect_rerun(page):
        true_box.locator("input").click()
        page.get_by_role("option", name="www.evil.example", exact=True).click()
    wait_for_text(page, re.compile(r"\d+ test examples are www\.evil\.example predicted as"))
    check("confusion cell")
    # The logits scaled until the naive softmax breaks: the loss reads inf or NaN, never None.
    scale = main.locator("[data-testid=stSlider]").filter(has_text="Scale the logits")
    scale.scroll_into_view_if_needed()
    handle = scale.get_by_role("slider")
    with expect_rerun(page):
        handle.focus()
        page.keyboard.press("End")
    wait_for_text(page, "The naive way broke and gave")
    table = main.locator("[data-testid=stDataFrame]").filter(has_text="naive: exp, divide")
    expect(table).to_contain_text(re.compile(r"then log \(float32\)(inf|NaN)"))  # the naive row's loss cell
    expect(table).not_to_contain_text("None")
    check("stability")
    screenshot(page, "inspector-hostile-csv-stability")
    assert_no_exception(page)
    server_log.assert_no_traceback()
