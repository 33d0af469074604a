"""The Dockerfile's start command and health check, run without a container.

The test reads CMD, HEALTHCHECK and ENV from the Dockerfile (so it follows the file), runs the CMD
as written from the repository root (the image's WORKDIR holds the same files) with only the port
replaced by a free one and HOME set to an empty folder (the image's user starts with an empty home),
waits until the HEALTHCHECK's command, run as written with the port replaced, succeeds, checks the
app's page is served, and that the server stops on SIGTERM as `docker stop` asks it to.

What it cannot check: the image build itself (base image, pip install, user, file ownership).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import harness
import pytest

from tests import dockerfile as df

pytestmark = pytest.mark.e2e

IMAGE_PORT = "8501"
START_TIMEOUT_S = 90.0
STOP_GRACE_S = 10.0  # `docker stop` sends SIGTERM, then SIGKILL after 10 s


def with_port(words: list[str], port: int) -> list[str]:
    """The command with the image's port replaced: `--server.port=8501`, `localhost:8501/...`."""
    pattern = re.compile(rf"(?<=[=:]){IMAGE_PORT}\b")
    replaced = [pattern.sub(str(port), w) for w in words]
    assert replaced != words, f"no port {IMAGE_PORT} to replace in {words}"
    return replaced


def container_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env.update(df.env())  # the image's ENV
    env["HOME"] = str(home)
    # `streamlit` and `python` resolve to this interpreter's, as they resolve to the image's.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run_healthcheck(command: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, env=env, cwd=harness.REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:  # Docker counts a check over --timeout as failed
        return subprocess.CompletedProcess(command, 124, "", f"timed out after {timeout} s: {exc}")


def stop(proc: subprocess.Popen) -> int | None:
    """SIGTERM (as `docker stop`); the exit code, or None if it had to be killed."""
    if proc.poll() is not None:
        return proc.returncode
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(timeout=STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
        return None


def test_dockerfile_cmd_starts_a_healthy_app(tmp_path):
    cmd = df.exec_form(df.last("CMD"))
    options, check = df.healthcheck()
    check_timeout = df.seconds(options.get("timeout", "30s"))
    home = tmp_path / "home"
    home.mkdir()
    env = container_env(home)
    log_path = tmp_path / "server.log"

    for attempt in range(3):  # a port taken between free_port() and the bind: try another
        port = harness.free_port()
        health = with_port(check, port)
        refused = run_healthcheck(health, env, check_timeout)
        assert refused.returncode != 0, "the health check passed with no server running: it checks nothing"

        with open(log_path, "w", encoding="utf-8") as log:
            proc = subprocess.Popen(
                with_port(cmd, port),
                cwd=harness.REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=harness._die_with_parent if sys.platform.startswith("linux") else None,
            )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            result = refused
            while time.monotonic() < deadline and proc.poll() is None:
                result = run_healthcheck(health, env, check_timeout)
                if result.returncode == 0:
                    break
                time.sleep(0.5)
            output = log_path.read_text(encoding="utf-8", errors="replace")
            if proc.poll() is not None and harness._PORT_TAKEN.search(output) and attempt < 2:
                continue
            assert result.returncode == 0, (
                f"HEALTHCHECK {health} never succeeded within {START_TIMEOUT_S:.0f} s "
                f"(server exit code {proc.poll()}; last check: {result.stderr[-2000:]})\n"
                f"--- server output ---\n{output[-6000:]}"
            )

            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as resp:
                status, page = resp.status, resp.read().decode("utf-8", "replace")
            assert status == 200
            assert '<div id="root"' in page and "<script" in page, page[:500]  # Streamlit's app shell
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as resp:
                assert resp.read() == b"ok"
        finally:
            code = stop(proc)
        output = log_path.read_text(encoding="utf-8", errors="replace")
        assert code is not None, f"the server ignored SIGTERM for {STOP_GRACE_S:.0f} s (docker stop would kill it)"
        assert not harness.tracebacks_in(output), output[-6000:]
        # It announced the port it was given (Streamlit prints its URL).
        assert f":{port}" in output, output[-3000:]
        return
    pytest.fail("could not get a free port in 3 attempts")
