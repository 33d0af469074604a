"""Keep Streamlit from clearing the Keras session after every script run.

Streamlit's script runner ends every run (every fragment rerun too) with
`keras.backend.clear_session()` when Keras is imported
(streamlit/runtime/scriptrunner/script_runner.py, `_clean_problem_modules`, 1.67). That resets
Keras's global state, empties TensorFlow's kernel cache and runs a full `gc.collect()`: measured
here ~250 ms with the GIL held, after each run. A live run's panel then reran 20 times a second, so the
training thread and the frames starved (2 epochs in 20 s instead of 30 a second).

nnplay needs none of it: every model belongs to a Trainer (pooled, nnplay.engine.pool), none to
Keras's global session, and Python's generational garbage collection still runs. So the runner's
cleanup is replaced by the same cleanup without Keras (matplotlib's figures are still closed).
"""

from __future__ import annotations

import sys

from streamlit.runtime.scriptrunner import script_runner


def _clean_problem_modules_but_keras() -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def install() -> None:
    """Idempotent; call before a page trains (nnplay.ui.training_panel does, at import)."""
    if hasattr(script_runner, "_clean_problem_modules"):
        script_runner._clean_problem_modules = _clean_problem_modules_but_keras
