// The tour of adjoint that `npm run demo` runs: a gradient, a Hessian-vector product, a gradient check, a model fit.
import * as ad from 'adjoint';

// Bold headings only on a terminal, and never with NO_COLOR set (https://no-color.org): no escape
// codes go into pipes, files or CI logs. Progress lines below are redrawn in place only on a terminal.
const tty = Boolean(process.stdout.isTTY);
const bold = tty && !process.env.NO_COLOR;
const section = (title) => console.log(bold ? `\n\u001b[1m${title}\u001b[0m` : `\n${title}`);

section('1. A gradient');
const f = (x) => ad.sum(ad.mul(ad.sin(x), x)); // f(x) = Σ x sin x
const x = ad.tensor([0, 1, 2]);
console.log('f(x)      =', f(x).item());
console.log('∇f(x)     =', ad.grad(f)(x).toString(), '(sin x + x cos x)');
console.log("d³/dx³ x⁵ at 2 =", ad.grad(ad.grad(ad.grad((z) => ad.pow(z, 5))))(2).item(), '(60·x² = 240)');

section('2. A Hessian-vector product (forward-over-reverse, H never formed)');
const rosen = (p) => {
  const a = ad.slice(p, [0], [p.size - 1]);
  const b = ad.slice(p, [1], [p.size - 1]);
  return ad.sum(ad.add(ad.mul(100, ad.square(ad.sub(b, ad.square(a)))), ad.square(ad.sub(1, a))));
};
const p = ad.tensor([-1.2, 1, 0.5, 2]);
const v = ad.tensor([1, 0, 0, 0]);
console.log('H(p)·e₀   =', ad.hvp(rosen, p, v).toString());
console.log('Hessian column 0 =', ad.slice(ad.hessian(rosen)(p), [0, 0], [4, 1]).reshape([4]).toString());

section('3. A gradient check (reverse vs centered differences vs forward mode, to second order)');
const layer = (w) => ad.sum(ad.tanh(ad.matmul(ad.random.normal([5, 3], 1), w)));
const check = ad.checkGrad(layer, [ad.random.normal([3, 4], 2)], { order: 2 });
console.log(`ok = ${check.ok}, ${check.checks.length} checks, max relative error ${check.maxRelativeError.toExponential(2)}`);

section('4. Fitting a small model by gradient descent');
// Two interleaved spirals, 200 points; a 2 → 16 → 16 → 1 tanh network with logistic loss.
const n = 200;
const pts = [];
const labels = [];
for (let i = 0; i < n; i++) {
  const cls = i % 2;
  const r = (i / n) * 3 + 0.2;
  const t = r * 3.5 + cls * Math.PI; // about two turns each
  pts.push([r * Math.cos(t), r * Math.sin(t)]);
  labels.push(cls);
}
const X = ad.tensor(pts);
const y = ad.tensor(labels).reshape([n, 1]);
let params = {
  w1: ad.random.normal([2, 16], 10, 0, 0.8), b1: ad.zeros([16]),
  w2: ad.random.normal([16, 16], 11, 0, 0.25), b2: ad.zeros([16]),
  w3: ad.random.normal([16, 1], 12, 0, 0.25), b3: ad.zeros([1]),
};
const forward = (q, inputs) => {
  const h1 = ad.tanh(ad.add(ad.matmul(inputs, q.w1), q.b1));
  const h2 = ad.tanh(ad.add(ad.matmul(h1, q.w2), q.b2));
  return ad.add(ad.matmul(h2, q.w3), q.b3); // logits
};
// Logistic loss, stable: softplus(z) − y·z
const loss = (q) => ad.mean(ad.sub(ad.softplus(forward(q, X)), ad.mul(y, forward(q, X))));
const accuracy = (q) => ad.mean(ad.equal(ad.greater(forward(q, X), 0), y)).item();
const step = ad.valueAndGrad(loss);
// Adam from ad.optimizers (optax-style: init, then step(params, grads, state)).
const opt = ad.optimizers.adam({ lr: 0.03 });
let state = opt.init(params);
const steps = 600;
const started = performance.now();
for (let t = 1; t <= steps; t++) {
  const [value, g] = step(params);
  [params, state] = opt.step(params, g, state);
  // A progress line, redrawn in place on a terminal, printed every 100 steps otherwise.
  if (tty ? t % 10 === 0 || t === steps : t % 100 === 0) {
    const bar = '█'.repeat(Math.round((t / steps) * 30)).padEnd(30, '·');
    const line = `  [${bar}] step ${String(t).padStart(3)}/${steps}  loss ${value.item().toFixed(4)}  accuracy ${(100 * accuracy(params)).toFixed(1)}%`;
    process.stdout.write(tty ? `\r${line}` : `${line}\n`);
  }
}
if (tty) process.stdout.write('\n');
console.log(`  ${steps} steps of value-and-gradient + Adam in ${((performance.now() - started) / 1000).toFixed(2)} s`);

section('5. Structured prediction on real data: a linear-chain CRF tags vowel stress in CMUdict');
// Marginals and the Viterbi path are gradients of the forward algorithm (see docs/structured.md);
// the full run is `node examples/stress-crf.mjs`.
const { run: trainStress } = await import('./stress-crf.mjs');
trainStress({ trainSize: 20000, testSize: 5000, epochs: 2 });

section('6. Hypergradients on real data: one L2 penalty per word feature of a spam filter');
// ad.argmin's result is differentiable in the penalties its loss closes over (implicit function
// theorem: one CG solve per hypergradient); see docs/hypergradients.md. The full-length run is
// `node examples/spam-hyperparameters.mjs` (512 penalties, 80 outer steps, an SVG plot).
const { tune } = await import('./spam-hyperparameters.mjs');
tune({ features: 256, outerSteps: 12, grid: [-9, -8, -7, -6, -5, -4, -3], every: 4 });
