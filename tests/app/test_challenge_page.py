"""Challenge links on the Playground under AppTest, through the widgets: a teacher makes one from the setup
on screen; the student's page shows the target and judges the run they train."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from streamlit.testing.v1 import AppTest

from tests.app.playground import PAGE, train


def test_make_a_challenge_writes_a_link_that_sets_the_target_and_judges_the_run():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    at.number_input(key="challenge_target_accuracy").set_value(0.9).run()
    at.number_input(key="challenge_max_units").set_value(8).run()
    link = next(code.value for code in at.code if "goal=accuracy" in code.value)
    params = parse_qs(urlsplit(link).query)
    assert params["target"] == ["0.9"] and params["max_units"] == ["8"] and "max_epochs" not in params

    student = AppTest.from_file(PAGE, default_timeout=120)
    for name, values in params.items():
        student.query_params[name] = values[0]
    student.query_params["epochs"] = "150"
    student.run()
    assert not student.exception and all("Challenge" not in w.value for w in student.warning)
    assert any(m.value.startswith("**Challenge:** test accuracy at least 90.0%") for m in student.markdown)
    train(student)
    assert any("Challenge met" in s.value for s in student.success), [w.value for w in student.warning]
    assert any("Share my solution" in m.value for m in student.markdown)
    assert student.query_params["goal"] == "accuracy"  # kept while the setup's URL is rewritten


def test_a_challenge_with_too_many_hidden_units_is_not_met_and_says_why():
    at = AppTest.from_file(PAGE, default_timeout=120)
    for name, value in {"goal": "accuracy", "target": "0.5", "max_units": "3", "epochs": "20"}.items():
        at.query_params[name] = value
    train(at.run())
    assert any("Not yet" in w.value for w in at.warning)
    assert any("6 hidden units (at most 3)" in m.value for m in at.markdown)
