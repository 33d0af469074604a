"""A class on one link: N headless-Chromium sessions press Train on the same share link at once.

Starts the app with `streamlit run app.py` (the browser tests' harness), trains the link once in
a session of its own (the reference curve), then opens N more sessions (own browser contexts,
hence own Streamlit sessions), presses Train in all of them together and waits for every one to
finish. Each session's loss history is downloaded from the page ("Download the loss history
(CSV)", floats written with repr) and must equal the solo session's, digit for digit; each
session must show one run of the link's epochs ("N epochs in all"), i.e. nobody else's model.

Reports the wall time of the crowd (first click to last finish), each session's time (click to
idle page, seen from the browser, and the training seconds the server reported), and the
server's memory: RSS of the streamlit process and its children sampled every 0.25 s (peak), and
the kernel's high-water mark VmHWM (Linux /proc, no psutil).

    python bench/bench_load.py [--sessions 6] [--epochs 300] [--samples 200] [--browser-nice 10]
    python bench/bench_load.py --quick    # 2 sessions, 20 epochs, 60 points (CI)

The machine is shared: wall times are noisy, and the load average is printed with them. The
browsers run on the server's machine: on 2 cores, 30 Chromium renderers drawing live charts
saturate it before the server does (the opening of 30 pages did not finish in 6 minutes here);
--browser-nice 10 gives the server precedence, closer to a class where every student has a machine.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "e2e"))  # the browser harness

import harness  # noqa: E402

from bench.common import print_table, status_kb  # noqa: E402
from nnplay.config.links import to_query_string  # noqa: E402
from nnplay.config.schema import HiddenLayer, PlaygroundConfig  # noqa: E402

FINISHED = re.compile(r"^(Finished|Stopped|The loss).*\((\d+) epochs in ([\d.]+) s; (\d+) epochs in all\)")
WAIT_MS = 600_000  # 30 sessions on 2 cores may take minutes; this is a bench, not a test


def shared_link(epochs: int, samples: int) -> PlaygroundConfig:
    """TF Playground's default network on the circle: seconds per run, far below the page's
    per-run time budget even with a crowd on 2 cores."""
    return PlaygroundConfig(n_samples=samples, noise=0.1, epochs=epochs, seed=7,
                            hidden=(HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh")))


# --------------------------------------------------------------------------- server memory

def process_tree(root: int) -> list[int]:
    """root and all its descendants, from /proc/<pid>/task/<tid>/children."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    todo.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def server_rss_mb(server: harness.StreamlitServer) -> float:
    """Resident memory of the streamlit process and its children, MB."""
    return sum(status_kb(pid, "VmRSS") for pid in process_tree(server.proc.pid)) / 1024


def server_cpu_seconds(server: harness.StreamlitServer) -> float:
    """User + system CPU seconds the server's processes have used so far (/proc/<pid>/stat)."""
    ticks = 0
    for pid in process_tree(server.proc.pid):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all processes of the machine have used so far (/proc/stat)."""
    with open("/proc/stat") as stat:
        ticks = [int(v) for v in stat.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def server_hwm_mb(server: harness.StreamlitServer) -> float:
    """The kernel's peak resident memory of each process of the server, summed, MB."""
    return sum(status_kb(pid, "VmHWM") for pid in process_tree(server.proc.pid)) / 1024


class RssSampler:
    """Samples the server's RSS every `interval` s in a thread; keeps the peak."""

    def __init__(self, server: harness.StreamlitServer, interval: float = 0.25):
        self.server, self.interval = server, interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, server_rss_mb(self.server))
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def start_server(extra_env: dict[str, str] | None = None,
                 log_name: str = "bench-server.log") -> harness.StreamlitServer:
    server = harness.StreamlitServer("app.py", log_path=harness.ARTIFACTS / log_name, extra_env=extra_env)
    server.start()
    return server


# --------------------------------------------------------------------------- one session

def open_link(page, server: harness.StreamlitServer, config: PlaygroundConfig, wait: bool = True):
    page.goto(harness.app_url(server.base_url, "Playground", to_query_string(config)),
              wait_until="commit", timeout=WAIT_MS)
    if wait:
        wait_until_open(page)
    return page


def wait_until_open(page) -> None:
    page.locator("[data-testid=stApp]").wait_for(state="attached", timeout=WAIT_MS)
    harness.wait_for_app_idle(page, after=0, timeout=WAIT_MS)
    page.get_by_role("heading", name="Playground").wait_for(state="visible", timeout=WAIT_MS)


def press_train(page) -> int:
    """Click Train without waiting for the run; return the run count to wait past."""
    before = harness.runs_finished(page)
    page.get_by_role("button", name="Train", exact=True).click(timeout=WAIT_MS)
    return before


def is_idle(page, after: int) -> bool:
    return bool(page.evaluate(harness._IDLE_JS, [after, 250]))


def run_outcome(page) -> tuple[str, int, float, int]:
    """(status word, epochs of this run, server-reported seconds, epochs in all) from the page."""
    text = harness.wait_for_text(page, FINISHED, timeout=WAIT_MS).inner_text()
    match = FINISHED.search(text)
    return match.group(1), int(match.group(2)), float(match.group(3)), int(match.group(4))


def download_loss_history(page) -> str:
    button = page.get_by_role("button", name="Download the loss history (CSV)", exact=True)
    with page.expect_download(timeout=WAIT_MS) as download:
        button.click(timeout=WAIT_MS)
    with open(download.value.path(), encoding="utf-8") as f:
        return f.read()


def train_and_read(page) -> tuple[tuple, str, float]:
    """Train in one session and wait: (outcome, loss history CSV, seconds seen from the browser)."""
    start = time.perf_counter()
    before = press_train(page)
    harness.wait_for_app_idle(page, after=before, timeout=WAIT_MS)
    seconds = time.perf_counter() - start
    return run_outcome(page), download_loss_history(page), seconds


def wait_all(pages: list, befores: list[int], start: float) -> list[float]:
    """Poll every page until each one's training rerun is done; seconds from `start` for each."""
    done: dict[int, float] = {}
    while len(done) < len(pages):
        for i, (page, before) in enumerate(zip(pages, befores)):
            if i not in done and is_idle(page, before):
                done[i] = time.perf_counter() - start
        if time.perf_counter() - start > WAIT_MS / 1000:
            raise TimeoutError(f"only {len(done)} of {len(pages)} sessions finished")
        time.sleep(0.2)
    return [done[i] for i in range(len(pages))]


def load_text() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


# --------------------------------------------------------------------------- the bench

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=6, help="sessions pressing Train at once")
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--samples", type=int, default=200, help="points of the circle data")
    parser.add_argument("--browser-nice", type=int, default=0,
                        help="run Chromium at this nice level: the browsers share this machine's cores with "
                             "the server, which in a class they would not (0: same priority)")
    parser.add_argument("--quick", action="store_true", help="2 sessions, 20 epochs, 60 points (CI)")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.epochs, args.samples = 2, 20, 60
    problem = harness.chromium_problem()
    if problem:
        print(f"cannot run: {problem}")
        return 2
    from playwright.sync_api import sync_playwright

    link = shared_link(args.epochs, args.samples)
    if args.browser_nice:
        wrapper = harness.ARTIFACTS / "chromium-nice.sh"
        wrapper.parent.mkdir(parents=True, exist_ok=True)
        wrapper.write_text(f'#!/bin/sh\nexec nice -n {args.browser_nice} {harness.CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        harness.CHROMIUM = str(wrapper)  # launch_browser reads it at call time
    print(f"{os.cpu_count()} cores, load average {load_text()} at start; browsers at nice {args.browser_nice}; "
          f"link: ?{to_query_string(link)}")
    server = start_server()
    try:
        idle_rss = server_rss_mb(server)
        with sync_playwright() as pw, RssSampler(server) as sampler:
            browser = harness.launch_browser(pw)
            solo_page = open_link(harness.new_page(browser), server, link)
            rss_tf = server_rss_mb(server)
            solo, solo_csv, solo_seconds = train_and_read(solo_page)
            # A second solo session: the first one also paid for the server's first TensorFlow run.
            solo2_page = open_link(harness.new_page(browser), server, link)
            solo2, solo2_csv, solo2_seconds = train_and_read(solo2_page)
            rss_solo = server_rss_mb(server)
            for page in (solo_page, solo2_page):
                page.context.close()

            pages = [harness.new_page(browser) for _ in range(args.sessions)]
            open_start = time.perf_counter()
            for page in pages:
                open_link(page, server, link, wait=False)
            for page in pages:
                wait_until_open(page)
            open_seconds = time.perf_counter() - open_start
            load_before = load_text()
            cpu_start, busy_start = server_cpu_seconds(server), machine_busy_seconds()
            crowd_start = time.perf_counter()
            befores = [press_train(page) for page in pages]
            seconds = wait_all(pages, befores, crowd_start)
            crowd_wall = max(seconds)
            server_cores = (server_cpu_seconds(server) - cpu_start) / crowd_wall
            other_cores = (machine_busy_seconds() - busy_start) / crowd_wall - server_cores
            load_after = load_text()
            outcomes = [run_outcome(page) for page in pages]
            csvs = [download_loss_history(page) for page in pages]
            rss_crowd = server_rss_mb(server)
            peak_sampled = sampler.peak
            hwm = server_hwm_mb(server)
            for page in pages:
                page.context.close()
            browser.close()
    finally:
        server.stop()

    same = [csv == solo_csv for csv in csvs]
    own = [o[0] == "Finished" and o[1] == o[3] == args.epochs for o in outcomes]
    rows = [["solo (first, incl. TF warm-up)", f"{solo_seconds:.1f}", f"{solo[2]:.1f}", solo[0], "reference"],
            ["solo (second)", f"{solo2_seconds:.1f}", f"{solo2[2]:.1f}", solo2[0], str(solo2_csv == solo_csv)]]
    rows += [[f"crowd #{i + 1}", f"{s:.1f}", f"{o[2]:.1f}", f"{o[0]} {o[1]}/{o[3]}", str(ok)]
             for i, (s, o, ok) in enumerate(zip(seconds, outcomes, same))]
    print_table(f"{args.sessions} sessions pressing Train on one link ({args.epochs} epochs, circle {args.samples}, "
                f"[4, 2] tanh, SGD)",
                ["session", "click→idle s (browser)", "training s (server)", "ended", "curve == solo"], rows)
    print_table("Crowd", ["what", "value"], [
        ["opening the pages side by side, s", f"{open_seconds:.1f}"],
        ["wall time, first click to last finish, s", f"{crowd_wall:.1f}"],
        ["per session, min / median / max, s", f"{min(seconds):.1f} / {statistics.median(seconds):.1f} / "
                                              f"{max(seconds):.1f}"],
        ["solo session for comparison, s", f"{solo2_seconds:.1f}"],
        ["cores used during the crowd: server / everything else (browsers, other work)",
         f"{server_cores:.2f} / {other_cores:.2f} of {os.cpu_count()}"],
        ["load average before / after the crowd", f"{load_before} / {load_after}"],
    ])
    print_table("Server memory (streamlit process + children), MB", ["when", "RSS"], [
        ["started, before any page", f"{idle_rss:.0f}"],
        ["first Playground page open (TensorFlow loaded)", f"{rss_tf:.0f}"],
        ["after two solo runs", f"{rss_solo:.0f}"],
        [f"after {args.sessions} sessions trained", f"{rss_crowd:.0f}"],
        ["peak, sampled every 0.25 s", f"{peak_sampled:.0f}"],
        ["peak, kernel high-water mark (VmHWM)", f"{hwm:.0f}"],
    ])
    ok = all(same) and all(own) and solo2_csv == solo_csv
    print(f"\n{'OK' if ok else 'FAILED'}: {sum(same)}/{len(same)} sessions got the solo curve exactly; "
          f"{sum(own)}/{len(own)} trained their own model to the end ({args.epochs} epochs, one run).")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
