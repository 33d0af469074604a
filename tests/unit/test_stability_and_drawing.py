"""Issue 4's engine pieces: naive vs stable softmax numbers, and the drawing preprocessing."""

import numpy as np
import pytest

from nnplay.labs.inspector.drawing import centre_of_mass, to_mnist
from nnplay.labs.inspector.stability import (
    compare,
    loss_text,
    naive_softmax,
    round_off_example,
    stable_log_softmax,
    why_naive_failed,
)

LOGITS = np.array([2.0, 1.0, 0.1], np.float32)


def test_small_logits_agree():
    result = compare(LOGITS, true_class=0, scale=1)
    assert result.naive_probabilities.sum() == pytest.approx(1.0, abs=1e-6)
    assert result.naive_loss == pytest.approx(result.stable_loss, rel=1e-5)


def test_large_logits_break_the_naive_way_but_not_the_stable_one():
    result = compare(LOGITS, true_class=0, scale=1000)  # logits 2000, 1000, 100: exp overflows float32
    assert not np.isfinite(result.naive_loss)
    assert np.isnan(result.naive_probabilities).any()
    assert result.stable_loss == pytest.approx(0.0, abs=1e-6)  # class 0 wins by 1000: loss ~ e^-1000
    wrong = compare(LOGITS, true_class=2, scale=1000)
    assert wrong.stable_loss == pytest.approx(1900.0, rel=1e-6)  # exactly z_0 - z_2


def test_stable_log_softmax_matches_keras():
    import keras

    z = np.array([[50.0, -3.0, 7.5], [0.0, 0.0, 0.0]], np.float32)
    np.testing.assert_allclose(stable_log_softmax(z), np.asarray(keras.ops.log_softmax(z, axis=-1)), atol=1e-5)
    np.testing.assert_allclose(naive_softmax(z).sum(axis=-1), 1.0, atol=1e-6)


def test_round_off_example():
    numbers = round_off_example()
    assert numbers["direct float32"] == pytest.approx(0.0002, rel=1e-6)
    roundabout_error = abs(numbers["roundabout float32"] - numbers["exact"]) / numbers["exact"]
    assert roundabout_error > 1e-4  # the roundabout way loses digits in float32
    assert abs(numbers["roundabout float64"] - numbers["exact"]) < 1e-15


def test_a_stroke_lands_centred_in_28_by_28():
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[30:90, 200:215, 3] = 255  # a short vertical bar in the top-right corner
    image = to_mnist(canvas)
    assert image.shape == (28, 28) and image.dtype == np.float32
    assert 0.0 <= image.min() and image.max() <= 1.0
    y, x = centre_of_mass(image)
    assert abs(y - 13.5) <= 1.0 and abs(x - 13.5) <= 1.0
    rows = np.nonzero(image.max(axis=1) > 0.1)[0]
    assert 18 <= rows.max() - rows.min() + 1 <= 21  # the longer side scaled to about 20 pixels


def test_an_empty_canvas_gives_none():
    assert to_mnist(np.zeros((100, 100, 4), np.uint8)) is None


def test_a_broken_loss_is_shown_as_the_value_that_came_out():
    """Issue 10: the naive loss showed as "None" while the text spoke of inf/NaN."""
    assert [loss_text(v) for v in (float("nan"), float("inf"), -float("inf"), 0.25, 1900.0, -0.0)] == [
        "NaN", "inf", "-inf", "0.25", "1900", "0"]
    nan = compare(LOGITS, true_class=0, scale=1000)  # the true class's own e^z overflows: inf / inf
    assert loss_text(nan.naive_loss) == "NaN" and "inf ÷ inf is NaN" in why_naive_failed(nan, 0)
    inf = compare(np.array([2.0, 1.0, 0.05], np.float32), true_class=2, scale=1000)  # e^50 / inf = 0
    assert loss_text(inf.naive_loss) == "inf" and r"$-\log 0$ = inf" in why_naive_failed(inf, 2)
    # Two logits just under the overflow point: each e^z is finite, their sum is not.
    close = compare(np.array([88.5, 88.5, 0.0], np.float32), true_class=2, scale=1)
    assert loss_text(close.naive_loss) == "inf" and "the sum" in why_naive_failed(close, 2)
    # No overflow at all: the true class's e^z underflows to 0.
    under = compare(np.array([10.0, -200.0], np.float32), true_class=1, scale=1)
    assert loss_text(under.naive_loss) == "inf" and "underflowed to 0" in why_naive_failed(under, 1)
    assert why_naive_failed(compare(LOGITS, 0, 1), 0) == ""
