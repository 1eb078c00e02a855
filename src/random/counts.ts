/**
 * @file Keyed count samplers beyond poisson, as jax.random's in x64 mode: `geometric` (inversion of
 * one uniform), `binomial` (jax/_src/random.py `_binomial`, after TensorFlow's random_binomial_op:
 * the sum of geometric waiting times while n·min(p, 1 − p) ≤ 10, else Kachitvichyanukul &
 * Schmeiser's BTRS transformed rejection, 1993) and `multinomial` (a chain of binomials over the
 * categories, as JAX's scan). The streams are JAX's: every round draws a uniform for every element,
 * and BTRS runs over all elements (JAX's placeholders n = 1e4, p = ½ where inversion is used), its
 * last acceptance kept, so the counts are JAX's up to the last bits of log. Not differentiable.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { add, div } from '../ops/binary.js';
import { floor } from '../ops/rounding.js';
import { broadcastTo } from '../ops/shape.js';
import { log, log1p, neg } from '../ops/unary.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { constant, eachExample, keyed } from './batching.js';
import { unitSample, type KeyLike } from './continuous.js';
import { defaultShape } from './closedForm.js';
import { split, toKey, type Key } from './key.js';
import { broadcastsTo, param, sampleSize, valuesToCheck, optionalShape } from './params.js';
import { unitUniform } from './threefry.js';
import { extraArguments } from '../core/extraArguments.js';

/** Throws unless every readable value of `p` is a probability in (0, 1] (`open`: also > 0) or [0, 1]. */
function checkProbability(op: string, p: TensorLike, open: boolean): void {
  const values = valuesToCheck(typeof p === 'number' ? p : asTensor(p, op));
  if (values === null || Array.from(values).every((v) => (open ? v > 0 : v >= 0) && v <= 1)) return;
  throw new InvalidArgumentError(
    `${op}: p must be a probability in ${open ? '(0, 1]' : '[0, 1]'}${typeof p === 'number' ? `, got ${p}` : ' everywhere'}; pass the chance of success of one trial.`,
  );
}

/**
 * The number of trials up to and including the first success, P(k) = p(1 − p)^{k−1} for k ≥ 1
 * (JAX's `random.geometric`): floor(log u/log1p(−p)) + 1, u the unit uniforms (u = 0 read as 1).
 * `p` in (0, 1]; the shape defaults to p's.
 * @example ad.random.geometric(ad.random.key(0), 0.5, [4]).shape // [4]
 */
export function geometric(k: KeyLike, p: TensorLike, shape?: Shape): Tensor;
export function geometric(k: KeyLike, p: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.geometric', 'random.geometric(k, p, shape?)', extra, shape);
  const op = 'random.geometric';
  return keyed(op, k, [p] as const, (key, [p]) => {
    const s = defaultShape(op, shape, p);
    const prob = param(op, 'p', p, s);
    checkProbability(op, prob, true);
    const u = unitSample(op, key, s);
    for (let i = 0; i < u.length; i++) if (u[i] === 0) u[i] = 1;
    return add(floor(div(log(new Tensor(u, [...s])), broadcastTo(log1p(neg(prob)), s))), 1);
  });
}

/** Stirling's series remainder log k! − (k + ½)log(k + 1) + (k + 1) − ½log 2π at k = 0 … 9 (TensorFlow's and JAX's table). */
const STIRLING_TAIL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
  0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287,
];

/**
 * JAX's `_stirling_approx_tail`: the table for k ≤ 9, else the series 1/12 − … at k clamped to 9 —
 * JAX clamps k before the series too, so every k > 9 gets its value at 9 (≈ 1/(12·10)); kept, as the
 * acceptance test's bound, so that the draws are JAX's. (The four tails in BTRS's bound nearly
 * cancel, so the distribution moves by about 1e−3 relative in the far tails.)
 */
function stirlingTail(k: number): number {
  const kc = Math.min(Math.max(k, 0), 9);
  if (k <= 9) return STIRLING_TAIL[Math.floor(kc)]!;
  const kp1sq = (kc + 1) * (kc + 1);
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (kc + 1);
}

/** From this n on, BTRS's bound is taken in the form without cancellation (see logRatioBound). */
const REARRANGE_FROM = 1e6;

/**
 * The log-ratio part of BTRS's acceptance bound, JAX's T1 + T2 + T3 with T1 = (M + ½)log((M + 1)/(R(N − M + 1))),
 * T2 = (N + 1)log((N − M + 1)/(N − k + 1)), T3 = (k + ½)log(R(N − k + 1)/(k + 1)). Each is of size
 * √N·|log| or N·|log of a ratio near 1|, so their rounding (2e−16 of N per log) swamps the O(1)
 * sum for huge n: the draws' variance was 1.05·np(1 − p) at n = 1e16, p = 0.3. From n = 1e6 on,
 * with B(j) = log(R(N − j + 1)/(j + 1)) (T1 = −(M + ½)B(M), T3 = (k + ½)B(k)) the same sum is
 * (k − M)B(k) + (M + ½)(log1p((M − k)/(N − M + 1)) − log1p((k − M)/(M + 1))) + (N + 1)log1p((k − M)/(N − k + 1)),
 * every term of size |k − M| with the integer differences exact. Below, JAX's form (its error there
 * is below 1e−9), so those draws do not move.
 */
function logRatioBound(N: number, M: number, k: number, R: number): number {
  if (N < REARRANGE_FROM) {
    return (M + 0.5) * Math.log((M + 1) / (R * (N - M + 1))) + (N + 1) * Math.log((N - M + 1) / (N - k + 1)) +
      (k + 0.5) * Math.log((R * (N - k + 1)) / (k + 1));
  }
  const d = k - M;
  return d * Math.log((R * (N - k + 1)) / (k + 1)) + (M + 0.5) * (Math.log1p(-d / (N - M + 1)) - Math.log1p(d / (M + 1))) +
    (N + 1) * Math.log1p(d / (N - k + 1));
}

/** JAX's `_binomial_inversion`: per element, the count of geometric waiting times ceil(log u/log(1 − q)) summing to at most n. */
function inversion(key: Key, count: Float64Array, q: Float64Array, out: Float64Array, use: Uint8Array): void {
  const n = count.length;
  const log1mq = q.map((v) => Math.log1p(-v));
  const numGeom = new Float64Array(n), geomSum = new Float64Array(n);
  let rng = key;
  for (;;) {
    let active = false;
    for (let i = 0; i < n; i++) if (geomSum[i]! <= count[i]!) { active = true; break; }
    if (!active) break;
    const [sub, next] = split(rng, 2);
    rng = next!;
    const u = unitUniform(sub!.words[0], sub!.words[1], n);
    for (let i = 0; i < n; i++) {
      if (geomSum[i]! <= count[i]!) numGeom[i]!++;
      geomSum[i] = geomSum[i]! + Math.ceil(Math.log(u[i]!) / log1mq[i]!);
    }
  }
  for (let i = 0; i < n; i++) if (use[i]) out[i] = numGeom[i]! - 1;
}

/** JAX's `_btrs` over every element (its placeholders included: they decide how many rounds run), for the elements not in `use`. */
function btrs(key: Key, count: Float64Array, q: Float64Array, out: Float64Array, use: Uint8Array): void {
  const n = count.length;
  const stddev = count.map((c, i) => Math.sqrt(c * q[i]! * (1 - q[i]!)));
  const b = stddev.map((s) => 1.15 + 2.53 * s);
  const a = b.map((v, i) => -0.0873 + 0.0248 * v + 0.01 * q[i]!);
  const c = count.map((v, i) => v * q[i]! + 0.5);
  const vr = b.map((v) => 0.92 - 4.2 / v);
  const r = q.map((v) => v / (1 - v));
  const alpha = b.map((v, i) => (2.83 + 5.1 / v) * stddev[i]!);
  const m = count.map((v, i) => Math.floor((v + 1) * q[i]!));
  const kOut = new Float64Array(n).fill(-1), accepted = new Uint8Array(n);
  let pending = n, rng = key;
  while (pending > 0) {
    const [next, k0, k1] = split(rng, 3);
    rng = next!;
    const us0 = unitUniform(k0!.words[0], k0!.words[1], n), vs = unitUniform(k1!.words[0], k1!.words[1], n);
    for (let i = 0; i < n; i++) {
      const u = us0[i]! - 0.5, us = 0.5 - Math.abs(u), v0 = vs[i]!, N = count[i]!, M = m[i]!, R = r[i]!;
      const accept1 = us >= 0.07 && v0 <= vr[i]!;
      const k = Math.floor(((2 * a[i]!) / us + b[i]!) * u + c[i]!);
      const reject = k < 0 || k > N;
      const v = Math.log((v0 * alpha[i]!) / (a[i]! / (us * us) + b[i]!));
      const ub = logRatioBound(N, M, k, R) + stirlingTail(M) + stirlingTail(N - M) - stirlingTail(k) - stirlingTail(N - k);
      if (accept1 || (!reject && v <= ub)) {
        kOut[i] = k; // JAX's select(accept, k, k_out): a later acceptance replaces an earlier one
        if (!accepted[i]) { accepted[i] = 1; pending--; }
      }
    }
  }
  for (let i = 0; i < n; i++) if (!use[i]) out[i] = kOut[i]!;
}

/** Binomial counts for plain n (floored, finite, ≥ 0) and p (in [0, 1]) of one shape, as JAX's `_binomial`. */
export function binomialValues(key: Key, n: Float64Array, p: Float64Array): Float64Array {
  const size = n.length;
  const q = p.map((v) => (v < 0.5 ? v : 1 - v));
  // JAX decides on n as given, then floors it.
  const use = Uint8Array.from(n, (c, i) => (c * q[i]! <= 10 ? 1 : 0));
  const count = n.map(Math.floor);
  const out = new Float64Array(size);
  inversion(key, count.map((c, i) => (use[i] ? c : 0)), q, out, use);
  if (use.some((u) => u === 0)) btrs(key, count.map((c, i) => (use[i] ? 1e4 : c)), q.map((v, i) => (use[i] ? 0.5 : v)), out, use);
  for (let i = 0; i < size; i++) if (!(p[i]! < 0.5)) out[i] = count[i]! - out[i]!;
  return out;
}

/** Throws unless every readable value of n is finite and ≥ 0. */
function checkTrials(op: string, n: TensorLike): void {
  const values = valuesToCheck(typeof n === 'number' ? n : asTensor(n, op));
  if (values === null || Array.from(values).every((v) => v >= 0 && v < Infinity)) return;
  throw new InvalidArgumentError(`${op}: n must be finite and ≥ 0${typeof n === 'number' ? `, got ${n}` : ' everywhere'}; pass a number of trials (a fraction is floored, as JAX and NumPy do).`);
}

/**
 * Binomial(n, p) counts, P(k) = C(n, k)pᵏ(1 − p)^{n−k} (JAX's `random.binomial`: inversion by
 * geometric waiting times while n·min(p, 1 − p) ≤ 10, BTRS otherwise, on p or 1 − p whichever is
 * below ½). `n` ≥ 0 (floored) and `p` in [0, 1] are numbers or tensors; the shape defaults to
 * their broadcast shape. Float64 values; not differentiable.
 * @example ad.random.binomial(ad.random.key(0), 10, 0.3, [4]).shape // [4]
 */
export function binomial(k: KeyLike, n: TensorLike, p: TensorLike, shape?: Shape): Tensor;
export function binomial(k: KeyLike, n: TensorLike, p: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.binomial', 'random.binomial(k, n, p, shape?)', extra, shape);
  const op = 'random.binomial';
  return keyed(op, k, [n, p] as const, (key, [n, p]) => {
    const s = defaultShape(op, shape, n, p);
    sampleSize(op, s, 2);
    const trials = asTensor(param(op, 'n', n, s), op), prob = asTensor(param(op, 'p', p, s), op);
    return eachExample([constant(trials), constant(prob)], ([t, q]) => {
      checkTrials(op, typeof n === 'number' ? n : t!);
      checkProbability(op, typeof p === 'number' ? p : q!, false);
      return new Tensor(binomialValues(toKey(key, op), broadcastTo(t!, s).values.slice(), broadcastTo(q!, s).values.slice()), [...s]);
    });
  });
}

/**
 * Multinomial counts: n trials over the categories of `p` (last axis; weights ≥ 0, normalised as
 * JAX's chain does), shape [...shape, K] with `shape` the batch shape, default p's without its last
 * axis (JAX's `random.multinomial` as documented). With keys split(key, K), category i gets
 * binomial(keys[i], remaining trials, pᵢ/(pᵢ + … + p_K)). Not differentiable.
 * @example ad.sum(ad.random.multinomial(ad.random.key(0), 10, ad.tensor([0.2, 0.3, 0.5]))).item() // 10
 */
export function multinomial(k: KeyLike, n: TensorLike, p: TensorLike, shape?: Shape): Tensor;
export function multinomial(k: KeyLike, n: TensorLike, p: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.multinomial', 'random.multinomial(k, n, p, shape?)', extra, shape);
  const op = 'random.multinomial';
  return keyed(op, k, [n, p] as const, (key, [n, p]) => {
    const weights = asTensor(p, op);
    if (weights.ndim < 1) throw new ShapeError(`${op}: p must have at least one axis (the K categories, shape [..., K]), got a scalar; pass e.g. ad.tensor([0.2, 0.8]).`);
    const K = weights.shape[weights.ndim - 1]!;
    const batch = optionalShape(op, shape) ?? weights.shape.slice(0, -1);
    if (!broadcastsTo(weights.shape.slice(0, -1), batch)) {
      throw new ShapeError(`${op}: shape ${formatShape(batch)} is the batch shape and must end with p's batch shape ${formatShape(weights.shape.slice(0, -1))} (p ${formatShape(weights.shape)} without its last axis); pass e.g. [n, ...that].`);
    }
    sampleSize(op, [...batch, K], 2);
    const trials = asTensor(param(op, 'n', n, batch), op);
    return eachExample([constant(trials), constant(weights)], ([t, w]) => {
      checkTrials(op, typeof n === 'number' ? n : t!);
      const wv = broadcastTo(w!, [...batch, K]).values.slice();
      if (!wv.every((v) => v >= 0 && v < Infinity)) throw new InvalidArgumentError(`${op}: p must be finite and ≥ 0 everywhere; pass category weights (they need not sum to 1).`);
      for (let r = 0; r < wv.length / K; r++) {
        if (wv.subarray(r * K, (r + 1) * K).every((v) => v === 0)) {
          throw new InvalidArgumentError(`${op}: row ${r} of p (shape ${formatShape([...batch, K])}) is all zeros, which gives no category a chance; pass at least one positive weight per row.`);
        }
      }
      return multinomialValues(toKey(key, op), broadcastTo(t!, batch).values.slice(), wv, K, [...batch, K]);
    });
  });
}

/** JAX's scan over the categories: remaining sums from the end, ratios p/remaining (0/0 read as 0), one binomial per category. */
function multinomialValues(key: Key, n: Float64Array, p: Float64Array, K: number, shape: Shape): Tensor {
  const rows = n.length, out = new Float64Array(rows * K);
  const remaining = n.slice(), ratio = new Float64Array(rows), tail = new Float64Array(rows * K);
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let c = K - 1; c >= 0; c--) tail[r * K + c] = acc = p[r * K + c]! + acc;
  }
  const keys = split(key, K);
  for (let c = 0; c < K; c++) {
    for (let r = 0; r < rows; r++) {
      const rest = tail[r * K + c]!;
      ratio[r] = Math.min(Math.max(p[r * K + c]! / (rest === 0 ? 1 : rest), 0), 1);
    }
    const counts = binomialValues(keys[c]!, remaining, ratio);
    for (let r = 0; r < rows; r++) {
      out[r * K + c] = counts[r]!;
      remaining[r] = remaining[r]! - counts[r]!;
    }
  }
  return new Tensor(out, [...shape]);
}
