"""Training in a background thread, so a page can redraw while the model trains.

The trainer's graph calls run in C++ and release the GIL; drawing (plotly
figures, Streamlit messages) is Python. Running them in two threads lets the
page refresh the curves and the decision boundary several times a second
without holding training up. The page polls `LiveRun`; it never blocks on it.
"""

from __future__ import annotations

import threading

from nnplay.engine.training import Snapshot, Trainer


class LiveRun:
    """`trainer.run(epochs)` in a daemon thread, with the latest snapshot and a stop flag."""

    def __init__(self, trainer: Trainer, epochs: int, max_seconds: float | None = None, lease=None):
        self.trainer = trainer
        self.lease = lease  # a nnplay.engine.pool lease: held while the thread runs, so no other session gets the trainer
        self.recorded = False  # set by the page once the run is in the run history
        self.epochs = epochs
        self.max_seconds = max_seconds
        self.latest: Snapshot | None = None
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="nnplay-training", daemon=True)

    def start(self) -> "LiveRun":
        self._thread.start()
        return self

    def _work(self) -> None:
        try:
            for snapshot in self.trainer.run(self.epochs, self.max_seconds):
                self.latest = snapshot
                if self._stop.is_set():
                    break  # the trainer keeps its weights and history up to this snapshot
        except Exception as exc:  # shown on the page; never lost in a thread
            self.error = exc

    def stop(self, wait: bool = True) -> None:
        """Ask the run to end at its next snapshot (a fraction of a second)."""
        self._stop.set()
        if wait:
            self._thread.join()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds` unless training ends first; True once it has ended."""
        self._thread.join(seconds)
        return not self._thread.is_alive()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()
