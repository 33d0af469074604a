"""Live training with a redrawing page: does the decision boundary refresh several times a second
without slowing training by more than 5 %?

For TF Playground's default problem ([4, 2] tanh on the circle) and [8]*6 tanh, the same trainer
runs N epochs in a LiveRun thread
  (a) alone: the main thread only polls, as a page waiting on the run, and
  (b) while the main thread redraws as the Playground page does every `interval` seconds:
      probe.evaluate(), boundary_figure, loss_figure, network_figure, and each figure serialised
      as st.plotly_chart does it (fig.to_dict(), then plotly.io.to_json without validation).
The runs alternate a, b, a, b, ... so drift (CPU clock, other load) hits both alike; before each
pair the bench waits for the machine to be quiet, and a pair counts only if the rest of the machine
stayed quiet during both runs (--max-others). Single runs vary by ±5-10 % on this VM, hence many
short pairs, and the median slowdown with its interquartile range next to the slowdown of the means.

    python bench/bench_live.py [--epochs 5000 1500] [--interval 0.2] [--resolution 60] [--repeats 8]
                               [--network-every K] [--snapshot-interval S] [--intra-threads N]
                               [--inter-threads N] [--switch-interval S] [--only NAME]

"our cores" is this process's CPU seconds per wall second (2.0 = both cores of this machine);
"others' cores" is what every other process took meanwhile (Linux /proc/stat). Other work on
the machine (tests, a browser) slows both columns unevenly: only quiet pairs are averaged
(all pairs if none was quiet).
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace

import numpy as np
import plotly.io
import plotly.tools

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from bench.common import print_table  # noqa: E402
from nnplay.config.schema import HiddenLayer, PlaygroundConfig  # noqa: E402
from nnplay.data.load import load_dataset  # noqa: E402
from nnplay.engine.live import LiveRun  # noqa: E402
from nnplay.engine.plane import PlaneProbe  # noqa: E402
from nnplay.engine.training import Trainer  # noqa: E402
from nnplay.figures import playground as plots  # noqa: E402

CONFIGS = [("[4, 2]", (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh"))),
           ("[8]*6", tuple(HiddenLayer(8, "tanh") for _ in range(6)))]
STAGES = ("probe", "boundary", "loss", "network", "serialise")


def machine_busy() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat (Linux); None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            ticks = [int(v) for v in stat.readline().split()[1:9]]
    except OSError:
        return None
    hz = os.sysconf("SC_CLK_TCK")
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks) - idle) / hz, sum(ticks) / hz


class Meter:
    """Wall time, this process's CPU, and the CPU that other processes took meanwhile (in cores)."""

    def __enter__(self):
        self.wall, self.cpu, self.machine = time.perf_counter(), time.process_time(), machine_busy()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.wall
        self.ours = (time.process_time() - self.cpu) / self.seconds
        end = machine_busy()
        self.others = float("nan")
        if self.machine and end:
            busy_cores = (end[0] - self.machine[0]) / self.seconds
            self.others = max(0.0, busy_cores - self.ours)


def streamlit_spec(figure) -> str:
    """The JSON st.plotly_chart puts in its message (streamlit/elements/plotly_chart.py)."""
    return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure, True), validate=False)


class Page:
    """What the Playground page does on each refresh, timed per stage."""

    def __init__(self, trainer: Trainer, resolution: int, network_every: int = 1):
        self.trainer = trainer
        self.probe = PlaneProbe(trainer, resolution)
        self.network_every = network_every
        self.count = 0
        self.seconds = {stage: [] for stage in STAGES}

    def redraw(self) -> float:
        t = self.trainer
        marks = [time.perf_counter()]
        view = self.probe.evaluate()
        marks.append(time.perf_counter())
        figures = [plots.boundary_figure(view, t.data, t.config.task)]
        marks.append(time.perf_counter())
        figures.append(plots.loss_figure(t.history))
        marks.append(time.perf_counter())
        if self.count % self.network_every == 0:
            figures.append(plots.network_figure(t.config, t.model.get_weights(), view))
        self.count += 1
        marks.append(time.perf_counter())
        for figure in figures:
            streamlit_spec(figure)
        marks.append(time.perf_counter())
        for stage, start, end in zip(STAGES, marks, marks[1:]):
            self.seconds[stage].append(end - start)
        return marks[-1] - marks[0]


def run_alone(trainer: Trainer, epochs: int, interval: float) -> Meter:
    """A LiveRun while the main thread only polls."""
    with Meter() as meter:
        live = LiveRun(trainer, epochs).start()
        while not live.wait(interval):
            pass
    return meter


def run_with_redraws(trainer: Trainer, page: Page, epochs: int, interval: float) -> tuple[Meter, list[float]]:
    """A LiveRun while the main thread redraws every `interval` s; also the redraw times."""
    redraws = []
    with Meter() as meter:
        live = LiveRun(trainer, epochs).start()
        next_tick = time.perf_counter()
        while not live.done:
            redraws.append(page.redraw())
            next_tick += interval
            if live.wait(max(0.0, next_tick - time.perf_counter())):
                break
    return meter, redraws


def wait_until_quiet(max_seconds: float, threshold: float) -> None:
    """Sleep (up to max_seconds) until the rest of the machine uses less than `threshold` cores."""
    deadline = time.perf_counter() + max_seconds
    while time.perf_counter() < deadline:
        start = machine_busy()
        if start is None:
            return
        time.sleep(1.0)
        end = machine_busy()
        if (end[0] - start[0]) / (end[1] - start[1]) * os.cpu_count() < threshold:
            return


def bench(name, hidden, epochs, args):
    config = replace(PlaygroundConfig(), hidden=hidden)
    trainer = Trainer(config, load_dataset(config), snapshot_interval=args.snapshot_interval)
    trainer.run_to_end(20)  # warm-up: tracing and XLA compilation
    page = Page(trainer, args.resolution, args.network_every)
    for _ in range(3):
        page.redraw()  # warm-up: the probe's tracing, plotly's first validators
    page.seconds = {stage: [] for stage in STAGES}
    pairs = []  # (alone, redrawing, redraw times)
    for _ in range(args.repeats):
        wait_until_quiet(args.wait_quiet, args.max_others)
        alone = run_alone(trainer, epochs, args.interval)
        drawn, times = run_with_redraws(trainer, page, epochs, args.interval)
        pairs.append((alone, drawn, times))
    # A pair counts only if the rest of the machine stayed quiet during both of its runs.
    clean = [p for p in pairs if max(p[0].others, p[1].others) <= args.max_others]
    used = clean or pairs
    a = statistics.mean(epochs / p[0].seconds for p in used)
    b = statistics.mean(epochs / p[1].seconds for p in used)
    slowdowns = sorted(100 * (1 - p[0].seconds / p[1].seconds) for p in used)
    q1, median, q3 = (np.percentile(slowdowns, q) for q in (25, 50, 75))
    redraws = [t for p in used for t in p[2]]
    rate = len(redraws) / sum(p[1].seconds for p in used)
    stages = {stage: 1000 * statistics.mean(values) for stage, values in page.seconds.items()}

    def cores(index, attribute):
        return f"{statistics.mean(getattr(p[index], attribute) for p in used):.2f}"

    row = [name, f"{epochs:,}", f"{len(clean)}/{len(pairs)}", f"{a:,.0f}", f"{b:,.0f}", f"{100 * (a - b) / a:+.1f}%",
           f"{median:+.1f}% [{q1:+.0f}, {q3:+.0f}]", f"{rate:.1f}", f"{1000 * statistics.mean(redraws):.1f}",
           f"{1000 * max(redraws):.0f}", f"{cores(0, 'ours')} / {cores(1, 'ours')}",
           f"{cores(0, 'others')} / {cores(1, 'others')}"]
    runs = [f"{epochs / p[0].seconds:,.0f}/{epochs / p[1].seconds:,.0f}" + ("" if p in clean else "*") for p in pairs]
    return row, stages, runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, nargs=2, default=(5000, 1500),
                        help="epochs per run for [4, 2] and [8]*6 (1.5-2.5 s each here)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between redraws")
    parser.add_argument("--resolution", type=int, default=60, help="plane grid resolution")
    parser.add_argument("--network-every", type=int, default=1, help="redraw the network every K-th refresh only")
    parser.add_argument("--snapshot-interval", type=float, default=0.1, help="Trainer(snapshot_interval=...)")
    parser.add_argument("--repeats", type=int, default=8, help="alternating (a, b) pairs per network")
    parser.add_argument("--max-others", type=float, default=0.15,
                        help="count a pair only if other processes used at most this many cores meanwhile")
    parser.add_argument("--wait-quiet", type=float, default=30.0,
                        help="before each pair, wait up to this many seconds for the machine to be quiet")
    parser.add_argument("--only", choices=[name for name, _ in CONFIGS], help="bench one network only")
    parser.add_argument("--intra-threads", type=int, default=0,
                        help="TensorFlow threads inside one op (0: TensorFlow's default, one per core)")
    parser.add_argument("--inter-threads", type=int, default=0,
                        help="TensorFlow threads running ops side by side (0: TensorFlow's default)")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval, seconds (Python's default: 0.005)")
    args = parser.parse_args()
    if args.intra_threads or args.inter_threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.intra_threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.inter_threads)
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    print(f"{os.cpu_count()} cores, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}; "
          f"TensorFlow threads intra/inter {args.intra_threads or 'default'}/{args.inter_threads or 'default'}; "
          f"switch interval {sys.getswitchinterval() * 1000:g} ms; snapshot interval {args.snapshot_interval} s; "
          f"network redrawn every {args.network_every} refresh(es)")
    rows, stage_rows, raw = [], [], []
    for (name, hidden), epochs in zip(CONFIGS, args.epochs):
        if args.only and name != args.only:
            continue
        row, stages, runs = bench(name, hidden, epochs, args)
        rows.append(row)
        stage_rows.append([name] + [f"{stages[s]:.1f}" for s in STAGES] + [f"{sum(stages.values()):.1f}"])
        raw.append([name, " ".join(runs)])
    print_table(
        f"Live training with redraws every {args.interval} s "
        f"(circle, SGD 0.03, batch 10, plane {args.resolution}x{args.resolution})",
        ["hidden", "epochs/run", "quiet pairs", "alone ep/s", "redrawing ep/s", "slowdown", "median [IQR]",
         "redraws/s", "redraw ms", "max ms", "our cores a / b", "others' cores a / b"],
        rows)
    print_table("Mean ms per redraw stage (while training)", ["hidden", *STAGES, "total"], stage_rows)
    print_table("Each pair: alone/redrawing epochs/s (* = machine busy, not counted)", ["hidden", "pairs"], raw)


if __name__ == "__main__":
    main()
