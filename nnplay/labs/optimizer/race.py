"""An optimizer race on a real network (ConvNetJS's trainer comparison, in Keras).

Every lane is an ordinary `Trainer` (nnplay.engine.training) on the same `Dataset`, with
a config that differs from the base config only in the optimizer fields. The
Trainer seeds the initial weights from `config.seed` per layer and shuffles each
epoch with a stateless op seeded by (config.seed, epoch), so every lane starts
from the same weights and sees the same batches in the same order: the optimizer
is the only thing that differs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from nnplay.config.catalog import OPTIMIZERS, VARIANTS
from nnplay.config.schema import (
    PlaygroundConfig,
    optimizer_fields,
    validate,
    with_variant,
)
from nnplay.data.dataset import Dataset
from nnplay.engine.pool import POOL

# The config fields an optimizer owns; a lane may change these and nothing else.
OPTIMIZER_FIELDS = ("optimizer", "learning_rate", *optimizer_fields())


def lane_config(base: PlaygroundConfig, variant: str, learning_rate: float | None = None) -> PlaygroundConfig:
    """The base config with this variant's optimizer; everything else (data, net, seed, batches) kept."""
    lr = VARIANTS[variant].race_lr if learning_rate is None else float(learning_rate)
    config = with_variant(base, variant, lr)
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
    batches_per_epoch: int = 1  # optimizer steps per epoch

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
        self.lanes = [Lane(key, VARIANTS[key].lane_label, lane_config(base, key, lr)) for key, lr in entries]
        n_train = len(data.x_train)
        for lane in self.lanes:
            batch = lane.config.batch_size or n_train  # 0 = full batch
            lane.batches_per_epoch = max(1, -(-n_train // min(batch, n_train)))

    def run(self) -> Iterator[RaceProgress]:
        total = len(self.lanes) * self.epochs
        for index, lane in enumerate(self.lanes):
            # Leased, not built: the same race clicked again (by anyone) reuses the lanes' trainers.
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

    def run_until(self, progress) -> list[Lane]:
        """Run the race, calling progress(fraction, text) after every chunk; when it returns True
        (a Stop, the time budget), end there: the lane training now keeps its curve so far and is
        marked "stopped", the lanes after it stay "waiting"."""
        for update in self.run():
            if progress(update.fraction, f"{update.label}: epoch {update.epoch} of {update.epochs}"):
                for lane in self.lanes:
                    if lane.status == "running":
                        lane.status, lane.message = "stopped", "Stopped before the end of the race."
                break
        return self.lanes

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


def lane_advice(lane: Lane, target: float) -> str | None:
    """Why a lane did not reach the target loss and what to try, in a learner's words (None if it did)."""
    if lane.status == "diverged":
        return (f"{lane.label} (lr {lane.learning_rate:g}) diverged: {lane.message} Its steps were too big for "
                f"this network; try a smaller learning rate, such as {lane.learning_rate / 10:.2g}.")
    if not lane.train_loss or lane.epochs_to(target) is not None:
        return None
    optimizer, lr, epochs = OPTIMIZERS[lane.config.optimizer], lane.learning_rate, len(lane.train_loss)
    low, high = optimizer.typical_lr
    head = (f"{lane.label} (lr {lr:g}) did not reach a train loss of {target:g} in {epochs} epochs "
            f"(it ended at {lane.final_loss:.3g}).")
    if optimizer.adaptive:
        moved = lr * lane.batches_per_epoch * epochs
        why = (f" Its step is about the learning rate for every weight, whatever the size of the gradient: "
               f"with lr {lr:g} each weight moves by at most about {lr:g} per batch, so at most about "
               f"{moved:.2g} over the {lane.batches_per_epoch * epochs:,} batches of this race — small when the "
               f"weights must change by whole units to bend a boundary.")
    elif optimizer.key == "adagrad":
        why = (" Adagrad divides the learning rate by the root of the sum of every squared gradient so far, so "
               "its steps only ever shrink; a small rate freezes it early.")
    elif optimizer.key == "adadelta":
        why = (" Adadelta sizes its steps from running averages of past steps and gradients, which start tiny; "
               "Keras then multiplies them by the learning rate, so below about 1 it hardly moves at first.")
    else:
        boost = " Momentum 0.9 would build up speed along a steady slope (about 10× the step)." \
            if lane.config.momentum == 0 else ""
        why = (f" Its step is lr × the gradient, and where the loss surface is flat the gradients, and so the "
               f"steps, are small.{boost}")
    suggestion = min(lr * 10, high) if optimizer.key != "sgd" else min(lr * 3, high)
    if suggestion > lr * 1.01:
        tip = f" Try lr {suggestion:.2g} (its usual range is {low:g}–{high:g}), or train for more epochs."
    else:
        tip = (f" Its learning rate is already at the top of its usual range ({low:g}–{high:g}): train for more "
               "epochs, raise the target, or give the network more units.")
    return head + why + tip
