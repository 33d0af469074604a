"""Live training on a page: the trainer runs in a thread, the page redraws from its history.

Session state (per browser session, never shared): the Trainer, its Dataset,
and the run history. A click on any widget (Stop among them) makes Streamlit
rerun the script, which interrupts the drawing loop at its next st.* call; the
`finally` block stops the thread and records the run, so nothing is lost.
"""

from __future__ import annotations

import streamlit as st

from nnplay.config import PlaygroundConfig
from nnplay.live import LiveRun
from nnplay.metrics import Evaluation, evaluate
from nnplay.model import to_probabilities
from nnplay.runs import RunRecord, make_record
from nnplay.training import Trainer

RUN_TIME_BUDGET_S = 300  # one run may hold the server this long, then it ends with the model kept
REDRAW_EVERY_S = 0.25


def trainer() -> Trainer | None:
    return st.session_state.get("trainer")


def runs() -> list[RunRecord]:
    return st.session_state.setdefault("runs", [])


def reset() -> None:
    st.session_state.pop("trainer", None)
    st.session_state.pop("evaluation", None)


def final_evaluation(model_trainer: Trainer) -> Evaluation:
    data = model_trainer.data
    outputs = to_probabilities(model_trainer.config, model_trainer.raw_outputs(data.x_test))
    return evaluate(model_trainer.config, outputs, data.y_test, data.class_names)


def record_run(model_trainer: Trainer, config: PlaygroundConfig) -> None:
    """Keep the run in the history (also when it was stopped or diverged)."""
    if model_trainer.last_result is None or len(model_trainer.history) == 0:
        return
    evaluation = final_evaluation(model_trainer)
    st.session_state["evaluation"] = evaluation
    history = runs()
    history.append(make_record(len(history) + 1, config, model_trainer.history, model_trainer.last_result,
                               evaluation.headline))


def train_live(model_trainer: Trainer, epochs: int, draw) -> None:
    """Run `epochs` epochs in a thread; call draw(trainer, live_run) a few times a second."""
    live = LiveRun(model_trainer, epochs, max_seconds=RUN_TIME_BUDGET_S).start()
    try:
        while True:
            finished = live.wait(REDRAW_EVERY_S)
            draw(model_trainer, live)
            if finished:
                break
    finally:  # also on a rerun/stop raised inside draw(): end the thread, keep the model
        live.stop()
        record_run(model_trainer, model_trainer.config)
    if live.error is not None:
        raise live.error


def seconds_left(live: LiveRun) -> float | None:
    """Estimated time to the end of the run, from the pace so far."""
    snapshot = live.latest
    if snapshot is None or snapshot.fraction_done <= 0:
        return None
    return snapshot.elapsed * (1 - snapshot.fraction_done) / snapshot.fraction_done
