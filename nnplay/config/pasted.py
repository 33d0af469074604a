"""Whatever a person pastes into "Open a shared link": an nnplay link (any host), a bare query string,
or a TensorFlow Playground link, read as a PlaygroundConfig and the warnings to show.

Imports nothing heavy (no TensorFlow, no Streamlit): the home page uses it.
"""

from __future__ import annotations

from typing import Any

from nnplay.config.links import MAX_LINK_LEN, from_query_string, query_part
from nnplay.config.schema import PlaygroundConfig
from nnplay.config.tf_playground import from_tf_playground, is_tf_playground_link


def parse_shared_link(text: Any) -> tuple[PlaygroundConfig, list[str]]:
    """Config + warnings from an nnplay link (any host), a bare query string or a TF Playground link.

    Never raises: empty or unreadable text gives the default config and a warning.
    """
    if not isinstance(text, str) or not text.strip():
        return PlaygroundConfig(), ["The link is empty; using the default setup."]
    if is_tf_playground_link(text):
        return from_tf_playground(text)
    if len(text) > MAX_LINK_LEN:
        return from_query_string(text)  # says it is too long
    if "=" not in query_part(text):
        return PlaygroundConfig(), [
            "Found no settings in that text; paste an nnplay link (…?v=1&task=…) or a TensorFlow "
            "Playground link. Using the default setup."
        ]
    return from_query_string(text)
