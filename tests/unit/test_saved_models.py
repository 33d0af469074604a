"""A .keras file read back: it fits the setup (and takes its layers), or is refused saying why."""

import io
import zipfile
from dataclasses import replace

import keras
import numpy as np
import pytest

from nnplay.config.schema import (
    HiddenLayer,
    PlaygroundConfig,
    default_config,
    n_outputs,
)
from nnplay.data.load import load_dataset
from nnplay.engine.model import build_model, to_keras_bytes
from nnplay.engine.saved_models import (
    ModelFileError,
    describe,
    read_model,
    setup_for_model,
)


def saved(config: PlaygroundConfig, inputs: int, outputs: int) -> bytes:
    return to_keras_bytes(build_model(config, inputs, outputs))


def test_a_saved_model_reads_back_with_its_weights_and_its_layers():
    trained = replace(PlaygroundConfig(), hidden=(HiddenLayer(8, "relu"), HiddenLayer(3, "sigmoid")))
    original = build_model(trained, 2, 1)
    model = read_model(to_keras_bytes(original))
    assert all(np.array_equal(a, b) for a, b in zip(original.get_weights(), model.get_weights()))
    assert describe(model.layers) == "2 inputs → 8 relu → 3 sigmoid → 1 linear"
    # The setup on screen (4-2 tanh) takes the file's layers; logits because the output is linear.
    fitted = setup_for_model(model, PlaygroundConfig(), 2, 1)
    assert fitted.hidden == trained.hidden and fitted.from_logits
    probabilities = setup_for_model(read_model(saved(replace(trained, from_logits=False), 2, 1)),
                                    PlaygroundConfig(), 2, 1)
    assert probabilities.from_logits is False and probabilities.output_activation == "sigmoid"


@pytest.mark.parametrize("config, inputs, outputs, words", [
    (PlaygroundConfig(), 3, 1, "takes 3 inputs; the data here has 2"),
    (default_config("multiclass"), 2, 4, "has 4 outputs; this task and data need 3"),
    (default_config("regression_nonneg"), 2, 1, "output layer is relu"),
], ids=["inputs", "outputs", "output activation"])
def test_a_model_that_does_not_fit_is_refused_saying_why(config, inputs, outputs, words):
    model = read_model(saved(config, inputs, outputs))
    target = PlaygroundConfig() if config.task != "multiclass" else config
    if config.task == "regression_nonneg":
        target = default_config("binary")
    with pytest.raises(ModelFileError, match=words):
        setup_for_model(model, target, 2, n_outputs(target, 3))


def test_only_dense_stacks_load():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(4), keras.layers.Dropout(0.5),
                              keras.layers.Dense(1)])
    with pytest.raises(ModelFileError, match="Dropout"):
        setup_for_model(read_model(to_keras_bytes(model)), PlaygroundConfig(), 2, 1)


def test_a_model_over_the_caps_is_refused_in_a_learners_words():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(300, activation="relu"), keras.layers.Dense(1)])
    with pytest.raises(ModelFileError, match="Layer 1 units must be a whole number from 1 to 256"):
        setup_for_model(read_model(to_keras_bytes(model)), PlaygroundConfig(), 2, 1)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("content, words", [
    (b"", "not a .keras file"),
    (b"\x89PNG\r\n", "not a .keras file"),
    (b"PK\x03\x04 broken", "damaged"),
    (zipped({"hello.txt": b"hi"}), "no config.json"),
    (zipped({"config.json": b"{not json", "metadata.json": b"{}"}), "could not read"),
    (zipped({"config.json": b'{"class_name": "Lambda", "config": {}}'}), "could not read"),
    (b"PK" + b"\0" * (6 * 2**20), "at most 5 MB"),
], ids=["empty", "png", "broken zip", "zip without config", "bad json", "lambda", "too big"])
def test_files_that_are_not_models_are_refused(content, words):
    with pytest.raises(ModelFileError, match=words):
        read_model(content)


def test_the_loaded_model_scores_as_the_trained_one():
    from nnplay.engine.training import Trainer

    config = replace(PlaygroundConfig(), epochs=20)
    data = load_dataset(config)
    trainer = Trainer(config, data)
    trainer.run_to_end()
    model = read_model(to_keras_bytes(trainer.model))
    fresh = Trainer(setup_for_model(model, config, data.n_features, 1), data)
    fresh.model.set_weights(model.get_weights())
    assert np.array_equal(fresh.raw_outputs(data.x_test), trainer.raw_outputs(data.x_test))
