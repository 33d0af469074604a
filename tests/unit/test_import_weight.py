"""The folders are the import rules: config/ imports nothing heavy (the home page and the link reader
use it), data/ and figures/ no TensorFlow, and nothing outside ui/ (and the pages) imports Streamlit.
Each package is imported whole in a fresh interpreter, and what it pulled in is checked."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import nnplay

HEAVY = ("tensorflow", "keras", "streamlit", "plotly", "sklearn")
RULES = {  # package → the heavy libraries it must not load
    "nnplay.config": HEAVY,
    "nnplay.data": ("tensorflow", "keras", "streamlit", "plotly"),
    "nnplay.figures": ("tensorflow", "keras", "streamlit"),
    "nnplay.engine": ("streamlit", "plotly"),
    "nnplay.export": ("streamlit", "plotly"),
    "nnplay.labs": ("streamlit", "plotly"),
}


def modules_of(package: str) -> list[str]:
    path = Path(nnplay.__file__).parent / package.split(".", 1)[1]
    return [package] + [m.name for m in pkgutil.walk_packages([str(path)], prefix=package + ".")]


@pytest.mark.parametrize("package", list(RULES))
def test_a_package_loads_only_what_its_folder_allows(package):
    code = ("import importlib, sys\n"
            f"for name in {modules_of(package)!r}:\n"
            "    importlib.import_module(name)\n"
            f"print(' '.join(lib for lib in {HEAVY!r} if lib in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(out.stdout.split())
    assert not loaded & set(RULES[package]), f"{package} loads {sorted(loaded & set(RULES[package]))}"
