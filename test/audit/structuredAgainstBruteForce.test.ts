/**
 * @file Regressions found by differential testing of the structured models and products against
 * brute force: every structure of a small problem enumerated, log Z, the marginals (as gradients),
 * the entropy and second derivatives summed over them exactly. No Python at test time.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

/** Every heads array over words 1 … n that is a dependency tree (optionally with one root dependent). */
function trees(n: number, singleRoot: boolean): number[][] {
  const out: number[][] = [];
  const heads = new Array<number>(n).fill(0);
  const visit = (i: number) => {
    if (i === n) {
      if (singleRoot && heads.filter((h) => h === 0).length !== 1) return;
      for (let m = 1; m <= n; m++) {
        let v = m;
        for (let s = 0; v !== 0 && s <= n; s++) v = heads[v - 1]!;
        if (v !== 0) return;
      }
      out.push([...heads]);
      return;
    }
    for (let h = 0; h <= n; h++) if (h !== i + 1) { heads[i] = h; visit(i + 1); }
  };
  visit(0);
  return out;
}

/** log Z, arc marginals [N·N], entropy and the covariance of the arc indicators, by enumeration. */
function bruteForce(scores: number[], n: number, singleRoot: boolean) {
  const N = n + 1;
  const all = trees(n, singleRoot);
  const s = all.map((hs) => hs.reduce((acc, h, i) => acc + scores[h * N + i + 1]!, 0));
  const top = Math.max(...s);
  const logZ = top + Math.log(s.reduce((acc, x) => acc + Math.exp(x - top), 0));
  const p = s.map((x) => Math.exp(x - logZ));
  const marginals = new Array<number>(N * N).fill(0);
  all.forEach((hs, k) => hs.forEach((h, i) => (marginals[h * N + i + 1] += p[k]!)));
  const entropy = -p.reduce((acc, q) => acc + (q > 0 ? q * Math.log(q) : 0), 0);
  const second = (a: number, b: number) => all.reduce((acc, hs, k) => {
    const has = (x: number) => hs.some((h, i) => h * N + i + 1 === x);
    return acc + (has(a) && has(b) ? p[k]! : 0);
  }, 0) - marginals[a]! * marginals[b]!;
  return { logZ, marginals, entropy, second };
}

/** Deterministic normal draws (Box–Muller over a small LCG). */
function normals(seed: number, count: number, scale: number): number[] {
  let state = seed >>> 0;
  const u = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()) * scale);
}

describe('the non-projective DependencyCRF when the best arcs form a cycle', () => {
  // Words 1 and 2 prefer each other to the root by g nats: Z = 2e^{−g} + e^{−2g}, while the
  // column-scaled Laplacian is [[1 + e^{−g}, −1], [−1, 1 + e^{−g}]]. Its LU (slogdet) lost Z from
  // g ≈ 36 on: log Z −∞ at g = 40, marginals Infinity/NaN, and already 1.04 with entropy 39 at g = 36.
  for (const g of [20, 36, 40, 50, 300]) {
    it(`keeps log Z, the marginals and the entropy exact at a gap of ${g} nats`, () => {
      const crf = new ad.DependencyCRF({ arcScores: ad.tensor([[0, -g, -g], [0, 0, 0], [0, 0, 0]]), projective: false });
      const q = 0.5 + 0.25 * Math.exp(-g) / (1 + 0.5 * Math.exp(-g)); // p(0 → 1) = (e^{−g} + e^{−2g}) / Z
      expect(crf.logPartition().item()).toBeCloseTo(-g + Math.log(2 + Math.exp(-g)), 12);
      const m = arr(crf.marginals());
      [m[1]!, m[2]!].forEach((x) => expect(Math.abs(x - q)).toBeLessThan(1e-14));
      [m[5]!, m[7]!].forEach((x) => expect(Math.abs(x - (1 - q))).toBeLessThan(1e-14));
      const [a, c] = [1 / (2 + Math.exp(-g)), Math.exp(-g) / (2 + Math.exp(-g))]; // the two chains, the star
      expect(Math.abs(crf.entropy().item() + 2 * a * Math.log(a) + (c > 0 ? c * Math.log(c) : 0))).toBeLessThan(1e-12);
    });
  }

  it('matches brute force on confident random scores, with one root dependent or several, in a batch', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const n = 3 + (seed % 2), N = n + 1, singleRoot = seed % 3 === 0;
      const scores = normals(seed, N * N, 60);
      const crf = new ad.DependencyCRF({ arcScores: ad.tensor([...scores, ...normals(seed + 100, N * N, 1)], [2, N, N]), projective: false, singleRoot, lengths: [n, n - 1] });
      const want = bruteForce(scores, n, singleRoot);
      expect(Math.abs(arr(crf.logPartition())[0]! - want.logZ)).toBeLessThan(1e-10 * Math.max(1, Math.abs(want.logZ)));
      const m = arr(crf.marginals()).slice(0, N * N);
      m.forEach((x, i) => expect(Math.abs(x - want.marginals[i]!)).toBeLessThan(1e-12));
      expect(Math.abs(arr(crf.entropy())[0]! - want.entropy)).toBeLessThan(1e-9);
    }
  });

  it('has the covariance of the arcs as the Hessian of log Z there', () => {
    const n = 3, N = 4;
    for (const singleRoot of [false, true]) {
      const scores = [0, -40, -45, -50, 0, 0, 0, -3, 0, 0, 0, 0, 0, -2, 0, 0]; // 1 → 2 → 3 → 1 is the best cycle
      for (const [a, b] of [[1, 1], [6, 6], [1, 6], [13, 6], [11, 13]] as const) {
        const want = bruteForce(scores.map((x, i) => (i % N === 0 || i % (N + 1) === 0 ? -Infinity : x)), n, singleRoot);
        const h = arr(ad.hessian((x: Tensor) => new ad.DependencyCRF({ arcScores: x, projective: false, singleRoot }).logPartition())(ad.tensor(scores, [N, N])));
        expect(Math.abs(h[a * N * N + b]! - want.second(a, b))).toBeLessThan(1e-12);
      }
    }
  });
});

describe('the gradient of prod when the product leaves the float64 range', () => {
  // L_i = Π_{j≠i} x_j in range although y, or the prefix and suffix products, are not: the plain
  // prefix × suffix fallback gave ∞ (10⁻¹⁰·k · 10⁴⁰⁰ overflowing) and NaN (0 · ∞) for every L_i = 10¹⁰.
  const exact = (x: number[], i: number) => {
    let log = 0, sign = 1;
    x.forEach((v, j) => { if (j !== i) { log += Math.log(Math.abs(v)); sign *= Math.sign(v); } });
    return sign * Math.exp(log);
  };
  const cases: number[][] = [
    [...new Array<number>(40).fill(1e-10), 1e300, 1e100],
    [1e200, 1e200, -1e-300],
    [1e300, 1e300, 2, 1e-280, 1e-290],
    [-1e-200, 1e-200, 1e-150, 1e300, 1e300],
    [...new Array<number>(600).fill(1e-3), ...new Array<number>(600).fill(1e3), 7], // a long row: blocks of the scan
  ];
  for (const x of cases) {
    it(`is the leave-one-out product for ${x.length} factors from ${Math.min(...x.map(Math.abs))} to ${Math.max(...x.map(Math.abs))}`, () => {
      const g = arr(ad.grad((z: Tensor) => ad.prod(z))(ad.tensor(x)));
      x.forEach((_, i) => {
        const want = exact(x, i);
        if (Math.abs(want) > 1e-300 && Math.abs(want) < 1e300) expect(Math.abs(g[i]! - want)).toBeLessThanOrEqual(1e-12 * x.length * Math.abs(want));
      });
    });
  }

  it('counts as one zero factor the zero of a row whose other factors under- and overflow', () => {
    // y is 0 with one zero factor; the product of the others is 10⁻¹⁰⁰, not 10⁻⁴⁰⁰ · 10³⁰⁰ = 0.
    expect(arr(ad.grad((z: Tensor) => ad.prod(z))(ad.tensor([0, 1e-200, 1e-200, 1e300])))).toEqual([1e-100, 0, 0, 0]);
    // With a scale: the cotangent 10⁻²⁰⁰ times a product of others of 10²⁵⁰ is 10⁵⁰.
    const g = arr(ad.grad((z: Tensor) => ad.mul(ad.prod(z), 1e-200))(ad.tensor([0, 1e200, 1e200, 1e-150])));
    expect(Math.abs(g[0]! / 1e50 - 1)).toBeLessThan(1e-14);
  });
});

describe('Alignment.sample when every alignment is forbidden', () => {
  // The sample semiring's walk takes the first alternative at every all −∞ ⊕, which ended in state
  // 0, not a final state: [0, 0, 0, 0] for 4 frames through 3 states, not an alignment at all.
  it('returns the alignment argmax returns, a path of the lattice', () => {
    const a = new ad.Alignment({ scores: ad.full([4, 3], -Infinity) });
    expect(a.argmax().states).toEqual([0, 1, 2, 2]);
    expect(a.sample(3, 1)).toEqual([[0, 1, 2, 2], [0, 1, 2, 2], [0, 1, 2, 2]]);
    const b = new ad.Alignment({ scores: ad.full([4, 3], -Infinity), initialStates: 2, finalStates: 2, skips: [false, false, true] });
    b.sample(4, 2).forEach((path) => expect(() => b.score(path)).not.toThrow());
  });

  it('leaves the other items of a batch to the sampler', () => {
    const scores = ad.concat([ad.full([1, 4, 3], -Infinity), ad.zeros([1, 4, 3])], 0);
    const draws = new ad.Alignment({ scores }).sample(60, 3) as number[][][];
    expect(draws[0]!.every((p) => p.join() === '0,1,2,2')).toBe(true);
    expect(new Set(draws[1]!.map((p) => p.join()))).toEqual(new Set(['0,0,1,2', '0,1,1,2', '0,1,2,2']));
  });
});
