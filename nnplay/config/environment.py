"""Numbers a server's operator may set through environment variables (README: "Memory").

A value that is not a whole number within its range is ignored, with a warning in the server's
log, and the default holds: a typo must not take a public demo down or lift its limits.
"""

from __future__ import annotations

import logging
import os

_LOG = logging.getLogger(__name__)


def env_count(name: str, default: int, low: int = 1, high: int | None = None) -> int:
    """$name as a whole number in [low, high], else `default`."""
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        limits = f"{low} or more" if high is None else f"{low} to {high}"
        _LOG.warning("%s=%r is not a whole number from %s: using %d.", name, text, limits, default)
        return default
    return value
