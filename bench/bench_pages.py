"""How long each page takes to open in Chromium: navigation until the script is idle and the page drawn.

For every page of the app (nnplay.ui.site.PAGES and the home page) the bench measures, in a real
headless Chromium against `streamlit run app.py`:

- cold: the page is the first thing a freshly started server serves (for the Playground and the labs
  that includes importing TensorFlow);
- warm: a new visitor (a fresh browser context, hence a fresh Streamlit session) opens the page on a
  server that has served it and a whole Playground before (TensorFlow is in): the median of
  --repeats visits.

"Open" is the time from navigation start until the script has finished its run, nothing is still a
loading skeleton, and every plotly chart has drawn its SVG (performance.now() of the last change, in
the page's own clock). The server's log is checked for tracebacks. No thresholds: it prints numbers;
the targets (issue 15: warm Playground ≤ 1.0 s, cold ≤ 4 s) are printed beside them, and so is
Streamlit's own floor: a one-line app (st.write) measured the same way in the same run.

    python bench/bench_pages.py [--repeats 3]
    python bench/bench_pages.py --quick     # home and Playground only, one warm visit (CI)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))  # harness
import harness  # noqa: E402  (tests/e2e/harness.py: no Playwright import until a browser is started)

from bench.common import print_table  # noqa: E402
from nnplay.ui.site import HOME_TITLE, PAGES  # noqa: E402

TARGETS = {"Playground": ("≤ 4 s", "≤ 1.0 s")}  # issue 15
OPEN_TIMEOUT_MS = 120_000

# Drawn: idle (harness._IDLE_JS with no settle time) and every plotly chart has its SVG. Returns the
# page-clock time of the last change to the app, or null while not drawn yet.
_DRAWN_JS = """
() => {
  const idle = (IDLE_JS)([0, 0]);
  if (!idle) return null;
  const charts = [...document.querySelectorAll("[data-testid=stPlotlyChart]")];
  if (charts.some(chart => !chart.querySelector(".main-svg"))) return null;
  return window.__nnplayLastChange;
}
""".replace("IDLE_JS", harness._IDLE_JS.strip())


def open_seconds(browser, base_url: str, path: str) -> tuple[float, float]:
    """Seconds from navigation start until the page at `path` was first idle and drawn, and until it
    was complete (drawn, and nothing changed for half a second after), in a fresh session. They
    differ on a cold Playground: its first part is drawn before TensorFlow is in, the rest after."""
    page = harness.new_page(browser)
    try:
        page.goto(harness.app_url(base_url, path), wait_until="domcontentloaded", timeout=OPEN_TIMEOUT_MS)
        deadline = time.monotonic() + OPEN_TIMEOUT_MS / 1000
        stable_since, last, first = None, None, None
        while time.monotonic() < deadline:
            drawn = page.evaluate(_DRAWN_JS)
            first = drawn if first is None else first
            if drawn is not None and drawn == last:
                if time.monotonic() - stable_since >= 0.5:  # nothing changed for half a second: done
                    harness.assert_no_exception(page)
                    return first / 1000, drawn / 1000
            else:
                stable_since, last = time.monotonic(), drawn
            time.sleep(0.05)
        raise TimeoutError(f"{path or 'home'} did not open within {OPEN_TIMEOUT_MS / 1000:.0f} s")
    finally:
        page.context.close()


def start_server(script: str = "app.py") -> harness.StreamlitServer:
    server = harness.StreamlitServer(script, log_path=harness.ARTIFACTS / "bench-pages-server.log",
                                     start_timeout=120)
    server.start()
    return server


def streamlit_floor(browser, repeats: int) -> list[str]:
    """The same measurement of a one-line Streamlit app: what any page pays before its own work."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "one_line.py"
        script.write_text('import streamlit as st\nst.write("Hello")\n')
        server = start_server(str(script))
        try:
            cold = open_seconds(browser, server.base_url, "")[1]
            warm = [open_seconds(browser, server.base_url, "")[1] for _ in range(repeats)]
        finally:
            server.stop()
    return ["(Streamlit floor: a one-line app)", f"{cold:.2f}", f"{cold:.2f}", "",
            f"{statistics.median(warm):.2f}", f"{min(warm):.2f}–{max(warm):.2f}", ""]


def measure(pages: list[tuple[str, str]], repeats: int) -> list[list[str]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = harness.launch_browser(playwright)
        rows = [streamlit_floor(browser, repeats)]
        for title, path in pages:
            server = start_server()  # a fresh server per page: its first visit is a cold one
            try:
                cold_first, cold = open_seconds(browser, server.base_url, path)
                open_seconds(browser, server.base_url, "Playground")  # TensorFlow in, as for a 2nd visitor
                warm = [open_seconds(browser, server.base_url, path)[1] for _ in range(repeats)]
                problems = harness.tracebacks_in(server.log_text())
            finally:
                server.stop()
            if problems:
                raise SystemExit(f"{title}: the server logged a traceback:\n{problems[0]}")
            cold_target, warm_target = TARGETS.get(title, ("", ""))
            rows.append([title, f"{cold_first:.2f}", f"{cold:.2f}", cold_target, f"{statistics.median(warm):.2f}",
                         f"{min(warm):.2f}–{max(warm):.2f}", warm_target])
            print(f"  {title}: cold {cold_first:.2f} s first drawn, {cold:.2f} s complete, "
                  f"warm {' '.join(f'{s:.2f}' for s in warm)} s", flush=True)
        browser.close()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm visits per page")
    parser.add_argument("--quick", action="store_true", help="home and Playground, one warm visit (CI)")
    args = parser.parse_args(argv)
    problem = harness.chromium_problem()
    if problem:
        print(f"cannot run: {problem}")
        return 2
    pages = [(HOME_TITLE, "")] + [(page.title, page.url_path) for page in PAGES]
    if args.quick:
        pages, args.repeats = [pages[0], next(p for p in pages if p[0] == "Playground")], 1
    rows = measure(pages, args.repeats)
    print_table(f"Opening a page in Chromium, seconds (navigation → idle and drawn; warm = median of "
                f"{args.repeats} new visitors)",
                ["page", "cold: first drawn", "cold: complete", "target", "warm", "warm range", "target"], rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
