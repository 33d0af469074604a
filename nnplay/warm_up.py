"""TensorFlow's import, once per process, in a background thread: it takes about 5 s.

app.py starts it after a server's first page run has drawn its page (importing beside a page's script
would halve the speed of both: they take turns on Python's GIL), so the next page that needs
TensorFlow finds it in, or nearly. Two threads must never import TensorFlow at the same time (its
packages import each other in a circle, and a second importer can see a half-made module): code
that imports TensorFlow lazily, from a module that does not, calls `wait()` first. Imports nothing
heavy itself.
"""

from __future__ import annotations

import importlib
import sys
import threading

# Imported in this order: TensorFlow and Keras, then the Playground's engine and charts.
MODULES = ("tensorflow", "keras", "nnplay.ui.playground")

_started = threading.Event()
_done = threading.Event()
_start_lock = threading.Lock()


def _fully_imported(name: str) -> bool:
    module = sys.modules.get(name)
    return module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False)


def start() -> None:
    """Begin the import in a background thread, once per process; later calls return at once."""
    with _start_lock:
        if _started.is_set():
            return
        _started.set()
    if all(_fully_imported(name) for name in MODULES):  # already in (a test process, say)
        _done.set()
        return
    threading.Thread(target=_import_all, name="nnplay-warm-up", daemon=True).start()


def _import_all() -> None:
    try:
        for name in MODULES:
            importlib.import_module(name)
    except BaseException:  # noqa: BLE001  the page's own import raises it again, with its traceback
        pass
    finally:
        _done.set()


def ready() -> bool:
    """True once the import has ended (or failed: the importing page then says why); True also when
    the modules are in already though no import was started (a page imported them itself)."""
    return _done.is_set() or (not _started.is_set() and all(_fully_imported(name) for name in MODULES))


def wait() -> None:
    """Block until the import has ended: call it before importing TensorFlow from another thread."""
    start()
    _done.wait()
