"""Live training on a page: the trainer runs in a thread, the page redraws from its history.

Session state (per browser session, never shared): the Trainer, its Dataset,
and the run history. A click on any widget (Stop among them) makes Streamlit
rerun the script, which interrupts the drawing loop at its next st.* call; the
`finally` block stops the thread and records the run, so nothing is lost.
"""

from __future__ import annotations

import math
import os
import threading

from nnplay.engine.live import LiveRun
from nnplay.engine.metrics import Evaluation, evaluate
from nnplay.engine.model import to_probabilities
from nnplay.engine.pool import POOL, train_leased
from nnplay.engine.runs import RunRecord, make_record
from nnplay.engine.training import Trainer
from nnplay.ui import state

RUN_TIME_BUDGET_S = 300  # one run may hold the server this long, then it ends with the model kept
RUN_BUDGET_ENV = "NNPLAY_RUN_BUDGET_S"  # a hosted demo may set its own (README: "Deploying a public demo")
_FINISH_LOCK = threading.Lock()
REDRAW_EVERY_S = 0.33  # ~3 redraws a second: live, yet light on a 2-core server and its browser


def trainer() -> Trainer | None:
    return state.TRAINER.get()


def runs() -> list[RunRecord]:
    return state.RUNS.setdefault([])


def reset() -> None:
    state.TRAINER.pop()
    state.TRAINER_LEASE.pop()  # the trainer goes back to the pool once unused


def fresh_trainer(config, data) -> Trainer:
    """A trainer at its seeded start for `config`: this session's own, restarted, when the setup is
    unchanged (a CSV's rows are not in the config, so never for CSV), else a new or pooled one.
    Restarting reuses the compiled XLA programs, which TensorFlow never frees."""
    current = trainer()
    if current is not None and current.config == config and config.dataset != "csv":
        current.restart()
        return current
    return new_trainer(config, data)


def train_with_progress(config, data, bar):
    """Lease a trainer for `config` from the pool and train it to the end, moving the progress
    `bar`. Returns the lease: the trainer stays the caller's while it holds it."""
    return train_leased(config, data, lambda fraction, text: bar.progress(fraction, text=text))


def new_trainer(config, data) -> Trainer:
    """This session's new trainer: from the pool of ended sessions' trainers when one has the
    same setup (no new XLA compilation, which TensorFlow would keep forever), else built."""
    lease = POOL.lease(config, data)
    state.TRAINER_LEASE.set(lease)  # replacing the old lease releases the old trainer
    state.TRAINER.set(lease.trainer)
    return lease.trainer


def final_evaluation(model_trainer: Trainer) -> Evaluation:
    data = model_trainer.data
    outputs = to_probabilities(model_trainer.config, model_trainer.raw_outputs(data.x_test))
    return evaluate(model_trainer.config, outputs, data.y_test, data.class_names)


def record_run(model_trainer: Trainer, history: list[RunRecord]) -> None:
    """Keep the run in the history (also when it was stopped or diverged). Plain Python only:
    this runs in a `finally` while Streamlit is stopping or rerunning the script."""
    if model_trainer.last_result is None or len(model_trainer.history) == 0:
        return
    evaluation = final_evaluation(model_trainer)
    history.append(make_record(len(history) + 1, model_trainer.config, model_trainer.history,
                               model_trainer.last_result, evaluation.headline))


def _finish(live: LiveRun, history: list[RunRecord]) -> None:
    """Stop the thread and record the run, exactly once (two script runs may both get here)."""
    with _FINISH_LOCK:
        live.stop()
        if not live.recorded:
            live.recorded = True
            record_run(live.trainer, history)


def settle() -> None:
    """Call at the top of the page: a run interrupted by a click may still be winding down in
    the previous script thread; finish it before drawing so the history is complete."""
    live = state.LIVE.get()
    if live is not None:
        _finish(live, runs())
        state.LIVE.pop()


def run_time_budget() -> float:
    """Seconds one run may take: $NNPLAY_RUN_BUDGET_S when it is a positive number, else 300.
    Read at every run, so a changed environment needs no restart of the import."""
    text = os.environ.get(RUN_BUDGET_ENV, "").strip()
    try:
        seconds = float(text)
    except ValueError:
        return RUN_TIME_BUDGET_S
    return seconds if math.isfinite(seconds) and seconds > 0 else RUN_TIME_BUDGET_S


def train_live(model_trainer: Trainer, epochs: int, draw) -> None:
    """Run `epochs` epochs in a thread; call draw(trainer, live_run) a few times a second."""
    history = runs()  # taken now: the finally block must not touch st.*
    live = LiveRun(model_trainer, epochs, max_seconds=run_time_budget(),
                   lease=state.TRAINER_LEASE.get()).start()
    state.LIVE.set(live)
    try:
        while True:
            finished = live.wait(REDRAW_EVERY_S)
            draw(model_trainer, live)
            if finished:
                break
    finally:  # also on a rerun/stop raised inside draw(): end the thread, keep the model
        _finish(live, history)
    state.LIVE.pop()
    if live.error is not None:
        raise live.error


def seconds_left(live: LiveRun) -> float | None:
    """Estimated time to the end of the run, from the pace so far."""
    snapshot = live.latest
    if snapshot is None or snapshot.fraction_done <= 0:
        return None
    return snapshot.elapsed * (1 - snapshot.fraction_done) / snapshot.fraction_done
