""".streamlit/config.toml, the public demo's server settings: pinned so they cannot drift silently.

Each key must be an option Streamlit 1.67 knows (a typo is otherwise ignored
without a word), each value one Streamlit accepts, and the values that protect
a public demo must be what the README promises.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.byte_util import config_max_cache_data_size_to_bytes

from nnplay.data.csv_upload import CSV_MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
CONFIG_FILE = ROOT / ".streamlit" / "config.toml"


@pytest.fixture(scope="module")
def settings() -> dict:
    return tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8"))


def flat(settings: dict, prefix: str = "") -> dict[str, object]:
    """{"theme.light.primaryColor": ...}: nested tables ([theme.light]) give dotted keys, as Streamlit names them."""
    options = {}
    for name, value in settings.items():
        if isinstance(value, dict):
            options |= flat(value, f"{prefix}{name}.")
        else:
            options[f"{prefix}{name}"] = value
    return options


def test_every_key_is_a_streamlit_option(settings):
    known = st_config.get_config_options()
    unknown = [key for key in flat(settings) if key not in known]
    assert not unknown, f"Streamlit has no option(s) {unknown} (a typo is silently ignored)"


def test_values_have_the_types_streamlit_expects(settings):
    known = st_config.get_config_options()
    for key, value in flat(settings).items():
        expected = known[key].type
        if key == "client.showErrorLinks":  # a str option that also takes true/false
            assert value in (True, False, "auto", "true", "false"), value
        elif known[key].multiple:  # a list option: a list of its type
            assert isinstance(value, list) and all(isinstance(v, expected) for v in value), (key, value)
        else:
            assert isinstance(value, expected), (key, value, expected)


def test_public_demo_settings(settings):
    server, client = settings["server"], settings["client"]
    assert server["headless"] is True
    assert server["runOnSave"] is False and server["fileWatcherType"] == "none"
    assert server["enableCORS"] is True and server["enableXsrfProtection"] is True
    assert server["enableStaticServing"] is False
    # No extra CORS origins; no Host allow-list in the file: a demo is reached by its public host
    # name, which the file cannot know (a list without it refuses every WebSocket). A deployment sets
    # STREAMLIT_SERVER_ALLOWED_HOSTS instead, as the README says.
    assert server["corsAllowedOrigins"] == []
    assert server["allowedHosts"] == []
    # /_stcore/metrics is public: it reports cheap counts, no object-graph walk per request, and no
    # visitor attributes.
    assert server["enableExpensiveMemoryStats"] is False
    assert not server.get("unsafeMetricsUserAttributes") and not server.get("trustedUserHeaders")
    assert 1 <= server["maxMessageSize"] <= 100
    assert config_max_cache_data_size_to_bytes(server["maxCacheDataSize"]) == 2**30
    assert 60 <= server["disconnectedSessionTTL"] <= 600
    # Tracebacks and exception messages go to the server log, never to a visitor's browser.
    assert client["showErrorDetails"] == "none"
    assert client["showErrorLinks"] is False
    assert client["toolbarMode"] in ("minimal", "viewer")
    assert settings["browser"]["gatherUsageStats"] is False
    # A full gc.collect() after each of a live run's 20 fragment reruns a second would hold the GIL
    # for most of every second (~250 ms each with TensorFlow loaded).
    assert settings["runner"]["postScriptGC"] is False


def test_upload_limit_matches_the_csv_cap_and_the_readme(settings):
    megabytes = settings["server"]["maxUploadSize"]
    assert megabytes * 2**20 == CSV_MAX_BYTES  # Streamlit counts it in MiB, as CSV_MAX_BYTES does
    assert f"CSV upload | ≤ {megabytes} MB" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_says_metrics_are_public_and_how_to_set_the_hosts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "**`/_stcore/metrics` is public**" in readme
    assert "STREAMLIT_SERVER_ALLOWED_HOSTS=" in readme


def test_every_option_says_why(settings):
    """Each option line has a comment just above it (a reviewer can tell what it protects)."""
    lines = CONFIG_FILE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        text = line.strip()
        if text and not text.startswith(("#", "[")) and "=" in text:
            previous = next(line.strip() for line in reversed(lines[:i]) if line.strip())
            assert previous.startswith("#") or "=" in previous, f"no comment above {text!r}"


def test_the_app_has_a_light_and_a_dark_theme(settings):
    """A browser that prefers dark gets the dark theme: both are defined, no single [theme] base."""
    assert "light" in settings["theme"] and "dark" in settings["theme"]
    assert set(settings["theme"]) <= {"light", "dark"}


def test_streamlit_reads_the_file(monkeypatch):
    """Streamlit's own parser, from the repository root, ends up with the file's values."""
    monkeypatch.chdir(ROOT)
    try:
        st_config.get_config_options(force_reparse=True)
        assert st_config.get_option("client.showErrorDetails") == "none"
        assert st_config.get_option("server.maxUploadSize") == CSV_MAX_BYTES // 2**20
        assert st_config.get_option("server.fileWatcherType") == "none"
        assert st_config.get_option("server.allowedHosts") == []
        assert st_config.get_option("server.enableExpensiveMemoryStats") is False
    finally:
        st_config.get_config_options(force_reparse=True)
