// The live view (nnplay.ui.live_view): the network, the decision boundary and the loss curve painted
// on three canvases from frames of nnplay.figures.live_frame.
//
// Streamlit calls the default export again with the new `data` each time the same key is mounted
// with a new message, on the same parentElement (the HTML and CSS are inserted once). So the state
// of a view lives in STATES, keyed by its root element: the canvases are set up once and repainted
// in place on the next animation frame, only when the frame (or the theme, or the width) changed.
//
// A message is a frame (painted at once) or a reel (live_reel): the pictures a run trained since
// the page last polled it, a few times a second. A playing reel is played back at the moments its
// pictures were trained (their `t`), shifted by just enough delay that each picture has arrived
// before it is due; so the browser paints 20 pictures a second from 5 Streamlit updates, which
// cost it far more than the painting. A reel that does not play (paused, ended) is painted at once.
// Every paint sets data-epoch and increments data-paints on the root (the browser tests read them).

const BLUE = "#0877bd";   // positive weights (TF Playground)
const ORANGE = "#f59322"; // negative weights
const INK = "#78909c";    // lines drawn in "ink": reads on white and on near-black
const RIM = "#b0bec5";    // outlines of nodes and points
const NARROW_PX = 700;    // below this width the panels stack
const GAP = 12;
const MARGIN_S = 0.05;    // playback: a picture is due this long after the latest it could arrive
const CATCH_UP_S = 0.005; // ... and the delay shrinks by this much a message while it can (slowly: jitter comes back)
const START_S = 0.25;     // a playback starts with the pictures of the last START_S seconds, not a backlog

const STATES = new WeakMap();

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".nnplay-live-view");
  if (!root) return undefined;
  let state = STATES.get(root);
  if (!state) {
    state = setUp(root);
    STATES.set(root, state);
  }
  receive(state, data);
  requestPaint(state);
  // Streamlit may call this cleanup when a newer frame supersedes this call, not only on unmount:
  // tear down only once the root has really left the page.
  return () => setTimeout(() => { if (!root.isConnected) tearDown(state); }, 0);
}

// ------------------------------------------------------------------ set-up, playback, scheduling

function setUp(root) {
  const canvas = (name) => root.querySelector(`canvas.${name}`);
  const state = {
    root,
    net: canvas("net"), plane: canvas("plane"), loss: canvas("loss"),
    frame: null, painted: null, themeKey: "", width: 0,
    raf: 0, paints: 0, alive: true,
    run: null, queue: [], delay: null, // the reel being played, its pictures to come, seconds behind `t`
    looked: false, // the theme was read since the last message
    scratch: new Map(), // offscreen canvases by use
  };
  root.dataset.mounts = String(Number(root.dataset.mounts || 0) + 1);
  state.resize = new ResizeObserver(() => {
    if (Math.round(root.clientWidth) !== state.width) requestPaint(state, true);
  });
  state.resize.observe(root);
  return state;
}

function tearDown(state) {
  state.alive = false;
  state.resize.disconnect();
  if (state.raf) cancelAnimationFrame(state.raf);
  STATES.delete(state.root);
}

function receive(state, data) {
  if (!data) return;
  const reel = data.frames ? data : { run: null, play: false, shared: {}, frames: [data] };
  const frames = reel.frames.map((frame) => Object.assign({ playing: !!reel.play }, reel.shared, frame));
  if (!frames.length) return; // a poll with nothing new: play on
  if (!reel.play || reel.run !== state.run) {
    state.queue = [];
    state.delay = null;
  }
  const sameRun = reel.run === state.run;
  state.run = reel.run;
  if (!reel.play) {
    state.frame = frames[frames.length - 1];
    return;
  }
  const queued = state.queue.length ? state.queue[state.queue.length - 1] : sameRun ? state.frame : null;
  let fresh = frames.filter((frame) => !queued || frame.epoch > queued.epoch);
  if (state.delay === null && fresh.length) { // the first pictures of a run: start near the newest
    const newest = fresh[fresh.length - 1].t;
    fresh = fresh.filter((frame) => frame.t >= newest - START_S);
  }
  if (!fresh.length) return;
  // The oldest new picture may be shown from now on: the delay is at least what that takes.
  const need = performance.now() / 1000 - fresh[0].t + MARGIN_S;
  state.delay = state.delay === null || need > state.delay ? need : Math.max(need, state.delay - CATCH_UP_S);
  state.queue.push(...fresh);
}

// The picture of the reel due now (the latest whose time has come), if any.
function advance(state) {
  if (!state.queue.length) return;
  const now = performance.now() / 1000 - state.delay;
  let due = -1;
  while (due + 1 < state.queue.length && state.queue[due + 1].t <= now) due += 1;
  if (due >= 0) state.frame = state.queue.splice(0, due + 1)[due];
}

function requestPaint(state, force = false, tick = false) {
  if (force) state.painted = null;
  if (!tick) state.looked = false; // a new message or a resize: look at the theme too
  if (state.raf || !state.alive) return;
  state.raf = requestAnimationFrame(() => {
    state.raf = 0;
    advance(state);
    const looked = state.looked;
    state.looked = true;
    if (state.queue.length) requestPaint(state, false, true); // tick while pictures wait their turn
    const frame = state.frame;
    const width = Math.round(state.root.clientWidth);
    const changed = frame !== state.painted || width !== state.width;
    if (!frame || (!changed && looked)) return;
    const theme = readTheme(state.root);
    if (!changed && theme.key === state.themeKey) return;
    state.themeKey = theme.key;
    state.width = width;
    const started = performance.now();
    paint(state, frame, theme, width);
    state.root.dataset.paintMs = (performance.now() - started).toFixed(1);
    state.painted = frame;
    state.paints += 1;
    state.root.dataset.epoch = String(frame.epoch);
    state.root.dataset.paints = String(state.paints);
  });
}

function readTheme(root) {
  const style = getComputedStyle(root);
  const get = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  const text = get("--st-text-color", "#31333f");
  const background = get("--st-background-color", "#ffffff");
  const font = get("--st-font", "sans-serif");
  const rgb = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(background);
  const dark = !!rgb && (parseInt(rgb[1], 16) + parseInt(rgb[2], 16) + parseInt(rgb[3], 16)) / 3 < 128;
  return { text, background, font, dark, key: `${text}|${background}|${font}` };
}

// ------------------------------------------------------------------ layout

function paint(state, frame, theme, width) {
  const hasPlane = !!(frame.boundary || frame.points);
  const network = frame.network;
  const rows = Math.max(1, ...network.drawn.map((n, c) => n + (network.hidden[c] ? 1 : 0)));
  const narrow = width < NARROW_PX;
  state.root.classList.toggle("narrow", narrow);
  state.plane.style.display = hasPlane ? "" : "none";
  let net, plane, loss;
  if (narrow) {
    const side = Math.min(width, 420);
    net = [width, clamp(60 + 36 * rows, 200, 460)];
    plane = [side, side];
    loss = [width, 240];
  } else if (hasPlane) {
    const free = width - 2 * GAP;
    const side = Math.floor(free * 0.30);
    net = [Math.floor(free * 0.45), side];
    plane = [side, side];
    loss = [free - net[0] - side, side];
  } else {
    const free = width - GAP;
    const height = clamp(Math.round(free * 0.32), 240, 440);
    net = [Math.floor(free * 0.6), height];
    loss = [free - net[0], height];
  }
  const ctx = {};
  ctx.net = sized(state.net, ...net);
  ctx.loss = sized(state.loss, ...loss);
  drawNetwork(state, ctx.net, net[0], net[1], frame, theme);
  if (hasPlane) {
    ctx.plane = sized(state.plane, ...plane);
    drawPlane(state, ctx.plane, plane[0], plane[1], frame, theme);
  }
  drawLoss(ctx.loss, loss[0], loss[1], frame, theme);
}

function sized(canvas, w, h) {
  const dpr = window.devicePixelRatio || 1;
  const pw = Math.max(1, Math.round(w * dpr)), ph = Math.max(1, Math.round(h * dpr));
  if (canvas.width !== pw || canvas.height !== ph) {
    canvas.width = pw;
    canvas.height = ph;
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }

function font(theme, size, weight = "") {
  return `${weight} ${size}px ${theme.font}`.trim();
}

// ------------------------------------------------------------------ bytes and pictures

function bytesOf(b64) {
  const s = atob(b64 || "");
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function scratch(state, name, w, h) {
  let c = state.scratch.get(name);
  if (!c) { c = document.createElement("canvas"); state.scratch.set(name, c); }
  if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
  return c;
}

// An offscreen canvas holding a w x h picture: RGB bytes, or palette indices into an RGB lut.
function picture(state, name, w, h, bytes, lut) {
  const c = scratch(state, name, w, h);
  const g = c.getContext("2d");
  const image = g.createImageData(w, h);
  const px = image.data;
  const n = w * h;
  if (lut) {
    for (let i = 0; i < n; i++) {
      const k = 3 * bytes[i];
      px[4 * i] = lut[k]; px[4 * i + 1] = lut[k + 1]; px[4 * i + 2] = lut[k + 2]; px[4 * i + 3] = 255;
    }
  } else {
    for (let i = 0; i < n; i++) {
      px[4 * i] = bytes[3 * i]; px[4 * i + 1] = bytes[3 * i + 1]; px[4 * i + 2] = bytes[3 * i + 2]; px[4 * i + 3] = 255;
    }
  }
  g.putImageData(image, 0, 0);
  return c;
}

function lutColor(lut, index) {
  const k = 3 * index;
  return `rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})`;
}

// ------------------------------------------------------------------ the network

function drawNetwork(state, g, W, H, frame, theme) {
  const net = frame.network;
  const lut = bytesOf(frame.lut);
  const columns = net.sizes.length;
  const thumbs = net.thumbs;
  const rows = Math.max(1, ...net.drawn.map((n, c) => n + (net.hidden[c] ? 1 : 0)));
  g.font = font(theme, 11);
  const widest = (names) => Math.max(0, ...names.map((s) => g.measureText(s).width));
  const left = Math.min(widest(net.inputs) + 8, W * 0.2);
  const right = Math.min(widest(net.outputs) + 8, W * 0.15);
  const top = 30, bottom = 6;
  const pitch = Math.min((H - top - bottom) / rows, 56);
  const span = W - left - right;
  const colGap = columns > 1 ? span / columns : span;
  const box = Math.max(6, Math.min(pitch * 0.78, colGap * 0.45, 44));
  const half = thumbs ? box / 2 : Math.min(8, pitch * 0.32);
  const xs = net.sizes.map((_, c) => left + colGap * (c + 0.5));
  const cy = top + (H - top - bottom) / 2;
  const ys = net.drawn.map((n, c) => {
    const total = n + (net.hidden[c] ? 1 : 0);
    return Array.from({ length: total }, (_, i) => cy + (i - (total - 1) / 2) * pitch);
  });

  // Links: blue positive, orange negative, width ∝ |w| / the largest drawn; the strongest on top.
  const wmax = net.wmax > 0 ? net.wmax : 1;
  const links = [];
  for (let c = 0; c + 1 < columns; c++) {
    const weights = net.weights[c] || [];
    const b = net.drawn[c + 1];
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k];
      if (w === null) continue;
      links.push([Math.abs(w), w, c, Math.floor(k / b), k % b]);
    }
  }
  links.sort((p, q) => p[0] - q[0]);
  const scale = Math.min(1, pitch / 40);
  g.globalAlpha = theme.dark ? 0.9 : 0.7; // on a dark page, 0.7 of the colour is a dim one
  g.lineCap = "round";
  for (const [a, w, c, i, j] of links) {
    g.strokeStyle = w >= 0 ? BLUE : ORANGE;
    g.lineWidth = (0.4 + 5.6 * a / wmax) * scale;
    g.beginPath();
    g.moveTo(xs[c] + half, ys[c][i]);
    g.lineTo(xs[c + 1] - half, ys[c + 1][j]);
    g.stroke();
  }
  g.globalAlpha = 1;

  // Nodes: each one's activation over the plane, or a circle coloured by its bias.
  const T = net.thumb_px;
  for (let c = 0; c < columns; c++) {
    const n = net.drawn[c];
    if (thumbs && thumbs[c]) {
      const sheet = picture(state, `thumbs-${c}`, T, T * n, bytesOf(thumbs[c]), lut);
      g.imageSmoothingEnabled = true;
      for (let i = 0; i < n; i++) {
        const x = xs[c] - box / 2, y = ys[c][i] - box / 2;
        g.drawImage(sheet, 0, i * T, T, T, x, y, box, box);
        g.strokeStyle = RIM;
        g.lineWidth = 1;
        g.strokeRect(x - 0.5, y - 0.5, box + 1, box + 1);
      }
    } else {
      for (let i = 0; i < n; i++) {
        g.beginPath();
        g.arc(xs[c], ys[c][i], half, 0, 2 * Math.PI);
        g.fillStyle = lutColor(lut, net.bias_color[c][i]);
        g.fill();
        g.strokeStyle = RIM;
        g.lineWidth = 1;
        g.stroke();
      }
    }
  }

  // Text: "+N" of a capped column, the input and output names, a header per column.
  g.fillStyle = theme.text;
  g.textBaseline = "middle";
  g.font = font(theme, 11);
  g.textAlign = "center";
  net.hidden.forEach((hidden, c) => {
    if (hidden) g.fillText(`… +${hidden.toLocaleString("en-US")}`, xs[c], ys[c][ys[c].length - 1]);
  });
  g.textAlign = "right";
  net.inputs.forEach((name, i) => g.fillText(name, xs[0] - half - 4, ys[0][i], left - 2));
  g.textAlign = "left";
  net.outputs.forEach((name, i) => g.fillText(name, xs[columns - 1] + half + 4, ys[columns - 1][i], right - 2));
  g.textAlign = "center";
  net.headers.forEach((text, c) => {
    const room = c === 0 ? Math.min(colGap, 2 * (xs[0])) : c === columns - 1 ? Math.min(colGap, 2 * (W - xs[c])) : colGap;
    header(g, theme, text, xs[c], 14, room - 4);
  });
}

// A column's header in one line if it fits, else in two (split at " → " or a space), shrunk to fit.
function header(g, theme, text, x, y, room) {
  let lines = [text];
  g.font = font(theme, 11);
  if (g.measureText(text).width > room) {
    const at = text.indexOf(" → ") >= 0 ? text.indexOf(" → ") : text.lastIndexOf(" ");
    if (at > 0) lines = [text.slice(0, at), text.slice(at + 1).trim()];
  }
  let size = 11;
  while (size > 8 && Math.max(...lines.map((l) => g.measureText(l).width)) > room) {
    size -= 1;
    g.font = font(theme, size);
  }
  if (lines.length === 1) g.fillText(lines[0], x, y + 4, room);
  else lines.forEach((line, i) => g.fillText(line, x, y - 2 + i * (size + 1), room));
}

// ------------------------------------------------------------------ the plane

function drawPlane(state, g, W, H, frame, theme) {
  const m = { left: 30, right: 6, top: 6, bottom: 28 };
  const side = Math.max(10, Math.min(W - m.left - m.right, H - m.top - m.bottom));
  const x0 = m.left + (W - m.left - m.right - side) / 2, y0 = m.top;
  const boundary = frame.boundary;
  const [lo, hi] = boundary ? boundary.range : [-6, 6];
  const px = (v) => x0 + (v - lo) / (hi - lo) * side;
  const py = (v) => y0 + (hi - v) / (hi - lo) * side;

  g.save();
  g.beginPath();
  g.rect(x0, y0, side, side);
  g.clip();
  if (boundary) {
    const res = boundary.res;
    const image = picture(state, "boundary", res, res, bytesOf(boundary.rgb), null);
    g.imageSmoothingEnabled = !!boundary.smooth;
    g.imageSmoothingQuality = "high";
    const [e0, e1] = boundary.extent;
    g.drawImage(image, px(e0), py(e1), px(e1) - px(e0), py(e0) - py(e1));
  }
  const points = frame.points;
  if (points) {
    const r = side < 260 ? 3 : 3.5;
    const value = points.kind === "value";
    for (let k = 0; k < points.x.length; k++) {
      const color = points.palette[points.c[k]];
      const test = points.test[k] === 1;
      g.beginPath();
      g.arc(px(points.x[k]), py(points.y[k]), r, 0, 2 * Math.PI);
      if (value) {
        g.fillStyle = color;
        g.fill();
        g.strokeStyle = test ? "#546e7a" : RIM;
        g.lineWidth = test ? 1.2 : 0.8;
      } else if (test) {
        g.fillStyle = "#ffffff";
        g.fill();
        g.strokeStyle = color;
        g.lineWidth = 2;
      } else {
        g.fillStyle = color;
        g.fill();
        g.strokeStyle = "#ffffff";
        g.lineWidth = 1;
      }
      g.stroke();
    }
  }
  g.restore();

  // Frame, ticks and axis names.
  g.strokeStyle = INK;
  g.lineWidth = 1;
  g.strokeRect(x0 - 0.5, y0 - 0.5, side + 1, side + 1);
  g.fillStyle = theme.text;
  g.font = font(theme, 10);
  const ticks = niceTicks(lo, hi, side < 200 ? 2 : 4).ticks;
  g.textAlign = "center";
  g.textBaseline = "top";
  for (const t of ticks) g.fillText(formatTick(t, 1), px(t), y0 + side + 3);
  g.textAlign = "right";
  g.textBaseline = "middle";
  for (const t of ticks) g.fillText(formatTick(t, 1), x0 - 4, py(t));
  const [xName, yName] = frame.axes || ["x₁", "x₂"];
  g.font = font(theme, 11);
  g.textAlign = "center";
  g.textBaseline = "bottom";
  g.fillText(xName, x0 + side / 2, H - 1);
  g.save();
  g.translate(x0 - 22, y0 + side / 2);
  g.rotate(-Math.PI / 2);
  g.textBaseline = "middle";
  g.fillText(yName, 0, 0);
  g.restore();
}

// ------------------------------------------------------------------ the loss curve

function drawLoss(g, W, H, frame, theme) {
  // A played-back picture shows the curve as far as its own epoch (the message's curve is the latest).
  const loss = frame.playing ? curveUpTo(frame.loss, frame.epoch) : frame.loss;
  const changes = (frame.changes || []).filter(([epoch]) => !frame.playing || epoch <= frame.epoch);
  const m = { left: 42, right: 10, top: 26, bottom: 30 };
  const pw = Math.max(10, W - m.left - m.right), ph = Math.max(10, H - m.top - m.bottom);
  const values = loss.train.concat(loss.test).filter((v) => v !== null && Number.isFinite(v));
  const last = loss.epoch.length ? loss.epoch[loss.epoch.length - 1] : 0;
  const xmax = Math.max(1, last, frame.cursor_epoch || 0);
  let ylo = values.length ? Math.min(...values) : 0, yhi = values.length ? Math.max(...values) : 1;
  const pad = (yhi - ylo) * 0.08 || Math.abs(yhi) * 0.1 || 0.1;
  ylo = ylo >= 0 ? Math.max(0, ylo - pad) : ylo - pad;
  yhi += pad;
  const X = (e) => m.left + (e / xmax) * pw;
  const Y = (v) => m.top + (yhi - v) / (yhi - ylo) * ph;

  // Grid, axes, ticks.
  g.font = font(theme, 10);
  g.fillStyle = theme.text;
  const yt = niceTicks(ylo, yhi, Math.max(2, Math.floor(ph / 40)));
  const xt = niceTicks(0, xmax, Math.max(2, Math.floor(pw / 60)), true);
  g.strokeStyle = INK;
  g.globalAlpha = 0.25;
  g.lineWidth = 1;
  for (const t of yt.ticks) {
    g.beginPath(); g.moveTo(m.left, Math.round(Y(t)) + 0.5); g.lineTo(m.left + pw, Math.round(Y(t)) + 0.5); g.stroke();
  }
  g.globalAlpha = 1;
  g.beginPath();
  g.moveTo(m.left + 0.5, m.top); g.lineTo(m.left + 0.5, m.top + ph + 0.5); g.lineTo(m.left + pw, m.top + ph + 0.5);
  g.stroke();
  g.textAlign = "right";
  g.textBaseline = "middle";
  for (const t of yt.ticks) g.fillText(formatTick(t, yt.step), m.left - 4, Y(t));
  g.textAlign = "center";
  g.textBaseline = "top";
  for (const t of xt.ticks) g.fillText(formatTick(t, xt.step), X(t), m.top + ph + 3);
  g.textBaseline = "bottom";
  g.fillText("epoch", m.left + pw / 2, H - 1);
  g.save();
  g.translate(10, m.top + ph / 2);
  g.rotate(-Math.PI / 2);
  g.textBaseline = "middle";
  g.fillText("loss", 0, 0);
  g.restore();

  // Changes: a dashed line where each took effect, named with its new value (staggered rows).
  g.save();
  g.beginPath();
  g.rect(m.left, 0, pw + m.right, H);
  g.clip();
  g.font = font(theme, 10);
  g.textAlign = "left";
  g.textBaseline = "top";
  changes.forEach(([epoch, label], i) => {
    const x = Math.round(X(epoch)) + 0.5;
    g.strokeStyle = INK;
    g.lineWidth = 1;
    g.setLineDash([4, 3]);
    g.beginPath(); g.moveTo(x, m.top); g.lineTo(x, m.top + ph); g.stroke();
    g.setLineDash([]);
    g.fillStyle = theme.text;
    // Right of its line, or left of it when the plot ends first.
    const y = m.top + 2 + 12 * (i % 4);
    const fits = x + 3 + g.measureText(label).width <= m.left + pw;
    g.textAlign = fits ? "left" : "right";
    g.fillText(label, fits ? x + 3 : x - 3, y, Math.max(20, fits ? m.left + pw - x - 3 : x - m.left - 3));
  });
  g.restore();

  // The curves: train solid, test dashed.
  const curve = (ys, color, width, dash) => {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.setLineDash(dash);
    g.lineJoin = "round";
    g.beginPath();
    let pen = false;
    for (let k = 0; k < loss.epoch.length; k++) {
      const v = ys[k];
      if (v === null || !Number.isFinite(v)) { pen = false; continue; }
      const x = X(loss.epoch[k]), y = Y(v);
      if (pen) g.lineTo(x, y); else g.moveTo(x, y);
      pen = true;
    }
    g.stroke();
    g.setLineDash([]);
  };
  g.save();
  g.beginPath();
  g.rect(m.left, m.top - 2, pw + 2, ph + 4);
  g.clip();
  curve(loss.test, theme.text, 1.5, [5, 4]);
  curve(loss.train, INK, 2.5, []);
  g.restore();

  // The cursor: a solid orange line at the chosen epoch.
  if (frame.cursor_epoch !== null && frame.cursor_epoch !== undefined) {
    const x = Math.round(X(frame.cursor_epoch)) + 0.5;
    g.strokeStyle = ORANGE;
    g.lineWidth = 2;
    g.beginPath(); g.moveTo(x, m.top); g.lineTo(x, m.top + ph); g.stroke();
    const label = `epoch ${frame.cursor_epoch}`;
    g.font = font(theme, 10);
    g.fillStyle = ORANGE;
    g.textBaseline = "bottom";
    const fits = x + 4 + g.measureText(label).width <= m.left + pw;
    g.textAlign = fits ? "left" : "right";
    g.fillText(label, fits ? x + 4 : x - 4, m.top + ph - 3);
  }

  // Caption "Epoch N" top left, legend top right.
  g.textBaseline = "middle";
  g.textAlign = "left";
  g.fillStyle = theme.text;
  g.font = font(theme, 12, "600");
  g.fillText(`Epoch ${Number(frame.epoch).toLocaleString("en-US")}`, 4, 11);
  g.font = font(theme, 10);
  const legend = [["train", INK, 2.5, []], ["test", theme.text, 1.5, [4, 3]]];
  let x = W - m.right;
  for (const [name, color, width, dash] of legend.reverse()) {
    x -= g.measureText(name).width;
    g.fillStyle = theme.text;
    g.fillText(name, x, 11);
    x -= 22;
    g.strokeStyle = color; g.lineWidth = width; g.setLineDash(dash);
    g.beginPath(); g.moveTo(x, 11); g.lineTo(x + 18, 11); g.stroke();
    g.setLineDash([]);
    x -= 10;
  }
  if (!loss.epoch.length) {
    g.textAlign = "center";
    g.fillStyle = INK;
    g.fillText("no epochs yet", m.left + pw / 2, m.top + ph / 2);
  }
}

function curveUpTo(loss, epoch) {
  let n = 0;
  while (n < loss.epoch.length && loss.epoch[n] <= epoch) n += 1;
  return { epoch: loss.epoch.slice(0, n), train: loss.train.slice(0, n), test: loss.test.slice(0, n) };
}

// Round ticks between lo and hi, about n of them (integers only when `integer`).
function niceTicks(lo, hi, n, integer = false) {
  const span = hi - lo;
  if (!(span > 0)) return { ticks: [lo], step: 1 };
  const raw = span / Math.max(1, n);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / mag;
  let step = (f >= 7.5 ? 10 : f >= 3.5 ? 5 : f >= 1.5 ? 2 : 1) * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
  return { ticks, step };
}

function formatTick(v, step) {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  if (Math.abs(v) >= 10000) return v.toLocaleString("en-US", { maximumFractionDigits: 0 });
  return v.toFixed(decimals);
}
