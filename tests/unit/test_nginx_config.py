"""The README's nginx example is deploy/nginx/nnplay.conf, word for word.

tests/e2e/test_proxy_browser.py runs that file in front of two replicas; this test keeps the
README from showing anything else. Edit the file, then paste it into the README's ```nginx
block (section "Several replicas behind a load balancer"), or the other way round.
"""

from __future__ import annotations

import re
from pathlib import Path

from nnplay.data.csv_upload import CSV_MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CONF = ROOT / "deploy" / "nginx" / "nnplay.conf"
SECTION = "## Several replicas behind a load balancer"


def readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    assert text.count(SECTION + "\n") == 1, f"README.md needs exactly one {SECTION!r} section"
    body = text.split(SECTION + "\n", 1)[1]
    return re.split(r"^## ", body, maxsplit=1, flags=re.M)[0]


def nginx_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```nginx\n(.*?)^```$", markdown, flags=re.S | re.M)


def test_the_readme_shows_one_nginx_block_and_it_is_the_file():
    section = readme_section()
    blocks = nginx_blocks(section)
    assert len(blocks) == 1, f"the section should show one ```nginx block, it shows {len(blocks)}"
    assert blocks[0] == CONF.read_text(encoding="utf-8"), (
        f"the README's nginx block and {CONF.relative_to(ROOT)} differ: paste the file into the README")
    assert "deploy/nginx/nnplay.conf" in section and "tests/e2e/test_proxy_browser.py" in section
    assert nginx_blocks(README.read_text(encoding="utf-8")) == blocks, "another nginx block elsewhere"


def directives(conf: str) -> list[str]:
    """The file's directives, comments dropped and whitespace collapsed: "server 10.0.0.11:8501"."""
    text = re.sub(r"#[^\n]*", "", conf)
    return [" ".join(part.split()) for part in re.split(r"[;{}]", text) if part.strip()]


def test_the_file_keeps_what_the_readme_promises():
    found = directives(CONF.read_text(encoding="utf-8"))
    for expected in (
        "ip_hash",                                   # session affinity
        "proxy_http_version 1.1",                    # WebSocket upgrade ...
        "proxy_set_header Upgrade $http_upgrade",
        "proxy_set_header Connection $connection_upgrade",
        "map $http_upgrade $connection_upgrade",     # ... with nginx's documented map
        "proxy_read_timeout 86400",                  # idle WebSockets stay open
        "proxy_set_header Host $http_host",          # Origin == Host for Streamlit's WebSocket check
        "client_max_body_size 10m",                  # the upload cap
        "server 10.0.0.11:8501 max_fails=0",         # one junk request takes no replica out
        "server 10.0.0.12:8502 max_fails=0",
    ):
        assert expected in found, f"{expected!r} is missing from {CONF.relative_to(ROOT)}"
    assert CSV_MAX_BYTES == 10 * 1024 * 1024  # nginx's 10m is 10 MiB, the app's own cap
    # What tests/e2e/test_proxy_browser.py replaces to run the file on loopback, each once.
    conf = CONF.read_text(encoding="utf-8")
    for anchor in ("10.0.0.11:8501", "10.0.0.12:8502", "listen 80;"):
        assert conf.count(anchor) == 1, f"{anchor!r} should appear once in {CONF.relative_to(ROOT)}"
