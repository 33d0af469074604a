"""The one live-run driver: a run trains in a background thread, a fragment draws it as it goes.

Session state (per browser session, never shared): the Trainer, its Dataset, the live run and
the run history. A page starts a run with `start_run` and calls `live_panel(draw_frame)` where the
live picture goes: an `st.fragment(run_every=…)` that polls the run POLLS_PER_S times a second
while it plays and sends the browser every picture trained since the last poll, which the browser
plays back at the pace they were trained (20 a second watched: a rerun per picture cost the
browser more than a core). A click elsewhere reruns the page, not the run:
the thread goes on. Pause, Resume, Step and Stop are button callbacks on the run; when the run
ends, the fragment reruns the page, whose `settle()` records it in the history.

The labs' long clicks (the race, the linear-vs-ReLU comparison, the Inspector's model) use the same
driver in its simpler form: `start_job`, `job_panel` (progress and Stop, in a fragment) and
`collect_job`, with the same time budget.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Callable

import streamlit as st
from streamlit.logger import get_logger

from nnplay.engine.live import BackgroundJob, LiveRun
from nnplay.engine.metrics import Evaluation, evaluate
from nnplay.engine.model import to_probabilities
from nnplay.engine.pool import POOL
from nnplay.engine.runs import RunRecord, make_record
from nnplay.engine.training import Trainer
from nnplay.ui import keras_cleanup, state

RUN_TIME_BUDGET_S = 300  # one run may hold the server this long, then it ends with the model kept
RUN_BUDGET_ENV = "NNPLAY_RUN_BUDGET_S"  # a hosted demo may set its own (README: "Deploying a public demo")
POLLS_PER_S = 5  # the live panel's polls a second while a run plays; each brings the pictures since the last
FAST_POLLS_PER_S = 4  # Fast mode trains a picture every ~0.25 s: the training gets the CPU
_LOG = logging.getLogger(__name__)
get_logger("nnplay")  # nnplay's log lines (nnplay.engine among them) go where Streamlit's go, at its level
_RECORDING = threading.Lock()  # held only to mark a run recorded, never while a run is waited for
keras_cleanup.install()  # no clear_session() after each of the live panel's 20 reruns a second


def trainer() -> Trainer | None:
    return state.TRAINER.get()


def runs() -> list[RunRecord]:
    return state.RUNS.setdefault([])


def end_run() -> None:
    """End the session's run, if one is going or paused, and record it."""
    live = state.LIVE.get()
    if live is not None:
        live.stop()
        settle()


def reset() -> None:
    """Forget the model (its run, if one is going, ends first and stays in the history)."""
    end_run()
    state.TRAINER.pop()
    state.TRAINER_LEASE.pop()  # the trainer goes back to the pool once unused


def fresh_trainer(config, data) -> Trainer:
    """A trainer at its seeded start for `config`: this session's own, restarted, when the setup is
    unchanged (a CSV's rows are not in the config, so never for CSV), else a new or pooled one."""
    current = trainer()
    if current is not None and current.start_config == config and config.dataset != "csv":
        current.restart()
        return current
    return new_trainer(config, data)


def new_trainer(config, data) -> Trainer:
    """This session's new trainer: from the pool of ended sessions' trainers when one has the
    same setup, else built."""
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
    result = model_trainer.last_result
    if result is None or len(model_trainer.history) == 0:
        return
    if result.epochs_run == 0 and result.status != "diverged":
        return  # stopped before its first epoch: nothing changed, nothing worth a row
    evaluation = final_evaluation(model_trainer)
    history.append(make_record(len(history) + 1, model_trainer.config, model_trainer.history,
                               model_trainer.last_result, evaluation.headline))


def _finish(live: LiveRun, history: list[RunRecord]) -> None:
    """Record an ended run, exactly once (two script runs may both get here)."""
    with _RECORDING:
        first = not live.recorded
        live.recorded = True
    if first:
        record_run(live.trainer, history)


def settle() -> None:
    """Call at the top of the page: a run that has ended goes into the history and the session's
    live run is cleared; a run still going (or paused) is left alone."""
    live = state.LIVE.get()
    if live is not None and live.done:
        _finish(live, runs())
        state.LIVE.pop()
        if live.error is not None:
            show_thread_error("Training", live.error)


def show_thread_error(what: str, error: BaseException) -> None:
    """An error of a background thread: its traceback to the server's log, a message on the page
    (the page itself, its settings and the model so far stay as they were)."""
    _LOG.error("%s failed in its background thread", what, exc_info=error)
    st.error(f"{what} stopped with an error: {type(error).__name__}: {error}. Everything else is as it "
             "was; the details are in the server's log.", icon="⚠️")


def live_run() -> LiveRun | None:
    """The session's run while it trains or is paused (None once it has ended and been recorded)."""
    return state.LIVE.get()


def start_run(model_trainer: Trainer, epochs: int, pace: float | None, paused: bool = False,
              prepare: Callable[[], None] | None = None) -> LiveRun:
    """Start `epochs` epochs of the trainer in the background (ending the session's earlier run
    first); `pace` epochs a second (Watch), None for as fast as it goes (Fast); `prepare`: what the
    thread compiles first (see LiveRun)."""
    end_run()
    live = LiveRun(model_trainer, epochs, max_seconds=run_time_budget(), lease=state.TRAINER_LEASE.get(),
                   pace=pace, paused=paused, connected=session_watch(), prepare=prepare).start()
    state.LIVE.set(live)
    state.REWIND.pop()
    return live


# Button callbacks: they run before the page's script, so the page draws what they did.
def stop_run() -> None:
    end_run()  # the run stops at its next chunk: a fraction of a second


def pause_run() -> None:
    live = state.LIVE.get()
    if live is not None:
        live.pause()


def resume_run() -> None:
    live = state.LIVE.get()
    if live is not None:
        live.resume()
        state.REWIND.pop()


def step_run() -> None:
    """One epoch of the paused run; the page draws it once it is trained."""
    live = state.LIVE.get()
    if live is not None:
        live.step()
        state.REWIND.pop()


def live_panel(draw_frame: Callable[[LiveRun], None]) -> None:
    """Where the live picture goes: a fragment that redraws the session's run while it plays
    (draw_frame(live) must only draw: no waiting, no training) and, when the run ends, reruns
    the page so it shows the result. Paused or ended, it draws once and stops polling."""
    live = state.LIVE.get()
    playing = live is not None and not live.done and not live.paused
    every = (1 / (POLLS_PER_S if live.pace else FAST_POLLS_PER_S)) if playing else None

    @st.fragment(run_every=every)
    def panel() -> None:
        current = state.LIVE.get()
        if current is None:
            return
        if current.done and playing:
            st.rerun()  # the whole page: it records the run and draws the result
        draw_frame(current)

    panel()


def session_watch() -> Callable[[], bool] | None:
    """Whether this session's browser is still connected, as a callable any thread may call (the
    runtime's is_active_session is thread-safe): a run whose tab was closed stops within seconds
    instead of training on for nobody. None without a server (AppTest): always connected."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return None
    runtime, session_id = Runtime.instance(), context.session_id
    return lambda: runtime.is_active_session(session_id)


def run_time_budget() -> float:
    """Seconds one run may take: $NNPLAY_RUN_BUDGET_S when it is a positive number, else 300.
    Read at every run, so a changed environment needs no restart of the import."""
    text = os.environ.get(RUN_BUDGET_ENV, "").strip()
    try:
        seconds = float(text)
    except ValueError:
        return RUN_TIME_BUDGET_S
    return seconds if math.isfinite(seconds) and seconds > 0 else RUN_TIME_BUDGET_S


def seconds_left(live: LiveRun) -> float | None:
    """Estimated time to the end of the run: from the seconds each epoch has taken so far, and
    no less than the watched pace allows."""
    snapshot = live.latest
    done = 0 if snapshot is None else snapshot.epoch - live.first_epoch
    if done <= 0:
        return None
    epochs_left = max(0, live.target_epoch - snapshot.epoch)
    computed = snapshot.elapsed / done * epochs_left
    return max(computed, epochs_left / live.pace) if live.pace else computed


# ---------------------------------------------------------------------------- background jobs
# The labs' long clicks (the Optimizer Lab's race, the Activation Lab's comparison, the
# Inspector's model) run as a BackgroundJob with the same time budget as a Playground run, drawn
# by a fragment with its progress bar and a Stop button.
JOB_FRAMES_PER_S = 4
BUDGET_STOP = "Stopped after {seconds:.0f} s, the time limit of one run"
BUDGET_NOTE = BUDGET_STOP + "; what was trained so far is kept."


def start_job(key: state.Key, work) -> BackgroundJob:
    """Run work(progress) in the background under `key` (ending the job there before, if any)."""
    earlier = key.get()
    if earlier is not None and not earlier.done:
        earlier.stop()
    job = BackgroundJob(work, max_seconds=run_time_budget(), connected=session_watch()).start()
    key.set(job)
    return job


def collect_job(key: state.Key, on_done: Callable[[BackgroundJob], None]) -> None:
    """Call at the top of the page: a job that has ended hands its result to on_done(job), once
    (an error it raised is raised here, as the Playground's are)."""
    job = key.get()
    if job is None or not job.done or job.collected:
        return
    job.collected = True
    key.pop()
    if job.error is not None:
        show_thread_error("This experiment", job.error)
        return
    on_done(job)


def job_panel(key: state.Key, label: str) -> bool:
    """While the job under `key` runs: its progress bar and a Stop button, redrawn a few times a
    second by a fragment that reruns the page when the job ends. True while it runs."""
    job = key.get()
    if job is None or job.done:
        return False

    @st.fragment(run_every=1 / JOB_FRAMES_PER_S)
    def panel() -> None:
        current = key.get()
        if current is None or current.done:
            st.rerun()  # the whole page: it collects the result and draws it
        st.progress(current.fraction, text=f"{label}: {current.text}")
        st.button("Stop", key=f"stop-{key.name}", on_click=current.stop, kwargs={"wait": True},
                  help="End it now; what was trained so far is kept")

    panel()
    return True
