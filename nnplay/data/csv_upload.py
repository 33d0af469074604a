"""A learner's own CSV: read, checked against the caps, and turned into a Dataset, or a DataError that says
in a person's words what is wrong with the file.
"""

from __future__ import annotations

import decimal
import hashlib
import io
import re
import threading
from typing import Any

import numpy as np

from nnplay.config.catalog import TASKS
from nnplay.data.dataset import DataError, Dataset, split_indices

# ==========================================================================
# CSV upload. Every problem becomes a DataError naming the column, line and value.
# ==========================================================================

CSV_MAX_BYTES = 10 * 1024 * 1024
CSV_MAX_ROWS = 20_000
CSV_MAX_FEATURES = 100
CSV_MAX_CLASSES = 20
CSV_MIN_ROWS = 4  # at least a couple of rows on each side of the train/test split
CSV_MAX_TARGETS = 10  # multi-label: as many as a link can carry (nnplay.config.links)
CSV_MAX_COLUMNS = CSV_MAX_FEATURES + CSV_MAX_TARGETS
CSV_LIMITS = (f"At most {CSV_MAX_BYTES // 2**20} MB, {CSV_MAX_ROWS:,} rows, {CSV_MAX_FEATURES} feature columns and "
              f"{CSV_MAX_CLASSES} classes; UTF-8 text with a header row naming the columns.")
_MISSING_MARKERS = {"nan", "na", "n/a", "null", "none", "?", "-"}
_SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}  # the first is the default
_EXCERPT_CHARS = 60  # what a message quotes of one cell or name: a 9 MB cell makes a sentence, not 9 MB
# A regression target must stay well inside float32 (at most 3.4e38), not just in it: Keras sums a batch's
# squared errors in float32, and a full batch has up to CSV_MAX_ROWS rows, so errors beyond
# sqrt(3.4e38 / 20,000) ≈ 1.3e17 make the loss inf. An untrained network predicts about 0, so its first
# errors are the targets themselves; 1e16 leaves room for predictions that overshoot. (Measured: Keras's
# MSE of 20,000 targets of 1e18 against predictions of 0 is inf; of 1e17, 1e34.)
CSV_MAX_TARGET = 1e16
# Distinct uploads whose cell table (or refusal) is kept. A table holds Arrow strings: about 25 MB for the
# largest file allowed (20,000 rows × 110 columns), so at most about 100 MB in all.
CSV_CACHE_FILES = 4


def _quote(value: str) -> str:
    """A cell or name from the file as a message shows it: quoted, and cut short when long."""
    value = str(value)
    n = _EXCERPT_CHARS
    while len(repr(value[:n])) > 2 * _EXCERPT_CHARS:  # an unprintable character takes 4–10 in repr
        n //= 2
    if n >= len(value):
        return repr(value)
    return f"{value[:n]!r}… ({len(value):,} characters)"


def _names(names, budget: int = 200) -> str:
    """Names joined by commas, as many as fit in about `budget` characters, each cut short when long."""
    names = [str(name) for name in names]
    shown, used = [], 0
    for name in names:
        short = name if len(name) <= 40 else name[:40] + "…"
        if shown and used + len(short) > budget:
            break
        shown.append(short)
        used += len(short) + 2
    more = f", … ({len(names):,} in all)" if len(shown) < len(names) else ""
    return ", ".join(shown) + more


def _rescale_advice(cells, values: np.ndarray) -> str:
    """Advice to divide a column by the power of ten of its largest value (1e39 → 1e39)."""
    largest = cells.iloc[int(np.abs(values).argmax())]
    try:
        power = decimal.Decimal(largest).adjusted()  # exact even where a float overflows (1e400)
    except decimal.InvalidOperation:
        return "Rescale the column first, e.g. divide every value by a power of ten."
    return f"Rescale the column first: divide every value by 1e{power} (a 1 followed by {power} zeros)."


def _decode_csv(csv_bytes: bytes) -> str:
    """The file as text with \\n line ends, or a DataError saying why it is not UTF-8 CSV text."""
    if len(csv_bytes) == 0:
        raise DataError("The CSV file is empty.")
    if len(csv_bytes) > CSV_MAX_BYTES:
        raise DataError(f"The CSV file is too large ({len(csv_bytes) / 1e6:.1f} MB); "
                        f"the limit is {CSV_MAX_BYTES // (1024 * 1024)} MB.")
    head = bytes(csv_bytes[:8192])
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError("This is an Excel workbook (or another zip/binary file), not a CSV text file. "
                        "In Excel use File → Save As → 'CSV UTF-8 (comma delimited)'.")
    for magic, kind in _BINARY_MAGIC:
        if head.startswith(magic):
            raise DataError(f"This is {kind}, not a CSV text file. Upload a table saved as 'CSV UTF-8'.")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError("This CSV is saved as UTF-16 text. Save it again as 'CSV UTF-8' "
                        "(in Excel: File → Save As → 'CSV UTF-8 (comma delimited)').")
    if b"\x00" in head:
        raise DataError("This looks like a binary file, not a CSV text file. Save your table as 'CSV UTF-8'.")
    try:
        text = bytes(csv_bytes).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = csv_bytes[exc.start]
        raise DataError(f"The CSV file is not UTF-8 text (byte 0x{bad:02x} at position {exc.start}). "
                        "Save it as 'CSV UTF-8'.") from None
    if not text.strip():
        raise DataError("The CSV file is empty (only blank lines).")
    # Windows ends lines with \r\n and old Macs with a lone \r: every check below counts \n.
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Files that are certainly not CSV text, by their first bytes (an upload's name proves nothing).
_BINARY_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ", "an xz-compressed file"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"MZ", "a Windows program"),
    (b"SQLite format 3", "an SQLite database"),
    (b"PAR1", "a Parquet file"),
    (b"\x93NUMPY", "a NumPy array file"),
)


def _header_line(text: str) -> str:
    return text.lstrip().split("\n", 1)[0]


def _separator(header: str) -> str:
    """The cell separator: a comma, unless the header line has more semicolons or tabs (outside quotes).
    Excel in many European languages saves ';'-separated files, with decimal commas in the cells."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    return max(_SEPARATORS, key=unquoted.count)  # on a tie, the comma


def _check_shape(text: str, sep: str) -> None:
    """Refuse too many rows or columns before pandas builds a cell per value: within the byte cap,
    10 MB of "1\\n" is five million rows, and 10 MB of "1," five million columns."""
    if text.count("\n") > CSV_MAX_ROWS:  # the lines are an upper bound on the rows; only then count them
        rows = _count_rows(text, sep)
        if rows > CSV_MAX_ROWS:
            raise DataError(f"The CSV has {rows:,} data rows; the limit is {CSV_MAX_ROWS:,}.")
    columns = _header_line(text).count(sep) + 1
    if columns > CSV_MAX_COLUMNS:
        raise DataError(f"The CSV's header has {columns:,} columns; the limit is {CSV_MAX_FEATURES} feature "
                        f"columns and {CSV_MAX_TARGETS} target columns.")


def _count_rows(text: str, sep: str) -> int:
    """The data rows (records that are not blank) after the header, as pandas will read them."""
    if '"' in text:  # a quoted cell may hold line breaks: stand one character in for each quoted cell
        # A quote opens a quoted cell only at the start of a cell; "" inside it is a quote character.
        quoted_cell = rf'(?<![^\n{re.escape(sep)}])"[^"]*(?:""[^"]*)*"'
        text = re.sub(quoted_cell, "q", text)
    lines = text.count("\n") + 1
    blank_lines = len(re.findall(rf"^[ \t\f\v{re.escape(sep)}]*$", text, flags=re.MULTILINE))
    return lines - blank_lines - 1  # the header is not a data row


def _read_cells(text: str, sep: str):
    """All cells as stripped strings; row i of the frame is line i + 1 of the file."""
    import pandas as pd

    try:
        table = pd.read_csv(io.StringIO(text), header=None, dtype=str, na_filter=False,
                            skip_blank_lines=False, sep=sep)
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, saw = match.groups()
            raise DataError(f"Line {line} has {saw} cells but the header has {expected}. "
                            f"Every row needs the same number of {_SEPARATORS[sep]}-separated cells.") from None
        match = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if match:  # pandas counts rows from 0
            raise DataError(f'A quoted cell on line {int(match.group(1)) + 1} is never closed: every " that '
                            'opens a cell needs a closing ".') from None
        raise DataError(f"The CSV file could not be read: {str(exc)[:200]}") from None
    except pd.errors.EmptyDataError:
        raise DataError("The CSV file is empty.") from None
    table = table.apply(lambda col: col.str.strip())
    blank = (table == "").all(axis=1)
    if blank.all():
        raise DataError("The CSV file has no values, only separators and blank lines.")
    return table[~blank]


# A number written with a decimal comma: 1,5  -2,  ,5  1,5e3
_DECIMAL_COMMA = r"[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?"


def _decimal_commas_to_dots(table):
    """1,5 → 1.5 in a ';'-separated file's cells. Only cells that are such a number change (a text
    label keeps its commas), and the header row keeps its names."""
    def fix(column):
        number = column.str.fullmatch(_DECIMAL_COMMA).to_numpy(dtype=bool, copy=True)
        number[0] = False  # the header row
        return column.where(~number, column.str.replace(",", ".", regex=False))

    return table.apply(fix)


def _read_table(csv_bytes: bytes):
    """Decode, pre-check and read the file into its table of cells: the expensive step."""
    text = _decode_csv(csv_bytes)
    sep = _separator(_header_line(text))
    _check_shape(text, sep)
    table = _read_cells(text, sep)
    return _decimal_commas_to_dots(table) if sep == ";" else table


_csv_tables: dict[bytes, Any] = {}  # sha256 of a file → its table, or the message refusing it; oldest first
_csv_tables_lock = threading.Lock()


def _cell_table(csv_bytes: bytes):
    """The file's table of cells, or the DataError refusing it, worked out once per distinct content:
    the page asks for the columns and then the data on every rerun, and 10 MB takes about a second."""
    if not isinstance(csv_bytes, (bytes, bytearray)):
        raise DataError("No CSV file was given. Upload a .csv file first.")
    key = hashlib.sha256(csv_bytes).digest()
    with _csv_tables_lock:
        found = _csv_tables.pop(key, None)
    if found is None:
        try:
            found = _read_table(csv_bytes)
        except DataError as err:
            found = str(err)  # the message only: the exception would keep its frames, and the text
    with _csv_tables_lock:
        _csv_tables[key] = found  # now the newest
        while len(_csv_tables) > CSV_CACHE_FILES:
            del _csv_tables[next(iter(_csv_tables))]
    if isinstance(found, str):
        raise DataError(found)
    return found


def cached_csv_files() -> int:
    """How many uploaded files' tables the cache holds now (at most CSV_CACHE_FILES)."""
    with _csv_tables_lock:
        return len(_csv_tables)


def clear_csv_cache() -> None:
    """Forget the files read so far."""
    with _csv_tables_lock:
        _csv_tables.clear()


def _header(table) -> list[str]:
    names = [str(v) for v in table.iloc[0]]
    for i, name in enumerate(names):
        if not name:
            raise DataError(f"Column {i + 1} has no name in the header row (line 1). Give every column a name.")
    if _looks_like_data(names):
        raise DataError(f"The first line ({_names(names, budget=80)}) looks like data, not column names: the "
                        "file has no header row. Add a first line that names the columns, e.g. size,weight,label.")
    for i, name in enumerate(names):
        if len(name) > 100:
            raise DataError(f"Column {i + 1}'s name is {len(name):,} characters long; at most 100 are allowed.")
    seen = set()
    for name in names:
        if name in seen:
            raise DataError(f"The column name {_quote(name)} appears twice in the header row. "
                            "Column names must differ.")
        seen.add(name)
    return names


def _looks_like_data(names: list[str]) -> bool:
    """A header of numbers only is a data row, unless it is 0, 1, 2, … (what pandas writes for
    unnamed columns)."""
    try:
        numbers = [float(name) for name in names]
    except ValueError:
        return False
    return numbers != list(range(len(names)))


def _numeric_column(name: str, cells, role: str) -> np.ndarray:
    """Float values of a column, or a DataError naming the first bad line and value."""
    import pandas as pd

    lines = cells.index.to_numpy() + 1
    empty = (cells == "").to_numpy()
    if empty.any():
        raise DataError(f"{role} column {_quote(name)} has an empty cell at line {lines[empty.argmax()]}. "
                        "Fill it in or delete that row.")
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.isnan(values)
    if bad.any():
        i = bad.argmax()
        cell = cells.iloc[i]
        if cell.lower() in _MISSING_MARKERS:
            raise DataError(f"{role} column {_quote(name)} has a missing value {_quote(cell)} at line {lines[i]}. "
                            "Fill it in or delete that row.")
        hint = " Use a dot as the decimal separator." if re.fullmatch(r"-?\d+,\d+", cell) else ""
        raise DataError(f"{role} column {_quote(name)} must contain numbers, but line {lines[i]} has "
                        f"{_quote(cell)}.{hint} Turn categories into numbers or remove the column.")
    # The network computes in float32: inf itself, and numbers that float32 cannot hold (1e39), are refused.
    with np.errstate(over="ignore"):
        beyond = np.isinf(values.astype(np.float32))
    if beyond.any():
        i = beyond.argmax()
        cell = cells.iloc[i]
        if "inf" in cell.lower():
            raise DataError(f"{role} column {_quote(name)} has a non-finite number {_quote(cell)} at line {lines[i]}.")
        raise DataError(f"{role} column {_quote(name)} has {_quote(cell)} at line {lines[i]}, a number too large "
                        "for the 32-bit floats the network computes with (at most about ±3.4e38). "
                        + _rescale_advice(cells, values))
    return values


def _class_target(name: str, cells, task: str) -> tuple[np.ndarray, list[str]]:
    """Labels (strings or numbers) → int32 0..K-1, with the original values as class names."""
    lines = cells.index.to_numpy() + 1
    empty = (cells == "").to_numpy()
    if empty.any():
        raise DataError(f"Target column {_quote(name)} has an empty cell at line {lines[empty.argmax()]}.")
    values = cells.to_numpy(dtype=object)
    try:  # numbers sort as numbers (2 before 10) and "1" equals "1.0"
        numbers = np.array([float(v) for v in values])
        if not np.isfinite(numbers).all():
            raise ValueError
        classes, y = np.unique(numbers, return_inverse=True)
        names = [f"{c:g}" for c in classes]
    except ValueError:
        classes, y = np.unique(values.astype(str), return_inverse=True)
        names = [str(c) for c in classes]
    if len(names) < 2:
        raise DataError(f"Target column {_quote(name)} has only one class ({_quote(names[0])}); "
                        "a classifier needs at least two different labels.")
    if task == "binary" and len(names) != 2:
        raise DataError(f"Binary classification needs exactly 2 classes, but target column {_quote(name)} has "
                        f"{len(names)} ({_names(names, budget=100)}). Choose the multiclass task instead.")
    if len(names) > CSV_MAX_CLASSES:
        raise DataError(f"Target column {_quote(name)} has {len(names)} different values; at most {CSV_MAX_CLASSES} "
                        "classes are allowed. Is it a number to predict? Then choose a regression task.")
    return y.astype(np.int32), names


def _label_target(name: str, cells) -> np.ndarray:
    """A multi-label column: only 0 and 1."""
    values = _numeric_column(name, cells, "Label")
    bad = ~np.isin(values, (0.0, 1.0))
    if bad.any():
        i = bad.argmax()
        raise DataError(f"Label column {_quote(name)} must contain only 0 and 1 (yes/no), "
                        f"but line {cells.index[i] + 1} has {_quote(cells.iloc[i])}.")
    return values.astype(np.float32)


def _targets_y(task: str, targets: tuple[str, ...], data) -> tuple[np.ndarray, list[str], list[str]]:
    """y and class names for the task; notes come back as the third item."""
    notes: list[str] = []
    if task in ("binary", "multiclass"):
        y, names = _class_target(targets[0], data[targets[0]], task)
        return y, names, notes
    if task == "multilabel":
        y = np.stack([_label_target(t, data[t]) for t in targets], axis=1)
        for t, column in zip(targets, y.T):
            if column.min() == column.max():
                notes.append(f"Label {_quote(t)} is always {int(column[0])}; there is nothing to learn for it.")
        return y, list(targets), notes
    if task in TASKS and TASKS[task].is_regression:
        y = _regression_target(targets[0], data[targets[0]])
        if task == "regression_nonneg" and (y < 0).any():
            i = int((y < 0).argmax())
            raise DataError(f"The task 'Regression (y ≥ 0)' needs a target that is never negative, but column "
                            f"{_quote(targets[0])} has {_quote(data[targets[0]].iloc[i])} at line "
                            f"{data.index[i] + 1}. Choose plain regression instead.")
        return y.astype(np.float32), [], notes
    raise DataError(f"Unknown task {_quote(task)}.")


def _regression_target(name: str, cells) -> np.ndarray:
    """A regression target's values, refused when so large that the squared error overflows float32."""
    y = _numeric_column(name, cells, "Target")
    big = np.abs(y) > CSV_MAX_TARGET
    if big.any():
        i = int(big.argmax())
        limit = f"{CSV_MAX_TARGET:.0e}".replace("+", "")
        raise DataError(f"Target column {_quote(name)} has {_quote(cells.iloc[i])} at line {cells.index[i] + 1}: "
                        f"with targets beyond ±{limit} the squared error overflows the 32-bit floats the network "
                        "trains with, so the loss would be infinite whatever the learning rate. "
                        + _rescale_advice(cells, y) + " The predictions are then in those units.")
    return y


def _check_targets(task: str, targets: tuple[str, ...], columns: list[str]) -> None:
    if not targets:
        raise DataError("Choose the target column (the value to predict).")
    for target in targets:
        if targets.count(target) > 1:
            raise DataError(f"The target column {_quote(target)} is chosen twice; choose each column once.")
    if task != "multilabel" and len(targets) != 1:
        raise DataError(f"This task predicts one column; {len(targets)} were chosen ({_names(targets)}). "
                        "Several yes/no columns need the multi-label task.")
    hint = ""
    if all(re.fullmatch(r"-?[\d.]+", c) for c in columns):
        hint = " The first line is used as the header: does the file start with a row of column names?"
    for target in targets:
        if target not in columns:
            raise DataError(f"There is no column {_quote(target)}. The columns are: {_names(columns)}.{hint}")
    if len(columns) - len(targets) < 1:
        raise DataError("Every column is a target; at least one other column is needed as input (feature).")
    if len(columns) - len(targets) > CSV_MAX_FEATURES:
        raise DataError(f"The file has {len(columns) - len(targets)} feature columns; "
                        f"the limit is {CSV_MAX_FEATURES}.")


def csv_columns(csv_bytes: bytes) -> list[str]:
    """The header's column names, for choosing targets; DataError if the file cannot be read."""
    return _header(_cell_table(csv_bytes))


def parse_csv(csv_bytes: bytes | None, task: str, targets: tuple[str, ...] | list[str],
              train_fraction: float = 0.5, seed: int = 0) -> Dataset:
    """A learner's CSV → Dataset, or a DataError saying what is wrong and where.

    The first line is the header. `targets` name the column(s) to predict; every
    other column is a feature and must be numeric. Classification labels may be
    text or numbers (sorted, mapped to 0..K-1). Features are standardised with
    the training rows' mean and standard deviation (stored on the Dataset).
    """
    table = _cell_table(csv_bytes)
    columns = _header(table)
    data = table.iloc[1:].set_axis(columns, axis=1)  # a new frame: the cached table stays as it was
    if len(columns) < 2:
        raise DataError(f"The CSV needs at least 2 columns (inputs and a target) but has 1 ({_quote(columns[0])}). "
                        "Are the values separated by commas?")
    if len(data) == 0:
        raise DataError(f"The CSV has a header ({_names(columns)}) but no data rows.")
    if len(data) < CSV_MIN_ROWS:
        raise DataError(f"The CSV has only {len(data)} data rows; at least {CSV_MIN_ROWS} are needed "
                        "to train and test.")
    if len(data) > CSV_MAX_ROWS:
        raise DataError(f"The CSV has {len(data):,} data rows; the limit is {CSV_MAX_ROWS:,}.")
    targets = tuple(targets)
    _check_targets(task, targets, columns)
    features = [c for c in columns if c not in targets]
    x = np.stack([_numeric_column(c, data[c], "Feature") for c in features], axis=1)
    y, class_names, notes = _targets_y(task, targets, data)

    train, test = split_indices(len(x), train_fraction, np.random.default_rng(seed))
    x, means, stds = _standardise(x, train)
    notes.append("Features are standardised, (x − mean) / std with the training rows' mean and std: "
                 "raw columns on very different scales make gradient descent diverge.")
    return Dataset(
        x_train=x[train],
        y_train=y[train],
        x_test=x[test],
        y_test=y[test],
        feature_names=features,
        class_names=class_names,
        source=f"your CSV: {len(x):,} rows, {len(features)} feature column(s), target {', '.join(targets)}",
        notes=notes,
        feature_means=means.astype(np.float32),
        feature_stds=stds.astype(np.float32),
        target_names=list(targets),
    )


def _standardise(x: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x − mean) / std in float64 with the training rows' mean and std, as float32; and the mean and std.
    Every value fits float32 (_numeric_column), so float64 sums and squares of them cannot overflow."""
    means = x[train].mean(axis=0)
    stds = x[train].std(axis=0)
    stds[stds == 0] = 1.0  # a constant column stays 0 instead of dividing by zero
    # A column nearly constant in the training rows has a std of rounding noise, and a test row far from its
    # mean would become inf in float32. Let no value end more than 1e6 stds out; ordinary data never comes
    # near (a training row is at most sqrt(n) ≈ 141 stds from the mean), so this changes nothing for it.
    stds = np.maximum(stds, np.abs(x - means).max(axis=0) / 1e6)
    return ((x - means) / stds).astype(np.float32), means, stds
