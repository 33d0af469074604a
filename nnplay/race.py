"""An optimizer race on a real network (ConvNetJS's trainer comparison, in Keras).

Every lane is an ordinary `Trainer` (nnplay.training) on the same `Dataset`, with
a config that differs from the base config only in the optimizer fields. The
Trainer seeds the initial weights from `config.seed` per layer and shuffles each
epoch with a stateless op seeded by (config.seed, epoch), so every lane starts
from the same weights and sees the same batches in the same order: the optimizer
is the only thing that differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterator, Sequence

import numpy as np

from nnplay.config import OPTIMIZERS, PlaygroundConfig, validate
from nnplay.datasets import Dataset
from nnplay.pool import POOL

# The config fields an optimizer owns; a lane may change these and nothing else.
OPTIMIZER_FIELDS = ("optimizer", "learning_rate", "momentum", "nesterov", "beta_1", "beta_2", "epsilon", "rho")


@dataclass(frozen=True)
class Racer:
    """One entrant: a Keras optimizer and the config fields that make it."""

    label: str
    optimizer: str  # key of nnplay.config.OPTIMIZERS
    momentum: float = 0.0
    nesterov: bool = False

    @property
    def default_lr(self) -> float:
        return OPTIMIZERS[self.optimizer].default_lr

    @property
    def typical_lr(self) -> tuple[float, float]:
        return OPTIMIZERS[self.optimizer].typical_lr


# ConvNetJS's line-up (SGD, momentum, Nesterov, Adagrad, Adadelta, Adam) plus RMSprop.
RACERS: dict[str, Racer] = {
    "sgd": Racer("SGD", "sgd"),
    "momentum": Racer("Momentum", "sgd", momentum=0.9),
    "nesterov": Racer("Nesterov", "sgd", momentum=0.9, nesterov=True),
    "rmsprop": Racer("RMSprop", "rmsprop"),
    "adagrad": Racer("Adagrad", "adagrad"),
    "adadelta": Racer("Adadelta", "adadelta"),
    "adam": Racer("Adam", "adam"),
}


def lane_config(base: PlaygroundConfig, racer_key: str, learning_rate: float | None = None) -> PlaygroundConfig:
    """The base config with this racer's optimizer; everything else (data, net, seed, batches) kept."""
    racer = RACERS[racer_key]
    config = replace(base, optimizer=racer.optimizer,
                     learning_rate=racer.default_lr if learning_rate is None else float(learning_rate),
                     momentum=racer.momentum, nesterov=racer.nesterov)
    validate(config)  # a learning rate outside the caps raises ConfigError with a clear message
    return config


def epochs_to_reach(losses: Sequence[float], target: float) -> int | None:
    """The first epoch (1-based) whose loss is at or below `target`, or None if never."""
    for epoch, loss in enumerate(losses, start=1):
        if loss <= target:
            return epoch
    return None


@dataclass
class Lane:
    """One racer's run: its config, its curves and how it ended."""

    key: str
    label: str
    config: PlaygroundConfig
    initial_weights: list[np.ndarray] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    status: str = "waiting"  # then a training RunResult status: finished / diverged / ...
    message: str = ""

    @property
    def learning_rate(self) -> float:
        return self.config.learning_rate

    def epochs_to(self, target: float) -> int | None:
        return epochs_to_reach(self.train_loss, target)

    @property
    def final_loss(self) -> float | None:
        return self.train_loss[-1] if self.train_loss else None


@dataclass(frozen=True)
class RaceProgress:
    lane: int  # index of the lane training now
    label: str
    epoch: int
    epochs: int
    fraction: float  # of the whole race


class Race:
    """Train one lane after another on the same data; `run()` yields progress, `lanes` the results."""

    def __init__(self, base: PlaygroundConfig, entries: Sequence[tuple[str, float | None]], data: Dataset):
        if not entries:
            raise ValueError("Choose at least one optimizer for the race.")
        self.data = data
        self.epochs = base.epochs
        self.lanes = [Lane(key, RACERS[key].label, lane_config(base, key, lr)) for key, lr in entries]

    def run(self) -> Iterator[RaceProgress]:
        total = len(self.lanes) * self.epochs
        for index, lane in enumerate(self.lanes):
            # Leased, not built: the same race clicked again (by anyone) reuses the compiled lanes.
            lease = POOL.lease(lane.config, self.data)
            trainer = lease.trainer
            lane.initial_weights = [np.array(w) for w in trainer.model.get_weights()]
            lane.status = "running"
            yield RaceProgress(index, lane.label, 0, self.epochs, index * self.epochs / total)
            for snapshot in trainer.run(self.epochs):
                lane.train_loss = list(trainer.history.train_loss)
                lane.test_loss = list(trainer.history.test_loss)
                yield RaceProgress(index, lane.label, snapshot.epoch, self.epochs,
                                   (index * self.epochs + snapshot.epoch) / total)
            lane.train_loss = list(trainer.history.train_loss)
            lane.test_loss = list(trainer.history.test_loss)
            lane.status = trainer.last_result.status
            lane.message = trainer.last_result.message
            del lease, trainer  # back to the pool

    def run_to_end(self) -> list[Lane]:
        for _ in self.run():
            pass
        return self.lanes


def summary_rows(lanes: Sequence[Lane], target: float) -> list[dict]:
    """One table row per lane: learning rate, epochs to the target loss, final loss, how it ended."""
    rows = []
    for lane in lanes:
        reached = lane.epochs_to(target)
        rows.append({
            "optimizer": lane.label,
            "learning rate": lane.learning_rate,
            f"epochs to loss ≤ {target:g}": str(reached) if reached is not None else "not reached",
            "final train loss": lane.final_loss,
            "final test loss": lane.test_loss[-1] if lane.test_loss else None,
            "status": lane.status if lane.status != "diverged" else "diverged (stopped)",
        })
    return rows


def winner(lanes: Sequence[Lane], target: float) -> Lane | None:
    """The lane that reached the target in the fewest epochs (ties: lower final loss), or None."""
    reached = [lane for lane in lanes if lane.epochs_to(target) is not None]
    if not reached:
        return None
    return min(reached, key=lambda lane: (lane.epochs_to(target), lane.final_loss))
