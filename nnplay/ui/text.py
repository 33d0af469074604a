"""Strings a visitor typed or uploaded (CSV class labels, column names), shown as the text they are.

Streamlit renders st.markdown, st.caption, st.info, widget labels and radio/pills options as
GitHub-flavoured markdown with KaTeX, emoji shortcodes and colour directives; plotly renders a
subset of HTML (`<a href>`, `<b>`, `<br>`) and `$…$` in titles, tick labels and legends. A CSV
label `[x](https://evil.example)` would become a link, `![p](https://…)` an image fetched from
someone else's server, `www.evil.example` a bare autolink, `$\\alpha$` maths.

Backslash escapes (nnplay.ui.session.escape_markdown) cannot stop GitHub's bare autolinks: Streamlit
finds `www.…` and `https://…` in the text *after* the escapes are resolved. A CommonMark code span
can: inside it nothing is markdown, HTML, maths, an emoji or a link. So:

    md_literal(text)      for a data string inside markdown: plain words as they are, anything
                          else as a code span that shows it character for character
    plotly_literal(text)  for a data string in a plotly figure: <, >, & and $ as HTML entities,
                          which plotly shows as the characters themselves

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


_PLOTLY_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;"}
_PLOTLY_SPECIAL = re.compile("[&<>$]")


def plotly_literal(text: object) -> str:
    """`text` for a plotly title, tick label, legend or hover text: shown literally, never as its
    HTML subset (`<a href>` links) or as LaTeX (a string between two `$`)."""
    return _PLOTLY_SPECIAL.sub(lambda m: _PLOTLY_ENTITIES[m.group()], str(text))
