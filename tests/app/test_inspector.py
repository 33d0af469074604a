"""The Softmax Inspector under AppTest: trains its models in place and inspects them."""

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnplay.ui.inspector import IN_PLACE
from tests.conftest import SHARED_MNIST

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "2_Softmax_Inspector.py")
MNIST_CHOICE, MULTILABEL_CHOICE = list(IN_PLACE)


@pytest.fixture
def real_mnist(monkeypatch):
    if not SHARED_MNIST.is_dir():
        pytest.skip(f"real MNIST test set not found at {SHARED_MNIST}")
    from nnplay.datasets import clear_mnist_cache

    monkeypatch.setenv("NNPLAY_MNIST_DIR", str(SHARED_MNIST))
    clear_mnist_cache()
    yield
    clear_mnist_cache()


def chart_titles(at) -> list[str]:
    """Titles of the plotly charts on the page (AppTest exposes them as unknown elements with a spec)."""
    titles = []
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        titles.append(spec.get("layout", {}).get("title", {}).get("text", ""))
    return titles


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_without_a_model_it_offers_both_in_place_models():
    at = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not at.exception
    assert any("25 ReLU" in m.value for m in at.markdown)
    assert at.radio(key="inspector_source").options == list(IN_PLACE)
    at.radio(key="inspector_source").set_value(MULTILABEL_CHOICE).run()
    assert button(at, "Train the multi-label toy model")


def test_trains_the_course_model_and_shows_probabilities(real_mnist):
    at = AppTest.from_file(PAGE, default_timeout=240).run()
    button(at, "Train the course's MNIST model").click().run()
    assert not at.exception, at.exception
    accuracy = float(next(m for m in at.metric if m.label == "Test accuracy").value)
    assert accuracy > 0.8
    trainer = at.session_state["inspector_trainers"][MNIST_CHOICE]
    assert [layer.units for layer in trainer.model.layers] == [25, 15, 10]
    # The probabilities chart's title states their sum: 1.
    assert any(t.startswith("softmax probabilities — sum = 1.0000") for t in chart_titles(at))
    at.number_input(key="inspector_index").set_value(5).run()
    assert not at.exception
    # The canvas is there, waiting for a drawing.
    assert any("Draw a digit in the box" in i.value for i in at.info)
    # Scaling the logits by 1000 breaks the naive computation, never the stable one.
    next(s for s in at.select_slider if s.label.startswith("Scale the logits")).set_value(1000).run()
    assert not at.exception
    assert any("overflowed" in e.value for e in at.error)


def test_multilabel_model_sigmoids_threshold_and_picking_a_point():
    at = AppTest.from_file(PAGE, default_timeout=240).run()
    at.radio(key="inspector_source").set_value(MULTILABEL_CHOICE).run()
    button(at, "Train the multi-label toy model").click().run()
    assert not at.exception, at.exception
    titles = chart_titles(at)
    assert any(t.startswith("3 sigmoids — sum = ") for t in titles)
    assert any(t == "softmax of the same logits — sum = 1.000" for t in titles)

    # Picking by coordinates snaps to the nearest test point.
    trainer = at.session_state["inspector_trainers"][MULTILABEL_CHOICE]
    points = trainer.data.points_test
    at.number_input(key="inspector_x1").set_value(2.0).run()
    at.number_input(key="inspector_x2").set_value(-3.0).run()
    expected = int(np.argmin(np.hypot(points[:, 0] - 2.0, points[:, 1] + 3.0)))
    assert at.number_input(key="inspector_index").value == expected
    assert any(f"point ({points[expected, 0]:.2f}, {points[expected, 1]:.2f})" in m.value for m in at.markdown)

    # A lower threshold says yes more often: recall can only rise, precision shows the cost.
    def recall():
        return float(next(m for m in at.metric if m.label == "recall").value)

    at_half = recall()
    at.select_slider(key="inspector_threshold").set_value(0.1).run()
    assert not at.exception
    assert recall() >= at_half
    assert at.dataframe[0].value.shape[0] == 3  # one row per label


def test_inspects_the_playground_binary_model():
    from dataclasses import replace

    from nnplay.config import HiddenLayer, default_config
    from nnplay.datasets import load_dataset
    from nnplay.training import Trainer
    from nnplay.ui.inspector import PLAYGROUND

    config = replace(default_config("binary"), dataset="circle", hidden=(HiddenLayer(6, "relu"),),
                     optimizer="adam", learning_rate=0.03, epochs=30, n_samples=200)
    trainer = Trainer(config, load_dataset(config))
    trainer.run_to_end()
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["trainer"] = trainer  # what the Playground page leaves in the session
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="inspector_source").value == PLAYGROUND
    titles = chart_titles(at)
    # One sigmoid output, read as a two-class softmax over (0, z).
    assert any(t.startswith("sigmoid: P(1) = σ(z)") for t in titles)
    assert any(t.startswith("softmax over logits (0, z)") for t in titles)
    assert any(h.value == "Confusion matrix" for h in at.header)
    # Choosing a confusion cell lists its examples.
    at.selectbox(key="inspector_true").set_value(1).run()
    at.selectbox(key="inspector_predicted").set_value(1).run()
    assert any(c.value.endswith("are 1 predicted as 1.") for c in at.caption)
