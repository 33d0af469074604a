"""The Activation Lab under AppTest: curves and softmax react to their widgets, the linear-vs-ReLU
button trains both networks once and folds the linear one, the gradient story is told."""

import base64
import json
import re
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from nnplay.ui.state import ACTIVATION_COMPARISON
from tests.app.playground import wait_for_the_run

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "4_Activation_Lab.py")
COMPARISON_KEY = ACTIVATION_COMPARISON.name


def _charts(at) -> int:
    return len(at.get("plotly_chart"))


def _figure(at, index: int) -> dict:
    """The plotly figure of the index-th chart, as the page sent it."""
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def _bar_heights(figure: dict) -> np.ndarray:
    y = figure["data"][0]["y"]
    if isinstance(y, dict):  # plotly sends numpy arrays base64-encoded
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return np.asarray(y, dtype=float)


def _markdown_with(at, text: str) -> str:
    return next(m.value for m in at.markdown if text in m.value)


def test_curves_softmax_and_gradients_without_training():
    at = AppTest.from_file(PAGE, default_timeout=240).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Activation Lab"
    # Curves, softmax bars, gradient norms; no boundaries before the button is pressed.
    assert _charts(at) == 3
    assert any("Train linear vs ReLU" in i.value for i in at.info)
    assert at.multiselect[0].value == ["sigmoid", "tanh", "relu"]
    story = _markdown_with(at, "smaller** with sigmoid than with ReLU")
    assert float(re.search(r"\*\*([\d,]+)× smaller", story).group(1).replace(",", "")) > 100

    # Every activation's caption appears for what is picked; none picked → a hint, no curve chart.
    at.multiselect[0].set_value(["gelu", "leaky_relu"]).run()
    assert not at.exception
    assert any("GELU" in m.value for m in at.markdown) and any("leaky ReLU" in m.value for m in at.markdown)
    at.multiselect[0].set_value([]).run()
    assert any("Pick at least one activation" in i.value for i in at.info)
    assert _charts(at) == 2

    # Softmax of an edited vector: equal logits → equal probabilities, still summing to one.
    at.number_input(key="logit_0").set_value(1.0).run()
    at.number_input(key="logit_1").set_value(1.0).run()
    at.number_input(key="logit_2").set_value(1.0).run()
    at.number_input(key="logit_3").set_value(1.0).run()
    assert not at.exception
    assert "Sum of the probabilities: **1.000000**" in _markdown_with(at, "Sum of the probabilities")
    bars = _figure(at, 0)
    np.testing.assert_allclose(_bar_heights(bars), 0.25, rtol=1e-6)
    assert "sum = 1.000000" in bars["layout"]["title"]["text"]
    # Fewer logits: one input per logit.
    k_input = next(n for n in at.number_input if n.label == "How many logits (K)")
    k_input.set_value(2).run()
    assert not at.exception
    assert len([n for n in at.number_input if n.label.startswith("z")]) == 2


def test_train_linear_vs_relu_once_then_keep_the_results():
    at = AppTest.from_file(PAGE, default_timeout=300).run()
    epochs = next(s for s in at.select_slider if s.label == "Epochs")
    epochs.set_value(50).run()
    wait_for_the_run(next(b for b in at.button if b.label == "Train linear vs ReLU").click().run())
    assert not at.exception, at.exception

    comparison = at.session_state[COMPARISON_KEY]
    accuracy = {name: run.accuracy for name, run in comparison.runs.items()}
    assert accuracy["linear"] < 0.8 < 0.9 < accuracy["relu"]
    assert _charts(at) == 5  # curves, softmax, two boundaries, gradients
    difference = next(m for m in at.metric if m.label.startswith("Largest difference"))
    assert float(difference.value) < 1e-5
    assert any("A stack of linear layers is one linear layer" in m.value for m in at.markdown)
    assert comparison.settings.units == (8, 8) and comparison.settings.epochs == 50
    fold = comparison.fold
    assert fold.weights.shape == (2, 1) and fold.output_activation == "sigmoid"

    # Another widget change reruns the page without training again: the same results are shown.
    at.toggle[0].set_value(False).run()  # P(1) as a gradient instead of the 0/1 decision
    assert not at.exception
    at.multiselect[0].set_value(["relu"]).run()
    assert at.session_state[COMPARISON_KEY].fold is fold
    assert _charts(at) == 5
    # New settings: the last run stays on screen, with a note.
    next(s for s in at.slider if s.label == "Hidden layers").set_value(3).run()
    assert any("Showing the last run" in c.value for c in at.caption)
    assert at.session_state[COMPARISON_KEY].fold is fold
