"""Per-example predictions: losses, gallery order, confusion cells."""

import numpy as np
import pytest

from nnplay.config.schema import default_config
from nnplay.labs.inspector.predictions import (
    gallery_order,
    in_cell,
    per_class_accuracy,
    predictions_for,
    top_k,
)

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


# ------------------------------------------------------------------ picking, sigmoids, thresholds
from dataclasses import replace  # noqa: E402

from nnplay.labs.inspector.predictions import (  # noqa: E402
    logits_of,
    nearest_point,
    sigmoid_and_softmax,
    threshold_report,
)


def test_nearest_point_picks_the_closest_test_point():
    points = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 4.0]])
    assert nearest_point(points, 2.6, 0.7) == 1
    assert nearest_point(points, -5.0, 5.0) == 2


def test_logits_are_recovered_from_sigmoid_and_softmax_outputs():
    z = np.array([[2.0, -1.0, 0.5]])
    sigmoid_config = replace(default_config("multilabel"), from_logits=False)
    np.testing.assert_allclose(logits_of(sigmoid_config, 1 / (1 + np.exp(-z))), z, rtol=1e-6)
    softmax_config = replace(default_config("multiclass"), from_logits=False)
    recovered = logits_of(softmax_config, np.exp(z) / np.exp(z).sum())
    np.testing.assert_allclose(recovered - recovered.max(), z - z.max(), atol=1e-9)  # up to a constant


def test_sigmoids_need_not_sum_to_one_softmax_does():
    sigmoid, softmax = sigmoid_and_softmax(np.array([3.0, 2.0, 4.0]))
    assert sigmoid.sum() > 2.5  # three labels all likely at once
    assert softmax.sum() == pytest.approx(1.0)
    # One sigmoid is the softmax of (0, z).
    single, pair = sigmoid_and_softmax(np.array([0.0, 1.3]))
    assert single[1] == pytest.approx(pair[1])


def test_threshold_trades_precision_for_recall():
    probabilities = np.array([[0.9, 0.2], [0.4, 0.7], [0.6, 0.55], [0.3, 0.1]])
    truth = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    at_half = threshold_report(probabilities, truth, 0.5, ["a", "b"])
    # Decisions at 0.5: [1,0], [0,1], [1,1], [0,0] → 6 of 8 single decisions right, 2 of 4 rows exact.
    assert at_half.hamming_accuracy == pytest.approx(6 / 8)
    assert at_half.exact_match == pytest.approx(2 / 4)
    assert at_half.precision == pytest.approx(3 / 4) and at_half.recall == pytest.approx(3 / 4)
    low = threshold_report(probabilities, truth, 0.1, ["a", "b"])
    assert low.recall == 1.0 and low.precision < at_half.precision
    assert [row["truly yes"] for row in low.per_label] == [2, 2]
    # Binary: one column of probabilities and a flat label vector.
    binary = threshold_report(probabilities[:, :1], truth[:, 0], 0.5, ["class 1"])
    assert binary.hamming_accuracy == binary.exact_match == pytest.approx(2 / 4)  # 1,0,1,0 vs 1,1,0,0


def test_threshold_sweep_agrees_with_scikit_learn_at_every_threshold():
    from nnplay.labs.inspector.predictions import threshold_sweep

    rng = np.random.default_rng(0)
    probabilities, truth = rng.random((50, 3)), rng.random((50, 3)) > 0.6
    thresholds = np.round(np.arange(0.05, 0.96, 0.05), 2)
    sweep = threshold_sweep(probabilities, truth, thresholds)
    for i, t in enumerate(thresholds):
        report = threshold_report(probabilities, truth, t, ["a", "b", "c"])
        assert sweep["precision"][i] == pytest.approx(report.precision)
        assert sweep["recall"][i] == pytest.approx(report.recall)
        assert sweep["exact_match"][i] == pytest.approx(report.exact_match)
