/** @file linalg.expm: the matrix exponential (scaling and squaring, Padé 13), with derivatives by the Fréchet derivative. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { expmKernel } from '../tensor/kernels/linalg/expm.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../tensor/describe.js';
import { broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import { broadcastTo, concat, slice } from '../ops/shape.js';
import { zerosLike } from '../ops/arrayHelpers.js';
import { batchOf, checkFinite, matrixTranspose, noMoreArguments, optionsArg, squareArg } from './matrix.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * exp([[A, E], [0, A]]) = [[e^A, L(A, E)], [0, e^A]], L the Fréchet derivative of exp at A in
 * direction E (Mathias 1996; Higham, "Functions of Matrices", 2008, Thm 3.6): the top row's two
 * blocks. The block matrix goes through the same primitive, so L is differentiable again (at 2n,
 * then 4n…).
 */
function blockExpm(a: Tensor, e: Tensor): { expA: Tensor; frechet: Tensor } {
  const n = a.shape[a.ndim - 1]!;
  const top = concat([a, e], -1), bottom = concat([zerosLike(a), a], -1);
  const big = expmOf(concat([top, bottom], -2));
  const block = (col: number) => {
    const begin = big.shape.map(() => 0), size = [...big.shape];
    begin[big.ndim - 1] = col;
    size[big.ndim - 2] = n;
    size[big.ndim - 1] = n;
    return slice(big, begin, size);
  };
  return { expA: block(0), frechet: block(n) };
}

/** L(A, E) alone. */
const frechet = (a: Tensor, e: Tensor): Tensor => blockExpm(a, e).frechet;

// d e^A = L(A, dA) (linear in dA). Its transpose under ⟨X, Y⟩ = tr(XᵀY) is L(A, ·)* = L(Aᵀ, ·)
// (Higham 2008, eq. 3.17 with the exponential's power series having real coefficients), so
// Ā = L(Aᵀ, Ḡ). As the block matrix [[A, E], [0, A]] is exponentiated by the same scaling and
// squaring, the derivative is that of the computed approximant to working accuracy (Al-Mohy &
// Higham 2009, "Computing the Fréchet derivative of the matrix exponential", §2).
const expmP: Primitive<null> = definePrimitive<null>({
  name: 'expm',
  saves: 'inputs',
  forward: ([a]) => {
    const n = a!.shape[a!.ndim - 1]!;
    checkFinite('linalg.expm', a!, n * n);
    return new Tensor(expmKernel(a!.values, batchOf(a!.shape).count, n, allocF64(a!.size)), a!.shape);
  },
  vjp: (g, r) => [frechet(matrixTranspose(r.inputs[0]!), g)],
  jvp: ([t], [a]) => frechet(a!, t!),
  batch: leadingAxesRule(() => expmP),
});

const expmOf = (a: Tensor) => apply(expmP, [a], null);

/**
 * The matrix exponential e^a = Σ aᵏ/k! of each square matrix, batched over leading axes
 * (torch.linalg.matrix_exp, jax.scipy.linalg.expm): scaling and squaring with Padé approximants
 * of degree up to 13 (Al-Mohy & Higham 2009, as scipy.linalg.expm). Where e^a overflows, its entries are ±∞ (as torch's); a
 * non-finite entry of a is an error. Derivatives are Fréchet derivatives, to any order.
 * @example ad.linalg.expm(ad.tensor([[0, 1], [0, 0]])) // [[1, 1], [0, 1]]
 */
export function expm(a: TensorLike): Tensor;
export function expm(a: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.expm', 'linalg.expm(a)', extra, a);
  return expmOf(squareArg('linalg.expm', a));
}

/** Options of `expmFrechet`. */
export interface ExpmFrechetOptions {
  /** Return [expm(a), L(a, e)] (true, the default, as SciPy and JAX's compute_expm) or L(a, e) alone. */
  computeExpm?: boolean;
}

/**
 * The Fréchet derivative L(a, e) of the matrix exponential at a in direction e — the derivative
 * d/dt expm(a + t·e) at t = 0 — with expm(a) (jax.scipy.linalg.expm_frechet,
 * scipy.linalg.expm_frechet): `[expm(a), L]`, or L alone with `{ computeExpm: false }`. Both come
 * from one exponential of the block matrix [[a, e], [0, a]], whose top row is [e^a, L] (Higham
 * 2008, Thm 3.6; SciPy computes the same two blocks by Al-Mohy & Higham's Algorithm 6.4). a and e
 * are [..., n, n], batch axes broadcast. Differentiable in a and e to any order.
 * @example ad.linalg.expmFrechet(ad.tensor([[0, 0], [0, 0]]), ad.tensor([[1, 2], [3, 4]]))[1] // [[1, 2], [3, 4]]
 */
export function expmFrechet(a: TensorLike, e: TensorLike, options?: { computeExpm?: true }): [Tensor, Tensor];
export function expmFrechet(a: TensorLike, e: TensorLike, options: { computeExpm: false }): Tensor;
export function expmFrechet(a: TensorLike, e: TensorLike, options?: ExpmFrechetOptions): [Tensor, Tensor] | Tensor;
export function expmFrechet(a: TensorLike, e: TensorLike, ...extra: unknown[]): [Tensor, Tensor] | Tensor {
  const op = 'linalg.expmFrechet';
  const options = optionsArg(op, extra, ['computeExpm'], 'the only option is computeExpm (false for L(a, e) alone)');
  if (options === null && extra[0] !== undefined) {
    throw new InvalidArgumentError(`${op}: the third argument is an options object such as { computeExpm: false }, got ${describe(extra[0])}.`);
  }
  noMoreArguments(op, 'linalg.expmFrechet(a, e, options?)', extra, true, e);
  const computeExpm = options?.computeExpm ?? true;
  if (typeof computeExpm !== 'boolean') throw new InvalidArgumentError(`${op}: computeExpm must be true or false, got ${describe(computeExpm)}.`);
  const at = squareArg(op, a, 'a'), et = asTensor(e, op);
  const n = at.shape[at.ndim - 1]!;
  if (et.ndim < 2 || et.shape[et.ndim - 1] !== n || et.shape[et.ndim - 2] !== n) {
    throw new ShapeError(`${op}: e of shape ${formatShape(et.shape)} does not fit a of shape ${formatShape(at.shape)}: the direction e must be [..., ${n}, ${n}], a's size.`);
  }
  const batch = broadcastShapes(op, at.shape.slice(0, -2), et.shape.slice(0, -2));
  const fit = (t: Tensor) => (shapesEqual(t.shape, [...batch, n, n]) ? t : broadcastTo(t, [...batch, n, n]));
  const { expA, frechet: l } = blockExpm(fit(at), fit(et));
  return computeExpm ? [expA, l] : l;
}
