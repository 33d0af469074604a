"""A trained model saved as a .keras file, read back and checked against the setup on screen.

    read_model(file_bytes) -> keras.Model                         or ModelFileError
    setup_for_model(model, config, n_features, n_outputs) -> PlaygroundConfig   or ModelFileError

TF Playground's users asked for save and load (its issue #23); a share link carries the setup
but never the weights, so a reload needs Train again unless the learner kept the .keras file.
A file is only used when it is a plain stack of Dense layers that fits the data and the task:
then the setup takes its layers (units, activations, logits or probabilities) and the weights
are copied into a fresh nnplay model. Every refusal says what does not fit, in a learner's words.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

from nnplay.config.catalog import hidden_activations
from nnplay.config.schema import ConfigError, HiddenLayer, PlaygroundConfig, validate

MAX_MODEL_BYTES = 5 * 2**20  # the largest network the caps allow (300,000 weights) is ~1.2 MB


class ModelFileError(ValueError):
    """A model file that cannot be used here; the message is for the learner."""


def read_model(file_bytes: bytes):
    """The Keras model in a .keras file (safe mode: no code from the file is run)."""
    import keras  # lazy: TensorFlow is only needed once a file arrives

    if len(file_bytes) > MAX_MODEL_BYTES:
        raise ModelFileError(f"The file is {len(file_bytes) / 2**20:.1f} MB; a model of this playground is at most "
                             f"{MAX_MODEL_BYTES // 2**20} MB.")
    if not file_bytes.startswith(b"PK"):
        raise ModelFileError("This is not a .keras file (a .keras file is a zip archive saved by model.save).")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(file_bytes)
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise ModelFileError("The .keras file is damaged (not a readable zip archive).") from None
        if "config.json" not in names:
            raise ModelFileError("This zip archive is not a Keras model: it has no config.json.")
        try:
            return keras.models.load_model(path, compile=False, safe_mode=True)
        except Exception as exc:  # any damaged or foreign file
            raise ModelFileError(f"Keras could not read this model file ({type(exc).__name__}). "
                                 "Save it again with model.save('name.keras').") from None


def _dense_layers(model) -> list:
    """The model's Dense layers, or a refusal when it holds anything else."""
    import keras

    layers = list(getattr(model, "layers", []))
    if not isinstance(model, keras.Sequential) or not layers:
        raise ModelFileError("This playground loads keras.Sequential models of Dense layers; this file holds "
                             f"a {type(model).__name__}.")
    others = sorted({type(layer).__name__ for layer in layers if not isinstance(layer, keras.layers.Dense)})
    if others:
        raise ModelFileError(f"The model has layers this playground does not build ({', '.join(others)}); only "
                             "Dense layers can be loaded.")
    return layers


def _activation(layer) -> str:
    """Keras's own name of a layer's activation ("relu", "linear", ...)."""
    return getattr(layer.activation, "__name__", str(layer.activation))


def describe(layers) -> str:
    """'2 inputs → 8 relu → 8 relu → 1 linear', for messages."""
    inputs = layers[0].kernel.shape[0]
    return " → ".join([f"{inputs} input{'s' if inputs != 1 else ''}"]
                      + [f"{layer.units} {_activation(layer)}" for layer in layers])


def setup_for_model(model, config: PlaygroundConfig, n_features: int, n_outputs: int) -> PlaygroundConfig:
    """The setup on screen with the model's layers, or a ModelFileError saying what does not fit.
    `n_features` and `n_outputs` are what the current data needs."""
    layers = _dense_layers(model)
    shape = describe(layers)
    inputs = layers[0].kernel.shape[0]
    if inputs != n_features:
        raise ModelFileError(f"The model ({shape}) takes {inputs} inputs; the data here has {n_features}. "
                             "Choose the data it was trained on (dataset and input features) first.")
    output = layers[-1]
    if output.units != n_outputs:
        raise ModelFileError(f"The model ({shape}) has {output.units} outputs; this task and data need {n_outputs}.")
    hidden = tuple(HiddenLayer(layer.units, _activation(layer)) for layer in layers[:-1])
    unknown = sorted({layer.activation for layer in hidden if layer.activation not in hidden_activations()})
    if unknown:
        raise ModelFileError(f"The model ({shape}) uses activation(s) this playground does not offer: "
                             f"{', '.join(unknown)}.")
    from_logits = _from_logits(config, _activation(output), shape)
    fitted = replace(config, hidden=hidden, from_logits=from_logits)
    try:
        validate(fitted)
    except ConfigError as err:
        raise ModelFileError(f"The model ({shape}) does not fit this playground: {err.explained()}") from None
    return fitted


def _from_logits(config: PlaygroundConfig, activation: str, shape: str) -> bool:
    """Whether the model's output layer means logits (linear) or the task's own activation."""
    rule = config.rule
    if activation == rule.output_activation:
        return False if rule.logits_allowed else config.from_logits
    if activation == "linear" and rule.logits_allowed:
        return True
    wanted = f"{rule.output_activation}" + (" (or linear logits)" if rule.logits_allowed else "")
    raise ModelFileError(f"The model's output layer is {activation} ({shape}); {rule.label.lower()} needs "
                         f"{wanted}. Was it trained for another task?")
