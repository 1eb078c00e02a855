/**
 * @file Tensors meeting values they do not hold: `tensor(x)` and the creation functions on tensors
 * being differentiated (identity or a clear error, never a cut gradient), inputs that are not
 * numbers (an error, never JavaScript's coercions), and tensors in numeric contexts (`x > 0`).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

/** What plain JavaScript does with a tensor where a number goes (TypeScript would reject it). */
const num = (t: Tensor): number => t as unknown as number;
const bad = <T>(v: unknown) => v as T;

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ad.AdjointError);
    return e as Error;
  }
  throw new Error('expected an AdjointError, got no error');
}

describe('tensor() is the identity on tensors, traced ones included', () => {
  it('keeps the gradient under grad, at second order, and in forward mode', () => {
    expect(ad.grad((x: Tensor) => ad.sum(ad.square(ad.tensor(x))))(ad.tensor([1, 2])).toArray()).toEqual([2, 4]);
    expect(ad.grad(ad.grad((x: Tensor) => ad.pow(ad.tensor(ad.tensor(x)), 3)))(2).item()).toBe(12);
    const [out, tangent] = ad.jvp((x: Tensor) => ad.mul(ad.tensor(x), 3), [ad.tensor([1, 2])], [ad.tensor([1, -1])]);
    expect(out.toArray()).toEqual([3, 6]);
    expect(tangent.toArray()).toEqual([3, -3]);
  });

  it('returns the same tensor, with or without its own shape', () => {
    const x = ad.tensor([[1, 2]]);
    expect(ad.tensor(x)).toBe(x);
    expect(ad.tensor(x, [1, 2])).toBe(x);
    expect(ad.tensor(x, [2]).toArray()).toEqual([1, 2]); // a plain tensor may be reshaped
  });

  it('under jit, tensor(x) stays in the recorded program (replays follow the new argument)', () => {
    const f = ad.jit(ad.valueAndGrad((x: Tensor) => ad.sum(ad.square(ad.tensor(x)))));
    f(ad.tensor([1, 2]));
    const [value, gradient] = f(ad.tensor([3, 4]));
    expect(value.item()).toBe(25);
    expect(gradient.toArray()).toEqual([6, 8]);
    expect(f.cacheInfo()[0]!.status).toBe('replayed');
  });

  it('inside a checkpointed region, a closed-over tensor passed through tensor() keeps its gradient', () => {
    const g = ad.grad((y: Tensor) => ad.checkpoint((x: Tensor) => ad.mul(ad.tensor(y), x))(ad.tensor(2)))(ad.tensor(3));
    expect(g.item()).toBe(2);
  });

  it('scalar(x) of a 0-d tensor and full(x.shape, x) are x, so their gradients arrive', () => {
    expect(ad.grad((x: Tensor) => ad.square(ad.scalar(x)))(3).item()).toBe(6);
    expect(ad.grad((x: Tensor) => ad.square(ad.full([], x)))(3).item()).toBe(6);
    expect(ad.grad((x: Tensor) => ad.sum(ad.full([2], x)))(ad.tensor([1, 2])).toArray()).toEqual([1, 1]);
  });

  it('where a copy would cut the gradient, the error names the op and the differentiable way', () => {
    const grad0 = (f: (x: Tensor) => Tensor) => () => ad.grad(f)(ad.tensor(3));
    expect(thrown(grad0((x) => ad.sum(ad.full([3], x)))).message).toMatch(/^full: .*cut its derivatives.*ad\.broadcastTo\(value, \[3\]\)/);
    // linspace differentiates tensor endpoints now, as jnp.linspace (helper 113): Σ (1 − i/2) over i = 0, 1, 2
    expect(ad.grad((x: Tensor) => ad.sum(ad.linspace(x, 1, 3)))(ad.tensor(3)).item()).toBe(1.5);
    expect(thrown(grad0((x) => ad.sum(ad.arange(num(x))))).message).toMatch(/^arange: stop .*x\.item\(\)/);
    expect(thrown(grad0((x) => ad.sum(ad.random.normal([2], 0, num(x))))).message).toMatch(/^random\.normal: mean .*ad\.mul/);
    expect(thrown(grad0((x) => ad.sum(ad.tensor([x, x])))).message).toMatch(/^tensor: element \[0\] .*ad\.stack/);
    expect(thrown(grad0((x) => ad.scalar(ad.reshape(x, [1])))).message).toMatch(/^scalar: .*ad\.reshape\(x, \[\]\)/);
    expect(thrown(grad0((x) => ad.sum(ad.tensor(ad.reshape(x, [1]), [1, 1])))).message).toMatch(/^tensor: .*ad\.reshape\(x, \[1,1\]\)/);
  });

  it('the fixes the errors suggest give the gradient', () => {
    expect(ad.grad((x: Tensor) => ad.sum(ad.stack([x, ad.mul(x, 2)], 0)))(ad.tensor(3)).item()).toBe(3);
    expect(ad.grad((x: Tensor) => ad.sum(ad.broadcastTo(x, [3])))(ad.tensor(3)).item()).toBe(3);
  });

  it('tensors that are not being differentiated are read by value: stacked in nested arrays, as fill values and bounds', () => {
    expect(ad.tensor([ad.tensor([1, 2]), ad.tensor([3, 4])]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(ad.tensor([[ad.scalar(1), 2]]).toArray()).toEqual([[1, 2]]);
    expect(ad.full([2], ad.scalar(7)).toArray()).toEqual([7, 7]);
    expect(ad.scalar(ad.tensor([[5]])).shape).toEqual([]);
    // tensor endpoints broadcast as np.linspace(0, np.array([1]), 3)'s: shape [3, 1] (helper 113)
    expect(ad.linspace(bad(ad.scalar(0)), bad(ad.tensor([1])), 3).toArray()).toEqual([[0], [0.5], [1]]);
    // A tensor leaked out of a finished grad is a plain value again.
    let leaked = ad.scalar(0);
    ad.grad((x: Tensor) => ((leaked = ad.mul(x, 2)), leaked))(ad.tensor(4));
    expect(ad.tensor([leaked, 1]).toArray()).toEqual([8, 1]);
    expect(thrown(() => ad.tensor([ad.tensor([1, 2]), ad.tensor([3])])).message).toMatch(/ragged.*\[1\] has shape \[1\] where shape \[2\]/);
  });
});

describe('inputs are never coerced into nonsense', () => {
  it('strings, undefined and bigints where numbers go are errors naming the op, with strings quoted', () => {
    expect(thrown(() => ad.scalar(bad('3'))).message).toBe("scalar: expected a number, got string '3'; pass a number (Number(s) parses a string).");
    expect(thrown(() => ad.scalar(bad(undefined))).message).toMatch(/^scalar: expected a number, got undefined/);
    expect(thrown(() => ad.full([2], bad('a'))).message).toMatch(/^full: the fill value must be a number, got string 'a'/);
    expect(thrown(() => ad.tensor([[1, bad('a')]])).message).toMatch(/^tensor: element \[0\]\[1\] is string 'a'/);
    expect(thrown(() => ad.zeros(bad([2, '3']))).message).toMatch(/^zeros: shape \[2,'3'\] has entry '3'/);
    expect(thrown(() => ad.add(ad.scalar(1), bad('1'))).message).toMatch(/^add: expected a Tensor or a number, got string '1'/);
  });

  it('NaN and infinite bounds, sizes and seeds are errors; NaN and ±Infinity values are legal', () => {
    expect(thrown(() => ad.arange(NaN)).message).toMatch(/^arange: stop is NaN/);
    expect(thrown(() => ad.arange(0, Infinity)).message).toMatch(/^arange: stop is Infinity/);
    expect(thrown(() => ad.linspace(0, 1, NaN)).message).toMatch(/^linspace: n .*non-negative integer/);
    expect(thrown(() => ad.eye(-1)).message).toMatch(/^eye: n must be a non-negative integer/);
    expect(thrown(() => ad.random.uniform([2], NaN)).message).toMatch(/^random\.uniform: seed must be an integer, got number NaN/);
    expect(ad.tensor([NaN, Infinity, -Infinity]).toArray()).toEqual([NaN, Infinity, -Infinity]);
    expect(ad.full([2], NaN).toArray()).toEqual([NaN, NaN]);
    expect(ad.linspace(-Infinity, 0, 1).toArray()).toEqual([-Infinity]);
  });

  it('typed arrays: numeric ones are read, DataView and bigint arrays are errors saying how to convert', () => {
    expect(ad.tensor(bad(new Int8Array([-1, 2]))).toArray()).toEqual([-1, 2]);
    expect(ad.tensor(bad(new Uint8ClampedArray([255, 0])), [2, 1]).toArray()).toEqual([[255], [0]]);
    expect(thrown(() => ad.tensor(bad(new DataView(new ArrayBuffer(16))))).message).toMatch(/^tensor: cannot make a tensor from a DataView.*new Float64Array\(view\.buffer/);
    expect(thrown(() => ad.tensor(bad(new BigInt64Array(2)))).message).toMatch(/^tensor: .*BigInt64Array.*Float64Array\.from\(x, Number\)/);
    expect(thrown(() => ad.tensor(bad(new BigUint64Array(2)))).message).toMatch(/BigUint64Array/);
  });

  it('10¹² elements: an error naming the op, the shape, the count and the limit, for every creation function', () => {
    const limit = /4,294,967,296 \(2\^32\)/;
    const runs: Array<[string, () => unknown]> = [
      ['zeros', () => ad.zeros([1e6, 1e6])],
      ['ones', () => ad.ones([1e12])],
      ['full', () => ad.full([1e6, 1e6], 2)],
      ['tensor', () => ad.tensor(1, [1e6, 1e6])],
      ['eye', () => ad.eye(1e6)],
      ['arange', () => ad.arange(1e12)],
      ['linspace', () => ad.linspace(0, 1, 1e12)],
      ['random.normal', () => ad.random.normal([1e6, 1e6], 0)],
      ['random.uniform', () => ad.random.uniform([1e12], 0)],
    ];
    for (const [op, run] of runs) {
      const e = thrown(run);
      expect(e).toBeInstanceOf(ad.ShapeError);
      expect(e.message).toMatch(new RegExp(`^${op.replace('.', '\\.')}: shape \\[[0-9,]+\\] has 1,000,000,000,000 elements`));
      expect(e.message).toMatch(limit);
    }
  });
});

describe('a tensor in a numeric context gives its value', () => {
  it('comparisons, arithmetic, unary plus and Math.* see the number, not NaN', () => {
    expect(num(ad.scalar(2)) > 0).toBe(true);
    expect(num(ad.scalar(2)) * 3).toBe(6);
    expect(Math.exp(num(ad.scalar(0)))).toBe(1);
    expect(+num(ad.tensor([[5]]))).toBe(5);
    expect(num(ad.scalar(-1)) < num(ad.scalar(1))).toBe(true);
    expect(num(ad.scalar(2)) == 2).toBe(true); // eslint-disable-line eqeqeq
    expect(Math.max(num(ad.scalar(NaN)), 1)).toBeNaN(); // a NaN value stays NaN
  });

  it('text stays text: String, template strings, JSON and inspect', async () => {
    expect(String(ad.scalar(2))).toBe('tensor(2)');
    expect(`${ad.tensor([1, 2])}`).toBe('tensor([1, 2], shape=[2])');
    expect(JSON.stringify({ w: ad.tensor([1, 2]), b: ad.scalar(3) })).toBe('{"w":[1,2],"b":3}');
    const { inspect } = await import('node:util');
    expect(inspect(ad.tensor([1, 2]))).toBe('tensor([1, 2], shape=[2])');
  });

  it('a tensor of many elements is an error that says what to use', () => {
    for (const run of [() => num(ad.tensor([1, 2])) > 0, () => num(ad.zeros([2, 2])) * 3, () => Math.exp(num(ad.tensor([]))), () => '' + num(ad.tensor([1, 2]))]) {
      expect(thrown(run).message).toMatch(/^numeric context: a tensor of shape \[[0-9,]*\] .*x\.item\(\).*x\.toArray\(\).*ad\.greater \/ ad\.where/);
    }
  });

  it('inside grad, a comparison sees the concrete value and takes the right branch', () => {
    const absLike = (x: Tensor) => (num(x) > 0 ? x : ad.neg(x));
    expect(ad.grad(absLike)(3).item()).toBe(1);
    expect(ad.grad(absLike)(-3).item()).toBe(-1);
    expect(ad.grad((x: Tensor) => ad.mul(x, Math.exp(num(x))))(0).item()).toBe(1); // the read value is a constant
  });

  it('under jit, the read is recorded: the function runs as written, never a stale branch', () => {
    let calls = 0;
    const f = ad.jit((x: Tensor) => {
      calls++;
      return num(ad.sum(x)) > 0 ? ad.exp(x) : ad.neg(x);
    });
    expect(f(ad.tensor([1, 2])).toArray()).toEqual([Math.E, Math.exp(2)]);
    expect(f(ad.tensor([-1, -2])).toArray()).toEqual([1, 2]);
    expect(calls).toBe(2);
    const [entry] = f.cacheInfo();
    expect(entry!.status).toBe('eager');
    expect(entry!.reason).toMatch(/^a numeric context .*read the value of a tensor computed from the arguments/);
  });
});
