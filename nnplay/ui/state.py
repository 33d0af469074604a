"""The session's config: one PlaygroundConfig in st.session_state, mirrored into widgets and the URL.

Flow (DESIGN.md): URL → decode → config → widgets; a widget change → its
on_change callback rebuilds the config → the URL is rewritten from it. The
config is the single source of truth; widget keys only mirror it.
"""

from __future__ import annotations

import streamlit as st

from nnplay.config.links import decode, encode
from nnplay.config.schema import ConfigError, PlaygroundConfig, validate
from nnplay.ui.text import plain_markdown

CONFIG_KEY = "config"
NOTICE_KEY = "link_notice"
ERROR_KEY = "config_error"


def current_config() -> PlaygroundConfig:
    """The session's config; on a session's first run it comes from the page's link."""
    if CONFIG_KEY not in st.session_state:
        config, warnings = decode(link_params())
        st.session_state[CONFIG_KEY] = config
        st.session_state[NOTICE_KEY] = warnings
    return st.session_state[CONFIG_KEY]


def set_config(config: PlaygroundConfig, changed: str | None = None) -> bool:
    """Replace the session's config if it is valid; otherwise keep the old one and remember why,
    in a learner's words, for the control `changed` (a widget's field) to show under itself."""
    try:
        validate(config)
    except ConfigError as err:
        st.session_state[ERROR_KEY] = (changed, err.explained())
        return False
    st.session_state[ERROR_KEY] = None
    st.session_state[CONFIG_KEY] = config
    return True


def take_refusal(control: str | None) -> str | None:
    """The refused change made with `control`, handed out once: shown after the click that caused
    it, gone on the next run (the control is back at the config's value, so nothing is pending)."""
    refusal = st.session_state.get(ERROR_KEY)
    if refusal is None or refusal[0] != control:
        return None
    st.session_state[ERROR_KEY] = None
    return refusal[1]


def link_params() -> dict[str, list[str]]:
    """Every value of every query key. st.query_params.to_dict() keeps only the last value of a
    repeated key, which would hide `?seed=1&seed=2` from decode's "given twice" warning."""
    return {name: st.query_params.get_all(name) for name in st.query_params}


def sync_url(config: PlaygroundConfig) -> None:
    """Rewrite the page's query string when the config changed (Streamlit updates the browser URL)."""
    wanted = encode(config)
    # Compared with every value, so a repeated key or a stray unknown key is cleaned away too.
    if link_params() != {name: [value] for name, value in wanted.items()}:
        st.query_params.from_dict(wanted)


def notice_markdown(intro: str, warnings: list[str]) -> str:
    """A bulleted notice whose items (which quote the link) are shown literally."""
    return intro + "\n\n" + "\n".join(f"- {plain_markdown(warning)}" for warning in warnings)


def show_notices() -> None:
    """Link warnings (fields ignored) and the last refused change, once each."""
    warnings = st.session_state.get(NOTICE_KEY) or []
    if warnings:
        st.warning(notice_markdown("Parts of this link could not be used; defaults were taken instead:", warnings),
                   icon=":material/link_off:")
    refusal = take_refusal(None)  # one no control claims (a config file, a lesson); controls show their own
    if refusal:
        st.error(f"That change was not applied: {plain_markdown(refusal)}", icon=":material/block:")
