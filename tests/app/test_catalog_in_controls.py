"""A toy dataset and an optimizer registered in the catalog (tests/unit/test_catalog.py's STRIPES and
LION), and nothing else edited, are offered by the pages' controls, and a choice made with the widgets
lands in the link."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from nnplay.config import catalog
from tests.app.playground import PAGE, ROOT
from tests.unit.test_catalog import LION, STRIPES

OPTIMIZER_LAB = str(ROOT / "app_pages" / "3_Optimizer_Lab.py")


@pytest.fixture
def extended_catalog():
    with catalog.registered(STRIPES, LION):
        yield


def test_the_playground_offers_them_and_the_link_carries_what_was_chosen(extended_catalog):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert "Stripes" in at.selectbox(key="w.dataset").options  # as the learner reads it
    at.selectbox(key="w.dataset").set_value("stripes").run()
    assert "Lion" in at.selectbox(key="w.optimizer").options
    at.selectbox(key="w.optimizer").set_value("lion").run()
    assert not at.exception
    assert at.query_params["data"] == "stripes" and at.query_params["opt"] == "lion"
    assert at.query_params["lr"] == "0.001"  # choosing it took its record's default learning rate
    assert "b1" in at.query_params and "mom" not in at.query_params  # the link writes the fields Lion takes


def test_the_optimizer_lab_offers_the_optimizer_on_the_surfaces_and_in_the_race(extended_catalog):
    lab = AppTest.from_file(OPTIMIZER_LAB, default_timeout=60).run()
    assert not lab.exception
    assert "Lion" in lab.pills(key="lab_kinds").options  # as the learner reads them
    assert "Lion" in lab.pills(key="race_racers").options
    assert "lion" in lab.pills(key="lab_kinds").value  # the lab opens with every optimizer on the surface
    assert "Stripes" in lab.selectbox(key="race_data").options
