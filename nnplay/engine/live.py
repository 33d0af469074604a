"""A run that trains in a background thread while the page watches it, as a video player plays.

The trainer's graph calls run in C++ and release the GIL; drawing is Python. The page polls a
`LiveRun` (its `latest` snapshot, its `frames` counter) and never blocks on it; the learner's
buttons call its controls from Streamlit's script thread, and the training thread reads them
between chunks of epochs:

- `pause()`, `resume()`, `step()` (one epoch while paused), `stop()`;
- `set_pace(epochs_per_second)`: *Watch* trains a frame's worth of epochs every FRAME_S seconds,
  so the page has a later epoch to show at every frame; `None` is *Fast*, as fast as it goes, in
  chunks that grow to about `FAST_CHUNK_S`;
- `change(config)`: a new learning rate, regularisation, batch size, epochs or optimizer setting,
  applied before the next epoch (`Trainer.apply_settings`), keeping the weights and the
  optimizer's state; each change is in the trainer's history with the epoch it took effect.

Nothing here calls Streamlit: the thread only trains and records.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from nnplay.config.schema import PlaygroundConfig
from nnplay.engine.training import RunResult, Snapshot, Trainer

_LOG = logging.getLogger(__name__)
_RUN_IDS = itertools.count(1)  # id() of a freed run is reused by the next: a page needs a name that is not
FRAME_S = 0.05  # Watch: a picture every 50 ms (the reel), so the browser can paint 20 a second
FAST_CHUNK_S = 0.25  # Fast: chunks grow to about this long (a Stop or a change waits at most this)
PAUSE_LIMIT_S = 30 * 60  # a run paused this long (its tab closed, most likely) ends, freeing its trainer
WATCH_PACE = 30.0  # epochs a second by default when watching: TF Playground shows up to 60
ORPHAN_GRACE_S = 3.0  # a run whose page has been gone this long stops (a reconnect within it keeps the run)
REEL_FRAMES = 40  # the reel keeps this many recent pictures (2 s of Watch): enough between two polls


@dataclass(frozen=True)
class ReelFrame:
    """The model as it was after one chunk: what the page paints for that moment of the run."""

    number: int  # 1, 2, 3 ... in the order trained
    epoch: int
    seconds: float  # since the run started (wall clock, pauses included): when to show it
    weights: list[np.ndarray]


class LiveRun:
    """`epochs` more epochs of `trainer` in a daemon thread, controlled from any thread."""

    def __init__(self, trainer: Trainer, epochs: int, max_seconds: float | None = None, lease=None,
                 pace: float | None = None, paused: bool = False, connected=None, prepare=None):
        """connected: a callable saying whether the page that started the run is still open (any
        thread may call it); once it has said no for ORPHAN_GRACE_S, the run stops. prepare: work
        the thread does before the first epoch, while the page says it is compiling (the page's
        own plane probe), so the page's first poll of the run does not compile it."""
        self.prepare = prepare
        self.trainer = trainer
        self.run_id = next(_RUN_IDS)  # the page tells its runs apart by this (the reel sent, the playback)
        self.connected = PagePresence(connected)
        self.lease = lease  # a nnplay.engine.pool lease, held while the thread runs: no other session gets the trainer
        self.recorded = False  # set by the page once the run is in the run history
        self.max_seconds = max_seconds  # of training; time spent paused does not count
        self.first_epoch = trainer.epoch
        self.target_epoch = trainer.epoch + epochs
        self.pace = pace
        self.latest: Snapshot | None = None
        self.frames = 0  # chunks trained so far: each one is a new picture for the page
        # The last REEL_FRAMES pictures, so a page that polls a few times a second can still show
        # every one of them, in order, at the moment it was trained (Watch: 20 a second).
        self.reel: deque[ReelFrame] = deque(maxlen=REEL_FRAMES)
        self._started = time.monotonic()
        self.error: BaseException | None = None
        self.result: RunResult | None = None
        self._controls = threading.Condition()
        self._paused = paused
        self._steps = 0
        self._stopping = False
        self._holding = threading.Event()  # set while the thread waits, paused
        self._wanted: PlaygroundConfig | None = None
        self._thread = threading.Thread(target=self._work, name="nnplay-training", daemon=True)

    def start(self) -> LiveRun:
        self._started = time.monotonic()
        self._thread.start()
        return self

    # ------------------------------------------------------------ controls (any thread)
    def pause(self, wait: float = 5.0) -> None:
        """Hold the run after its current chunk; waits (up to `wait` s) until it holds, so what
        the page draws next is where it stays."""
        self._control(paused=True)
        deadline = time.monotonic() + wait
        while not self._holding.is_set() and not self.done and time.monotonic() < deadline:
            time.sleep(0.005)

    def resume(self) -> None:
        self._control(paused=False)

    def step(self, wait: float | None = 5.0) -> None:
        """One more epoch, then paused; waits (up to `wait` seconds) until it is trained and held
        (its keyframe kept, so the page can draw it and rewind from it)."""
        frames = self.frames
        self._control(paused=True, steps=1)
        deadline = time.monotonic() + (wait or 0)
        while wait and not self.done and time.monotonic() < deadline and (
                self.frames == frames or not self._holding.is_set()):
            time.sleep(0.005)

    def stop(self, wait: bool = True) -> None:
        """End the run at its next chunk (a fraction of a second); the model so far is kept."""
        self._control(stopping=True)
        if wait:
            self._thread.join()

    def set_pace(self, epochs_per_second: float | None) -> None:
        self._control(pace=epochs_per_second)

    def change(self, config: PlaygroundConfig) -> None:
        """Train on with `config`'s live settings from the next epoch (see Trainer.apply_settings)."""
        self._control(wanted=config)

    @property
    def settings(self) -> PlaygroundConfig:
        """The settings the run trains with from its next epoch: a change asked for and not yet
        applied, else the trainer's own."""
        return self._wanted or self.trainer.config

    def _control(self, paused=None, steps=0, stopping=False, pace=..., wanted=None) -> None:
        with self._controls:
            if paused is not None:
                self._paused = paused
            self._steps += steps
            self._stopping = self._stopping or stopping
            if pace is not ...:
                self.pace = pace
            if wanted is not None:
                self._wanted = wanted
            self._controls.notify_all()

    # ------------------------------------------------------------ state (any thread)
    @property
    def paused(self) -> bool:
        return self._paused and not self.done

    @property
    def done(self) -> bool:
        return self.result is not None

    def reel_after(self, number: int) -> list[ReelFrame]:
        """The reel's pictures newer than picture `number` (0: all it still has), oldest first."""
        return [frame for frame in list(self.reel) if frame.number > number]

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds` unless the run ends first; True once it has ended."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    # ------------------------------------------------------------ the training thread
    def _next_move(self) -> tuple[str, int]:
        """What to do next, once the controls allow: ("stop"|"train"|"step", epochs)."""
        paused_since = time.monotonic()
        with self._controls:
            while True:
                if self._stopping:  # before a pending change: a stopped run keeps its last settings
                    return "stop", 0
                if self._wanted is not None:
                    self.trainer.apply_settings(self._wanted)
                    self.target_epoch = self.first_epoch + self.trainer.config.epochs
                    self._wanted = None
                if self._steps:
                    self._steps -= 1
                    self._holding.clear()
                    return "step", 1
                if not self._paused:
                    self._holding.clear()
                    return "train", 0
                if time.monotonic() - paused_since > PAUSE_LIMIT_S:
                    return "stop", 0
                if self.connected.gone():
                    return "abandoned", 0
                # Paused: the epoch on screen can be rewound to, and back from.
                if self.trainer.keyframes.last_epoch != self.trainer.epoch:
                    self.trainer.keyframes.keep(self.trainer.epoch, self.trainer.model.get_weights())
                self._holding.set()
                self._controls.wait(0.5)

    def _rest(self, seconds: float) -> None:
        """Wait between Watch frames; a control (Stop, Pause, a change) cuts the wait short."""
        with self._controls:
            if seconds > 0 and not (self._stopping or self._paused or self._wanted):
                self._controls.wait(seconds)

    def _advance(self, n: int) -> int | None:
        """Train n epochs, in pieces that end where a keyframe is due (see Keyframes.due_in)."""
        done = 0
        while done < n:
            piece = min(n - done, self.trainer.keyframes.due_in(self.trainer.epoch))
            diverged = self.trainer.advance(piece)
            done += piece
            if diverged is not None:
                return diverged
        return None

    def _work(self) -> None:
        trainer = self.trainer
        trainer.interrupted = lambda: self._stopping  # a Stop ends a wait for the shared program
        trained = 0.0  # seconds spent training (not paused)
        fast_chunk = 1
        owed = 0.0  # Watch: epochs due but not yet trained (a fraction of one)
        next_frame = time.monotonic()
        status, diverged = "stopped", None
        try:
            if self.prepare is not None:
                self.prepare()
            while True:
                move, n = self._next_move()
                if move == "abandoned":
                    status = move
                if move in ("stop", "abandoned"):
                    break
                if move == "step":
                    self.target_epoch = max(self.target_epoch, trainer.epoch + 1)
                elif trainer.epoch >= self.target_epoch:
                    status = "finished"
                    break
                elif self.pace:  # a frame's worth of epochs; fractions carried, so 30/s is 1, 2, 1, 2 ...
                    owed += self.pace * FRAME_S
                    n = max(1, int(owed))
                    owed = max(0.0, owed - n)
                else:
                    n = fast_chunk
                n = min(n, self.target_epoch - trainer.epoch)
                started = time.perf_counter()
                diverged = self._advance(n)
                seconds = time.perf_counter() - started
                trained += seconds
                if trainer.epoch > self.first_epoch:
                    self.latest = trainer.snapshot(self.target_epoch, trained)
                self.frames += 1
                self.reel.append(ReelFrame(self.frames, trainer.epoch, time.monotonic() - self._started,
                                           trainer.model.get_weights()))
                if diverged is not None:
                    status = "diverged"
                    break
                if self.max_seconds is not None and trained > self.max_seconds and trainer.epoch < self.target_epoch:
                    status = "time_budget"
                    break
                if self.connected.gone():
                    status = "abandoned"
                    break
                if self.pace and move == "train":
                    next_frame = max(next_frame + n / self.pace, time.monotonic() - FRAME_S)
                    self._rest(next_frame - time.monotonic())
                else:
                    fast_chunk = max(1, min(fast_chunk * 4, int(FAST_CHUNK_S / max(seconds / n, 1e-6))))
                    next_frame = time.monotonic()
        except Exception as exc:  # shown on the page, and logged: the page may be gone
            self.error = exc
            _LOG.exception("A run failed at epoch %d", trainer.epoch)
        finally:  # the result first: whatever happens after, the run counts as ended
            trainer.interrupted = lambda: False
            self.result = trainer.last_result = trainer.ended(status, self.first_epoch, trained, diverged)
            if status == "abandoned":  # the server's log says where a closed tab's CPU went back
                _LOG.info("A run stopped at epoch %d: its page was closed.", trainer.epoch)
            if trainer.epoch > self.first_epoch:  # the last epoch can always be rewound to
                trainer.keyframes.keep(trainer.epoch, trainer.model.get_weights())


class PagePresence:
    """Whether the page is still there, from a `connected()` callable (None: always there). It
    says gone only after ORPHAN_GRACE_S of "no", so a reconnecting browser keeps its run."""

    def __init__(self, connected=None, grace: float = ORPHAN_GRACE_S):
        self._connected = connected
        self._grace = grace
        self._missing_since: float | None = None

    def gone(self) -> bool:
        if self._connected is None or self._connected():
            self._missing_since = None
            return False
        now = time.monotonic()
        if self._missing_since is None:
            self._missing_since = now
        return now - self._missing_since >= self._grace


class BackgroundJob:
    """Work that takes seconds — a race, a comparison, a model trained to the end — in a daemon
    thread, so the page stays live and a Stop button can end it.

    `work(progress)` does it, calling progress(fraction done, what it is doing) as it goes;
    progress returns True once the work should end early (stop() was called, or `max_seconds`
    have passed, or its page is gone), and `work` then returns what it has so far. The page polls
    `fraction`, `text` and `done`; once done, `result` (work's return value) or `error`, and
    `ended`: "finished", "stopped", "time_budget" or "abandoned".
    """

    def __init__(self, work, max_seconds: float | None = None, connected=None):
        self.work = work
        self.connected = PagePresence(connected)  # a job whose page is gone stops, as a LiveRun does
        self.max_seconds = max_seconds
        self.fraction = 0.0
        self.text = "Starting…"
        self.result = None
        self.error: BaseException | None = None
        self.ended: str | None = None
        self.collected = False  # set by the page once it has taken the result
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._ended_at: float | None = None
        self._thread = threading.Thread(target=self._run, name="nnplay-job", daemon=True)

    def start(self) -> BackgroundJob:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def progress(self, fraction: float, text: str) -> bool:
        """Called by `work`: note how far it is; True means "end now, with what you have"."""
        self.fraction, self.text = min(1.0, max(self.fraction, fraction)), text
        if self.max_seconds is not None and self.seconds > self.max_seconds:
            self._stop.set()
            self.ended = self.ended or "time_budget"
        if self.connected.gone():
            if not self._stop.is_set():
                _LOG.info("A background job stopped: its page was closed.")
            self._stop.set()
            self.ended = self.ended or "abandoned"
        return self._stop.is_set()

    def stop(self, wait: bool = True) -> None:
        if not self.done:  # a Stop after the end does not relabel a finished job
            self.ended = self.ended or "stopped"
        self._stop.set()
        if wait:
            self._thread.join()

    @property
    def seconds(self) -> float:
        """How long it ran (so far, or in all once it has ended)."""
        return (self._ended_at or time.monotonic()) - self._started

    @property
    def done(self) -> bool:
        return not self._thread.is_alive() and self._thread.ident is not None

    def wait(self, seconds: float) -> bool:
        self._thread.join(seconds)
        return self.done

    def _run(self) -> None:
        try:
            self.result = self.work(self.progress)
        except Exception as exc:  # shown on the page; never lost in a thread
            self.error = exc
        finally:
            self._ended_at = time.monotonic()
            self.ended = self.ended or "finished"
