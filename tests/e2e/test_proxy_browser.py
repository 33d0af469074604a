"""A real proxy in front of two replicas: Debian's nginx running deploy/nginx/nnplay.conf (the
README's example, word for word: tests/unit/test_nginx_config.py) before two `streamlit run app.py`.

The file is rendered for loopback by replacing only the two replica addresses and the listen
port (each must occur once, so the file cannot drift from what is run here), then wrapped in a
main config an unprivileged user can run (pid, logs and temp files in a temporary directory,
high loopback ports, `daemon off;`). The browser visits the README's host name,
nnplay.example.org, mapped to 127.0.0.1 inside Chromium, so Streamlit's WebSocket check meets a
real host name (not the localhost it always allows) and its Origin must match the Host nginx passes.

What is shown:
- through the proxy, a share link opens the Playground (its WebSocket upgraded by nginx), Train
  finishes, the page shows the final test loss and offers the loss history; a reload is served
  again, with the link's setup;
- a second browser context (another client: own cookies, own Streamlit session) opening the same
  link through the proxy gets the same final loss and the same curve, bit for bit;
- affinity: nginx's access log says which replica served every request, all of them one replica
  (ip_hash, one client address); the *other* replica, opened directly, gives the same curve too;
- nginx refuses a request body over 10 MB with 413 and passes one under it.
What is not: two client addresses spread over both replicas (every loopback client has the same
address for ip_hash), a reconnect after a replica goes down, and cookie affinity.

nginx comes from `bash scripts/install-test-deps.sh`; without it the test is skipped, or fails
when CI is set, as the browser tests do without Chromium.
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import harness
import pytest
from harness import (
    REPO,
    assert_no_exception,
    current_query,
    open_app,
    runs_finished,
    wait_for_app_idle,
    wait_for_text,
)

from nnplay.config.links import to_query_string
from nnplay.config.schema import HiddenLayer, PlaygroundConfig

pytestmark = pytest.mark.e2e

CONF = REPO / "deploy" / "nginx" / "nnplay.conf"
HOST = "nnplay.example.org"  # the file's server_name; Chromium resolves it to 127.0.0.1
EPOCHS = 30
LINK = PlaygroundConfig(n_samples=200, noise=0.1, epochs=EPOCHS, seed=7,
                        hidden=(HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh")))
TRAIN_TIMEOUT_MS = 180_000  # two replicas and nginx on a shared 2-core machine: never a timing assertion
FINISHED = re.compile(r"^Finished\..*\((\d+) epochs in [\d.]+ s; (\d+) epochs in all\)")
# A line of the wrapper's access log (log_format "routed" below).
ROUTED = re.compile(r'^(?P<client>\S+) "(?P<request>[^"]*)" (?P<status>\d{3}) upstream=(?P<upstream>.+)$')


# --------------------------------------------------------------------------- nginx


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def render_for_loopback(conf: str, replica_ports: tuple[int, int], listen_port: int) -> str:
    """The file with only the replicas' addresses and the listen port replaced (each exactly once)."""
    for old, new in (
        ("10.0.0.11:8501", f"127.0.0.1:{replica_ports[0]}"),
        ("10.0.0.12:8502", f"127.0.0.1:{replica_ports[1]}"),
        ("listen 80;", f"listen 127.0.0.1:{listen_port};"),
    ):
        assert conf.count(old) == 1, f"{CONF.name} should contain {old!r} once: the test replaces it"
        conf = conf.replace(old, new)
    return conf


def main_config(workdir: Path, site: Path) -> str:
    """What /etc/nginx/nginx.conf gives the file in a real install, for an unprivileged run."""
    # As root, nginx's workers would drop to `nobody`, who cannot enter the temporary directory.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    temp = "".join(f"    {kind}_temp_path {workdir / ('temp-' + kind)};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        "# Written by tests/e2e/test_proxy_browser.py around deploy/nginx/nnplay.conf.\n"
        f"{user}daemon off;\nworker_processes 1;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'error.log'} notice;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    log_format routed '$remote_addr \"$request\" $status upstream=$upstream_addr';\n"
        f"    access_log {workdir / 'access.log'} routed;\n"
        f"{temp}"
        f"    include {site};\n"
        "}\n"
    )


class Nginx:
    def __init__(self, binary: str, replica_ports: tuple[int, int]) -> None:
        self.binary = binary
        self.workdir = Path(tempfile.mkdtemp(prefix="nnplay-nginx-"))
        self.port = harness.free_port()
        site = self.workdir / "nnplay.conf"
        site.write_text(render_for_loopback(CONF.read_text(encoding="utf-8"), replica_ports, self.port),
                        encoding="utf-8")
        self.config = self.workdir / "nginx.conf"
        self.config.write_text(main_config(self.workdir, site), encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    def command(self, *extra: str) -> list[str]:
        # -e: the error log before the config is read (Debian's default, /var/log/nginx, is root's).
        return [self.binary, "-p", str(self.workdir), "-e", str(self.workdir / "error.log"),
                "-c", str(self.config), *extra]

    def start(self, timeout: float = 30.0) -> None:
        check = subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)
        assert check.returncode == 0, f"nginx -t refused the config:\n{check.stderr}\n{self.config.read_text()}"
        self.proc = subprocess.Popen(
            self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=harness._die_with_parent if sys.platform.startswith("linux") else None,
        )
        url, deadline, last = f"http://127.0.0.1:{self.port}/_stcore/health", time.monotonic() + timeout, ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited with {self.proc.returncode}:\n{self.error_log()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.read().decode().strip() == "ok":
                        return
            except (urllib.error.URLError, OSError) as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise AssertionError(f"no healthy answer through nginx at {url} (last: {last}):\n{self.error_log()}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # nginx's fast shutdown, workers included
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        for name in ("error.log", "access.log", "nginx.conf", "nnplay.conf"):  # kept for a look afterwards
            with contextlib.suppress(OSError):
                shutil.copy(self.workdir / name, harness.ARTIFACTS / f"proxy-nginx-{name}")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def error_log(self) -> str:
        path = self.workdir / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def routed(self) -> list[dict[str, str]]:
        path = self.workdir / "access.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        return [m.groupdict() for m in map(ROUTED.match, lines) if m]


@pytest.fixture(scope="module")
def proxy():
    """Two replicas and nginx in front of them; yields (nginx, [replica 1, replica 2])."""
    binary = nginx_binary()
    if binary is None:
        problem = "nginx is not installed; run `bash scripts/install-test-deps.sh` (Debian's nginx via apt-get)"
        if harness.in_ci():
            pytest.fail(f"the proxy test cannot run on CI: {problem}", pytrace=False)
        pytest.skip(problem)
    replicas = [harness.StreamlitServer("app.py", log_path=harness.ARTIFACTS / f"proxy-replica-{i}.log")
                for i in (1, 2)]
    nginx = None
    try:
        for replica in replicas:
            try:
                replica.start()
            except harness.ServerStartError as exc:
                pytest.fail(f"could not start a replica: {exc}", pytrace=False)
        nginx = Nginx(binary, (replicas[0].port, replicas[1].port))
        nginx.start()
        yield nginx, replicas
    finally:
        if nginx is not None:
            nginx.stop()
        for replica in replicas:
            replica.stop()


@pytest.fixture(scope="module")
def proxy_browser(_playwright):
    """Chromium as harness.launch_browser starts it, and resolving nnplay.example.org to 127.0.0.1."""
    args = [a for a in harness.CHROMIUM_ARGS if not a.startswith("--host-resolver-rules=")]
    args.append(f"--host-resolver-rules=MAP {HOST} 127.0.0.1 , MAP * ~NOTFOUND , "
                "EXCLUDE 127.0.0.1 , EXCLUDE localhost")
    browser = _playwright.chromium.launch(executable_path=harness.CHROMIUM, headless=True, args=args,
                                          chromium_sandbox=False, timeout=60_000)
    try:
        yield browser
    finally:
        browser.close()


# --------------------------------------------------------------------------- the page


def open_link(page, base_url: str) -> None:
    open_app(page, base_url, "Playground", to_query_string(LINK), timeout=TRAIN_TIMEOUT_MS)
    page.get_by_role("heading", name="Playground").wait_for(state="visible")
    assert_no_exception(page)


def train(page) -> tuple[str, str]:
    """Click Train, wait for "Finished."; return (the final test loss the page shows, the loss history CSV)."""
    before = runs_finished(page)
    page.get_by_role("button", name="Train", exact=True).click()
    message = wait_for_text(page, FINISHED, timeout=TRAIN_TIMEOUT_MS).inner_text()
    wait_for_app_idle(page, after=before, timeout=TRAIN_TIMEOUT_MS)
    assert tuple(map(int, FINISHED.search(message).groups())) == (EPOCHS, EPOCHS), message
    assert_no_exception(page)
    loss = (page.locator("[data-testid=stMetric]").filter(has_text="Final test loss")
            .locator("[data-testid=stMetricValue]").inner_text().strip())
    assert re.fullmatch(r"\d+\.\d{4}", loss), loss
    button = page.get_by_role("button", name="Download the loss history (CSV)", exact=True)
    with page.expect_download(timeout=60_000) as download:  # a file the replica serves, via nginx
        button.click()
    csv = Path(download.value.path()).read_text(encoding="utf-8")
    rows = csv.strip().splitlines()
    assert rows[0] == "epoch,train_loss,test_loss,train_accuracy,test_accuracy", rows[0]
    assert [int(row.split(",")[0]) for row in rows[1:]] == list(range(1, EPOCHS + 1))
    assert f"{float(rows[-1].split(',')[2]):.4f}" == loss, "the metric is not the history's last test loss"
    return loss, csv


def websockets(routed: list[dict[str, str]]) -> list[dict[str, str]]:
    return [r for r in routed if r["request"].startswith("GET /_stcore/stream ") and r["status"] == "101"]


def wait_for_websockets_logged(nginx: Nginx, count: int, timeout: float = 15.0) -> list[dict[str, str]]:
    """The access log once it holds `count` WebSocket upgrades (101) of /_stcore/stream."""
    deadline = time.monotonic() + timeout
    while len(websockets(routed := nginx.routed())) < count:
        assert time.monotonic() < deadline, (
            f"nginx logged {len(websockets(routed))} WebSocket upgrades, expected {count}; "
            f"status counts: {collections.Counter(r['status'] for r in routed)}")
        time.sleep(0.2)
    return routed


@contextlib.contextmanager
def artifacts_on_failure(page, name: str):
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            harness.screenshot(page, f"FAILED-proxy-{name}")
            (harness.ARTIFACTS / f"FAILED-proxy-{name}.html").write_text(page.content(), encoding="utf-8")
        raise


def test_a_share_link_through_the_proxy(proxy, proxy_browser):
    nginx, replicas = proxy
    url = f"http://{HOST}:{nginx.port}"

    first = harness.new_page(proxy_browser)
    second = harness.new_page(proxy_browser)
    direct = harness.new_page(proxy_browser)
    try:
        with artifacts_on_failure(first, "first"):
            open_link(first, url)
            assert first.url.startswith(f"{url}/Playground?")
            loss, curve = train(first)
            first.screenshot(path="/tmp/proxy.png", animations="disabled")
            harness.screenshot(first, "proxy-trained")

            first.reload(wait_until="domcontentloaded")  # still served, the link's setup again
            first.locator("[data-testid=stApp]").wait_for(state="attached")
            wait_for_app_idle(first, after=0, timeout=TRAIN_TIMEOUT_MS)
            first.get_by_role("heading", name="Playground").wait_for(state="visible")
            first.get_by_role("button", name="Train", exact=True).wait_for(state="visible")
            assert_no_exception(first)
            assert current_query(first)["seed"] == str(LINK.seed)
            assert current_query(first)["epochs"] == str(EPOCHS)

        with artifacts_on_failure(second, "second"):  # another client, same link, through the proxy
            open_link(second, url)
            assert train(second) == (loss, curve), "another client got another curve through the proxy"

        # Which replica served them: every proxied request, WebSockets (101) included, went to one.
        # nginx logs a WebSocket when it closes: close both clients, then read the log.
        for page in (first, second):
            page.context.close()
        routed = wait_for_websockets_logged(nginx, 3)  # first, its reload, second
        upstreams = collections.Counter(r["upstream"] for r in routed)
        assert len(upstreams) == 1, f"ip_hash should send one client address to one replica: {upstreams}"
        served = next(iter(upstreams))
        other = next(r for r in replicas if served != f"127.0.0.1:{r.port}")
        assert served in {f"127.0.0.1:{r.port}" for r in replicas}, served

        with artifacts_on_failure(direct, "other-replica"):  # the replica nginx did not pick
            open_link(direct, other.base_url)
            assert train(direct) == (loss, curve), "the other replica gave another curve for the same link"
    finally:
        for page in (first, second, direct):
            with contextlib.suppress(Exception):
                page.context.close()

    for replica in replicas:
        found = harness.tracebacks_in(replica.log_text())
        assert not found, f"{replica.log_path.name} logged tracebacks:\n" + "\n---\n".join(found)
    assert "[emerg]" not in nginx.error_log() and "[crit]" not in nginx.error_log(), nginx.error_log()


def send(port: int, method: str, path: str, size: int) -> int:
    """`size` bytes to the proxy; nginx's status (it may answer 413 before the body is all sent)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True)
        conn.putheader("Host", f"{HOST}:{port}")
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(size))
        conn.endheaders()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            chunk = b"x" * (1 << 20)
            for start in range(0, size, len(chunk)):
                conn.send(chunk[: size - start])
        return conn.getresponse().status
    finally:
        conn.close()


def health(port: int) -> tuple[int, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as resp:
        return resp.status, resp.read().decode().strip()


def test_the_proxy_refuses_a_body_over_10_mb_and_junk_takes_no_replica_out(proxy):
    nginx, _ = proxy
    upload = "/_stcore/upload_file/no-session/no-file"  # no session, no XSRF token: junk
    assert send(nginx.port, "POST", upload, 11 * 1024 * 1024) == 413
    assert send(nginx.port, "PUT", upload, 9 * 1024 * 1024) != 413
    deadline = time.monotonic() + 10  # an access log line is written as its request ends
    while len(logged := [r for r in nginx.routed() if r["request"].split(" ")[1:2] == [upload]]) < 2:
        assert time.monotonic() < deadline, logged
        time.sleep(0.1)
    assert [(r["status"], r["upstream"]) for r in logged[:1]] == [("413", "-")], logged  # never reached one
    assert logged[1]["upstream"] != "-", logged  # the 9 MB one was passed on
    # Streamlit dropped that junk before reading it all: nginx saw a failed request. With the
    # default max_fails=1 both replicas would now be out for 10 s and this a 502.
    assert health(nginx.port) == (200, "ok")
