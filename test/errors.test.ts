/** @file Misuse throws an AdjointError subclass whose message names the op, the shapes and the fix. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ad.AdjointError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('tensor construction', () => {
  it('rejects ragged arrays, saying "ragged"', () => {
    expect(() => ad.tensor([[1, 2], [3]])).toThrow(ad.ShapeError);
    expect(message(() => ad.tensor([[1, 2], [3]]))).toMatch(/ragged.*\[1\]/);
    expect(message(() => ad.tensor([[1, 2], 3]))).toMatch(/ragged/);
    expect(message(() => ad.tensor([1, [2]]))).toMatch(/ragged/);
  });

  it('rejects non-integer and negative shape entries', () => {
    expect(message(() => ad.zeros([2, 1.5]))).toMatch(/1\.5.*non-negative integer/);
    expect(message(() => ad.tensor([1, 2], [-2]))).toMatch(/-2.*non-negative integer/);
  });

  it('rejects data that does not fill the shape', () => {
    expect(message(() => ad.tensor([1, 2, 3], [2, 2]))).toMatch(/3 values do not fill shape \[2,2\] \(4 elements\)/);
  });

  it('rejects non-numbers', () => {
    expect(message(() => ad.tensor([1, 'a' as unknown as number]))).toMatch(/numbers only/);
    expect(message(() => ad.add(ad.tensor(1), 'x' as unknown as number))).toMatch(/add: expected a Tensor or a number/);
  });

  it('item() on many elements says what to use instead', () => {
    expect(message(() => ad.tensor([1, 2]).item())).toMatch(/toArray/);
  });
});

describe('shape mismatches print both shapes', () => {
  it('broadcasting', () => {
    const m = message(() => ad.add(ad.zeros([2, 3]), ad.zeros([4])));
    expect(m).toMatch(/^add: shapes \[2,3\] and \[4\] cannot be broadcast/);
    expect(m).toMatch(/reshape or expandDims/);
  });

  it('matmul', () => {
    expect(message(() => ad.matmul(ad.zeros([2, 3]), ad.zeros([2, 3])))).toMatch(/matmul: shapes \[2,3\] and \[2,3\] do not line up/);
  });

  it('reshape, concat, slice, axes', () => {
    expect(message(() => ad.reshape(ad.zeros([2, 3]), [4, 2]))).toMatch(/reshape: cannot reshape \[2,3\] \(6 elements\) to \[4,2\]/);
    expect(message(() => ad.concat([ad.zeros([2, 3]), ad.zeros([3, 3])], 1))).toMatch(/concat: tensor 1 has shape \[3,3\] but tensor 0 has \[2,3\]/);
    expect(message(() => ad.slice(ad.zeros([4]), [2], [3]))).toMatch(/slice/);
    expect(message(() => ad.sum(ad.zeros([2, 3]), 2))).toMatch(/sum: axis 2 is out of range for a tensor of rank 2/);
  });

  it('errors inside a traced function are the same errors', () => {
    expect(message(() => ad.grad((x: Tensor) => ad.sum(ad.add(x, ad.zeros([3]))))(ad.zeros([2])))).toMatch(/add: shapes \[2\] and \[3\]/);
  });
});

describe('transformations', () => {
  it('grad of a non-scalar output points to vjp', () => {
    expect(() => ad.grad((x: Tensor) => ad.mul(x, 2))(ad.zeros([3]))).toThrow(ad.NonScalarOutputError);
    expect(message(() => ad.grad((x: Tensor) => ad.mul(x, 2))(ad.zeros([3])))).toMatch(/shape \[3\].*ad\.vjp/);
  });

  it('jvp checks tangent shapes and structure', () => {
    expect(message(() => ad.jvp(ad.sin, [ad.zeros([2])], [ad.zeros([3])]))).toMatch(/tangent 0 has shape \[3\] but its primal has shape \[2\]/);
  });

  it('the vjp pullback checks the cotangent shape', () => {
    const [, pullback] = ad.vjp((x: Tensor) => ad.mul(x, 2), ad.zeros([3]));
    expect(message(() => pullback(ad.zeros([2])))).toMatch(/cotangent 0 has shape \[2\].*\[3\]/);
  });

  it('argnums out of range and non-function arguments', () => {
    expect(message(() => ad.grad((x: Tensor) => x, 2)(ad.tensor(1)))).toMatch(/argnums 2/);
    expect(message(() => ad.grad(3 as unknown as () => number))).toMatch(/expected a function/);
  });

  it('pytree leaves must be tensors or numbers', () => {
    expect(message(() => ad.grad((p: { a: Tensor }) => p.a)({ a: 'x' } as unknown as { a: Tensor }))).toMatch(/leaf at \[0\]\.a is string/);
  });

  it('a customVjp rule returning the wrong shape is named', () => {
    const f = ad.customVjp((x: Tensor) => ad.sum(x), () => [ad.zeros([5])]);
    expect(message(() => ad.grad(f)(ad.zeros([3])))).toMatch(/customVjp: the backward rule returned a cotangent of shape \[5\] for an argument of shape \[3\]/);
  });
});
