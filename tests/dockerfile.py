"""Reads the repository's Dockerfile and .dockerignore for the tests that check them
(tests/unit/test_dockerfile.py, tests/e2e/test_container_start.py), so the tests follow the files.

    instructions()        [(KEYWORD, arguments), ...], continuation lines joined, comments dropped
    last(keyword)         the arguments of the last such instruction (Docker uses the last CMD, ...)
    exec_form(arguments)  the JSON array of an exec-form CMD / RUN / HEALTHCHECK CMD, as a list
    healthcheck()         (options {"interval": "30s", ...}, command as a list)
    env()                 the ENV instructions' variables, {name: value}
    excluded(path)        whether .dockerignore keeps a path (relative to the repo) out of the build context
"""

from __future__ import annotations

import json
import re
import shlex
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"


def instructions(text: str | None = None) -> list[tuple[str, str]]:
    if text is None:
        text = DOCKERFILE.read_text(encoding="utf-8")
    result: list[tuple[str, str]] = []
    pending = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and pending):
            continue  # Docker drops comment (and empty) lines, also inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        if whole:
            keyword, _, arguments = whole.partition(" ")
            result.append((keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return result


def all_of(keyword: str) -> list[str]:
    return [arguments for kw, arguments in instructions() if kw == keyword]


def last(keyword: str) -> str:
    found = all_of(keyword)
    assert found, f"the Dockerfile has no {keyword}"
    return found[-1]


def exec_form(arguments: str) -> list[str]:
    """The JSON array of an exec-form instruction; fails on the shell form."""
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"not the exec (JSON array) form: {arguments!r}") from exc
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), arguments
    return value


def healthcheck() -> tuple[dict[str, str], list[str]]:
    arguments = last("HEALTHCHECK")
    options: dict[str, str] = {}
    while arguments.startswith("--"):
        option, _, arguments = arguments.partition(" ")
        name, _, value = option[2:].partition("=")
        options[name] = value
        arguments = arguments.strip()
    keyword, _, command = arguments.partition(" ")
    assert keyword.upper() == "CMD", f"HEALTHCHECK without CMD: {arguments!r}"
    return options, exec_form(command.strip())


def env() -> dict[str, str]:
    variables: dict[str, str] = {}
    for arguments in all_of("ENV"):
        for item in shlex.split(arguments):
            name, sep, value = item.partition("=")
            assert sep, f"ENV in the old `ENV name value` form: {arguments!r}"
            variables[name] = value
    return variables


def seconds(duration: str) -> float:
    """A HEALTHCHECK duration ("30s", "1m30s", "500ms") in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * units[u] for n, u in parts)


# --------------------------------------------------------------------------- .dockerignore


def _pattern_regex(pattern: str) -> re.Pattern:
    """Docker's (moby patternmatcher's) pattern syntax: `**` any number of folders, `*` and `?`
    within one path element, [...] character classes."""
    out, i = "", 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            i += 2
            if pattern.startswith("/", i):  # "**/": zero or more leading folders
                i += 1
                out += "(?:.*/)?"
            else:
                out += ".*"
            continue
        if c == "*":
            out += "[^/]*"
        elif c == "?":
            out += "[^/]"
        elif c == "[":
            end = pattern.index("]", i)
            out += "[" + pattern[i + 1 : end].replace("\\", "\\\\") + "]"
            i = end
        else:
            out += re.escape(c)
        i += 1
    return re.compile(out + r"\Z")


@cache
def _ignore_rules() -> tuple[tuple[bool, re.Pattern], ...]:
    rules = []
    for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:].strip() if negated else line
        pattern = re.sub(r"/+", "/", pattern).strip("/")  # what filepath.Clean does to these
        if pattern in ("", "."):
            continue
        rules.append((negated, _pattern_regex(pattern)))
    return tuple(rules)


def excluded(path: str) -> bool:
    """Whether .dockerignore leaves `path` (relative, with /) out of the context: the last rule that
    matches the path or one of its parent folders decides, a "!" rule letting it back in."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for negated, regex in _ignore_rules():
        if any(regex.match(candidate) for candidate in candidates):
            verdict = not negated
    return verdict
