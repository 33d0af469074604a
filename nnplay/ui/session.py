"""The session's config: one PlaygroundConfig in st.session_state, mirrored into widgets and the URL.

Flow (DESIGN.md): URL → decode → config → widgets; a widget change → its
on_change callback rebuilds the config → the URL is rewritten from it. The
config is the single source of truth; widget keys only mirror it.
"""

from __future__ import annotations


import streamlit as st

from nnplay.config import ConfigError, PlaygroundConfig, validate
from nnplay.urlstate import decode, encode

CONFIG_KEY = "config"
NOTICE_KEY = "link_notice"
ERROR_KEY = "config_error"


def current_config() -> PlaygroundConfig:
    """The session's config; on a session's first run it comes from the page's link."""
    if CONFIG_KEY not in st.session_state:
        config, warnings = decode(st.query_params.to_dict())
        st.session_state[CONFIG_KEY] = config
        st.session_state[NOTICE_KEY] = warnings
    return st.session_state[CONFIG_KEY]


def set_config(config: PlaygroundConfig) -> bool:
    """Replace the session's config if it is valid; otherwise keep the old one and remember why."""
    try:
        validate(config)
    except ConfigError as err:
        st.session_state[ERROR_KEY] = str(err)
        return False
    st.session_state[ERROR_KEY] = None
    st.session_state[CONFIG_KEY] = config
    return True


def sync_url(config: PlaygroundConfig) -> None:
    """Rewrite the page's query string when the config changed (Streamlit updates the browser URL)."""
    wanted = encode(config)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def show_notices() -> None:
    """Link warnings (fields ignored) and the last refused change, once each."""
    warnings = st.session_state.get(NOTICE_KEY) or []
    if warnings:
        st.warning(
            "Parts of this link could not be used; defaults were taken instead:\n\n"
            + "\n".join(f"- {warning}" for warning in warnings),
            icon="🔗",
        )
    error = st.session_state.get(ERROR_KEY)
    if error:
        st.error(f"That change was not applied: {error}", icon="⛔")
