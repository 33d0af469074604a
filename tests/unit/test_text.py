"""Visitor-made strings shown literally: in markdown as words or a code span, in plotly as entities."""

import html

import pytest

from nnplay.figures.theme import literal as plotly_literal
from nnplay.ui.text import md_literal

HOSTILE = [
    "[x](https://evil.example)",
    "www.evil.example",
    "https://evil.example/x",
    '<a href="https://evil.example">a</a>',
    "![p](https://evil.example/p.png)",
    "$\\alpha$",
    ":red[boom] :smile:",
    "**bold** _it_ # head",
    "me@evil.example",
    "a ` b `` c",
    "`edge`",
    "1. list",
]


@pytest.mark.parametrize("name", ["cat", "Dog 2", "Zürich", "class 10"])
def test_plain_words_stay_as_they_are(name):
    assert md_literal(name) == name


@pytest.mark.parametrize("name", HOSTILE)
def test_anything_else_becomes_one_code_span_whose_fence_no_backtick_run_in_it_can_close(name):
    text = md_literal(name)
    fence = text[: len(text) - len(text.lstrip("`"))]
    assert text == f"{fence} {name} {fence}"
    assert all(len(run) < len(fence) for run in "".join(c if c == "`" else " " for c in name).split())


@pytest.mark.parametrize("name", HOSTILE)
def test_commonmark_renders_it_as_code_holding_exactly_the_text(name):
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").render(f"True: **{md_literal(name)}** and more")
    assert "<a " not in rendered and "<img" not in rendered
    assert f"<code>{html.escape(name, quote=False)}</code>" in rendered.replace("&quot;", '"')


def test_line_breaks_cannot_end_the_span():
    assert md_literal("a\n\n[x](https://evil.example)") == "` a [x](https://evil.example) `"
    assert md_literal("") == ""


def test_plotly_text_has_no_tags_and_no_tex():
    assert plotly_literal('<a href="https://evil.example">a</a>') == '&lt;a href="https://evil.example"&gt;a&lt;/a&gt;'
    assert plotly_literal("$x$ & y") == "&#36;x&#36; &amp; y"
    assert plotly_literal("cat") == "cat"


def test_plain_markdown_escapes_markdown_and_breaks_every_autolink():
    from nnplay.ui.text import WORD_JOINER, plain_markdown

    text = "www.evil.example https://evil.example/x x@evil.example [a](b) ![p](q) $x$ :smile: <b>&lt;"
    shown = plain_markdown(text)
    # What a reader sees once markdown resolves the escapes and ignores the invisible joiners:
    import re

    assert re.sub(r"\\(.)", r"\1", shown).replace(WORD_JOINER, "") == text
    assert "www." not in shown.lower() and "://" not in shown and "x@" not in shown
    assert "\\[a\\]\\(b\\)" in shown and "\\$x\\$" in shown and "\\<b\\>" in shown and "\\&lt;" in shown
    assert plain_markdown("plain words") == "plain words"
