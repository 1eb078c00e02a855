/** @file linalg.expm: the matrix exponential (scaling and squaring, Padé 13), with derivatives by the Fréchet derivative. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { expmKernel } from '../tensor/kernels/linalg/expm.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { concat, slice } from '../ops/shape.js';
import { zerosLike } from '../ops/arrayHelpers.js';
import { batchOf, checkFinite, matrixTranspose, squareArg } from './matrix.js';

/**
 * L(A, E), the Fréchet derivative of exp at A in direction E: the top-right block of
 * exp([[A, E], [0, A]]) (Mathias 1996; Higham, "Functions of Matrices", 2008, Thm 3.6). The
 * block matrix goes through the same primitive, so L is differentiable again (at 2n, then 4n…).
 */
function frechet(a: Tensor, e: Tensor): Tensor {
  const n = a.shape[a.ndim - 1]!;
  const top = concat([a, e], -1), bottom = concat([zerosLike(a), a], -1);
  const big = expmOf(concat([top, bottom], -2));
  const begin = big.shape.map(() => 0), size = [...big.shape];
  begin[big.ndim - 1] = n;
  size[big.ndim - 2] = n;
  size[big.ndim - 1] = n;
  return slice(big, begin, size);
}

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
export function expm(a: TensorLike): Tensor {
  return expmOf(squareArg('linalg.expm', a));
}
