/**
 * @file −∞ scores (forbidden parts) in every input of every structured model: log Z, marginals,
 * entropy, log p and their gradients agree with enumeration and are never NaN; a model whose every
 * structure is forbidden has log Z = −∞, zero marginals and log p = −∞.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { bruteForce as chainBruteForce } from './chainOracle.js';
import { bruteForce as grammarBruteForce, type GrammarProblem } from './pcfgOracle.js';
import { enumerate, higherOrderScore, occurrences, variableOrderScore, type HigherOrderProblem } from './tagOracle.js';
import { fill, fromCells, rows, seeded, type Draw } from './draws.js';

interface Model {
  logPartition(): ad.Tensor;
  entropy(): ad.Tensor;
  marginals(): Record<string, ad.Tensor>;
  logProbability(structure: any): ad.Tensor;
}

/** A model built from its input tensors, and what enumeration says about it. */
interface Case {
  make: (...inputs: ad.Tensor[]) => Model;
  inputs: ad.Tensor[];
  logZ: number;
  entropy: number;
  /** Marginals by field name, flattened as the model lays them out. */
  marginals: Record<string, number[]>;
  /** Some structures and their scores (forbidden ones included). */
  structures: { structure: unknown; score: number }[];
}

const close = (a: number, b: number, tol = 1e-9) => {
  if (Object.is(a, b)) return;
  expect(Number.isNaN(a)).toBe(false);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};
const values = (t: ad.Tensor) => Array.from(t.toFloat64Array());
const finite = (ts: ad.Tensor[]) => { for (const t of ts) expect(values(t).every(Number.isFinite)).toBe(true); };

function agreesWithEnumeration(c: Case) {
  const model = c.make(...c.inputs);
  close(model.logPartition().item(), c.logZ);
  close(model.entropy().item(), c.entropy);
  const marginals = model.marginals();
  for (const [name, want] of Object.entries(c.marginals)) {
    const got = values(marginals[name]!);
    expect(got).toHaveLength(want.length);
    got.forEach((v, i) => close(v, want[i]!));
  }
  for (const { structure, score } of c.structures) {
    close(model.logProbability(structure).item(), score === -Infinity ? -Infinity : score - c.logZ);
  }
  // Gradients with respect to every input (−∞ entries included) are finite.
  const argnums = c.inputs.map((_, i) => i);
  const of = (f: (m: Model) => ad.Tensor) => ad.grad((...xs: ad.Tensor[]) => ad.sum(f(c.make(...xs))), argnums)(...c.inputs) as ad.Tensor[];
  finite(of((m) => m.logPartition()));
  finite(of((m) => m.entropy()));
  finite(of((m) => ad.sum(ad.square(Object.values(m.marginals())[0]!))));
  for (const { structure } of c.structures.slice(0, 3)) finite(of((m) => m.logProbability(structure)));
}

/** Every structure forbidden: log Z = −∞, every marginal 0, log p = −∞, gradients finite. */
function everythingForbidden(c: Case) {
  expect(c.logZ).toBe(-Infinity);
  agreesWithEnumeration(c);
  const model = c.make(...c.inputs);
  for (const m of Object.values(model.marginals())) expect(values(m).every((v) => v === 0)).toBe(true);
}

const sample = <T>(xs: T[], count: number) => xs.filter((_, i) => i % Math.max(1, Math.floor(xs.length / count)) === 0);
const partCounts = <T>(all: { s: number; t: T }[], logZ: number, size: number, parts: (t: T) => number[]) => {
  const out = new Array<number>(size).fill(0);
  if (logZ === -Infinity) return out;
  for (const a of all) { const p = Math.exp(a.s - logZ); if (p > 0) for (const i of parts(a.t)) out[i]! += p; }
  return out;
};

// ---- the models ----
function chainCase(n: number, K: number, draw: Draw): Case {
  const p = { E: rows(n, K, draw), T: rows(K, K, draw), start: fill(K, draw), end: fill(K, draw) };
  const o = chainBruteForce(p);
  return {
    make: (E, T, start, end) => new ad.LinearChainCRF({ emissions: E, transitions: T, start, end }),
    inputs: [ad.tensor(p.E), ad.tensor(p.T), ad.tensor(p.start), ad.tensor(p.end)],
    logZ: o.logZ,
    entropy: o.entropy,
    marginals: { unary: o.unary.flat(), ...(n > 1 ? { pairwise: o.pairwise.flat(2) } : {}) },
    structures: sample(o.all, 6).map((a) => ({ structure: a.ys, score: a.s })),
  };
}

function higherOrderCase(p: HigherOrderProblem): Case {
  const { n, K, k } = p;
  const o = enumerate(n, K, (ys) => higherOrderScore(p, ys));
  const idx = (w: number[]) => w.reduce((a, y) => a * K + y, 0);
  const windows = (ys: number[]) => ys.slice(k).map((_, t) => idx(ys.slice(t, t + k + 1)));
  const axes = (m: number) => new Array<number>(m).fill(K);
  return {
    make: (E, T, start, end) => new ad.HigherOrderCRF({ emissions: E, transitions: T, start, end }),
    inputs: [ad.tensor(p.E, [n, K]), ad.tensor(p.T, axes(k + 1)), ad.tensor(p.start, axes(k)), ad.tensor(p.end, axes(k))],
    logZ: o.logZ,
    entropy: o.entropy,
    marginals: { unary: o.unary, transitions: partCounts(o.all.map((a) => ({ s: a.s, t: a.ys })), o.logZ, K ** (k + 1), windows) },
    structures: sample(o.all, 6).map((a) => ({ structure: a.ys, score: a.s })),
  };
}

function variableOrderCase(n: number, K: number, contexts: number[][], draw: Draw): Case {
  const E = fill(n * K, draw), weights = fill(contexts.length, draw);
  const o = enumerate(n, K, (ys) => variableOrderScore(K, E, contexts, weights, ys));
  const expected = new Array<number>(contexts.length).fill(0);
  if (o.logZ > -Infinity) for (const a of o.all) occurrences(contexts, a.ys).forEach((count, c) => (expected[c]! += count * Math.exp(a.s - o.logZ)));
  return {
    make: (e, w) => new ad.VariableOrderCRF({ emissions: e, contexts, weights: w }),
    inputs: [ad.tensor(E, [n, K]), ad.tensor(weights)],
    logZ: o.logZ,
    entropy: o.entropy,
    marginals: { unary: o.unary, contexts: expected },
    structures: sample(o.all, 6).map((a) => ({ structure: a.ys, score: a.s })),
  };
}

function grammarCase(n: number, N: number, draw: Draw): Case {
  const p: GrammarProblem = { U: rows(n, N, draw), R: Array.from({ length: N }, () => rows(N, N, draw)), root: fill(N, draw) };
  const o = grammarBruteForce(p);
  return {
    make: (U, R, root) => new ad.PCFG({ terminals: U, rules: R, root }),
    inputs: [ad.tensor(p.U), ad.tensor(p.R), ad.tensor(p.root)],
    logZ: o.logZ,
    entropy: o.entropy,
    marginals: { spans: o.spans.flat(2), rules: o.rules.flat(2) },
    structures: sample(o.all, 6).map((a) => ({ structure: a.tree, score: a.s })),
  };
}

const masked = (seed: number) => seeded(seed, { real: true, forbidden: 0.3 });

describe('−∞ masks in every input', () => {
  it('LinearChainCRF: emissions, transitions, start and end', () => {
    for (let seed = 1; seed <= 60; seed++) agreesWithEnumeration(chainCase(1 + (seed % 4), 1 + (seed % 3), masked(seed)));
  });

  it('HigherOrderCRF: emissions, window scores, start and end', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const k = 1 + (seed % 3), K = 1 + (seed % 2), n = k + (seed % 3), draw = masked(100 + seed);
      agreesWithEnumeration(higherOrderCase({ n, K, k, E: fill(n * K, draw), T: fill(K ** (k + 1), draw), start: fill(K ** k, draw), end: fill(K ** k, draw) }));
    }
  });

  it('VariableOrderCRF: emissions and context weights (a forbidden context is a mask, not a NaN)', () => {
    const contexts = [[0], [1, 0], [0, 1, 1], [2, 2], [1, 2, 0, 1], [2]];
    for (let seed = 1; seed <= 40; seed++) agreesWithEnumeration(variableOrderCase(1 + (seed % 5), 3, contexts, masked(200 + seed)));
    // the case: a forbidden bigram (emissions 0.5, weights [−∞, 0.5])
    agreesWithEnumeration(variableOrderCase(4, 2, [[0, 1], [1]], fromCells([...fill(8, () => 0.5), -Infinity, 0.5])));
  });

  it('PCFG: terminals, rules and root', () => {
    for (let seed = 1; seed <= 40; seed++) agreesWithEnumeration(grammarCase(1 + (seed % 4), 1 + (seed % 2), masked(300 + seed)));
  });

  it('a padded batch: −∞ in the padding and in live positions', () => {
    const K = 3, n = 4, lengths = [4, 2, 1], draw = masked(7);
    const E = Array.from({ length: 3 }, () => rows(n, K, draw)), T = rows(K, K, draw);
    const crf = new ad.LinearChainCRF({ emissions: ad.tensor(E), transitions: ad.tensor(T), lengths });
    const logZ = values(crf.logPartition()), unary = values(crf.marginals().unary);
    lengths.forEach((len, b) => {
      const o = chainBruteForce({ E: E[b]!.slice(0, len), T, start: fill(K, () => 0), end: fill(K, () => 0) });
      close(logZ[b]!, o.logZ);
      for (let t = 0; t < n; t++) for (let y = 0; y < K; y++) close(unary[(b * n + t) * K + y]!, t < len ? o.unary[t]![y]! : 0);
    });
    finite(ad.grad((e: ad.Tensor, t: ad.Tensor) => ad.sum(new ad.LinearChainCRF({ emissions: e, transitions: t, lengths }).entropy()), [0, 1])(ad.tensor(E), ad.tensor(T)) as ad.Tensor[]);
  });
});

describe('every structure forbidden', () => {
  const zeros = (k: number) => fill(k, () => 0), never = (k: number) => fill(k, () => -Infinity);
  // Each model's draw order: its inputs' scores in turn (emissions first).
  it('LinearChainCRF (every transition forbidden)', () => {
    everythingForbidden(chainCase(3, 2, fromCells([...zeros(6), ...never(4), ...zeros(4)])));
  });
  it('HigherOrderCRF (every window forbidden)', () => {
    everythingForbidden(higherOrderCase({ n: 3, K: 2, k: 2, E: zeros(6), T: never(8), start: zeros(4), end: zeros(4) }));
  });
  it('VariableOrderCRF (every tag a forbidden context)', () => {
    everythingForbidden(variableOrderCase(3, 2, [[0], [1]], fromCells([...zeros(6), ...never(2)])));
  });
  it('PCFG (every rule forbidden)', () => {
    everythingForbidden(grammarCase(3, 2, fromCells([...zeros(6), ...never(8), ...zeros(2)])));
  });
});

describe('derivatives through −∞ masks', () => {
  // −∞ entries stay −∞ under any perturbation, so checkGrad compares the finite directions only.
  const E = ad.tensor([[0.3, -Infinity, 1], [1, 0.2, -Infinity], [0.5, 0, 0.1]]);
  const T = ad.tensor([[0, -Infinity, 0.4], [-Infinity, 0.1, 1], [0, 0.7, -Infinity]]);
  const models: Array<[string, (e: ad.Tensor, t: ad.Tensor) => Model]> = [
    ['LinearChainCRF', (e, t) => new ad.LinearChainCRF({ emissions: e, transitions: t })],
    ['HigherOrderCRF', (e, t) => new ad.HigherOrderCRF({ emissions: e, transitions: ad.reshape(ad.concat([t, t, t], 0), [3, 3, 3]) })],
    ['VariableOrderCRF', (e, t) => new ad.VariableOrderCRF({ emissions: e, contexts: [[0], [1, 2], [2, 2], [0, 1]], weights: ad.reshape(ad.slice(t, [0, 0], [2, 2]), [4]) })],
    ['PCFG', (e, t) => new ad.PCFG({ terminals: e, rules: ad.reshape(ad.concat([t, t, t], 0), [3, 3, 3]) })],
  ];
  it.each(models)('%s: log Z and the entropy check to second order', (_name, make) => {
    expect(ad.checkGrad((e: ad.Tensor, t: ad.Tensor) => make(e, t).logPartition(), [E, T], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((e: ad.Tensor, t: ad.Tensor) => make(e, t).entropy(), [E, T], { order: 2 }).ok).toBe(true);
  });
});
