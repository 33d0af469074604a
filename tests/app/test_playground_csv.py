"""Your own CSV, reached the way a learner reaches it: choose it in the Dataset widget, upload,
pick the target, train. (It once could only be reached by a hand-typed link.)"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.playground import PAGE, button, train
from tests.app.playground import csv_uploaders as uploaders

PETS = ("size,weight,kind\n" + "".join(f"{i % 7 + 0.5 * (i % 2)},{(i * 3) % 11},{['cat', 'dog'][i % 2]}\n"
                                       for i in range(40))).encode()
HOUSES = ("price,rooms,area\n" + "".join(f"{100 + 7 * (i % 9)},{i % 5 + 1},{50 + (i * 13) % 70}\n"
                                         for i in range(40))).encode()
LABELS = ("a,b,red,round\n" + "".join(f"{i % 5},{(i * 3) % 7},{i % 2},{(i // 2) % 2}\n" for i in range(40))).encode()


def open_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update(params or {"epochs": "5"})
    at.run()
    assert not at.exception, at.exception
    return at


def choose_csv(at: AppTest, task: str | None = None) -> None:
    if task:
        at.selectbox(key="w.task").set_value(task).run()
    at.selectbox(key="w.dataset").set_value("csv").run()
    assert not at.exception, at.exception


def test_choosing_csv_shows_the_uploader_at_once_and_refuses_nothing():
    at = open_page()
    choose_csv(at)
    assert at.session_state["config"].dataset == "csv"
    assert len(uploaders(at)) == 1
    assert not at.error, [e.value for e in at.error]  # no "That change was not applied"
    assert any("Upload your CSV file" in i.value for i in at.info)
    assert button(at, "Train").disabled


def test_binary_csv_upload_suggests_a_target_you_can_change_then_trains():
    at = open_page()
    choose_csv(at)
    uploaders(at)[0].set_value(("pets.csv", PETS, "text/csv")).run()
    picker = at.selectbox(key="w.csv_targets")
    assert picker.options == ["size", "weight", "kind"]
    assert picker.value == "kind"  # no column is called label/target/y: the last one is suggested
    assert at.session_state["config"].csv_targets == ("kind",)
    assert at.query_params["csv"] in ("kind", ["kind"])  # the link says which column
    train(at, "Train")
    assert not at.exception, at.exception
    assert at.session_state["trainer"].epoch == 5
    assert any(m.label == "Test accuracy" for m in at.metric)


def test_regression_csv_target_picked_in_the_widget_trains():
    at = open_page()
    choose_csv(at, task="regression")
    uploaders(at)[0].set_value(("houses.csv", HOUSES, "text/csv")).run()
    at.selectbox(key="w.csv_targets").set_value("price").run()
    assert at.session_state["config"].csv_targets == ("price",)
    train(at, "Train")
    assert not at.exception, at.exception
    trainer = at.session_state["trainer"]
    assert trainer.data.feature_names == ["rooms", "area"] and trainer.epoch == 5
    assert any(m.label == "Test mae" for m in at.metric)


def test_multilabel_csv_waits_for_its_label_columns_then_trains():
    at = open_page()
    choose_csv(at, task="multilabel")
    uploaders(at)[0].set_value(("shapes.csv", LABELS, "text/csv")).run()
    assert at.session_state["config"].csv_targets == ()
    assert any("Choose the target column" in i.value for i in at.info)
    assert button(at, "Train").disabled
    at.multiselect(key="w.csv_targets").set_value(["red", "round"]).run()
    assert at.session_state["config"].csv_targets == ("red", "round")
    train(at, "Train")
    assert not at.exception, at.exception
    assert at.session_state["trainer"].data.class_names == ["red", "round"]
