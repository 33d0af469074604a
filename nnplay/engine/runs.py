"""The session's run history: every training run with its settings, curve and final metrics."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from nnplay.config.catalog import OPTIMIZERS
from nnplay.config.schema import PlaygroundConfig
from nnplay.engine.training import History, RunResult


@dataclass(frozen=True)
class RunRecord:
    number: int
    config: PlaygroundConfig  # the settings it ended with (the start's, unless changed mid-run)
    history: History  # a copy of the curves at the end of the run
    result: RunResult
    final: dict[str, float]  # headline test metrics (nnplay.engine.metrics.Evaluation.headline)

    @property
    def label(self) -> str:
        c = self.config
        layers = "-".join(f"{layer.units}{layer.activation}" for layer in c.hidden) or "no hidden"
        return f"#{self.number} {OPTIMIZERS[c.optimizer].label.split(' ')[0]} lr={c.learning_rate:g} [{layers}]"

    def row(self) -> dict:
        """One line of the run-history table: the results first (a narrow table shows them without
        scrolling), then the setup that produced them."""
        c = self.config
        row = {"run": self.number}
        row.update({f"test {name.replace('_', ' ')}": round(value, 4) for name, value in self.final.items()})
        row.update({
            "test loss": round(self.history.test_loss[-1], 4) if len(self.history) else None,
            "train loss": round(self.history.train_loss[-1], 4) if len(self.history) else None,
            "epochs": self.history.epoch[-1] if len(self.history) else 0,
            "ended": self.result.status,
            "hidden": " ".join(f"{layer.units}{layer.activation}" for layer in c.hidden) or "—",
            "optimizer": c.optimizer,
            "lr": c.learning_rate,
            "batch": "full" if c.batch_size == 0 else c.batch_size,
            "task": c.task,
            "data": c.dataset,
            "seconds": round(self.result.seconds, 2),
            "changed mid-run": "; ".join(f"{c.label} at epoch {c.epoch}" for c in self.history.changes) or "—",
        })
        return row

    @property
    def changed_mid_run(self) -> bool:
        return bool(self.history.changes)


def make_record(number: int, config: PlaygroundConfig, history: History, result: RunResult,
                final: dict[str, float]) -> RunRecord:
    return RunRecord(number, config, copy.deepcopy(history), result, dict(final))
