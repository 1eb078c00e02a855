/** @file linalg.svd: the singular value decomposition (reduced, or full values), by one-sided Jacobi. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { svdKernel } from '../tensor/kernels/linalg/svd.js';
import type { Tensor } from '../tensor/tensor.js';
import { InvalidArgumentError } from '../core/errors.js';
import { completeColumns, valueOnly } from './complete.js';
import type { TensorLike } from '../tensor/create.js';
import { add, div, equal, greaterEqual, lessEqual, mul, mulStrong, sub } from '../ops/binary.js';
import { logicalAnd, logicalOr } from '../ops/predicates.js';
import { max } from '../ops/reduce.js';
import { stopGradient, where } from '../ops/select.js';
import { concat, expandDims, squeeze } from '../ops/shape.js';
import { mm } from '../ops/linalg.js';
import { batchOf, checkFinite, constantZero, matrixArg, matrixTranspose, noMoreArguments, noOptions, optionsArg, packRows, rows } from './matrix.js';
import { diagEmbed, diagonal } from './diagonal.js';
import { gapReciprocals } from './eigh.js';

/** The packed output [..., m+1+n, n] of a tall matrix: U (m rows), s (1 row), Vᵀ (n rows). */
function split(packed: Tensor, m: number, n: number): { u: Tensor; s: Tensor; vh: Tensor } {
  return { u: rows(packed, 0, m), s: squeeze(rows(packed, m, 1), -2), vh: rows(packed, m + 1, n) };
}

const column = (s: Tensor) => expandDims(s, -2); // s as [..., 1, k]: scales columns
const row = (s: Tensor) => expandDims(s, -1); //    s as [..., k, 1]: scales rows

/**
 * s/c and c (as [..., 1, 1]) for a constant c per matrix: 1 while max s is within 2^±400, else max s.
 * F = 1/(sⱼ² − sᵢ²) below overflows for s beyond about 1e154 (NaN derivatives of u and v, and
 * Hessians of svdvals, matrixNorm 2/'nuc', cond) and its gaps underflow below 1e-154. The rules use
 * F only in F ∘ (X S) = (G ∘ (X S/c))/c with G = gapReciprocals((s/c)²): exact for any constant c.
 */
function scaled(s: Tensor): { sc: Tensor; c: Tensor | number } {
  if (s.shape[s.ndim - 1] === 0) return { sc: s, c: 1 }; // no singular values: nothing to scale
  const big = max(s, -1, true);
  const normal = logicalOr(logicalAnd(greaterEqual(big, 2 ** -400), lessEqual(big, 2 ** 400)), equal(big, 0));
  const c = stopGradient(where(normal, 1, big));
  return { sc: div(s, c), c: expandDims(c, -1) };
}

// Tall A = U S Vᵀ (m ≥ n = k), dS = Uᵀ Ȧ V, F[i, j] = 1/(sⱼ² − sᵢ²) off the diagonal, 0 on it
// (Townsend 2016, "Differentiating the singular value decomposition"; jax's svd_jvp_rule):
//   ṡ = diag(dS),
//   U̇ = U (F ∘ (dS S + S dSᵀ)) + (I − U Uᵀ) Ȧ V S⁻¹,
//   V̇ = V (F ∘ (S dS + dSᵀ S)).
// Transposed, with J = F ∘ (Uᵀ Ū) and H = F ∘ (Vᵀ V̄) (F is antisymmetric):
//   Ā = U (diag(s̄) + (J + Jᵀ) S + S (H + Hᵀ)) Vᵀ + (I − U Uᵀ) Ū S⁻¹ Vᵀ.
// F is built from s² with the eigh helper. Repeated singular values make F infinite (U and V are
// not differentiable there); a zero singular value makes S⁻¹ infinite when m > n.
const svdP: Primitive<null> = definePrimitive<null>({
  name: 'svd',
  saves: 'output',
  forward: ([a]) => {
    const m = a!.shape[a!.ndim - 2]!, n = a!.shape[a!.ndim - 1]!;
    const { batch, count } = batchOf(a!.shape);
    checkFinite('linalg.svd', a!, m * n);
    const u = new Float64Array(count * m * n), s = new Float64Array(count * n), vh = new Float64Array(count * n * n);
    svdKernel(a!.values, count, m, n, u, s, vh);
    return packRows(count, [{ data: u, per: m * n }, { data: s, per: n }, { data: vh, per: n * n }], [...batch, m + 1 + n, n]);
  },
  vjp: (g, res) => {
    const n = g.shape[g.ndim - 1]!, m = g.shape[g.ndim - 2]! - n - 1;
    const { u, s, vh } = split(res.out!, m, n);
    const { u: uBar, s: sBar, vh: vhBar } = split(g, m, n);
    // Singular values alone (Ū = V̄ = 0, plain constants): Ā = U diag(s̄) Vᵀ, one product instead of four.
    if (constantZero(uBar) && constantZero(vhBar)) return [mm(mul(u, column(sBar)), vh, false, false)];
    const { sc, c } = scaled(s);
    const f = gapReciprocals(mul(sc, sc)); //  c²·F
    const j = mulStrong(f, mm(u, uBar, true, false));
    const h = mulStrong(f, mm(vh, vhBar, false, true)); // Vᵀ V̄ with V̄ = vh̄ᵀ
    const inner = add(diagEmbed(sBar, 0, n, n), div(add(mul(add(j, matrixTranspose(j)), column(sc)), mul(row(sc), add(h, matrixTranspose(h)))), c));
    let aBar = mm(mm(u, inner, false, false), vh, false, false);
    if (m > n) {
      const outside = sub(uBar, mm(u, mm(u, uBar, true, false), false, false));
      aBar = add(aBar, mm(mulStrong(outside, column(div(1, s))), vh, false, false));
    }
    return [aBar];
  },
  jvp: ([t], _a, out) => {
    const n = out.shape[out.ndim - 1]!, m = out.shape[out.ndim - 2]! - n - 1;
    const { u, s, vh } = split(out, m, n);
    const av = mm(t!, vh, false, true); // Ȧ V
    const ds = mm(u, av, true, false);
    const { sc, c } = scaled(s);
    const f = gapReciprocals(mul(sc, sc)); //  c²·F
    const dss = mul(ds, column(sc));
    const sds = mul(ds, row(sc));
    let uDot = mm(u, div(mulStrong(f, add(dss, matrixTranspose(dss))), c), false, false);
    if (m > n) uDot = add(uDot, mulStrong(sub(av, mm(u, mm(u, av, true, false), false, false)), column(div(1, s))));
    const vDot = mm(vh, div(mulStrong(f, add(sds, matrixTranspose(sds))), c), true, false);
    return concat([uDot, expandDims(diagonal(ds), -2), matrixTranspose(vDot)], -2);
  },
  batch: leadingAxesRule(() => svdP),
});

/** Options of `svd`. */
export interface SvdOptions {
  /** u [..., m, m] and vh [..., n, n] (NumPy's, torch's and JAX's default) instead of the reduced u [..., m, k], vh [..., k, n]. Default false. */
  fullMatrices?: boolean;
}

/**
 * The singular value decomposition a = u · diag(s) · vh of each matrix: s [..., k] descending and
 * non-negative, k = min(m, n); u [..., m, k] and vh [..., k, n] (the reduced factors, the default:
 * jax.numpy.linalg.svd with full_matrices=False), or with `{ fullMatrices: true }` (or `svd(a,
 * true)`, NumPy's positional form) u [..., m, m] and vh [..., n, n], whose first k columns (rows)
 * are the reduced ones. Singular vectors of repeated singular values are not unique and have no
 * derivative (±∞/NaN, see docs/linalg.md); s stays differentiable where it is distinct. The extra
 * columns of a full u or rows of a full vh (m ≠ n) are any orthonormal basis of a complement and
 * have no derivative (torch and JAX raise too): s and the reduced factors do.
 * @example ad.linalg.svd(ad.tensor([[3, 0], [0, -2]])).s // [3, 2]
 */
export function svd(a: TensorLike, options?: SvdOptions | boolean): { u: Tensor; s: Tensor; vh: Tensor };
export function svd(a: TensorLike, ...extra: unknown[]): { u: Tensor; s: Tensor; vh: Tensor } {
  const full = fullMatrices(extra);
  noMoreArguments('linalg.svd', 'linalg.svd(a, options?)', extra, typeof extra[0] === 'boolean' || (typeof extra[0] === 'object' && extra[0] !== null), a);
  const t = matrixArg('linalg.svd', a);
  const m = t.shape[t.ndim - 2]!, n = t.shape[t.ndim - 1]!;
  const reduced = reducedSvd(t, m, n);
  if (!full || m === n) return reduced;
  if (m > n) return { ...reduced, u: completed()(reduced.u) };
  return { ...reduced, vh: matrixTranspose(completed()(matrixTranspose(reduced.vh))) };
}

/** The reduced factors. */
function reducedSvd(t: Tensor, m: number, n: number): { u: Tensor; s: Tensor; vh: Tensor } {
  if (m >= n) return split(apply(svdP, [t], null), m, n);
  const { u, s, vh } = split(apply(svdP, [matrixTranspose(t)], null), n, m);
  return { u: matrixTranspose(vh), s, vh: matrixTranspose(u) };
}

/** The reduced u [..., m, k] completed to [..., m, m], as a function whose derivative says why there is none (made when first used). */
let completedFn: ((u: Tensor) => Tensor) | null = null;
const completed = () => (completedFn ??= valueOnly(
  'linalg.svd',
  'the full u (or vh) of a matrix that is not square (fullMatrices: true) has no derivative: its extra columns are any orthonormal ' +
    'basis of a complement (torch and JAX raise too); differentiate the reduced factors (the default, the same first min(m, n) columns) or s',
  completeColumns,
));

/** fullMatrices from `svd(a, true)` or `svd(a, { fullMatrices })`; anything else but the index and array of `xs.map(svd)` is an error. */
function fullMatrices(extra: readonly unknown[]): boolean {
  if (typeof extra[0] === 'boolean') return extra[0];
  const options = optionsArg('linalg.svd', extra, ['fullMatrices'],
    'the only option is fullMatrices (for compute_uv=False use linalg.svdvals, for hermitian input linalg.eigh)');
  if (options === null) {
    noOptions('linalg.svd', extra, 'pass svd(a, { fullMatrices: true }) or svd(a, true) for the full factors; for compute_uv=False use linalg.svdvals');
    return false;
  }
  const value = options.fullMatrices ?? false;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`linalg.svd: fullMatrices must be true or false, got ${String(value)}.`);
  return value;
}
