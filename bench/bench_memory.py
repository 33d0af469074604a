"""Bounded memory: does the server's RSS level off when one session trains 30 times, and when 30
sessions are opened, trained and closed one after another?

Starts `streamlit run app.py` (the browser tests' harness) with a short
`server.disconnectedSessionTTL` (Streamlit keeps a closed tab's session for that long, 120 s
by default, in case it reconnects), drives headless Chromium, and reads the server's resident
memory (streamlit process + children, Linux /proc) after each training / each closed session.

    python bench/bench_memory.py [--runs 30] [--sessions 30] [--ttl 5] [--epochs 200]

Prints both series and the growth per run between run 10 and the last one (the first runs pay
for one-off costs: TensorFlow's runtime, plotly's validators, Streamlit's caches).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_load import (  # noqa: E402
    harness,
    load_text,
    open_link,
    server_rss_mb,
    shared_link,
    start_server,
    train_and_read,
)
from bench.common import print_table  # noqa: E402


def series_text(values: list[float]) -> str:
    return " ".join(f"{v:.0f}" for v in values)


def growth(values: list[float], start: int = 10) -> tuple[float, float]:
    """(MB gained from value #start to the last, MB per step), 1-based like the runs."""
    if len(values) <= start:
        return float("nan"), float("nan")
    gained = values[-1] - values[start - 1]
    return gained, gained / (len(values) - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="trainings in one session")
    parser.add_argument("--sessions", type=int, default=30, help="sessions opened, trained once, closed")
    parser.add_argument("--ttl", type=int, default=5, help="server.disconnectedSessionTTL, seconds")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    problem = harness.chromium_problem()
    if problem:
        print(f"cannot run: {problem}")
        return 2
    from playwright.sync_api import sync_playwright

    link = shared_link(args.epochs, args.samples)
    print(f"{os.cpu_count()} cores, load average {load_text()} at start; disconnectedSessionTTL {args.ttl} s")
    server = start_server({"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.ttl)}, "bench-memory-server.log")
    in_session, per_session, same_curve = [], [], []
    try:
        with sync_playwright() as pw:
            browser = harness.launch_browser(pw)
            page = open_link(harness.new_page(browser), server, link)
            opened = server_rss_mb(server)
            first_csv = None
            for _ in range(args.runs):
                _, csv, _ = train_and_read(page)
                first_csv = first_csv or csv
                same_curve.append(csv == first_csv)
                in_session.append(server_rss_mb(server))
                print(f"run {len(in_session)}: {in_session[-1]:.0f} MB", flush=True)
            page.context.close()

            for _ in range(args.sessions):
                page = open_link(harness.new_page(browser), server, link)
                train_and_read(page)
                page.context.close()
                per_session.append(server_rss_mb(server))
                print(f"session {len(per_session)} closed: {per_session[-1]:.0f} MB", flush=True)
            # Streamlit drops a closed session's state only after the TTL (checked periodically).
            time.sleep(args.ttl + 15)
            settled = server_rss_mb(server)
            browser.close()
    finally:
        server.stop()

    rows = []
    for name, values in ((f"{args.runs} trainings in one session", in_session),
                         (f"{args.sessions} sessions opened and closed", per_session)):
        if not values:
            continue
        gained, per_step = growth(values)
        rows.append([name, f"{values[0]:.0f}", f"{values[min(9, len(values) - 1)]:.0f}", f"{values[-1]:.0f}",
                     f"{max(values):.0f}", f"{gained:+.0f}", f"{per_step:+.1f}"])
    print_table(f"Server RSS, MB (streamlit + children; page with TensorFlow loaded: {opened:.0f} MB)",
                ["scenario", "after #1", "after #10", "after last", "max", "#10→last", "per step"], rows)
    print(f"\nRSS {args.ttl + 15} s after the last session closed (sessions expired): {settled:.0f} MB")
    print(f"\nafter each training:       {series_text(in_session)}")
    print(f"after each closed session: {series_text(per_session)}")
    print(f"every training in the session gave the first run's curve: {all(same_curve)}")
    print(f"load average at the end: {load_text()}")
    return 0 if all(same_curve) else 1


if __name__ == "__main__":
    sys.exit(main())
