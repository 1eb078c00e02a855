/** @file PCFG against brute-force enumeration of every labelled binary tree: log Z, marginals, best tree, entropy, tree scores. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { bruteForce, nodes, scoreOf, treesOver, type GrammarProblem, type Tree } from './pcfgOracle.js';

const close = (a: number, b: number, tol = 1e-10) => {
  if (a === b) return;
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
const allClose = (got: ad.Tensor, want: unknown, tol = 1e-10) => {
  const g = Array.from(got.toFloat64Array()), w = flat(want);
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => close(v, w[i]!, tol));
};

function problem(n: number, N: number, seed: number, scale = 1): GrammarProblem {
  const r = (shape: number[], s: number) => ad.random.normal(shape, s, 0, scale).toArray() as any;
  return { U: r([n, N], seed), R: r([N, N, N], seed + 1), root: r([N], seed + 2) };
}
const grammarOf = (p: GrammarProblem) =>
  new ad.PCFG({ terminals: ad.tensor(p.U), rules: ad.tensor(p.R), root: ad.tensor(p.root) });

/** Every method of the grammar against the enumeration. */
function agreesWithEnumeration(p: GrammarProblem, tol = 1e-10) {
  const o = bruteForce(p);
  const g = grammarOf(p);
  close(g.logPartition().item(), o.logZ, tol);
  const m = g.marginals();
  allClose(m.spans, o.spans, tol);
  allClose(m.rules, o.rules, tol);
  close(g.entropy().item(), o.entropy, tol);
  const best = g.argmax() as ad.TreeAndScore;
  close(best.score, o.best.s, tol);
  close(scoreOf(p, best.tree), o.best.s, tol);
  // Different trees can use the same parts (A → A A bracketed either way) and tie exactly; when the
  // best tree is unique, argmax must return it.
  const tied = o.all.filter((a) => a.s >= o.best.s - 1e-9 * Math.max(1, Math.abs(o.best.s)));
  if (tied.length === 1) expect(best.tree).toEqual(o.best.tree);
  for (const a of o.all.filter((_, i) => i % Math.ceil(o.all.length / 7) === 0)) {
    close(g.score(a.tree).item(), a.s, tol);
    close(g.logProbability(a.tree).item(), a.s - o.logZ, tol);
  }
}

describe('PCFG against brute force', () => {
  it('the enumerator counts Catalan(n − 1) · N^(2n − 1) trees', () => {
    const catalan = [1, 1, 2, 5, 14];
    for (let n = 1; n <= 5; n++) for (const N of [1, 2]) expect(treesOver(0, n, N).length).toBe(catalan[n - 1]! * N ** (2 * n - 1));
  });

  it.each([[1, 1], [1, 3], [2, 2], [3, 3], [4, 3], [5, 2], [4, 1]])('n=%i, N=%i: log Z, marginals, argmax, entropy, scores', (n, N) => {
    agreesWithEnumeration(problem(n, N, 100 * n + N));
  });

  it('the real semiring gives Z; the max semiring the best score', () => {
    const p = problem(4, 2, 9);
    const o = bruteForce(p);
    close(grammarOf(p).sum(ad.semirings.real).item(), Math.exp(o.logZ), 1e-12);
    close(grammarOf(p).sum(ad.semirings.max).item(), o.best.s);
  });

  it('property: random sizes and scores agree with enumeration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        (n, N, seed, scale) => agreesWithEnumeration(problem(n, N, seed, scale), 1e-9)),
      { seed: 2121, numRuns: 40 },
    );
  });

  it('property: with exact ties (integer scores) argmax is still one of the best trees', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }), (n, N, seed) => {
        const p = problem(n, N, seed);
        const round = (x: unknown): any => (Array.isArray(x) ? x.map(round) : Math.round(x as number));
        const q: GrammarProblem = { U: round(p.U), R: round(p.R), root: round(p.root) };
        const o = bruteForce(q);
        const best = grammarOf(q).argmax() as ad.TreeAndScore;
        expect(best.score).toBe(o.best.s);
        expect(scoreOf(q, best.tree)).toBe(o.best.s);
        expect(grammarOf(q).score(best.tree).item()).toBe(o.best.s);
      }),
      { seed: 77, numRuns: 40 },
    );
  });

  it('all-equal scores: every tree is best (the max gradient splits everywhere) and argmax returns a valid tree', () => {
    const g = new ad.PCFG({ terminals: ad.zeros([4, 2]), rules: ad.zeros([2, 2, 2]) });
    const { tree, score } = g.argmax();
    expect(score).toBe(0);
    expect(g.score(tree).item()).toBe(0);
    close(g.logPartition().item(), Math.log(5 * 2 ** 7));
  });

  it('a one-hot root sums only the trees topped by that label', () => {
    const p = problem(4, 3, 5);
    p.root = [0, -Infinity, -Infinity];
    const o = bruteForce(p);
    const free = bruteForce({ ...p, root: [0, 0, 0] });
    const topped = free.all.filter((a) => a.tree.label === 0).map((a) => a.s);
    const m = Math.max(...topped);
    close(o.logZ, m + Math.log(topped.reduce((s, x) => s + Math.exp(x - m), 0)));
    agreesWithEnumeration(p);
    expect(flat(grammarOf(p).marginals().spans.toArray()).slice(4 * 3, 5 * 3)).toEqual([1, 0, 0]); // span (0, n)
  });
});

describe('PCFG numerics', () => {
  it('−Infinity rules and terminals forbid them and give exact zeros, never NaN', () => {
    const p = problem(4, 3, 17);
    p.R[0]![1]![2] = -Infinity;
    p.R[2]![2]![2] = -Infinity;
    p.R[1]![0]!.fill(-Infinity);
    p.U[2]![1] = -Infinity;
    p.root[2] = -Infinity;
    agreesWithEnumeration(p);
    const { spans, rules } = grammarOf(p).marginals();
    const r = flat(rules.toArray()), s = flat(spans.toArray());
    expect([...r, ...s].every(Number.isFinite)).toBe(true);
    expect([r[0 * 9 + 1 * 3 + 2], r[2 * 9 + 2 * 3 + 2], r[1 * 9 + 0], r[1 * 9 + 1], r[1 * 9 + 2]]).toEqual([0, 0, 0, 0, 0]);
    expect(s[(2 * 5 + 3) * 3 + 1]).toBe(0);
    expect(s[(0 * 5 + 4) * 3 + 2]).toBe(0);
    const grads = ad.grad((u: ad.Tensor, rr: ad.Tensor, root: ad.Tensor) => new ad.PCFG({ terminals: u, rules: rr, root }).logPartition(), [0, 1, 2])(
      ad.tensor(p.U), ad.tensor(p.R), ad.tensor(p.root)) as ad.Tensor[];
    for (const gr of grads) expect(flat(gr.toArray()).every(Number.isFinite)).toBe(true);
    close(grammarOf(p).entropy().item(), bruteForce(p).entropy);
  });

  it('a grammar with no finite tree: log Z = −Infinity, zero marginals and gradients, no NaN', () => {
    const g = new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.full([2, 2, 2], -Infinity) });
    expect(g.logPartition().item()).toBe(-Infinity);
    const { spans, rules } = g.marginals();
    expect(flat(spans.toArray()).every((v) => v === 0)).toBe(true);
    expect(flat(rules.toArray()).every((v) => v === 0)).toBe(true);
    const gr = ad.grad((u: ad.Tensor) => new ad.PCFG({ terminals: u, rules: ad.full([2, 2, 2], -Infinity) }).logPartition())(ad.zeros([3, 2]));
    expect(flat(gr.toArray()).every((v) => v === 0)).toBe(true);
    expect(g.argmax().score).toBe(-Infinity);
    expect(Number.isNaN(g.entropy().item())).toBe(false);
  });

  it('large scores do not overflow', () => {
    const p = problem(4, 3, 3, 1e3);
    agreesWithEnumeration(p, 1e-12);
    // a bigger sentence: the marginals still make sense
    const n = 12, N = 4;
    const g = new ad.PCFG({ terminals: ad.random.normal([n, N], 1, 0, 500), rules: ad.random.normal([N, N, N], 2, 0, 500) });
    expect(Number.isFinite(g.logPartition().item())).toBe(true);
    const { spans, rules } = g.marginals();
    const s = spans.toFloat64Array();
    for (let i = 0; i < n; i++) close(ad.sum(ad.slice(spans, [i, i + 1, 0], [1, 1, N])).item(), 1, 1e-9);
    close(ad.sum(rules).item(), n - 1, 1e-9);
    expect(s.every(Number.isFinite)).toBe(true);
  });

  it('marginals are consistent on a longer sentence: one root, n words, n − 1 rules, 2n − 1 spans', () => {
    const n = 9, N = 3;
    const g = new ad.PCFG({ terminals: ad.random.normal([n, N], 4), rules: ad.random.normal([N, N, N], 5), root: ad.random.normal([N], 6) });
    const { spans, rules } = g.marginals();
    close(ad.sum(ad.slice(spans, [0, n, 0], [1, 1, N])).item(), 1);
    close(ad.sum(rules).item(), n - 1);
    close(ad.sum(spans).item(), 2 * n - 1);
    const { tree, score } = g.argmax() as ad.TreeAndScore;
    close(g.score(tree).item(), score);
    let count = 0;
    nodes(tree as Tree, () => count++);
    expect(count).toBe(2 * n - 1);
  });
});

describe('PCFG derivatives', () => {
  const u = ad.random.normal([3, 2], 31), r = ad.random.normal([2, 2, 2], 32), root = ad.random.normal([2], 33);

  it('log Z has correct derivatives to second order', () => {
    const res = ad.checkGrad((U: ad.Tensor, R: ad.Tensor, T: ad.Tensor) => new ad.PCFG({ terminals: U, rules: R, root: T }).logPartition(), [u, r, root], { order: 2 });
    expect(res.ok).toBe(true);
  });

  it('the entropy has correct derivatives to second order', () => {
    const res = ad.checkGrad((U: ad.Tensor, R: ad.Tensor) => new ad.PCFG({ terminals: U, rules: R, root }).entropy(), [u, r], { order: 2 });
    expect(res.ok).toBe(true);
  });

  it('marginals are differentiable: their derivative is the Hessian of log Z', () => {
    const v = ad.random.normal([2, 2, 2], 34);
    const logZ = (R: ad.Tensor) => new ad.PCFG({ terminals: u, rules: R, root }).logPartition();
    const viaMarginals = ad.grad((R: ad.Tensor) => ad.sum(ad.mul(new ad.PCFG({ terminals: u, rules: R, root }).marginals().rules, v)))(r);
    allClose(viaMarginals, ad.hvp(logZ, r, v).toArray(), 1e-10);
  });

  it('the score of a tree is differentiable: ∂ log p(t) / ∂ rules = counts in t − expected counts', () => {
    const g = new ad.PCFG({ terminals: u, rules: r, root });
    const { tree } = g.argmax();
    const gr = ad.grad((R: ad.Tensor) => new ad.PCFG({ terminals: u, rules: R, root }).logProbability(tree))(r);
    const counts = new Array<number>(8).fill(0);
    nodes(tree as Tree, (t) => { if (t.children) counts[(t.label * 2 + t.children[0].label) * 2 + t.children[1].label]! += 1; });
    const expected = g.marginals().rules.toFloat64Array();
    allClose(gr, counts.map((c, i) => c - expected[i]!));
  });
});

describe('PCFG usage', () => {
  it('the JSDoc example runs', () => {
    const g = new ad.PCFG({ terminals: ad.random.normal([5, 3], 1), rules: ad.random.normal([3, 3, 3], 2) });
    expect(Number.isFinite(g.logPartition().item())).toBe(true);
    expect(g.marginals().spans.shape).toEqual([5, 6, 3]);
    const { tree } = g.argmax() as ad.TreeAndScore;
    expect([tree.start, tree.end, tree.children?.length]).toEqual([0, 5, 2]);
  });

  it('rejects bad shapes with the shapes in the message', () => {
    expect(() => new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([3, 3, 3]) })).toThrow(/\[2,2,2\].*\[3,3,3\]/);
    expect(() => new ad.PCFG({ terminals: ad.zeros([3]), rules: ad.zeros([3, 3, 3]) })).toThrow(/terminals.*\[3\]/);
    expect(() => new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([2, 2, 2]), root: ad.zeros([3]) })).toThrow(/root.*\[2\].*\[3\]/);
  });

  it('rejects malformed trees, naming the node', () => {
    const g = new ad.PCFG({ terminals: ad.zeros([3, 2]), rules: ad.zeros([2, 2, 2]) });
    const leaf = (i: number, label = 0): Tree => ({ label, start: i, end: i + 1 });
    expect(() => g.score({ label: 0, start: 0, end: 2, children: [leaf(0), leaf(1)] })).toThrow(/root spans \(0, 2\) where \(0, 3\)/);
    expect(() => g.score({ label: 0, start: 0, end: 3, children: [leaf(0), leaf(2)] })).toThrow(/children\[1\] spans \(2, 3\) where \(1, 3\)/);
    expect(() => g.score({ label: 0, start: 0, end: 3, children: [leaf(0), { label: 5, start: 1, end: 3, children: [leaf(1), leaf(2)] }] })).toThrow(/children\[1\] has label 5/);
    expect(() => g.score({ label: 0, start: 0, end: 3 })).toThrow(/root covers 3 words but does not have two children/);
    expect(() => g.score({ label: 0, start: 0, end: 3, children: [{ label: 0, start: 0, end: 3 } as Tree, leaf(2)] })).toThrow(/ends at 3/);
    expect(() => g.score({ label: 0, start: 0, end: 3, children: [leaf(0), null as unknown as Tree] })).toThrow(/children\[1\] is not an object/);
    expect(() => g.score({ label: 0, start: 0, end: 3, children: [leaf(0), { label: 1, start: 1, end: 3, children: [leaf(1), leaf(2)] }] })).not.toThrow();
  });
});
