"""The live view (nnplay.ui.live_view) in a real browser: a fragment mounting it 20 times a second
gets a new epoch painted at (nearly) every run, on the same component (never re-mounted), with ink on
all three canvases, in the light and in the dark theme, and still while a model trains in the same
server process.

The page is a small script of its own (APP below), served by its own `streamlit run`: a model is
trained beforehand with one snapshot (weights, plane) per epoch, and the fragment builds each frame
from the next snapshot with live_frame. Screenshots: /tmp/live_view.png, /tmp/live_view_dark.png and
test-artifacts/live-view*.png.
"""

from __future__ import annotations

import shutil
import time

import harness
import pytest
from harness import screenshot

pytestmark = pytest.mark.e2e

WATCH_S = 3.0
MIN_DISTINCT = 20  # epochs shown in WATCH_S seconds; at run_every=0.05 the ceiling is ~60

APP = '''
"""Test page: the live view of a model trained beforehand, one epoch per fragment run (20 a second).
?train=1: meanwhile another model trains in a background thread of this process, as fast as it can."""

import gc
from dataclasses import replace

import streamlit as st

from nnplay.config.schema import HiddenLayer, PlaygroundConfig
from nnplay.data.load import load_dataset
from nnplay.engine.live import LiveRun
from nnplay.engine.plane import probe_for
from nnplay.engine.training import History, Trainer
from nnplay.figures.live_frame import live_frame
from nnplay.ui.live_view import live_view

st.set_page_config(page_title="live view", layout="wide")
SNAPSHOTS = 150
CHANGE_AT = 60


@st.cache_resource
def snapshots():
    """The config, the data, the history and one (weights, plane) per epoch; the learning rate
    changes after epoch CHANGE_AT, so the curve has a change marker."""
    config = PlaygroundConfig(noise=0.1, epochs=SNAPSHOTS)
    data = load_dataset(config, None)
    trainer = Trainer(config, data)
    probe = probe_for(trainer)
    shots = []
    for epoch in range(SNAPSHOTS):
        if epoch == CHANGE_AT:
            trainer.apply_settings(replace(trainer.config, learning_rate=0.1))
        trainer.advance(1)
        shots.append((trainer.model.get_weights(), probe.evaluate()))
    # Every script run, fragment runs too, ends with two full garbage collections (Streamlit's
    # runner.postScriptGC, and keras.backend.clear_session, which Streamlit calls whenever keras is
    # loaded): ~0.25 s each with TensorFlow on the heap, so a fragment would run ~2 times a second.
    # Frozen, the heap as it is now is left out of every collection. (The app turns both off
    # instead: runner.postScriptGC in .streamlit/config.toml and nnplay.ui.keras_cleanup; this page
    # depends on neither.)
    gc.freeze()
    return config, data, trainer.history, shots


@st.cache_resource
def background_run():
    """A model training as fast as it can for 60 s: the CPU load of a live run."""
    config = PlaygroundConfig(n_samples=1000, hidden=(HiddenLayer(8, "tanh"),) * 6)
    return LiveRun(Trainer(config, load_dataset(config, None)), 100_000, max_seconds=60, pace=None).start()


def history_until(history, epoch):
    return History(epoch=history.epoch[:epoch], train_loss=history.train_loss[:epoch],
                   test_loss=history.test_loss[:epoch], changes=[c for c in history.changes if c.epoch < epoch])


config, data, history, shots = snapshots()
training = background_run() if st.query_params.get("train") == "1" else None
cursor = int(st.query_params["cursor"]) if "cursor" in st.query_params else None


@st.fragment(run_every=0.05)
def live():
    i = st.session_state.get("frame", 0)
    st.session_state.frame = i + 1
    epoch = i % SNAPSHOTS + 1
    weights, plane = shots[epoch - 1]
    live_view(live_frame(config, weights, plane, data, history_until(history, epoch), cursor_epoch=cursor))
    if training is not None:
        st.caption(f"background epoch {training.trainer.epoch}")


live()
'''

# The component's root inside its shadow root (CCv2 isolates styles in an open shadow DOM).
ROOT_JS = harness.LIVE_VIEW_ROOT_JS

# Record [time, data-epoch] at every paint for `ms` milliseconds.
WATCH_JS = """async (ms) => {
  const root = (ROOT)();
  const seen = [];
  const observer = new MutationObserver(() => seen.push([performance.now(), root.dataset.epoch]));
  observer.observe(root, {attributes: true, attributeFilter: ['data-epoch']});
  await new Promise((resolve) => setTimeout(resolve, ms));
  observer.disconnect();
  return {seen, mounts: root.dataset.mounts, paints: Number(root.dataset.paints), paintMs: root.dataset.paintMs};
}""".replace("ROOT", ROOT_JS)

# Per canvas: sampled pixels with ink, distinct colours, and pixels near the class colours.
INK_JS = """() => {
  const root = (ROOT)();
  const near = (d, i, [r, g, b]) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 40;
  const out = {};
  for (const canvas of root.querySelectorAll('canvas')) {
    const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const colors = new Set();
    let sampled = 0, ink = 0, orange = 0, blue = 0;
    for (let i = 0; i < d.length; i += 4 * 5) {
      sampled++;
      if (d[i + 3] === 0) continue;
      ink++;
      colors.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      if (near(d, i, [0xf5, 0x93, 0x22])) orange++;
      if (near(d, i, [0x08, 0x77, 0xbd])) blue++;
    }
    out[canvas.className] = {width: canvas.width, height: canvas.height, sampled, ink, colors: colors.size,
                             orange, blue};
  }
  out.text = getComputedStyle(root).getPropertyValue('--st-text-color').trim();
  return out;
}""".replace("ROOT", ROOT_JS)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live_view")
    script = folder / "live_view_app.py"
    script.write_text(APP, encoding="utf-8")
    server = harness.StreamlitServer(str(script), log_path=folder / "server.log",
                                     extra_env={"PYTHONPATH": str(harness.REPO)})
    try:
        server.start()
    except harness.ServerStartError as exc:
        pytest.fail(f"could not start the live view page: {exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


def open_live_view(page, server, query: str = "") -> None:
    page.goto(server.base_url + "/" + (f"?{query}" if query else ""), wait_until="domcontentloaded")
    # The first run trains the snapshots (a TensorFlow start and an XLA compile): be patient.
    page.wait_for_function(f"() => {{ const r = ({ROOT_JS})(); return r && Number(r.dataset.paints) > 2; }}",
                           timeout=180_000, polling=100)


def watch(page) -> dict:
    watched = page.evaluate(WATCH_JS, int(WATCH_S * 1000))
    seen = watched["seen"]
    span = (seen[-1][0] - seen[0][0]) / 1000 if len(seen) > 1 else 0.0
    watched["distinct"] = len({epoch for _, epoch in seen})
    watched["per_second"] = (watched["distinct"] - 1) / span if span else 0.0
    return watched


def assert_painted(page, dark: bool = False) -> dict:
    ink = page.evaluate(INK_JS)
    for name in ("net", "plane", "loss"):
        canvas = ink[name]
        assert canvas["width"] > 100 and canvas["height"] > 100, (name, canvas)
        assert canvas["ink"] > 0.02 * canvas["sampled"], (name, canvas)
        assert canvas["colors"] >= 10, (name, canvas)
    # Blue and orange links; orange and blue points on the boundary.
    assert ink["net"]["orange"] > 0 and ink["net"]["blue"] > 0, ink["net"]
    assert ink["plane"]["orange"] > 0 and ink["plane"]["blue"] > 0, ink["plane"]
    # The text colour is the theme's: dark on light, light on dark.
    text = ink["text"]
    rgb = [int(text[i:i + 2], 16) for i in (1, 3, 5)] if text.startswith("#") and len(text) == 7 else None
    if rgb is not None:
        assert (sum(rgb) / 3 > 128) == dark, text
    return ink


def test_live_view_paints_every_frame_in_place(page, live_server):
    open_live_view(page, live_server)
    watched = watch(page)
    print(f"live view, idle: {watched['distinct']} epochs in {WATCH_S:.0f} s "
          f"({watched['per_second']:.1f}/s), paint {watched['paintMs']} ms")
    assert watched["distinct"] >= MIN_DISTINCT, watched
    assert watched["mounts"] == "1", "the component was mounted again instead of repainted"
    assert_painted(page)
    page.screenshot(path="/tmp/live_view.png")
    screenshot(page, "live-view")
    assert harness.tracebacks_in(live_server.log_text()) == []


def test_live_view_dark_theme(browser, live_server):
    context = browser.new_context(viewport=harness.VIEWPORT, color_scheme="dark", reduced_motion="reduce",
                                  locale="en-US", timezone_id="UTC")
    context.set_default_timeout(harness.DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        open_live_view(page, live_server, "cursor=20")
        page.wait_for_function(f"() => Number(({ROOT_JS})().dataset.epoch) > 40", timeout=30_000)
        assert_painted(page, dark=True)
        page.screenshot(path="/tmp/live_view_dark.png")
        harness.ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy("/tmp/live_view_dark.png", harness.ARTIFACTS / "live-view-dark.png")
    finally:
        context.close()


def test_live_view_keeps_up_while_a_model_trains(page, live_server):
    open_live_view(page, live_server, "train=1")
    caption = page.get_by_text("background epoch").first

    def background_epoch() -> int:
        return int(caption.inner_text().split()[-1])

    caption.wait_for(state="visible", timeout=60_000)
    deadline = time.monotonic() + 90
    while background_epoch() == 0 and time.monotonic() < deadline:  # its first chunk compiles
        time.sleep(0.2)
    before = background_epoch()
    assert before > 0, "the background model did not start training"
    watched = watch(page)
    print(f"live view, a model training: {watched['distinct']} epochs in {WATCH_S:.0f} s "
          f"({watched['per_second']:.1f}/s), paint {watched['paintMs']} ms")
    assert background_epoch() > before, "the background model did not train"
    assert watched["distinct"] >= MIN_DISTINCT, watched
    assert watched["mounts"] == "1"
