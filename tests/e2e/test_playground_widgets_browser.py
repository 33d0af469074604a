"""Playground features reached through their widgets in a real browser, as a learner reaches them:
the learning-rate slider pushed to 10 gets the course's warning; a trained model saved with the
download button survives a reload by loading the file back; choosing MNIST in the widgets says
which MNIST this server has."""

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


def test_a_learning_rate_of_10_from_the_slider_is_called_too_large(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Playground", "n=200&epochs=40")
    sidebar = page.locator("[data-testid=stSidebar]")
    thumb = sidebar.locator("[data-testid=stSlider]").filter(has_text="Learning rate").get_by_role("slider")
    with expect_rerun(page):
        thumb.focus()
        page.keyboard.press("End")  # the largest rate on the slider
    page.wait_for_function("() => location.search.includes('lr=10')", timeout=10_000)
    click_button(page, "Train")
    # (the Keras code's own "is too large" line is on the page from the start: wait for the run's)
    wait_for_text(page, "learning rate (10) is too large", timeout=60_000)
    assert_no_exception(page)
    screenshot(page, "playground-lr10-warning")
    server_log.assert_no_traceback()


def test_a_model_saved_with_the_button_loads_back_after_a_reload(page, streamlit_server, server_log, tmp_path):
    open_app(page, streamlit_server, "Playground", "n=200&epochs=20&hidden=6relu")
    click_button(page, "Train")
    accuracy = wait_for_text(page, "Test accuracy").locator("xpath=ancestor::*[@data-testid='stMetric']")
    trained_accuracy = accuracy.locator("[data-testid=stMetricValue]").inner_text()
    page.get_by_role("tab", name="Share & save").click()
    wait_for_text(page, "restores this setup but not the trained weights")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download trained model (.keras)").click()
    saved = tmp_path / "nnplay_model.keras"
    download.value.save_as(saved)

    page.reload(wait_until="domcontentloaded")  # the trained model is gone; the link keeps the setup
    page.locator("[data-testid=stApp]").wait_for(state="attached")
    page.wait_for_function("() => window.__nnplayRuns > 0", timeout=60_000)
    assert page.get_by_text("Test accuracy").count() == 0
    page.get_by_role("tab", name="Share & save").click()
    uploader = page.locator("[data-testid=stFileUploader]").filter(has_text="Load a trained model (.keras)")
    uploader.locator("input[type=file]").set_input_files(str(saved))
    wait_for_text(page, "Loaded nnplay_model.keras", timeout=60_000)
    metric = page.get_by_text("Test accuracy").first.locator("xpath=ancestor::*[@data-testid='stMetric']")
    expect(metric.locator("[data-testid=stMetricValue]")).to_have_text(trained_accuracy)
    assert_no_exception(page)
    screenshot(page, "playground-model-loaded")
    server_log.assert_no_traceback()


def test_choosing_mnist_in_the_widgets_says_which_mnist_this_server_has(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Playground")
    sidebar = page.locator("[data-testid=stSidebar]")
    choose_option(page, sidebar, "Task", "Multiclass classification")
    choose_option(page, sidebar, "Dataset", "MNIST digits")
    note = wait_for_text(page, "This setup trains on", timeout=60_000)
    assert "MNIST" in note.inner_text() and "images" in note.inner_text()
    assert_no_exception(page)
    screenshot(page, "playground-mnist-note")
    server_log.assert_no_traceback()
