/**
 * @file The playground's pictures on a <canvas>: line plots (linear or log axes, a legend for
 * several series) and heat maps (viridis colours, a colour bar, optional marked cells). No
 * chart library; each also gets a one-sentence description for screen readers.
 */

const PALETTE = ['#1f63a8', '#c8342b', '#2a8a3e', '#7a4fa3', '#d9771e', '#5f4b3b'];
// Viridis at five stops (matplotlib's colour map, perceptually uniform and colour-blind safe).
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const INK = '#222';
const GRID = '#e3e3e3';
const FONT = '12px system-ui, sans-serif';

/** Sizes `canvas` to its CSS width and `height` CSS pixels, sharp on high-DPI screens; white background. */
function setup(canvas, height) {
  const width = Math.max(240, Math.round(canvas.getBoundingClientRect().width || 640));
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.font = FONT;
  ctx.fillStyle = INK;
  ctx.strokeStyle = INK;
  return { ctx, width, height };
}

// Loops, not Math.min(...v): a spread of a million values would overflow the stack.
const min = (v) => v.reduce((a, b) => (b < a ? b : a), Infinity);
const max = (v) => v.reduce((a, b) => (b > a ? b : a), -Infinity);

/** A short label for a tick value. */
function label(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

/**
 * Maps data values onto pixels [from, to], linearly or by log10, with ticks at 1, 2, 5 × 10^k
 * (at most about six).
 */
function axis(values, log, from, to) {
  const f = log ? Math.log10 : (v) => v;
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0)).map(f);
  let lo = usable.length ? min(usable) : 0;
  let hi = usable.length ? max(usable) : 1;
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) [lo, hi] = [lo - 0.5, hi + 0.5];
  [lo, hi] = [lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo)]; // keep the end points off the frame (in log10 units on a log axis)
  const map = (v) => from + ((f(v) - lo) / (hi - lo)) * (to - from);
  const ticks = [];
  if (log) {
    for (const k of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
      ticks.length = 0;
      for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
        for (const m of k) if (Math.log10(m * 10 ** e) >= lo - 1e-9 && Math.log10(m * 10 ** e) <= hi + 1e-9) ticks.push(m * 10 ** e);
      }
      if (ticks.length >= 3) break;
    }
  } else {
    const raw = (hi - lo) / 5;
    const step = [1, 2, 5, 10].map((m) => m * 10 ** Math.floor(Math.log10(raw))).find((s) => s >= raw);
    for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return { map, ticks };
}

/** Title, axis labels and the frame around the plotting area. */
function frame(ctx, spec, box, width, height) {
  if (spec.title) {
    ctx.font = `600 ${FONT}`;
    ctx.textAlign = 'center';
    ctx.fillText(spec.title, width / 2, 16);
    ctx.font = FONT;
  }
  if (spec.xLabel) {
    ctx.textAlign = 'center';
    ctx.fillText(spec.xLabel, (box.left + box.right) / 2, height - 6);
  }
  if (spec.yLabel) {
    ctx.save();
    ctx.translate(12, (box.top + box.bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(spec.yLabel, 0, 0);
    ctx.restore();
  }
  ctx.strokeRect(box.left, box.top, box.right - box.left, box.bottom - box.top);
}

/** A line plot of `spec.series` over `spec.x` ({ x, series: [{ label, y }], title?, xLabel?, yLabel?, logX?, logY? }). */
export function drawPlot(canvas, spec) {
  const { ctx, width, height } = setup(canvas, 300);
  const box = { left: 66, right: width - 14, top: spec.title ? 28 : 12, bottom: height - (spec.xLabel ? 44 : 28) };
  const x = axis(spec.x, spec.logX, box.left, box.right);
  const y = axis(spec.series.flatMap((s) => s.y), spec.logY, box.bottom, box.top);
  ctx.lineWidth = 1;
  ctx.strokeStyle = GRID;
  for (const t of x.ticks) line(ctx, x.map(t), box.top, x.map(t), box.bottom);
  for (const t of y.ticks) line(ctx, box.left, y.map(t), box.right, y.map(t));
  ctx.strokeStyle = INK;
  ctx.textAlign = 'center';
  for (const t of x.ticks) ctx.fillText(label(t), x.map(t), box.bottom + 15);
  ctx.textAlign = 'right';
  for (const t of y.ticks) ctx.fillText(label(t), box.left - 5, y.map(t) + 4);
  frame(ctx, spec, box, width, height);
  ctx.save();
  ctx.beginPath();
  ctx.rect(box.left, box.top, box.right - box.left, box.bottom - box.top);
  ctx.clip();
  spec.series.forEach((s, i) => {
    ctx.strokeStyle = ctx.fillStyle = PALETTE[i % PALETTE.length];
    ctx.lineWidth = 2;
    ctx.beginPath();
    let pen = false; // lifted over values a log axis or NaN cannot show
    s.y.forEach((v, j) => {
      const ok = Number.isFinite(v) && (!spec.logY || v > 0) && (!spec.logX || spec.x[j] > 0);
      if (ok) (pen ? ctx.lineTo : ctx.moveTo).call(ctx, x.map(spec.x[j]), y.map(v));
      pen = ok;
    });
    ctx.stroke();
    if (s.y.length <= 40) {
      s.y.forEach((v, j) => {
        ctx.beginPath();
        ctx.arc(x.map(spec.x[j]), y.map(v), 3, 0, 2 * Math.PI);
        ctx.fill();
      });
    }
  });
  ctx.restore();
  if (spec.series.length > 1 || spec.series[0].label !== 'y') {
    const points = spec.series.flatMap((s) => s.y.map((v, j) => [x.map(spec.x[j]), y.map(v)]));
    legend(ctx, spec.series, box, points);
  }
}

function line(ctx, x0, y0, x1, y1) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/** The series' names in the corner of the plot that hides the fewest of its `points` ([px, py]). */
function legend(ctx, series, box, points) {
  ctx.textAlign = 'left';
  const w = max(series.map((s) => ctx.measureText(s.label).width)) + 34;
  const h = series.length * 17 + 6;
  const corners = [[box.right - w - 6, box.top + 6], [box.left + 6, box.top + 6], [box.right - w - 6, box.bottom - h - 6], [box.left + 6, box.bottom - h - 6]];
  const hidden = ([l, t]) => points.filter(([px, py]) => px >= l - 4 && px <= l + w + 4 && py >= t - 4 && py <= t + h + 4).length;
  const [left, top] = corners.reduce((best, c) => (hidden(c) < hidden(best) ? c : best));
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(left, top, w, h);
  series.forEach((s, i) => {
    const yy = top + 12 + i * 17;
    ctx.fillStyle = ctx.strokeStyle = PALETTE[i % PALETTE.length];
    ctx.lineWidth = 2;
    line(ctx, left + 6, yy - 4, left + 24, yy - 4);
    ctx.fillStyle = INK;
    ctx.fillText(s.label, left + 28, yy);
  });
}

/** Viridis at t ∈ [0, 1]. */
function viridis(t) {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const c = VIRIDIS[i].map((a, k) => Math.round(a + (VIRIDIS[i + 1][k] - a) * (u - i)));
  return `rgb(${c.join(',')})`;
}

/**
 * A heat map of `spec.rows` (row 0 on top; { rows, title?, xLabel?, yLabel?, min?, max?, marks?:
 * [[row, column], …] drawn as dots }), with a colour bar.
 */
export function drawHeatmap(canvas, spec) {
  const { rows } = spec;
  const cell = Math.min(30, Math.max(8, Math.floor(360 / rows.length)));
  const { ctx, width, height } = setup(canvas, rows.length * cell + (spec.title ? 28 : 12) + (spec.xLabel ? 44 : 28));
  const box = { left: 46, right: width - 96, top: spec.title ? 28 : 12, bottom: 0 };
  box.bottom = box.top + rows.length * cell;
  const values = rows.flat().filter(Number.isFinite);
  const lo = spec.min ?? min(values);
  const hi = spec.max ?? max(values);
  const cw = (box.right - box.left) / rows[0].length;
  rows.forEach((r, i) => r.forEach((v, j) => {
    ctx.fillStyle = viridis((v - lo) / (hi - lo || 1));
    ctx.fillRect(box.left + j * cw, box.top + i * cell, Math.ceil(cw), cell);
  }));
  for (const [i, j] of spec.marks ?? []) {
    ctx.beginPath();
    ctx.arc(box.left + (j + 0.5) * cw, box.top + (i + 0.5) * cell, Math.min(cw, cell) / 5, 0, 2 * Math.PI);
    ctx.fillStyle = '#fff';
    ctx.fill();
    ctx.strokeStyle = INK;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  ctx.fillStyle = INK;
  ctx.strokeStyle = INK;
  ctx.textAlign = 'center';
  const every = Math.ceil(rows[0].length / Math.max(1, Math.floor((box.right - box.left) / 28)));
  for (let j = 0; j < rows[0].length; j += every) ctx.fillText(String(j), box.left + (j + 0.5) * cw, box.bottom + 15);
  ctx.textAlign = 'right';
  const everyRow = Math.ceil(16 / cell);
  for (let i = 0; i < rows.length; i += everyRow) ctx.fillText(String(i), box.left - 5, box.top + (i + 0.5) * cell + 4);
  frame(ctx, spec, box, width, height);
  // The colour bar, hi on top.
  const bar = { left: box.right + 14, width: 12 };
  for (let p = 0; p < box.bottom - box.top; p++) {
    ctx.fillStyle = viridis(1 - p / (box.bottom - box.top - 1));
    ctx.fillRect(bar.left, box.top + p, bar.width, 1);
  }
  ctx.fillStyle = INK;
  ctx.textAlign = 'left';
  ctx.fillText(label(hi), bar.left + bar.width + 4, box.top + 10);
  ctx.fillText(label(lo), bar.left + bar.width + 4, box.bottom);
}

/** What a plot shows, in a sentence (the canvas's aria-label). */
export function describePlot(spec) {
  const range = (v) => `${label(min(v))} to ${label(max(v))}`;
  const series = spec.series.map((s) => `${s.label === 'y' ? 'values' : s.label} from ${range(s.y.filter(Number.isFinite))}`).join('; ');
  return `${spec.title ? `${spec.title}: ` : ''}line plot over ${spec.xLabel ?? 'x'} from ${range(spec.x)}${spec.logX ? ' (log scale)' : ''}; ${series}.`;
}

/** What a heat map shows, in a sentence. */
export function describeHeatmap(spec) {
  const values = spec.rows.flat().filter(Number.isFinite);
  return `${spec.title ? `${spec.title}: ` : ''}heat map of ${spec.rows.length} rows${spec.yLabel ? ` (${spec.yLabel})` : ''} by ${spec.rows[0].length} columns${spec.xLabel ? ` (${spec.xLabel})` : ''}, values from ${label(min(values))} to ${label(max(values))}.`;
}
