"""The data of a setup, once per server: every page and session on the same data shares one
read-only copy (st.cache_data would hand each caller its own unpickled copy: ~220 MB apiece on
MNIST 70k), and trainers on it share one TensorFlow copy too (nnplay.engine.training.shared_tensor)."""

from __future__ import annotations

import streamlit as st

from nnplay.config.environment import env_count
from nnplay.config.schema import PlaygroundConfig, data_part
from nnplay.data.dataset import Dataset
from nnplay.data.load import load_dataset, read_only

# Datasets kept for the server: an MNIST-70k one is ~220 MB (and its TensorFlow copy as much while
# a trainer uses it), a toy one a few KB. No time limit: Streamlit's counts from when an entry was
# made, not from its last use, so a busy class would get a second copy every few minutes.
CACHED_DATASETS = env_count("NNPLAY_CACHED_DATASETS", 12)


@st.cache_resource(max_entries=CACHED_DATASETS, show_spinner="Loading data…")
def _cached(_config: PlaygroundConfig, data_key: tuple, csv_bytes: bytes | None) -> Dataset:
    """Keyed by the config's data fields only (the config object itself is not hashed)."""
    return read_only(load_dataset(_config, csv_bytes))


def shared_dataset(config: PlaygroundConfig, csv_bytes: bytes | None = None) -> Dataset:
    """The train/test data `config` asks for, shared and read-only. Raises DataError."""
    return _cached(config, data_part(config), csv_bytes)
