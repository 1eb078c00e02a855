// Draws W8's trade-off as an SVG: peak residual memory and time against the number of stored carries c.

const W = 760, Hh = 300, M = { l: 64, r: 20, t: 36, b: 48 };
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(x0, title, points, yLabel, refLine, refLabel, logY, fmt) {
  const pw = W / 2 - M.l - M.r, ph = Hh - M.t - M.b;
  const cs = points.map((p) => p.c);
  const lx = (c) => x0 + M.l + ((Math.log(c) - Math.log(Math.min(...cs))) / (Math.log(Math.max(...cs)) - Math.log(Math.min(...cs)))) * pw;
  const ys = [...points.map((p) => p.y), refLine.y];
  const ymin = logY ? Math.min(...ys) / 1.5 : 0, ymax = Math.max(...ys) * (logY ? 1.5 : 1.1);
  const ly = (y) => M.t + ph - (logY ? (Math.log(y) - Math.log(ymin)) / (Math.log(ymax) - Math.log(ymin)) : (y - ymin) / (ymax - ymin)) * ph;
  const out = [];
  out.push(`<text x="${x0 + M.l + pw / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`);
  out.push(`<rect x="${x0 + M.l}" y="${M.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  const ticks = logY
    ? Array.from({ length: 12 }, (_, k) => 10 ** (Math.floor(Math.log10(ymin)) + k)).filter((v) => v >= ymin && v <= ymax)
    : Array.from({ length: 6 }, (_, k) => ymin + ((ymax - ymin) * k) / 5);
  for (const v of ticks) {
    out.push(`<line x1="${x0 + M.l}" x2="${x0 + M.l + pw}" y1="${ly(v)}" y2="${ly(v)}" stroke="#eee"/>`);
    out.push(`<text x="${x0 + M.l - 6}" y="${ly(v) + 4}" text-anchor="end" font-size="11">${esc(fmt(v))}</text>`);
  }
  for (const p of points) out.push(`<text x="${lx(p.c)}" y="${M.t + ph + 16}" text-anchor="middle" font-size="11">${p.c}</text>`);
  out.push(`<text x="${x0 + M.l + pw / 2}" y="${Hh - 8}" text-anchor="middle" font-size="12">stored carries c (log scale)</text>`);
  out.push(`<text transform="translate(${x0 + 14},${M.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`);
  out.push(`<line x1="${x0 + M.l}" x2="${x0 + M.l + pw}" y1="${ly(refLine.y)}" y2="${ly(refLine.y)}" stroke="#c33" stroke-dasharray="5,4"/>`);
  out.push(`<text x="${x0 + M.l + pw - 4}" y="${ly(refLine.y) - 5}" text-anchor="end" font-size="11" fill="#c33">${esc(refLabel)}</text>`);
  out.push(`<polyline fill="none" stroke="#2563eb" stroke-width="2" points="${points.map((p) => `${lx(p.c)},${ly(p.y)}`).join(' ')}"/>`);
  for (const p of points) out.push(`<circle cx="${lx(p.c)}" cy="${ly(p.y)}" r="${p.mark ? 5 : 3}" fill="${p.mark ? '#f59e0b' : '#2563eb'}"><title>${esc(p.label ?? `c = ${p.c}`)}: ${esc(fmt(p.y))}</title></circle>`);
  return out.join('\n');
}

/** rows: { c, peakBytes, ms, label?, mark? }[]; all: { peakBytes, ms }. */
export function tradeoffSvg(rows, all, caption) {
  const mb = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(b >= 1e7 ? 0 : 1)} MB` : `${(b / 1e3).toFixed(0)} kB`);
  const left = panel(0, 'Peak residual memory', rows.map((r) => ({ c: r.c, y: r.peakBytes, mark: r.mark, label: r.label })), 'bytes (log scale)', { y: all.peakBytes }, `'all': ${mb(all.peakBytes)}`, true, mb);
  const right = panel(W / 2, 'Time of value and gradient', rows.map((r) => ({ c: r.c, y: r.ms / all.ms, mark: r.mark, label: r.label })), "× the time with 'all'", { y: 1 }, "'all' = 1×", false, (v) => `${v.toFixed(1)}×`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Hh + 24}" viewBox="0 0 ${W} ${Hh + 24}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    left,
    right,
    `<text x="${W / 2}" y="${Hh + 16}" text-anchor="middle" font-size="11" fill="#555">${esc(caption)}</text>`,
    '</svg>',
  ].join('\n');
}
