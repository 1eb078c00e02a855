/**
 * @file A third review of the structured models against brute force: every structure of a small
 * problem enumerated and scored in plain JavaScript here (not by the models' `score`), then log Z,
 * the marginals (∂ log Z / ∂ scores), the entropy and its gradient (−Cov(parts, score)), Hessian-
 * vector products of log Z (Cov(parts, parts) · v), the real, max and kmax semirings, argmax and
 * topk (ties, k above the number of structures), logProbability, crossEntropy and KL, and samples
 * (a chi-square test at a fixed key) — on ragged batches whose padding holds NaN, ±∞ or 1e300,
 * with forbidden (−∞) parts, structures with no allowed parse, and potentials of ±1e300; then vmap,
 * jit and nested grad, and the errors for wrong shapes. No Python at test time.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

/** Deterministic uniform draws in (−scale, scale) (Park–Miller). */
function uniforms(seed: number, count: number, scale = 1): number[] {
  let s = seed;
  return Array.from({ length: count }, () => { s = (s * 16807) % 2147483647; return (2 * (s / 2147483647) - 1) * scale; });
}

/** Every way to pick one of `choices` values for each of `count` slots. */
function product(count: number, choices: number): number[][] {
  if (count === 0) return [[]];
  return product(count - 1, choices).flatMap((p) => Array.from({ length: choices }, (_, k) => [...p, k]));
}

function near(got: number, want: number, tol: number, what = ''): void {
  if (got === want) return;
  if (!(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)))) throw new Error(`${what}: got ${got}, want ${want} (tolerance ${tol})`);
}
function allNear(got: readonly number[], want: readonly number[], tol: number, what = ''): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => near(g, want[i]!, tol, `${what}[${i}]`));
}

// ---------------------------------------------------------------------------------------------
// A model under test: its score tensor x (batched [B, …]), how to build the model from x, every
// structure of each item with its plain score and the flat indices of x it uses.

interface Structure { api: unknown; key: string; score: number; parts: number[] }

interface Spec {
  name: string;
  shape: number[];
  lengths: number[];
  build: (x: Tensor) => any;
  /** Every structure of item b, scored from the flat scores x. */
  structures: (b: number, x: number[]) => Structure[];
  /** The canonical key of a structure the model returns. */
  keyOf: (api: unknown) => string;
  /** Which entries of x no structure of item b reads (padding). */
  padding: (index: number) => boolean;
  semirings?: boolean;
  /** The model's own marginals shaped as x, where it has them (else the gradient of log Z stands for them). */
  marginals?: (model: any) => Tensor;
}

interface Brute { logZ: number; p: number[]; all: Structure[]; marginals: number[]; entropy: number; sorted: number[] }

function brute(spec: Spec, x: number[], b: number): Brute {
  const all = spec.structures(b, x);
  // Weights relative to the best structure, normalised directly: at scores of 1e300 the log of the
  // number of tied best structures is lost in top + log Σ, so p is not exp(score − log Z) there.
  const top = Math.max(...all.map((s) => s.score));
  const w = all.map((s) => (top === -Infinity ? 0 : Math.exp(s.score - top)));
  const total = w.reduce((a, c) => a + c, 0);
  const logZ = top === -Infinity ? -Infinity : top + Math.log(total);
  const p = w.map((v) => (top === -Infinity ? 0 : v / total));
  const marginals = new Array<number>(x.length).fill(0);
  let entropy = 0;
  all.forEach((s, k) => {
    if (p[k]! === 0) return;
    entropy -= p[k]! * (s.score - top - Math.log(total));
    s.parts.forEach((i) => (marginals[i]! += p[k]!));
  });
  const sorted = all.map((s) => s.score).filter((s) => s > -Infinity).sort((a, c) => c - a);
  return { logZ, p, all, marginals, entropy, sorted };
}

/** Σ over the items of Cov(c_i, f) under each item's distribution, c_i the count of part i. */
function covariance(items: Brute[], size: number, f: (s: Structure, k: number, item: Brute) => number): number[] {
  const out = new Array<number>(size).fill(0);
  for (const it of items) {
    // f centred on a structure of positive probability first (exact for tied structures at 1e300).
    const ref = it.all.findIndex((_, k) => it.p[k]! > 0);
    if (ref < 0) continue;
    const g = (s: Structure, k: number) => f(s, k, it) - f(it.all[ref]!, ref, it);
    const mean = it.all.reduce((a, s, k) => a + (it.p[k]! > 0 ? it.p[k]! * g(s, k) : 0), 0);
    it.all.forEach((s, k) => {
      if (it.p[k]! === 0) return;
      const d = g(s, k) - mean;
      s.parts.forEach((i) => (out[i]! += it.p[k]! * d));
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The structures, enumerated and scored plainly.

const tagKey = (api: unknown) => JSON.stringify(api);

/** LinearChainCRF over emissions [B, n, K]: start[y₀] + Σ E[t, y_t] + Σ T[y_{t−1}, y_t] + end[y_last]. */
function chainSpec(B: number, n: number, K: number, lengths: number[], T: number[], start: number[], end: number[]): Spec {
  return {
    name: 'LinearChainCRF', shape: [B, n, K], lengths,
    build: (x) => new ad.LinearChainCRF({ emissions: x, transitions: ad.tensor(T, [K, K]), start: ad.tensor(start), end: ad.tensor(end), lengths }),
    structures: (b, x) => product(lengths[b]!, K).map((ys) => {
      const parts = ys.map((y, t) => (b * n + t) * K + y);
      let score = start[ys[0]!]! + end[ys[ys.length - 1]!]! + parts.reduce((a, i) => a + x[i]!, 0);
      for (let t = 1; t < ys.length; t++) score += T[ys[t - 1]! * K + ys[t]!]!;
      return { api: ys, key: tagKey(ys), score, parts };
    }),
    keyOf: tagKey,
    padding: (i) => Math.floor(i / K) % n >= lengths[Math.floor(i / (n * K))]!,
    semirings: true,
    marginals: (m) => m.marginals().unary,
  };
}

/** HigherOrderCRF of order 2: start[y₀, y₁] + Σ E + Σ_{t≥2} W[y_{t−2}, y_{t−1}, y_t] + end[y_{n−2}, y_{n−1}]. */
function secondOrderSpec(B: number, n: number, K: number, lengths: number[], W: number[], start: number[], end: number[]): Spec {
  return {
    name: 'HigherOrderCRF', shape: [B, n, K], lengths,
    build: (x) => new ad.HigherOrderCRF({ emissions: x, transitions: ad.tensor(W, [K, K, K]), start: ad.tensor(start, [K, K]), end: ad.tensor(end, [K, K]), lengths }),
    structures: (b, x) => product(lengths[b]!, K).map((ys) => {
      const len = ys.length;
      const parts = ys.map((y, t) => (b * n + t) * K + y);
      let score = start[ys[0]! * K + ys[1]!]! + end[ys[len - 2]! * K + ys[len - 1]!]! + parts.reduce((a, i) => a + x[i]!, 0);
      for (let t = 2; t < len; t++) score += W[(ys[t - 2]! * K + ys[t - 1]!) * K + ys[t]!]!;
      return { api: ys, key: tagKey(ys), score, parts };
    }),
    keyOf: tagKey,
    padding: (i) => Math.floor(i / K) % n >= lengths[Math.floor(i / (n * K))]!,
    semirings: true,
    marginals: (m) => m.marginals().unary,
  };
}

/** VariableOrderCRF: Σ E + Σ over the contexts of weight × the number of times it ends at a position. */
function variableOrderSpec(B: number, n: number, K: number, lengths: number[], contexts: number[][], w: number[]): Spec {
  return {
    name: 'VariableOrderCRF', shape: [B, n, K], lengths,
    build: (x) => new ad.VariableOrderCRF({ emissions: x, contexts, weights: ad.tensor(w), lengths }),
    structures: (b, x) => product(lengths[b]!, K).map((ys) => {
      const parts = ys.map((y, t) => (b * n + t) * K + y);
      let score = parts.reduce((a, i) => a + x[i]!, 0);
      contexts.forEach((c, j) => {
        for (let t = c.length - 1; t < ys.length; t++) if (c.every((y, q) => ys[t - c.length + 1 + q] === y)) score += w[j]!;
      });
      return { api: ys, key: tagKey(ys), score, parts };
    }),
    keyOf: tagKey,
    padding: (i) => Math.floor(i / K) % n >= lengths[Math.floor(i / (n * K))]!,
    semirings: true,
    marginals: (m) => m.marginals().unary,
  };
}

type Seg = { start: number; end: number; label: number };
function segmentations(n: number, L: number, C: number, at = 0): Seg[][] {
  if (at === n) return [[]];
  const out: Seg[][] = [];
  for (let d = 1; d <= L && at + d <= n; d++) for (let c = 0; c < C; c++) for (const rest of segmentations(n, L, C, at + d)) out.push([{ start: at, end: at + d, label: c }, ...rest]);
  return out;
}
const segKey = (api: unknown) => (api as Seg[]).map((g) => `${g.start}-${g.end}:${g.label}`).join(' ');

/** SemiMarkovCRF over segments [B, n, L, C]. */
function semiMarkovSpec(B: number, n: number, L: number, C: number, lengths: number[], T: number[], start: number[], end: number[]): Spec {
  return {
    name: 'SemiMarkovCRF', shape: [B, n, L, C], lengths,
    build: (x) => new ad.SemiMarkovCRF({ segments: x, transitions: ad.tensor(T, [C, C]), start: ad.tensor(start), end: ad.tensor(end), lengths }),
    structures: (b, x) => segmentations(lengths[b]!, L, C).map((segs) => {
      const parts = segs.map((g) => ((b * n + g.start) * L + g.end - g.start - 1) * C + g.label);
      let score = start[segs[0]!.label]! + end[segs[segs.length - 1]!.label]! + parts.reduce((a, i) => a + x[i]!, 0);
      for (let k = 1; k < segs.length; k++) score += T[segs[k - 1]!.label * C + segs[k]!.label]!;
      return { api: segs, key: segKey(segs), score, parts };
    }),
    keyOf: segKey,
    padding: (i) => {
      const c = i % C, d = Math.floor(i / C) % L, s = Math.floor(i / (C * L)) % n, b = Math.floor(i / (C * L * n));
      void c;
      return s + d + 1 > lengths[b]!;
    },
    semirings: true,
    marginals: (m) => m.marginals().segments,
  };
}

/** Every heads array over words 1 … n that is a tree, optionally projective, optionally with one root dependent. */
function dependencyTrees(n: number, projective: boolean, singleRoot: boolean): number[][] {
  return product(n, n + 1).filter((heads) => {
    if (heads.some((h, i) => h === i + 1)) return false;
    for (let m = 1; m <= n; m++) { let v = m, s = 0; for (; v !== 0 && s <= n; s++) v = heads[v - 1]!; if (v !== 0) return false; }
    if (singleRoot && heads.filter((h) => h === 0).length !== 1) return false;
    if (!projective) return true;
    // Projective: every word strictly between a head and its dependent descends from the head.
    const descends = (v: number, h: number) => { for (let s = 0; s <= n && v !== 0; s++) { if (v === h) return true; v = heads[v - 1]!; } return h === 0; };
    return heads.every((h, i) => { for (let v = Math.min(h, i + 1) + 1; v < Math.max(h, i + 1); v++) if (!descends(v, h)) return false; return true; });
  });
}

function dependencySpec(B: number, n: number, lengths: number[], projective: boolean, singleRoot: boolean): Spec {
  const N = n + 1;
  return {
    name: `DependencyCRF(${projective ? 'projective' : 'non-projective'}${singleRoot ? ', single root' : ''})`, shape: [B, N, N], lengths,
    build: (x) => new ad.DependencyCRF({ arcScores: x, projective, singleRoot, lengths }),
    structures: (b, x) => dependencyTrees(lengths[b]!, projective, singleRoot).map((heads) => {
      const parts = heads.map((h, i) => (b * N + h) * N + i + 1);
      return { api: heads, key: tagKey(heads), score: parts.reduce((a, i) => a + x[i]!, 0), parts };
    }),
    keyOf: tagKey,
    padding: (i) => {
      const m = i % N, h = Math.floor(i / N) % N, len = lengths[Math.floor(i / (N * N))]!;
      return m === 0 || h === m || h > len || m > len;
    },
    semirings: projective,
    marginals: (m) => m.marginals(),
  };
}

interface Tree { label: number; start: number; end: number; children?: [Tree, Tree] }
const treeKey = (api: unknown): string => {
  const t = api as Tree;
  return t.children ? `(${t.label} ${treeKey(t.children[0])} ${treeKey(t.children[1])})` : `${t.label}@${t.start}`;
};
/** Every labelled binary tree over words i … j − 1 with labels 0 … N − 1. */
function labelledTrees(i: number, j: number, N: number): Tree[] {
  const out: Tree[] = [];
  for (let A = 0; A < N; A++) {
    if (j - i === 1) { out.push({ label: A, start: i, end: j }); continue; }
    for (let k = i + 1; k < j; k++) for (const l of labelledTrees(i, k, N)) for (const r of labelledTrees(k, j, N)) out.push({ label: A, start: i, end: j, children: [l, r] });
  }
  return out;
}
const nodes = (t: Tree): Tree[] => (t.children ? [t, ...nodes(t.children[0]), ...nodes(t.children[1])] : [t]);

/** TreeCRF over spans [B, n, n, NT] (words i … j inclusive): the sum of its labelled spans' scores. */
function treeCrfSpec(B: number, n: number, NT: number, lengths: number[]): Spec {
  return {
    name: 'TreeCRF', shape: [B, n, n, NT], lengths,
    build: (x) => new ad.TreeCRF({ spans: x, lengths }),
    structures: (b, x) => labelledTrees(0, lengths[b]!, NT).map((t) => {
      const parts = nodes(t).map((u) => ((b * n + u.start) * n + u.end - 1) * NT + u.label);
      return { api: t, key: treeKey(t), score: parts.reduce((a, i) => a + x[i]!, 0), parts };
    }),
    keyOf: treeKey,
    padding: (i) => {
      const j = Math.floor(i / NT) % n, s = Math.floor(i / (NT * n)) % n, b = Math.floor(i / (NT * n * n));
      return j < s || j >= lengths[b]!;
    },
    semirings: true,
    marginals: (m) => m.marginals(),
  };
}

/** PCFG over terminals [B, n, N]: root[top] + Σ leaves terminals[i, A] + Σ nodes rules[A, B, C]. */
function pcfgSpec(B: number, n: number, N: number, lengths: number[], rules: number[], root: number[]): Spec {
  return {
    name: 'PCFG', shape: [B, n, N], lengths,
    build: (x) => new ad.PCFG({ terminals: x, rules: ad.tensor(rules, [N, N, N]), root: ad.tensor(root), lengths }),
    structures: (b, x) => labelledTrees(0, lengths[b]!, N).map((t) => {
      const all = nodes(t);
      const parts = all.filter((u) => !u.children).map((u) => (b * n + u.start) * N + u.label);
      let score = root[t.label]! + parts.reduce((a, i) => a + x[i]!, 0);
      for (const u of all) if (u.children) score += rules[(u.label * N + u.children[0].label) * N + u.children[1].label]!;
      return { api: t, key: treeKey(t), score, parts };
    }),
    keyOf: treeKey,
    padding: (i) => Math.floor(i / N) % n >= lengths[Math.floor(i / (n * N))]!,
    semirings: true,
    // Width-one spans are the preterminals: spans[b, i, i + 1, A] is the marginal of terminals[b, i, A].
    marginals: (m) => {
      const spans = arr(m.marginals().spans);
      return ad.tensor(Array.from({ length: B * n * N }, (_, q) => {
        const A = q % N, i = Math.floor(q / N) % n, b = Math.floor(q / (N * n));
        return spans[((b * n + i) * (n + 1) + i + 1) * N + A]!;
      }), [B, n, N]);
    },
  };
}

/** Alignment over scores [B, T, S]: per item `lengths` frames through `states` states, with skips, initial and final states. */
function alignmentSpec(B: number, T: number, S: number, lengths: number[], states: number[], skips: boolean[], initialStates: number, finalStates: number): Spec {
  return {
    name: 'Alignment', shape: [B, T, S], lengths,
    build: (x) => new ad.Alignment({ scores: x, lengths, states, skips, initialStates, finalStates }),
    structures: (b, x) => product(lengths[b]!, states[b]!).filter((a) => a[0]! < initialStates && a[a.length - 1]! >= states[b]! - finalStates
      && a.every((s, t) => t === 0 || (s - a[t - 1]! >= 0 && (s - a[t - 1]! <= 1 || (s - a[t - 1]! === 2 && skips[s]!))))).map((a) => {
      const parts = a.map((s, t) => (b * T + t) * S + s);
      return { api: a, key: tagKey(a), score: parts.reduce((acc, i) => acc + x[i]!, 0), parts };
    }),
    keyOf: tagKey,
    padding: (i) => {
      const s = i % S, t = Math.floor(i / S) % T, b = Math.floor(i / (S * T));
      return t >= lengths[b]! || s >= states[b]!;
    },
    semirings: true,
    marginals: (m) => m.marginals(),
  };
}

// ---------------------------------------------------------------------------------------------
// The checks.

interface CheckOptions {
  /** Relative tolerance of values and derivatives. */
  tol?: number;
  /** k of topk and kmax (default: two more than the largest number of structures, capped at 12). */
  k?: number;
  /** Samples per item for the chi-square test (0: none). */
  samples?: number;
  /** Scores of a second model q for crossEntropy and kl (default: none). */
  other?: number[];
  /** Skip the second derivatives (entropy gradient, Hessian-vector product). */
  firstOrderOnly?: boolean;
  /**
   * An absolute error allowed in quantities formed as differences of scores (log Z, log p, kl,
   * crossEntropy, the non-projective entropy log Z − Σ μ·θ, best scores): ε times their size.
   */
  slack?: number;
}

/** An upper bound on a chi-square variable of `df` degrees of freedom that it exceeds with probability < 1e-6. */
const chiSquareBound = (df: number) => df + 7 * Math.sqrt(2 * df) + 20;

function checkAgainstBruteForce(spec: Spec, x: number[], options: CheckOptions = {}): void {
  const { tol = 1e-10, samples = 0, slack = 0 } = options;
  const close = (got: readonly number[], want: readonly number[], what: string) =>
    got.forEach((g, i) => { if (!(Math.abs(g - want[i]!) <= slack)) near(g, want[i]!, tol, `${what}[${i}]`); });
  const B = spec.shape[0]!;
  const xt = ad.tensor(x, spec.shape);
  const model = spec.build(xt);
  const clean = x.map((v, i) => (spec.padding(i) ? 0 : v));
  const items = Array.from({ length: B }, (_, b) => brute(spec, clean, b));
  const sumOver = (f: (it: Brute) => number[]) => items.map(f).reduce((a, c) => a.map((v, i) => v + c[i]!));
  const name = spec.name;

  // log Z, marginals (the gradient of log Z), entropy.
  close(arr(model.logPartition()), items.map((it) => it.logZ), `${name} logZ`);
  const logZOf = (y: Tensor) => ad.sum(ad.where(ad.isfinite(spec.build(y).logPartition()), spec.build(y).logPartition(), 0));
  allNear(arr(ad.grad(logZOf)(xt)), sumOver((it) => it.marginals), tol, `${name} ∂ log Z`);
  if (spec.marginals) allNear(arr(spec.marginals(model)), sumOver((it) => it.marginals), tol, `${name} marginals()`);
  if (spec.semirings) allNear(arr(model.entropy()), items.map((it) => it.entropy), tol, `${name} entropy`);
  else close(arr(model.entropy()), items.map((it) => it.entropy), `${name} entropy`);
  if (!options.firstOrderOnly) {
    // ∂H/∂θ_i = −Cov(c_i, score); ∂² log Z/∂θ_i∂θ_j v_j = Cov(c_i, Σ_j c_j v_j).
    const gH = arr(ad.grad((y: Tensor) => ad.sum(spec.build(y).entropy()))(xt));
    allNear(gH, covariance(items, x.length, (s) => s.score).map((c) => -c), 10 * tol, `${name} ∂entropy`);
    const v = uniforms(11, x.length);
    const [, hv] = ad.jvp((y: Tensor) => ad.grad(logZOf)(y), [xt], [ad.tensor(v, spec.shape)]) as [Tensor, Tensor];
    allNear(arr(hv), covariance(items, x.length, (s) => s.parts.reduce((a, i) => a + v[i]!, 0)), 10 * tol, `${name} Hessian·v`);
  }

  // The semirings: Z, the best score, the k best scores.
  const most = Math.max(...items.map((it) => it.all.length));
  const k = options.k ?? Math.min(most + 2, 12);
  if (spec.semirings) {
    // Z itself, where the weights exp(score) are in range (beyond, the real semiring overflows as documented).
    if (items.every((it) => it.all.every((s) => s.score < 700))) {
      const Z = arr(model.sum(ad.semirings.real));
      items.forEach((it, b) => near(Z[b]!, it.all.reduce((a, s) => a + Math.exp(s.score), 0), tol, `${name} real`));
      // ∂Z/∂θ_i = Z · μ_i (the weights are exp(θ)).
      const gZ = arr(ad.grad((y: Tensor) => ad.sum(spec.build(y).sum(ad.semirings.real)))(xt));
      const wantZ = new Array<number>(x.length).fill(0);
      items.forEach((it, b) => it.marginals.forEach((m, i) => (wantZ[i]! += Z[b]! * m)));
      allNear(gZ, wantZ, tol, `${name} ∂Z`);
    }
    close(arr(model.sum(ad.semirings.max)), items.map((it) => it.sorted[0] ?? -Infinity), `${name} max`);
    const kmax = arr(model.sum(ad.semirings.kmax(k)));
    items.forEach((it, b) => {
      const want = Array.from({ length: k }, (_, r) => it.sorted[r] ?? -Infinity);
      close(kmax.slice(b * k, (b + 1) * k), want, `${name} kmax(${k})[${b}]`);
    });
    // topk: the k best structures, distinct, each scoring what is reported, best first; topk(1) is argmax.
    const top = model.topk(k);
    const found = Object.values(top).find((v) => v !== top.score) as unknown[];
    items.forEach((it, b) => {
      const structs = (B > 1 || model.batched ? found[b] : found) as unknown[];
      const scores = (B > 1 || model.batched ? top.score[b] : top.score) as number[];
      expect(scores.length).toBe(Math.min(k, it.sorted.length));
      close(scores, it.sorted.slice(0, k), `${name} topk scores[${b}]`);
      const keys = structs.map(spec.keyOf);
      expect(new Set(keys).size, `${name} topk distinct`).toBe(keys.length);
      keys.forEach((key, r) => close([it.all.find((s) => s.key === key)!.score], [scores[r]!], `${name} topk structure ${r} of item ${b}`));
    });
  }
  const best = model.argmax();
  const bestStructs = Object.values(best).find((v) => v !== best.score) as unknown;
  items.forEach((it, b) => {
    const s = (model.batched ? (best.score as number[])[b] : best.score) as number;
    close([s], [it.sorted[0] ?? -Infinity], `${name} argmax score[${b}]`);
    if (it.sorted.length > 0) {
      const struct = model.batched ? (bestStructs as unknown[])[b] : bestStructs;
      close([it.all.find((t) => t.key === spec.keyOf(struct))!.score], [it.sorted[0]!], `${name} argmax structure[${b}]`);
    }
  });

  // logProbability of a structure of every item (the median one, and the last).
  for (const pick of [(n: number) => Math.floor(n / 2), (n: number) => n - 1]) {
    const chosen = items.map((it) => it.all[pick(it.all.length)]!);
    const lp = arr(model.logProbability(model.batched ? chosen.map((s) => s.api) : chosen[0]!.api));
    close(lp, items.map((it, b) => (it.logZ === -Infinity ? -Infinity : chosen[b]!.score - it.logZ)), `${name} logProbability`);
    // ∂ log p(y) / ∂ θ = c(y) − μ where p(y) > 0 (its parts once each, less the marginals).
    if (items.every((it) => it.logZ > -Infinity) && chosen.every((t) => t.score > -Infinity)) {
      const given = model.batched ? chosen.map((t) => t.api) : chosen[0]!.api;
      const g = arr(ad.grad((y: Tensor) => ad.sum(spec.build(y).logProbability(given)))(xt));
      const want = sumOver((it) => it.marginals).map((m) => -m);
      chosen.forEach((t) => t.parts.forEach((i) => (want[i]! += 1)));
      allNear(g, want, tol, `${name} ∂ log p`);
    }
  }

  // crossEntropy and KL against a second model.
  if (options.other !== undefined) {
    const q = spec.build(ad.tensor(options.other, spec.shape));
    const qClean = options.other.map((v, i) => (spec.padding(i) ? 0 : v));
    const qItems = Array.from({ length: B }, (_, b) => brute(spec, qClean, b));
    const ce = arr(model.crossEntropy(q)), kl = arr(model.kl(q));
    items.forEach((it, b) => {
      let h = 0;
      it.all.forEach((s, j) => { if (it.p[j]! > 0) h -= it.p[j]! * (qItems[b]!.all[j]!.score - qItems[b]!.logZ); });
      close([ce[b]!], [h], `${name} crossEntropy[${b}]`);
      close([kl[b]!], [h === Infinity ? Infinity : h - it.entropy], `${name} kl[${b}]`);
    });
    // ∂ KL(p ‖ q) / ∂ θ_q = μ_q − μ_p and ∂ KL(p ‖ q) / ∂ θ_p = Cov_p(c, score_p − score_q), where KL is finite.
    if (kl.every((v) => Number.isFinite(v)) && !options.firstOrderOnly) {
      const qt = ad.tensor(options.other, spec.shape);
      const gq = arr(ad.grad((y: Tensor) => ad.sum(spec.build(xt).kl(spec.build(y))))(qt));
      const gp = arr(ad.grad((y: Tensor) => ad.sum(spec.build(y).kl(spec.build(qt))))(xt));
      // Per item; 0 for an item p gives no structure (its KL is 0 whatever q).
      const want = new Array<number>(x.length).fill(0);
      items.forEach((it, b) => { if (it.logZ > -Infinity) qItems[b]!.marginals.forEach((v, i) => (want[i]! += v - it.marginals[i]!)); });
      allNear(gq, want, tol * 10, `${name} ∂kl/∂q`);
      const byItem = new Map(items.map((it, b) => [it, b]));
      allNear(gp, covariance(items, x.length, (s, j, it) => s.score - qItems[byItem.get(it)!]!.all[j]!.score), tol * 10, `${name} ∂kl/∂p`);
    }
  }

  // Samples: a chi-square test against p at a fixed key; nothing of probability 0 is drawn.
  if (samples > 0) {
    const drawn = model.sample(samples, ad.random.key(5));
    items.forEach((it, b) => {
      const list = (model.batched ? drawn[b] : drawn) as unknown[];
      expect(list.length).toBe(samples);
      const counts = new Map<string, number>();
      for (const s of list) counts.set(spec.keyOf(s), (counts.get(spec.keyOf(s)) ?? 0) + 1);
      if (it.logZ === -Infinity) return;
      const live = it.p.filter((q) => q > 0).length;
      let chi2 = 0, df = -1;
      it.all.forEach((s, j) => {
        const expected = samples * it.p[j]!;
        const seen = counts.get(s.key) ?? 0;
        if (expected === 0) { expect(seen, `${name} sampled ${s.key} of probability 0`).toBe(0); return; }
        chi2 += (seen - expected) ** 2 / expected;
        df++;
      });
      for (const key of counts.keys()) expect(it.all.some((s) => s.key === key), `${name} sampled a non-structure ${key}`).toBe(true);
      // Each part's frequency among the samples against its marginal, within 5 standard errors.
      const freq = new Map<number, number>();
      for (const s of list) for (const i of it.all.find((t) => t.key === spec.keyOf(s))!.parts) freq.set(i, (freq.get(i) ?? 0) + 1 / samples);
      it.marginals.forEach((m, i) => {
        if (m === 0) return;
        expect(Math.abs((freq.get(i) ?? 0) - m), `${name} sampled frequency of part ${i}`).toBeLessThan(5 * Math.sqrt(Math.max(0, m * (1 - m)) / samples) + 1e-9);
      });
      if (samples >= 2 * live) expect(chi2, `${name} chi-square of item ${b} (${df} degrees of freedom)`).toBeLessThan(chiSquareBound(df));
    });
  }
}

/** Scores for `spec`: uniform in (−2, 2), `forbidden` of the used entries set to −∞, padding set to `pad`. */
function scoresFor(spec: Spec, seed: number, { pad = 0, forbidden = 0, scale = 2 }: { pad?: number; forbidden?: number; scale?: number } = {}): number[] {
  const size = spec.shape.reduce((a, c) => a * c, 1);
  const x = uniforms(seed, size, scale);
  const used = x.map((_, i) => i).filter((i) => !spec.padding(i));
  const picks = uniforms(seed + 1, forbidden).map((u) => used[Math.floor(((u + 1) / 2) * used.length)]!);
  picks.forEach((i) => (x[i] = -Infinity));
  return x.map((v, i) => (spec.padding(i) ? pad : v));
}

// ---------------------------------------------------------------------------------------------

/** The models under test; `scale` multiplies their fixed scores (transitions, rules, …) too. */
const specs = (scale = 1): Spec[] => {
  const K = 3;
  // Multiples of 2^-16, so that sums with scores offset by 2^33 stay exact.
  const f = (v: number[]) => v.map((u) => (u === -Infinity ? u : (Math.round(u * 2 ** 16) / 2 ** 16) * scale));
  return [
    chainSpec(3, 3, K, [3, 1, 2], f([0.3, -Infinity, 0.1, -0.4, 0.2, 0.5, 0, -0.7, 0.9]), f([0.2, -0.1, 0]), f([0, 0.4, -Infinity])),
    secondOrderSpec(2, 4, 2, [4, 2], f(uniforms(3, 8)), f([0.1, -0.2, -Infinity, 0.3]), f([0, 0.2, 0.4, -0.5])),
    variableOrderSpec(2, 4, 2, [4, 1], [[0, 1], [1, 1, 0], [1], [0, 0, 0, 1]], f([0.5, -1.2, 0.3, -Infinity])),
    semiMarkovSpec(2, 4, 3, 2, [4, 2], f([0.1, -0.3, -Infinity, 0.2]), f([0.3, 0]), f([-0.2, 0.1])),
    dependencySpec(2, 4, [4, 2], true, false),
    dependencySpec(2, 4, [4, 3], true, true),
    dependencySpec(2, 4, [4, 1], false, false),
    dependencySpec(2, 4, [3, 4], false, true),
    treeCrfSpec(2, 4, 2, [4, 2]),
    pcfgSpec(2, 3, 2, [3, 2], f([0.2, -0.4, 0.1, -Infinity, 0.5, 0.3, -0.6, 0]), f([0.1, -0.3])),
    alignmentSpec(3, 5, 4, [5, 3, 4], [4, 2, 3], [false, false, true, true], 2, 2),
  ];
};

describe('every model against brute force on a ragged batch', () => {
  for (const [i, spec] of specs().entries()) {
    it(`${spec.name}: log Z, marginals, entropy and its gradient, H·v, semirings, argmax, topk, log p, KL, samples`, () => {
      checkAgainstBruteForce(spec, scoresFor(spec, 100 + i, { forbidden: 2 }), { other: scoresFor(spec, 200 + i, { forbidden: 1 }), samples: 300 });
    });
  }
});

describe('padding never leaks: entries no structure reads hold NaN, ±∞ or ±1e300', () => {
  for (const pad of [NaN, Infinity, -Infinity, 1e300]) {
    for (const [i, spec] of specs().entries()) {
      it(`${spec.name}, padding ${pad}`, () => {
        // NaN to every order; the other fillers to first order (their second-order paths are NaN's).
        checkAgainstBruteForce(spec, scoresFor(spec, 300 + i, { pad, forbidden: 1 }), { other: scoresFor(spec, 400 + i, { pad }), samples: 10, k: 4, firstOrderOnly: !Number.isNaN(pad) });
      });
    }
  }
});

describe('no allowed structure, forbidden parts, ±1e300, ties', () => {
  /** x with every used entry of item 0 set to −∞. */
  const deadFirst = (spec: Spec, x: number[]) => {
    const per = x.length / spec.shape[0]!;
    return x.map((v, i) => (i < per && !spec.padding(i) ? -Infinity : v));
  };
  for (const [i, spec] of specs().entries()) {
    it(`${spec.name}: an item with no allowed structure has log Z −∞, zero marginals, entropy and KL 0, and no NaN anywhere`, () => {
      const x = deadFirst(spec, scoresFor(spec, 500 + i, { pad: NaN }));
      checkAgainstBruteForce(spec, x, { other: scoresFor(spec, 600 + i), samples: 20, k: 3 });
      const xt = ad.tensor(x, spec.shape);
      const model = spec.build(xt);
      expect(arr(model.logPartition())[0]).toBe(-Infinity);
      // The gradients of log Z itself (not masked), of the entropy and of log p: finite, 0 on the dead item.
      const per = x.length / spec.shape[0]!;
      for (const f of [(m: any) => m.logPartition(), (m: any) => m.entropy()]) {
        const g = arr(ad.grad((y: Tensor) => ad.sum(f(spec.build(y))))(xt));
        expect(g.every(Number.isFinite), `${spec.name} gradient finite`).toBe(true);
        expect(g.slice(0, per).every((v) => v === 0)).toBe(true);
      }
      if (spec.semirings) expect(model.topk(3).score[0]).toEqual([]);
      expect((model.argmax().score as number[])[0]).toBe(-Infinity);
    });
  }

  // Every score of the order of ±1e300 (the fixed ones too, so that no part is lost to rounding
  // beside them): log-space programs must not overflow, and p is a point mass. The non-projective
  // DependencyCRF too: past floating point's range its elimination runs in log space (helper 114);
  // it is also checked at a spread of ±150 nats, where it does not.
  for (const [i, spec] of specs(1e300).entries()) {
    it(`${spec.name}: scores of ±1e300 (log-space sums that would overflow as weights)`, () => {
      checkAgainstBruteForce(spec, scoresFor(spec, 700 + i, { scale: 1e300, pad: NaN }), { other: scoresFor(spec, 800 + i, { scale: 1e300 }), samples: 20, k: 3, tol: 1e-12, slack: 1e287 });
    });
  }
  for (const [i, spec] of specs().entries()) {
    if (!spec.name.includes('non-projective')) continue;
    it(`${spec.name}: scores of ±150 nats`, () => {
      checkAgainstBruteForce(spec, scoresFor(spec, 700 + i, { scale: 150, pad: NaN }), { other: scoresFor(spec, 800 + i, { scale: 150 }), samples: 20, k: 3, slack: 1e-11 });
    });
  }

  it('the entropy semiring normalises its weights: exact ties at 2^996 (where top + log k rounds to top) keep their log k', () => {
    // p_i was exp(log Z_i − logsumexp): 1 for each of k tied alternatives, and the entropy 0.
    const crf = new ad.LinearChainCRF({ emissions: ad.full([2, 2], 2 ** 996), transitions: ad.zeros([2, 2]) });
    expect(crf.entropy().item()).toBeCloseTo(Math.log(4), 14);
    const tree = new ad.TreeCRF({ spans: ad.full([3, 3, 2], 2 ** 996) }); // 2 bracketings × 2⁵ labellings, all tied
    expect(tree.entropy().item()).toBeCloseTo(Math.log(64), 13);
    // Two trees of the same rules (A → A A twice) tied at 1e300: marginals split evenly, entropy log 2.
    const g = new ad.PCFG({ terminals: ad.full([3, 1], 1e300), rules: ad.full([1, 1, 1], 1e300) });
    expect(g.entropy().item()).toBeCloseTo(Math.log(2), 14);
    expect(arr(ad.grad((r: Tensor) => new ad.PCFG({ terminals: ad.full([3, 1], 1e300), rules: r }).logPartition())(ad.full([1, 1, 1], 1e300)))).toEqual([2]);
  });

  for (const [i, spec] of specs().entries()) {
    it(`${spec.name}: ties (scores in {−1, 0, 1}): argmax is a best structure, topk distinct and sorted`, () => {
      const x = scoresFor(spec, 900 + i, { pad: Infinity }).map((v) => (Number.isFinite(v) ? Math.round(v / 1.5) : v));
      checkAgainstBruteForce(spec, x, { samples: 0, k: 6, firstOrderOnly: true });
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('ctcLoss against every path', () => {
  /** Graves et al.'s collapse: merge repeats, then drop blanks. */
  const collapse = (path: number[], blank: number) => path.filter((c, t) => c !== blank && (t === 0 || c !== path[t - 1]));
  /** −log p(target) and ∂(−log p)/∂ logProbs [T, C] of one sequence over its first `frames` frames, by enumerating C^frames paths. */
  function bruteCtc(lp: number[][], frames: number, target: number[], blank: number) {
    const C = lp[0]!.length;
    const hits = product(frames, C).filter((path) => collapse(path, blank).join() === target.join());
    const scores = hits.map((path) => path.reduce((a, c, t) => a + lp[t]![c]!, 0));
    const top = Math.max(...scores);
    if (top === -Infinity) return { loss: Infinity, grad: lp.map((row) => row.map(() => 0)) };
    const w = scores.map((s) => Math.exp(s - top)), total = w.reduce((a, c) => a + c, 0);
    const grad = lp.map((row) => row.map(() => 0));
    hits.forEach((path, k) => path.forEach((c, t) => (grad[t]![c]! -= w[k]! / total)));
    return { loss: -(top + Math.log(total)), grad };
  }

  /** logProbs [T, N, C] from rows of uniforms (log-softmax per frame), frames past inputLengths set to `pad`. */
  function logProbsOf(seed: number, T: number, N: number, C: number, inputLengths: number[], pad: number): number[][][] {
    const u = uniforms(seed, T * N * C, 2);
    return Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, b) => {
      const row = u.slice((t * N + b) * C, (t * N + b + 1) * C);
      const m = Math.log(row.reduce((a, x) => a + Math.exp(x), 0));
      return row.map((x) => (t >= inputLengths[b]! ? pad : x - m));
    }));
  }

  const cases = [
    { name: 'ragged, repeated labels, an empty target, NaN past the input lengths', T: 5, C: 3, blank: 0, targets: [[1, 1], [2, 1], [], [1, 2]], inputLengths: [5, 3, 2, 4], pad: NaN },
    { name: 'blank 2 (not 0), +∞ padding', T: 5, C: 3, blank: 2, targets: [[0, 1, 0], [1]], inputLengths: [5, 4], pad: Infinity },
    { name: 'an impossible target (3 labels with a repeat need 4 frames)', T: 3, C: 3, blank: 0, targets: [[1, 1, 2], [2]], inputLengths: [3, 3], pad: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const N = c.targets.length;
      const lpv = logProbsOf(31 + c.T, c.T, N, c.C, c.inputLengths, c.pad);
      const lp = ad.tensor(lpv);
      const targetLengths = c.targets.map((t) => t.length);
      const padded = c.targets.map((t) => [...t, ...new Array<number>(3 - t.length).fill(c.blank === 0 ? 1 : 0)]);
      const want = c.targets.map((target, b) => bruteCtc(lpv.map((row) => row[b]!), c.inputLengths[b]!, target, c.blank));
      const none = arr(ad.ctcLoss(lp, padded, c.inputLengths, targetLengths, { blank: c.blank, reduction: 'none' }));
      allNear(none, want.map((w) => w.loss), 1e-12, 'ctc none');
      // The concatenated targets give the same; sum and mean (per target length, at least 1) reduce as PyTorch.
      allNear(arr(ad.ctcLoss(lp, c.targets.flat(), c.inputLengths, targetLengths, { blank: c.blank, reduction: 'none' })), none, 0, 'concatenated');
      near(ad.ctcLoss(lp, padded, c.inputLengths, targetLengths, { blank: c.blank, reduction: 'sum' }).item(), want.reduce((a, w) => a + w.loss, 0), 1e-12, 'sum');
      near(ad.ctcLoss(lp, padded, c.inputLengths, targetLengths, { blank: c.blank }).item(), want.reduce((a, w, b) => a + w.loss / Math.max(1, targetLengths[b]!), 0) / N, 1e-12, 'mean');
      // The gradient of the finite losses (zeroInfinity drops the others: loss and gradient 0).
      const loss = (x: Tensor) => ad.ctcLoss(x, padded, c.inputLengths, targetLengths, { blank: c.blank, reduction: 'sum', zeroInfinity: true });
      const g = arr(ad.grad(loss)(lp));
      const wantGrad = Array.from({ length: c.T }, (_, t) => Array.from({ length: N }, (_, b) => Array.from({ length: c.C }, (_, k) =>
        (want[b]!.loss === Infinity || t >= c.inputLengths[b]! ? 0 : want[b]!.grad[t]![k]!)))).flat(2);
      allNear(g, wantGrad, 1e-12, 'ctc gradient');
      if (want.some((w) => w.loss === Infinity)) expect(arr(ad.ctcLoss(lp, padded, c.inputLengths, targetLengths, { blank: c.blank, reduction: 'none', zeroInfinity: true })).some((v) => v === 0)).toBe(true);
      // Second order: the Hessian-vector product against central differences of the gradient.
      const v = ad.tensor(uniforms(77, c.T * N * c.C).map((x, i) => (Math.floor(i / (N * c.C)) >= c.inputLengths[Math.floor(i / c.C) % N]! ? 0 : x)), [c.T, N, c.C]);
      const [, hv] = ad.jvp((x: Tensor) => ad.grad(loss)(x), [lp], [v]) as [Tensor, Tensor];
      const h = 1e-5;
      const clean = ad.where(ad.isfinite(lp), lp, 0);
      const gp = arr(ad.grad(loss)(ad.add(clean, ad.mul(v, h)))), gm = arr(ad.grad(loss)(ad.sub(clean, ad.mul(v, h))));
      allNear(arr(hv), gp.map((x, i) => (x - gm[i]!) / (2 * h)), 1e-6, 'ctc Hessian·v');
    });
  }

  it('frames whose every alignment pays a log-probability of −1e20 (a mask): each frame\'s gradient sums to −1', () => {
    // The kernel's occupations exp(α + β − log p) cancelled numbers of the size of log p ≈ −1e20:
    // frames' gradients summed to −2 and −3. Normalised per frame, each is a distribution again.
    for (const big of [1e9, 1e20, 1e300]) {
      const lp = ad.tensor([[[-0.1, -big, -2]], [[-0.5, -big, -1]], [[-0.3, -big, -1.5]]]);
      const g = arr(ad.grad((x: Tensor) => ad.ctcLoss(x, [[1]], [3], [1], { reduction: 'sum' }))(lp));
      for (let t = 0; t < 3; t++) near(g[3 * t]! + g[3 * t + 1]! + g[3 * t + 2]!, -1, 1e-12, `frame ${t} at ${big}`);
      expect(g.every((x) => x <= 0 && x >= -1)).toBe(true);
    }
    // Where the −1e9 still resolves the remaining differences, the brute force's −posteriors (to 1e-6: log p ≈ −1e9 has ulp 1e-7).
    const want = bruteCtc([[-0.1, -1e9, -2], [-0.5, -1e9, -1], [-0.3, -1e9, -1.5]], 3, [1], 0).grad.flat();
    allNear(arr(ad.grad((x: Tensor) => ad.ctcLoss(x, [[1]], [3], [1], { reduction: 'sum' }))(ad.tensor([[[-0.1, -1e9, -2]], [[-0.5, -1e9, -1]], [[-0.3, -1e9, -1.5]]]))), want, 1e-6, 'ctc at −1e9');
  });
});

// ---------------------------------------------------------------------------------------------

describe('the documented tie order of LinearChainCRF', () => {
  it('argmax and topk list tied sequences lowest last tag first, then lowest tag before it, …', () => {
    const spec = chainSpec(1, 3, 3, [3], [0, 1, 0, 1, 0, 1, 0, 1, 0], [0, 0, 0], [0, 0, 0]);
    const x = [0, 1, 0, 1, 0, 1, 0, 0, 1];
    const model = spec.build(ad.tensor(x, spec.shape));
    const reversed = (t: number[]) => [...t].reverse().join();
    const want = brute(spec, x, 0).all.slice().sort((a, c) => c.score - a.score || (reversed(a.api as number[]) < reversed(c.api as number[]) ? -1 : 1));
    const top = model.topk(30); // a batch of one: one list
    expect(top.tags[0]).toEqual(want.map((s) => s.api));
    expect(top.score[0]).toEqual(want.map((s) => s.score));
    expect(model.argmax().tags[0]).toEqual(want[0]!.api);
  });
});

describe('vmap, jit and nested grad', () => {
  for (const [i, spec] of specs().entries()) {
    it(`${spec.name}: vmap over a stack of batches, jit, and reverse-over-reverse Hessian·v`, () => {
      const x = scoresFor(spec, 1100 + i, { pad: NaN, forbidden: 1 });
      const y = scoresFor(spec, 1200 + i, { pad: -Infinity });
      const [xt, yt] = [ad.tensor(x, spec.shape), ad.tensor(y, spec.shape)];
      const logZ = (z: Tensor) => spec.build(z).logPartition();
      const total = (z: Tensor) => ad.sum(ad.where(ad.isfinite(logZ(z)), logZ(z), 0));
      // vmap of log Z, the marginals and the entropy over [2, B, …] equals each batch's own.
      const both = ad.stack([xt, yt], 0);
      for (const f of [logZ, (z: Tensor) => ad.grad(total)(z), (z: Tensor) => spec.build(z).entropy()]) {
        const mapped = arr(ad.vmap(f)(both) as Tensor);
        const own = [...arr(f(xt)), ...arr(f(yt))];
        allNear(mapped, own, 1e-12, `${spec.name} vmap`);
      }
      // jit: the value and gradient replayed at other scores equal eager.
      const vg = ad.jit(ad.valueAndGrad(total));
      for (const z of [xt, yt]) {
        const [value, g] = vg(z) as [Tensor, Tensor];
        const [ev, eg] = ad.valueAndGrad(total)(z) as [Tensor, Tensor];
        near(value.item(), ev.item(), 1e-12, `${spec.name} jit value`);
        allNear(arr(g), arr(eg), 1e-12, `${spec.name} jit gradient`);
      }
      // grad of (grad · v) against forward-over-reverse (checked against brute force above).
      const v = ad.tensor(uniforms(13, x.length), spec.shape);
      const rr = arr(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.grad(total)(z), v)))(xt));
      const [, fr] = ad.jvp((z: Tensor) => ad.grad(total)(z), [xt], [v]) as [Tensor, Tensor];
      allNear(rr, arr(fr), 1e-10, `${spec.name} reverse-over-reverse`);
      expect(rr.every(Number.isFinite)).toBe(true);
      // The entropy's Hessian·v (reverse over reverse) against central differences of its gradient.
      const clean = ad.where(ad.isfinite(xt), xt, 0);
      const gH = (z: Tensor) => ad.grad((w: Tensor) => ad.sum(spec.build(w).entropy()))(z);
      const hH = arr(ad.grad((z: Tensor) => ad.sum(ad.mul(gH(z), v)))(clean));
      const h = 1e-5;
      const [gp, gm] = [arr(gH(ad.add(clean, ad.mul(v, h)))), arr(gH(ad.sub(clean, ad.mul(v, h))))];
      allNear(hH, gp.map((g, j) => (spec.padding(j) ? 0 : (g - gm[j]!) / (2 * h))), 1e-6, `${spec.name} entropy Hessian·v`);
    });
  }
});

describe('errors for wrong shapes and arguments', () => {
  const z = (...shape: number[]) => ad.zeros(shape);
  const cases: [string, RegExp, () => unknown][] = [
    ['LinearChainCRF', /emissions .*got \[3\]; pass/, () => new ad.LinearChainCRF({ emissions: z(3), transitions: z(2, 2) })],
    ['LinearChainCRF', /transitions must have shape \[2,2\].*got \[2,3\]; pass/, () => new ad.LinearChainCRF({ emissions: z(3, 2), transitions: z(2, 3) })],
    ['LinearChainCRF', /lengths\[0\] is 0.*pass/, () => new ad.LinearChainCRF({ emissions: z(2, 3, 2), transitions: z(2, 2), lengths: [0, 3] })],
    ['LinearChainCRF', /batch is empty.*B = 0/, () => new ad.LinearChainCRF({ emissions: z(0, 3, 2), transitions: z(2, 2) })],
    ['LinearChainCRF.topk', /k must be an integer ≥ 1.*pass/, () => new ad.LinearChainCRF({ emissions: z(3, 2), transitions: z(2, 2) }).topk(0)],
    ['LinearChainCRF.logProbability', /tags\[1\] is 2.*pass/, () => new ad.LinearChainCRF({ emissions: z(3, 2), transitions: z(2, 2) }).logProbability([0, 2, 1])],
    ['LinearChainCRF.kl', /same kind.*\[1,3,2\].*\[1,4,2\]/, () => new ad.LinearChainCRF({ emissions: z(3, 2), transitions: z(2, 2) }).kl(new ad.LinearChainCRF({ emissions: z(4, 2), transitions: z(2, 2) }))],
    ['HigherOrderCRF', /transitions must have shape.*got \[2,3,2\]; pass/, () => new ad.HigherOrderCRF({ emissions: z(3, 2), transitions: z(2, 3, 2) })],
    ['VariableOrderCRF', /weights must have shape \[1\].*got \[2\]; pass/, () => new ad.VariableOrderCRF({ emissions: z(3, 2), contexts: [[0, 1]], weights: z(2) })],
    ['SemiMarkovCRF', /segments must have shape \[n, L, C\].*got \[3,2\]; pass/, () => new ad.SemiMarkovCRF({ segments: z(3, 2), transitions: z(2, 2) })],
    ['SemiMarkovCRF', /transitions must have shape \[2,2\].*got \[3,3\]; pass/, () => new ad.SemiMarkovCRF({ segments: z(3, 2, 2), transitions: z(3, 3) })],
    ['DependencyCRF', /arcScores must have shape \[n \+ 1, n \+ 1\].*got \[3,4\]; pass/, () => new ad.DependencyCRF({ arcScores: z(3, 4), projective: true })],
    ['DependencyCRF.sum', /not a semiring dynamic program.*projective: true/, () => new ad.DependencyCRF({ arcScores: z(3, 3), projective: false }).sum(ad.semirings.max)],
    ['TreeCRF', /spans must have shape \[n, n, NT\].*got \[3,2,2\]; pass/, () => new ad.TreeCRF({ spans: z(3, 2, 2) })],
    ['PCFG', /rules must have shape \[2,2,2\].*got \[2,2\]; pass/, () => new ad.PCFG({ terminals: z(3, 2), rules: z(2, 2) })],
    ['Alignment', /scores must have shape \[T, S\].*got \[3\]; pass/, () => new ad.Alignment({ scores: z(3) })],
    ['Alignment', /states\[0\] is 3.*pass/, () => new ad.Alignment({ scores: z(2, 3, 2), states: [3, 1] })],
    ['HMM', /transition must have shape \[2,2\].*got \[1,1\]; pass/, () => new ad.HMM({ initial: ad.log(ad.tensor([0.5, 0.5])), transition: z(1, 1), emission: ad.log(ad.full([2, 2], 0.5)) })],
    ['ctcLoss', /logProbs must have shape \[T, N, C\].*got \[3\]; pass/, () => ad.ctcLoss(z(3), [[1]], [3], [1])],
    ['ctcLoss', /inputLengths\[0\] is 4/, () => ad.ctcLoss(z(3, 1, 3), [[1]], [4], [1])],
    ['ctcLoss', /has 0 at position 0.*the blank 0; pass labels without the blank, or set \{ blank \}/, () => ad.ctcLoss(z(3, 1, 3), [[0]], [3], [1])],
  ];
  for (const [op, message, f] of cases) {
    it(`${op}: ${message.source.slice(0, 40)}`, () => {
      let error: unknown = null;
      try { f(); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(ad.AdjointError);
      expect((error as Error).message.startsWith(`${op}: `)).toBe(true);
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe('HMM against every state sequence', () => {
  const K = 2, V = 3;
  const norm = (row: number[]) => { const m = Math.log(row.reduce((a, x) => a + Math.exp(x), 0)); return row.map((x) => x - m); };
  const init = norm([0.3, -0.2]);
  const trans = [norm([0.5, -1]), [-Infinity, 0]]; // state 1 never leaves
  const emit = [norm([0.2, -0.4, 0.1]), norm([-1, 0.6, 0.3])];
  const hmm = new ad.HMM({ initial: ad.tensor(init), transition: ad.tensor(trans), emission: ad.tensor(emit) });
  const obs = [[0, 2, 1, 1], [1], [2, 0]];
  /** Every state sequence of x with log p(z, x). */
  const joint = (x: number[]) => product(x.length, K).map((z) => ({
    z, lp: init[z[0]!]! + z.reduce((a, k, t) => a + emit[k]![x[t]!]! + (t > 0 ? trans[z[t - 1]!]![k]! : 0), 0),
  }));

  it('log-likelihood, posteriors (expected counts), Viterbi, topk, logJoint, one EM step, samples', () => {
    const counts = { initial: [0, 0], transition: [[0, 0], [0, 0]], emission: [[0, 0, 0], [0, 0, 0]] };
    const ll = obs.map((x) => {
      const all = joint(x);
      const top = Math.max(...all.map((a) => a.lp));
      const logp = top + Math.log(all.reduce((a, c) => a + Math.exp(c.lp - top), 0));
      for (const { z, lp } of all) {
        const p = Math.exp(lp - logp);
        counts.initial[z[0]!]! += p;
        z.forEach((k, t) => { counts.emission[k]![x[t]!]! += p; if (t > 0) counts.transition[z[t - 1]!]![k]! += p; });
      }
      return { logp, best: all.reduce((a, c) => (c.lp > a.lp ? c : a)), sorted: all.map((a) => a.lp).filter((v) => v > -Infinity).sort((a, c) => c - a) };
    });
    allNear(arr(hmm.logLikelihood(obs)), ll.map((l) => l.logp), 1e-12, 'HMM log-likelihood');
    const ec = hmm.expectedCounts(obs);
    allNear(arr(ec.initial), counts.initial, 1e-12, 'initial counts');
    allNear(arr(ec.transition), counts.transition.flat(), 1e-12, 'transition counts');
    allNear(arr(ec.emission), counts.emission.flat(), 1e-12, 'emission counts');
    const vit = hmm.viterbi(obs);
    allNear(vit.score, ll.map((l) => l.best.lp), 1e-12, 'Viterbi score');
    expect(vit.states).toEqual(ll.map((l) => l.best.z));
    const top = hmm.topk(obs, 20);
    top.score.forEach((s, b) => allNear(s, ll[b]!.sorted, 1e-12, `topk[${b}]`));
    allNear(arr(hmm.logJoint(vit.states, obs)), ll.map((l) => l.best.lp), 1e-12, 'logJoint');
    // The M-step normalises the counts (the row of state 1, which never leaves, stays [0, 1]).
    const next = hmm.emStep(obs);
    const normalised = (rows: number[][]) => rows.flatMap((r) => { const s = r.reduce((a, c) => a + c, 0); return r.map((c) => Math.log(c / s)); });
    allNear(arr(next.transition), normalised(counts.transition), 1e-12, 'EM transition');
    allNear(arr(next.emission), normalised(counts.emission), 1e-12, 'EM emission');
    allNear(arr(next.initial), normalised([counts.initial]), 1e-12, 'EM initial');
    expect(arr(next.logLikelihood(obs)).reduce((a, c) => a + c)).toBeGreaterThan(ll.reduce((a, l) => a + l.logp, 0));
    // Samples of the posterior never leave state 1 once in it (a forbidden transition).
    for (const zs of (hmm.sample(obs, 200, 4) as number[][][]).flat()) zs.forEach((k, t) => { if (t > 0 && zs[t - 1] === 1) expect(k).toBe(1); });
  });
});

describe('crossEntropy and KL are +∞ where q forbids what p uses', () => {
  for (const [i, spec] of specs().entries()) {
    it(spec.name, () => {
      const x = scoresFor(spec, 1500 + i, { pad: NaN });
      // q: p's scores with one part of p's best structure of item 0 forbidden.
      const part = brute(spec, x.map((v, j) => (spec.padding(j) ? 0 : v)), 0).all.reduce((a, c) => (c.score > a.score ? c : a)).parts[0]!;
      const y = x.map((v, j) => (j === part ? -Infinity : v));
      checkAgainstBruteForce(spec, x, { other: y, samples: 0, k: 2, firstOrderOnly: true });
      expect(arr(spec.build(ad.tensor(x, spec.shape)).kl(spec.build(ad.tensor(y, spec.shape))))[0]).toBe(Infinity);
      // The other way it is finite: q's support lies inside p's.
      const back = arr(spec.build(ad.tensor(y, spec.shape)).kl(spec.build(ad.tensor(x, spec.shape))))[0]!;
      expect(Number.isFinite(back) && back > 0).toBe(true);
    });
  }
});

describe('edge sizes: items of one word, frame or position', () => {
  const cases: [Spec, number][] = [
    [pcfgSpec(2, 3, 2, [1, 3], [0.2, -0.4, 0.1, -Infinity, 0.5, 0.3, -0.6, 0], [0.1, -0.3]), 1],
    [treeCrfSpec(2, 3, 2, [1, 3]), 2],
    [semiMarkovSpec(2, 3, 2, 2, [1, 3], [0.1, -0.3, 0.5, 0.2], [0.3, 0], [-0.2, 0.1]), 3],
    [secondOrderSpec(2, 3, 2, [2, 3], uniforms(5, 8), [0.1, -0.2, 0.4, 0.3], [0, 0.2, 0.4, -0.5]), 4],
    [alignmentSpec(3, 3, 3, [1, 3, 2], [2, 3, 1], [false, false, true], 2, 1), 5],
    [dependencySpec(2, 2, [1, 2], true, true), 6],
    [dependencySpec(2, 2, [1, 2], false, true), 7],
  ];
  for (const [spec, seed] of cases) {
    it(`${spec.name}, lengths [${spec.lengths.join(', ')}]`, () => {
      checkAgainstBruteForce(spec, scoresFor(spec, 1300 + seed, { pad: NaN }), { other: scoresFor(spec, 1400 + seed), samples: 60 });
    });
  }

  it('an Alignment whose lattice allows no alignment (more states than frames reach)', () => {
    const a = new ad.Alignment({ scores: ad.tensor(uniforms(3, 12), [2, 2, 3]), lengths: [2, 2], states: [3, 2] });
    expect(arr(a.logPartition())[0]).toBe(-Infinity);
    expect(arr(a.marginals()).slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arr(a.entropy())[0]).toBe(0);
    expect((a.argmax().states as (number[] | null)[])[0]).toBeNull();
    expect((a.topk(2).states as number[][][])[0]).toEqual([]);
    expect(arr(ad.grad((x: Tensor) => ad.sum(new ad.Alignment({ scores: x, lengths: [2, 2], states: [3, 2] }).entropy()))(ad.tensor(uniforms(3, 12), [2, 2, 3]))).every(Number.isFinite)).toBe(true);
    // Nothing to draw from item 0: sample names it (it returned states that were no alignment; helper 114).
    expect(() => a.sample(3, 1)).toThrow(/Alignment\.sample: item 0 \(2 frames, 3 states\) allows no alignment at all/);
    const drawn = new ad.Alignment({ scores: ad.tensor(uniforms(3, 12).slice(6), [1, 2, 3]), lengths: [2], states: [2] }).sample(3, 1) as number[][][];
    expect(drawn[0]!.every((s) => s.join() === '0,1')).toBe(true);
  });
});

describe('checkpoints change nothing, samples included', () => {
  // The sample semiring's ⊕ drew (and took a counter) also where its cotangent was all zero, which
  // scan's checkpointing calls and checkpoints: 'all' skips (a semi-Markov step's last β, which
  // nothing reads): SemiMarkovCRF.sample gave other samples with checkpoints than without.
  const lengths = [7, 2, 5];
  const E = ad.tensor(uniforms(5, 3 * 7 * 3).map((v, i) => (Math.floor(i / 3) % 7 >= lengths[Math.floor(i / 21)]! ? NaN : v)), [3, 7, 3]);
  const builders: [string, (x: Tensor, checkpoints: ad.Checkpoints) => any, Tensor][] = [
    ['LinearChainCRF', (x, checkpoints) => new ad.LinearChainCRF({ emissions: x, transitions: ad.tensor(uniforms(3, 9), [3, 3]), lengths, checkpoints }), E],
    ['HigherOrderCRF', (x, checkpoints) => new ad.HigherOrderCRF({ emissions: x, transitions: ad.tensor(uniforms(3, 27), [3, 3, 3]), lengths, checkpoints }), E],
    ['VariableOrderCRF', (x, checkpoints) => new ad.VariableOrderCRF({ emissions: x, contexts: [[0, 1], [2, 2, 1]], weights: ad.tensor([0.3, -1]), lengths, checkpoints }), E],
    ['SemiMarkovCRF', (x, checkpoints) => new ad.SemiMarkovCRF({ segments: x, transitions: ad.tensor(uniforms(3, 4), [2, 2]), lengths, checkpoints }), ad.tensor(uniforms(9, 3 * 7 * 3 * 2), [3, 7, 3, 2])],
    ['Alignment', (x, checkpoints) => new ad.Alignment({ scores: x, lengths, states: [3, 2, 3], skips: [false, false, true], checkpoints }), E],
  ];
  for (const [name, build, x] of builders) {
    it(name, () => {
      const all = (checkpoints: ad.Checkpoints) => {
        const m = build(x, checkpoints);
        return {
          logZ: arr(m.logPartition()), entropy: arr(m.entropy()),
          grad: arr(ad.grad((y: Tensor) => ad.sum(build(y, checkpoints).logPartition()))(x)),
          samples: m.sample(4, 2), topk: m.topk(3), argmax: m.argmax(),
        };
      };
      const want = all('all');
      for (const c of [1, 2, 'sqrt'] as const) {
        const got = all(c);
        allNear(got.logZ, want.logZ, 1e-13, `${name} logZ`);
        allNear(got.entropy, want.entropy, 1e-13, `${name} entropy`);
        allNear(got.grad, want.grad, 1e-13, `${name} gradient`);
        expect(got.samples).toEqual(want.samples);
        expect(got.topk.score).toEqual(want.topk.score);
        expect(got.argmax).toEqual(want.argmax);
      }
    });
  }
});
