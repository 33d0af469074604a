"""The session's run history: every training run with its settings, curve and final metrics."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from nnplay.config import OPTIMIZERS, PlaygroundConfig
from nnplay.training import History, RunResult


@dataclass(frozen=True)
class RunRecord:
    number: int
    config: PlaygroundConfig
    history: History  # a copy of the curves at the end of the run
    result: RunResult
    final: dict[str, float]  # headline test metrics (nnplay.metrics.Evaluation.headline)

    @property
    def label(self) -> str:
        c = self.config
        layers = "-".join(f"{layer.units}{layer.activation}" for layer in c.hidden) or "no hidden"
        return f"#{self.number} {OPTIMIZERS[c.optimizer].label.split(' ')[0]} lr={c.learning_rate:g} [{layers}]"

    def row(self) -> dict:
        """One line of the run-history table."""
        c = self.config
        row = {
            "run": self.number,
            "task": c.task,
            "data": c.dataset,
            "hidden": " ".join(f"{layer.units}{layer.activation}" for layer in c.hidden) or "—",
            "optimizer": c.optimizer,
            "lr": c.learning_rate,
            "batch": "full" if c.batch_size == 0 else c.batch_size,
            "epochs": self.history.epoch[-1] if len(self.history) else 0,
            "train loss": self.history.train_loss[-1] if len(self.history) else None,
            "test loss": self.history.test_loss[-1] if len(self.history) else None,
            "ended": self.result.status,
            "seconds": round(self.result.seconds, 2),
        }
        row.update({f"test {name}": value for name, value in self.final.items()})
        return row


def make_record(number: int, config: PlaygroundConfig, history: History, result: RunResult,
                final: dict[str, float]) -> RunRecord:
    return RunRecord(number, config, copy.deepcopy(history), result, dict(final))
