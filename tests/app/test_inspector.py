"""The Softmax Inspector under AppTest: trains the course's MNIST model in place and inspects it."""

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import SHARED_MNIST

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "2_Softmax_Inspector.py")


@pytest.fixture
def real_mnist(monkeypatch):
    if not SHARED_MNIST.is_dir():
        pytest.skip(f"real MNIST test set not found at {SHARED_MNIST}")
    from nnplay.datasets import clear_mnist_cache

    monkeypatch.setenv("NNPLAY_MNIST_DIR", str(SHARED_MNIST))
    clear_mnist_cache()
    yield
    clear_mnist_cache()


def test_without_a_model_it_offers_the_course_network():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert any("25 ReLU" in i.value for i in at.info)


def test_trains_the_course_model_and_shows_probabilities(real_mnist):
    at = AppTest.from_file(PAGE, default_timeout=240).run()
    next(b for b in at.button if b.label == "Train the course's MNIST model").click().run()
    assert not at.exception, at.exception
    accuracy = float(next(m for m in at.metric if m.label == "Test accuracy").value)
    assert accuracy > 0.8
    trainer = at.session_state["inspector_trainer"]
    assert [layer.units for layer in trainer.model.layers] == [25, 15, 10]
    # The probabilities chart's title states their sum: 1.
    at.number_input[0].set_value(5).run()
    assert not at.exception
    # Scaling the logits by 1000 breaks the naive computation, never the stable one.
    at.select_slider[0].set_value(1000).run()
    assert not at.exception
    assert any("overflowed" in e.value for e in at.error)
