"""Your own CSV in a real browser, as a learner gets there: choose "Your own CSV" in the Dataset
widget, upload a file, pick the target column, Train, see the result."""

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

HOUSES = ("price,rooms,area\n" + "".join(f"{100 + 7 * (i % 9)},{i % 5 + 1},{50 + (i * 13) % 70}\n"
                                         for i in range(60))).encode()


def test_choose_csv_upload_pick_the_target_and_train(page, streamlit_server, server_log):
    open_app(page, streamlit_server, "Playground", "epochs=20")
    sidebar = page.locator("[data-testid=stSidebar]")
    choose_option(page, sidebar, "Task", "Regression")
    choose_option(page, sidebar, "Dataset", "Your own CSV")

    # The uploader is there at once, and nothing was refused.
    uploader = sidebar.locator("[data-testid=stFileUploader]")
    expect(uploader).to_be_visible()
    assert page.locator("[data-testid=stAlertContentError]").count() == 0
    wait_for_text(page, "Upload your CSV file")

    with expect_rerun(page):
        uploader.locator("input[type=file]").set_input_files(
            {"name": "houses.csv", "mimeType": "text/csv", "buffer": HOUSES})
    target = sidebar.locator("[data-testid=stSelectbox]").filter(has_text="Target column")
    expect(target).to_be_visible()
    choose_option(page, sidebar, "Target column", "price")
    expect(target.locator("input")).to_have_value("price")
    page.wait_for_function("() => location.search.includes('csv=price')", timeout=10_000)

    click_button(page, "Train")
    wait_for_text(page, "Test mae", timeout=90_000)
    wait_for_text(page, "Finished")
    assert_no_exception(page)
    screenshot(page, "playground-csv-trained")
    server_log.assert_no_traceback()
