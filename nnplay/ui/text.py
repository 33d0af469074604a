"""Strings a visitor typed or uploaded (CSV class labels, column names), shown as the text they are.

Streamlit renders st.markdown, st.caption, st.info, widget labels and radio/pills options as
GitHub-flavoured markdown with KaTeX, emoji shortcodes and colour directives; plotly renders a
subset of HTML (`<a href>`, `<b>`, `<br>`) and `$…$` in titles, tick labels and legends. A CSV
label `[x](https://evil.example)` would become a link, `![p](https://…)` an image fetched from
someone else's server, `www.evil.example` a bare autolink, `$\\alpha$` maths.

Backslash escapes alone cannot stop GitHub's bare autolinks: Streamlit
finds `www.…` and `https://…` in the text *after* the escapes are resolved. A CommonMark code span
can: inside it nothing is markdown, HTML, maths, an emoji or a link. So:

    md_literal(text)      for a data string inside markdown: plain words as they are, anything
                          else as a code span that shows it character for character
    plain_markdown(text)  for a whole message that quotes such strings (a refusal, a link notice):
                          markdown escapes, and every autolink broken by an invisible word joiner

In a plotly figure, nnplay.figures.theme.literal does the same job (every builder applies it).

Where no formatting is needed at all, a plain-text element (st.text, st.code, a dataframe cell,
a selectbox option) is simpler still.
"""

from __future__ import annotations

import re

# Letters and digits in words separated by single spaces: no markdown construct, link, e-mail
# address, emoji shortcode or maths can be made of these alone.
_PLAIN = re.compile(r"[^\W_]+(?: [^\W_]+)*")
_BACKTICKS = re.compile(r"`+")


def md_literal(text: object) -> str:
    """`text` for use inside st.markdown (or a caption, alert, label): shown literally.

    Whitespace runs (newlines, tabs) become one space: a blank line would end the paragraph and
    with it the code span."""
    text = " ".join(str(text).split())
    if not text or _PLAIN.fullmatch(text):
        return text
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    # A space on each side: CommonMark strips one from each end, so text that starts or ends
    # with a backtick still cannot touch the fence.
    return f"{fence} {text} {fence}"


# Any ASCII punctuation may be backslash-escaped in CommonMark; these start markdown constructs
# ("$" starts maths in Streamlit, "&" an entity such as &lt;, ":" an emoji or a colour directive).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~&:])")
WORD_JOINER = "\u2060"  # invisible, zero-width, and no character of a link


def plain_markdown(text: object) -> str:
    """A message that quotes a visitor's text, for st.error/st.warning/st.markdown: shown literally.

    Backslash escapes stop markdown, HTML, maths and entities, but GitHub's bare autolinks
    (https://…, www.…, name@host) are found after the escapes are resolved, so an invisible word
    joiner goes after every ":" (which also stops :emoji: and :red[…]), before every "@" and
    inside every "www." — the text reads and copies as it was, and nothing in it is a link."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
    escaped = escaped.replace("\\:", "\\:" + WORD_JOINER).replace("@", WORD_JOINER + "@")
    return re.sub(r"(?i)(w)(w)(w)(\\\.)", rf"\1{WORD_JOINER}\2{WORD_JOINER}\3{WORD_JOINER}\4", escaped)
