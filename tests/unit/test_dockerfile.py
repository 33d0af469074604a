"""The Dockerfile's conventions, checked without Docker: the base image, a non-root user, the layer
order, the port and health check, and that every file it copies is in the build context.
tests/e2e/test_container_start.py runs its CMD and HEALTHCHECK."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests import dockerfile as df

ROOT = df.REPO


def test_base_image_is_python_311_slim():
    froms = df.all_of("FROM")
    assert froms == ["python:3.11-slim"], froms  # one stage, the tag the README promises


def test_runs_as_a_user_that_is_not_root():
    user = df.last("USER").split(":")[0]
    assert user not in ("root", "0", ""), user
    keywords = [kw for kw, _ in df.instructions()]
    last_user = max(i for i, kw in enumerate(keywords) if kw == "USER")
    assert last_user > max(i for i, kw in enumerate(keywords) if kw == "RUN")  # nothing runs as another user after
    if user.isdigit():  # a numeric USER (runAsNonRoot can verify it) must be the user the image creates
        assert any(f"--uid {user}" in run for run in df.all_of("RUN")), user


def test_workdir_is_not_the_root_folder():
    workdir = df.last("WORKDIR")
    assert workdir.startswith("/") and workdir.rstrip("/") != "", workdir


def test_port_and_start_command():
    assert "8501" in df.last("EXPOSE").split()
    cmd = df.exec_form(df.last("CMD"))
    assert cmd[:3] == ["streamlit", "run", "app.py"], cmd
    assert "--server.address=0.0.0.0" in cmd  # reachable from outside the container
    assert "--server.port=8501" in cmd  # the EXPOSEd port
    assert not df.all_of("ENTRYPOINT")  # the CMD is the whole command


def test_healthcheck_asks_streamlit_health_endpoint():
    options, command = df.healthcheck()
    assert "http://localhost:8501/_stcore/health" in " ".join(command)
    assert command[0] in ("python", "curl"), command  # slim has python; curl only if installed deliberately
    assert df.seconds(options["timeout"]) < df.seconds(options["interval"])
    assert "start-period" in options  # no "unhealthy" while Streamlit starts


def test_pip_installs_only_the_pinned_requirements_and_keeps_no_cache():
    installs = [run for run in df.all_of("RUN") if "pip install" in run]
    assert len(installs) == 1, installs
    words = shlex.split(installs[0])
    assert words[:2] == ["pip", "install"] and "--no-cache-dir" in words
    assert words.count("-r") == 1
    requirements = words[words.index("-r") + 1]
    assert (ROOT / requirements).is_file(), requirements
    # The Dockerfile names no package itself: everything it installs comes from the pinned file.
    rest = [w for w in words[2:] if w not in ("--no-cache-dir", "-r", requirements)]
    assert rest == [], rest


def test_requirements_are_copied_alone_before_the_app():
    """Layer caching: the pip layer is rebuilt only when requirements.txt changes."""
    steps = df.instructions()
    pip = next(i for i, (kw, args) in enumerate(steps) if kw == "RUN" and "pip install" in args)
    copies = [(i, args.split()) for i, (kw, args) in enumerate(steps) if kw == "COPY"]
    before = [words for i, words in copies if i < pip]
    assert before == [["requirements.txt", "./"]], before
    assert any(i > pip for i, _ in copies)


def copied_sources() -> list[str]:
    sources = []
    for arguments in df.all_of("COPY") + df.all_of("ADD"):
        words = [w for w in arguments.split() if not w.startswith("--")]
        assert not arguments.startswith("--from"), "a copy from another stage"
        sources += words[:-1]  # the last word is the destination
    return sources


@pytest.mark.parametrize("source", copied_sources())
def test_every_copied_path_exists_and_is_in_the_build_context(source):
    path = ROOT / source
    assert path.exists(), f"the Dockerfile copies {source}, which does not exist"
    assert not df.excluded(source), f".dockerignore leaves {source} out of the build context"
    if path.is_dir():  # and nothing the app needs inside it is left out
        files = [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files, source
        left_out = [str(p.relative_to(ROOT)) for p in files if df.excluded(str(p.relative_to(ROOT)))]
        assert not left_out, left_out


def test_the_image_gets_what_the_app_runs_on():
    """app.py, its pages, the package and the Streamlit settings: `streamlit run app.py` needs them all."""
    sources = {s.rstrip("/") for s in copied_sources()}
    assert {"app.py", "app_pages", "nnplay", ".streamlit", "requirements.txt"} <= sources, sources


@pytest.mark.parametrize(
    "path",
    [".venv/bin/python", ".git/HEAD", "test-artifacts/streamlit-server.log", "tests/conftest.py",
     "bench/bench_live.py", ".benchmarks/x.json", ".pytest_cache/v", "nnplay/__pycache__/site.cpython-311.pyc",
     "nnplay/ui/__pycache__/x.pyc", "model.keras", "README.md"],
)
def test_dockerignore_keeps_the_rest_out(path):
    assert df.excluded(path), f"{path} would be sent to the Docker daemon and could reach the image"


def test_dockerignore_matcher_follows_docker_rules(tmp_path, monkeypatch):
    """The matcher itself: the last matching rule wins, "!" lets a path back in, a rule on a folder
    covers what is inside it, `**` spans folders."""
    ignore = tmp_path / ".dockerignore"
    ignore.write_text("# comment\n*\n!keep/\nkeep/drop.txt\n**/*.tmp\n!/top.md\n", encoding="utf-8")
    monkeypatch.setattr(df, "DOCKERIGNORE", ignore)
    df._ignore_rules.cache_clear()
    try:
        assert df.excluded("other.py") and df.excluded("other/x.py")
        assert not df.excluded("keep/x.py") and not df.excluded("keep/sub/y.py")
        assert df.excluded("keep/drop.txt") and df.excluded("keep/sub/z.tmp")
        assert not df.excluded("top.md")
    finally:
        df._ignore_rules.cache_clear()


def test_parser_joins_continuations_and_drops_comments():
    text = "FROM x\n# c\nRUN a \\\n    # inside\n    && b\nENV A=1 \\\n    B='two words'\n"
    assert df.instructions(text) == [("FROM", "x"), ("RUN", "a && b"), ("ENV", "A=1 B='two words'")]
    assert Path(df.DOCKERFILE).name == "Dockerfile"
