/**
 * @file chainMatmul of a stacked tensor [n, s, s] against the list form (itself checked against
 * the leave-one-out oracle in ./chain.test.ts): value, gradient, HVP, JVP, vmap and jit give the
 * same bits, resident (extents multiples of 4) or not, from a stack, a slice of a larger buffer, or
 * a traced stack; bad shapes are refused with the fix.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const factorsOf = (stack: Tensor): Tensor[] => Array.from({ length: stack.shape[0]! }, (_, i) => ad.take(stack, i, 0));
const bits = (t: Tensor) => Array.from(t.toFloat64Array());
/** A loss that is not linear in the product, so second derivatives are not zero. */
const lossOfStack = (t: Tensor) => ad.sum(ad.sin(ad.chainMatmul(t)));
const lossOfList = (t: Tensor) => ad.sum(ad.sin(ad.chainMatmul(factorsOf(t))));

describe('chainMatmul of a stack [n, s, s]', () => {
  it('a stack whose tape does not fit the kernel memory (120 × 64×64): the gradient, sent out in several runs into one buffer, equals the list form\'s bits', () => {
    const stack = ad.mul(ad.random.normal(ad.random.key(64), [120, 64, 64]), 1 / 8);
    // A full-rank cotangent (sum(P) would take the rank-one path, kernels/chainRankOne.ts).
    const w = ad.random.normal(ad.random.key(65), [64, 64]);
    const loss = (t: Tensor) => ad.sum(ad.mul(ad.chainMatmul(t), w));
    const grad = ad.grad(loss)(stack);
    const gradL = ad.grad((t: Tensor) => ad.sum(ad.mul(ad.chainMatmul(factorsOf(t)), w)))(stack);
    expect(grad.shape).toEqual([120, 64, 64]);
    expect(bits(grad)).toEqual(bits(gradL));
  });

  for (const [n, s] of [[2, 3], [5, 8], [7, 6], [40, 4], [200, 8], [3, 16], [6, 1]] as const) {
    it(`n = ${n}, s = ${s}: value, gradient, HVP, JVP, jit and vmap equal the list form's bits`, () => {
      const stack = ad.mul(ad.random.normal(ad.random.key(n * 31 + s), [n, s, s]), 1 / Math.sqrt(s));
      const v = ad.random.normal(ad.random.key(n + s), [n, s, s]);
      expect(bits(ad.chainMatmul(stack))).toEqual(bits(ad.chainMatmul(factorsOf(stack))));
      const [value, grad] = ad.valueAndGrad(lossOfStack)(stack);
      const [valueL, gradL] = ad.valueAndGrad(lossOfList)(stack);
      expect(value.item()).toBe(valueL.item());
      expect(grad.shape).toEqual([n, s, s]);
      expect(bits(grad)).toEqual(bits(gradL));
      expect(bits(ad.hvp(lossOfStack, stack, v))).toEqual(bits(ad.hvp(lossOfList, stack, v)));
      expect(ad.jvp(lossOfStack, [stack], [v])[1].item()).toBe(ad.jvp(lossOfList, [stack], [v])[1].item());
      expect(bits(ad.jit(ad.grad(lossOfStack))(stack))).toEqual(bits(gradL));
      const batch = ad.stack([stack, v], 0);
      expect(bits(ad.vmap((t: Tensor) => ad.chainMatmul(t))(batch))).toEqual([...bits(ad.chainMatmul(stack)), ...bits(ad.chainMatmul(v))]);
    });
  }

  it('a stack that is a slice of a larger buffer, and gradients of a stack used twice', () => {
    const big = ad.random.normal(ad.random.key(5), [10, 8, 8]);
    const part = ad.slice(big, [3, 0, 0], [4, 8, 8]);
    expect(bits(ad.chainMatmul(part))).toEqual(bits(ad.chainMatmul(factorsOf(part))));
    const f = (t: Tensor) => ad.add(ad.sum(ad.chainMatmul(t)), ad.sum(ad.mul(t, t)));
    const g = ad.grad(f)(big);
    const gl = ad.grad((t: Tensor) => ad.add(ad.sum(ad.chainMatmul(factorsOf(t))), ad.sum(ad.mul(t, t))))(big);
    expect(bits(g)).toEqual(bits(gl));
  });

  it('one factor is itself; a gradient of the stack through grad of grad', () => {
    const one = ad.random.normal(ad.random.key(2), [1, 3, 3]);
    expect(ad.chainMatmul(one).shape).toEqual([3, 3]);
    expect(bits(ad.chainMatmul(one))).toEqual(bits(one));
    const stack = ad.random.normal(ad.random.key(3), [4, 4, 4]);
    const gg = ad.grad((t: Tensor) => ad.sum(ad.square(ad.grad(lossOfStack)(t))))(stack);
    const ggl = ad.grad((t: Tensor) => ad.sum(ad.square(ad.grad(lossOfList)(t))))(stack);
    expect(bits(gg)).toEqual(bits(ggl));
  });

  it('refuses a stack that is not [n, s, s] with n ≥ 1, naming the shape and the list form', () => {
    expect(() => ad.chainMatmul(ad.ones([3, 2, 3]))).toThrow(/\[3,2,3\].*\[n, s, s\]|\[n, s, s\].*\[3,2,3\]/);
    expect(() => ad.chainMatmul(ad.ones([0, 2, 2]))).toThrow(ad.ShapeError);
    expect(() => ad.chainMatmul(ad.ones([2, 2]))).toThrow(/chainMatmul\(\[A, B, C\]\)/);
  });
});
