"""Reuse the trainers of sessions that ended: the next session on the same setup starts at once.

When a session lets go of its trainer (a new setup, Reset, or the session expiring), the trainer
goes back to a small pool, and the next session that needs the same setup gets it back
restarted: seeded initial weights, fresh optimizer, empty history — exactly what a new Trainer
would train (`Trainer.restart`), without building a Keras model and optimizer again. (Memory is
not the reason any more: a trainer compiles nothing of its own — its program is shared,
nnplay.engine.programs — and one that is dropped frees everything it had.)

A trainer in the pool holds no data (`Trainer.detach_data`; the data are arguments of the
program): an idle trainer holds its network's weights, its optimizer's state and a copy of its
initial state, a few KB for a toy network and up to a few MB at the caps.

A trainer is never shared: it is handed to one session at a time (a `Lease`), and returns to
the pool only when that lease is garbage, which a running `LiveRun` prevents by holding it.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable

from nnplay.config.environment import env_count
from nnplay.config.schema import PlaygroundConfig
from nnplay.data.dataset import Dataset
from nnplay.engine.training import Snapshot, Trainer

MAX_IDLE = env_count("NNPLAY_MAX_IDLE_TRAINERS", 8, low=0)  # idle trainers kept in all


class Lease:
    """One session's hold on a trainer; when it is garbage, the trainer goes back to the pool."""

    def __init__(self, trainer: Trainer):
        self.trainer = trainer


class TrainerPool:
    def __init__(self, max_idle: int = MAX_IDLE):
        self.max_idle = max_idle
        self._idle: OrderedDict[int, tuple[str, Trainer]] = OrderedDict()  # oldest first
        self._lock = threading.Lock()
        # Finalizers run wherever the garbage collector runs, possibly inside a locked section
        # of this very thread: they only append here (atomic), and _take files them under lock.
        self._returned: deque[tuple[str, Trainer]] = deque()
        self.reused = 0  # for tests and benchmarks
        self.built = 0

    @staticmethod
    def poolable(config: PlaygroundConfig) -> bool:
        """A config fixes toy and MNIST data; a CSV's shape is not in it, so those never pool."""
        return config.dataset != "csv"

    def lease(self, config: PlaygroundConfig, data: Dataset) -> Lease:
        """A trainer for `config` on `data`, as a new one would be: reused if one is idle."""
        if not self.poolable(config):
            self.built += 1
            return Lease(Trainer(config, data))
        # The shapes too: the same config on another MNIST source (a test's) has other shapes.
        key = repr((config, *(a.shape for a in (data.x_train, data.y_train, data.x_test, data.y_test))))
        trainer = self._take(key)
        if trainer is None:
            trainer = Trainer(config, data)  # may raise ConfigError: nothing to give back then
            self.built += 1
        else:
            trainer.attach_data(data)
            trainer.restart()
            self.reused += 1
        lease = Lease(trainer)
        weakref.finalize(lease, self._give_back, key, trainer)
        return lease

    def idle_count(self) -> int:
        with self._lock:
            self._file_returned()
            return len(self._idle)

    def _take(self, key: str) -> Trainer | None:
        with self._lock:
            self._file_returned()
            for slot, (slot_key, trainer) in self._idle.items():
                if slot_key == key:
                    del self._idle[slot]
                    return trainer
        return None

    def _give_back(self, key: str, trainer: Trainer) -> None:
        trainer.detach_data()  # now, not when filed: the data (MNIST 70k: ~440 MB) go with the session
        self._returned.append((key, trainer))

    def _file_returned(self) -> None:
        while self._returned:
            key, trainer = self._returned.popleft()
            self._idle[id(trainer)] = (key, trainer)
            while len(self._idle) > self.max_idle:
                self._idle.popitem(last=False)  # the oldest goes, and frees all it had


POOL = TrainerPool()  # one per server process, shared by its sessions


def progress_text(snapshot: Snapshot) -> str:
    """A run's progress in words: "epoch 12 of 50 · test accuracy 0.875"."""
    metric, value = next(iter(snapshot.test_metrics.items()))
    return f"epoch {snapshot.epoch} of {snapshot.target_epoch} · test {metric.replace('_', ' ')} {value:.3f}"


def train_leased(config: PlaygroundConfig, data: Dataset,
                 on_progress: Callable[[float, str], bool | None] | None = None) -> Lease:
    """Lease a trainer for `config` from the pool and train it to the end, calling
    on_progress(fraction done, progress_text) after every chunk of epochs; when that returns True
    (a Stop, a time limit) training ends there, the model so far kept. The trainer stays the
    caller's while it holds the lease; a repeat of the same setup (by anyone) reuses it."""
    lease = POOL.lease(config, data)
    for snapshot in lease.trainer.run():
        if on_progress is not None and on_progress(snapshot.fraction_done, progress_text(snapshot)):
            break  # Trainer.run keeps last_result "stopped" with the epochs so far
    return lease
