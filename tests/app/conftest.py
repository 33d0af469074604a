"""The Playground's AppTests test the warm page: the engine is imported before they run, as on a
server that has served a page. The cold page (TensorFlow still importing) has its own test, in a
fresh interpreter (test_cold_start.py)."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def engine_imported():
    import nnplay.ui.playground  # noqa: F401  (TensorFlow, Keras and the engine)
