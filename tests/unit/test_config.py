"""PlaygroundConfig: task rules, caps, validation messages, JSON round trip."""

from dataclasses import replace

import pytest

from nnplay.config.catalog import OPTIMIZERS, TASKS, datasets_for
from nnplay.config.schema import (
    CAPS,
    ConfigError,
    HiddenLayer,
    PlaygroundConfig,
    config_from_json,
    count_params,
    default_config,
    is_valid,
    validate,
    with_optimizer,
    with_task,
)


def test_default_is_tf_playground_default_problem():
    config = PlaygroundConfig()
    validate(config)
    assert (config.task, config.dataset, config.n_samples, config.train_fraction) == ("binary", "circle", 500, 0.5)
    assert [(layer.units, layer.activation) for layer in config.hidden] == [(4, "tanh"), (2, "tanh")]
    assert (config.optimizer, config.learning_rate, config.batch_size) == ("sgd", 0.03, 10)


@pytest.mark.parametrize("task", list(TASKS))
def test_every_task_default_is_valid(task):
    validate(default_config(task))


@pytest.mark.parametrize(
    "task, output_activation, loss, logits",
    [
        ("binary", "linear", "BinaryCrossentropy", True),
        ("multiclass", "linear", "SparseCategoricalCrossentropy", True),
        ("multilabel", "sigmoid", "BinaryCrossentropy", False),
        ("regression", "linear", "MeanSquaredError", False),
        ("regression_nonneg", "relu", "MeanSquaredError", False),
    ],
)
def test_task_sets_output_and_loss(task, output_activation, loss, logits):
    config = with_task(PlaygroundConfig(), task)
    assert config.output_activation == output_activation
    assert config.rule.loss == loss
    assert config.uses_logits is logits


def test_probabilities_output_uses_the_task_activation():
    assert replace(default_config("multiclass"), from_logits=False).output_activation == "softmax"
    assert replace(default_config("binary"), from_logits=False).output_activation == "sigmoid"


def test_from_logits_cannot_reach_tasks_without_logits():
    # A stray from_logits=True on regression changes nothing: the task decides.
    config = replace(default_config("regression"), from_logits=True)
    assert config.output_activation == "linear" and not config.uses_logits


def test_switching_task_switches_dataset_list():
    config = with_task(PlaygroundConfig(), "multiclass")
    assert config.dataset in datasets_for("multiclass")
    back = with_task(config, "binary")
    assert back.dataset in datasets_for("binary") and back.from_logits


def test_switching_to_regression_keeps_a_valid_config():
    for task in TASKS:
        validate(with_task(replace(PlaygroundConfig(), dataset="mnist"), task))


def test_errors_name_field_value_and_range():
    with pytest.raises(ConfigError) as err:
        validate(replace(PlaygroundConfig(), learning_rate=50.0, epochs=0))
    text = str(err.value)
    assert "learning_rate = 50.0" in text and "1e-06 to 10" in text
    assert "epochs = 0" in text and "1 to 2000" in text
    assert {name for name, _, _ in err.value.problems} == {"learning_rate", "epochs"}


def test_layer_caps():
    too_many = tuple(HiddenLayer(2, "relu") for _ in range(CAPS["hidden_layers"][1] + 1))
    with pytest.raises(ConfigError, match="hidden"):
        validate(replace(PlaygroundConfig(), hidden=too_many))
    with pytest.raises(ConfigError, match=r"hidden\[0\].units = 9999"):
        validate(replace(PlaygroundConfig(), hidden=(HiddenLayer(9999, "relu"),)))
    with pytest.raises(ConfigError, match=r"hidden\[0\].activation = 'softmax'"):
        validate(replace(PlaygroundConfig(), hidden=(HiddenLayer(4, "softmax"),)))


def test_total_parameter_cap():
    big = replace(default_config("multiclass"), dataset="mnist", hidden=(HiddenLayer(256, "relu"),) * 6)
    assert count_params(big) > CAPS["total_params"][1]
    with pytest.raises(ConfigError, match="total_params"):
        validate(big)


def test_count_params_matches_course_network():
    config = replace(default_config("multiclass"), dataset="mnist",
                     hidden=(HiddenLayer(25, "relu"), HiddenLayer(15, "relu")))
    assert count_params(config) == 785 * 25 + 26 * 15 + 16 * 10  # 20,175 + 390 + 160


@pytest.mark.parametrize(
    "change",
    [
        {"dataset": "blobs"},  # not a binary dataset
        {"n_samples": 5},
        {"noise": float("nan")},
        {"train_fraction": 1.0},
        {"features": ()},
        {"features": ("x1", "x1")},
        {"features": ("cosx1",)},
        {"digits": (3, 3)},
        {"optimizer": "lbfgs"},
        {"momentum": 1.5},
        {"batch_size": -1},
        {"regularization": "dropout"},
        {"seed": -1},
        {"epochs": True},
    ],
)
def test_invalid_values_are_refused(change):
    assert not is_valid(replace(PlaygroundConfig(), **change))


def test_csv_without_a_target_yet_is_a_valid_setup():
    """Choosing "Your own CSV" comes before the upload, and the target comes from the file's columns."""
    config = replace(PlaygroundConfig(), dataset="csv")
    validate(config)
    validate(replace(config, csv_targets=("label",)))
    with pytest.raises(ConfigError, match="exactly one target"):
        validate(replace(config, csv_targets=("a", "b")))


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"hidden": [{"units": True, "activation": "relu"}]}, "hidden[0].units",
         "Layer 1 units must be a whole number; it is true"),
        ({"hidden": [{"units": 1e400, "activation": "relu"}]}, "hidden[0].units", "it is Infinity"),
        ({"hidden": [{"units": float("inf"), "activation": "relu"}]}, "hidden[0].units", "whole number"),
        ({"hidden": [{"units": 8.0, "activation": "relu"}]}, "hidden[0].units", "whole number"),
        ({"hidden": [{"units": 8}]}, "hidden[0]", "units"),
        ({"hidden": "8relu"}, "hidden", "list"),
        ({"digits": [3.9, 8]}, "digits", "Digits must be a list of whole numbers"),
        ({"digits": [True, 8]}, "digits", "whole numbers"),
        ({"epochs": 10.5}, "epochs", "Epochs must be a whole number; it is 10.5"),
        ({"epochs": True}, "epochs", "whole number"),
        ({"n_samples": 1e400}, "n_samples", "Samples must be a whole number; it is Infinity"),
        ({"learning_rate": "0.1"}, "learning_rate", 'Learning rate must be a number; it is "0.1"'),
        ({"learning_rate": 10 ** 400}, "learning_rate", "Learning rate must be a number; it is Infinity"),
        ({"learning_rate": float("nan")}, "learning_rate", "Learning rate must be a number"),
        ({"from_logits": 1}, "from_logits", "true/false"),
        ({"task": ["binary"]}, "task", "Task must be a text"),
        ({"features": "x1"}, "features", "list"),
        ({"csv_targets": [1]}, "csv_targets", "list of texts"),
    ],
)
def test_a_config_file_of_the_wrong_kinds_is_refused_not_coerced(data, field, words):
    """JSON true is not 1, 3.9 is not 3, and 1e400 (JSON's Infinity) must not crash the loader."""
    with pytest.raises(ConfigError) as error:
        PlaygroundConfig.from_dict(data)
    assert field in str(error.value)
    assert words in error.value.explained()


def test_a_config_file_with_an_endless_number_is_refused_not_a_crash():
    # A float cannot hold the first; Python will not even read the second.
    for digits, words in ((400, "Learning rate must be a number; it is Infinity"),
                          (5000, "numbers of a sensible size")):
        with pytest.raises(ConfigError) as error:
            config_from_json('{"learning_rate": 1' + "0" * digits + "}")
        assert words in error.value.explained()


def test_refusals_are_explained_in_a_learners_words():
    wide = replace(PlaygroundConfig(), dataset="mnist", task="multiclass",
                   hidden=(HiddenLayer(256, "relu"), HiddenLayer(256, "relu"), HiddenLayer(256, "relu")))
    with pytest.raises(ConfigError) as error:
        validate(wide)
    text = error.value.explained()
    assert "This network would have" in text and "weights and biases" in text and "the limit here is 300,000" in text
    assert "fewer or smaller layers" in text and "total_params" not in text
    assert error.value.fields == ("total_params",)
    with pytest.raises(ConfigError) as error:
        PlaygroundConfig.from_dict({"[click](https://evil.example)": 1})
    assert error.value.explained() == "There is no setting called '[click](https://evil.example)'."


def test_json_round_trip():
    config = replace(default_config("multilabel"), hidden=(HiddenLayer(8, "relu"),), reg_rate=0.01, regularization="l2")
    assert PlaygroundConfig.from_dict(config.to_dict()) == config


def test_from_dict_rejects_unknown_and_bad_fields():
    with pytest.raises(ConfigError, match="bogus"):
        PlaygroundConfig.from_dict({"bogus": 1})
    with pytest.raises(ConfigError, match="learning_rate"):
        PlaygroundConfig.from_dict({"learning_rate": -1})
    with pytest.raises(ConfigError):
        PlaygroundConfig.from_dict({"hidden": [{"units": "many"}]})


def test_with_optimizer_takes_its_usual_learning_rate():
    config = with_optimizer(PlaygroundConfig(), "adam")
    assert config.optimizer == "adam" and config.learning_rate == OPTIMIZERS["adam"].default_lr


def test_switching_a_multilabel_csv_to_regression_keeps_one_target():
    config = replace(default_config("multilabel"), dataset="csv", csv_targets=("a", "b"))
    validate(config)
    regression = with_task(config, "regression")
    assert regression.csv_targets == ("a",)
    validate(regression)


def test_csv_column_names_must_fit_in_a_link():
    assert not is_valid(replace(PlaygroundConfig(), dataset="csv", csv_targets=("bad\ud800",)))


def test_data_can_push_a_csv_config_over_the_parameter_cap():
    from nnplay.config.schema import check_fits_data

    config = replace(PlaygroundConfig(), dataset="csv", csv_targets=("y",), hidden=(HiddenLayer(256, "relu"),) * 5)
    check_fits_data(config, 2, 1)
    with pytest.raises(ConfigError, match="100 inputs"):
        check_fits_data(replace(config, hidden=(HiddenLayer(256, "relu"),) * 6), 100, 1)


def test_the_output_is_described_as_the_course_teaches_it():
    """With from_logits=True the output layer is linear, and the sigmoid/softmax lives in the loss."""
    binary = PlaygroundConfig()
    assert binary.output_activation == "linear"
    assert binary.output_summary == "linear logits, sigmoid inside the loss (from_logits=True)"
    assert replace(binary, from_logits=False).output_summary == "sigmoid"
    assert default_config("multiclass").output_summary == "linear logits, softmax inside the loss (from_logits=True)"
    assert default_config("multilabel").output_summary == "one sigmoid per label"
    assert default_config("regression").output_summary == "linear"
    assert default_config("regression_nonneg").output_summary == "relu"
