"""Live play on the Playground, driven through its widgets: a run trains in the background while the
learner clicks; Pause, Resume, Step and Stop act on it; a new learning rate applies mid-run and is
marked; a new layer resets the network; the "Epoch" slider rewinds a finished run."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.playground import PAGE, button, train, wait_for_the_run

LONG_RUN = {"epochs": "5000", "n": "200"}


def open_page(params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def live(at):
    return at.session_state["live"]


def until(condition, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def started(params=LONG_RUN, pace: int = 60) -> AppTest:
    at = open_page(params)
    at.select_slider(key="pace").set_value(pace).run()
    button(at, "Train").click().run()
    assert not at.exception, at.exception
    until(lambda: live(at).trainer.epoch >= 3)
    return at


@pytest.fixture
def stop_after():
    """Stop every run a test leaves going (its thread would train on)."""
    pages = []
    yield pages.append
    for at in pages:
        if "live" in at.session_state:
            at.session_state["live"].stop()


def test_a_view_toggle_mid_run_leaves_the_run_going(stop_after):
    at = started()
    stop_after(at)
    run = live(at)
    at.toggle(key="show_test").set_value(False).run()
    assert not at.exception and live(at) is run and not run.done
    before = run.trainer.epoch
    until(lambda: run.trainer.epoch > before + 2)
    assert any(bar.proto.text.startswith("Epoch ") for bar in at.get("progress"))


def test_a_new_learning_rate_mid_run_applies_at_the_next_epoch_and_is_marked(stop_after):
    at = started()
    stop_after(at)
    run = live(at)
    at.select_slider(key="w.learning_rate").set_value(0.3).run()
    assert not at.exception and live(at) is run and not run.done
    until(lambda: run.trainer.history.changes)
    change = run.trainer.history.changes[0]
    assert (change.setting, change.old, change.new) == ("learning_rate", 0.03, 0.3)
    until(lambda: run.trainer.epoch > change.epoch + 2)  # it goes on
    button(at, "Stop").click().run()
    assert not at.exception and "live" not in at.session_state
    record = at.session_state["runs"][-1]
    assert record.changed_mid_run and "learning rate 0.3 at epoch" in record.row()["changed mid-run"]
    loss_chart = next(c.proto.spec for c in at.get("plotly_chart") if '"loss"' in c.proto.spec)
    assert "learning rate 0.3" in loss_chart  # the marker on the curve
    assert not button(at, "Continue").disabled  # the setup on screen is the one it trained on
    csv_header = at.session_state["trainer"].history.to_csv().splitlines()[0]
    assert csv_header.endswith(",learning_rate")


def test_pause_holds_the_epoch_step_trains_one_and_resume_goes_on(stop_after):
    at = started()
    stop_after(at)
    run = live(at)
    button(at, "Pause").click().run()
    until(lambda: run.paused)
    time.sleep(0.2)
    held = run.trainer.epoch
    time.sleep(1.0)
    assert run.trainer.epoch == held
    assert any(bar.proto.text.endswith("paused") for bar in at.get("progress"))
    button(at, "Step").click().run()
    assert run.trainer.epoch == held + 1 and run.paused
    button(at, "Resume").click().run()
    until(lambda: run.trainer.epoch > held + 3)
    started_stop = time.monotonic()
    button(at, "Stop").click().run()
    assert time.monotonic() - started_stop < 5 and run.done
    assert at.session_state["runs"][-1].result.status == "stopped"


def test_a_new_layer_mid_run_resets_the_network_and_says_so(stop_after):
    at = started()
    stop_after(at)
    run = live(at)
    button(at, "Add hidden layer").click().run()
    assert not at.exception and run.done
    assert "trainer" not in at.session_state and "live" not in at.session_state
    assert any("network was reset" in info.value for info in at.info)
    assert len(at.session_state["runs"]) == 1  # the run so far is in the history


def test_step_with_no_run_trains_one_epoch_and_waits_paused(stop_after):
    at = open_page({"epochs": "50", "n": "200"})
    stop_after(at)
    button(at, "Step").click().run()
    assert not at.exception
    assert live(at).paused and live(at).trainer.epoch == 1
    assert not button(at, "Resume").disabled and not button(at, "Stop").disabled


def test_the_epoch_slider_rewinds_a_finished_run(stop_after):
    at = open_page({"epochs": "40", "n": "200"})
    at.segmented_control(key="speed").set_value("Fast").run()
    train(at)
    final = [c.proto.spec for c in at.get("plotly_chart")]
    slider = at.select_slider(key="rewind")
    assert slider.label == "Epoch" and slider.value == 40
    slider.set_value(5).run()
    assert not at.exception
    rewound = [c.proto.spec for c in at.get("plotly_chart")]
    network, boundary = 0, 1
    assert rewound[network] != final[network] and rewound[boundary] != final[boundary]
    assert "epoch 5" in rewound[2]  # the cursor on the loss curve


def test_fast_and_watch_are_chosen_on_the_speed_control(stop_after):
    at = open_page({"epochs": "5000", "n": "200"})
    stop_after(at)
    assert at.segmented_control(key="speed").value == "Watch"  # the default on toy data
    button(at, "Train").click().run()
    assert live(at).pace == 30.0
    at.segmented_control(key="speed").set_value("Fast").run()
    assert live(at).pace is None
    at.segmented_control(key="speed").set_value("Watch").run()
    at.select_slider(key="pace").set_value(5).run()
    assert live(at).pace == 5.0
    button(at, "Stop").click().run()
    wait_for_the_run(at)


def test_an_error_in_the_training_thread_is_a_message_and_the_page_goes_on(monkeypatch):
    from nnplay.engine.training import Trainer

    def broken(self, n):
        raise RuntimeError("the graph fell over")

    monkeypatch.setattr(Trainer, "advance", broken)
    at = open_page({"epochs": "20"})
    train(at)
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("Training stopped with an error: RuntimeError: the graph fell over" in e for e in errors), errors
    assert button(at, "Train") is not None and "live" not in at.session_state  # no run left hanging
