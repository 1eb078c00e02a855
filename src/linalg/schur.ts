/** @file linalg.hessenberg and linalg.schur (real output): orthogonal similarity to Hessenberg and quasi-triangular form, values only. */
import { AdjointError, InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { hessenbergKernel, realSchurKernel } from '../tensor/kernels/linalg/schur.js';
import { valueOnly } from './complete.js';
import { batchOf, checkFinite, noMoreArguments, noOptions, optionsArg, packRows, rows, squareArg, whereInBatch } from './matrix.js';
import { extraArguments } from '../core/extraArguments.js';

/** T over Z, packed as [..., 2n, n]. */
function schurPacked(a: Tensor): Tensor {
  const n = a.shape[a.ndim - 1]!;
  const { batch, count } = batchOf(a.shape);
  checkFinite('linalg.schur', a, n * n);
  const t = new Float64Array(count * n * n), z = new Float64Array(count * n * n);
  const failed = realSchurKernel(a.values.slice(), count, n, t, z);
  if (failed >= 0) throw new AdjointError(`linalg.schur: the QR iteration did not converge for ${whereInBatch(a.shape, failed)}; please report the matrix.`);
  return packRows(count, [{ data: t, per: n * n }, { data: z, per: n * n }], [...batch, 2 * n, n]);
}

/** H over Q, packed as [..., 2n, n]. */
function hessenbergPacked(a: Tensor): Tensor {
  const n = a.shape[a.ndim - 1]!;
  const { batch, count } = batchOf(a.shape);
  checkFinite('linalg.hessenberg', a, n * n);
  const h = new Float64Array(count * n * n), q = new Float64Array(count * n * n);
  hessenbergKernel(a.values.slice(), count, n, h, q);
  return packRows(count, [{ data: h, per: n * n }, { data: q, per: n * n }], [...batch, 2 * n, n]);
}

const INSTEAD =
  'for a symmetric matrix use linalg.eigh (differentiable); linalg.sqrtm and linalg.solveSylvester, built on the Schur form, are ' +
  'differentiable themselves; or differentiate an invariant (linalg.det, linalg.trace)';
let schurFn: ((a: Tensor) => Tensor) | null = null;
let hessenbergFn: ((a: Tensor) => Tensor) | null = null;
const schurValue = () => (schurFn ??= valueOnly('linalg.schur',
  `the Schur form has no derivative here (jax.scipy.linalg.schur raises too: Z is unique only up to signs and, with complex pairs, ` +
    `rotations of each 2×2 block, and T's blocks reorder as eigenvalues cross); ${INSTEAD}.`, schurPacked));
const hessenbergValue = () => (hessenbergFn ??= valueOnly('linalg.hessenberg',
  `the Hessenberg form has no derivative here (JAX defines none either: each reflection's sign flips where a column's leading entry ` +
    `changes sign); ${INSTEAD}.`, hessenbergPacked));

/**
 * The real Schur decomposition a = z·t·zᵀ of each square matrix (jax.scipy.linalg.schur with
 * output 'real', scipy.linalg.schur): `[t, z]`, z orthogonal and t quasi-upper triangular — 1×1
 * blocks for real eigenvalues and 2×2 blocks [[α, β], [γ, α]] with βγ < 0 (eigenvalues α ± i√(−βγ))
 * for complex pairs, standardised as LAPACK's dlanv2. Householder reduction to Hessenberg form,
 * then Francis double-shift QR (LAPACK's dlahqr). Batched over leading axes. The factors are
 * unique only up to signs (and the blocks' order): compare invariants. Values only: a derivative is
 * an error, as JAX's (differentiate linalg.sqrtm, linalg.solveSylvester or linalg.eigh instead).
 * @example ad.linalg.schur(ad.tensor([[1, 2], [0, 3]]))[0] // [[1, 2], [0, 3]]
 */
export function schur(a: TensorLike, output?: 'real'): [Tensor, Tensor];
export function schur(a: TensorLike, output: unknown = 'real', ...extra: unknown[]): [Tensor, Tensor] {
  const op = 'linalg.schur';
  if (output !== 'real') {
    throw new InvalidArgumentError(`${op}: output must be 'real' (quasi-triangular t with 2×2 blocks for complex pairs), got ${describe(output)}; adjoint has no complex dtype, so no complex Schur form.`);
  }
  noOptions(op, extra, 'schur(a) takes no sort option (eigenvalues come in the order the QR iteration finds them)');
  if (extra.length > 0) extraArguments(op, 'linalg.schur(a, output?)', extra, output);
  const t = squareArg(op, a);
  const n = t.shape[t.ndim - 1]!;
  const packed = schurValue()(t);
  return [rows(packed, 0, n), rows(packed, n, n)];
}

/** Options of `hessenberg`. */
export interface HessenbergOptions {
  /** Also return Q with a = q·h·qᵀ (SciPy's and JAX's calc_q). Default false. */
  calcQ?: boolean;
}

/**
 * The upper Hessenberg form h = qᵀ·a·q of each square matrix (jax.scipy.linalg.hessenberg,
 * scipy.linalg.hessenberg), zero below the first subdiagonal, by Householder reflections with
 * LAPACK's signs (dgehrd: each subdiagonal entry is −sign(x₀)‖x‖); with `{ calcQ: true }`,
 * `[h, q]`. Batched over leading axes. Values only: a derivative is an error.
 * @example ad.linalg.hessenberg(ad.tensor([[1, 2, 3], [4, 5, 6], [0, 0, 1]])) // [[1, 2, 3], [4, 5, 6], [0, 0, 1]]
 */
export function hessenberg(a: TensorLike, options?: { calcQ?: false }): Tensor;
export function hessenberg(a: TensorLike, options: { calcQ: true }): [Tensor, Tensor];
export function hessenberg(a: TensorLike, options?: HessenbergOptions): Tensor | [Tensor, Tensor];
export function hessenberg(a: TensorLike, ...extra: unknown[]): Tensor | [Tensor, Tensor] {
  const op = 'linalg.hessenberg';
  const options = optionsArg(op, extra, ['calcQ'], 'the only option is calcQ (true to return [h, q])');
  if (options === null) noOptions(op, extra, 'pass hessenberg(a, { calcQ: true }) for [h, q]');
  noMoreArguments(op, 'linalg.hessenberg(a, options?)', extra, options !== null, a);
  const calcQ = options?.calcQ ?? false;
  if (typeof calcQ !== 'boolean') throw new InvalidArgumentError(`${op}: calcQ must be true or false, got ${describe(calcQ)}.`);
  const t = squareArg(op, a);
  const n = t.shape[t.ndim - 1]!;
  const packed = hessenbergValue()(t);
  const h = rows(packed, 0, n);
  return calcQ ? [h, rows(packed, n, n)] : h;
}
