"""Does a public server give its memory back? Rounds of visitors who come, train and leave.

Starts `streamlit run app.py` (the browser tests' harness) with Streamlit's real
`server.disconnectedSessionTTL` (120 s: a closed tab's session is kept that long in case it comes
back), then, round after round, opens N headless-Chromium sessions on one share link, presses
Train in all of them at once, waits for every run to end, closes the tabs, waits out the TTL and
reads the server's resident memory (streamlit process + children, Linux /proc). The peak during
each round is sampled every 0.25 s.

    python bench/bench_memory.py [--rounds 5] [--sessions 10] [--ttl 120] [--data toy mnist]
    python bench/bench_memory.py --cloud      # the figures for a 2.7 GB Community Cloud app
    python bench/bench_memory.py --quick      # 2 rounds of 2 sessions, TTL 5 s: CI's check that it runs

Target (issue 13): after any number of rounds, RSS within 300 MB of its level after round 1.

MNIST: the course network (25 ReLU → 15 ReLU → 10 logits, Adam 1e-3, batch 32) on 70,000 images,
one epoch. Which MNIST the server reads is printed: --mnist-dir (mnist.npz or IDX files), else
NNPLAY_MNIST_DIR, else a stand-in of full size built from ../shared/data/mnist (the official
10,000 test images, the training part made of six copies of them: for memory only the shapes
count), else whatever the app finds itself (Keras's cache, a download, the bundled 5,000).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_load import (  # noqa: E402
    RssSampler,
    harness,
    is_idle,
    load_text,
    open_link,
    press_train,
    run_outcome,
    server_rss_mb,
    shared_link,
    start_server,
    wait_until_open,
)
from bench.common import print_table  # noqa: E402
from nnplay.config.schema import PlaygroundConfig  # noqa: E402
from nnplay.labs.inspector.predictions import course_mnist_config  # noqa: E402

SHARED_MNIST = REPO.parent / "shared" / "data" / "mnist"
TARGET_MB = 300
SETTLE_S = 15  # Streamlit checks for expired sessions periodically; the pool files returned trainers then
CLOUD_MB = 2_700  # the largest Community Cloud app (its docs: roughly 0.7-2.7 GB)


def links(epochs_toy: int, mnist_samples: int = 70_000) -> dict[str, PlaygroundConfig]:
    return {
        "toy": shared_link(epochs_toy, 200),
        "mnist": replace(course_mnist_config(), n_samples=mnist_samples, train_fraction=6 / 7, epochs=1),
    }


def mnist_folder(asked: str | None) -> tuple[str | None, str]:
    """(folder for NNPLAY_MNIST_DIR or None, what the bench says about it)."""
    if asked or os.environ.get("NNPLAY_MNIST_DIR"):
        folder = asked or os.environ["NNPLAY_MNIST_DIR"]
        return folder, f"MNIST from {folder}"
    if (SHARED_MNIST / "t10k-images-idx3-ubyte.gz").is_file():
        import numpy as np

        from nnplay.data.mnist import read_idx

        folder = Path(tempfile.mkdtemp(prefix="nnplay-mnist70k-"))
        x = read_idx(SHARED_MNIST / "t10k-images-idx3-ubyte.gz")
        y = read_idx(SHARED_MNIST / "t10k-labels-idx1-ubyte.gz")
        np.savez(folder / "mnist.npz", x_train=np.tile(x, (6, 1, 1)), y_train=np.tile(y, 6), x_test=x, y_test=y)
        return str(folder), ("a 70,000-image stand-in: the official 10,000 test images as the test set and six "
                             "copies of them as the training set (memory depends on the shapes only)")
    return None, "the MNIST the app finds itself (Keras's cache or download, else the bundled 5,000 images)"


def close(page) -> None:
    """As a visitor closing the tab: the page goes away first, so the WebSocket closes."""
    page.goto("about:blank")
    page.context.close()


def one_round(server, browser, link: PlaygroundConfig | list[PlaygroundConfig],
              sessions: int) -> tuple[float, list[str]]:
    """N sessions open the link (or a link each), train at once, and close. (peak RSS MB, each run's status)."""
    links_of_sessions = link if isinstance(link, list) else [link] * sessions
    with RssSampler(server) as sampler:
        pages = [harness.new_page(browser) for _ in range(sessions)]
        for page, its_link in zip(pages, links_of_sessions):
            open_link(page, server, its_link, wait=False)
        for page in pages:
            wait_until_open(page)
        befores = [press_train(page) for page in pages]
        while not all(is_idle(page, before) for page, before in zip(pages, befores)):
            time.sleep(0.5)
        statuses = [run_outcome(page)[0] for page in pages]
        for page in pages:
            close(page)
    return sampler.peak, statuses


def rounds_on(kind: str, link: PlaygroundConfig, args, env: dict[str, str]) -> list[list[str]]:
    """Rounds of sessions on a fresh server; table rows, printed as they come."""
    from playwright.sync_api import sync_playwright

    server = start_server({**env, "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.ttl)},
                          f"bench-memory-{kind}.log")
    rows, after = [], []
    try:
        with sync_playwright() as pw:
            browser = harness.launch_browser(pw)
            idle = server_rss_mb(server)
            for number in range(1, args.rounds + 1):
                peak, statuses = one_round(server, browser, link, args.sessions)
                time.sleep(args.ttl + SETTLE_S)  # the closed sessions expire; their trainers go to the pool
                after.append(server_rss_mb(server))
                ended = ", ".join(sorted(set(statuses)))
                rows.append([kind, str(number), f"{idle:.0f}", f"{peak:.0f}", f"{after[-1]:.0f}",
                             f"{after[-1] - after[0]:+.0f}", ended])
                print(f"{kind} round {number}: peak {peak:.0f} MB, after {after[-1]:.0f} MB ({ended})", flush=True)
            browser.close()
    finally:
        server.stop()
    return rows


def cloud_figures(link_of: dict[str, PlaygroundConfig], args, env: dict[str, str]) -> None:
    """Idle, one MNIST-70k session, five toy, five MNIST: one server, one scenario after another."""
    from playwright.sync_api import sync_playwright

    server = start_server({**env, "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.ttl)},
                          "bench-memory-cloud.log")
    rows = []
    try:
        with sync_playwright() as pw:
            browser = harness.launch_browser(pw)
            idle = server_rss_mb(server)
            rows.append(["server started, no visitor", "", f"{idle:.0f}", ""])
            mnist = link_of["mnist"]
            own_data = [replace(mnist, data_seed=seed) for seed in range(1, 6)]  # 5 datasets to cache, not 1
            size = f"MNIST {mnist.n_samples // 1000}k"
            for name, link, n in ((f"1 session, {size}", mnist, 1), ("5 sessions, toy", link_of["toy"], 5),
                                  (f"5 sessions, {size}", mnist, 5),
                                  (f"5 sessions, {size}, each its own data", own_data, 5)):
                before = server_rss_mb(server)
                peak, statuses = one_round(server, browser, link, n)
                time.sleep(args.ttl + SETTLE_S)
                rows.append([name, f"{before:.0f}", f"{peak:.0f}", f"{server_rss_mb(server):.0f}"])
                print(f"{name}: before {before:.0f}, peak {peak:.0f} MB ({', '.join(sorted(set(statuses)))})",
                      flush=True)
            browser.close()
    finally:
        server.stop()
    print_table("Server RSS for Community Cloud's budget, MB", ["scenario", "before", "peak", "after TTL"], rows)
    first_peak, five_before, five_peak = float(rows[1][2]), float(rows[3][1]), float(rows[3][2])
    per_visitor = (five_peak - five_before) / 5
    print(f"\nthe first MNIST visitor (TensorFlow, MNIST read and cached, a program compiled): peak "
          f"{first_peak:.0f} MB; each further one while training: {per_visitor:.0f} MB (5 at once, peak over "
          f"the {five_before:.0f} MB before)")
    print(f"a {CLOUD_MB:,} MB app holds about {max(0, int((CLOUD_MB - five_before) // max(per_visitor, 1)))} "
          "MNIST visitors training one link at once, on top of that level")
    own_before, own_peak = float(rows[4][1]), float(rows[4][2])
    per_own = (own_peak - own_before) / 5
    print(f"each MNIST visitor on data of their own: {per_own:.0f} MB (a dataset cached and its TensorFlow copy); "
          f"a {CLOUD_MB:,} MB app holds about {max(0, int((CLOUD_MB - five_before) // max(per_own, 1)))} of them")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sessions", type=int, default=10, help="sessions per round, training at once")
    parser.add_argument("--ttl", type=int, default=120, help="server.disconnectedSessionTTL, s (Streamlit's: 120)")
    parser.add_argument("--data", nargs="+", choices=("toy", "mnist"), default=["toy", "mnist"])
    parser.add_argument("--epochs", type=int, default=300, help="epochs of the toy link")
    parser.add_argument("--mnist-dir", help="a folder with mnist.npz or MNIST's IDX files")
    parser.add_argument("--cloud", action="store_true", help="the Community Cloud scenarios instead of rounds")
    parser.add_argument("--mnist-samples", type=int, default=70_000,
                        help="images of the MNIST link; below 70,000 the server is started with that cap "
                             "(NNPLAY_MAX_MNIST_SAMPLES), as a small Cloud app would be")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 2 sessions, TTL 5 s, toy, 50 epochs")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.sessions, args.ttl, args.data, args.epochs = 2, 2, 5, ["toy"], 50
    problem = harness.chromium_problem()
    if problem:
        print(f"cannot run: {problem}")
        return 2
    link_of = links(args.epochs, args.mnist_samples)
    folder, said = mnist_folder(args.mnist_dir)
    env = {"NNPLAY_MNIST_DIR": folder} if folder else {}
    if args.mnist_samples < 70_000:
        env["NNPLAY_MAX_MNIST_SAMPLES"] = str(args.mnist_samples)
        said += f"; links of {args.mnist_samples:,} images, the server's cap"
    print(f"{os.cpu_count()} cores, load average {load_text()} at start; disconnectedSessionTTL {args.ttl} s")
    if args.cloud or "mnist" in args.data:
        print(f"MNIST: {said}")
    if args.cloud:
        cloud_figures(link_of, args, env)
        return 0

    rows = []
    for kind in args.data:
        rows += rounds_on(kind, link_of[kind], args, env)
    print_table(f"Server RSS, MB: rounds of {args.sessions} sessions training at once, read {args.ttl + SETTLE_S} s "
                "after the round's tabs closed", ["data", "round", "server idle", "peak", "after", "vs round 1",
                                                   "runs"], rows)
    worst = {kind: max(float(row[5]) for row in rows if row[0] == kind) for kind in args.data}
    met = all(value <= TARGET_MB for value in worst.values())
    print("\n" + "; ".join(f"{kind}: at most {value:+.0f} MB over round 1" for kind, value in worst.items())
          + f" (target: within {TARGET_MB} MB): {'met' if met else 'NOT met'}")
    print(f"load average at the end: {load_text()}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
