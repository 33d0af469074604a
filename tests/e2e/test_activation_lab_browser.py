"""The Activation Lab in a real browser: the curves and gradient charts render on open; the
"Train linear vs ReLU" button shows both decision boundaries and the fold's largest difference."""

import re

import pytest
from harness import (
    assert_no_exception,
    click_button,
    open_app,
    screenshot,
    wait_for_text,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CHARTS = "[data-testid=stPlotlyChart]"


def test_activation_lab_trains_linear_vs_relu_and_folds(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Activation_Lab")
    page.get_by_role("heading", name="Activation Lab").wait_for(state="visible")
    assert_no_exception(page)
    # Activation curves, softmax bars, gradient norms per layer.
    assert page.locator(CHARTS).count() == 3
    wait_for_text(page, "Press Train linear vs ReLU")

    # Training two networks (two XLA compiles on a busy 2-core machine) may take a while.
    # They train in the background (a progress bar and Stop meanwhile); the boundaries come after.
    click_button(page, "Train linear vs ReLU", timeout=180_000)
    expect(page.locator(CHARTS)).to_have_count(5, timeout=180_000)
    assert_no_exception(page)

    # Both boundaries carry their activation and test accuracy in the chart title (SVG text).
    titles = {}
    for activation in ("linear", "relu"):
        title = page.locator(f"{CHARTS} .gtitle").filter(has_text=f"{activation} hidden layers").first
        title.wait_for(state="visible")
        titles[activation] = float(re.search(r"test accuracy ([\d.]+)", title.text_content()).group(1))
    assert titles["linear"] < 0.8 and titles["relu"] > 0.9, titles

    # The fold: the single layer's outputs equal the network's up to float32 round-off.
    metric = page.locator("[data-testid=stMetric]").filter(has_text="Largest difference")
    metric.wait_for(state="visible")
    value = metric.locator("[data-testid=stMetricValue]").inner_text().strip()
    assert float(value) < 1e-5, value
    wait_for_text(page, "A stack of linear layers is one linear layer")
    # Formulas are typeset (KaTeX), never shown as raw TeX such as 0.25^{6}, h_{l-1} or $...$.
    fold = page.locator("[data-testid=stMarkdownContainer]").filter(has_text="Substituting each layer")
    assert fold.locator(".katex").count() >= 3
    raw = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stMain] [data-testid=stMarkdownContainer]')]
        .map(el => { const copy = el.cloneNode(true); copy.querySelectorAll('.katex, code').forEach(k => k.remove());
                     return copy.textContent; })
        .filter(t => /[$^]|_\\{|\\\\[a-z]/.test(t))""")
    assert raw == [], raw
    metric.scroll_into_view_if_needed()
    screenshot(page, "activation-lab-linear-vs-relu")
    server_log.assert_no_traceback()
