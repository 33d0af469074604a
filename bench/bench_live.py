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

The browser part (--browser; --quick for CI; the engine part above is then skipped): the real
page in headless Chromium. `streamlit run app.py` (tests/e2e/harness.py) serves the Playground;
for [4, 2] and [8]*6 on TF Playground's default problem (circle, tanh, SGD 0.03, batch 10), each
in Watch at --watch-rate epochs a second (60: TF Playground's rate) and in Fast, for one session
and for two sessions training the same link at once (two browser contexts, clicked together):

  - the link is opened, the speed picked as a person does (a click on the "Speed" segment; the
    "Epochs per second" slider moved with the arrow keys), and one warm-up run started and stopped
    (Train, first epoch painted, Stop), so the measured run compiles nothing; then Train;
  - in the page (JS injected after load: a MutationObserver on the live view's root, found through
    the component's open shadow root by a requestAnimationFrame poll) every paint's data-epoch and
    time: "painted/s" = distinct epochs painted a second, first to last paint of the run;
  - every WebSocket frame the browser receives (Playwright page.on("websocket") →
    ws.on("framereceived")), decoded afterwards as Streamlit ForwardMsgs: "recv/s" = distinct
    live-view epochs received a second; "WS fr/s", "WS KB/s" = all frames and bytes received from
    the click on Train to the end of the run;
  - the end of the run, as the browser learns it: the first WS frame of the full-page rerun the live
    panel asks for once the run is done (or a live frame of the final epoch M, if that comes first);
    "epochs/s" = M / (click → end), "start s" = click → first live frame of epoch >= 1;
  - the backlog after the end: WS frames that still arrive ("backlog fr", of them live-view frames
    in brackets) and for how long ("backlog s", end → last frame, once 2 s pass with none);
    "Finished. s" = end → the frame with the "Finished." message;
  - "gap ms" = median / longest time between two paints of new epochs; "paint ms" = the median time
    the live view's JS took to paint one frame (its data-paint-ms); "cores" = CPU seconds per
    second, click → last "Finished." (2.0 = both cores of this machine), of the streamlit server,
    of Chromium (all its processes), of Playwright (its node driver and this Python process, which
    receive every frame) and of every other process of the machine.
With two sessions a cell shows "first / second" session. Each case runs --browser-repeats times
(3; --quick: 1): "painted/s each run" lists every run's mean over its sessions, and the row's other
cells are the run whose mean is the median. Watch runs --watch-epochs (300: 5 s at 60/s); Fast runs
--fast-epochs (2000, the most a link may ask for, so not ~5 s: [4, 2] trains them in ~2 s here,
[8]*6 in ~4 s). The TF Playground row is quoted for scale, never computed with. Every run also
fails on an exception box on the page or a traceback in the server's log
(test-artifacts/bench-live-server.log).

    python bench/bench_live.py --browser [--watch-rate 60] [--watch-epochs 300] [--fast-epochs 2000]
                               [--sessions 1 2] [--speeds Watch Fast] [--only NAME]
                               [--browser-repeats 3] [--json FILE]
    python bench/bench_live.py --quick     # [4, 2], Watch, 60 epochs, one session (CI smoke run)
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from dataclasses import replace

import numpy as np
import plotly.io
import plotly.tools

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "tests" / "e2e"))  # harness
import harness  # noqa: E402  (tests/e2e/harness.py: no Playwright import until a browser is started)

from bench.common import print_table  # noqa: E402
from nnplay.config.links import to_query_string  # noqa: E402
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


# ------------------------------------------------------------------ the browser part (--browser, --quick)
TF_PLAYGROUND_REFERENCE = ("TF Playground 60 frames/s (measured in headless Chromium on this machine class, "
                           "2026-11, quoted from issue 12)")
BROWSER_WAIT_MS = 240_000  # a warm-up compiles the network; two sessions share 2 cores: a bench, not a test
QUIET_S = 2.0  # the backlog is over once no WebSocket frame arrived for this long
FINISHED_BYTES = b"Finished."  # the alert of a run that ended at its last epoch (Trainer.ended)

# The live view's root inside its component's open shadow root, recorded into window.__benchLive: each paint
# (a change of data-paints) as [wall-clock ms, data-epoch, data-paintMs: the paint's own milliseconds]. The
# root is found (again) by a requestAnimationFrame poll whenever the component is (re)mounted. Run again, the
# script starts a new recording.
LIVE_RECORDER_JS = r"""() => {
  const now = () => performance.timeOrigin + performance.now();
  const rec = {paints: [], mounts: 0, armed: now()};
  const old = window.__benchLive;
  if (old && old.observer) old.observer.disconnect();
  window.__benchLive = rec;
  const find = FIND_ROOT;
  let root = null;
  const record = () => rec.paints.push([now(), Number(root.dataset.epoch), Number(root.dataset.paintMs)]);
  const tick = () => {
    if (window.__benchLive !== rec) return;  // a newer recording took over
    if (!root || !root.isConnected) {
      const found = find();
      if (found && found !== root) {
        if (rec.observer) rec.observer.disconnect();
        root = found;
        rec.mounts += 1;
        rec.observer = new MutationObserver(record);
        rec.observer.observe(root, {attributes: true, attributeFilter: ["data-paints"]});
        if (Number(root.dataset.paints) > 0) record();
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return rec.armed;
}"""
LIVE_RECORDER_JS = LIVE_RECORDER_JS.replace("FIND_ROOT", harness.LIVE_VIEW_ROOT_JS)
LIVE_EPOCH_JS = (f"() => {{ const root = ({harness.LIVE_VIEW_ROOT_JS})(); "
                 "return root ? Number(root.dataset.epoch || 0) : -1; }")
SEGMENT_CHOSEN_JS = """(name) => [...document.querySelectorAll("[data-testid=stButtonGroup] [role=radio]")]
  .some((b) => b.textContent.trim() === name && b.getAttribute("aria-checked") === "true")"""
RECORDING_JS = "() => { const r = window.__benchLive; return {paints: r.paints, mounts: r.mounts}; }"


def browser_link(hidden, epochs: int) -> PlaygroundConfig:
    """TF Playground's default problem (PlaygroundConfig's defaults: circle, tanh, SGD 0.03, batch 10)."""
    return replace(PlaygroundConfig(epochs=epochs), hidden=hidden)


class BrowserSession:
    """One browser context (one Streamlit session) on the link: its WebSocket traffic and its page."""

    def __init__(self, browser, base_url: str, link: PlaygroundConfig, name: str):
        import harness

        self.name = name
        self.page = harness.new_page(browser)
        self.received: list[tuple[float, bytes]] = []  # (time.time(), payload) of every frame received
        self.sent: list[float] = []
        self.page.on("websocket", self._watch)
        harness.open_app(self.page, base_url, "Playground", to_query_string(link), timeout=BROWSER_WAIT_MS)
        self.page.get_by_role("heading", name="Playground").wait_for(state="visible")
        self.clicked = self.armed = 0.0
        self.first_frame = 0  # index into received where the measured run's frames begin

    def _watch(self, ws) -> None:
        if "_stcore/stream" not in ws.url:
            return
        ws.on("framereceived", lambda payload: self.received.append(
            (time.time(), payload if isinstance(payload, bytes) else payload.encode())))
        ws.on("framesent", lambda payload: self.sent.append(time.time()))

    def choose_speed(self, speed: str, rate: int) -> None:
        """Click the segment (unless it is the one chosen already: a second click clears it), then move
        the "Epochs per second" slider with the arrow keys until it shows `rate`."""
        from harness import runs_finished, wait_for_app_idle
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        group = page.locator("[data-testid=stButtonGroup]").filter(has_text="Speed")
        segment = group.get_by_role("radio", name=speed, exact=True)  # a radio group of buttons
        for _ in range(3):  # a click the page swallowed (it happens right after the load) is clicked again
            if segment.get_attribute("aria-checked") == "true":
                break
            before = runs_finished(page)
            segment.click()
            try:
                page.wait_for_function(SEGMENT_CHOSEN_JS, arg=speed, timeout=10_000)
            except PlaywrightTimeout:
                continue
            wait_for_app_idle(page, after=before, timeout=BROWSER_WAIT_MS)
        if segment.get_attribute("aria-checked") != "true":
            raise AssertionError(f"the Speed segment {speed!r} could not be chosen")
        if speed != "Watch":
            return
        slider = page.locator("[data-testid=stSlider]").filter(has_text="Epochs per second")
        thumb = slider.get_by_role("slider")
        value = slider.locator("[data-testid=stSliderThumbValue]")
        for _ in range(20):
            shown = int(value.inner_text().strip())
            if shown == rate:
                return
            before = runs_finished(page)
            thumb.focus()
            page.keyboard.press("ArrowRight" if shown < rate else "ArrowLeft")
            try:  # a key press the page swallowed (right after the load) is pressed again
                page.wait_for_function("([el, old]) => el.textContent.trim() !== old",
                                       arg=[value.element_handle(), str(shown)], timeout=10_000)
            except PlaywrightTimeout:
                continue
            wait_for_app_idle(page, after=before, timeout=BROWSER_WAIT_MS)
        raise AssertionError(f"the Epochs per second slider did not reach {rate} (shows {shown})")

    def warm_up(self) -> None:
        """Train until the first epoch is painted, then Stop: the network, its training step and its
        plane probe are compiled, and the next Train restarts this very trainer."""
        import harness

        page = self.page
        page.get_by_role("button", name="Train", exact=True).click()
        finished = page.get_by_text(re.compile(r"^Finished"))
        deadline = time.monotonic() + BROWSER_WAIT_MS / 1000
        while page.evaluate(LIVE_EPOCH_JS) < 1 and not finished.count():  # a short run may end unpainted
            assert time.monotonic() < deadline, "the warm-up run painted no epoch and did not finish"
            time.sleep(0.1)
        page.get_by_role("button", name="Stop", exact=True).click(force=True)  # the live view repaints around it
        # (a short run may have finished before its first picture was painted: Stop is then disabled)
        harness.wait_for_text(page, re.compile(r"^(Stopped|Finished)"), timeout=BROWSER_WAIT_MS)
        # Idle, not "one more run finished": the fragment's runs race the Stop's rerun in the run counter,
        # and once stopped nothing polls any more.
        harness.wait_for_app_idle(page, timeout=BROWSER_WAIT_MS, settle_ms=500)

    def arm(self) -> None:
        self.armed = self.page.evaluate(LIVE_RECORDER_JS) / 1000
        self.first_frame = len(self.received)

    def click_train(self) -> None:
        self.clicked = time.time()
        self.page.get_by_role("button", name="Train", exact=True).click()

    def frames(self) -> list[tuple[float, bytes]]:
        return self.received[self.first_frame:]

    def finished(self) -> bool:
        return any(FINISHED_BYTES in payload for _, payload in self.frames())

    def close(self) -> None:
        try:
            self.page.context.close()
        except Exception:
            pass


def live_epoch(message) -> int | None:
    """The epoch of a live-view frame in a ForwardMsg (the component's JSON data), else None."""
    if message.WhichOneof("type") != "delta" or message.delta.WhichOneof("type") != "new_element":
        return None
    element = message.delta.new_element
    if element.WhichOneof("type") != "bidi_component" or element.bidi_component.component_name != "nnplay_live_view":
        return None
    component = element.bidi_component
    data = component.mixed.json if component.WhichOneof("data") == "mixed" else component.json
    match = re.search(r'"epoch": ?(\d+)', data)
    return int(match.group(1)) if match else None


def analyse_session(session: BrowserSession, recording: dict, target: int) -> dict:
    """The numbers of one session's run, from its WebSocket frames and its page's paints."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    frames = session.frames()
    live = []  # (time, epoch) of every live-view frame received, cached repeats (ref_hash) included
    epoch_of_hash: dict[str, int] = {}
    full_runs = []  # arrival of each full-page script run's first message
    finished_at = None
    for t, payload in frames:
        message = ForwardMsg.FromString(payload)
        kind = message.WhichOneof("type")
        epoch = live_epoch(message)
        if epoch is not None:
            epoch_of_hash[message.hash] = epoch
        elif kind == "ref_hash":
            epoch = epoch_of_hash.get(message.ref_hash)
        if epoch is not None:
            live.append((t, epoch))
        if kind == "new_session" and not message.metadata.run.fragment_ids:
            full_runs.append(t)
        if finished_at is None and FINISHED_BYTES in payload:
            finished_at = t
    trained = [(t, e) for t, e in live if e >= 1]
    if not trained:
        raise AssertionError(f"{session.name}: no live-view frame of an epoch >= 1 arrived")
    first_live = trained[0][0]
    ends = [t for t in full_runs if t > trained[-1][0]] + [t for t, e in trained if e >= target]
    end = min(ends) if ends else (finished_at or trained[-1][0])
    run_s = end - session.clicked
    in_run = [(t, p) for t, p in frames if session.clicked <= t < end]
    after = [(t, p) for t, p in frames if t >= end]
    received = distinct_rate(trained)
    paints = [(t / 1000, e) for t, e, _ in recording["paints"] if e >= 1 and t / 1000 >= session.clicked]
    paint_ms = [ms for t, e, ms in recording["paints"] if e >= 1 and t / 1000 >= session.clicked]
    painted = distinct_rate(paints)
    new_epoch_times = [t for t, _ in first_of_each(paints)]
    gaps = [1000 * (b - a) for a, b in zip(new_epoch_times, new_epoch_times[1:])]
    return {
        "session": session.name, "target": target, "final_live_epoch": trained[-1][1],
        "painted_per_s": painted, "received_per_s": received,
        "distinct_painted": len(new_epoch_times), "distinct_received": len(first_of_each(trained)),
        "epochs_per_s": target / run_s, "start_s": first_live - session.clicked, "run_s": run_s,
        "ws_frames_per_s": len(in_run) / run_s, "ws_kb_per_s": sum(len(p) for _, p in in_run) / 1024 / run_s,
        "ws_sent_per_s": sum(1 for t in session.sent if session.clicked <= t < end) / run_s,
        "backlog_frames": len(after), "backlog_live_frames": sum(1 for t, _ in live if t >= end),
        "backlog_s": (after[-1][0] - end) if after else 0.0,
        "finished_s": (finished_at - end) if finished_at is not None else float("nan"),
        "gap_ms_median": statistics.median(gaps) if gaps else float("nan"),
        "gap_ms_max": max(gaps) if gaps else float("nan"),
        "paint_ms_median": statistics.median(paint_ms) if paint_ms else float("nan"),
        "mounts": recording["mounts"], "end": end,
        "received_epochs": [[round(t - session.clicked, 3), e] for t, e in first_of_each(trained)],
        "painted_epochs": [[round(t - session.clicked, 3), e] for t, e in first_of_each(paints)],
    }


def cpu_seconds_by_part(server_pid: int) -> dict[str, float]:
    """CPU seconds (user + system, /proc) so far of this bench's processes, by part: the streamlit
    "server", "chromium" (every process of the browser), "playwright" (its node driver and this Python
    process, which decodes the frames) and "machine" (every process of the machine, /proc/stat)."""
    from bench.bench_load import machine_busy_seconds, process_tree

    server = set(process_tree(server_pid))
    parts = {"server": 0.0, "chromium": 0.0, "playwright": 0.0}
    for pid in process_tree(os.getpid()):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                head, tail = stat.read().rsplit(")", 1)
            fields = tail.split()
            seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
        comm = head.split("(", 1)[1]
        part = "server" if pid in server else "playwright" if pid == os.getpid() or comm == "node" else "chromium"
        parts[part] += seconds
    parts["machine"] = machine_busy_seconds()
    return parts


def first_of_each(seen: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """The first (time, epoch) of each epoch, in order of arrival."""
    out, known = [], set()
    for t, epoch in seen:
        if epoch not in known:
            known.add(epoch)
            out.append((t, epoch))
    return out


def distinct_rate(seen: list[tuple[float, int]]) -> float:
    """Distinct epochs a second, from the first of them to the last new one."""
    firsts = first_of_each(seen)
    if len(firsts) < 2:
        return 0.0
    return (len(firsts) - 1) / (firsts[-1][0] - firsts[0][0])


def wait_until_finished(sessions: list[BrowserSession], deadline: float) -> None:
    """Pump Playwright's events (the frames are recorded meanwhile) until every session has received
    its "Finished." message."""
    while not all(s.finished() for s in sessions):
        if time.monotonic() > deadline:
            raise AssertionError("the runs did not finish in time: "
                                 + ", ".join(f"{s.name} finished={s.finished()}" for s in sessions))
        sessions[0].page.wait_for_timeout(50)


def wait_for_silence(sessions: list[BrowserSession], deadline: float) -> None:
    """Then until no frame arrived in any session for QUIET_S: the backlog is over."""
    while time.time() - max(s.received[-1][0] for s in sessions) < QUIET_S and time.monotonic() < deadline:
        sessions[0].page.wait_for_timeout(100)


def browser_scenario(browser, server, name: str, hidden, speed: str, n_sessions: int, epochs: int,
                     rate: int) -> list[dict]:
    """One measured run of the link in `n_sessions` sessions at once; a dict of numbers per session."""
    import harness

    link = browser_link(hidden, epochs)
    sessions = []
    try:
        for i in range(n_sessions):
            sessions.append(BrowserSession(browser, server.base_url, link, f"{name} {speed} {i + 1}/{n_sessions}"))
        for session in sessions:
            session.choose_speed(speed, rate)
            session.warm_up()
        for session in sessions:
            session.arm()
        log_mark = server.log_mark()
        cpu, wall = cpu_seconds_by_part(server.proc.pid), time.monotonic()
        for session in sessions:
            session.click_train()
        deadline = time.monotonic() + BROWSER_WAIT_MS / 1000
        wait_until_finished(sessions, deadline)
        seconds = time.monotonic() - wall  # CPU from the clicks to the last "Finished." received
        cores = {part: (used - cpu[part]) / seconds for part, used in cpu_seconds_by_part(server.proc.pid).items()}
        cores["other"] = max(0.0, cores["machine"] - cores["server"] - cores["chromium"] - cores["playwright"])
        wait_for_silence(sessions, deadline)
        results = [analyse_session(session, session.page.evaluate(RECORDING_JS), epochs) for session in sessions]
        for result in results:
            result["cores"] = cores
        for session in sessions:
            harness.assert_no_exception(session.page)
        tracebacks = harness.tracebacks_in(server.log_text(since=log_mark))
        if tracebacks:
            raise AssertionError("the server logged a traceback:\n" + tracebacks[0])
        return results
    finally:
        for session in sessions:
            session.close()


def browser_cells(results: list[dict]) -> list[str]:
    def each(fmt, key):
        return " / ".join(fmt.format(r[key]) for r in results)

    r0 = results[0]
    return [each("{:.1f}", "painted_per_s"), each("{:.1f}", "received_per_s"), each("{:.0f}", "epochs_per_s"),
            each("{:.2f}", "start_s"), each("{:.1f}", "ws_frames_per_s"), each("{:.0f}", "ws_kb_per_s"),
            " / ".join(f"{r['backlog_frames']} ({r['backlog_live_frames']})" for r in results),
            each("{:.2f}", "backlog_s"), each("{:.2f}", "finished_s"),
            " / ".join(f"{r['gap_ms_median']:.0f}/{r['gap_ms_max']:.0f}" for r in results),
            each("{:.1f}", "paint_ms_median"),
            " / ".join(f"{r0['cores'][part]:.2f}" for part in ("server", "chromium", "playwright", "other"))]


def run_browser_bench(args) -> list[tuple[list[str], list[dict]]]:
    """Every (network, speed, sessions) of the browser part; returns (table row, per-session numbers)."""
    import harness
    from playwright.sync_api import sync_playwright

    if harness.chromium_problem():
        raise SystemExit(f"the browser part cannot run: {harness.chromium_problem()}")
    setups = [(name, hidden) for name, hidden in CONFIGS if not args.only or name == args.only]
    server = harness.StreamlitServer("app.py", log_path=harness.ARTIFACTS / "bench-live-server.log",
                                     start_timeout=120)
    server.start()
    print(f"streamlit run app.py: pid {server.proc.pid}, {server.base_url} (log {server.log_path})", flush=True)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = harness.launch_browser(playwright)
            try:
                for name, hidden in setups:
                    for speed in args.speeds:
                        epochs = args.watch_epochs if speed == "Watch" else args.fast_epochs
                        for n_sessions in args.sessions:
                            repeats = []
                            for repeat in range(args.browser_repeats):
                                load = " ".join(f"{v:.2f}" for v in os.getloadavg())
                                print(f"  {name}, {speed}, {n_sessions} session(s), {epochs} epochs, run "
                                      f"{repeat + 1}/{args.browser_repeats} (load average {load}) ...", flush=True)
                                repeats.append(browser_scenario(browser, server, name, hidden, speed, n_sessions,
                                                                epochs, args.watch_rate))
                            # The row is the repeat whose mean painted/s is the median of the repeats'.
                            mean_painted = [statistics.mean(r["painted_per_s"] for r in rs) for rs in repeats]
                            order = sorted(range(len(repeats)), key=mean_painted.__getitem__)
                            results = repeats[order[(len(order) - 1) // 2]]
                            for result in results:
                                result["repeats_painted_per_s"] = mean_painted
                            label = f"{speed} {args.watch_rate}/s" if speed == "Watch" else "Fast"
                            rows.append(([name, label, str(n_sessions), f"{epochs:,}",
                                          " ".join(f"{v:.1f}" for v in mean_painted), *browser_cells(results)],
                                         results))
            finally:
                browser.close()
    finally:
        server.stop()
    return rows


BROWSER_HEADER = ["setup", "speed", "sessions", "epochs", "painted/s each run", "painted/s", "recv/s", "epochs/s",
                  "start s", "WS fr/s",
                  "WS KB/s", "backlog fr (live)", "backlog s", "Finished. s", "gap ms p50/max",
                  "paint ms", "cores srv/chromium/pw/other"]


def browser_main(args) -> None:
    if args.quick:
        args.only, args.speeds, args.sessions, args.watch_epochs = CONFIGS[0][0], ["Watch"], [1], 60
        args.browser_repeats = 1
    print(f"{os.cpu_count()} cores, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} at start; "
          f"Chromium {harness_chromium()} headless; Watch at {args.watch_rate} epochs/s", flush=True)
    rows = run_browser_bench(args)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump([results for _, results in rows], out, indent=1)
    table = [row for row, _ in rows]
    table.append(["TF Playground (quoted)", "60 epochs/s", "1", "-", "-", "60 (quoted)"]
                 + ["-"] * (len(BROWSER_HEADER) - 6))
    print_table("Live training in the browser: the Playground page in headless Chromium "
                "(circle, tanh, SGD 0.03, batch 10)", BROWSER_HEADER, table)
    print(f"  TF Playground row: {TF_PLAYGROUND_REFERENCE}; quoted for scale, not measured here.")
    print(f"  load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def harness_chromium() -> str:
    import harness

    return harness.CHROMIUM


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
    browser = parser.add_argument_group("the browser part (instead of the engine part)")
    browser.add_argument("--browser", action="store_true", help="bench the Playground page in headless Chromium")
    browser.add_argument("--quick", action="store_true",
                         help="the browser part's smoke run: [4, 2], Watch, 60 epochs, one session")
    browser.add_argument("--watch-rate", type=int, default=60,
                         help="Watch at this many epochs a second (the slider's values: 1 ... 1000)")
    browser.add_argument("--watch-epochs", type=int, default=300, help="epochs of a watched run")
    browser.add_argument("--fast-epochs", type=int, default=2000, help="epochs of a Fast run (a link allows 2000)")
    browser.add_argument("--sessions", type=int, nargs="+", default=[1, 2], help="sessions training at once")
    browser.add_argument("--speeds", nargs="+", choices=["Watch", "Fast"], default=["Watch", "Fast"])
    browser.add_argument("--browser-repeats", type=int, default=3,
                         help="runs of each case; the table shows the run with the median painted/s")
    browser.add_argument("--json", help="also write every session's numbers (and the epochs received and painted, "
                                        "with their seconds after the click) to this file")
    args = parser.parse_args()
    if args.browser or args.quick:
        browser_main(args)
        return
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
