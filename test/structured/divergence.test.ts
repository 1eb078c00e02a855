/**
 * @file crossEntropy(other) and kl(other) of every model against enumeration of every structure
 * (real scores with −∞ masks on either side: +∞ where p uses what q forbids), batches, and
 * checkGrad in both models.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { sequences } from './chainOracle.js';
import { treesOver } from './pcfgOracle.js';
import { alignments, segmentations, trees } from './enumerate.js';
import { fill, seeded, type Draw } from './draws.js';
import { close } from './structureOracle.js';

interface Divergent { score(x: any): ad.Tensor; crossEntropy(o: any): ad.Tensor; kl(o: any): ad.Tensor; entropy(): ad.Tensor }

const logSumExp = (xs: number[]) => { const m = Math.max(...xs); return m === -Infinity ? m : m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0)); };

/** H(p, q) and KL(p ‖ q) by enumeration, from each structure's scores under p and q. */
function oracle(sp: number[], sq: number[]) {
  const [zp, zq] = [logSumExp(sp), logSumExp(sq)];
  if (zp === -Infinity) return { ce: 0, kl: 0 };
  let ce = 0, kl = 0;
  sp.forEach((s, i) => {
    const p = Math.exp(s - zp);
    if (p === 0) return;
    ce += p * (zq - sq[i]!);
    kl += p * (s - zp - sq[i]! + zq);
  });
  return { ce, kl };
}

function agrees<T>(p: Divergent, q: Divergent, all: readonly T[], tol = 1e-9) {
  const sp = all.map((x) => p.score(x).item()), sq = all.map((x) => q.score(x).item());
  const o = oracle(sp, sq);
  close(p.crossEntropy(q).item(), o.ce, tol);
  close(p.kl(q).item(), o.kl, tol);
  close(p.kl(p).item(), 0, tol);
  close(p.crossEntropy(p).item(), p.entropy().item(), tol);
}

/** Real scores in (−2, 2), −∞ with probability `forbidden`. */
const draws = (seed: number, forbidden: number): Draw => seeded(seed, { real: true, forbidden });

type Maker = (draw: Draw) => { model: Divergent; all: readonly unknown[] };
const makers: Record<string, Maker> = {
  LinearChainCRF: (d) => ({
    model: new ad.LinearChainCRF({ emissions: ad.tensor(fill(6, d), [3, 2]), transitions: ad.tensor(fill(4, d), [2, 2]), start: ad.tensor(fill(2, d)), end: ad.tensor(fill(2, d)) }),
    all: sequences(3, 2),
  }),
  HigherOrderCRF: (d) => ({
    model: new ad.HigherOrderCRF({ emissions: ad.tensor(fill(8, d), [4, 2]), transitions: ad.tensor(fill(8, d), [2, 2, 2]), start: ad.tensor(fill(4, d), [2, 2]), end: ad.tensor(fill(4, d), [2, 2]) }),
    all: sequences(4, 2),
  }),
  VariableOrderCRF: (d) => ({
    model: new ad.VariableOrderCRF({ emissions: ad.tensor(fill(8, d), [4, 2]), contexts: [[0, 1], [1, 1, 0], [1]], weights: ad.tensor(fill(3, d)) }),
    all: sequences(4, 2),
  }),
  SemiMarkovCRF: (d) => ({
    model: new ad.SemiMarkovCRF({ segments: ad.tensor(fill(4 * 2 * 2, d), [4, 2, 2]), transitions: ad.tensor(fill(4, d), [2, 2]), start: ad.tensor(fill(2, d)), end: ad.tensor(fill(2, d)) }),
    all: segmentations(4, 2, 2),
  }),
  PCFG: (d) => ({
    model: new ad.PCFG({ terminals: ad.tensor(fill(6, d), [3, 2]), rules: ad.tensor(fill(8, d), [2, 2, 2]), root: ad.tensor(fill(2, d)) }),
    all: treesOver(0, 3, 2),
  }),
  'DependencyCRF projective': (d) => ({ model: new ad.DependencyCRF({ arcScores: ad.tensor(fill(16, d), [4, 4]), projective: true }), all: trees(3, true, false) }),
  'DependencyCRF projective, single root': (d) => ({ model: new ad.DependencyCRF({ arcScores: ad.tensor(fill(16, d), [4, 4]), projective: true, singleRoot: true }), all: trees(3, true, true) }),
  'DependencyCRF non-projective': (d) => ({ model: new ad.DependencyCRF({ arcScores: ad.tensor(fill(16, d), [4, 4]), projective: false }), all: trees(3, false, false) }),
  'DependencyCRF non-projective, single root': (d) => ({ model: new ad.DependencyCRF({ arcScores: ad.tensor(fill(16, d), [4, 4]), projective: false, singleRoot: true }), all: trees(3, false, true) }),
  Alignment: (d) => {
    const lattice = { T: 4, S: 3, scores: fill(12, d), skips: [false, false, true], initialStates: 2, finalStates: 1 };
    return { model: new ad.Alignment({ scores: ad.tensor(lattice.scores, [4, 3]), skips: lattice.skips, initialStates: 2 }), all: alignments(lattice) };
  },
};

describe.each(Object.entries(makers))('%s: crossEntropy and kl against enumeration', (_, make) => {
  it('real scores, no masks', () => {
    for (let seed = 0; seed < 3; seed++) {
      const p = make(draws(seed, 0)), q = make(draws(seed + 50, 0));
      agrees(p.model, q.model, p.all);
    }
  });

  it('−∞ masks in either model (infinite where p gives probability to what q forbids)', () => {
    let infinite = 0, finite = 0;
    for (let seed = 0; seed < 16; seed++) {
      const p = make(draws(seed + 100, 0.15)), q = make(draws(seed + 200, seed % 2 === 0 ? 0.05 : 0));
      agrees(p.model, q.model, p.all);
      if (p.model.kl(q.model).item() === Infinity) infinite++; else finite++;
    }
    expect(finite).toBeGreaterThan(0);
    expect(infinite).toBeGreaterThan(0);
  });
});

describe('crossEntropy and kl: batches, gradients, misuse', () => {
  it('a padded batch of chains equals a loop over its sequences', () => {
    const d = draws(7, 0.1), e = draws(8, 0);
    const [B, n, K] = [3, 4, 2], lengths = [4, 2, 1];
    const make = (x: Draw) => ({ E: fill(B * n * K, x), T: fill(K * K, x) });
    const [a, b] = [make(d), make(e)];
    const model = (m: { E: number[]; T: number[] }, rows?: number) => rows === undefined
      ? new ad.LinearChainCRF({ emissions: ad.tensor(m.E, [B, n, K]), transitions: ad.tensor(m.T, [K, K]), lengths })
      : new ad.LinearChainCRF({ emissions: ad.tensor(m.E.slice(rows * n * K, rows * n * K + lengths[rows]! * K), [lengths[rows]!, K]), transitions: ad.tensor(m.T, [K, K]) });
    const ce = Array.from(model(a).crossEntropy(model(b)).toFloat64Array()), kl = Array.from(model(a).kl(model(b)).toFloat64Array());
    lengths.forEach((_, r) => {
      close(ce[r]!, model(a, r).crossEntropy(model(b, r)).item(), 1e-10);
      close(kl[r]!, model(a, r).kl(model(b, r)).item(), 1e-10);
    });
  });

  it('checkGrad in both models (chain, PCFG, non-projective trees, semi-Markov)', () => {
    const x = (shape: number[], seed: number) => ad.random.normal(shape, seed);
    const chain = (e: ad.Tensor, t: ad.Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: t });
    expect(ad.checkGrad((e1: ad.Tensor, t1: ad.Tensor, e2: ad.Tensor, t2: ad.Tensor) => chain(e1, t1).kl(chain(e2, t2)), [x([3, 2], 1), x([2, 2], 2), x([3, 2], 3), x([2, 2], 4)]).ok).toBe(true);
    expect(ad.checkGrad((e1: ad.Tensor, e2: ad.Tensor, t: ad.Tensor) => chain(e1, t).crossEntropy(chain(e2, t)), [x([3, 2], 5), x([3, 2], 6), x([2, 2], 7)]).ok).toBe(true);
    const grammar = (u: ad.Tensor, r: ad.Tensor) => new ad.PCFG({ terminals: u, rules: r });
    expect(ad.checkGrad((u1: ad.Tensor, r1: ad.Tensor, u2: ad.Tensor, r2: ad.Tensor) => grammar(u1, r1).kl(grammar(u2, r2)), [x([3, 2], 8), x([2, 2, 2], 9), x([3, 2], 10), x([2, 2, 2], 11)]).ok).toBe(true);
    const tree = (a: ad.Tensor) => new ad.DependencyCRF({ arcScores: a, projective: false, singleRoot: true });
    expect(ad.checkGrad((a: ad.Tensor, b: ad.Tensor) => tree(a).crossEntropy(tree(b)), [x([4, 4], 12), x([4, 4], 13)]).ok).toBe(true);
    const semi = (g: ad.Tensor, t: ad.Tensor) => new ad.SemiMarkovCRF({ segments: g, transitions: t });
    expect(ad.checkGrad((g1: ad.Tensor, g2: ad.Tensor, t: ad.Tensor) => semi(g1, t).kl(semi(g2, t)), [x([3, 2, 2], 14), x([3, 2, 2], 15), x([2, 2], 16)]).ok).toBe(true);
  });

  it('the gradient of KL(p ‖ q) in q is μ_q − μ_p (through the emissions of a chain)', () => {
    const T = ad.random.normal([2, 2], 1), Ep = ad.random.normal([3, 2], 2), Eq = ad.random.normal([3, 2], 3);
    const chain = (e: ad.Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: T });
    const g = ad.grad((e: ad.Tensor) => chain(Ep).kl(chain(e)))(Eq);
    const want = ad.sub(chain(Eq).marginals().unary, chain(Ep).marginals().unary);
    Array.from(g.toFloat64Array()).forEach((v, i) => close(v, want.toFloat64Array()[i]!, 1e-10));
  });

  it('kl is unchanged by a large score that every structure uses once, in p, in q or in both', () => {
    // Adding G to such a part (a start score, the root row under singleRoot, a PCFG's root) leaves
    // both distributions as they are. One derivative along θ_q − θ_p lost G²·ε: at G = 1e8 the
    // semi-Markov KL was 0.209 for 0.105 and the dependency model's 0.610 for 0.102.
    const r = (shape: number[], seed: number) => ad.random.normal(ad.random.key(seed), shape);
    const row = (g: number, n: number) => ad.concat([ad.full([1, n], g), ad.zeros([n - 1, n])], 0);
    const families: Record<string, (seed: number, g: number) => Divergent> = {
      LinearChainCRF: (seed, g) => new ad.LinearChainCRF({ emissions: r([4, 3], seed), transitions: r([3, 3], seed + 1), start: ad.add(r([3], seed + 2), g) }),
      HigherOrderCRF: (seed, g) => new ad.HigherOrderCRF({ emissions: r([4, 2], seed), transitions: r([2, 2, 2], seed + 1), start: ad.add(r([2, 2], seed + 2), g) }),
      SemiMarkovCRF: (seed, g) => new ad.SemiMarkovCRF({ segments: r([3, 2, 2], seed), transitions: r([2, 2], seed + 1), start: ad.add(r([2], seed + 2), g) }),
      PCFG: (seed, g) => new ad.PCFG({ terminals: r([3, 2], seed), rules: r([2, 2, 2], seed + 1), root: ad.add(r([2], seed + 2), g) }),
      'DependencyCRF projective, single root': (seed, g) => new ad.DependencyCRF({ arcScores: ad.add(r([4, 4], seed), row(g, 4)), projective: true, singleRoot: true }),
      'DependencyCRF non-projective, single root': (seed, g) => new ad.DependencyCRF({ arcScores: ad.add(r([4, 4], seed), row(g, 4)), projective: false, singleRoot: true }),
    };
    for (const [name, make] of Object.entries(families)) {
      const exact = make(1, 0).kl(make(20, 0)).item();
      for (const g of [1e4, 1e6, 1e8]) {
        for (const [gp, gq] of [[g, 0], [0, g], [g, g], [g, -g]]) {
          const got = make(1, gp!).kl(make(20, gq!)).item();
          expect(Math.abs(got - exact), `${name}, G = ${gp} in p and ${gq} in q: ${got} for ${exact}`).toBeLessThanOrEqual(1e-6);
        }
      }
    }
  });

  it('crossEntropy and kl are unchanged by an offset on a tensor every structure uses a fixed number of times, up to 10³⁰⁰', () => {
    // Every arc 1e300 is the uniform distribution over trees: its cross-entropy against q was 0 for
    // log 3 and the KL −0.95 for 0.146 (a structured-models review): log Z and E_p[θ] carried the
    // offset, which cancelled after costing G·ε. Also checks each model's fixed-count declaration:
    // an offset of 7 on such a tensor must leave the entropy (the distribution) as it is.
    // Scores on a grid of 1/64, so that adding G ≤ 1e12 to them is exact: the offset models are then the same distributions.
    const r = (shape: number[], seed: number) => ad.div(ad.round(ad.mul(ad.random.normal(ad.random.key(seed), shape), 64)), 64);
    type Family = { make: (seed: number, g: number, i: number) => Divergent; fixed: number };
    const families: Record<string, Family> = {
      LinearChainCRF: { fixed: 4, make: (s, g, i) => new ad.LinearChainCRF({
        emissions: ad.add(r([3, 2], s), i === 0 ? g : 0), transitions: ad.add(r([2, 2], s + 1), i === 1 ? g : 0),
        start: ad.add(r([2], s + 2), i === 2 ? g : 0), end: ad.add(r([2], s + 3), i === 3 ? g : 0) }) },
      HigherOrderCRF: { fixed: 4, make: (s, g, i) => new ad.HigherOrderCRF({
        emissions: ad.add(r([4, 2], s), i === 0 ? g : 0), transitions: ad.add(r([2, 2, 2], s + 1), i === 1 ? g : 0),
        start: ad.add(r([2, 2], s + 2), i === 2 ? g : 0), end: ad.add(r([2, 2], s + 3), i === 3 ? g : 0) }) },
      VariableOrderCRF: { fixed: 1, make: (s, g) => new ad.VariableOrderCRF({ emissions: ad.add(r([4, 2], s), g), contexts: [[0, 1], [1, 1, 0], [1]], weights: r([3], s + 1) }) },
      SemiMarkovCRF: { fixed: 2, make: (s, g, i) => new ad.SemiMarkovCRF({ segments: r([3, 2, 2], s), transitions: r([2, 2], s + 1),
        start: ad.add(r([2], s + 2), i === 0 ? g : 0), end: ad.add(r([2], s + 3), i === 1 ? g : 0) }) },
      PCFG: { fixed: 3, make: (s, g, i) => new ad.PCFG({ terminals: ad.add(r([3, 2], s), i === 0 ? g : 0), rules: ad.add(r([2, 2, 2], s + 1), i === 1 ? g : 0), root: ad.add(r([2], s + 2), i === 2 ? g : 0) }) },
      TreeCRF: { fixed: 1, make: (s, g) => new ad.TreeCRF({ spans: ad.add(r([3, 3, 2], s), g) }) },
      'DependencyCRF projective': { fixed: 1, make: (s, g) => new ad.DependencyCRF({ arcScores: ad.add(r([4, 4], s), g), projective: true }) },
      'DependencyCRF non-projective, single root': { fixed: 1, make: (s, g) => new ad.DependencyCRF({ arcScores: ad.add(r([4, 4], s), g), projective: false, singleRoot: true }) },
    };
    for (const [name, { make, fixed }] of Object.entries(families)) {
      for (let i = 0; i < fixed; i++) {
        close(make(1, 7, i).entropy().item(), make(1, 0, i).entropy().item(), 1e-12);
        const [ce, kl] = [make(1, 0, i).crossEntropy(make(2, 0, i)).item(), make(1, 0, i).kl(make(2, 0, i)).item()];
        for (const g of [1e6, 1e12]) {
          for (const [gp, gq] of [[g, 0], [0, g], [g, g], [g, -g]]) {
            const p = make(1, gp!, i), q = make(2, gq!, i);
            expect(Math.abs(p.crossEntropy(q).item() - ce), `${name} tensor ${i}, G = ${gp} in p and ${gq} in q: cross-entropy`).toBeLessThanOrEqual(1e-9);
            expect(Math.abs(p.kl(q).item() - kl), `${name} tensor ${i}, G = ${gp} in p and ${gq} in q: KL`).toBeLessThanOrEqual(1e-9);
          }
        }
      }
    }
    // All-equal scores of 10³⁰⁰ are all-zero scores: the uniform distribution.
    const arcs = (a: ad.Tensor) => new ad.DependencyCRF({ arcScores: a, projective: false });
    const q = arcs(ad.tensor([[0, 1, -1], [0, 0, 0.5], [0, 2, 0]]));
    close(q.crossEntropy(arcs(ad.full([3, 3], 1e300))).item(), q.crossEntropy(arcs(ad.zeros([3, 3]))).item(), 1e-14);
    close(q.kl(arcs(ad.full([3, 3], 1e300))).item(), q.kl(arcs(ad.zeros([3, 3]))).item(), 1e-14);
    const flat = new ad.LinearChainCRF({ emissions: ad.full([1, 2], 1e300), transitions: ad.zeros([2, 2]) });
    close(flat.crossEntropy(flat).item(), Math.log(2), 1e-15);
    // The gradient is the exact one too (the offset is a constant to differentiation): KL's in q's emissions is μ_q − μ_p.
    const T = r([2, 2], 9), Ep = r([3, 2], 10), Eq = r([3, 2], 11);
    const chain = (e: ad.Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: T });
    const g = ad.grad((e: ad.Tensor) => chain(Ep).kl(chain(e)))(ad.add(Eq, 1e12));
    const want = ad.sub(chain(Eq).marginals().unary, chain(Ep).marginals().unary);
    Array.from(g.toFloat64Array()).forEach((v, k) => close(v, want.toFloat64Array()[k]!, 1e-9));
  });

  it('a model of another kind, shape, length or option is an error naming the method', () => {
    const chain = new ad.LinearChainCRF({ emissions: ad.zeros([3, 2]), transitions: ad.zeros([2, 2]) });
    expect(() => chain.kl(new ad.LinearChainCRF({ emissions: ad.zeros([4, 2]), transitions: ad.zeros([2, 2]) }))).toThrow(/LinearChainCRF.kl: other must be a model of the same kind/);
    expect(() => chain.crossEntropy(new ad.HigherOrderCRF({ emissions: ad.zeros([3, 2]), transitions: ad.zeros([2, 2]) }) as any)).toThrow(/LinearChainCRF.crossEntropy: .*another kind/);
    const tree = (singleRoot: boolean) => new ad.DependencyCRF({ arcScores: ad.zeros([4, 4]), projective: true, singleRoot });
    expect(() => tree(true).kl(tree(false))).toThrow(/DependencyCRF.kl: .*singleRoot true/);
  });
});
