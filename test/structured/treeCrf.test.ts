/**
 * @file TreeCRF (torch-struct's span-based TreeCRF) against brute-force enumeration of every
 * labelled binary tree (n ≤ 5 words, 1–3 labels): log Z, every span marginal, argmax (one valid
 * best tree, ties included), entropy, the top-k list, cross-entropy and KL, tree scores; sampling
 * frequencies by a χ² test; gradients by checkGrad; padded batches with lengths against the
 * sentences one by one; vmap and jit against the plain call; and the errors of bad inputs.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { treesOver, nodes, type Tree } from './pcfgOracle.js';
import { fill, seeded, type Draw } from './draws.js';
import { expectClearError } from '../catalogue/support.js';
import { expectExportMatches } from '../onnx/ortSupport.js';

const close = (a: number, b: number, tol = 1e-10) => {
  if (a === b) return;
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};
const values = (t: ad.Tensor) => Array.from(t.toFloat64Array());
const allClose = (got: ad.Tensor | number[], want: number[], tol = 1e-10) => {
  const g = Array.isArray(got) ? got : values(got);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => close(v, want[i]!, tol));
};

/** Span scores phi[(i·n + j)·NT + A] of words i … j (inclusive) labelled A, as a flat array. */
interface Problem { n: number; NT: number; phi: number[] }
const at = (p: Problem, i: number, j: number, A: number) => (i * p.n + j) * p.NT + A;
const problem = (n: number, NT: number, draw: Draw): Problem => ({ n, NT, phi: fill(n * n * NT, draw) });
const crfOf = (p: Problem) => new ad.TreeCRF({ spans: ad.tensor(p.phi, [p.n, p.n, p.NT]) });

/** score(t) = Σ over t's nodes of phi[start, end − 1, label] (the node's words, end exclusive). */
function scoreOf(p: Problem, t: Tree): number {
  let s = 0;
  nodes(t, (u) => { s += p.phi[at(p, u.start, u.end - 1, u.label)]!; });
  return s;
}

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  return m === -Infinity ? -Infinity : m + Math.log(xs.reduce((acc, x) => acc + Math.exp(x - m), 0));
}

/** log Z, span marginals (flat, [n, n, NT]), entropy and every tree with its score, by enumeration. */
function bruteForce(p: Problem) {
  const all = treesOver(0, p.n, p.NT).map((tree) => ({ tree, s: scoreOf(p, tree) }));
  const logZ = logSumExp(all.map((a) => a.s));
  const marginals = new Array<number>(p.n * p.n * p.NT).fill(0);
  let entropy = 0;
  for (const a of all) {
    if (logZ === -Infinity) break;
    const pr = Math.exp(a.s - logZ);
    if (pr === 0) continue;
    entropy -= pr * (a.s - logZ);
    nodes(a.tree, (u) => { marginals[at(p, u.start, u.end - 1, u.label)]! += pr; });
  }
  const best = Math.max(...all.map((a) => a.s));
  return { logZ, marginals, entropy, best, all };
}

/** The χ² critical value at p = 10⁻⁶ for df degrees of freedom (Wilson–Hilferty), as in sample.test.ts. */
function chiSquareCritical(df: number): number {
  const z = 4.753;
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Every sample is a tree of positive probability, and Pearson's χ² (cells expected < 5 pooled) is below the p = 10⁻⁶ critical value. */
function checkSamples(p: Problem, samples: readonly Tree[]) {
  const o = bruteForce(p);
  const key = (t: Tree) => JSON.stringify(t);
  const probability = new Map(o.all.map((a) => [key(a.tree), Math.exp(a.s - o.logZ)]));
  const counts = new Map<string, number>();
  for (const t of samples) {
    expect(probability.get(key(t)) ?? 0).toBeGreaterThan(0);
    counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
  }
  let chi2 = 0, cells = 0, pooledExpected = 0, pooledObserved = 0;
  for (const [k, pr] of probability) {
    if (pr === 0) continue;
    const expected = pr * samples.length, observed = counts.get(k) ?? 0;
    if (expected < 5) { pooledExpected += expected; pooledObserved += observed; continue; }
    chi2 += (observed - expected) ** 2 / expected;
    cells++;
  }
  if (pooledExpected > 0) { chi2 += (pooledObserved - pooledExpected) ** 2 / pooledExpected; cells++; }
  expect(cells).toBeGreaterThan(5);
  expect(chi2).toBeLessThan(chiSquareCritical(cells - 1));
}

/** Every method against the enumeration. */
function agreesWithEnumeration(p: Problem, tol = 1e-10) {
  const o = bruteForce(p);
  const crf = crfOf(p);
  close(crf.logPartition().item(), o.logZ, tol);
  allClose(crf.marginals(), o.marginals, tol);
  close(crf.entropy().item(), o.entropy, tol);
  close(crf.sum(ad.semirings.max).item(), o.best, tol);
  const best = crf.argmax() as ad.TreeAndScore;
  close(best.score, o.best, tol);
  close(scoreOf(p, best.tree), o.best, tol); // a valid tree (scoreOf reads only its nodes) of the best score
  expect(o.all.some((a) => JSON.stringify(a.tree) === JSON.stringify(best.tree))).toBe(true);
  const tied = o.all.filter((a) => a.s === o.best || Math.abs(a.s - o.best) <= 1e-9 * Math.max(1, Math.abs(o.best)));
  if (tied.length === 1) expect(best.tree).toEqual(tied[0]!.tree);
  for (const a of o.all.filter((_, i) => i % Math.ceil(o.all.length / 7) === 0)) {
    close(crf.score(a.tree).item(), a.s, tol);
    close(crf.logProbability(a.tree).item(), o.logZ === -Infinity ? -Infinity : a.s - o.logZ, tol);
  }
  return o;
}

describe('TreeCRF against brute-force enumeration', () => {
  it('the enumerator counts Catalan(n − 1) · NT^(2n − 1) labelled trees: 2n − 1 spans, the single words and the whole sentence included', () => {
    const catalan = [1, 1, 2, 5, 14];
    for (let n = 1; n <= 5; n++) for (const NT of [1, 2]) expect(treesOver(0, n, NT).length).toBe(catalan[n - 1]! * NT ** (2 * n - 1));
    // The real semiring over zero scores counts them.
    for (let n = 1; n <= 5; n++) close(new ad.TreeCRF({ spans: ad.zeros([n, n, 2]) }).sum(ad.semirings.real).item(), catalan[n - 1]! * 2 ** (2 * n - 1), 1e-12);
  });

  it('log Z and the entropy equal an independent Python enumeration (torch-struct conventions)', () => {
    // /usr/bin/python3: every bracketing of words 0 … 3 as lists of inclusive spans (i, j), the 2n − 1 = 7
    // spans of each labelled independently, phi[i][j][a] = sin(1 + i + 2j + 5a): 640 trees,
    // log Z = 8.334368787715336, H = 5.296741968017431, the best three scores 5.1978161099625995 (twice), 4.628624900165859.
    const p: Problem = { n: 4, NT: 2, phi: [] };
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let a = 0; a < 2; a++) p.phi.push(Math.sin(1 + i + 2 * j + 5 * a));
    const crf = crfOf(p);
    close(crf.logPartition().item(), 8.334368787715336, 1e-13);
    close(crf.entropy().item(), 5.296741968017431, 1e-12);
    allClose(crf.topk(3).score as number[], [5.1978161099625995, 5.1978161099625995, 4.628624900165859], 1e-13);
  });

  it.each([[1, 1], [1, 3], [2, 2], [3, 2], [3, 3], [4, 2], [5, 2], [4, 1], [5, 1]])('n=%i, NT=%i, real scores: log Z, every marginal, argmax, entropy, scores', (n, NT) => {
    agreesWithEnumeration(problem(n, NT, seeded(100 * n + NT, { forbidden: 0, real: true })));
  });

  it('integer scores (exact ties) and −∞ (forbidden labelled spans): exact zeros, a valid best tree, no NaN', () => {
    for (let seed = 0; seed < 12; seed++) {
      const [n, NT] = [2 + (seed % 4), 1 + (seed % 2)];
      const p = problem(n, NT, seeded(seed, { forbidden: 1 / 5 }));
      const o = agreesWithEnumeration(p);
      const m = values(crfOf(p).marginals());
      p.phi.forEach((s, i) => { if (s === -Infinity) expect(m[i]).toBe(0); });
      expect(m.every(Number.isFinite)).toBe(true);
      const g = values(ad.grad((s: ad.Tensor) => new ad.TreeCRF({ spans: s }).entropy())(ad.tensor(p.phi, [n, n, NT])));
      expect(g.every((v) => !Number.isNaN(v))).toBe(true);
      if (o.logZ > -Infinity) close(values(crfOf(p).marginals()).reduce((a, b) => a + b, 0), 2 * n - 1, 1e-10);
    }
  });

  it('every tree forbidden: log Z −∞, marginals 0, entropy 0, argmax scores −∞, topk empty', () => {
    const spans = ad.full([3, 3, 2], -Infinity);
    const crf = new ad.TreeCRF({ spans });
    expect(crf.logPartition().item()).toBe(-Infinity);
    expect(values(crf.marginals()).every((v) => v === 0)).toBe(true);
    expect(crf.entropy().item()).toBe(0);
    const best = crf.argmax() as ad.TreeAndScore;
    expect(best.score).toBe(-Infinity);
    expect([best.tree.start, best.tree.end]).toEqual([0, 3]);
    expect(crf.topk(3)).toEqual({ tree: [], score: [] });
    expect(crf.logProbability(best.tree).item()).toBe(-Infinity);
    // One forbidden whole-sentence label leaves the others.
    const root = new ad.TreeCRF({ spans: ad.tensor([[[0, 0], [0, 0]], [[0, 0], [0, 0]]]).add(ad.tensor([[[0, 0], [-Infinity, 0]], [[0, 0], [0, 0]]])) });
    expect(values(root.marginals())).toEqual([0.5, 0.5, 0, 1, 0, 0, 0.5, 0.5]);
  });

  it('ties: at every span the lowest label, and the leftmost split; topk(1) is argmax()', () => {
    const crf = new ad.TreeCRF({ spans: ad.zeros([3, 3, 2]) });
    const leaf = (i: number) => ({ label: 0, start: i, end: i + 1 });
    const best = crf.argmax() as ad.TreeAndScore;
    expect(best).toEqual({ tree: { label: 0, start: 0, end: 3, children: [leaf(0), { label: 0, start: 1, end: 3, children: [leaf(1), leaf(2)] }] }, score: 0 });
    expect(crf.topk(1)).toEqual({ tree: [best.tree], score: [0] });
  });

  it('topk(k): the k best scores of the enumeration, k distinct valid trees, each of its reported score; all trees when k exceeds them', () => {
    for (const [n, NT, seed, forbidden] of [[3, 2, 1, 0], [4, 2, 2, 0], [5, 2, 3, 0], [4, 2, 4, 1 / 4], [3, 3, 5, 0]] as const) {
      // Integer scores tie often; real ones give distinct lists.
      for (const real of [true, false]) {
        const p = problem(n, NT, seeded(seed, { forbidden, real }));
        const o = bruteForce(p);
        const finite = o.all.map((a) => a.s).filter((s) => s > -Infinity).sort((a, b) => b - a);
        const k = 12;
        const found = crfOf(p).topk(k) as ad.TreeAndScore<ad.ParseTree[], number[]>;
        allClose(found.score, finite.slice(0, k), 1e-10);
        expect(new Set(found.tree.map((t) => JSON.stringify(t))).size).toBe(found.tree.length);
        found.tree.forEach((t, i) => close(scoreOf(p, t), found.score[i]!, 1e-10));
        expect(found.tree[0]).toEqual((crfOf(p).argmax() as ad.TreeAndScore).tree);
      }
    }
    const small = problem(2, 2, seeded(9, { forbidden: 0, real: true })); // 8 trees
    const every = crfOf(small).topk(20) as ad.TreeAndScore<ad.ParseTree[], number[]>;
    expect(every.tree.length).toBe(8);
  });

  it('crossEntropy and KL between two TreeCRFs equal the enumeration, +∞ when q forbids what p uses, 0 for p against itself', () => {
    for (const [n, NT, seed] of [[1, 2, 1], [3, 2, 2], [4, 2, 3], [5, 2, 4]] as const) {
      const p = problem(n, NT, seeded(seed, { forbidden: 0, real: true }));
      const q = problem(n, NT, seeded(seed + 50, { forbidden: 0, real: true }));
      const op = bruteForce(p), oq = bruteForce(q);
      let ce = 0;
      op.all.forEach((a, i) => { ce -= Math.exp(a.s - op.logZ) * (oq.all[i]!.s - oq.logZ); });
      close(crfOf(p).crossEntropy(crfOf(q)).item(), ce, 1e-10);
      close(crfOf(p).kl(crfOf(q)).item(), ce - op.entropy, 1e-10);
      close(crfOf(p).kl(crfOf(p)).item(), 0, 1e-12);
    }
    const p = problem(3, 2, seeded(7, { forbidden: 0, real: true }));
    const q = { ...p, phi: p.phi.map((s, i) => (i === at(p, 0, 0, 1) ? -Infinity : s)) };
    expect(crfOf(p).kl(crfOf(q)).item()).toBe(Infinity);
    expect(crfOf(p).crossEntropy(crfOf(q)).item()).toBe(Infinity);
    // p that never uses the forbidden labelled span: finite, as the enumeration.
    const p2 = { ...p, phi: p.phi.map((s, i) => (i === at(p, 0, 0, 1) ? -Infinity : s)) };
    const q2 = problem(3, 2, seeded(8, { forbidden: 0, real: true }));
    const o2 = bruteForce(p2), oq2 = bruteForce(q2);
    let ce2 = 0;
    o2.all.forEach((a, i) => { if (a.s > -Infinity) ce2 -= Math.exp(a.s - o2.logZ) * (oq2.all[i]!.s - oq2.logZ); });
    close(crfOf(p2).crossEntropy(crfOf(q2)).item(), ce2, 1e-10);
  });
});

describe('TreeCRF.sample', () => {
  it('fits the enumerated distribution (χ²), never samples a −∞ labelled span; the same key gives the same samples', () => {
    const draw = seeded(31, { forbidden: 1 / 8, real: true });
    const p = problem(3, 2, draw); // 64 trees
    const crf = crfOf(p);
    checkSamples(p, crf.sample(3000, ad.random.key(5)) as Tree[]);
    const q = problem(4, 2, seeded(32, { forbidden: 0, real: true })); // 640 trees, scores scaled to concentrate the mass
    q.phi = q.phi.map((s) => 2 * s);
    checkSamples(q, crfOf(q).sample(3000, 6) as Tree[]);
    // The test can fail: samples of a model whose labels of one single word are flattened do not pass for q.
    const r = { ...q, phi: q.phi.map((s, i) => (i === at(q, 1, 1, 0) || i === at(q, 1, 1, 1) ? 0 : s)) };
    expect(() => checkSamples(q, crfOf(r).sample(3000, 6) as Tree[])).toThrow();
    expect(crf.sample(20, 7)).toEqual(crf.sample(20, ad.random.key(7)));
    expect(crf.sample(20, 7)).not.toEqual(crf.sample(20, 8));
    expect(crf.sample(0, 7)).toEqual([]);
  });
});

describe('TreeCRF: gradients', () => {
  it('checkGrad of log Z, the entropy, the marginals and KL in both models (second order for log Z)', () => {
    const x = ad.random.normal([4, 4, 2], 1);
    const y = ad.random.normal([4, 4, 2], 2);
    expect(ad.checkGrad((s: ad.Tensor) => new ad.TreeCRF({ spans: s }).logPartition(), [x], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((s: ad.Tensor) => new ad.TreeCRF({ spans: s }).entropy(), [x]).ok).toBe(true);
    expect(ad.checkGrad((s: ad.Tensor) => new ad.TreeCRF({ spans: s }).marginals(), [x]).ok).toBe(true);
    expect(ad.checkGrad((s: ad.Tensor, t: ad.Tensor) => new ad.TreeCRF({ spans: s }).kl(new ad.TreeCRF({ spans: t })), [x, y]).ok).toBe(true);
    const batch = ad.random.normal([2, 3, 3, 2], 3);
    expect(ad.checkGrad((s: ad.Tensor) => new ad.TreeCRF({ spans: s, lengths: [3, 2] }).logPartition(), [batch]).ok).toBe(true);
  });

  it('the marginals are ∂ log Z / ∂ spans (finite differences of the enumeration), and the NLL gradient is marginals minus the gold tree', () => {
    const p = problem(3, 2, seeded(3, { forbidden: 0, real: true }));
    const crf = crfOf(p);
    const gold = (crf.argmax() as ad.TreeAndScore).tree;
    const nll = ad.grad((s: ad.Tensor) => ad.neg(new ad.TreeCRF({ spans: s }).logProbability(gold)))(ad.tensor(p.phi, [3, 3, 2]));
    const indicator = new Array<number>(p.phi.length).fill(0);
    nodes(gold, (u) => { indicator[at(p, u.start, u.end - 1, u.label)] = 1; });
    allClose(nll, bruteForce(p).marginals.map((m, i) => m - indicator[i]!), 1e-10);
  });
});

describe('TreeCRF: padded batches with lengths', () => {
  const [B, n, NT] = [3, 5, 2];
  const lengths = [5, 3, 1];
  const draw = seeded(77, { forbidden: 1 / 10, real: true });
  const items = lengths.map((len) => problem(len, NT, draw));
  // Pad sentence b to n words: its real scores, then garbage (NaN, ±∞, 1e300) everywhere past its length.
  const junk = [Number.NaN, Infinity, -Infinity, 1e300];
  const padded: number[] = [];
  items.forEach((p, b) => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let A = 0; A < NT; A++) {
      padded.push(i < p.n && j < p.n ? p.phi[at(p, i, j, A)]! : junk[(i + j + A + b) % 4]!);
    }
  });
  const spans = ad.tensor(padded, [B, n, n, NT]);
  const batch = new ad.TreeCRF({ spans, lengths });

  it('log Z, entropy, marginals (exact zeros past each length), argmax, topk, scores and KL equal the sentences one by one', () => {
    expect(batch.batched).toBe(true);
    const logZ = values(batch.logPartition()), H = values(batch.entropy());
    const m = values(batch.marginals());
    const best = batch.argmax() as ad.TreeAndScore<ad.ParseTree[], number[]>;
    const top = batch.topk(4) as ad.TreeAndScore<ad.ParseTree[][], number[][]>;
    items.forEach((p, b) => {
      const one = crfOf(p);
      close(logZ[b]!, one.logPartition().item(), 1e-12);
      close(H[b]!, one.entropy().item(), 1e-12);
      const mine = values(one.marginals());
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let A = 0; A < NT; A++) {
        const got = m[((b * n + i) * n + j) * NT + A]!;
        if (i < p.n && j < p.n) close(got, mine[at(p, i, j, A)]!, 1e-12);
        else expect(got).toBe(0);
      }
      const alone = one.argmax() as ad.TreeAndScore;
      expect(best.tree[b]).toEqual(alone.tree);
      close(best.score[b]!, alone.score, 1e-12);
      const topAlone = one.topk(4) as ad.TreeAndScore<ad.ParseTree[], number[]>;
      expect(top.tree[b]).toEqual(topAlone.tree);
      allClose(top.score[b]!, topAlone.score, 1e-12);
    });
    allClose(batch.score(best.tree), best.score, 1e-12);
    allClose(batch.logProbability(best.tree), best.score.map((s, b) => s - logZ[b]!), 1e-12);
    const q = new ad.TreeCRF({ spans: ad.mul(spans, 0.5), lengths });
    const kl = values(batch.kl(q));
    items.forEach((p, b) => close(kl[b]!, crfOf(p).kl(crfOf({ ...p, phi: p.phi.map((s) => s * 0.5) })).item(), 1e-10));
    expect(ad.grad((s: ad.Tensor) => ad.sum(new ad.TreeCRF({ spans: s, lengths }).logPartition()))(spans).toFloat64Array().every((v) => !Number.isNaN(v))).toBe(true);
  });

  it('samples: one list per sentence, each tree over its own length and of positive probability', () => {
    const drawn = batch.sample(30, 4) as Tree[][];
    expect(drawn.length).toBe(B);
    drawn.forEach((trees, b) => {
      expect(trees.length).toBe(30);
      const o = bruteForce(items[b]!);
      const ok = new Set(o.all.filter((a) => a.s > -Infinity).map((a) => JSON.stringify(a.tree)));
      trees.forEach((t) => expect(ok.has(JSON.stringify(t))).toBe(true));
    });
  });
});

describe('TreeCRF under vmap and jit', () => {
  const xs = ad.random.normal([3, 4, 4, 2], 21);
  const one = (s: ad.Tensor) => new ad.TreeCRF({ spans: s }).logPartition();
  const item = (i: number) => ad.reshape(ad.slice(xs, [i, 0, 0, 0], [1, 4, 4, 2]), [4, 4, 2]);

  it('vmap of log Z, entropy and the marginals equals the calls one by one', () => {
    allClose(ad.vmap(one)(xs) as ad.Tensor, [0, 1, 2].map((i) => one(item(i)).item()), 1e-12);
    allClose(ad.vmap((s: ad.Tensor) => new ad.TreeCRF({ spans: s }).entropy())(xs) as ad.Tensor, [0, 1, 2].map((i) => new ad.TreeCRF({ spans: item(i) }).entropy().item()), 1e-12);
    allClose(ad.vmap((s: ad.Tensor) => new ad.TreeCRF({ spans: s }).marginals())(xs) as ad.Tensor, [0, 1, 2].flatMap((i) => values(new ad.TreeCRF({ spans: item(i) }).marginals())), 1e-12);
    allClose(ad.vmap(ad.grad(one))(xs) as ad.Tensor, [0, 1, 2].flatMap((i) => values(ad.grad(one)(item(i)) as ad.Tensor)), 1e-12);
    // A batch with lengths under vmap: the mapped axis on top of the batch axis.
    const batched = (s: ad.Tensor) => new ad.TreeCRF({ spans: s, lengths: [4, 2] }).logPartition();
    const pairs = ad.random.normal([2, 2, 4, 4, 2], 22);
    const mapped = values(ad.vmap(batched)(pairs) as ad.Tensor);
    [0, 1].forEach((v) => allClose(mapped.slice(2 * v, 2 * v + 2), values(batched(ad.reshape(ad.slice(pairs, [v, 0, 0, 0, 0], [1, 2, 4, 4, 2]), [2, 4, 4, 2]))), 1e-12));
    expect(() => ad.vmap((s: ad.Tensor) => (new ad.TreeCRF({ spans: s }).argmax() as ad.TreeAndScore).score)(xs)).toThrow(/TreeCRF\.argmax: under vmap/);
  });

  it('jit of log Z, its gradient and the KL equals the plain call, bit for bit', () => {
    const x = item(0), y = item(1);
    expect(values(ad.jit(one)(x) as ad.Tensor)).toEqual(values(one(x)));
    expect(values(ad.jit(ad.grad(one))(x) as ad.Tensor)).toEqual(values(ad.grad(one)(x) as ad.Tensor));
    expect(values(ad.jit(ad.grad(one))(y) as ad.Tensor)).toEqual(values(ad.grad(one)(y) as ad.Tensor));
    const kl = (s: ad.Tensor, t: ad.Tensor) => new ad.TreeCRF({ spans: s }).kl(new ad.TreeCRF({ spans: t }));
    expect(values(ad.jit(kl)(x, y) as ad.Tensor)).toEqual(values(kl(x, y)));
  });
});

describe('TreeCRF exported to ONNX', () => {
  it('log Z of a padded batch and its gradient (the marginals) run on ONNX Runtime as in adjoint', async () => {
    const spans = ad.random.normal(ad.random.key(5), [2, 5, 5, 3]);
    const logZ = (s: ad.Tensor) => ad.sum(new ad.TreeCRF({ spans: s, lengths: [5, 3] }).logPartition());
    await expectExportMatches(ad.valueAndGrad(logZ), [spans], 1e-11);
  });
});

describe('TreeCRF: bad inputs are AdjointErrors naming the op, the shapes and the fix', () => {
  const bad = (v: unknown): any => v;
  const crf = new ad.TreeCRF({ spans: ad.zeros([3, 3, 2]) });
  const batch = new ad.TreeCRF({ spans: ad.zeros([2, 3, 3, 2]), lengths: [3, 2] });
  const leaf = (i: number) => ({ label: 0, start: i, end: i + 1 });
  const cases: Array<[string, () => unknown, { op: string; fix: RegExp; type?: new (...args: never[]) => Error }]> = [
    ['no options', () => new ad.TreeCRF(bad(undefined)), { op: 'TreeCRF', fix: /Pass one as in new ad\.TreeCRF\(\{ spans/ }],
    ['no spans', () => new ad.TreeCRF(bad({})), { op: 'TreeCRF', fix: /options\.spans is missing; pass a Tensor of shape \[n, n, NT\]/ }],
    ['spans as nested arrays', () => new ad.TreeCRF(bad({ spans: [[[0]]] })), { op: 'TreeCRF', fix: /wrap plain arrays with ad\.tensor/ }],
    ['a misspelt option', () => new ad.TreeCRF(bad({ spans: ad.zeros([2, 2, 1]), lenghts: [2] })), { op: 'TreeCRF', fix: /unknown option 'lenghts'; the options are spans, lengths/ }],
    ['spans of rank 2', () => new ad.TreeCRF({ spans: ad.zeros([3, 3]) }), { op: 'TreeCRF', fix: /spans must have shape \[n, n, NT\].*got \[3,3\]/, type: ad.ShapeError }],
    ['spans not square', () => new ad.TreeCRF({ spans: ad.zeros([3, 4, 2]) }), { op: 'TreeCRF', fix: /square in the two word axes.*got \[3,4,2\]/, type: ad.ShapeError }],
    ['a batch not square', () => new ad.TreeCRF({ spans: ad.zeros([2, 3, 4, 2]) }), { op: 'TreeCRF', fix: /square.*got \[2,3,4,2\]/, type: ad.ShapeError }],
    ['no labels', () => new ad.TreeCRF({ spans: ad.zeros([3, 3, 0]) }), { op: 'TreeCRF', fix: /NT ≥ 1 labels/, type: ad.ShapeError }],
    ['no words', () => new ad.TreeCRF({ spans: ad.zeros([0, 0, 2]) }), { op: 'TreeCRF', fix: /n ≥ 1 words/, type: ad.ShapeError }],
    ['lengths for the wrong batch', () => new ad.TreeCRF({ spans: ad.zeros([2, 3, 3, 2]), lengths: [3] }), { op: 'TreeCRF', fix: /1 entries for a batch of 2 sequences/ }],
    ['a length beyond the padding', () => new ad.TreeCRF({ spans: ad.zeros([2, 3, 3, 2]), lengths: [3, 4] }), { op: 'TreeCRF', fix: /lengths\[1\] is 4, not an integer in 1 … 3/ }],
    ['a tree over too few words', () => crf.logProbability({ label: 0, start: 0, end: 2, children: [leaf(0), leaf(1)] }), { op: 'TreeCRF.logProbability', fix: /spans \(0, 2\) where \(0, 3\) was expected/ }],
    ['a label out of range', () => crf.score({ label: 2, start: 0, end: 3, children: [leaf(0), { label: 0, start: 1, end: 3, children: [leaf(1), leaf(2)] }] }), { op: 'TreeCRF.score', fix: /has label 2, not an integer in 0 … 1/ }],
    ['a batch given one tree', () => batch.score(bad({ label: 0, start: 0, end: 3 })), { op: 'TreeCRF.score', fix: /a batch of 2 structures needs one tree per batch item/ }],
    ['a tree of the batch over the padding', () => batch.score([{ label: 0, start: 0, end: 3, children: [leaf(0), { label: 0, start: 1, end: 3, children: [leaf(1), leaf(2)] }] }, { label: 0, start: 0, end: 3, children: [leaf(0), { label: 0, start: 1, end: 3, children: [leaf(1), leaf(2)] }] }]), { op: 'TreeCRF.score', fix: /spans \(0, 3\) where \(0, 2\) was expected/ }],
    ['sum of a non-semiring', () => crf.sum(bad({ name: 'log', size: 1 })), { op: 'TreeCRF.sum', fix: /pass one of ad\.semirings/ }],
    ['topk(0)', () => crf.topk(0), { op: 'TreeCRF.topk', fix: /k must be an integer ≥ 1/ }],
    ['sample(−1)', () => crf.sample(-1, 0), { op: 'TreeCRF.sample', fix: /count must be an integer ≥ 0/ }],
    ['kl against a PCFG', () => crf.kl(bad(new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([2, 2, 2]) }))), { op: 'TreeCRF.kl', fix: /same kind over the same structures/ }],
    ['crossEntropy against other lengths', () => batch.crossEntropy(new ad.TreeCRF({ spans: ad.zeros([2, 3, 3, 2]) })), { op: 'TreeCRF.crossEntropy', fix: /lengths \[3, 2\].*lengths \[3, 3\]/ }],
    ['kl against other shapes', () => crf.kl(new ad.TreeCRF({ spans: ad.zeros([3, 3, 3]) })), { op: 'TreeCRF.kl', fix: /shapes \[1,3,3,2\].*shapes \[1,3,3,3\]/ }],
  ];
  it.each(cases)('%s', (_, run, expected) => expectClearError(run, expected));
});
