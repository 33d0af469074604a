"""A Playground opened on a cold server (TensorFlow still importing) draws its setup and data at once,
says what it waits for, and becomes the whole Playground when the engine is in. Fresh interpreters:
this test process has imported TensorFlow already."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "1_Playground.py")

SCRIPT = f"""
import json, sys
from streamlit.testing.v1 import AppTest
from nnplay import warm_up
at = AppTest.from_file({PAGE!r}, default_timeout=60)
at.query_params["v"] = "1"
at.query_params["data"] = "xor"
at.run()
cold = dict(tf_done=warm_up._done.is_set(), title=[t.value for t in at.title],
            info=[i.value for i in at.info], buttons=[b.label for b in at.button],
            dataset=[s.value for s in at.selectbox if s.label == "Dataset"], exception=bool(at.exception))
assert warm_up._done.wait(120)
at.run()  # what the page's poll does once the engine is in
warm = dict(info=[i.value for i in at.info], buttons=[b.label for b in at.button],
            dataset=[s.value for s in at.selectbox if s.label == "Dataset"], exception=bool(at.exception))
print(json.dumps(dict(cold=cold, warm=warm)))
"""


def test_a_cold_playground_draws_its_setup_at_once_and_the_rest_when_tensorflow_is_in():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    pages = json.loads(done.stdout.strip().splitlines()[-1])
    cold, warm = pages["cold"], pages["warm"]
    assert not cold["tf_done"] and not cold["exception"]
    assert cold["title"] == ["Playground"] and cold["dataset"] == ["xor"]  # the link's setup, at once
    assert any(text.startswith("Loading TensorFlow") for text in cold["info"]), cold
    assert "Train" not in cold["buttons"]
    assert not warm["exception"] and warm["dataset"] == ["xor"]
    assert "Train" in warm["buttons"]
    assert not any(text.startswith("Loading TensorFlow") for text in warm["info"])
