/**
 * @file `poisson(key, lam, shape?)`, as JAX's `random.poisson` (jax/_src/random.py `_poisson`, after
 * TensorFlow and NumPy): Knuth's product of uniforms for λ < 10, Hörmann's transformed rejection
 * (PTRS, 1993) for λ ≥ 10, both on the same key, with JAX's float32 uniforms and its vectorised
 * loops (every round draws a uniform for every element; PTRS keeps the last accepted k of each
 * element, over as many rounds as the slowest element needs, placeholders λ = 1e5 included).
 * The arithmetic is float64 where JAX's is float32, so the counts are JAX's except where a float32
 * rounding decides a comparison (about one draw in a million below λ = 10, more for very large λ,
 * where JAX's float32 counts are coarse and these are not), and from λ = 1e6 on, where PTRS takes
 * 52-bit uniforms (see FINE_FROM). Counts are float64 values; not differentiable.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { TensorLike } from '../tensor/create.js';
import { lgamma } from '../tensor/kernels/gamma.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { constant, eachExample, isBatched, keyed } from './batching.js';
import { broadcastTo } from '../ops/shape.js';
import type { KeyLike } from './continuous.js';
import { split, toKey, type Key } from './key.js';
import { param, sampleSize, optionalShape } from './params.js';
import { hashCounts, unitUniform } from './threefry.js';
import { extraArguments } from '../core/extraArguments.js';

/** JAX's float32 `uniform(key, (n,))`: 32-bit words w, (w >>> 9)·2⁻²³ (the 23-bit mantissa of a float in [1, 2), minus 1). */
function uniform32(k: Key, n: number): Float64Array {
  const w = hashCounts(k.words[0], k.words[1], n, null);
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = (w[i]! >>> 9) * 2 ** -23;
  return u;
}

/** Below this λ, Knuth's method; from it on, PTRS (JAX's threshold). */
const KNUTH_BELOW = 10;
/** JAX's placeholder λ for the Knuth elements in the PTRS loop (their results are discarded, but they keep the loop running). */
const PLACEHOLDER = 1e5;

/** Knuth: the number of uniforms whose running product stays above e^{−λ}, for the elements with λ < 10. */
function knuth(k: Key, lam: Float64Array, out: Float64Array): void {
  const n = lam.length;
  const logProd = new Float64Array(n), count = new Float64Array(n);
  let rng = k;
  for (;;) {
    let active = false;
    for (let i = 0; i < n; i++) if (lam[i]! < KNUTH_BELOW && logProd[i]! > -lam[i]!) active = true;
    if (!active) break;
    const [next, sub] = split(rng, 2);
    rng = next!;
    const u = uniform32(sub!, n);
    for (let i = 0; i < n; i++) {
      if (!(lam[i]! < KNUTH_BELOW)) continue;
      if (logProd[i]! > -lam[i]!) count[i]!++;
      logProd[i] = logProd[i]! + Math.log(u[i]!);
    }
  }
  for (let i = 0; i < n; i++) if (lam[i]! < KNUTH_BELOW) out[i] = count[i]! - 1;
}

/** PTRS (Hörmann 1993, "The transformed rejection method for generating Poisson random variables"), as JAX's `_poisson_rejection`, for the elements with λ ≥ 10. */
function rejection(k: Key, lam: Float64Array, out: Float64Array): void {
  const n = lam.length;
  const l = lam.map((v) => (v < KNUTH_BELOW ? PLACEHOLDER : v));
  const logLam = l.map(Math.log), b = l.map((v) => 0.931 + 2.53 * Math.sqrt(v));
  const a = b.map((v) => -0.059 + 0.02483 * v), invAlpha = b.map((v) => 1.1239 + 1.1328 / (v - 3.4));
  const vr = b.map((v) => 0.9277 - 3.6224 / (v - 2));
  const accepted = new Uint8Array(n), kOut = new Float64Array(n).fill(-1);
  const fine = l.map((v) => (v >= FINE_FROM ? 1 : 0)), anyFine = fine.includes(1), anyCoarse = fine.includes(0);
  let pending = n, key = k;
  while (pending > 0) {
    const [next, k0, k1] = split(key, 3);
    key = next!;
    // JAX's float32 uniforms below FINE_FROM, 52-bit ones (from the same subkeys) from it on.
    const u32 = anyCoarse ? uniform32(k0!, n) : null, v32 = anyCoarse ? uniform32(k1!, n) : null;
    const u64 = anyFine ? unitUniform(k0!.words[0], k0!.words[1], n) : null, v64 = anyFine ? unitUniform(k1!.words[0], k1!.words[1], n) : null;
    for (let i = 0; i < n; i++) {
      const [u0, v] = fine[i] ? [u64!, v64!] : [u32!, v32!];
      const u = u0[i]! - 0.5, us = 0.5 - Math.abs(u), vi = v[i]!;
      const kk = Math.floor(((2 * a[i]!) / us + b[i]!) * u + l[i]! + 0.43);
      const s = Math.log((vi * invAlpha[i]!) / (a[i]! / (us * us) + b[i]!));
      const t = logPmf(kk, l[i]!, logLam[i]!);
      const reject = kk < 0 || (us < 0.013 && vi > us);
      if ((us >= 0.07 && vi <= vr[i]!) || (!reject && s <= t)) {
        kOut[i] = kk; // JAX's select(accept, k, k_out): a later acceptance replaces an earlier one
        if (!accepted[i]) { accepted[i] = 1; pending--; }
      }
    }
  }
  for (let i = 0; i < n; i++) if (!(lam[i]! < KNUTH_BELOW)) out[i] = kOut[i]!;
}

/**
 * From this λ on, PTRS's two uniforms per round are 52-bit (threefry.ts's unitUniform on the same
 * subkeys) instead of JAX's float32 ones. Its proposal k = ⌊(2a/u_s + b)·u + λ + 0.43⌋ maps the 2²³
 * float32 values of u onto counts with a step of about b·2⁻²³ ≈ 3·10⁻⁷√λ: that step's rounding is a
 * ripple of that relative size in the PMF (3e−4 at λ = 1e6, 30 % at 1e12), and past λ ≈ 1e13 most
 * counts are never drawn (λ = 1e14: 4.5 times the ties between 1e5 draws a Poisson sample has).
 * JAX casts λ to float32 (2⁻²⁴ relative: ±6e7 at 1e15), so there is nothing bit for bit to keep up there.
 */
const FINE_FROM = 1e6;

/** From this λ on, the acceptance test's log P(k) is taken in the form without cancellation (see logPmf). */
const STIRLING_FROM = 1e6;

/**
 * log P(k) = −λ + k log λ − log k!, PTRS's acceptance bound. JAX's form subtracts terms of size
 * k log λ: their rounding (ulp(3.7e17) = 64 at λ = 1e16) swamps the O(1) result, and the draws'
 * variance came out 1.44λ at λ = 1e16, 1.66λ at 1e17. From λ = 1e6 on (k ≥ 10), with Stirling's
 * log k! = (k + ½)log k − k + ½log 2π + 1/(12k) − 1/(360k³) + 1/(1260k⁵) − 1/(1680k⁷) (error
 * below 1e−12 from k = 10) and d = k − λ: log P(k) = d − k·log1p(d/λ) − ½log(2πk) − (the series),
 * whose leading terms cancel only down to −d²/(2λ) from size d (errors near 1e−8 at λ = 1e16).
 * Below 1e6 JAX's form is kept (its error there is below 1e−8 too), so those draws do not move.
 */
function logPmf(k: number, lam: number, logLam: number): number {
  if (lam < STIRLING_FROM || k < 10) return -lam + k * logLam - lgamma(k + 1);
  const d = k - lam, k2 = k * k;
  const series = (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * k2)) / k2) / k2) / k;
  return d - k * Math.log1p(d / lam) - 0.5 * Math.log(2 * Math.PI * k) - series;
}

/**
 * Poisson(λ) counts, P(k) = λᵏe^{−λ}/k!, as JAX's `random.poisson` (see the file note: JAX's
 * algorithms and streams, float64 arithmetic). `lam` ≥ 0 is a number or a tensor; the shape
 * defaults to lam's. The counts are float64 values; λ = 0 gives 0.
 * @example ad.random.poisson(ad.random.key(0), 3, [4]).shape // [4]
 */
export function poisson(k: KeyLike, lam: TensorLike, shape?: Shape): Tensor;
export function poisson(k: KeyLike, lam: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.poisson', 'random.poisson(k, lam, shape?)', extra, shape);
  if (k instanceof Tensor) return keyed('random.poisson', k, [lam] as const, (key, [lam]) => poisson(key, lam, shape));
  const op = 'random.poisson';
  const key = toKey(k, op);
  const sampleShape = optionalShape(op, shape) ?? (lam instanceof Tensor ? lam.shape : []);
  const rate = param(op, 'lam', lam, sampleShape);
  if (rate instanceof Tensor && isBatched([constant(rate)])) return eachExample([constant(rate)], ([plain]) => poisson(key, plain!, sampleShape));
  const n = sampleSize(op, sampleShape, 1);
  const values = typeof rate === 'number' ? new Float64Array(n).fill(rate) : broadcastTo(rate, sampleShape).values.slice();
  for (const v of values) {
    if (!(v >= 0 && v < Infinity)) {
      throw new InvalidArgumentError(`${op}: lam must be finite and ≥ 0${typeof rate === 'number' ? `, got ${v}` : ` everywhere, got ${v}`}; pass a rate (the mean count) ≥ 0.`);
    }
  }
  const out = new Float64Array(n);
  knuth(key, values, out);
  if (values.some((v) => !(v < KNUTH_BELOW))) rejection(key, values, out);
  for (let i = 0; i < n; i++) if (values[i] === 0) out[i] = 0;
  return new Tensor(out, [...sampleShape]);
}
