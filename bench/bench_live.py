"""Live training with a redrawing page: does the decision boundary refresh several times a second
without slowing training by more than 5 %?

For TF Playground's default problem ([4, 2] tanh on the circle) and [8]*6 tanh, the same trainer
runs N epochs in a LiveRun thread
  (a) alone: the main thread only polls, as a page waiting on the run, and
  (b) while the main thread redraws as the Playground page does every `interval` seconds:
      probe.evaluate(), boundary_figure, loss_figure, network_figure and fig.to_json() of each
      (what st.plotly_chart serialises).
The runs alternate a, b, a, b, ... so drift (CPU clock, other load) hits both alike.

    python bench/bench_live.py [--epochs 15000 4000] [--interval 0.2] [--resolution 60] [--repeats 2]
                               [--tf-threads N] [--switch-interval S]

"cpu" is process CPU seconds per wall second (2.0 = both cores of this machine busy). The
machine's load average is printed first: other work on the machine (tests, a browser) makes
both columns slower and noisier, so compare runs made on a quiet machine.
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from bench.common import print_table  # noqa: E402

from nnplay import plots  # noqa: E402
from nnplay.config import HiddenLayer, PlaygroundConfig  # noqa: E402
from nnplay.datasets import load_dataset  # noqa: E402
from nnplay.grid import PlaneProbe  # noqa: E402
from nnplay.live import LiveRun  # noqa: E402
from nnplay.training import Trainer  # noqa: E402

CONFIGS = [("[4, 2]", (HiddenLayer(4, "tanh"), HiddenLayer(2, "tanh"))),
           ("[8]*6", tuple(HiddenLayer(8, "tanh") for _ in range(6)))]
STAGES = ("probe", "boundary", "loss", "network", "to_json")


class Page:
    """What the Playground page does on each refresh, timed per stage."""

    def __init__(self, trainer: Trainer, resolution: int):
        self.trainer = trainer
        self.probe = PlaneProbe(trainer, resolution)
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
        figures.append(plots.network_figure(t.config, t.model.get_weights(), view))
        marks.append(time.perf_counter())
        for figure in figures:
            figure.to_json()
        marks.append(time.perf_counter())
        for stage, start, end in zip(STAGES, marks, marks[1:]):
            self.seconds[stage].append(end - start)
        return marks[-1] - marks[0]


def run_alone(trainer: Trainer, epochs: int, interval: float) -> tuple[float, float]:
    """Epochs/s of a LiveRun while the main thread only polls; and CPU s per wall s."""
    start, cpu = time.perf_counter(), time.process_time()
    live = LiveRun(trainer, epochs).start()
    while not live.wait(interval):
        pass
    seconds = time.perf_counter() - start
    return epochs / seconds, (time.process_time() - cpu) / seconds


def run_with_redraws(trainer: Trainer, page: Page, epochs: int, interval: float):
    """Epochs/s of a LiveRun while the main thread redraws every `interval` s; CPU s per wall s,
    redraws/s and the redraw times."""
    start, cpu = time.perf_counter(), time.process_time()
    live = LiveRun(trainer, epochs).start()
    redraws = []
    next_tick = start
    while not live.done:
        redraws.append(page.redraw())
        next_tick += interval
        if live.wait(max(0.0, next_tick - time.perf_counter())):
            break
    seconds = time.perf_counter() - start
    return epochs / seconds, (time.process_time() - cpu) / seconds, len(redraws) / seconds, redraws


def bench(name, hidden, epochs, args):
    config = replace(PlaygroundConfig(), hidden=hidden)
    trainer = Trainer(config, load_dataset(config))
    trainer.run_to_end(20)  # warm-up: tracing and XLA compilation
    page = Page(trainer, args.resolution)
    for _ in range(3):
        page.redraw()  # warm-up: the probe's tracing, plotly's first validators
    page.seconds = {stage: [] for stage in STAGES}
    alone, drawn, cpu_alone, cpu_drawn, rates, redraws = [], [], [], [], [], []
    for _ in range(args.repeats):
        eps, cpu = run_alone(trainer, epochs, args.interval)
        alone.append(eps)
        cpu_alone.append(cpu)
        eps, cpu, rate, times = run_with_redraws(trainer, page, epochs, args.interval)
        drawn.append(eps)
        cpu_drawn.append(cpu)
        rates.append(rate)
        redraws += times
    a, b = statistics.mean(alone), statistics.mean(drawn)
    stages = {stage: 1000 * statistics.mean(values) for stage, values in page.seconds.items()}
    row = [name, f"{epochs:,}", f"{a:,.0f}", f"{b:,.0f}", f"{100 * (a - b) / a:+.1f}%",
           f"{statistics.mean(rates):.1f}", f"{1000 * statistics.mean(redraws):.1f}",
           f"{1000 * max(redraws):.0f}", f"{statistics.mean(cpu_alone):.2f} / {statistics.mean(cpu_drawn):.2f}",
           f"{trainer.history.test_metrics['accuracy'][-1]:.3f}"]
    return row, stages, (alone, drawn)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, nargs=2, default=(15000, 4000),
                        help="epochs per run for [4, 2] and [8]*6 (about 5 s each here)")
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between redraws")
    parser.add_argument("--resolution", type=int, default=60, help="plane grid resolution")
    parser.add_argument("--repeats", type=int, default=2, help="alternating (a, b) pairs per network")
    parser.add_argument("--tf-threads", type=int, default=0,
                        help="TensorFlow intra- and inter-op threads (0: TensorFlow's default, one per core)")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval, seconds (Python's default: 0.005)")
    args = parser.parse_args()
    if args.tf_threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.tf_threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.tf_threads)
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}; {os.cpu_count()} cores; "
          f"TensorFlow threads: {args.tf_threads or 'default'}; switch interval {sys.getswitchinterval() * 1000:g} ms")
    rows, stage_rows, raw = [], [], []
    for (name, hidden), epochs in zip(CONFIGS, args.epochs):
        row, stages, runs = bench(name, hidden, epochs, args)
        rows.append(row)
        stage_rows.append([name] + [f"{stages[s]:.1f}" for s in STAGES] + [f"{sum(stages.values()):.1f}"])
        raw.append([name] + [" ".join(f"{v:,.0f}" for v in r) for r in runs])
    print_table(
        f"Live training with redraws every {args.interval} s (circle, SGD 0.03, batch 10, plane {args.resolution}x{args.resolution})",
        ["hidden", "epochs/run", "alone ep/s", "redrawing ep/s", "slowdown", "redraws/s", "redraw ms", "max ms",
         "cpu alone / redrawing", "test acc"],
        rows)
    print_table("Mean ms per redraw stage", ["hidden", *STAGES, "total"], stage_rows)
    print_table("Each run's epochs/s", ["hidden", "alone", "redrawing"], raw)


if __name__ == "__main__":
    main()
