"""Tests for nnplay.config.links: config <-> query params, and TF Playground links."""

from __future__ import annotations

import sys
from dataclasses import fields, replace
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from nnplay.config.catalog import (
    FEATURES,
    OPTIMIZERS,
    REGULARIZATIONS,
    TASKS,
    datasets_for,
    hidden_activations,
    is_toy,
)
from nnplay.config.links import (
    FIELDS,
    decode,
    encode,
    from_query_string,
    normalize,
    to_query_string,
)
from nnplay.config.pasted import parse_shared_link
from nnplay.config.schema import (
    CAPS,
    HiddenLayer,
    PlaygroundConfig,
    is_valid,
    validate,
    with_optimizer,
    with_task,
)
from nnplay.config.tf_playground import from_tf_playground, is_tf_playground_link

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TF_DEFAULT_LINK = (
    "https://playground.tensorflow.org/#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane"
    "&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.80628&showTestData=false"
    "&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false"
    "&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false&problem=classification"
    "&initZero=false&hideText=false"
)


def tf_link(**changes: str) -> str:
    """The TF default link with some hash values replaced."""
    base, _, hash_part = TF_DEFAULT_LINK.partition("#")
    pairs = dict(p.split("=", 1) for p in hash_part.split("&"))
    pairs.update(changes)
    return base + "#" + "&".join(f"{k}={v}" for k, v in pairs.items())


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


def floats_in(cap: str) -> st.SearchStrategy[float]:
    low, high = CAPS[cap]
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def ints_in(cap: str) -> st.SearchStrategy[int]:
    return st.integers(*CAPS[cap])


column_names = st.text(min_size=1, max_size=100)
hidden_layers = st.builds(
    HiddenLayer,
    units=st.one_of(st.integers(1, 16), ints_in("units")),
    activation=st.sampled_from(hidden_activations()),
)


@st.composite
def valid_configs(draw) -> PlaygroundConfig:
    """Any valid config, including values in fields that have no effect (normalize's job)."""
    task = draw(st.sampled_from(list(TASKS)))
    dataset = draw(st.sampled_from(datasets_for(task)))
    if dataset == "csv":
        most = 10 if task == "multilabel" else 1
        csv_targets = draw(st.lists(column_names, min_size=1, max_size=most, unique=True))
    else:  # allowed but meaningless: normalize should drop them
        csv_targets = draw(st.lists(column_names, max_size=3, unique=True))
    config = PlaygroundConfig(
        task=task,
        dataset=dataset,
        n_samples=draw(ints_in("n_samples_toy" if is_toy(dataset) else "n_samples_real")),
        noise=draw(floats_in("noise")),
        train_fraction=draw(floats_in("train_fraction")),
        features=tuple(draw(st.lists(st.sampled_from(list(FEATURES)), min_size=1, unique=True))),
        n_classes=draw(ints_in("n_classes")),
        digits=tuple(draw(st.lists(st.integers(0, 9), min_size=2, max_size=2, unique=True))),
        csv_targets=tuple(csv_targets),
        data_seed=draw(ints_in("seed")),
        hidden=tuple(draw(st.lists(hidden_layers, min_size=0, max_size=CAPS["hidden_layers"][1]))),
        from_logits=draw(st.booleans()),
        optimizer=draw(st.sampled_from(list(OPTIMIZERS))),
        learning_rate=draw(floats_in("learning_rate")),
        momentum=draw(floats_in("momentum")),
        nesterov=draw(st.booleans()),
        beta_1=draw(floats_in("beta")),
        beta_2=draw(floats_in("beta")),
        epsilon=draw(floats_in("epsilon")),
        rho=draw(floats_in("rho")),
        batch_size=draw(ints_in("batch_size")),
        epochs=draw(ints_in("epochs")),
        regularization=draw(st.sampled_from(REGULARIZATIONS)),
        reg_rate=draw(floats_in("reg_rate")),
        seed=draw(ints_in("seed")),
    )
    assume(is_valid(config))  # only the total-parameter cap can fail here
    return config


KNOWN_KEYS = ["v"] + [spec.key for spec in FIELDS]
HOSTILE_TEXT = st.sampled_from([
    "", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "-1", "-0", "0", "1e-400",
    "99999999999999999999999", "1_000", "١٢", "0x10", "1e+3", "1e 3", "full", "none", "None", "true",
    "4tanh,2tanh", "999relu", "4tanh," * 50, "x1,x1", "3,3", ",", "%2C", "💥", "\x00", "a" * 10_000,
    "8relu,8relu,8relu,8relu,8relu,8relu,8relu,8relu", "mnist", "csv", "adam", "logits", "probs",
])
hostile_values = st.one_of(
    HOSTILE_TEXT,
    st.text(max_size=30),
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.one_of(HOSTILE_TEXT, st.text(max_size=10), st.none()), max_size=3),
    st.builds(object),
)
hostile_dicts = st.dictionaries(
    st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=20), st.integers()),
    hostile_values,
    max_size=12,
)


def assert_usable(config: PlaygroundConfig, warnings: list[str]) -> None:
    validate(config)  # raises ConfigError (and fails the test) if not within the caps
    assert isinstance(warnings, list) and all(isinstance(w, str) for w in warnings)


# --------------------------------------------------------------------------
# The table and the round trip
# --------------------------------------------------------------------------


def test_the_table_covers_every_config_field_once():
    assert sorted(spec.name for spec in FIELDS) == sorted(f.name for f in fields(PlaygroundConfig))
    keys = [spec.key for spec in FIELDS]
    assert len(set(keys)) == len(keys) and "v" not in keys


@FAST
@given(valid_configs())
@example(replace(PlaygroundConfig(), dataset="mnist", n_samples=70_000, digits=(7, 1), hidden=()))
@example(replace(with_task(PlaygroundConfig(), "regression"), dataset="csv", csv_targets=("price",)))
def test_decode_encode_round_trips_to_the_normalized_config(config):
    assert decode(encode(config)) == (normalize(config), [])


@FAST
@given(valid_configs())
def test_query_string_and_shared_link_round_trip(config):
    qs = to_query_string(config)
    assert from_query_string(qs) == (normalize(config), [])
    assert from_query_string("?" + qs) == (normalize(config), [])
    assert parse_shared_link(f"https://nnplay.example/Playground?{qs}") == (normalize(config), [])


@FAST
@given(valid_configs())
def test_normalize_keeps_configs_valid_and_is_idempotent(config):
    once = normalize(config)
    validate(once)
    assert normalize(once) == once
    assert encode(once) == encode(config)


@FAST
@given(valid_configs())
def test_encode_writes_the_version_and_every_field_that_matters(config):
    params = encode(config)
    assert params["v"] == "1"
    relevant = {spec.key for spec in FIELDS if spec.relevant(config)}
    assert set(params) == relevant | {"v"}
    # Always there, whatever the config: the link must not depend on today's defaults.
    assert {"task", "data", "n", "split", "dseed", "hidden", "opt", "lr", "batch", "epochs", "reg", "seed"} <= relevant


def test_encode_leaves_out_fields_without_effect():
    adam = with_optimizer(PlaygroundConfig(), "adam")
    params = encode(adam)
    assert {"b1", "b2", "eps"} <= set(params) and not {"mom", "nest", "rho"} & set(params)
    assert "rrate" not in params and "digits" not in params and "csv" not in params and "k" not in params
    mnist = replace(PlaygroundConfig(), dataset="mnist", n_samples=10_000)
    params = encode(mnist)
    assert params["digits"] == "3,8" and "feat" not in params and "noise" not in params
    regression = with_task(PlaygroundConfig(), "regression")
    assert "out" not in encode(regression)
    assert encode(replace(PlaygroundConfig(), regularization="l2", reg_rate=0.001))["rrate"] == "0.001"


def test_default_link_is_short_and_readable():
    qs = to_query_string(PlaygroundConfig())
    assert len(qs) < 300
    assert "hidden=4tanh,2tanh" in qs and "feat=x1,x2" in qs and "%2C" not in qs
    assert "lr=0.03" in qs and "v=1" in qs


def test_mnist_multiclass_link_is_short():
    config = replace(
        with_optimizer(with_task(PlaygroundConfig(), "multiclass"), "adam"),
        dataset="mnist", n_samples=70_000, hidden=(HiddenLayer(128, "relu"), HiddenLayer(64, "relu")),
        batch_size=32, epochs=10,
    )
    validate(config)
    qs = to_query_string(config)
    assert len(qs) < 300
    assert from_query_string(qs) == (config, [])


def test_floats_are_written_exactly_and_briefly():
    config = replace(PlaygroundConfig(), learning_rate=0.1 + 0.2, noise=0.5, train_fraction=0.1)
    params = encode(config)
    assert params["lr"] == "0.30000000000000004" and params["noise"] == "0.5" and params["split"] == "0.1"
    assert encode(replace(PlaygroundConfig(), batch_size=0))["batch"] == "full"
    assert encode(replace(PlaygroundConfig(), hidden=()))["hidden"] == "none"


def test_csv_column_names_with_commas_survive():
    config = replace(with_task(PlaygroundConfig(), "multilabel"), dataset="csv",
                     csv_targets=("a,b", "100%", "x y&z=1", "ü"))
    validate(config)
    assert from_query_string(to_query_string(config)) == (normalize(config), [])
    assert normalize(config).csv_targets == config.csv_targets


# --------------------------------------------------------------------------
# Decode: defaults and warnings
# --------------------------------------------------------------------------


def test_empty_params_give_the_default_config_silently():
    assert decode({}) == (PlaygroundConfig(), [])
    assert decode({"v": "1"}) == (PlaygroundConfig(), [])
    assert from_query_string("") == (PlaygroundConfig(), [])


def test_task_without_dataset_uses_the_task_default():
    config, warnings = decode({"task": "multiclass"})
    assert config == normalize(with_task(PlaygroundConfig(), "multiclass")) and warnings == []
    config, warnings = decode({"task": "regression_nonneg"})
    assert config.dataset in datasets_for("regression_nonneg") and warnings == []


def test_optimizer_without_learning_rate_uses_its_usual_rate():
    config, warnings = decode({"opt": "adam"})
    assert config.learning_rate == OPTIMIZERS["adam"].default_lr and warnings == []


def test_bad_value_warning_names_the_key_and_the_default():
    config, warnings = decode({"lr": "abc"})
    assert config.learning_rate == 0.03
    assert warnings == ["Ignored lr='abc': must be a number from 1e-06 to 10; using 0.03."]


@pytest.mark.parametrize("key, value", [
    ("lr", "nan"), ("lr", "inf"), ("lr", "1e400"), ("lr", "-1"), ("n", "-5"), ("n", "1e3"),
    ("epochs", "0"), ("batch", "-1"), ("hidden", "4tanh,2wat"), ("hidden", "0relu"), ("feat", "x3"),
    ("digits", "3,3"), ("task", "cats"), ("opt", "lbfgs"), ("k", "7"), ("seed", str(2**31)),
    ("noise", "0.6"), ("nest", "maybe"), ("out", "raw"),
])
def test_each_bad_value_falls_back_and_names_its_key(key, value):
    # A setup where every one of these keys has an effect (digits: MNIST binary; k: toy multiclass).
    context = {"opt": "sgd", "data": "mnist", "n": "1000"} if key == "digits" else {"opt": "sgd"}
    if key == "k":
        context["task"] = "multiclass"
    config, warnings = decode({**context, key: value})
    validate(config)
    assert any(key in w for w in warnings), warnings


def test_warnings_about_fields_without_effect_are_dropped():
    assert decode({"opt": "sgd", "b1": "abc"}) == (PlaygroundConfig(), [])
    _, warnings = decode({"opt": "adam", "b1": "abc"})
    assert len(warnings) == 1 and "b1" in warnings[0]


def test_unknown_keys_get_one_warning_naming_them():
    _, warnings = decode({"foo": "1", "bar": "2", "x" * 1000: "3"})
    assert len(warnings) == 1
    assert "'foo'" in warnings[0] and "'bar'" in warnings[0] and len(warnings[0]) < 200


def test_repeated_keys_use_the_first_and_warn():
    config, warnings = from_query_string("lr=0.1&lr=0.2")
    assert config.learning_rate == 0.1
    assert any("lr" in w and "2 times" in w for w in warnings)


def test_unknown_version_warns_but_reads_the_rest():
    config, warnings = decode({"v": "9", "lr": "0.5"})
    assert config.learning_rate == 0.5
    assert len(warnings) == 1 and "v=" in warnings[0]


def test_long_values_are_ignored_unread():
    config, warnings = decode({"lr": "1" * 100_000})
    assert config.learning_rate == 0.03 and "lr" in warnings[0] and len(warnings[0]) < 200


def test_dataset_not_offered_for_the_task_is_repaired():
    config, warnings = decode({"task": "regression", "data": "mnist", "n": "60000"})
    assert config.dataset == "plane" and config.n_samples == 500
    assert any("data" in w for w in warnings) and any("n=" in w for w in warnings)


def test_too_many_samples_for_toy_data_is_repaired():
    config, warnings = decode({"n": "70000"})
    assert config.n_samples == 500 and any("n=" in w for w in warnings)


def test_csv_without_targets_opens_the_csv_setup_with_no_target_yet():
    """The target is chosen from the uploaded file's columns; a link made before the upload has none."""
    config, warnings = decode({"data": "csv"})
    assert config.dataset == "csv" and config.csv_targets == () and warnings == []
    assert "csv" not in encode(config) and decode(encode(config)) == (config, [])


def test_a_target_named_twice_in_a_link_is_kept_once():
    config, warnings = decode({"task": "multilabel", "data": "csv", "csv": "a,a,b"})
    assert config.csv_targets == ("a", "b") and any("repeated" in w for w in warnings)


def test_csv_keeps_one_target_unless_multilabel():
    config, warnings = decode({"task": "regression", "data": "csv", "csv": "price,size"})
    assert config.csv_targets == ("price",) and any("csv" in w for w in warnings)
    config, warnings = decode({"task": "multilabel", "data": "csv", "csv": "a,b"})
    assert config.csv_targets == ("a", "b") and warnings == []


def test_more_than_six_hidden_layers_are_cut():
    config, warnings = decode({"hidden": ",".join(["8relu"] * 8)})
    assert config.hidden == (HiddenLayer(8, "relu"),) * 6
    assert any("hidden" in w for w in warnings)


def test_network_over_the_parameter_cap_gets_the_default_hidden_layers():
    config, warnings = decode({"data": "mnist", "hidden": ",".join(["256relu"] * 6)})
    assert config.hidden == PlaygroundConfig().hidden and any("hidden" in w for w in warnings)


def test_query_string_with_a_plus_sign_exponent_still_reads():
    config, warnings = from_query_string("lr=1e+0")  # '+' arrives as a space
    assert config.learning_rate == 1.0 and warnings == []


# --------------------------------------------------------------------------
# Decode never raises, whatever it gets
# --------------------------------------------------------------------------


@FAST
@given(hostile_dicts)
def test_decode_survives_hostile_dicts(params):
    assert_usable(*decode(params))


@FAST
@given(st.dictionaries(st.sampled_from(KNOWN_KEYS), st.lists(HOSTILE_TEXT, max_size=3), max_size=12))
def test_decode_survives_parse_qs_style_dicts(params):
    assert_usable(*decode(params))


@FAST
@given(st.text(max_size=300))
def test_text_never_breaks_the_readers(text):
    assert_usable(*from_query_string(text))
    assert_usable(*parse_shared_link(text))
    assert_usable(*from_tf_playground(text))
    assert isinstance(is_tf_playground_link(text), bool)


@FAST
@given(st.lists(st.tuples(st.sampled_from(KNOWN_KEYS + ["x", "cosX"]), HOSTILE_TEXT), max_size=10))
def test_query_strings_built_from_hostile_pairs(pairs):
    qs = "&".join(f"{k}={v}" for k, v in pairs)
    assert_usable(*from_query_string(qs))
    assert_usable(*parse_shared_link("https://x.example/?" + qs))
    assert_usable(*from_tf_playground("#" + qs))


@pytest.mark.parametrize("thing", [None, 5, 1.5, b"lr=1", object(), [1, 2], [("lr",)], {"lr": {"a": 1}},
                                   "?" * 100_000, "lr=" + "9" * 10_000, float("nan")])
def test_odd_inputs_never_raise(thing):
    assert_usable(*decode(thing))
    assert_usable(*from_query_string(thing))
    assert_usable(*parse_shared_link(thing))
    assert_usable(*from_tf_playground(thing))


def test_hostile_input_is_cheap():
    import time

    start = time.perf_counter()
    decode({f"k{i}": "x" * 1000 for i in range(2_000)} | {"lr": "1" * 1_000_000})
    parse_shared_link("a=1&" * 4_000)
    assert time.perf_counter() - start < 2


def test_urlstate_imports_nothing_heavy():
    import subprocess

    code = ("import sys, nnplay.config.links; "
            "bad = [m for m in ('tensorflow', 'keras', 'streamlit') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------
# TensorFlow Playground links
# --------------------------------------------------------------------------


def test_tf_default_link():
    config, warnings = from_tf_playground(TF_DEFAULT_LINK)
    assert config.task == "binary" and config.dataset == "circle"
    assert config.hidden == (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh"))
    assert config.learning_rate == 0.03 and config.batch_size == 10 and config.optimizer == "sgd"
    assert config.features == ("x1", "x2") and config.noise == 0 and config.train_fraction == 0.5
    assert config.seed == config.data_seed == 806280
    assert any("MSE" in w and "cross-entropy" in w for w in warnings)
    assert any("seed" in w for w in warnings)
    assert len(warnings) == 2, warnings


@pytest.mark.parametrize("text", [
    TF_DEFAULT_LINK, TF_DEFAULT_LINK.split("#")[1], "#" + TF_DEFAULT_LINK.split("#")[1],
    "http://playground.tensorflow.org/?hl=en#" + TF_DEFAULT_LINK.split("#")[1],
])
def test_tf_link_with_or_without_url_and_hash(text):
    assert is_tf_playground_link(text)
    assert from_tf_playground(text) == from_tf_playground(TF_DEFAULT_LINK)
    assert parse_shared_link(text) == from_tf_playground(TF_DEFAULT_LINK)


def test_tf_cos_features_are_reported():
    config, warnings = from_tf_playground(tf_link(cosX="true", sinY="true", xSquared="true"))
    assert config.features == ("x1", "x2", "x1sq", "sinx2")
    assert any("cosX" in w and "could not be carried over" in w for w in warnings)


def test_tf_only_cos_features_fall_back_to_x1_x2():
    config, warnings = from_tf_playground(tf_link(x="false", y="false", cosY="true"))
    assert config.features == ("x1", "x2") and any("cosY" in w for w in warnings)


def test_tf_too_deep_network_is_clamped():
    config, warnings = from_tf_playground(tf_link(networkShape="8,8,8,8,8,8,8,8"))
    assert config.hidden == (HiddenLayer(8, "tanh"),) * 6
    assert any("networkShape" in w for w in warnings)
    config, warnings = from_tf_playground(tf_link(networkShape="1000,0"))
    assert [layer.units for layer in config.hidden] == [256, 1]
    assert any("networkShape" in w for w in warnings)


def test_tf_empty_network_shape_means_no_hidden_layers():
    config, _ = from_tf_playground(tf_link(networkShape=""))
    assert config.hidden == ()


def test_tf_regression_and_other_settings():
    config, warnings = from_tf_playground(tf_link(
        problem="regression", regDataset="reg-gauss", activation="relu", noise="25", percTrainData="70",
        batchSize="30", learningRate="0.1", regularization="L2", regularizationRate="0.003",
    ))
    assert (config.task, config.dataset) == ("regression", "bump")
    assert config.hidden == (HiddenLayer(4, "relu"), HiddenLayer(2, "relu"))
    assert config.noise == 0.25 and config.train_fraction == 0.7 and config.batch_size == 30
    assert config.learning_rate == 0.1 and config.regularization == "l2" and config.reg_rate == 0.003
    assert config.n_samples == 1200
    assert not any("MSE" in w for w in warnings)  # regression uses MSE in both


def test_tf_init_zero_and_unknown_values_warn():
    config, warnings = from_tf_playground(tf_link(initZero="true", dataset="moons", activation="swish",
                                                  learningRate="abc", noise="80", zzz="1"))
    validate(config)
    text = " ".join(warnings)
    for word in ("initZero", "dataset", "activation", "learningRate", "noise", "zzz"):
        assert word in text
    assert config.noise == 0.5 and config.learning_rate == 0.03 and config.dataset == "circle"


def test_tf_ui_only_keys_are_ignored_quietly():
    _, warnings = from_tf_playground(tf_link(showTestData="true", discretize="true", tutorial="x",
                                             percTrainData_hide="true"))
    assert len(warnings) == 2  # seed and MSE, as for the default link


def test_tf_seed_that_is_not_a_number_still_gives_a_seed():
    config, warnings = from_tf_playground(tf_link(seed="hello"))
    assert 0 <= config.seed < 2**31 and config == from_tf_playground(tf_link(seed="hello"))[0]


# --------------------------------------------------------------------------
# Whatever is pasted
# --------------------------------------------------------------------------


def test_link_detection():
    assert not is_tf_playground_link(to_query_string(PlaygroundConfig()))
    assert not is_tf_playground_link("https://nnplay.example/?task=binary&lr=0.1")
    assert not is_tf_playground_link("")
    assert is_tf_playground_link("networkShape=4,2&learningRate=0.1")


@pytest.mark.parametrize("text", ["", "   ", "hello world", "https://nnplay.example/Playground", None])
def test_shared_link_without_settings_warns(text):
    config, warnings = parse_shared_link(text)
    assert config == PlaygroundConfig() and len(warnings) == 1


def test_shared_link_accepts_bare_query_strings():
    config, warnings = parse_shared_link("task=regression&lr=0.1")
    assert config.task == "regression" and config.learning_rate == 0.1 and warnings == []


def test_parse_qs_output_is_accepted():
    params = parse_qs(to_query_string(PlaygroundConfig()))
    assert decode(params) == (PlaygroundConfig(), [])
