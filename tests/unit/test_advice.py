"""The classic mistakes each produce advice naming the field; a sound config gets none of them."""

from dataclasses import replace

from nnplay.config.advice import advice, output_loss_mismatch
from nnplay.config.schema import HiddenLayer, PlaygroundConfig, default_config


def fields_warned(config):
    return {item.field for item in advice(config) if item.level == "warning"}


def test_default_config_has_no_warnings():
    assert fields_warned(PlaygroundConfig()) == set()


def test_linear_hidden_layers_collapse():
    config = replace(PlaygroundConfig(), hidden=(HiddenLayer(4, "linear"), HiddenLayer(4, "linear")))
    warned = fields_warned(config)
    assert {"hidden[0].activation", "hidden[1].activation", "hidden"} <= warned
    assert any("linear model" in item.message for item in advice(config))


def test_one_linear_layer_is_flagged_next_to_it():
    config = replace(PlaygroundConfig(), hidden=(HiddenLayer(4, "relu"), HiddenLayer(4, "linear")))
    assert "hidden[1].activation" in fields_warned(config)
    assert "hidden[0].activation" not in fields_warned(config)


def test_softmax_output_with_from_logits_is_the_double_squash():
    assert "twice" in output_loss_mismatch("softmax", True)
    assert output_loss_mismatch("linear", True) is None
    assert output_loss_mismatch("softmax", False) is None


def test_multiclass_probabilities_output_mentions_stability():
    items = advice(replace(default_config("multiclass"), from_logits=False))
    assert any(item.field == "from_logits" and "stable" in item.message for item in items)


def test_deep_sigmoid_stack():
    config = replace(PlaygroundConfig(), hidden=(HiddenLayer(4, "sigmoid"),) * 4)
    assert "hidden" in fields_warned(config)


def test_learning_rate_far_too_large_for_the_optimizer():
    assert "learning_rate" in fields_warned(replace(PlaygroundConfig(), optimizer="adam", learning_rate=1.0))
    # 1.0 is a normal rate for plain SGD.
    assert "learning_rate" not in fields_warned(replace(PlaygroundConfig(), learning_rate=1.0))


def test_no_hidden_layer_on_circle():
    assert "hidden" in fields_warned(replace(PlaygroundConfig(), hidden=()))
    # x1² and x2² make the circle linearly separable, as in TF Playground.
    assert "hidden" not in fields_warned(replace(PlaygroundConfig(), hidden=(), features=("x1", "x2", "x1sq", "x2sq")))


def test_strong_regularisation():
    assert "reg_rate" in fields_warned(replace(PlaygroundConfig(), regularization="l2", reg_rate=1.0))
