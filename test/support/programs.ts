/**
 * @file Reference programs, each written once against `Ops<T>` so the same source runs on adjoint
 * tensors and on hyper-dual tensors. Every program takes one flat parameter vector x and returns
 * a scalar (a one-element tensor).
 */
import type { Ops } from './backends.js';

export type Program = <T>(B: Ops<T>, x: T) => T;

export interface ProgramCase {
  name: string;
  /** Length of the parameter vector. */
  n: number;
  run: Program;
  /** Scale of the random evaluation points (seeded normals times this). */
  scales: number[];
  /** Fixed evaluation points, used instead of random ones. */
  points?: number[][];
}

/** Deterministic, irregular constants (no ties, no symmetry). */
const data = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.9 * k + 0.3) * (1 + 0.1 * k));

/** Trip counts of the last runs of the control-flow program (a side channel for the test). */
export const trips: number[] = [];

const mlp: Program = (B, x) => {
  const W1 = B.reshape(B.slice(x, 0, 12), [3, 4]);
  const b1 = B.slice(x, 12, 4);
  const W2 = B.reshape(B.slice(x, 16, 8), [4, 2]);
  const b2 = B.slice(x, 24, 2);
  const X = B.tensor(data(15, 1), [5, 3]);
  const Y = B.tensor(data(10, 2), [5, 2]);
  const h = B.tanh(B.add(B.matmul(X, W1), b1));
  const out = B.add(B.matmul(h, W2), b2);
  return B.mean(B.square(B.sub(out, Y)));
};

/** Softmax cross-entropy of a linear model on 4 examples, 3 classes, plus an entropy bonus. */
const softmaxXent: Program = (B, x) => {
  const W = B.reshape(B.slice(x, 0, 9), [3, 3]);
  const b = B.slice(x, 9, 3);
  const X = B.tensor(data(12, 3), [4, 3]);
  const onehot = B.tensor([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1], [4, 3]);
  const logits = B.add(B.matmul(X, W), b);
  const logp = B.logSoftmax(logits, 1);
  const nll = B.neg(B.mean(B.sum(B.mul(onehot, logp), 1)));
  const entropy = B.neg(B.sum(B.mul(B.softmax(logits, 1), logp)));
  return B.add(nll, B.mul(0.1, entropy));
};

/**
 * A linear-chain CRF on 4 positions × 3 tags: the forward algorithm (a logsumexp recurrence) gives
 * log Z; minus the gold path's score it is the negative log-likelihood. A Viterbi (max) recurrence
 * adds a piecewise-linear term.
 */
const crf: Program = (B, x) => {
  const E = B.reshape(B.slice(x, 0, 12), [4, 3]);
  const Tr = B.reshape(B.slice(x, 12, 9), [3, 3]);
  let alpha = B.row(E, 0);
  let best = B.row(E, 0);
  for (let t = 1; t < 4; t++) {
    alpha = B.add(B.logsumexp(B.add(B.reshape(alpha, [3, 1]), Tr), 0), B.row(E, t));
    best = B.add(B.max(B.add(B.reshape(best, [3, 1]), Tr), 0), B.row(E, t));
  }
  const logZ = B.logsumexp(alpha);
  // gold tags 0, 2, 1, 1: emission mask and transition counts (0→2, 2→1, 1→1)
  const emit = B.tensor([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0], [4, 3]);
  const trans = B.tensor([0, 0, 1, 0, 1, 0, 0, 1, 0], [3, 3]);
  const gold = B.add(B.sum(B.mul(E, emit)), B.sum(B.mul(Tr, trans)));
  return B.add(B.sub(logZ, gold), B.mul(0.25, B.max(best)));
};

/** A rational function with pow (constant and variable exponents), div and most unary ops. */
const rational: Program = (B, x) => {
  const num = B.add(B.sub(B.pow(x, 3), B.mul(2, x)), 1);
  const den = B.add(1, B.square(x));
  const a = B.slice(x, 0, 1), b = B.slice(x, 1, 1), c = B.slice(x, 2, 1);
  const terms = [
    B.sum(B.div(num, den)),
    B.sum(B.pow(B.add(B.softplus(a), 0.5), b)),
    B.sum(B.mul(B.sqrt(B.add(1, B.square(c))), a)),
    B.sum(B.div(B.log1p(B.square(b)), B.add(2, B.cos(c)))),
    B.sum(B.mul(B.expm1(B.mul(0.3, a)), B.sigmoid(c))),
    B.sum(B.log(B.add(2, B.sin(B.mul(a, b))))),
    B.sum(B.pow(B.add(B.square(x), 1), 1.5)),
    B.sum(B.mul(B.abs(B.add(b, 3)), B.exp(B.tanh(c)))),
    B.sum(B.div(B.pow(B.add(B.sigmoid(x), 0.25), B.sub(1, x)), B.add(B.exp(B.neg(B.square(x))), 1))),
  ];
  return terms.reduce((s, t) => B.add(s, t));
};

/** A while loop whose trip count depends on x's value, and a branch on x's value. */
const controlFlow: Program = (B, x) => {
  let s = x;
  let k = 0;
  while (B.value(B.sum(B.square(s))) > 0.05 && k < 200) {
    s = B.add(B.mul(s, 0.8), B.mul(0.05, B.sin(s)));
    k++;
  }
  trips.push(k);
  const y = B.value(B.sum(x)) > 0
    ? B.sum(B.exp(B.mul(s, x)))
    : B.sum(B.cos(B.mul(B.add(s, 1), x)));
  return B.add(B.mul(y, 1 + k / 10), B.sum(B.mul(B.relu(x), s)));
};

/** A chain of 2×2 matrix products, a matrix power and a matrix–vector product. */
const matmulChain: Program = (B, x) => {
  const A = B.reshape(B.slice(x, 0, 4), [2, 2]);
  const Bm = B.reshape(B.slice(x, 4, 4), [2, 2]);
  const C = B.reshape(B.slice(x, 8, 4), [2, 2]);
  const M = B.matmul(B.matmul(A, Bm), C);
  const P = B.matmul(M, M);
  const v = B.matmul(P, B.tensor([0.3, -0.7], [2]));
  return B.add(
    B.add(B.sum(B.tanh(M)), B.mul(0.1, B.sum(B.square(v)))),
    B.sum(B.mul(B.transpose(A), B.matmul(C, B.transpose(Bm)))),
  );
};

/** Broadcasting of [3,1] against [1,3] and [2,1,3], with reductions over different axes. */
const broadcasting: Program = (B, x) => {
  const a = B.reshape(B.slice(x, 0, 3), [3, 1]);
  const b = B.reshape(B.slice(x, 3, 3), [1, 3]);
  const c = B.sub(B.add(B.mul(a, b), a), B.div(b, B.add(1, B.square(b)))); // [3,3]
  const K = B.tensor(data(6, 4), [2, 1, 3]);
  const d = B.mul(K, c); // [2,3,3]
  const e = B.sum(d, 1, true); // [2,1,3]
  const m = B.max(e, 2); // [2,1]
  const l = B.logsumexp(d, 0); // [3,3]
  const r = B.stack([B.row(c, 0), B.row(c, 2)]); // [2,3]
  return B.add(
    B.add(B.mean(m), B.mul(0.5, B.mean(l))),
    B.add(B.sum(B.maximum(c, 0.1)), B.sum(B.mul(r, B.sin(b)))),
  );
};

/** Integer powers x¹ … x⁴: a polynomial, smooth everywhere, including at a zero base. */
const integerPowers: Program = (B, x) => {
  let acc = B.sum(B.sin(x));
  for (const p of [1, 2, 3, 4]) acc = B.add(acc, B.mul(1 / p, B.sum(B.pow(x, p))));
  return acc;
};

/** x⁰ is the constant 1 (Math.pow(0, 0) = 1), so its derivatives vanish, at x = 0 too. */
const zerothPower: Program = (B, x) => B.add(B.sum(B.pow(x, 0)), B.sum(B.mul(x, B.cos(x))));

export const programs: ProgramCase[] = [
  { name: '2-layer tanh network, squared loss', n: 26, run: mlp, scales: [0.5, 1] },
  { name: 'softmax cross-entropy with entropy', n: 12, run: softmaxXent, scales: [0.5, 2] },
  { name: 'CRF forward algorithm (logsumexp) + Viterbi (max), 4×3', n: 21, run: crf, scales: [1, 2] },
  { name: 'rational function with pow and div', n: 3, run: rational, scales: [0.5, 1] },
  { name: 'value-dependent while loop and branch', n: 3, run: controlFlow, scales: [0.4, 1.5] },
  { name: 'matmul chain and matrix power', n: 12, run: matmulChain, scales: [0.5, 0.8] },
  { name: 'broadcasting [3,1]·[1,3]·[2,1,3] with reductions', n: 6, run: broadcasting, scales: [0.7, 1.3] },
  { name: 'integer powers x¹…x⁴ at a zero base', n: 3, run: integerPowers, scales: [], points: [[0, 0.5, -1.5], [1.25, 0, -0.75]] },
  { name: 'zeroth power x⁰ at a zero base', n: 3, run: zerothPower, scales: [], points: [[0, 0.5, -1.5], [1.25, 0, -0.75]] },
];
