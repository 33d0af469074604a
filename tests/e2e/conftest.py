"""Fixtures of the browser tests: one `streamlit run app.py` and one Chromium per session,
a fresh browser context (own Streamlit session) per test.

    streamlit_server   (session)  base URL "http://127.0.0.1:<port>" of the running app
    streamlit_process  (session)  the harness.StreamlitServer behind it (port, log_text(), ...)
    browser            (session)  Playwright Browser on Debian's /usr/bin/chromium
    page               (function) Page, 1400x1000, 30 s default timeout; on failure its
                                  screenshot, HTML and console go to test-artifacts/FAILED-*
    server_log         (function) the server's output since this test started:
                                  .text(), .tracebacks(), .assert_no_traceback()

Every test under tests/e2e is marked `e2e` and skipped when Chromium (or Playwright) is
missing — unless the CI env var is set, where that is an error instead.
"""

from __future__ import annotations

from pathlib import Path

import harness
import pytest

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    problem = harness.chromium_problem()
    skip = None
    if problem and not harness.in_ci():
        skip = pytest.mark.skip(reason=f"e2e: {problem}")
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if skip is not None:
                item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_e2e_rep_{report.when}", report)
    return report


# --------------------------------------------------------------------------- server


@pytest.fixture(scope="session")
def streamlit_process():
    server = harness.StreamlitServer("app.py")
    try:
        server.start()
    except harness.ServerStartError as exc:
        pytest.fail(f"could not start the Streamlit server: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def streamlit_server(streamlit_process) -> str:
    return streamlit_process.base_url


class ServerLog:
    """The server output written since the test began."""

    def __init__(self, server: harness.StreamlitServer):
        self.server = server
        self.mark = server.log_mark()

    def text(self) -> str:
        return self.server.log_text(since=self.mark)

    def tracebacks(self) -> list[str]:
        return harness.tracebacks_in(self.text())

    def assert_no_traceback(self) -> None:
        found = self.tracebacks()
        assert not found, (
            f"the Streamlit server logged {len(found)} traceback(s) "
            f"(full log: {self.server.log_path}):\n" + "\n---\n".join(found)
        )


@pytest.fixture
def server_log(streamlit_process) -> ServerLog:
    return ServerLog(streamlit_process)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def _playwright():
    problem = harness.chromium_problem()
    if problem:  # only reached with CI set: collection skipped the tests otherwise
        pytest.fail(f"e2e tests cannot run on CI: {problem}", pytrace=False)
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        yield pw
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def browser(_playwright):
    b = harness.launch_browser(_playwright)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def page(browser, request):
    page = harness.new_page(browser)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"[{m.type}] {m.text}"))
    page.on("pageerror", lambda e: console.append(f"[pageerror] {e}"))
    try:
        yield page
    finally:
        rep = getattr(request.node, "_e2e_rep_call", None)
        if rep is not None and rep.failed:
            _save_failure_artifacts(page, request.node.nodeid, console)
        try:
            page.context.close()
        except Exception:
            pass


def _save_failure_artifacts(page, nodeid: str, console: list[str]) -> None:
    name = "FAILED-" + harness._safe_name(nodeid.split("::", 1)[-1])
    try:
        harness.screenshot(page, name)
        (harness.ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
        (harness.ARTIFACTS / f"{name}.console.txt").write_text(
            f"url: {page.url}\n" + "\n".join(console) + "\n", encoding="utf-8"
        )
    except Exception as exc:  # never mask the real failure
        print(f"e2e: could not save failure artifacts for {nodeid}: {exc}")
