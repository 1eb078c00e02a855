/** @file linalg.qr: QR by Householder reflections (reduced, complete or r alone), R's diagonal non-negative. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { qrKernel } from '../tensor/kernels/linalg/qr.js';
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { InvalidArgumentError } from '../core/errors.js';
import { completeQ, valueOnly } from './complete.js';
import type { TensorLike } from '../tensor/create.js';
import { add, mul, sub } from '../ops/binary.js';
import { concat, slice } from '../ops/shape.js';
import { mm } from '../ops/linalg.js';
import { batchOf, checkFinite, matrixArg, matrixTranspose, noMoreArguments, noOptions, optionsArg, packRows, rows, triangleMask } from './matrix.js';
import { solveTriangular } from './triangular.js';
import { literal } from '../tensor/describe.js';

/** tril(x, −1): the strictly lower triangle. */
const strictlyLower = (x: Tensor) => mul(x, triangleMask(x.shape[x.ndim - 1]!, true, 0));
const UPPER_RIGHT = { lower: false, transposeA: false, unitDiagonal: false, left: false } as const;

/** The packed output [..., m+n, n]: rows 0…m−1 are Q, rows m…m+n−1 are R. */
const split = (packed: Tensor, m: number, n: number) => ({ q: rows(packed, 0, m), r: rows(packed, m, n) });

// For tall A = Q R (m ≥ n, R invertible), with C = Qᵀ Ȧ R⁻¹ and Ω = tril(C, −1) − tril(C, −1)ᵀ
// (Walter & Lehmann 2018; Townsend's note "Differentiating the QR decomposition"; jax's qr_jvp_rule):
//   Q̇ = Q (Ω − C) + Ȧ R⁻¹,   Ṙ = (C − Ω) R.
// Transposed (derived from the JVP): with N = Qᵀ Q̄ − R̄ Rᵀ,
//   C̄ = tril(N − Nᵀ, −1) − N,   Ā = (Q̄ + Q C̄) R⁻ᵀ.
const qrP: Primitive<null> = definePrimitive<null>({
  name: 'qr',
  saves: 'output',
  forward: ([a]) => {
    const m = a!.shape[a!.ndim - 2]!, n = a!.shape[a!.ndim - 1]!;
    const { batch, count } = batchOf(a!.shape);
    checkFinite('linalg.qr', a!, m * n);
    const q = new Float64Array(count * m * n), r = new Float64Array(count * n * n);
    qrKernel(a!.values, count, m, n, q, r);
    return packRows(count, [{ data: q, per: m * n }, { data: r, per: n * n }], [...batch, m + n, n]);
  },
  vjp: (g, res) => {
    const n = g.shape[g.ndim - 1]!, m = g.shape[g.ndim - 2]! - n;
    const { q, r } = split(res.out!, m, n);
    const { q: qBar, r: rBar } = split(g, m, n);
    const nMat = sub(mm(q, qBar, true, false), mm(rBar, r, false, true));
    const cBar = sub(strictlyLower(sub(nMat, matrixTranspose(nMat))), nMat);
    const z = add(qBar, mm(q, cBar, false, false));
    return [solveTriangular(r, z, { ...UPPER_RIGHT, transposeA: true })];
  },
  jvp: ([t], _a, out) => {
    const n = out.shape[out.ndim - 1]!, m = out.shape[out.ndim - 2]! - n;
    const { q, r } = split(out, m, n);
    const y = solveTriangular(r, t!, UPPER_RIGHT); // Ȧ R⁻¹
    const c = mm(q, y, true, false);
    const low = strictlyLower(c);
    const omega = sub(low, matrixTranspose(low));
    const qDot = add(mm(q, sub(omega, c), false, false), y);
    const rDot = mm(sub(c, omega), r, false, false);
    return concat([qDot, rDot], -2);
  },
  batch: leadingAxesRule(() => qrP),
});

/** Which factors `qr` returns, as NumPy's and JAX's `mode`. */
export type QrMode = 'reduced' | 'complete' | 'r';
/** Options of `qr`. */
export interface QrOptions {
  /** 'reduced' (default): q [..., m, k], r [..., k, n]; 'complete': q [..., m, m], r [..., m, n]; 'r': only r [..., k, n]. */
  mode?: QrMode;
}

/**
 * The QR decomposition of each matrix: a = q r with q orthonormal columns and r upper triangular
 * (jax.numpy.linalg.qr). Mode 'reduced' (the default): q [..., m, k] and r [..., k, n],
 * k = min(m, n); 'complete': q [..., m, m] orthogonal and r [..., m, n] (zero rows below k);
 * 'r': only r, as { r }. R's diagonal is made non-negative (its rows and q's columns flipped
 * where LAPACK's is negative), so for a of full column rank the reduced factors are unique.
 * Derivatives need r's leading k×k block invertible (full rank); a wide matrix [X | Y] is
 * factored as X = q r₁ and r = [r₁ | qᵀ Y]. The complete q of a tall matrix (m > n) has no
 * derivative (its last m − n columns are any basis of the complement; torch and JAX raise too).
 * @example ad.linalg.qr(ad.tensor([[3, 1], [4, 2]])).r // [[5, 2.2], [0, 0.4]]
 * @example ad.linalg.qr(ad.tensor([[3], [4]]), { mode: 'complete' }).q // [[0.6, -0.8], [0.8, 0.6]]
 */
export function qr(a: TensorLike, options?: { mode?: 'reduced' | 'complete' } | 'reduced' | 'complete'): { q: Tensor; r: Tensor };
export function qr(a: TensorLike, options: { mode: 'r' } | 'r'): { r: Tensor };
export function qr(a: TensorLike, ...extra: unknown[]): { q?: Tensor; r: Tensor } {
  const mode = qrMode(extra);
  noMoreArguments('linalg.qr', 'linalg.qr(a, options?)', extra, typeof extra[0] === 'string' || (typeof extra[0] === 'object' && extra[0] !== null), a);
  const t = matrixArg('linalg.qr', a);
  const m = t.shape[t.ndim - 2]!, n = t.shape[t.ndim - 1]!;
  const { q, r } = reduced(t, m, n);
  if (mode === 'r') return { r };
  if (mode === 'reduced' || m <= n) return { q, r };
  const batch = t.shape.slice(0, -2);
  return {
    q: completeQOf(t),
    r: concat([r, zeros([...batch, m - n, n])], -2),
  };
}

/** The complete q of a tall matrix: values, and a derivative that says why there is none (made when first used). */
let completeQFn: ((a: Tensor) => Tensor) | null = null;
const completeQOf = (a: Tensor) => (completeQFn ??= valueOnly(
  'linalg.qr',
  "the complete q of a tall matrix (mode 'complete', m > n) has no derivative: its last m − n columns are any orthonormal basis " +
    "of the complement of a's columns (torch and JAX raise too); differentiate mode 'reduced' (the same first n columns) instead",
  completeQ,
))(a);

/** The reduced factors. */
function reduced(t: Tensor, m: number, n: number): { q: Tensor; r: Tensor } {
  if (m >= n) return split(apply(qrP, [t], null), m, n);
  const begin = t.shape.map(() => 0), size = [...t.shape];
  size[t.ndim - 1] = m;
  const left = slice(t, begin, size);
  begin[t.ndim - 1] = m;
  size[t.ndim - 1] = n - m;
  const { q, r } = split(apply(qrP, [left], null), m, m);
  return { q, r: concat([r, mm(q, slice(t, begin, size), true, false)], -1) };
}

/** The mode of `qr(a, mode)` or `qr(a, { mode })`; anything else but the index and array of `xs.map(qr)` is an error. */
function qrMode(extra: readonly unknown[]): QrMode {
  const options = optionsArg('linalg.qr', extra, ['mode'], "the only option is mode ('reduced', 'complete' or 'r')");
  const mode = typeof extra[0] === 'string' ? extra[0] : options !== null ? options.mode ?? 'reduced' : 'reduced';
  if (options === null && typeof extra[0] !== 'string') noOptions('linalg.qr', extra, "pass the mode as qr(a, { mode: 'complete' }) or qr(a, 'complete')");
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new InvalidArgumentError(`linalg.qr: mode must be 'reduced', 'complete' or 'r', got ${literal(mode)}.`);
  }
  return mode;
}
