"""The home page under AppTest: cards, and the shared-link field (nnplay and TF Playground links)."""

import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

HOME = str(Path(__file__).resolve().parents[2] / "app.py")
TF_LINK = ("https://playground.tensorflow.org/#activation=relu&batchSize=10&dataset=xor&learningRate=0.03"
           "&regularizationRate=0&noise=0&networkShape=4,2&seed=0.8&percTrainData=50&x=true&y=true&cosX=true"
           "&problem=classification")


def test_home_lists_the_pages_and_has_a_link_field():
    at = AppTest.from_file(HOME, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "nnplay"
    assert at.text_input[0].label.startswith("Paste an nnplay link")
    # Every page in app_pages/ is in the page table, and has a card on the home page.
    from nnplay.ui.site import PAGES

    files = sorted(str(page.relative_to(Path(HOME).parent)) for page in (Path(HOME).parent / "app_pages").glob("*.py"))
    assert sorted(page.file for page in PAGES) == files and len(files) == 5
    linked = {link.proto.page for link in at.get("page_link")}
    assert {page.url_path for page in PAGES} == linked
    # The addresses pages had before st.navigation (Streamlit derived them from the file names).
    assert {page.url_path for page in PAGES} == {Path(f).stem.split("_", 1)[1] for f in files}


def test_a_tf_playground_link_says_what_could_not_be_carried_over():
    at = AppTest.from_file(HOME, default_timeout=30).run()
    at.text_input[0].input(TF_LINK).run()
    assert not at.exception
    notice = at.warning[0].value
    assert "cosX" in notice or "cos" in notice
    assert any(b.label == "Open in the Playground" for b in at.button)


def test_home_does_not_wait_for_tensorflow():
    """The home page's modules import no TensorFlow, and its run ends before the engine's import (begun
    by app.py once the page is drawn, for the pages to come: nnplay.warm_up) is done."""
    # Fresh interpreters: this test process may have imported TensorFlow already.
    import subprocess

    modules = ("import sys; import nnplay.ui.home, nnplay.ui.site, nnplay.ui.cold_start, nnplay.warm_up; "
               "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    run = ("import sys; from streamlit.testing.v1 import AppTest; from nnplay import warm_up; "
           f"AppTest.from_file({HOME!r}, default_timeout=30).run(); "
           "print(warm_up._started.is_set(), warm_up._done.is_set())")
    for code, expected in ((modules, "False"), (run, "True False")):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert out.stdout.strip().splitlines()[-1] == expected, out.stderr[-2000:]
