"""CSV error messages stay a sentence whatever the file holds (issue 10, item 14).

A message quotes what it is about (a cell, a column name, the classes, the columns), but only an excerpt:
a 9 MB cell once made a 9,000,110-character message. Each case below puts something huge where a
message quotes from the file, and the message must still name the problem and stay short.
"""

from __future__ import annotations

import pytest

from nnplay.data.csv_upload import (
    CSV_MAX_FEATURES,
    CSV_MAX_TARGETS,
    csv_columns,
    parse_csv,
)
from nnplay.data.dataset import DataError

MAX_MESSAGE = 500  # "a few hundred characters"
BIG = 9_000_000  # a 9 MB cell
LONG_NAME = "n" * 100  # the longest column name allowed


def table(header: list[str], rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(cells) for cells in [header, *rows]) + "\n").encode()


def with_cell(value: str, column: int = 0) -> bytes:
    """Columns x (0, 1, 2, …) and y (0, 1, 0, …), with `value` in `column` of the first data row (line 2)."""
    rows = [[str(i), str(i % 2)] for i in range(6)]
    rows[0][column] = value
    return table(["x", "y"], rows)


MANY_COLUMNS = [f"{LONG_NAME[:95]}{i:05d}" for i in range(CSV_MAX_FEATURES + CSV_MAX_TARGETS)]

# (name, file, task, targets, words the message must contain)
CASES = [
    ("text in a numeric column", with_cell("x" * BIG), "binary", ("y",), ["must contain numbers", "9,000,000"]),
    ("a number beyond float32", with_cell("1." + "0" * BIG + "e400"), "binary", ("y",), ["too large"]),
    ("a regression target beyond the bound", with_cell("1" + "0" * 20 + "." + "0" * BIG, column=1),
     "regression", ("y",), ["Rescale", "line 2"]),
    ("a negative target for y ≥ 0", with_cell("-1." + "0" * BIG, column=1), "regression_nonneg", ("y",),
     ["negative"]),
    ("a label that is not 0 or 1", with_cell("0.5" + "0" * BIG, column=1), "multilabel", ("y",), ["only 0 and 1"]),
    ("a target with one huge class", table(["x", "y"], [[str(i), "c" * (BIG // 5)] for i in range(5)]), "binary",
     ("y",), ["only one class"]),
    ("huge classes for binary", table(["x", "y"], [[str(i), c * (BIG // 4)] for i, c in enumerate("abcd")]),
     "binary", ("y",), ["exactly 2 classes"]),
    ("an empty cell under a long name", table([LONG_NAME, "y"], [["", "0"], ["1", "1"], ["2", "0"], ["3", "1"]]),
     "binary", ("y",), ["empty cell"]),
    ("a missing value", table([LONG_NAME, "y"], [["n/a", "0"], ["1", "1"], ["2", "0"], ["3", "1"]]),
     "binary", ("y",), ["missing value"]),
    ("a header of huge numbers", table(["1" * BIG, "2" * 1000, "3"], [["1", "2", "3"]] * 5), "binary", ("3",),
     ["looks like data"]),
    ("a huge column name", table(["x" * BIG, "y"], [["1", "0"]] * 5), "binary", ("y",), ["characters long"]),
    ("a long name twice", table([LONG_NAME, LONG_NAME, "y"], [["1", "2", "0"]] * 5), "binary", ("y",),
     ["appears twice"]),
    ("one long-named column", table([LONG_NAME], [["1"]] * 5), "binary", (LONG_NAME,), ["at least 2 columns"]),
    ("a header of many long names, no rows", table(MANY_COLUMNS, []), "binary", (MANY_COLUMNS[-1],),
     ["no data rows"]),
    ("a huge target name and many long columns", table(MANY_COLUMNS, [["1"] * len(MANY_COLUMNS)] * 5), "binary",
     ("t" * BIG,), ["There is no column"]),
    ("a long target chosen twice", table(["x", LONG_NAME], [["1", "0"]] * 5), "multilabel", (LONG_NAME, LONG_NAME),
     ["twice"]),
    ("ten long targets for a one-target task", table(MANY_COLUMNS, [["1"] * len(MANY_COLUMNS)] * 5), "binary",
     tuple(MANY_COLUMNS[:10]), ["predicts one column"]),
    ("an unknown task", table(["x", "y"], [["1", "0"], ["2", "1"]] * 3), "t" * BIG, ("y",), ["Unknown task"]),
    ("an unclosed quote", b'x,y\n1,0\n"' + b"q" * BIG + b",1\n", "binary", ("y",), ["line 3", "never closed"]),
    ("unprintable characters in a cell", with_cell("\x01" * BIG), "binary", ("y",), ["must contain numbers"]),
]


@pytest.mark.parametrize("name, content, task, targets, words", CASES, ids=[c[0] for c in CASES])
def test_every_message_quotes_only_a_short_excerpt(name, content, task, targets, words):
    with pytest.raises(DataError) as info:
        parse_csv(content, task, targets)
    message = str(info.value)
    assert len(message) <= MAX_MESSAGE, (len(message), message[:1000])
    for word in words:
        assert word in message, (word, message[:1000])


def test_a_long_excerpt_says_how_long_the_whole_value_is():
    with pytest.raises(DataError) as info:
        parse_csv(with_cell("abc" * 1000), "binary", ("y",))
    message = str(info.value)
    assert "'abcabc" in message and "…" in message and "(3,000 characters)" in message


def test_short_values_are_quoted_whole():
    with pytest.raises(DataError) as info:
        parse_csv(with_cell("red"), "binary", ("y",))
    assert "line 2 has 'red'." in str(info.value)


def test_a_column_list_that_fits_is_shown_whole():
    with pytest.raises(DataError) as info:
        parse_csv(table(["size", "weight", "y"], [["1", "2", "0"]] * 5), "binary", ("label",))
    assert "The columns are: size, weight, y." in str(info.value)


def test_a_long_column_list_says_how_many_there_are():
    with pytest.raises(DataError) as info:
        parse_csv(table(MANY_COLUMNS, [["1"] * len(MANY_COLUMNS)] * 5), "binary", ("label",))
    assert f"({len(MANY_COLUMNS)} in all)" in str(info.value)


def test_csv_columns_messages_are_short_too():
    with pytest.raises(DataError) as info:
        csv_columns(table(["1" * BIG, "2"], [["1", "2"]] * 5))
    assert len(str(info.value)) <= MAX_MESSAGE
