"""Keeping work across reloads, from the Share & save tab: a setup as a config JSON file, and a
trained model as a .keras file (a reload loses the model; the page says so). Both load back,
checked first (nnplay.config.schema.config_from_json, nnplay.engine.saved_models); a file that does not fit is
refused saying why, and nothing on the page is lost."""

from __future__ import annotations

import streamlit as st

from nnplay.config.schema import ConfigError, config_from_json, n_outputs
from nnplay.engine.saved_models import (
    MAX_MODEL_BYTES,
    ModelFileError,
    describe,
    read_model,
    setup_for_model,
)
from nnplay.engine.training import RunResult
from nnplay.ui import training_panel
from nnplay.ui.state import CONFIG_LOADED, MODEL_LOADED, current_config, set_config
from nnplay.ui.text import plain_markdown

MODEL_UPLOAD_KEY = "model_upload"
RELOAD_NOTE = ("A reload, or opening the share link, restores this setup but not the trained weights: they live in "
               "this browser tab only. To keep them, download the .keras file below; load it back here any time.")


CONFIG_UPLOAD_KEY = "config_upload"


def load_config_control() -> None:
    """A config JSON uploader: a valid file becomes the setup (once per file), else it says why."""
    uploaded = st.file_uploader("Load a config JSON", type=["json"], key=CONFIG_UPLOAD_KEY, max_upload_size=1)
    if uploaded is None or CONFIG_LOADED.get() == uploaded.file_id:
        return
    try:
        loaded = config_from_json(uploaded.getvalue())
    except ConfigError as err:  # it quotes the file's keys and values: shown as text
        st.error("That config file could not be used: " + plain_markdown(err.explained()[:600]),
                 icon=":material/block:")
        return
    CONFIG_LOADED.set(uploaded.file_id)
    set_config(loaded)
    st.rerun()


def load_model_control(data, on_loaded=None) -> None:
    """A .keras uploader. A file that fits becomes this session's trained model (then `on_loaded()`
    runs, and the page reruns to show it); otherwise it says why."""
    upload = st.file_uploader("Load a trained model (.keras)", type=["keras"], key=MODEL_UPLOAD_KEY,
                              max_upload_size=MAX_MODEL_BYTES // 2**20,
                              help="A model saved by nnplay (or any keras.Sequential of Dense layers) that fits "
                                   "the data on screen. The network takes its layers; Continue trains it on.")
    if upload is None:
        return
    if data is None:
        st.info("Choose the data the model was trained on first (for your CSV: upload it).")
        return
    outcome = MODEL_LOADED.get()
    if outcome is None or outcome[0] != upload.file_id:
        outcome = (upload.file_id, _load(upload.name, upload.getvalue(), data))
        MODEL_LOADED.set(outcome)
        if outcome[1] is None:
            if on_loaded is not None:
                on_loaded()
            st.rerun()  # the controls and views now show the loaded model
    if outcome[1] is not None:
        st.error(plain_markdown(outcome[1]), icon=":material/upload_file:")  # it may quote the file's layer names


def _load(name: str, file_bytes: bytes, data) -> str | None:
    """Make the file this session's trained model; None when done, else the reason it was refused."""
    config = current_config()
    try:
        model = read_model(file_bytes)
        fitted = setup_for_model(model, config, data.n_features, n_outputs(config, data.n_classes))
    except ModelFileError as err:
        return str(err)
    training_panel.end_run()  # a run in progress would go on with the old model (and reset the loaded one)
    set_config(fitted)
    trainer = training_panel.new_trainer(fitted, data)
    trainer.model.set_weights(model.get_weights())
    trainer.last_result = RunResult("loaded", 0, 0.0, f"Loaded {name[:80]}: {describe(model.layers)}. "
                                    "Continue trains it on; Train starts again from fresh weights.")
    return None
