"""Browser test harness: a real ``streamlit run app.py`` driven by Debian's Chromium.

Reusable by every page's browser test. The fixtures live in ``tests/e2e/conftest.py``;
this module holds the machinery and the helpers a test calls::

    from harness import assert_no_exception, click_button, open_app, screenshot, wait_for_text

    def test_playground(page, streamlit_server):
        open_app(page, streamlit_server, "Playground", query={"task": "binary"})
        click_button(page, "Train")          # clicks, then waits for the rerun to finish
        wait_for_text(page, "accuracy")
        assert_no_exception(page)
        screenshot(page, "playground-trained")

Any other interaction that reruns the script (a slider, a sidebar page link: Streamlit
navigates without reloading the document) goes inside ``with expect_rerun(page): ...``;
a bare ``wait_for_app_idle(page)`` after it would return at once, the first run being done.
Test modules import ``harness`` as a top-level module (pytest puts tests/e2e on sys.path).

Facts this relies on (Streamlit 1.67 frontend): ``[data-testid=stApp]`` carries
``data-test-script-state`` (``initial`` / ``running`` / ``rerunRequested`` / ``stopRequested`` /
``notRunning`` / ``compilationError``) and ``data-test-connection-state`` (``CONNECTED`` ...).
An init script counts finished script runs in ``window.__nnplayRuns`` so a helper can wait for
*the* rerun an action caused, not just for an idle moment before it even started.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # playwright is imported lazily so a missing install can skip, not crash
    from playwright.sync_api import Browser, Locator, Page, Playwright

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
SERVER_LOG = ARTIFACTS / "streamlit-server.log"

CHROMIUM = os.environ.get("NNPLAY_E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # No network beyond localhost: every other host name fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]
VIEWPORT = {"width": 1400, "height": 1000}
# Generous: the first TensorFlow import inside the server takes ~5-10 s.
DEFAULT_TIMEOUT_MS = 30_000
# Waiting for a script run to finish: a page that trains may legitimately run a while.
RUN_TIMEOUT_MS = 60_000
SERVER_START_TIMEOUT_S = 60.0

INSTALL_HINT = "run `bash scripts/install-test-deps.sh` (installs Debian's chromium via apt-get)"


# --------------------------------------------------------------------------- environment


def in_ci() -> bool:
    """True when the CI env var is set (CI=true on CI); '', '0', 'false', 'no' count as unset."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_problem() -> str | None:
    """Why the browser tests cannot run here, or None if they can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Debian's chromium is not installed at {CHROMIUM}; {INSTALL_HINT}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright is not importable ({exc}); pip install -r requirements-dev.txt"
    return None


# --------------------------------------------------------------------------- the server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the server start retries on a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec (Linux only)
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG: no orphaned server if pytest is killed
    except Exception:
        pass


# What Streamlit / uvicorn print when the port was taken between free_port() and the bind.
_PORT_TAKEN = re.compile(r"Port \d+ is not available|already in use", re.I)


class ServerStartError(RuntimeError):
    pass


class StreamlitServer:
    """``python -m streamlit run app.py`` from the repo root on a free port, output to a log file."""

    def __init__(
        self,
        script: str = "app.py",
        *,
        log_path: Path = SERVER_LOG,
        extra_env: Mapping[str, str] | None = None,
        start_timeout: float = SERVER_START_TIMEOUT_S,
    ) -> None:
        self.script = script
        self.log_path = log_path
        self.extra_env = dict(extra_env or {})
        self.start_timeout = start_timeout
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self._log_file = None

    @property
    def base_url(self) -> str:
        assert self.port is not None, "server not started"
        return f"http://127.0.0.1:{self.port}"

    # -- lifecycle

    def start(self, attempts: int = 3) -> str:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log_path, "w", encoding="utf-8", errors="replace")
        last_error: Exception | None = None
        for attempt in range(1, attempts + 1):
            try:
                self._start_once(attempt)
                return self.base_url
            except ServerStartError as exc:
                last_error = exc
                self._stop_process()
                if not _PORT_TAKEN.search(str(exc)):  # only a port race is worth another try
                    break
        self.stop()
        raise last_error  # type: ignore[misc]

    def _start_once(self, attempt: int) -> None:
        self.port = free_port()
        cmd = [
            sys.executable, "-m", "streamlit", "run", self.script,
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            # Other engineers edit pages while tests run: never rerun on a file change.
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
            # Plain Python tracebacks in the log (greppable), not rich's boxed, coloured ones.
            "--logger.enableRich", "false",
        ]
        env = dict(os.environ)
        env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"})
        env.update(self.extra_env)
        self._log_file.write(f"### attempt {attempt}: {' '.join(cmd)}\n")
        self._log_file.flush()
        self.proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() reaches any children too
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        url = f"{self.base_url}/_stcore/health"
        deadline = time.monotonic() + self.start_timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                raise ServerStartError(
                    f"streamlit exited with code {code} before it was healthy.\n"
                    f"--- server output ({self.log_path}) ---\n{self.log_text()[-6000:]}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    body = resp.read().decode("utf-8", "replace").strip()
                if body == "ok":
                    return
                last = f"HTTP {resp.status}: {body!r}"
            except (urllib.error.URLError, OSError) as exc:
                last = repr(exc)
            time.sleep(0.25)
        raise ServerStartError(
            f"streamlit was not healthy at {url} after {self.start_timeout:.0f} s (last: {last}).\n"
            f"--- server output ({self.log_path}) ---\n{self.log_text()[-6000:]}"
        )

    def _stop_process(self, grace: float = 10.0) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)  # the group we created (start_new_session)
            except (ProcessLookupError, PermissionError):
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(sig)
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def stop(self) -> None:
        self._stop_process()
        if self._log_file is not None and not self._log_file.closed:
            self._log_file.flush()
            self._log_file.close()

    def __enter__(self) -> StreamlitServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- log

    def log_mark(self) -> int:
        """A position in the log; pass it to log_text(since=...) to read only what came after."""
        if self._log_file is not None and not self._log_file.closed:
            self._log_file.flush()
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_text(self, since: int = 0) -> str:
        if self._log_file is not None and not self._log_file.closed:
            self._log_file.flush()
        if not self.log_path.exists():
            return ""
        with open(self.log_path, "rb") as f:
            f.seek(since)
            return f.read().decode("utf-8", "replace")


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def tracebacks_in(log: str) -> list[str]:
    """The tracebacks in a server log: plain Python ones (with Streamlit's "Uncaught app
    execution" line before them), and rich's boxed ones should logger.enableRich be on."""
    log = _ANSI.sub("", log)
    starts = [
        m.start()
        for m in re.finditer(r"^.*(Traceback \(most recent call last\)|Uncaught app exec).*$", log, re.M)
    ]
    found, end = [], -1
    for s in starts:
        if s < end:  # "Uncaught app execution" followed by its own Traceback: one block
            continue
        nxt = re.compile(r"^\S.*(Error|Exception|Exit|Interrupt)\b.*$", re.M).search(log, s + 1)
        end = nxt.end() if nxt else min(len(log), s + 4000)
        found.append(log[s:end].strip()[:4000])
    return found


# --------------------------------------------------------------------------- the browser

# Counts finished script runs: a transition of stApp's data-test-script-state into a
# terminal state. Installed on every document before Streamlit's own scripts.
_RUN_COUNTER_JS = r"""
(() => {
  if (window.__nnplayRuns !== undefined) return;
  const TERMINAL = new Set(["notRunning", "compilationError"]);
  window.__nnplayRuns = 0;
  window.__nnplayLastChange = performance.now();
  new MutationObserver((records) => {
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r.target.getAttribute("data-testid") !== "stApp") continue;
      window.__nnplayLastChange = performance.now();
      let next = null;
      for (let j = i + 1; j < records.length; j++) {
        if (records[j].target === r.target) { next = records[j].oldValue; break; }
      }
      if (next === null) next = r.target.getAttribute("data-test-script-state");
      if (TERMINAL.has(next) && !TERMINAL.has(r.oldValue)) window.__nnplayRuns += 1;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ["data-test-script-state"]});
})();
"""

# True when at least `after` + 1 runs finished, nothing runs now, the connection is up, no
# element is still a loading skeleton, and the run state has been stable for `settle` ms
# (an app that reruns itself right away is not idle yet).
_IDLE_JS = r"""
([after, settle]) => {
  const app = document.querySelector("[data-testid=stApp]");
  if (!app || window.__nnplayRuns === undefined) return false;
  const state = app.getAttribute("data-test-script-state");
  if (state !== "notRunning" && state !== "compilationError") return false;
  if (app.getAttribute("data-test-connection-state") !== "CONNECTED") return false;
  if (window.__nnplayRuns <= after) return false;
  if (document.querySelector("[data-testid=stSkeleton], [data-testid=stStatusWidgetRunningIcon]")) return false;
  return performance.now() - window.__nnplayLastChange >= settle;
}
"""


def launch_browser(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        chromium_sandbox=False,
        timeout=60_000,
    )


def new_page(browser: Browser, base_url: str | None = None) -> Page:
    """A page in a fresh context (own cookies/session), 1400x1000, 30 s default timeout."""
    context = browser.new_context(
        viewport=VIEWPORT,
        base_url=base_url,
        locale="en-US",
        timezone_id="UTC",
        reduced_motion="reduce",
        color_scheme="light",
        service_workers="block",
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    context.add_init_script(_RUN_COUNTER_JS)
    return context.new_page()


def runs_finished(page: Page) -> int:
    """How many script runs have finished since this document loaded."""
    return int(page.evaluate("() => window.__nnplayRuns || 0"))


def wait_for_app_idle(
    page: Page, *, after: int = 0, timeout: float = RUN_TIMEOUT_MS, settle_ms: int = 250
) -> None:
    """Wait until more than `after` script runs have finished and the app is idle."""
    try:
        page.wait_for_function(_IDLE_JS, arg=[after, settle_ms], timeout=timeout, polling=100)
    except Exception as exc:
        state = page.evaluate(
            """() => { const a = document.querySelector('[data-testid=stApp]');
                       return a ? [a.getAttribute('data-test-script-state'),
                                   a.getAttribute('data-test-connection-state'),
                                   window.__nnplayRuns] : null; }"""
        )
        raise AssertionError(
            f"Streamlit did not finish running within {timeout / 1000:.0f} s "
            f"(stApp [script state, connection, runs finished] = {state}, waited for runs > {after}) "
            f"at {page.url}"
        ) from exc


@contextlib.contextmanager
def expect_rerun(page: Page, *, timeout: float = RUN_TIMEOUT_MS) -> Iterator[None]:
    """Wrap an interaction that triggers a rerun; on exit, wait for that rerun to finish.

        with expect_rerun(page):
            page.get_by_label("Epochs").fill("5")
            page.keyboard.press("Enter")
    """
    before = runs_finished(page)
    yield
    wait_for_app_idle(page, after=before, timeout=timeout)


def app_url(base_url: str, path: str = "", query: str | Mapping[str, object] = "") -> str:
    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    if isinstance(query, Mapping):
        query = urllib.parse.urlencode(query, doseq=True)
    query = query.lstrip("?")
    return f"{url}?{query}" if query else url


def open_app(
    page: Page,
    base_url: str,
    path: str = "",
    query: str | Mapping[str, object] = "",
    *,
    timeout: float = RUN_TIMEOUT_MS,
) -> Page:
    """Navigate to a page of the app (``path`` = URL path of a page, e.g. "Playground"; ``query``
    a string "a=1&b=2" or a dict) and wait until the app is rendered and its first run is done."""
    page.goto(app_url(base_url, path, query), wait_until="domcontentloaded", timeout=timeout)
    page.locator("[data-testid=stApp]").wait_for(state="attached", timeout=timeout)
    wait_for_app_idle(page, after=0, timeout=timeout)
    return page


def wait_for_text(
    page: Page, text: str | re.Pattern, *, exact: bool = False, timeout: float | None = None
) -> Locator:
    """Wait until `text` is visible somewhere on the page; return the (first visible) match.
    A plain string matches case-insensitively as a substring unless exact=True."""
    loc = page.get_by_text(text, exact=exact).filter(visible=True).first
    loc.wait_for(state="visible", timeout=timeout)
    return loc


def click_button(
    page: Page,
    label: str,
    *,
    wait: bool = True,
    scope: Page | Locator | None = None,
    timeout: float = RUN_TIMEOUT_MS,
) -> None:
    """Click the button whose accessible name is exactly `label` (st.button, form submit,
    download button), then wait for the rerun it causes to finish (wait=False: don't, e.g. to
    watch live training). `scope` narrows the search, e.g. page.locator("[data-testid=stSidebar]")."""
    button = (scope or page).get_by_role("button", name=label, exact=True)
    if wait:
        with expect_rerun(page, timeout=timeout):
            button.click()
    else:
        button.click()


def choose_option(page: Page, scope: Page | Locator, label: str, option: str) -> None:
    """Pick `option` in the st.selectbox labelled `label`, as a person does: open it, type, Enter;
    then wait for the rerun it causes."""
    box = scope.locator("[data-testid=stSelectbox]").filter(has_text=label)
    with expect_rerun(page):
        box.locator("input").click()
        page.keyboard.type(option)
        page.keyboard.press("Enter")


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "screenshot"


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG to test-artifacts/<name>.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{_safe_name(name)}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


def current_query(page: Page, *, multi: bool = False) -> dict:
    """The page URL's query parameters: {key: last value}, or {key: [values]} with multi=True."""
    parsed = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query, keep_blank_values=True)
    return parsed if multi else {k: v[-1] for k, v in parsed.items()}


def exception_texts(page: Page) -> list[str]:
    return page.locator("[data-testid=stException]").all_inner_texts()


def assert_no_exception(page: Page) -> None:
    """Fail with the exception box's text if the page shows a Streamlit exception."""
    texts = exception_texts(page)
    assert not texts, f"the page shows {len(texts)} exception box(es):\n" + "\n---\n".join(texts)

# The live view's root element (nnplay/ui/live_view.py): inside the open shadow root of its
# Streamlit component host. As a JS function expression, for page.evaluate.
LIVE_VIEW_ROOT_JS = """() => {
  for (const host of document.querySelectorAll('[data-testid=stBidiComponentIsolated]')) {
    const root = host.shadowRoot && host.shadowRoot.querySelector('.nnplay-live-view');
    if (root) return root;
  }
  return null;
}"""


# --------------------------------------------------------------------------- benches in quick mode

def run_bench(script: str, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """`python bench/<script> --quick <args>` from the repo root, as a person runs it."""
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="2")
    return subprocess.run([sys.executable, f"bench/{script}", "--quick", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def bench_table(done: subprocess.CompletedProcess, title: str) -> list[list[str]]:
    """The rows (header first) of the table a bench printed under `title` (bench.common.print_table:
    cells right-aligned, two or more spaces apart); fails with the bench's output when it is missing."""
    output = done.stdout
    assert title in output, f"{output[-3000:]}\n{done.stderr[-6000:]}"
    lines = output[output.index(title):].split("\n\n")[0].splitlines()[1:]
    return [re.split(r" {2,}", line.strip()) for line in lines if line.strip()]
