"""Hostile CSV uploads: each refused with a message naming the problem, nothing lost.

Every file below goes through the Playground page's own upload widget (AppTest
drives st.file_uploader) after a model was trained on a good CSV: the page must
show an error that names the problem, raise no exception, and keep the config,
the trained model and its results. The same files go through parse_csv directly,
so a message is pinned even where the page shows it twice. Also pins that the
upload limit is one number: CSV_MAX_BYTES, the uploader's own limit and help
text, and `server.maxUploadSize` in .streamlit/config.toml.
"""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from nnplay.data import csv_upload as datasets
from nnplay.data.csv_upload import (
    CSV_MAX_BYTES,
    CSV_MAX_FEATURES,
    CSV_MAX_ROWS,
    parse_csv,
)
from nnplay.data.dataset import DataError
from nnplay.ui.text import WORD_JOINER
from tests.app.playground import PAGE, ROOT, button, train
from tests.app.playground import csv_uploader as uploader

GOOD = ("size,weight,label\n" + "".join(f"{i % 7 + 0.5 * (i % 2)},{(i * 3) % 11},{['cat', 'dog'][i % 2]}\n"
                                         for i in range(40))).encode()
GOOD_REGRESSION = ("x1,x2,y\n" + "".join(f"{i % 9},{(i * 5) % 13},{(i % 9) * 2.5 - (i * 5) % 13}\n"
                                         for i in range(40))).encode()


def rows(n: int) -> bytes:
    return b"size,weight,label\n" + b"1,2,cat\n3,4,dog\n" * (n // 2)


# (name, file bytes, words the message must contain)
HOSTILE = [
    ("bigger than the byte limit", b"size,weight,label\n" + b"1,2,cat\n" * (CSV_MAX_BYTES // 8 + 1),
     ["too large", f"{CSV_MAX_BYTES // 2**20} MB"]),
    ("more rows than the cap", rows(CSV_MAX_ROWS + 2), [f"{CSV_MAX_ROWS:,}", "rows"]),
    ("millions of tiny rows within the byte limit", b"a,label\n" + b"1\n" * (CSV_MAX_BYTES // 2 - 8), ["rows"]),
    ("more columns than the cap", (",".join(f"f{i}" for i in range(CSV_MAX_FEATURES + 20)) + ",label\n").encode()
     + (",".join("1" for _ in range(CSV_MAX_FEATURES + 21)) + "\n").encode() * 5, ["columns", "limit"]),
    ("a million columns within the byte limit", b"1," * 1_000_000 + b"label\n", ["columns", "limit"]),
    ("random bytes", np.random.default_rng(0).bytes(4096), ["binary"]),
    ("high bytes, no NUL", bytes(range(128, 256)) * 20, ["UTF-8"]),
    ("a PNG image", b"\x89PNG\r\n\x1a\n" + np.random.default_rng(1).bytes(500), ["PNG image"]),
    ("an Excel workbook", b"PK\x03\x04" + b"\x00" * 100, ["Excel"]),
    ("UTF-16 text", "size,weight,label\n1,2,cat\n3,4,dog\n".encode("utf-16"), ["UTF-16", "UTF-8"]),
    ("an empty file", b"", ["empty"]),
    ("only blank lines", b"\n\n  \n\r\n", ["empty"]),
    ("one column", b"label\ncat\ndog\ncat\ndog\ncat\n", ["at least 2 columns"]),
    ("all NaN", b"size,weight,label\n" + b"nan,nan,nan\n" * 10, ["missing value", "size"]),
    ("text in a numeric column", b"size,weight,label\n1,2,cat\nbig,4,dog\n3,4,cat\n5,6,dog\n",
     ["must contain numbers", "size", "line 3"]),
    ("no header row", b"1.5,2,0\n3,4,1\n5,6,0\n7,8,1\n9,1,0\n", ["no header"]),
    ("duplicate column names", b"size,size,label\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n", ["appears twice", "size"]),
    ("a target with one class", b"size,weight,label\n" + b"1,2,cat\n3,4,cat\n" * 5, ["only one class", "label"]),
    ("infinite values", b"size,weight,label\n1,2,cat\ninf,4,dog\n3,4,cat\n5,6,dog\n", ["non-finite", "size"]),
    ("a header and no rows", b"size,weight,label\n", ["no data rows"]),
    ("ragged rows", b"size,weight,label\n1,2,cat\n3,4,dog,extra,cells\n5,6,cat\n", ["cells", "Line 3"]),
    ("a 1000-character column name", ("x" * 1000 + ",weight,label\n").encode() + b"1,2,cat\n3,4,dog\n" * 3,
     ["characters long"]),
    ("no target column", b"size,weight,kind\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,dog\n", ["no column", "label"]),
]
IDS = [name for name, _, _ in HOSTILE]


@pytest.mark.parametrize("name, content, words", HOSTILE, ids=IDS)
def test_parse_csv_refuses_hostile_files_with_a_clear_message(name, content, words):
    with pytest.raises(DataError) as info:
        parse_csv(content, "binary", ("label",))
    message = str(info.value)
    assert len(message) < 600, message  # a sentence, never a dump of the file
    for word in words:
        assert word in message, (word, message)


# --------------------------------------------------------------------------
# Through the page: a trained model, then every hostile file in turn
# --------------------------------------------------------------------------


def page_errors(at: AppTest) -> str:
    """The errors as the learner reads them (the page escapes markdown and breaks links in them)."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in at.error)).replace(WORD_JOINER, "")


@pytest.fixture(scope="module")
def trained_page():
    """The Playground on a good CSV, trained for a few epochs (shared: the tests only upload files)."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"task": "binary", "data": "csv", "csv": "label", "epochs": "5"})
    at.run()
    uploader(at).set_value(("good.csv", GOOD, "text/csv"))
    at.run()
    assert not at.exception and not page_errors(at), page_errors(at)
    train(at, "Train")
    assert not at.exception
    assert at.session_state["trainer"].epoch == 5
    return at


@pytest.mark.parametrize("name, content, words", HOSTILE, ids=IDS)
def test_the_page_refuses_each_hostile_upload_and_keeps_the_model(trained_page, name, content, words):
    at = trained_page
    config, trainer = at.session_state["config"], at.session_state["trainer"]
    weights = [w.copy() for w in trainer.model.get_weights()]
    uploader(at).set_value((f"{name}.csv", content, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    errors = page_errors(at)
    for word in words:
        assert word in errors, (word, errors)
    # Said once in full (on the page), not repeated by the uploader in the sidebar.
    full = [e.value for e in at.error if words[0] in re.sub(r"\\(.)", r"\1", e.value)]
    assert len(full) == 1, full
    # Nothing lost: the same config, the same trained model and weights, its results still on the page.
    assert at.session_state["config"] == config
    assert at.session_state["trainer"] is trainer and trainer.epoch == 5
    assert all(np.array_equal(a, b) for a, b in zip(weights, trainer.model.get_weights()))
    assert any(m.label == "Test accuracy" for m in at.metric)
    assert button(at, "Train").disabled  # nothing to train on until a good file comes back


def test_a_good_file_after_a_bad_one_trains_on(trained_page):
    at = trained_page
    uploader(at).set_value(("bad.csv", b"\x89PNG\r\n\x1a\n", "image/png"))
    at.run()
    assert "PNG" in page_errors(at)
    uploader(at).set_value(("good.csv", GOOD, "text/csv"))
    at.run()
    assert not page_errors(at)
    train(at, "Continue")
    assert not at.exception
    assert at.session_state["trainer"].epoch == 10  # Continue kept the model and trained on


def test_regression_results_survive_a_refused_upload():
    """The regression results chart reads the trained model's own test data, not the refused file's."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"task": "regression", "data": "csv", "csv": "y", "epochs": "3"})
    at.run()
    uploader(at).set_value(("good.csv", GOOD_REGRESSION, "text/csv"))
    at.run()
    train(at, "Train")
    assert at.session_state["trainer"].epoch == 3
    uploader(at).set_value(("bad.csv", b"", "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert "empty" in page_errors(at)
    assert any(m.label == "Test mae" for m in at.metric)


def test_one_upload_limit_everywhere(trained_page):
    limit_mb = CSV_MAX_BYTES // 2**20
    assert CSV_MAX_BYTES == limit_mb * 2**20  # Streamlit counts maxUploadSize in MiB
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == limit_mb
    widget = uploader(trained_page)
    assert widget.proto.max_upload_size_mb == limit_mb
    assert f"{limit_mb} MB" in widget.help and f"{CSV_MAX_ROWS:,} rows" in widget.help
    readme = (ROOT / "README.md").read_text()
    assert f"CSV upload | ≤ {limit_mb} MB, ≤ {CSV_MAX_ROWS:,} rows, ≤ {CSV_MAX_FEATURES} feature columns" in readme
    assert datasets.CSV_LIMITS == widget.help


def test_a_linked_target_name_cannot_inject_markdown_into_the_error():
    """A crafted link's csv= names a 'column' that is a markdown link; the error quoting it stays text."""
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"task": "binary", "data": "csv", "csv": "[click](https://evil.example)"})
    at.run()
    uploader(at).set_value(("good.csv", GOOD, "text/csv"))
    at.run()
    assert not at.exception
    raw = " ".join(e.value for e in at.error)
    assert "[click](https://evil.example)" in page_errors(at)  # named, as text
    assert "[click](" not in raw and "\\[click\\]\\(" in raw  # escaped, so markdown makes no link of it
