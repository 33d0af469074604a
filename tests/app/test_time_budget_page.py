"""The per-run time budget on the Playground page: a long run ends with a message, the model kept."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from nnplay.ui.training_panel import RUN_BUDGET_ENV
from tests.app.playground import train

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "1_Playground.py")


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_a_run_over_the_budget_ends_with_a_message_and_continue_trains_on(monkeypatch):
    monkeypatch.setenv(RUN_BUDGET_ENV, "1")  # a hosted demo's setting, here one second
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.query_params.update({"epochs": "2000", "n": "1000", "hidden": "32tanh,32tanh", "batch": "1"})
    at.run()
    train(at, "Train")
    assert not at.exception, at.exception
    trainer = at.session_state["trainer"]
    assert trainer.last_result.status == "time_budget"
    assert 0 < trainer.epoch < 2000
    assert any("time limit" in info.value and "kept" in info.value for info in at.info)
    runs = at.session_state["runs"]
    assert runs and runs[-1].result.status == "time_budget"  # recorded in the run history
    assert any(m.label == "Test accuracy" for m in at.metric)  # results of the model so far
    done = trainer.epoch
    assert not button(at, "Continue").disabled
    train(at, "Continue")
    assert not at.exception
    assert at.session_state["trainer"] is trainer and trainer.epoch > done
