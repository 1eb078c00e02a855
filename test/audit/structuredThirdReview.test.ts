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
  const top = Math.max(...all.map((s) => s.score));
  const logZ = top === -Infinity ? -Infinity : top + Math.log(all.reduce((a, s) => a + Math.exp(s.score - top), 0));
  const p = all.map((s) => (logZ === -Infinity ? 0 : Math.exp(s.score - logZ)));
  const marginals = new Array<number>(x.length).fill(0);
  let entropy = 0;
  all.forEach((s, k) => {
    if (p[k]! === 0) return;
    entropy -= p[k]! * (s.score - logZ);
    s.parts.forEach((i) => (marginals[i]! += p[k]!));
  });
  const sorted = all.map((s) => s.score).filter((s) => s > -Infinity).sort((a, c) => c - a);
  return { logZ, p, all, marginals, entropy, sorted };
}

/** Σ over the items of Cov(c_i, f) under each item's distribution, c_i the count of part i. */
function covariance(items: Brute[], size: number, f: (s: Structure, k: number, item: Brute) => number): number[] {
  const out = new Array<number>(size).fill(0);
  for (const it of items) {
    const mean = it.all.reduce((a, s, k) => a + (it.p[k]! > 0 ? it.p[k]! * f(s, k, it) : 0), 0);
    it.all.forEach((s, k) => {
      if (it.p[k]! === 0) return;
      const d = f(s, k, it) - mean;
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
}

/** An upper bound on a chi-square variable of `df` degrees of freedom that it exceeds with probability < 1e-6. */
const chiSquareBound = (df: number) => df + 7 * Math.sqrt(2 * df) + 20;

function checkAgainstBruteForce(spec: Spec, x: number[], options: CheckOptions = {}): void {
  const { tol = 1e-10, samples = 0 } = options;
  const B = spec.shape[0]!;
  const xt = ad.tensor(x, spec.shape);
  const model = spec.build(xt);
  const clean = x.map((v, i) => (spec.padding(i) ? 0 : v));
  const items = Array.from({ length: B }, (_, b) => brute(spec, clean, b));
  const sumOver = (f: (it: Brute) => number[]) => items.map(f).reduce((a, c) => a.map((v, i) => v + c[i]!));
  const name = spec.name;

  // log Z, marginals (the gradient of log Z), entropy.
  allNear(arr(model.logPartition()), items.map((it) => it.logZ), tol, `${name} logZ`);
  const logZOf = (y: Tensor) => ad.sum(ad.where(ad.isfinite(spec.build(y).logPartition()), spec.build(y).logPartition(), 0));
  allNear(arr(ad.grad(logZOf)(xt)), sumOver((it) => it.marginals), tol, `${name} ∂ log Z`);
  if (spec.marginals) allNear(arr(spec.marginals(model)), sumOver((it) => it.marginals), tol, `${name} marginals()`);
  allNear(arr(model.entropy()), items.map((it) => it.entropy), tol, `${name} entropy`);
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
    const Z = arr(model.sum(ad.semirings.real));
    items.forEach((it, b) => near(Z[b]!, it.all.reduce((a, s) => a + Math.exp(s.score), 0), tol, `${name} real`));
    allNear(arr(model.sum(ad.semirings.max)), items.map((it) => it.sorted[0] ?? -Infinity), tol, `${name} max`);
    const kmax = arr(model.sum(ad.semirings.kmax(k)));
    items.forEach((it, b) => {
      const want = Array.from({ length: k }, (_, r) => it.sorted[r] ?? -Infinity);
      allNear(kmax.slice(b * k, (b + 1) * k), want, tol, `${name} kmax(${k})[${b}]`);
    });
    // topk: the k best structures, distinct, each scoring what is reported, best first; topk(1) is argmax.
    const top = model.topk(k);
    const found = Object.values(top).find((v) => v !== top.score) as unknown[];
    items.forEach((it, b) => {
      const structs = (B > 1 || model.batched ? found[b] : found) as unknown[];
      const scores = (B > 1 || model.batched ? top.score[b] : top.score) as number[];
      allNear(scores, it.sorted.slice(0, k), tol, `${name} topk scores[${b}]`);
      const keys = structs.map(spec.keyOf);
      expect(new Set(keys).size, `${name} topk distinct`).toBe(keys.length);
      keys.forEach((key, r) => near(it.all.find((s) => s.key === key)!.score, scores[r]!, tol, `${name} topk structure ${r} of item ${b}`));
    });
  }
  const best = model.argmax();
  const bestStructs = Object.values(best).find((v) => v !== best.score) as unknown;
  items.forEach((it, b) => {
    const s = (model.batched ? (best.score as number[])[b] : best.score) as number;
    near(s, it.sorted[0] ?? -Infinity, tol, `${name} argmax score[${b}]`);
    if (it.sorted.length > 0) {
      const struct = model.batched ? (bestStructs as unknown[])[b] : bestStructs;
      near(it.all.find((t) => t.key === spec.keyOf(struct))!.score, it.sorted[0]!, tol, `${name} argmax structure[${b}]`);
    }
  });

  // logProbability of a structure of every item (the median one, and the last).
  for (const pick of [(n: number) => Math.floor(n / 2), (n: number) => n - 1]) {
    const chosen = items.map((it) => it.all[pick(it.all.length)]!);
    const lp = arr(model.logProbability(model.batched ? chosen.map((s) => s.api) : chosen[0]!.api));
    items.forEach((it, b) => near(lp[b]!, it.logZ === -Infinity ? -Infinity : chosen[b]!.score - it.logZ, tol, `${name} logProbability[${b}]`));
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
      near(ce[b]!, h, tol * 10, `${name} crossEntropy[${b}]`);
      near(kl[b]!, h === Infinity ? Infinity : h - it.entropy, tol * 10, `${name} kl[${b}]`);
    });
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

const specs = (): Spec[] => {
  const K = 3;
  return [
    chainSpec(3, 3, K, [3, 1, 2], [0.3, -Infinity, 0.1, -0.4, 0.2, 0.5, 0, -0.7, 0.9], [0.2, -0.1, 0], [0, 0.4, -Infinity]),
    secondOrderSpec(2, 4, 2, [4, 2], uniforms(3, 8), [0.1, -0.2, -Infinity, 0.3], [0, 0.2, 0.4, -0.5]),
    variableOrderSpec(2, 4, 2, [4, 1], [[0, 1], [1, 1, 0], [1], [0, 0, 0, 1]], [0.5, -1.2, 0.3, -Infinity]),
    semiMarkovSpec(2, 4, 3, 2, [4, 2], [0.1, -0.3, -Infinity, 0.2], [0.3, 0], [-0.2, 0.1]),
    dependencySpec(2, 4, [4, 2], true, false),
    dependencySpec(2, 4, [4, 3], true, true),
    dependencySpec(2, 4, [4, 1], false, false),
    dependencySpec(2, 4, [3, 4], false, true),
    treeCrfSpec(2, 4, 2, [4, 2]),
    pcfgSpec(2, 3, 2, [3, 2], [0.2, -0.4, 0.1, -Infinity, 0.5, 0.3, -0.6, 0], [0.1, -0.3]),
    alignmentSpec(3, 5, 4, [5, 3, 4], [4, 2, 3], [false, false, true, true], 2, 2),
  ];
};

describe('every model against brute force on a ragged batch', () => {
  for (const [i, spec] of specs().entries()) {
    it(`${spec.name}: log Z, marginals, entropy and its gradient, H·v, semirings, argmax, topk, log p, KL, samples`, () => {
      checkAgainstBruteForce(spec, scoresFor(spec, 100 + i, { forbidden: 2 }), { other: scoresFor(spec, 200 + i, { forbidden: 1 }), samples: 1500 });
    });
  }
});

describe('padding never leaks: entries no structure reads hold NaN, ±∞ or ±1e300', () => {
  for (const pad of [NaN, Infinity, -Infinity, 1e300]) {
    for (const [i, spec] of specs().entries()) {
      it(`${spec.name}, padding ${pad}`, () => {
        checkAgainstBruteForce(spec, scoresFor(spec, 300 + i, { pad, forbidden: 1 }), { other: scoresFor(spec, 400 + i, { pad }), samples: 40, k: 4 });
      });
    }
  }
});
