"""Hostile share links through the pages themselves, not only through urlstate.decode.

A fuzz test (hypothesis) opens the Playground page with random and hostile query
strings — huge numbers, negative sizes, NaN/inf, 10,000-character values, unknown
and repeated keys, unicode, empty values, TensorFlow-Playground-style keys — and
checks, for every one: the page renders (no exception, a Train button), a notice
naming the key is shown whenever something in the link was refused, the session's
config passes `validate` and respects the caps, and the page's own URL is rewritten
to the clean link. Named cases pin the classic attacks; the home page's link box
gets the same treatment.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from nnplay.config.links import FIELDS, VERSION_KEY, encode
from nnplay.config.schema import (
    CAPS,
    HiddenLayer,
    PlaygroundConfig,
    count_params,
    default_config,
    validate,
    with_optimizer,
)
from nnplay.ui.text import WORD_JOINER

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "app_pages" / "1_Playground.py")
HOME = str(ROOT / "app.py")
TIMEOUT = 120  # the first run imports TensorFlow
NOTICE = "could not be used"

FIELD_KEYS = [spec.key for spec in FIELDS if spec.key != "csv"]  # csv= takes any text as a column name
KNOWN_KEYS = {spec.key for spec in FIELDS} | {VERSION_KEY}
# Streamlit keeps these for itself; the app never sees them (case-insensitive).
STREAMLIT_KEYS = {"embed", "embed_options"}

# Clean starting links: valid setups of every task, toy data and MNIST, several optimizers.
CLEAN_CONFIGS = [
    PlaygroundConfig(),
    PlaygroundConfig(noise=0.2, features=("x1", "x2", "x1sq"), batch_size=0, regularization="l2", reg_rate=0.01),
    default_config("multiclass"),
    default_config("multilabel"),
    default_config("regression"),
    default_config("regression_nonneg"),
    with_optimizer(default_config("multiclass"), "adam"),
    with_optimizer(PlaygroundConfig(hidden=(HiddenLayer(8, "relu"),) * 3), "rmsprop"),
]  # MNIST (slow to load) has its own named case below
CLEAN_LINKS = [encode(config) for config in CLEAN_CONFIGS]

# Values no field except csv= accepts (csv= takes column names, so it is left out of these).
REFUSED_VALUES = [
    "nan", "NaN", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e308", "-1", "-99999", "-0.5",
    "99999999999999999999999999", "2147483648000", "0x10", "1_000", "١٢", "１２", "", " ", "%00", "\x00",
    "9" * 10_000, "a" * 10_000, "256relu," * 1_500, "<script>alert(1)</script>", "[click](https://evil.example)",
    "![x](https://evil.example/pixel.png)", "$$\\frac{1}{0}$$", "-4tanh", "0relu", "9999relu,9999relu",
    "https://playground.tensorflow.org/#networkShape=8,8,8,8,8,8,8,8,8,8&learningRate=1e9",
]


@st.composite
def hostile_links(draw):
    """(query params, {key: why it must be named in the notice}, whether some notice is required)."""
    params: dict[str, object] = dict(draw(st.sampled_from(CLEAN_LINKS)))
    must_name: dict[str, str] = {}  # key -> "refused" (named when it has an effect) or "repeated" (always)
    must_notice = False
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["refused", "repeated", "unknown", "tf", "text", "number"]))
        key = draw(st.sampled_from(FIELD_KEYS + [VERSION_KEY]))
        must_name.pop(key, None)  # this step decides the key's value anew
        if kind == "refused":
            params[key] = draw(st.sampled_from(REFUSED_VALUES))
            must_name[key] = "refused"
        elif kind == "repeated":
            old = params.get(key, "1")
            first = old if isinstance(old, str) else old[0]
            params[key] = [first, draw(st.sampled_from([first, "1", "nan"]))]
            must_name[key] = "repeated"
        elif kind == "unknown":
            name = draw(st.text(min_size=1, max_size=30).filter(
                lambda k: k not in KNOWN_KEYS and k.lower() not in STREAMLIT_KEYS))
            params[name] = draw(st.text(max_size=50))
            must_notice = True
        elif kind == "tf":  # TensorFlow Playground's keys pasted onto an nnplay link
            name = draw(st.sampled_from(["networkShape", "activation", "learningRate", "batchSize", "percTrainData"]))
            params[name] = draw(st.sampled_from(["999,999,999,999,999,999,999,999", "sigmoid", "1e9", "-10", "200"]))
            must_notice = True
        elif kind == "text":  # anything at all: may happen to be valid, so no notice is required
            params[key] = draw(st.text(max_size=40))
        else:  # numbers of every size and sign, written the way Python writes them
            number = draw(st.one_of(st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True)))
            params[key] = str(number)
    return params, must_name, must_notice


def has_effect(key: str, config: PlaygroundConfig) -> bool:
    """Whether the key's field matters for this config (a value for an idle field is ignored by design)."""
    return key == VERSION_KEY or next(spec for spec in FIELDS if spec.key == key).relevant(config)


def open_page(params) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


def plain(markdown: str) -> str:
    """A notice as the learner reads it: the page backslash-escapes what it quotes from the link and
    puts invisible word joiners into would-be links (nnplay.ui.text.plain_markdown)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "")


def unescaped(pattern: str, markdown: str) -> bool:
    """Whether the pattern occurs with no backslash before its first character (so markdown acts on it)."""
    return re.search(rf"(?<!\\)(?:{pattern})", markdown) is not None


def link_notice(at: AppTest) -> str:
    return " ".join(plain(w.value) for w in at.warning if NOTICE in w.value)


def assert_page_survived(at: AppTest) -> PlaygroundConfig:
    """The page rendered, and the session's config is valid and inside the caps."""
    assert not at.exception, at.exception[0].value if at.exception else ""
    assert any(b.label == "Train" for b in at.button), "the page did not render its Train button"
    config = at.session_state["config"]
    validate(config)
    assert CAPS["hidden_layers"][0] <= len(config.hidden) <= CAPS["hidden_layers"][1]
    assert all(CAPS["units"][0] <= layer.units <= CAPS["units"][1] for layer in config.hidden)
    assert count_params(config) <= CAPS["total_params"][1]
    assert CAPS["epochs"][0] <= config.epochs <= CAPS["epochs"][1]
    assert 0 <= config.batch_size <= CAPS["batch_size"][1]
    low, high = CAPS["n_samples_toy" if config.is_toy else "n_samples_real"]
    assert low <= config.n_samples <= high
    # The page rewrote its own URL to the clean link for that config (nothing hostile stays in it).
    url = {key: value if isinstance(value, str) else list(value) for key, value in at.query_params.items()}
    assert url == encode(config), url
    return config


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_links())
def test_fuzzed_links_always_render_with_a_notice_and_within_the_caps(link):
    params, must_name, must_notice = link
    at = open_page(params)
    config = assert_page_survived(at)
    notice = link_notice(at)
    if must_notice:
        assert notice, f"no notice for {params!r}"
    for key, why in must_name.items():
        if why == "repeated" or has_effect(key, config):
            assert re.search(rf"(^|[^\w]){re.escape(key)}(=|:| was given)", notice), (key, notice)
    if params in CLEAN_LINKS:
        assert not notice and encode(config) == params


# --------------------------------------------------------------------------
# Named cases: each classic attack once, with exactly what the learner sees
# --------------------------------------------------------------------------

NAMED = {
    "huge numbers": ({"n": "1" + "0" * 400, "epochs": "1e400", "lr": "1e308"}, ["n", "epochs", "lr"]),
    "negative sizes": ({"n": "-500", "batch": "-1", "hidden": "-4tanh", "k": "-3"}, ["n", "batch", "hidden"]),
    "nan and inf": ({"lr": "nan", "noise": "inf", "split": "-inf", "mom": "NaN", "opt": "sgd"},
                    ["lr", "noise", "split", "mom"]),
    "very long values": ({"hidden": "8relu," * 3_000, "task": "x" * 10_000}, ["hidden", "task"]),
    "unknown keys": ({"v": "1", "evil": "1", "__proto__": "x", "constructor": "y"}, ["evil"]),
    "repeated keys": ({"seed": ["1", "2"], "lr": ["0.1", "0.3"]}, ["seed", "lr"]),
    "unicode": ({"task": "bïnary", "hidden": "４tanh", "seed": "١٢", "💥": "🧠"}, ["task", "hidden", "seed"]),
    "empty values": ({"v": "", "lr": "", "hidden": "", "data": ""}, ["lr", "hidden", "data"]),
    "network over the caps": ({"hidden": ",".join(["256relu"] * 6)}, ["hidden"]),
    "too many layers": ({"hidden": ",".join(["4tanh"] * 40)}, ["hidden"]),
    "tf playground keys": ({"networkShape": "999,999,999,999,999,999,999,999", "learningRate": "1e9",
                            "activation": "<b>x</b>"}, ["networkShape"]),
    "markdown and html injection": ({"[click me](https://evil.example)": "1",
                                     "lr": "![pixel](https://evil.example/p.png)", "task": "<img src=x>"},
                                    ["lr", "task"]),
    "MNIST beyond its sample cap": ({"task": "multiclass", "data": "mnist", "n": "999999", "hidden": "256relu,256relu"},
                                    ["n"]),
}


@pytest.mark.parametrize("params, named", NAMED.values(), ids=NAMED.keys())
def test_named_hostile_links(params, named):
    at = open_page(params)
    assert_page_survived(at)
    notice = link_notice(at)
    for key in named:
        assert key in notice, (key, notice)


def test_a_link_for_csv_with_no_target_opens_the_uploader():
    """Made before the upload (the target comes from the file), it opens the CSV setup, not a toy set."""
    at = open_page({"data": "csv", "task": "regression"})
    assert_page_survived(at)
    assert at.session_state["config"].dataset == "csv"
    assert any(u.label.startswith("CSV file") for u in at.file_uploader)
    assert any("Upload your CSV file" in i.value for i in at.info)


def test_quoted_link_text_cannot_become_a_link_or_an_image():
    at = open_page(NAMED["markdown and html injection"][0])
    raw = " ".join(w.value for w in at.warning)
    # Every bracket, parenthesis and angle bracket from the link is escaped, so markdown shows it as text.
    assert not unescaped(r"\[click me\]\(|\[pixel\]\(|<img", raw), raw
    assert "\\[click me\\]" in raw
    assert "[click me](https://evil.example)" in link_notice(at)  # ...and the learner still sees what it was


def test_a_long_link_does_not_grow_the_session_state():
    at = open_page({"hidden": "8relu," * 3_000, "junk": "x" * 10_000})
    notice = link_notice(at)
    assert len(notice) < 2_000, len(notice)  # the notice quotes at most a short head of each value


# --------------------------------------------------------------------------
# The home page's shared-link box
# --------------------------------------------------------------------------

HOME_TEXTS = [
    "",
    " ",
    "x" * 25_000,
    "https://evil.example/?" + "&".join(f"k{i}={i}" for i in range(2_000)),
    "?v=1&lr=nan&n=-5&hidden=" + "9999relu," * 50,
    "https://playground.tensorflow.org/#networkShape=" + ",".join(["1000"] * 50) + "&learningRate=NaN&seed=💥",
    "playground.tensorflow.org/#activation=<script>&dataset=../../etc/passwd",
    "https://x/?v=1&[click](https://evil.example)=1",
    "\x00\x01\x02 binary ☃ 🧠 ١٢",
    "?v=1&seed=1&seed=2&seed=3",
]


@pytest.mark.parametrize("text", HOME_TEXTS, ids=range(len(HOME_TEXTS)))
def test_home_link_box_with_hostile_text(text):
    at = AppTest.from_file(HOME, default_timeout=30).run()
    at.text_input[0].input(text).run()
    assert not at.exception, at.exception
    if text.strip():
        assert at.warning or at.success, "the link box gave no answer"
        raw = " ".join(w.value for w in at.warning)
        assert not unescaped(r"\]\(http|<script", raw), raw


def test_home_link_opens_the_playground_with_a_valid_setup():
    at = AppTest.from_file(HOME, default_timeout=30).run()
    at.text_input[0].input("?v=1&lr=nan&n=-5&seed=1&seed=2").run()
    assert any("lr" in plain(w.value) for w in at.warning)
    next(b for b in at.button if b.label == "Open in the Playground").click().run()
    assert not at.exception
