"""The folders are the import rules: config/ imports nothing heavy (the home page and the link reader
use it), data/ and figures/ no TensorFlow, and nothing outside ui/ (and the pages) imports Streamlit.

A fresh interpreter imports the packages whole, one after the other, and after each package notes which
heavy libraries are loaded by then: a package may not bring in what its folder forbids. Two interpreters,
not one per package (each start of TensorFlow costs seconds): the numpy/plotly side, then the TensorFlow
side (figures may load plotly but not TensorFlow, the engine TensorFlow but not plotly)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import nnplay

HEAVY = ("tensorflow", "keras", "streamlit", "plotly", "sklearn")
# Per interpreter, in import order: each package with the heavy libraries still absent after importing it.
RULES = {
    "without TensorFlow": (
        ("nnplay.config", HEAVY),
        ("nnplay.data", ("tensorflow", "keras", "streamlit", "plotly")),
        ("nnplay.figures", ("tensorflow", "keras", "streamlit")),
    ),
    "with TensorFlow": (
        ("nnplay.engine", ("streamlit", "plotly")),
        ("nnplay.export", ("streamlit", "plotly")),
        ("nnplay.labs", ("streamlit", "plotly")),
        ("nnplay.lessons", ("streamlit", "plotly")),
    ),
}


def modules_of(package: str) -> list[str]:
    path = Path(nnplay.__file__).parent / package.split(".", 1)[1]
    return [package] + [m.name for m in pkgutil.walk_packages([str(path)], prefix=package + ".")]


@pytest.mark.parametrize("side", list(RULES))
def test_each_package_loads_only_what_its_folder_allows(side):
    rules = RULES[side]
    stages = [(package, modules_of(package)) for package, _ in rules]
    code = ("import importlib, json, sys\n"
            "loaded = {}\n"
            f"for package, names in {stages!r}:\n"
            "    for name in names:\n"
            "        importlib.import_module(name)\n"
            f"    loaded[package] = [lib for lib in {HEAVY!r} if lib in sys.modules]\n"
            "print(json.dumps(loaded))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    broken = {package: sorted(set(loaded[package]) & set(forbidden)) for package, forbidden in rules}
    assert not any(broken.values()), f"packages load what their folder forbids: {broken}"
    # The check sees heavy imports when they happen: the last package of each side loads its library.
    assert ("plotly" if side == "without TensorFlow" else "tensorflow") in loaded[rules[-1][0]]
