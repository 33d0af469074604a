"""TensorFlow Playground links (its state lives in the URL hash, see its src/state.ts) read as a
PlaygroundConfig, with a note for each setting that could not be carried over.

Imports nothing heavy (no TensorFlow, no Streamlit).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from nnplay.config.catalog import DATASETS, TASKS
from nnplay.config.links import (
    LINK_KEYS,
    MAX_LINK_LEN,
    NUMBER_PATTERN,
    format_float,
    normalize,
    number_text,
    repaired,
    shown_value,
    unknown_keys_warning,
)
from nnplay.config.schema import CAPS, HiddenLayer, PlaygroundConfig, default_config

# --------------------------------------------------------------------------
# TensorFlow Playground links (state in the URL hash, see its src/state.ts)
# --------------------------------------------------------------------------

TF_HOST = "playground.tensorflow.org"
_TF_NUM_SAMPLES = {"binary": 500, "regression": 1200}  # its NUM_SAMPLES_CLASSIFY / _REGRESS
_TF_REGULARIZATIONS = {"none": "none", "L1": "l1", "L2": "l2"}
_TF_ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
_TF_FEATURES = {"x": "x1", "y": "x2", "xSquared": "x1sq", "ySquared": "x2sq", "xTimesY": "x1x2",
                "sinX": "sinx1", "sinY": "sinx2"}
_TF_FEATURES_ON = ("x", "y")  # on unless the link says otherwise
_TF_NO_EQUIVALENT = {"cosX": "cos(X₁)", "cosY": "cos(X₂)"}
_TF_UI_ONLY = frozenset({"showTestData", "discretize", "collectStats", "hideText", "tutorial"})
_TF_KEYS = frozenset({"activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
                      "regularizationRate", "noise", "networkShape", "seed", "percTrainData", "problem",
                      "initZero", *_TF_FEATURES, *_TF_NO_EQUIVALENT, *_TF_UI_ONLY})
# Keys that say "TF Playground" when there is no host (noise and seed are ours too).
_TF_ONLY_KEYS = _TF_KEYS - LINK_KEYS - {"x", "y"}


def _tf_pairs(text: str) -> dict[str, str]:
    """TF Playground's hash as a dict; like TF, a repeated key keeps its last value."""
    text = text.strip()
    if "#" in text:
        text = text.split("#", 1)[1]
    elif "?" in text:
        text = text.split("?", 1)[1]
    pairs: dict[str, str] = {}
    for part in text.split("&"):
        name, _, value = part.partition("=")
        if name:
            pairs[unquote(name)] = unquote(value)
    return pairs


def is_tf_playground_link(text: Any) -> bool:
    """True for a TensorFlow Playground link (its host, or its hash keys without nnplay's)."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_LINK_LEN:
        return False
    if TF_HOST in text.lower():
        return True
    keys = set(_tf_pairs(text))
    return bool(keys & _TF_ONLY_KEYS) and not keys & (LINK_KEYS - {"noise", "seed"})


def from_tf_playground(link: Any) -> tuple[PlaygroundConfig, list[str]]:
    """The nnplay config closest to a TF Playground link, and what could not be carried over.

    Accepts the full link, the part after '#', or with '#'. Never raises.
    """
    notes: list[str] = []
    if not isinstance(link, str) or len(link) > MAX_LINK_LEN:
        return PlaygroundConfig(), ["Could not read that TensorFlow Playground link; using the default setup."]
    try:
        return _from_tf(_tf_pairs(link), notes), notes
    except Exception as exc:  # last line of defence, as in decode()
        notes.append(f"Could not read the TensorFlow Playground link ({type(exc).__name__}); "
                     "using the default setup.")
        return PlaygroundConfig(), notes


def _from_tf(tf: dict[str, str], notes: list[str]) -> PlaygroundConfig:
    # TF treats a blank value as absent (its hasKey), except networkShape= meaning no hidden layer.
    given = {key: value for key, value in tf.items() if value.strip() or key == "networkShape"}
    task, dataset = _tf_task_and_dataset(given, notes)
    base = default_config(task)
    regularization = _tf_choice(given, "regularization", _TF_REGULARIZATIONS, "none", notes)
    reg_rate = 0.0
    if regularization != "none":  # TF ignores the rate then; so does nnplay
        reg_rate = _tf_number(given, "regularizationRate", 0, *CAPS["reg_rate"], notes)
    seed = _tf_seed(given, notes)
    config = replace(
        base,
        dataset=dataset,
        n_samples=_TF_NUM_SAMPLES[task],
        noise=_tf_number(given, "noise", 0, *CAPS["noise"], notes, scale=0.01),
        train_fraction=_tf_number(given, "percTrainData", 50, *CAPS["train_fraction"], notes, scale=0.01),
        features=_tf_features(given, notes),
        hidden=_tf_hidden(given, notes),
        optimizer="sgd",  # TF Playground only has plain SGD
        learning_rate=_tf_number(given, "learningRate", 0.03, *CAPS["learning_rate"], notes),
        momentum=0.0,
        nesterov=False,
        batch_size=int(_tf_number(given, "batchSize", 10, 1, CAPS["batch_size"][1], notes, whole=True)),
        regularization=regularization,
        reg_rate=reg_rate,
        seed=base.seed if seed is None else seed,
        data_seed=base.data_seed if seed is None else seed,
    )
    _tf_other_keys(given, notes)
    if task == "binary":
        notes.append("TensorFlow Playground trains classifiers with mean squared error (MSE); nnplay uses "
                     "binary cross-entropy instead, the correct loss for a yes/no output, so the loss values "
                     "and the training curve will differ.")
    return normalize(repaired(config, base, notes))  # a safety net: the values above are in range


def _tf_choice(tf: dict[str, str], key: str, table: Mapping[str, str], default: str, notes: list[str]) -> str:
    value = tf.get(key)
    if value is None:
        return default
    if value not in table:
        notes.append(f"{key}={shown_value(value)} could not be carried over (nnplay knows "
                     f"{', '.join(table)}); using {table.get(default, default)}.")
        return table.get(default, default)
    return table[value]


def _tf_task_and_dataset(tf: dict[str, str], notes: list[str]) -> tuple[str, str]:
    problem = tf.get("problem", "classification")
    if problem not in ("classification", "regression"):
        notes.append(f"problem={shown_value(problem)} could not be carried over; using classification.")
        problem = "classification"
    if problem == "regression":
        return "regression", _tf_choice(tf, "regDataset", _tf_datasets(regression=True), "reg-plane", notes)
    return "binary", _tf_choice(tf, "dataset", _tf_datasets(regression=False), "circle", notes)


def _tf_datasets(regression: bool) -> dict[str, str]:
    """TF Playground's dataset names (its "dataset=" or "regDataset=") → ours, from the catalog."""
    return {d.tf_playground: d.key for d in DATASETS.values()
            if d.tf_playground and TASKS[d.tasks[0]].is_regression == regression}


def _finite_number(text: str) -> float | None:
    """A plain decimal number (no nan, inf or 1e400), or None."""
    text = number_text(text)
    if len(text) > 50 or not NUMBER_PATTERN.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _tf_number(tf: dict[str, str], key: str, default: float, low: float, high: float, notes: list[str],
               scale: float = 1.0, whole: bool = False) -> float:
    """A TF number in nnplay's units, clamped into nnplay's range (the nearest we can do)."""
    text = tf.get(key)
    fallback = default * scale
    if text is None:
        return fallback
    number = _finite_number(text)
    if number is None or (whole and number != int(number)):
        notes.append(f"{key}={shown_value(text)} is not a usable number; using {format_float(fallback)}.")
        return fallback
    number *= scale
    clamped = min(max(number, low), high)
    if clamped != number:
        notes.append(f"{key}={shown_value(text)} is outside nnplay's range; using {format_float(clamped)} "
                     f"(allowed {low:g} to {high:g}).")
    # Round away binary noise from the scaling (noise=5 -> 0.05, not 0.05000000000000001).
    return round(clamped, 12)


def _tf_features(tf: dict[str, str], notes: list[str]) -> tuple[str, ...]:
    def on(key: str) -> bool:  # TF reads any value other than "false" as true
        return tf[key] != "false" if key in tf else key in _TF_FEATURES_ON

    for key, label in _TF_NO_EQUIVALENT.items():
        if on(key):
            notes.append(f"Input feature {label} ({key}) could not be carried over: nnplay has no cosine features.")
    features = tuple(ours for theirs, ours in _TF_FEATURES.items() if on(theirs))
    if not features:
        notes.append("None of the link's input features exists in nnplay; using x1, x2.")
        return ("x1", "x2")
    return features


def _tf_hidden(tf: dict[str, str], notes: list[str]) -> tuple[HiddenLayer, ...]:
    activation = tf.get("activation", "tanh")
    if activation not in _TF_ACTIVATIONS:
        notes.append(f"activation={shown_value(activation)} could not be carried over; using tanh.")
        activation = "tanh"
    shape = tf.get("networkShape", "4,2")
    tokens = [t.strip() for t in shape.split(",")] if shape.strip() else []
    numbers = [_finite_number(t) for t in tokens]
    if None in numbers:
        notes.append(f"networkShape={shown_value(shape)} is not a list of numbers; using 4,2.")
        numbers = [4.0, 2.0]
    most = CAPS["hidden_layers"][1]
    if len(numbers) > most:
        notes.append(f"networkShape has {len(numbers)} hidden layers; nnplay allows at most {most}, "
                     f"so it kept the first {most}.")
        numbers = numbers[:most]
    low, high = CAPS["units"]
    units = [round(n) for n in numbers]
    clamped = [min(max(u, low), high) for u in units]
    if clamped != units:
        notes.append(f"networkShape: neurons per layer must be {low} to {high}; "
                     f"using {','.join(map(str, clamped))}.")
    return tuple(HiddenLayer(u, activation) for u in clamped)


def _tf_seed(tf: dict[str, str], notes: list[str]) -> int | None:
    """TF's seed is a string like '0.80628'; derive a whole-number seed from it, deterministically."""
    text = tf.get("seed")
    if text is None:
        return None
    text = text.strip()[:100]
    number = _finite_number(text)
    if number is not None:
        seed = round(number * 1e6) % 2**31
    else:  # TF seeds its generator with any string; so do we, via a checksum
        seed = zlib.crc32(text.encode("utf-8", "replace")) % 2**31
    notes.append(f"TensorFlow Playground's seed {shown_value(text)} became seed {seed} for both the data and the "
                 "initial weights; the random generators differ, so the points and weights are not the same ones.")
    return seed


def _tf_other_keys(tf: dict[str, str], notes: list[str]) -> None:
    if tf.get("initZero", "false") != "false":
        notes.append("initZero (all weights start at zero) is not supported; nnplay uses Keras's default "
                     "random initialisation.")
    unknown = [key for key in tf if key not in _TF_KEYS and not key.endswith("_hide")]
    if unknown:
        notes.append(unknown_keys_warning(unknown, "TensorFlow Playground setting"))
