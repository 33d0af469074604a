"""Per-example predictions: losses, gallery order, confusion cells."""

import numpy as np
import pytest

from nnplay.config import default_config
from nnplay.predictions import gallery_order, in_cell, per_class_accuracy, predictions_for, top_k

LOGITS = np.array([[5.0, 0.0, 0.0], [0.0, 9.0, 0.0], [0.0, 0.0, 1.0], [0.2, 0.0, 0.1]], np.float32)
TRUE = np.array([0, 0, 2, 1])  # example 1 is a confident mistake, example 3 a hesitant one


def test_loss_is_minus_log_probability_of_the_true_class():
    p = predictions_for(default_config("multiclass"), LOGITS, TRUE)
    np.testing.assert_allclose(p.probabilities.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(p.loss, -np.log(p.probabilities[np.arange(4), TRUE]), rtol=1e-5)
    assert list(p.correct) == [True, False, True, False]


def test_most_confident_mistakes_come_first():
    p = predictions_for(default_config("multiclass"), LOGITS, TRUE)
    assert list(gallery_order(p, mistakes_only=True, most_confident_mistakes_first=True)) == [1, 3]
    assert list(gallery_order(p, most_confident_mistakes_first=True))[:2] == [1, 3]
    assert list(gallery_order(p)) == [0, 1, 2, 3]


def test_cells_top_k_and_per_class_accuracy():
    p = predictions_for(default_config("multiclass"), LOGITS, TRUE)
    assert list(in_cell(p, 0, 1)) == [1]
    assert [c for c, _ in top_k(p.probabilities[1])] == [1, 0, 2]
    np.testing.assert_allclose(per_class_accuracy(p, 3), [0.5, 0.0, 1.0])


def test_sigmoid_outputs_need_not_sum_to_one():
    p = predictions_for(default_config("multilabel"), np.array([[0.9, 0.8, 0.7]], np.float32),
                        np.array([[1, 1, 0]]))
    assert p.probabilities.sum() == pytest.approx(2.4)
    assert list(p.predicted[0]) == [1, 1, 1] and not p.correct[0]
