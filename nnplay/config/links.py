"""nnplay links: PlaygroundConfig <-> URL query parameters (v=1).

One declarative table, FIELDS, lists every config field with its query key, its
parser, its formatter and when it has an effect (the way TF Playground's
state.ts drives both directions from one list). encode() and decode() are
both loops over that table, so a field added once shows up in both.

Links are versioned (v=1) and write every field that has an effect, even at
its default value, so a link keeps its meaning when a default changes later.
Fields with no effect for a config (Adam's beta_1 under SGD, noise for MNIST)
are left out; normalize() resets them to their defaults, so

    decode(encode(c)) == (normalize(c), [])    for every valid config c.

decode() never raises: a bad value falls back to its default with a warning
that names the key, and the config it returns always passes validate.
TensorFlow Playground links are read by nnplay.config.tf_playground.

Imports nothing heavy (no TensorFlow, no Streamlit): the home page uses it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, quote_plus, unquote, urlencode

from nnplay.config.catalog import (
    DATASETS,
    FEATURES,
    OPTIMIZERS,
    REGULARIZATIONS,
    TASKS,
    hidden_activations,
    is_toy,
)
from nnplay.config.schema import (
    CAPS,
    ConfigError,
    HiddenLayer,
    PlaygroundConfig,
    default_config,
    validate,
    with_optimizer,
)

__all__ = [
    "FIELDS",
    "VERSION",
    "Field",
    "decode",
    "encode",
    "from_query_string",
    "normalize",
    "query_text",
    "to_query_string",
]

VERSION = "1"
VERSION_KEY = "v"
MAX_VALUE_LEN = 500  # longer values are ignored unread: decoding stays cheap on hostile links
MAX_LINK_LEN = 20_000  # whole query strings / pasted links longer than this are not parsed
_SHOWN_LEN = 40  # how much of a bad value or key a warning quotes

_DEFAULT = PlaygroundConfig()


# --------------------------------------------------------------------------
# Parsers and formatters. A parser takes the raw text and returns the value,
# raises _Invalid(reason) to reject it, or _Partial(value, reason) to accept
# part of it (e.g. the first 6 of 8 hidden layers).
# --------------------------------------------------------------------------


class _Invalid(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # completes "must be ...", "... is not ...": read by a person


class _Partial(Exception):
    def __init__(self, value: Any, reason: str):
        super().__init__(reason)
        self.value = value
        self.reason = reason


# ASCII only: Python's int()/float() also accept "١٢", "1_000" and "infinity".
_INT_RE = re.compile(r"[+-]?[0-9]+")
NUMBER_PATTERN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def number_text(text: str) -> str:
    # A literal "+" in a query string arrives as a space ("1e+3" -> "1e 3").
    return text.strip().replace(" ", "+")


def _int_in(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        text = number_text(text)
        if not _INT_RE.fullmatch(text) or not low <= int(text) <= high:
            raise _Invalid(f"must be a whole number from {low} to {high}")
        return int(text)

    return parse


def _float_in(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        text = number_text(text)
        # float() turns 1e400 into inf and keeps nan; the range test rejects both.
        if not NUMBER_PATTERN.fullmatch(text) or not low <= float(text) <= high:
            raise _Invalid(f"must be a number from {low:g} to {high:g}")
        return float(text)

    return parse


def _mapped(table: Mapping[str, Any]) -> Callable[[str], Any]:
    """A parser for one of a few words (case-insensitive), each standing for a value."""
    allowed = ", ".join(table)

    def parse(text: str) -> Any:
        word = text.strip().lower()
        if word not in table:
            raise _Invalid(f"must be one of {allowed}")
        return table[word]

    return parse


def _one_of(names: Iterable[str]) -> Callable[[str], str]:
    """A parser for one of the names (case-insensitive). Given a catalog dict, it reads the dict
    when it parses, so a record registered after this module was imported is accepted too."""

    def parse(text: str) -> str:
        word = text.strip().lower()
        known = tuple(names)
        if word not in known:
            raise _Invalid(f"must be one of {', '.join(known)}")
        return word

    return parse


_BOOLS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _parse_bool(text: str) -> bool:
    key = text.strip().lower()
    if key not in _BOOLS:
        raise _Invalid("must be 1 or 0")
    return _BOOLS[key]


def _fmt_int(value: Any) -> str:
    return str(int(value))


def format_float(value: Any) -> str:
    # repr is the shortest text that reads back to the very same float.
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _fmt_bool(value: Any) -> str:
    return "1" if value else "0"


def _fmt_list(values: Iterable[Any]) -> str:
    return ",".join(str(v) for v in values)


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",")]


def _parse_features(text: str) -> tuple[str, ...]:
    items = _items(text)
    if not all(item in FEATURES for item in items):
        raise _Invalid(f"must be a comma-separated list of {', '.join(FEATURES)}")
    unique = tuple(dict.fromkeys(items))
    if len(unique) < len(items):
        raise _Partial(unique, "dropped the repeated features")
    return unique


def _parse_digits(text: str) -> tuple[int, int]:
    items = _items(text)
    if len(items) != 2 or not all(re.fullmatch(r"[0-9]", d) for d in items) or items[0] == items[1]:
        raise _Invalid("must be two different digits 0-9, e.g. 3,8")
    return int(items[0]), int(items[1])


# CSV column names may contain commas: escape "%" and "," inside a name.
def _fmt_csv_targets(names: Iterable[str]) -> str:
    return ",".join(name.replace("%", "%25").replace(",", "%2C") for name in names)


def _parse_csv_targets(text: str) -> tuple[str, ...]:
    names = tuple(unquote(item) for item in text.split(","))
    if len(names) > 10 or not all(0 < len(name) <= 100 for name in names):
        raise _Invalid("must be 1 to 10 column names of up to 100 characters, separated by commas")
    unique = tuple(dict.fromkeys(names))
    if len(unique) < len(names):
        raise _Partial(unique, "dropped the repeated column names")
    return names


_LAYER_RE = re.compile(r"([0-9]{1,4})([a-z_]+)")


def _fmt_hidden(layers: Iterable[HiddenLayer]) -> str:
    return ",".join(f"{layer.units}{layer.activation}" for layer in layers) or "none"


def _parse_hidden(text: str) -> tuple[HiddenLayer, ...]:
    if text.strip().lower() == "none":
        return ()
    low, high = CAPS["units"]
    tokens = _items(text.lower())
    most = CAPS["hidden_layers"][1]
    layers = []
    for token in tokens[:most]:
        match = _LAYER_RE.fullmatch(token)
        if not match or not low <= int(match[1]) <= high or match[2] not in hidden_activations():
            raise _Invalid(
                f"must be layers like 4tanh,2tanh (units {low}-{high} then one of "
                f"{', '.join(hidden_activations())}) or none"
            )
        layers.append(HiddenLayer(int(match[1]), match[2]))
    if len(tokens) > most:
        raise _Partial(tuple(layers), f"at most {most} hidden layers, so kept the first {most} of {len(tokens)}")
    return tuple(layers)


def _parse_batch(text: str) -> int:
    if text.strip().lower() == "full":
        return 0  # 0 = full batch
    low, high = CAPS["batch_size"]
    try:
        return _int_in(low, high)(text)
    except _Invalid:
        raise _Invalid(f"must be full or a whole number from {max(low, 1)} to {high}") from None


def _fmt_batch(value: Any) -> str:
    return "full" if value == 0 else _fmt_int(value)


def _fmt_logits(value: Any) -> str:
    return "logits" if value else "probs"


# --------------------------------------------------------------------------
# When a field has an effect. Must only read fields that are always relevant
# (task, dataset, optimizer, regularization), so normalize() is idempotent.
# --------------------------------------------------------------------------


def _always(config: PlaygroundConfig) -> bool:
    return True


def _toy(config: PlaygroundConfig) -> bool:
    return is_toy(config.dataset)


def _uses_n_classes(config: PlaygroundConfig) -> bool:
    # Toy multiclass / multi-label data has K classes. For CSV, K really comes from
    # the file, but config.n_outputs (hence the parameter cap) still reads n_classes,
    # so it is kept: resetting it could push a config over the cap.
    return config.task in ("multiclass", "multilabel") and config.dataset != "mnist"


def _mnist_binary(config: PlaygroundConfig) -> bool:
    return config.dataset == "mnist" and config.task == "binary"


def _is_csv_with_targets(config: PlaygroundConfig) -> bool:
    # CSV with no target chosen yet (the file is still to come) writes no csv= key at all.
    return config.dataset == "csv" and bool(config.csv_targets)


def _logits_allowed(config: PlaygroundConfig) -> bool:
    rule = TASKS.get(config.task)
    return rule is not None and rule.logits_allowed


def _optimizer_takes(param: str) -> Callable[[PlaygroundConfig], bool]:
    def relevant(config: PlaygroundConfig) -> bool:
        rule = OPTIMIZERS.get(config.optimizer)
        return rule is not None and param in rule.params

    return relevant


def _regularized(config: PlaygroundConfig) -> bool:
    return config.regularization != "none"


# --------------------------------------------------------------------------
# The table.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One config field in the URL: its key, how to read and write it, when it matters."""

    name: str  # PlaygroundConfig attribute
    key: str  # query-string key
    parse: Callable[[str], Any]
    format: Callable[[Any], str]
    relevant: Callable[[PlaygroundConfig], bool] = _always
    max_len: int = MAX_VALUE_LEN


def _span(*caps: str) -> tuple[int, int]:
    """The widest range over several caps (per-field check; cross-field limits come later)."""
    return min(CAPS[c][0] for c in caps), max(CAPS[c][1] for c in caps)


FIELDS: tuple[Field, ...] = (
    Field("task", "task", _one_of(TASKS), str),
    Field("dataset", "data", _one_of(DATASETS), str),
    Field("n_samples", "n", _int_in(*_span("n_samples_toy", "n_samples_real")), _fmt_int),
    Field("noise", "noise", _float_in(*CAPS["noise"]), format_float, _toy),
    Field("train_fraction", "split", _float_in(*CAPS["train_fraction"]), format_float),
    Field("features", "feat", _parse_features, _fmt_list, _toy),
    Field("n_classes", "k", _int_in(*CAPS["n_classes"]), _fmt_int, _uses_n_classes),
    Field("digits", "digits", _parse_digits, _fmt_list, _mnist_binary),
    # 10 names x 100 characters, each possibly escaped to 3: allow the escaped length.
    Field("csv_targets", "csv", _parse_csv_targets, _fmt_csv_targets, _is_csv_with_targets, max_len=3_100),
    Field("data_seed", "dseed", _int_in(*CAPS["seed"]), _fmt_int),
    Field("hidden", "hidden", _parse_hidden, _fmt_hidden),
    Field("from_logits", "out", _mapped({"logits": True, "probs": False}), _fmt_logits, _logits_allowed),
    Field("optimizer", "opt", _one_of(OPTIMIZERS), str),
    Field("learning_rate", "lr", _float_in(*CAPS["learning_rate"]), format_float),
    Field("momentum", "mom", _float_in(*CAPS["momentum"]), format_float, _optimizer_takes("momentum")),
    Field("nesterov", "nest", _parse_bool, _fmt_bool, _optimizer_takes("nesterov")),
    Field("beta_1", "b1", _float_in(*CAPS["beta"]), format_float, _optimizer_takes("beta_1")),
    Field("beta_2", "b2", _float_in(*CAPS["beta"]), format_float, _optimizer_takes("beta_2")),
    Field("epsilon", "eps", _float_in(*CAPS["epsilon"]), format_float, _optimizer_takes("epsilon")),
    Field("rho", "rho", _float_in(*CAPS["rho"]), format_float, _optimizer_takes("rho")),
    Field("batch_size", "batch", _parse_batch, _fmt_batch),
    Field("epochs", "epochs", _int_in(*CAPS["epochs"]), _fmt_int),
    Field("regularization", "reg", _one_of(REGULARIZATIONS), str),
    Field("reg_rate", "rrate", _float_in(*CAPS["reg_rate"]), format_float, _regularized),
    Field("seed", "seed", _int_in(*CAPS["seed"]), _fmt_int),
)
_BY_KEY = {spec.key: spec for spec in FIELDS}
_BY_NAME = {spec.name: spec for spec in FIELDS}
LINK_KEYS = frozenset(_BY_KEY) | {VERSION_KEY}
# Keys a Playground link may also carry for the page rather than the setup: the lesson it was opened
# from (nnplay.lessons.progress) and a teacher's challenge (nnplay.config.challenge). decode() leaves
# them to their readers, without a warning, and the page keeps them when it rewrites the URL.
COMPANION_KEYS = frozenset({"lesson", "goal", "target", "max_units", "max_params", "max_epochs"})


# --------------------------------------------------------------------------
# Encode
# --------------------------------------------------------------------------


def normalize(config: PlaygroundConfig) -> PlaygroundConfig:
    """Reset the fields that have no effect for this config to their defaults."""
    idle = {spec.name: getattr(_DEFAULT, spec.name) for spec in FIELDS if not spec.relevant(config)}
    return replace(config, **idle)


def encode(config: PlaygroundConfig) -> dict[str, str]:
    """Query params for a (valid) config: the version, then every field that has an effect."""
    config = normalize(config)
    params = {VERSION_KEY: VERSION}
    for spec in FIELDS:
        if spec.relevant(config):
            params[spec.key] = spec.format(getattr(config, spec.name))
    return params


def to_query_string(config: PlaygroundConfig) -> str:
    """'v=1&task=binary&...' (no leading '?'), commas left readable."""
    return query_text(encode(config))


def query_text(params: Mapping[str, str]) -> str:
    """Query params as link text, commas left readable (a setup's, a lesson's, a challenge's)."""
    return urlencode(params, safe=",", quote_via=quote_plus)


# --------------------------------------------------------------------------
# Decode
# --------------------------------------------------------------------------


def shown_value(text: Any) -> str:
    """A value or key quoted for a warning, cut short."""
    text = text if isinstance(text, str) else str(text)
    if len(text) > _SHOWN_LEN:
        text = text[:_SHOWN_LEN] + "…"
    return repr(text)


def _default_text(spec: Field, value: Any) -> str:
    return spec.format(value) or "none"


def decode(params: Any) -> tuple[PlaygroundConfig, list[str]]:
    """Config + warnings from query params. Never raises; the config always passes validate().

    params: a dict of str (st.query_params), a dict of lists (urllib.parse.parse_qs),
    a list of (key, value) pairs, or a query string.
    """
    warnings: list[str] = []
    try:
        if isinstance(params, str):
            return from_query_string(params)
        return _decode(params, warnings)
    except Exception as exc:  # last line of defence: a link must never crash a page
        warnings.append(f"Could not read the link settings ({type(exc).__name__}); using the default setup.")
        return PlaygroundConfig(), warnings


def _decode(params: Any, warnings: list[str]) -> tuple[PlaygroundConfig, list[str]]:
    raw = _as_text_dict(params, warnings)
    _check_version(raw.get(VERSION_KEY), warnings)
    unknown = [key for key in raw if key not in LINK_KEYS]
    field_notes: list[tuple[str, str]] = []  # (field name, warning); dropped if the field has no effect

    # The task and the optimizer come first: they decide the other fields' defaults
    # (the task's dataset, the optimizer's usual learning rate).
    values = _read_fields(raw, ["task"], _DEFAULT, field_notes)
    base = default_config(values.get("task", _DEFAULT.task))
    values |= _read_fields(raw, ["optimizer"], base, field_notes)
    if values.get("optimizer", base.optimizer) != base.optimizer:
        base = with_optimizer(base, values["optimizer"])
    others = [spec.name for spec in FIELDS if spec.name not in ("task", "optimizer")]
    values |= _read_fields(raw, others, base, field_notes)

    repairs: list[str] = []
    config = normalize(repaired(replace(base, **values), base, repairs))
    warnings += [note for name, note in field_notes if _BY_NAME[name].relevant(config)]
    warnings += repairs
    if unknown:
        warnings.append(unknown_keys_warning(unknown, "setting"))
    return config, warnings


def _as_text_dict(params: Any, warnings: list[str]) -> dict[str, str]:
    """One text value per key, whatever shape params came in."""
    if params is None:
        return {}
    if isinstance(params, Mapping):
        pairs = list(params.items())
    elif isinstance(params, (list, tuple)):
        pairs = [p for p in params if isinstance(p, (list, tuple)) and len(p) == 2]
        if len(pairs) < len(params):
            warnings.append("Ignored link entries that were not key=value pairs.")
    else:
        warnings.append(f"Could not read link settings of type {type(params).__name__}; using the default setup.")
        return {}

    grouped: dict[str, list[Any]] = {}
    for key, value in pairs:
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        grouped.setdefault(key if isinstance(key, str) else repr(key), []).extend(values)

    result: dict[str, str] = {}
    for key, values in grouped.items():
        if key in COMPANION_KEYS:
            continue  # read by the page, not the setup
        if key not in LINK_KEYS:
            result[key] = ""  # kept only to be named in the unknown-keys warning
            continue
        text = _first_text(key, values, warnings)
        if text is not None:
            result[key] = text
    return result


def _first_text(key: str, values: list[Any], warnings: list[str]) -> str | None:
    """The first value as text, warning about repeats and values that are not text."""
    if not values:
        warnings.append(f"Ignored {key}: it has no value.")
        return None
    if len(values) > 1:
        warnings.append(f"{key} was given {len(values)} times; using the first one and ignoring the others.")
    value = values[0]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        warnings.append(f"Ignored {key}: its value is not text.")
        return None
    return value


def _check_version(version: str | None, warnings: list[str]) -> None:
    # A missing version is read as the current one (a hand-written link).
    if version is not None and version.strip() != VERSION:
        warnings.append(
            f"This link uses link format v={shown_value(version)}, which this nnplay does not know "
            f"(it writes v={VERSION}); reading it as best it can."
        )


def unknown_keys_warning(keys: list[str], what: str) -> str:
    shown = ", ".join(shown_value(key) for key in keys[:5])
    more = f" and {len(keys) - 5} more" if len(keys) > 5 else ""
    return f"Ignored unknown {what}{'s' if len(keys) > 1 else ''} {shown}{more}."


def _read_fields(raw: dict[str, str], names: list[str], base: PlaygroundConfig,
                 notes: list[tuple[str, str]]) -> dict[str, Any]:
    """Parse the given fields present in raw; a rejected value is left out (base value used)."""
    values: dict[str, Any] = {}
    for name in names:
        spec = _BY_NAME[name]
        if spec.key not in raw:
            continue
        text = raw[spec.key]
        default = _default_text(spec, getattr(base, name))
        if len(text) > spec.max_len:
            notes.append((name, f"Ignored {spec.key}: its value is {len(text):,} characters long "
                                f"(at most {spec.max_len:,}); using {default}."))
            continue
        try:
            values[name] = spec.parse(text)
        except _Partial as partial:
            values[name] = partial.value
            notes.append((name, f"Changed {spec.key}={shown_value(text)}: {partial.reason}."))
        except _Invalid as bad:
            notes.append((name, f"Ignored {spec.key}={shown_value(text)}: {bad.reason}; using {default}."))
    return values


def _problems(config: PlaygroundConfig) -> list[tuple[str, Any, str]]:
    try:
        validate(config)
    except ConfigError as error:
        return error.problems
    return []


def repaired(config: PlaygroundConfig, base: PlaygroundConfig, notes: list[str]) -> PlaygroundConfig:
    """Fix the field combinations validate() rejects, falling back field by field to base."""
    for _ in range(5):  # a fix can expose another (a new dataset has a lower sample cap)
        problems = _problems(config)
        if not problems:
            return config
        fixed: set[str] = set()
        for name, value, allowed in problems:
            field_name = "hidden" if name == "total_params" else name.split("[")[0]
            if field_name not in fixed:
                fixed.add(field_name)
                config = _fix(config, base, field_name, name, value, allowed, notes)
    if _problems(config):  # cannot happen with a valid base; keep the promise anyway
        notes.append("Could not make sense of these link settings; using the default setup.")
        return base
    return config


def _fix(config: PlaygroundConfig, base: PlaygroundConfig, field_name: str, name: str,
         value: Any, allowed: str, notes: list[str]) -> PlaygroundConfig:
    spec = _BY_NAME.get(field_name)
    if spec is None:
        return config
    default = _default_text(spec, getattr(base, field_name))
    if name == "total_params":
        notes.append(f"Changed hidden: that network has {value:,} weights and biases, more than this demo "
                     f"allows ({allowed}); using {default}.")
        return replace(config, hidden=base.hidden)
    if field_name == "csv_targets" and config.dataset == "csv":
        if config.csv_targets and all(0 < len(c) <= 100 for c in config.csv_targets):
            notes.append(f"Changed csv: task {config.task} takes one target column; "
                         f"using the first, {shown_value(config.csv_targets[0])}.")
            return replace(config, csv_targets=config.csv_targets[:1])
        notes.append("Ignored csv: its column names cannot be used; choose the target column after uploading.")
        return replace(config, csv_targets=())
    notes.append(f"Changed {spec.key}={shown_value(spec.format(getattr(config, field_name)))}: "
                 f"must be {allowed}; using {default}.")
    return replace(config, **{field_name: getattr(base, field_name)})


def from_query_string(qs: Any) -> tuple[PlaygroundConfig, list[str]]:
    """Config + warnings from 'v=1&task=...', '?v=1&...' or a full URL. Never raises."""
    if not isinstance(qs, str):
        return PlaygroundConfig(), ["The link is not text; using the default setup."]
    if len(qs) > MAX_LINK_LEN:
        return PlaygroundConfig(), [f"The link is too long ({len(qs):,} characters); using the default setup."]
    query = query_part(qs)
    try:
        params = parse_qs(query, keep_blank_values=True)  # blank values get a warning, not silence
    except Exception:  # parse_qs is lenient; this is only a backstop
        return PlaygroundConfig(), ["Could not read the link; using the default setup."]
    return decode(params)


def query_part(text: str) -> str:
    """The part after '?' (up to any '#'), or the whole text if it has no '?'."""
    text = text.strip()
    if "?" in text:
        text = text.split("?", 1)[1].split("#", 1)[0]
    return text
