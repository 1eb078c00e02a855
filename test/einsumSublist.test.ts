/**
 * @file einsum's sublist form, NumPy's einsum(a, [0, 1], b, [1, 2], [0, 2]) (jnp.einsum takes it
 * too), with '...' for NumPy's Ellipsis: values against NumPy 1.24 (scratch/einsum_ref.py), the
 * same result as the string spec, gradients (checkGrad to order 2), vmap, and the errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const a = ad.tensor([[1, 2, -1], [0.5, 3, 4]]);
const b = ad.tensor([[2, -1], [1, 0.5], [3, 2]]);
const c = ad.tensor([1.5, -2]);
const x = ad.div(ad.reshape(ad.arange(12), [2, 2, 3]), 4).sub(1); // np.arange(12.).reshape(2, 2, 3) / 4 - 1
const y = ad.tensor([[1, 0, 2], [-1, 3, 0.5], [2, 1, -1]]);
const arr = (t: Tensor) => t.toArray();

describe('einsum: the sublist form (np.einsum(a, [0, 1], b, [1, 2], [0, 2]))', () => {
  it('values as NumPy', () => {
    expect(arr(ad.einsum(a, [0, 1], b, [1, 2], [0, 2]))).toEqual([[1, -2], [16, 9]]);
    expect(arr(ad.einsum(a, [0, 1], b, [1, 2]))).toEqual([[1, -2], [16, 9]]); // implicit output
    expect(ad.einsum(y, [0, 0]).item()).toBe(3);                                 // trace
    expect(arr(ad.einsum(y, [5, 5], [5]))).toEqual([1, 3, -1]);                  // diagonal
    expect(arr(ad.einsum(a, [30, 2]))).toEqual([[1, 0.5], [2, 3], [-1, 4]]);    // implicit: 2 before 30, so transposed
    expect(arr(ad.einsum(a, [0, 1], b, [1, 2], c, [2]))).toEqual([5.5, 6]);
    expect(arr(ad.einsum(c, [51], c, [0], [0, 51]))).toEqual([[2.25, -3], [-3, 4]]);
    expect(ad.einsum(a, [0, 1], []).item()).toBe(9.5);                           // an empty output list sums all
    expect(arr(ad.einsum(x, ['...', 0, 1], y, [1, 2], ['...', 0, 2]))).toEqual(
      [[[-1.25, -2.75, -1.875], [0.25, 0.25, -0.75]], [[1.75, 3.25, 0.375], [3.25, 6.25, 1.5]]]);
    // (JSON: NumPy's outer product gives +0 where 0 · −2 is −0 here)
    expect(JSON.parse(JSON.stringify(arr(ad.einsum(x, ['...', 1], c, [0]))))).toEqual(
      [[[[-1.5, -1.125, -0.75], [2, 1.5, 1]], [[-0.375, 0, 0.375], [0.5, 0, -0.5]]],
        [[[0.75, 1.125, 1.5], [-1, -1.5, -2]], [[1.875, 2.25, 2.625], [-2.5, -3, -3.5]]]]);
  });

  it('is the string form: same values, gradients to second order, vmap', () => {
    expect(arr(ad.einsum(x, ['...', 0, 1], y, [1, 2], ['...', 0, 2]))).toEqual(arr(ad.einsum('...ij,jk->...ik', x, y)));
    const f = (p: Tensor, q: Tensor) => ad.sum(ad.sin(ad.einsum(p, [0, 1], q, [1, 2], [2, 0])));
    const g = (p: Tensor, q: Tensor) => ad.sum(ad.sin(ad.einsum('ij,jk->ki', p, q)));
    expect(arr(ad.grad(f, [0, 1])(a, b)[0])).toEqual(arr(ad.grad(g, [0, 1])(a, b)[0]));
    expect(ad.checkGrad(f, [a, b], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((t: Tensor) => ad.einsum(t, [0, 0]), [y], { order: 2 }).ok).toBe(true);
    const batched = ad.vmap((t: Tensor) => ad.einsum(t, [0, 1], y, [1, 2]))(x);
    expect(arr(batched)).toEqual([0, 1].map((k) => arr(ad.einsum(ad.take(x, k, 0), [0, 1], y, [1, 2]))));
    expect(arr(ad.jit((p: Tensor) => ad.einsum(p, [0, 1], b, [1, 2]))(a))).toEqual([[1, -2], [16, 9]]);
  });

  it('errors name einsum, the argument and how the sublists were read', () => {
    const call = ad.einsum as (...args: unknown[]) => Tensor;
    expect(() => call(a, [0, 52])).toThrow(/^einsum: subscript 1 of operand 0's sublist is number 52; in the sublist form subscripts are integers in \[0, 52\)/);
    expect(() => call(a, [0, 1.5])).toThrow(/^einsum: subscript 1 of operand 0's sublist is number 1.5/);
    expect(() => call(a, [0, 'i'])).toThrow(/^einsum: subscript 1 of operand 0's sublist is string 'i'.*the string '\.\.\.' for broadcast axes/);
    expect(() => call(a, [0, 1], b)).toThrow(/^einsum: argument 2 is a tensor of shape \[3,2\] where an operand, or the output sublist last, was expected/);
    expect(() => call(a, [0, 1], [0], [1])).toThrow(/^einsum: argument 2 is an array of length 1 where an operand, or the output sublist last, was expected/);
    expect(() => call([0, 1], a)).toThrow(/^einsum: the first argument must be a spec string such as 'ij,jk->ik', or an operand followed by its subscripts .*got an array of length 2 then a tensor/);
    expect(() => call('x', [0])).toThrow(/^einsum: expected a Tensor or a number, got an array/); // a string is the spec form
    expect(() => call(a, [0, 1, 2])).toThrow(/^einsum: .*\(The sublists were read as the spec 'ABC': 0–25 as 'A'–'Z', 26–51 as 'a'–'z'\.\)$/);
    expect(() => call(a, [0, 1], b, [1, 2], [0, 5])).toThrow(/'F'.*\(The sublists were read as the spec 'AB,BC->AF'/);
  });
});
