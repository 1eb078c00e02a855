/**
 * @file Structured models at scores far outside the common range, against oracles computed here:
 * the non-projective DependencyCRF (Matrix-Tree theorem) wherever its weights or its elimination
 * leave floating point's range — every spanning arborescence enumerated in log space for n ≤ 5
 * (and for sparse longer sentences), log Z(s + c) = log Z(s) + n·c, marginals, entropy, its
 * gradient and Hessian-vector products, batches with padding, vmap over mixed routes; and the
 * projective one (Eisner's algorithm) at huge scores with ties, against the same trees at 0.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { gthLogDet, gthLogDetLogOps } from '../src/structured/gthLog.js';
import { genericPrograms } from '../src/core/genericPrograms.js';
import { internal } from './support/internalTensor.js';
import { trees } from './structured/enumerate.js';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

/** Deterministic uniform draws in (−scale, scale) (Park–Miller). */
function uniforms(seed: number, count: number, scale = 1): number[] {
  let s = seed;
  return Array.from({ length: count }, () => { s = (s * 16807) % 2147483647; return (2 * (s / 2147483647) - 1) * scale; });
}

const logSumExp = (xs: readonly number[]) => {
  const top = Math.max(...xs);
  return top === -Infinity ? -Infinity : top + Math.log(xs.reduce((a, x) => a + Math.exp(x - top), 0));
};

type Scores = number[][]; // [n + 1][n + 1], [head][dependent], position 0 the root

/** Every spanning arborescence (heads of words 1 … n) that uses only arcs of finite score. */
function arborescences(S: Scores, singleRoot: boolean): number[][] {
  const n = S.length - 1, out: number[][] = [], heads = new Array<number>(n).fill(0);
  const reachesRoot = (m: number) => { let v = m; for (let step = 0; step <= n && v !== 0; step++) v = heads[v - 1]!; return v === 0; };
  const assign = (i: number): void => {
    if (i === n) {
      if (singleRoot && heads.filter((h) => h === 0).length !== 1) return;
      for (let m = 1; m <= n; m++) if (!reachesRoot(m)) return;
      out.push(heads.slice());
      return;
    }
    for (let h = 0; h <= n; h++) if (h !== i + 1 && S[h]![i + 1]! > -Infinity) { heads[i] = h; assign(i + 1); }
  };
  assign(0);
  return out;
}

/**
 * The oracle, in log space: log Z, the marginals μ [n + 1][n + 1], the entropy, its gradient
 * −Cov(1[arc ∈ tree], score) and the Hessian of log Z, Cov(1[a ∈ tree], 1[b ∈ tree]), as a function.
 */
function bruteForce(S: Scores, singleRoot: boolean) {
  const n = S.length - 1;
  const trees = arborescences(S, singleRoot);
  // Every tree takes one arc into each word, so the scores are enumerated less each word's best
  // arc c_m (exact where they are close, by Sterbenz) and Σ c_m added back: sums of scores of 1e5
  // would otherwise round by 1e-10, more than the tolerance.
  const best = Array.from({ length: n + 1 }, (_, m) => Math.max(...S.map((row, h) => (h === m || m === 0 ? -Infinity : row[m]!))));
  const offset = best.slice(1).reduce((a, c) => a + (c > -Infinity ? c : 0), 0);
  const scores = trees.map((heads) => heads.reduce((a, h, i) => a + (S[h]![i + 1]! - best[i + 1]!), 0)); // less the offset
  // p from the scores less the best tree's (not less log Z, whose rounding at 1e9 would be 1e-7).
  const top = Math.max(...scores), weights = scores.map((s) => Math.exp(s - top));
  const total = weights.reduce((a, w) => a + w, 0);
  const logZ = offset + top + Math.log(total);
  const p = weights.map((w) => w / total);
  const logP = (t: number) => scores[t]! - top - Math.log(total);
  const at = (h: number, m: number) => h * (n + 1) + m;
  const mu = new Array<number>((n + 1) ** 2).fill(0);
  trees.forEach((heads, t) => heads.forEach((h, i) => (mu[at(h, i + 1)] += p[t]!)));
  // Centred scores (s − log Z = log p) keep the covariances accurate at any offset.
  const entropy = -p.reduce((a, q, t) => a + (q > 0 ? q * logP(t) : 0), 0);
  const entropyGrad = new Array<number>((n + 1) ** 2).fill(0);
  trees.forEach((heads, t) => {
    if (p[t] === 0) return;
    const c = logP(t);
    for (let a = 0; a < entropyGrad.length; a++) entropyGrad[a] += p[t]! * mu[a]! * c;
    heads.forEach((h, i) => (entropyGrad[at(h, i + 1)] -= p[t]! * c));
  });
  const hvp = (v: readonly number[]) => {
    const muV = mu.reduce((a, m, i) => a + m * v[i]!, 0);
    const out = new Array<number>(mu.length).fill(0);
    trees.forEach((heads, t) => {
      const cV = heads.reduce((a, h, i) => a + v[at(h, i + 1)]!, 0) - muV; // (c_t − μ)·v
      for (let a = 0; a < out.length; a++) out[a] -= p[t]! * mu[a]! * cV;
      heads.forEach((h, i) => (out[at(h, i + 1)] += p[t]! * cV));
    });
    return out;
  };
  return { logZ, mu, entropy, entropyGrad, hvp, count: trees.length };
}

/** Scores [n + 1][n + 1] from a flat list (row-major). */
const square = (flat: readonly number[], n: number): Scores => Array.from({ length: n + 1 }, (_, h) => flat.slice(h * (n + 1), (h + 1) * (n + 1)));

const model = (S: Scores | Tensor, singleRoot: boolean) =>
  new ad.DependencyCRF({ arcScores: Array.isArray(S) ? ad.tensor(S) : S, projective: false, singleRoot });

/** The entries a model reads (no column 0, no diagonal): where the oracle's marginals are compared. */
const used = (n: number) => Array.from({ length: (n + 1) ** 2 }, (_, i) => i).filter((i) => i % (n + 1) !== 0 && Math.floor(i / (n + 1)) !== i % (n + 1));

/** log Z to `tol` relative, the marginals to `tol` absolutely, every column of them summing to 1. */
function checkModel(S: Scores, singleRoot: boolean, tol = 1e-12, what = ''): void {
  const n = S.length - 1;
  const want = bruteForce(S, singleRoot);
  expect(want.count, `${what}: the case has trees`).toBeGreaterThan(0);
  const crf = model(S, singleRoot);
  const logZ = crf.logPartition().item();
  expect(Math.abs(logZ - want.logZ), `${what}: log Z ${logZ}, want ${want.logZ}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want.logZ)));
  const mu = arr(crf.marginals());
  for (const i of used(n)) expect(Math.abs(mu[i]! - want.mu[i]!), `${what}: marginal ${i}`).toBeLessThanOrEqual(tol);
  for (let m = 1; m <= n; m++) {
    let column = 0;
    for (let h = 0; h <= n; h++) column += mu[h * (n + 1) + m]!;
    expect(Math.abs(column - 1), `${what}: marginals into word ${m}`).toBeLessThanOrEqual(tol * n);
  }
  if (singleRoot) expect(Math.abs(mu.slice(0, n + 1).reduce((a, x) => a + x, 0) - 1), `${what}: one root dependent`).toBeLessThanOrEqual(tol * n);
}

// Cases where the weights e^{score − best into the word} or the elimination's pivots and fills
// underflow. Before the log-space route the first five gave log Z −∞ or NaN, or NaN marginals.
/** Two words in a cycle at 0 whose ways out (the root arcs) are `g` nats down. */
const cycle2 = (g: number): Scores => [[0, -g, -g], [0, 0, 0], [0, 0, 0]];
/** Three words whose best arcs form a cycle, the root arcs `g` nats down. */
const cycle3 = (g: number): Scores => [[0, -g, -g, -g - 1], [0, 0, 0.5, -2], [0, 1, 0, 0.3], [0, -1, 0.2, 0]];
/**
 * Nine words, every score in [−100, 0]: the root → 1 → 2 → … → 8 chain at −100 an arc, 8 → 9 at 0,
 * 9 → every other word at 0. The weights are in range, but eliminating words 1 … 8 first leaves
 * word 9 a pivot of about e^−800 (the only way out of the 8 ↔ 9 cycle is the whole chain).
 */
function chain(noise = false): Scores {
  const n = 9, S: Scores = Array.from({ length: n + 1 }, () => new Array<number>(n + 1).fill(-Infinity));
  S[0]![1] = -100;
  for (let j = 2; j <= n; j++) S[j - 1]![j] = -100;
  S[8]![9] = 0;
  for (let j = 1; j <= 8; j++) S[9]![j] = noise ? -j / 3 : 0;
  return S;
}
/** One root dependent: each word's root arc at 0, arcs between words `g` nats down (the gradient overflowed at g ≈ 1000). */
const hang = (g: number): Scores => [[0, 0, 0, 0], [0, 0, -g, -g - 3], [0, -g + 1, 0, -g], [0, -g, -g - 2, 0]];

describe('non-projective DependencyCRF wherever the Matrix-Tree weights leave floating point', () => {
  for (const singleRoot of [false, true]) {
    const label = singleRoot ? 'one root dependent' : 'several root dependents';

    it(`${label}: cycles whose ways out are 800–5000 nats down, sparse chains at ±100, words hanging 1000 nats down`, () => {
      for (const g of [30, 300, 700, 800, 2000, 5000]) {
        checkModel(cycle2(g), singleRoot, 1e-12, `cycle2(${g})`);
        checkModel(cycle3(g), singleRoot, 1e-12, `cycle3(${g})`);
      }
      checkModel(chain(), singleRoot, 1e-12, 'chain');
      checkModel(chain(true), singleRoot, 1e-12, 'chain with noise');
      if (singleRoot) for (const g of [300, 1000, 3000]) checkModel(hang(g), true, 1e-12, `hang(${g})`);
    });

    it(`${label}: uniform shifts by ±1000 and ±1e5 add n·c to log Z and leave the marginals`, () => {
      for (const [seed, n] of [[1, 3], [2, 4], [3, 5]] as const) {
        const base = square(uniforms(seed, (n + 1) ** 2, 3), n);
        const want = bruteForce(base, singleRoot);
        const mu0 = arr(model(base, singleRoot).marginals());
        for (const c of [1000, -1000, 1e5, -1e5]) {
          const shifted = base.map((row) => row.map((x) => x + c));
          const crf = model(shifted, singleRoot);
          const logZ = crf.logPartition().item();
          expect(Math.abs(logZ - (want.logZ + n * c))).toBeLessThanOrEqual(1e-12 * Math.abs(n * c));
          const mu = arr(crf.marginals());
          // base + c rounds each score to c's ulp (1.5e-11 at 1e5): the marginals move by about n of them.
          for (const i of used(n)) expect(Math.abs(mu[i]! - mu0[i]!)).toBeLessThanOrEqual(1e-12 + 4 * n * Number.EPSILON * Math.abs(c));
          checkModel(shifted, singleRoot, 1e-12, `shift ${c}`);
        }
      }
    });

    it(`${label}: arcs into a word spread over ±900, ±2000 and ±1e300 nats`, () => {
      for (const [seed, n] of [[11, 3], [12, 4], [13, 5], [14, 4]] as const) {
        const noise = uniforms(seed, (n + 1) ** 2, 3), signs = uniforms(seed + 100, (n + 1) ** 2);
        for (const scale of [900, 2000]) checkModel(square(noise.map((x, i) => x + Math.sign(signs[i]!) * scale), n), singleRoot, 1e-12, `±${scale}`);
        // ±1e300: p is a point mass (marginals exactly 0 or 1).
        const huge = square(uniforms(seed + 200, (n + 1) ** 2, 1e300), n);
        checkModel(huge, singleRoot, 1e-12, '±1e300');
        expect(arr(model(huge, singleRoot).marginals()).every((x) => x === 0 || x === 1)).toBe(true);
      }
    });

    it(`${label}: one tree 2000 nats above every other has marginals 0/1 and log Z its score`, () => {
      const n = 5, heads = [3, 3, 0, 3, 4]; // word 3 on the root, 1, 2, 4 on 3, 5 on 4
      const S = square(uniforms(21, (n + 1) ** 2, 3), n);
      heads.forEach((h, i) => (S[h]![i + 1]! += 2000));
      checkModel(S, singleRoot, 1e-12, 'dominant tree');
      const mu = arr(model(S, singleRoot).marginals());
      for (const i of used(n)) expect(Math.abs(mu[i]! - (heads[i % (n + 1) - 1] === Math.floor(i / (n + 1)) ? 1 : 0))).toBeLessThan(1e-300 + 1e-15);
      expect(model(S, singleRoot).logPartition().item()).toBeCloseTo(heads.reduce((a, h, i) => a + S[h]![i + 1]!, 0), 10);
    });

    it(`${label}: entropy, its gradient and Hessian-vector products of log Z on the log-space route`, () => {
      const cases = [cycle3(800), square(uniforms(31, 25, 3).map((x, i) => x + (i % 3 === 0 ? 900 : -900)), 4), chain(true)];
      for (const [k, S] of cases.entries()) {
        const n = S.length - 1, want = bruteForce(S, singleRoot);
        const x = ad.tensor(S);
        expect(Math.abs(model(x, singleRoot).entropy().item() - want.entropy), `entropy ${k}`).toBeLessThanOrEqual(1e-11);
        const g = arr(ad.grad((a: Tensor) => model(a, singleRoot).entropy())(x) as Tensor);
        for (const i of used(n)) {
          if (S[Math.floor(i / (n + 1))]![i % (n + 1)] === -Infinity) continue;
          expect(Math.abs(g[i]! - want.entropyGrad[i]!), `entropy gradient ${k}[${i}]`).toBeLessThanOrEqual(1e-9);
        }
        const v = uniforms(40 + k, (n + 1) ** 2);
        const hv = arr(ad.hvp((a: Tensor) => model(a, singleRoot).logPartition(), x, ad.tensor(v, [n + 1, n + 1])) as Tensor);
        const wantHv = want.hvp(v);
        for (const i of used(n)) expect(Math.abs(hv[i]! - wantHv[i]!), `H·v ${k}[${i}]`).toBeLessThanOrEqual(1e-10);
      }
    });

    it(`${label}: a padded batch and vmap over examples that take different routes`, () => {
      // Sentence 0 in range, 1 a cycle 800 nats deep (padded), 2 the ±900 spread; NaN in the padding.
      const N = 6, lengths = [5, 2, 4];
      const sentences = [square(uniforms(51, 36, 3), 5), cycle2(800), square(uniforms(52, 25, 3).map((x, i) => x + (i % 2 ? 900 : -900)), 4)];
      const padded = sentences.flatMap((S) => Array.from({ length: N * N }, (_, i) => S[Math.floor(i / N)]?.[i % N] ?? NaN));
      const crf = new ad.DependencyCRF({ arcScores: ad.tensor(padded, [3, N, N]), projective: false, singleRoot, lengths });
      const logZ = arr(crf.logPartition()), mu = arr(crf.marginals());
      sentences.forEach((S, b) => {
        const n = S.length - 1, want = bruteForce(S, singleRoot);
        expect(Math.abs(logZ[b]! - want.logZ)).toBeLessThanOrEqual(1e-12 * Math.abs(want.logZ));
        for (let h = 0; h < N; h++) for (let m = 0; m < N; m++) {
          const got = mu[(b * N + h) * N + m]!;
          if (h <= n && m <= n) expect(Math.abs(got - want.mu[h * (n + 1) + m]!)).toBeLessThanOrEqual(1e-12);
          else expect(got).toBe(0);
        }
      });
      // vmap: three examples of one 4-word sentence, in range (LU when several root dependents),
      // a cycle 800 nats deep and the ±900 spread; each against the oracle.
      const n = 4;
      const deep: Scores = [[0, -800, -800, -801, -803], [0, 0, 0.5, -2, 1], [0, 1, 0, 0.3, 0], [0, -1, 0.2, 0, 0.7], [0, 0.1, 0, 1, 0]];
      const examples = [square(uniforms(61, 25), n), deep, sentences[2]!];
      const stack = ad.tensor(examples.flat(2), [3, n + 1, n + 1]);
      const logZs = arr(ad.vmap((a: Tensor) => model(a, singleRoot).logPartition())(stack) as Tensor);
      const mus = arr(ad.vmap((a: Tensor) => model(a, singleRoot).marginals())(stack) as Tensor);
      examples.forEach((S, e) => {
        const want = bruteForce(S, singleRoot);
        expect(Math.abs(logZs[e]! - want.logZ)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want.logZ)));
        for (const i of used(n)) expect(Math.abs(mus[e * 25 + i]! - want.mu[i]!)).toBeLessThanOrEqual(1e-12);
      });
    });

    it(`${label}: arcs masked with −1e9 give what −∞ gives, unless a tree needs them`, () => {
      // The masked weights round to 0; they carry e^−1e9 of Z, so the kernels' result stands (and is
      // checked to carry less than 2^−60): the same log Z and marginals as a −∞ mask, to rounding.
      for (const [seed, n] of [[101, 4], [102, 5]] as const) {
        const flat = uniforms(seed, (n + 1) ** 2, 5), drop = uniforms(seed + 50, (n + 1) ** 2).map((u) => u < -0.4);
        drop[1] = false; // keep a root arc into word 1, so that trees exist
        const masked = square(flat.map((x, i) => (drop[i] ? -1e9 : x)), n), forbidden = square(flat.map((x, i) => (drop[i] ? -Infinity : x)), n);
        const a = model(masked, singleRoot), b = model(forbidden, singleRoot);
        expect(Math.abs(a.logPartition().item() - b.logPartition().item())).toBeLessThanOrEqual(1e-13);
        const ma = arr(a.marginals()), mb = arr(b.marginals());
        ma.forEach((x, i) => expect(Math.abs(x - mb[i]!)).toBeLessThanOrEqual(1e-14));
        checkModel(forbidden, singleRoot, 1e-12, `−∞ mask ${seed}`);
      }
      // Where every tree needs a masked arc, they are all that is left: log Z = −1e9 + log 2.
      checkModel(cycle2(1e9), singleRoot, 1e-12, 'cycle2(1e9)');
      expect(model(cycle2(1e9), singleRoot).logPartition().item()).toBe(-1e9 + Math.log(2));
    });

    it(`${label}: 30 words at ±1000 (no enumeration): shift invariance and marginals summing to 1`, () => {
      const n = 30, flat = uniforms(71, (n + 1) ** 2, 1000);
      const S = square(flat, n);
      const crf = model(S, singleRoot);
      const logZ = crf.logPartition().item(), mu = arr(crf.marginals());
      expect(Number.isFinite(logZ)).toBe(true);
      const shifted = model(S.map((row) => row.map((x) => x + 5000)), singleRoot).logPartition().item();
      expect(Math.abs(shifted - (logZ + n * 5000))).toBeLessThanOrEqual(1e-12 * (Math.abs(logZ) + n * 5000));
      for (let m = 1; m <= n; m++) expect(Math.abs(mu.filter((_, i) => i % (n + 1) === m).reduce((a, x) => a + x, 0) - 1)).toBeLessThan(1e-11);
      expect(mu.every((x) => x >= -1e-15 && x <= 1 + 1e-12)).toBe(true);
      // log Z is at least the best tree's score (argmax) and at most it plus log(number of trees).
      const best = crf.argmax().score as number;
      expect(logZ).toBeGreaterThanOrEqual(best - 1e-9);
      expect(logZ).toBeLessThanOrEqual(best + (n - 1) * Math.log(n + 1) + 1e-9);
    });
  }

  it('the log-space elimination (gthLogDetLogOps) equals the kernel on rows in range, with its gradient', () => {
    for (const singleRoot of [false, true]) {
      const R = singleRoot ? 2 : 1, n = 7, B = 3;
      const v = uniforms(81, B * (n + R) * n, 6).map((x) => Math.exp(x));
      for (let b = 0; b < B; b++) for (let i = 0; i < n; i++) v[(b * (n + R) + i) * n + i] = 0;
      v[(1 * (n + R) + 2) * n + 4] = 0; // a forbidden arc
      const rows = ad.tensor(v, [B, n + R, n]);
      const linear = (r: Tensor) => ad.sum(gthLogDet(internal(r), singleRoot));
      const logSpace = (r: Tensor) => ad.sum(gthLogDetLogOps(internal(ad.log(r)), singleRoot));
      const a = arr(gthLogDet(internal(rows), singleRoot)), b = arr(gthLogDetLogOps(internal(ad.log(rows)), singleRoot));
      a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThanOrEqual(1e-13 * Math.abs(x)));
      const ga = arr(ad.grad(linear)(rows) as Tensor), gb = arr(ad.grad(logSpace)(rows) as Tensor);
      const scale = Math.max(...ga.map(Math.abs));
      // Where a weight is 0 (the diagonal, the forbidden arc) only the linear form has a derivative.
      ga.forEach((x, i) => v[i]! > 0 && expect(Math.abs(x - gb[i]!)).toBeLessThanOrEqual(1e-12 * scale));
    }
  });
});

describe('projective DependencyCRF (Eisner) at huge scores with ties', () => {
  /** log Z, the marginals [(n + 1)²] and the entropy of the projective trees, by enumeration at scores S. */
  function projectiveOracle(S: Scores, singleRoot: boolean) {
    const n = S.length - 1, all = trees(n, true, singleRoot);
    const scores = all.map((heads) => heads.reduce((a, h, i) => a + S[h]![i + 1]!, 0));
    const logZ = logSumExp(scores), p = scores.map((x) => Math.exp(x - logZ));
    const mu = new Array<number>((n + 1) ** 2).fill(0);
    all.forEach((heads, t) => heads.forEach((h, i) => (mu[h * (n + 1) + i + 1] += p[t]!)));
    return { logZ, mu, entropy: -p.reduce((a, q, t) => a + q * (scores[t]! - logZ), 0), count: all.length };
  }

  // Before: every score v = 2^996 (or anything from about 1e16) gave each tied alternative
  // marginal 1 (columns summing to up to 10 at n = 3), the entropy lost log k, and at v = 1e10
  // the marginals erred by 1e-7; the charts held sums of v that rounding could not tell apart.
  it('all-equal scores v from 0 to 1e300: marginals and entropy those of v = 0, log Z = n·v + log(#trees)', () => {
    for (const singleRoot of [false, true]) for (const n of [3, 5]) {
      const want = projectiveOracle(square(new Array((n + 1) ** 2).fill(0), n), singleRoot);
      for (const v of [0, 1e10, 1e15, 1e17, 2 ** 996, 1e300, -1e300]) {
        const crf = new ad.DependencyCRF({ arcScores: ad.full([n + 1, n + 1], v), projective: true, singleRoot });
        const logZ = crf.logPartition().item();
        expect(Math.abs(logZ - (n * v + Math.log(want.count)))).toBeLessThanOrEqual(v === 0 ? 1e-14 : 4 * Number.EPSILON * Math.abs(n * v));
        const mu = arr(crf.marginals());
        for (const i of used(n)) expect(Math.abs(mu[i]! - want.mu[i]!), `v = ${v}, marginal ${i}`).toBeLessThanOrEqual(1e-14);
        expect(Math.abs(crf.entropy().item() - Math.log(want.count)), `v = ${v}, entropy`).toBeLessThanOrEqual(1e-14);
      }
    }
  });

  it('per-word offsets (exact dyadic scores): log Z shifts by their sum, the marginals and entropy do not move', () => {
    for (const singleRoot of [false, true]) {
      const n = 5;
      const base = square(uniforms(91, (n + 1) ** 2, 3).map((x) => Math.round(8 * x) / 8), n); // ties among the 1/8s
      const want = projectiveOracle(base, singleRoot);
      for (const scale of [2 ** 40, 2 ** 45]) {
        const offsets = [0, 3, -5, 7, 1, -2].map((k) => k * scale); // by dependent: every tree takes one of each
        const S = base.map((row) => row.map((x, m) => x + offsets[m]!)); // exact: 40 + 3 + 4 bits
        const crf = new ad.DependencyCRF({ arcScores: ad.tensor(S), projective: true, singleRoot });
        const total = offsets.reduce((a, c) => a + c, 0);
        expect(Math.abs(crf.logPartition().item() - (want.logZ + total))).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(total));
        const mu = arr(crf.marginals());
        for (const i of used(n)) expect(Math.abs(mu[i]! - want.mu[i]!)).toBeLessThanOrEqual(1e-14);
        expect(Math.abs(crf.entropy().item() - want.entropy)).toBeLessThanOrEqual(1e-13);
        // The non-projective model's entropy (log Z − E[score]) no longer cancels there either.
        const free = new ad.DependencyCRF({ arcScores: ad.tensor(S), projective: false, singleRoot });
        expect(Math.abs(free.entropy().item() - bruteForce(base, singleRoot).entropy)).toBeLessThanOrEqual(1e-12);
      }
    }
  });

  it('a padded batch, vmap, Hessian-vector products and the generic program (ONNX export) at ties of 2^996', () => {
    const v = 2 ** 996, N = 5, lengths = [4, 2];
    const x = ad.tensor(Array.from({ length: 2 * N * N }, (_, i) => (Math.floor(i / N) % N > lengths[Math.floor(i / (N * N))]! ? NaN : v)), [2, N, N]);
    const zero = (n: number) => projectiveOracle(square(new Array((n + 1) ** 2).fill(0), n), false);
    const check = (mu: number[], what: string) => lengths.forEach((n, b) => {
      const want = zero(n);
      for (let h = 0; h < N; h++) for (let m = 0; m < N; m++) {
        const got = mu[(b * N + h) * N + m]!;
        expect(Math.abs(got - (h <= n && m <= n ? want.mu[h * (n + 1) + m]! : 0)), `${what} [${b}, ${h}, ${m}]`).toBeLessThanOrEqual(1e-14);
      }
    });
    const build = (a: Tensor) => new ad.DependencyCRF({ arcScores: a, projective: true, lengths });
    check(arr(build(x).marginals()), 'batch');
    check(arr(ad.vmap((a: Tensor) => build(a).marginals())(ad.stack([x, x])) as Tensor).slice(2 * N * N), 'vmap');
    // H·v: the Hessian is Cov(parts) of the same distribution as at scores 0.
    const dir = ad.tensor(uniforms(93, 2 * N * N), [2, N, N]);
    const logZ = (a: Tensor) => ad.sum(build(a).logPartition());
    const hv = arr(ad.hvp(logZ, x, dir) as Tensor), hv0 = arr(ad.hvp(logZ, ad.zeros([2, N, N]), dir) as Tensor);
    hv.forEach((h, i) => expect(Math.abs(h - hv0[i]!)).toBeLessThanOrEqual(1e-13));
    genericPrograms.on = true;
    try {
      check(arr(build(x).marginals()), 'generic program');
    } finally {
      genericPrograms.on = false;
    }
  });

  // Left, in both routes: alternatives that lie G nats below the words' best arcs (the best arcs
  // cannot all be taken at once, so every tree pays about G). The numbers carried are then of size
  // G — the charts, or the log-space elimination's entries — and their differences round by about
  // G·ε: the two trees of [[0, −G, −G], [0, 0, 0], [0, 0, 0]] get projective marginals 0.49999976
  // at G = 1e10 and 1 each from about 1e16 (log 2 is below G's ulp). Not clamped; quantified here.
  it('quantifies the limit: alternatives G nats below the words\' best arcs err by about G·ε in both routes', () => {
    const at = (G: number, projective: boolean) => arr(new ad.DependencyCRF({ arcScores: ad.tensor([[0, -G, -G], [0, 0, 0], [0, 0, 0]]), projective }).marginals())[1]!;
    for (const G of [1e3, 1e6, 1e8, 1e10, 1e12]) expect(Math.abs(at(G, true) - 0.5), `G = ${G}`).toBeLessThanOrEqual(8 * G * Number.EPSILON);
    for (const singleRoot of [false, true]) for (const G of [1e3, 1e6, 1e9, 1e12]) {
      const S: Scores = [[0, -G, -G - 0.7, -G - 1.3], [0, 0, 0.5, -2], [0, 1, 0, 0.3], [0, -1, 0.2, 0]];
      const mu = arr(model(S, singleRoot).marginals()), want = bruteForce(S, singleRoot).mu;
      for (const i of used(3)) expect(Math.abs(mu[i]! - want[i]!), `non-projective, G = ${G}`).toBeLessThanOrEqual(8 * G * Number.EPSILON);
    }
  });
});

describe('Alignment.sample where there is nothing, or only −∞, to draw', () => {
  const thrown = (f: () => unknown): unknown => { try { f(); } catch (e) { return e; } return null; };

  // Before, an empty lattice gave the walk's first alternatives, e.g. [[0, 0], [0, 0], [0, 0]]:
  // states that end in no final state, so no alignment at all.
  it('a lattice that allows no alignment throws an AdjointError naming the op, the item and the fix', () => {
    const none = new ad.Alignment({ scores: ad.zeros([2, 4]) }); // 2 frames cannot move from state 0 to state 3
    expect(none.logPartition().item()).toBe(-Infinity);
    expect(none.argmax().states).toBeNull();
    const e = thrown(() => none.sample(3, 1));
    expect(e).toBeInstanceOf(ad.AdjointError);
    expect((e as Error).message).toMatch(/^Alignment\.sample: the lattice \(2 frames, 4 states\) allows no alignment at all .*Give it more frames, more initialStates or finalStates, or skips\.$/);
    // In a batch the item is named; the others sample as they would alone.
    const batch = new ad.Alignment({ scores: ad.zeros([2, 3, 3]), lengths: [3, 1] });
    expect((thrown(() => batch.sample(2, 1)) as Error).message).toMatch(/^Alignment\.sample: item 1 \(1 frames, 3 states\) allows no alignment at all/);
    // With skips (or more final states) the same frames suffice.
    const skipping = new ad.Alignment({ scores: ad.zeros([2, 3]), skips: [false, false, true] });
    expect(skipping.sample(4, 1)).toEqual([[0, 2], [0, 2], [0, 2], [0, 2]]);
  });

  it('a lattice whose every alignment scores −∞ gives argmax()’s alignment, as the other models do', () => {
    const scores = ad.tensor([[0, -Infinity, -Infinity], [-Infinity, -Infinity, -Infinity], [0, 0, 0]]);
    const forbidden = new ad.Alignment({ scores });
    expect(forbidden.logPartition().item()).toBe(-Infinity);
    const best = forbidden.argmax().states as number[];
    expect(best).toEqual([0, 1, 2]);
    expect(forbidden.sample(3, 1)).toEqual([best, best, best]);
    const crf = new ad.LinearChainCRF({ emissions: ad.zeros([3, 2]), transitions: ad.full([2, 2], -Infinity) });
    expect(crf.sample(2, 1)).toEqual([crf.argmax().tags, crf.argmax().tags]);
    // Beside a live item in a batch (4 frames): the dead one gets its argmax each time, the live
    // one draws its two alignments of positive probability, 0 0 1 2 and 0 1 1 2 (equally likely).
    const dead4 = ad.tensor([[0, -Infinity, -Infinity], [-Infinity, -Infinity, -Infinity], [0, 0, 0], [0, 0, 0]]);
    const live4 = ad.tensor([[0, 1, -Infinity], [0, 0, 1], [2, 0, -Infinity], [0, 0, 0]]);
    const pair = new ad.Alignment({ scores: ad.stack([dead4, live4]) });
    const [dead, live] = pair.sample(50, 2) as number[][][];
    expect(dead).toEqual(new Array(50).fill((pair.argmax().states as number[][])[0]));
    const seen = new Set(live!.map((a) => a.join('')));
    expect([...seen].sort()).toEqual(['0012', '0112']);
  });
});
