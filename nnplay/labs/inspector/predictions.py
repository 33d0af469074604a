"""Per-example predictions of a trained classifier: logits, probabilities, loss, mistakes.

The Softmax Inspector's engine: what the model says about each test example, and
the orderings a gallery needs (mistakes only, most confident mistakes first).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from nnplay.config.schema import HiddenLayer, PlaygroundConfig, default_config
from nnplay.engine.model import to_probabilities
from nnplay.labs.inspector.stability import stable_log_softmax


def course_mnist_config() -> PlaygroundConfig:
    """The course's MNIST network: 25 ReLU → 15 ReLU → 10 linear, Adam 1e-3, from_logits=True."""
    return replace(default_config("multiclass"), dataset="mnist", n_samples=6_000, train_fraction=0.8,
                   hidden=(HiddenLayer(25, "relu"), HiddenLayer(15, "relu")), optimizer="adam",
                   learning_rate=1e-3, batch_size=32, epochs=10)


def toy_multilabel_config() -> PlaygroundConfig:
    """A small multi-label model on the zones data: 3 independent sigmoid outputs, trained in seconds."""
    return replace(default_config("multilabel"), hidden=(HiddenLayer(8, "relu"), HiddenLayer(8, "relu")),
                   optimizer="adam", learning_rate=0.01, batch_size=10, epochs=60, noise=0.1)


@dataclass
class Predictions:
    outputs: np.ndarray  # raw model outputs (logits for a logits model), (n, K)
    probabilities: np.ndarray  # (n, K): softmax rows sum to 1; sigmoid columns do not
    true: np.ndarray  # (n,) class index (multiclass/binary) or (n, K) labels (multi-label)
    predicted: np.ndarray
    loss: np.ndarray  # (n,) the example's loss: −log a_y for multiclass
    uses_softmax: bool

    @property
    def correct(self) -> np.ndarray:
        if self.true.ndim == 2:
            return (self.predicted == self.true).all(axis=1)
        return self.predicted == self.true

    @property
    def confidence(self) -> np.ndarray:
        """Probability the model gives its own answer."""
        if self.uses_softmax:
            return self.probabilities.max(axis=1)
        p = self.probabilities
        return np.where(p >= 0.5, p, 1 - p).min(axis=1)


def predictions_for(config: PlaygroundConfig, outputs: np.ndarray, y_true: np.ndarray,
                    threshold: float = 0.5) -> Predictions:
    outputs = np.asarray(outputs, np.float32)
    probabilities = np.asarray(to_probabilities(config, outputs), np.float32)
    if config.task == "multiclass":
        log_probabilities = (stable_log_softmax(outputs) if config.uses_logits
                             else np.log(np.clip(probabilities, 1e-12, 1.0)))
        loss = -log_probabilities[np.arange(len(y_true)), y_true]
        return Predictions(outputs, probabilities, y_true, probabilities.argmax(axis=1), loss, True)
    p = np.clip(probabilities, 1e-7, 1 - 1e-7)
    labels = y_true.reshape(len(y_true), -1).astype(np.float32)
    loss = -(labels * np.log(p) + (1 - labels) * np.log(1 - p)).mean(axis=1)
    predicted = (probabilities > threshold).astype(int)
    if config.task == "binary":
        return Predictions(outputs, probabilities, y_true.astype(int), predicted[:, 0], loss, False)
    return Predictions(outputs, probabilities, y_true.astype(int), predicted, loss, False)


def gallery_order(predictions: Predictions, mistakes_only: bool = False,
                  most_confident_mistakes_first: bool = False) -> np.ndarray:
    """Indices of test examples for the gallery."""
    order = np.arange(len(predictions.true))
    if mistakes_only:
        order = order[~predictions.correct]
    if most_confident_mistakes_first:
        wrong_first = np.lexsort((-predictions.confidence[order], predictions.correct[order]))
        order = order[wrong_first]
    return order


def top_k(probabilities: np.ndarray, k: int = 3) -> list[tuple[int, float]]:
    """The k most probable classes of one example, best first."""
    best = np.argsort(-probabilities)[:k]
    return [(int(c), float(probabilities[c])) for c in best]


def in_cell(predictions: Predictions, true_class: int, predicted_class: int) -> np.ndarray:
    """Indices of the examples in one confusion-matrix cell."""
    return np.nonzero((predictions.true == true_class) & (predictions.predicted == predicted_class))[0]


def per_class_accuracy(predictions: Predictions, n_classes: int) -> np.ndarray:
    accuracy = np.full(n_classes, np.nan)
    for c in range(n_classes):
        mask = predictions.true == c
        if mask.any():
            accuracy[c] = float((predictions.predicted[mask] == c).mean())
    return accuracy


def nearest_point(points: np.ndarray, x1: float, x2: float) -> int:
    """Index of the 2-D point closest to (x1, x2): how a learner picks a toy example by coordinates."""
    distances = np.hypot(points[:, 0] - x1, points[:, 1] - x2)
    return int(np.argmin(distances))


def logits_of(config: PlaygroundConfig, outputs: np.ndarray) -> np.ndarray:
    """The pre-activation z of the output layer, whatever the output activation was.

    A logits model returns z itself; a sigmoid output returns σ(z), so z = log(p / (1 − p));
    a softmax output returns e^z / Σe^z, so log p recovers z up to a constant per row (which
    softmax ignores anyway).
    """
    outputs = np.asarray(outputs, np.float64)
    if config.uses_logits:
        return outputs
    p = np.clip(outputs, 1e-12, 1 - 1e-12)
    if config.task == "multiclass":
        return np.log(p)
    return np.log(p) - np.log1p(-p)


def sigmoid_and_softmax(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same logits read two ways: K independent sigmoids, or one softmax over the K."""
    z = np.asarray(logits, np.float64)
    sigmoid = 1 / (1 + np.exp(-z))
    shifted = np.exp(z - z.max(axis=-1, keepdims=True))
    return sigmoid, shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass
class ThresholdReport:
    """Yes/no decisions from sigmoid probabilities at one threshold, scored on the test set."""

    threshold: float
    decisions: np.ndarray  # (n, K) 0/1
    exact_match: float  # every label of an example right
    hamming_accuracy: float  # share of single label decisions right
    precision: float  # micro-averaged over labels
    recall: float
    f1: float
    per_label: list[dict]  # one row per label: name, precision, recall, predicted yes, truly yes


def threshold_sweep(probabilities: np.ndarray, y_true: np.ndarray, thresholds) -> dict[str, np.ndarray]:
    """Micro precision, recall and exact match at every threshold, in one numpy pass (a chart
    redrawn on every rerun; `threshold_report` scores one threshold in full)."""
    truth = np.asarray(y_true).reshape(len(y_true), -1).astype(bool)
    decisions = np.asarray(probabilities).reshape(len(truth), -1)[None] > np.asarray(thresholds)[:, None, None]
    true_yes = (decisions & truth).sum(axis=(1, 2))
    said_yes, truly_yes = decisions.sum(axis=(1, 2)), truth.sum()
    with np.errstate(divide="ignore", invalid="ignore"):  # no yes at all scores 0, as zero_division=0 does
        precision = np.where(said_yes > 0, true_yes / said_yes, 0.0)
        recall = np.where(truly_yes > 0, true_yes / max(truly_yes, 1), 0.0)
    return {"precision": precision, "recall": recall, "exact_match": (decisions == truth).all(axis=2).mean(axis=1)}


def threshold_report(probabilities: np.ndarray, y_true: np.ndarray, threshold: float,
                     label_names) -> ThresholdReport:
    """Score decisions `p > threshold` (as Keras's accuracy does) with scikit-learn.

    Lower thresholds say yes more often: recall goes up, precision down.

    Works for one sigmoid (binary) and for K (multi-label): each column is its own yes/no question,
    and the micro averages pool every single decision.
    """
    from sklearn.metrics import hamming_loss, precision_recall_fscore_support

    truth = np.asarray(y_true).reshape(len(y_true), -1).astype(int)
    decisions = (np.asarray(probabilities).reshape(len(truth), -1) > threshold).astype(int)

    def scores(t, d):
        return precision_recall_fscore_support(t, d, average="binary", zero_division=0)[:3]

    precision, recall, f1 = scores(truth.ravel(), decisions.ravel())
    per_label = []
    for k, name in enumerate(label_names):
        label_precision, label_recall, _ = scores(truth[:, k], decisions[:, k])
        per_label.append({"label": str(name), "precision": float(label_precision), "recall": float(label_recall),
                          "predicted yes": int(decisions[:, k].sum()), "truly yes": int(truth[:, k].sum())})
    return ThresholdReport(float(threshold), decisions, float((decisions == truth).all(axis=1).mean()),
                           float(1 - hamming_loss(truth.ravel(), decisions.ravel())), float(precision),
                           float(recall), float(f1), per_label)
