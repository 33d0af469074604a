"""Final metrics of a trained model on a dataset split, computed with scikit-learn.

Classification: accuracy and a confusion matrix; multi-label: per-label accuracy
and the exact-match ratio; regression: MAE and R².
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from sklearn import metrics as skm

from nnplay.config.catalog import TASKS
from nnplay.config.schema import PlaygroundConfig


@dataclass
class Evaluation:
    task: str
    headline: dict[str, float]  # the task's final metrics: {"accuracy": 0.97}, {"mae": 0.1, "r2": 0.9}
    confusion: np.ndarray | None = None  # rows: true class, columns: predicted class
    per_label_accuracy: dict[str, float] = field(default_factory=dict)
    class_names: list[str] = field(default_factory=list)


def predicted_classes(config: PlaygroundConfig, probabilities: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Class decisions from probabilities: argmax for multiclass, a threshold for the sigmoid tasks."""
    if config.task == "multiclass":
        return probabilities.argmax(axis=-1)
    if config.task == "binary":
        return (probabilities.reshape(-1) > threshold).astype(int)
    return (probabilities > threshold).astype(int)  # multi-label: one decision per label


def evaluate(config: PlaygroundConfig, probabilities: np.ndarray, y_true: np.ndarray,
             class_names: list[str]) -> Evaluation:
    """Metrics from what the model reports (probabilities, or values for regression): the task's
    final metrics (its catalog record), in that order."""
    evaluation = _evaluation(config, probabilities, y_true, class_names)
    wanted = TASKS[config.task].final_metrics
    return replace(evaluation, headline={name: evaluation.headline[name] for name in wanted})


def _evaluation(config: PlaygroundConfig, probabilities: np.ndarray, y_true: np.ndarray,
                class_names: list[str]) -> Evaluation:
    task = config.task
    if TASKS[task].is_regression:
        y_pred = probabilities.reshape(-1)
        y = y_true.reshape(-1)
        r2 = skm.r2_score(y, y_pred) if len(y) > 1 else float("nan")
        return Evaluation(task, {"mae": float(skm.mean_absolute_error(y, y_pred)), "r2": float(r2)})
    y_pred = predicted_classes(config, probabilities)
    if task == "multilabel":
        per_label = {name: float(skm.accuracy_score(y_true[:, k], y_pred[:, k])) for k, name in enumerate(class_names)}
        exact = float(skm.accuracy_score(y_true.astype(int), y_pred))  # subset accuracy = exact match
        return Evaluation(
            task,
            {"label_accuracy": float(np.mean(list(per_label.values()))), "exact_match": exact},
            per_label_accuracy=per_label,
            class_names=class_names,
        )
    labels = list(range(len(class_names)))
    return Evaluation(
        task,
        {"accuracy": float(skm.accuracy_score(y_true, y_pred))},
        confusion=skm.confusion_matrix(y_true, y_pred, labels=labels),
        class_names=class_names,
    )
