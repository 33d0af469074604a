"""Trace a `tf.function` without TensorFlow keeping its graph, and the data it holds, forever.

Every Keras optimizer step traced in graph mode passes the gradients through
`tf.distribute`'s `all_reduce`, which is wrapped in `tf.custom_gradient`; in graph mode that
registers a gradient function under a new name ("CustomGradient-<n>") in TensorFlow's global
gradient registry, and nothing ever removes it. The function's closure holds the traced graph,
and the graph holds every tensor it captured: a trainer's whole training set. Measured here: each
Trainer on MNIST 70k left ~215 MB behind after it was gone, each toy Trainer ~1.8 MB.

Those registered functions are needed only while the graph is traced (to differentiate through
the op, which tape.gradient does inside the same trace); nnplay never differentiates a finished
graph again. So `traced(...)` traces under one process-wide lock, and afterwards drops the
entries the trace added. The lock keeps two traces from interleaving: one trace's clean-up must
not drop an entry another trace is still about to use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from tensorflow.python.framework import ops

_TRACING = threading.RLock()
_CUSTOM_GRADIENT = "CustomGradient-"


def _registry() -> dict:
    return ops._gradient_registry._registry  # private, checked by tests/unit/test_tracing.py


def custom_gradient_entries() -> int:
    """How many custom-gradient functions TensorFlow's registry holds (for tests)."""
    return sum(name.startswith(_CUSTOM_GRADIENT) for name in list(_registry()))


def traced(function, *input_signature) -> Any:
    """Trace `function` (a tf.function) for `input_signature` now, and forget the gradient
    functions the trace registered. Calls with that signature then run the traced graph."""
    return run_tracing(lambda: function.get_concrete_function(*input_signature))


def run_tracing(trace: Callable[[], Any]) -> Any:
    """Run `trace` (anything that traces a graph: a first call, get_concrete_function) under the
    tracing lock, then drop the custom-gradient entries it added to the registry."""
    with _TRACING:
        registry = _registry()
        before = set(registry)
        try:
            return trace()
        finally:
            for name in [name for name in list(registry) if name not in before]:
                if name.startswith(_CUSTOM_GRADIENT):
                    del registry[name]
