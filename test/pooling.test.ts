/** @file ad.maxPool, ad.avgPool and the adaptive pools against PyTorch (values and autograd gradients), their tie rule, vmap/jit against eager, ONNX export on ONNX Runtime, properties and errors. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference, seq, weights } from './nnReference.js';
import { expectAllClose } from './support/nnChecks.js';
import { expectExportMatches } from './onnx/ortSupport.js';

type PoolCase = (typeof reference.pool)[number];

function poolOf(c: PoolCase): (x: Tensor) => Tensor {
  const window = [...c.window], options = c.options as ad.AvgPoolOptions;
  switch (c.op) {
    case 'max': return (x) => ad.maxPool(x, window, options);
    case 'avg': return (x) => ad.avgPool(x, window, options);
    case 'adaptiveAvg': return (x) => ad.adaptiveAvgPool(x, window);
    default: return (x) => ad.adaptiveMaxPool(x, window);
  }
}

describe('pooling against PyTorch', () => {
  it.each(reference.pool.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const f = poolOf(c), x = seq(c.shape);
    const y = f(x);
    expect(y.shape).toEqual(c.outShape);
    expectAllClose(y, c.value);
    const g = ad.grad((t: Tensor) => ad.sum(ad.mul(f(t), weights(y.shape))))(x);
    expectAllClose(g, c.grads[0]!);
  });

  it('output shapes follow PyTorch', () => {
    expect(ad.maxPool(seq([2, 3, 9]), [3], { stride: 2, padding: 1, dilation: 2 }).shape).toEqual([2, 3, 4]);
    expect(ad.maxPool(seq([2, 2, 7, 6]), [3, 2], { stride: [2, 1], padding: 1, ceilMode: true }).shape).toEqual([2, 2, 4, 7]);
    expect(ad.avgPool(seq([3, 5, 5]), [3, 3], { stride: 2, ceilMode: true }).shape).toEqual([3, 2, 2]);
    expect(ad.adaptiveAvgPool(seq([1, 2, 7, 5]), [3, 4]).shape).toEqual([1, 2, 3, 4]);
  });
});

describe('pooling rules', () => {
  it('the gradient of a max goes to the first tied maximum in window order (row-major), as PyTorch', () => {
    const x = ad.tensor([[[1, 3, 3, 2]]]);
    expect(ad.grad((t: Tensor) => ad.sum(ad.maxPool(t, [4])))(x).toArray()).toEqual([[[0, 1, 0, 0]]]);
    // 2-d: the window [[5, 1], [5, 5]]: the first in row-major order is (0, 0).
    const y = ad.tensor([[[[5, 1], [5, 5]]]]);
    expect(ad.grad((t: Tensor) => ad.sum(ad.maxPool(t, [2, 2])))(y).toArray()).toEqual([[[[1, 0], [0, 0]]]]);
    // torch.nn.functional.max_pool1d(x, 2, 1) on [[2, 2, 2]] sends each window's gradient to its first entry: [[1, 1, 0]].
    expect(ad.grad((t: Tensor) => ad.sum(ad.maxPool(t, [2], { stride: 1 })))(ad.tensor([[2, 2, 2]])).toArray()).toEqual([[1, 1, 0]]);
  });

  it('a window whose maximum is −∞ sends its gradient to its first input tap, not to padding (as PyTorch)', () => {
    const g = ad.grad((t: Tensor) => ad.sum(ad.maxPool(t, [3], { stride: 2, padding: 1 })))(ad.tensor([[-Infinity, -Infinity, 1, -Infinity]]));
    expect(g.toArray()).toEqual([[1, 0, 1, 0]]); // torch.nn.functional.max_pool1d(x, 3, 2, 1)
    const h = ad.grad((t: Tensor) => ad.sum(ad.maxPool(t, [2, 2], { stride: 1, padding: 1 })))(ad.full([1, 3, 3], -Infinity));
    expect(h.toArray()).toEqual([[[4, 2, 2], [2, 1, 1], [2, 1, 1]]]); // torch.nn.functional.max_pool2d(x, 2, 1, 1)
  });

  it('the gradient of a mean spreads over the window; second derivatives are zero', () => {
    const g = ad.grad((t: Tensor) => ad.sum(ad.avgPool(t, [2], { stride: 1 })))(ad.tensor([[1, 2, 3]]));
    expect(g.toArray()).toEqual([[0.5, 1, 0.5]]);
    const h = ad.hessian((t: Tensor) => ad.sum(ad.square(ad.maxPool(t, [2]))))(ad.tensor([[1, 4, 3, 2]]));
    expect(h.toArray()).toEqual([[[[0, 0, 0, 0]], [[0, 2, 0, 0]], [[0, 0, 2, 0]], [[0, 0, 0, 0]]]]);
  });

  it("'same' padding gives ⌈L/stride⌉ outputs, the odd pad after", () => {
    const x = seq([1, 2, 7]);
    const same = ad.maxPool(x, [3], { stride: 2, padding: 'same' });
    expect(same.shape).toEqual([1, 2, 4]);
    expect(same.toArray()).toEqual(ad.maxPool(x, [3], { stride: 2, padding: [[1, 1]] }).toArray());
    expect(ad.avgPool(seq([1, 2, 6]), [4], { stride: 1, padding: 'same' }).toArray())
      .toEqual(ad.avgPool(seq([1, 2, 6]), [4], { stride: 1, padding: [[1, 2]] }).toArray());
    expect(ad.maxPool(x, [3], { padding: 'valid' }).shape).toEqual([1, 2, 2]);
  });

  it('NaN propagates through a max, as PyTorch', () => {
    expect(ad.maxPool(ad.tensor([[1, NaN, 0, 2]]), [2]).toArray()).toEqual([[NaN, 2]]);
  });
});

describe('pooling under transformations', () => {
  const f = (x: Tensor) => ad.add(
    ad.sum(ad.square(ad.maxPool(x, [3, 2], { stride: [2, 1], padding: 1, ceilMode: true }))),
    ad.sum(ad.mul(ad.avgPool(x, [2, 3], { padding: [[1, 0], [0, 1]], countIncludePad: false }), ad.adaptiveAvgPool(x, [3, 2]).sum())),
  );
  const xs = seq([3, 2, 5, 4]);

  it('vmap equals a loop, and the per-example gradient too', () => {
    const pool = (x: Tensor) => ad.maxPool(x, [3, 2], { stride: [2, 1], padding: 1 });
    const batched = ad.vmap(pool)(xs);
    const looped = ad.stack([0, 1, 2].map((i) => pool(ad.take(xs, i, 0))));
    expect(batched.toArray()).toEqual(looped.toArray());
    const perExample = ad.vmap(ad.grad(f))(ad.reshape(xs, [3, 1, 2, 5, 4]));
    const loopGrads = ad.stack([0, 1, 2].map((i) => ad.grad(f)(ad.reshape(ad.take(xs, i, 0), [1, 2, 5, 4]))));
    expectAllClose(perExample, Array.from(loopGrads.toFloat64Array()), 1e-13);
  });

  it('jit equals eager, values and gradients', () => {
    const jf = ad.jit(f), jg = ad.jit(ad.grad(f));
    expect(jf(xs).toArray()).toEqual(f(xs).toArray());
    expectAllClose(jg(xs), Array.from(ad.grad(f)(xs).toFloat64Array()), 1e-13);
    const other = ad.mul(xs, -1.5);
    expectAllClose(jg(other), Array.from(ad.grad(f)(other).toFloat64Array()), 1e-13);
  });

  it('second-order checkGrad and jvp against vjp', () => {
    const x = seq([1, 2, 5, 4]);
    const cube = (t: Tensor) => ad.sum(ad.mul(ad.square(ad.avgPool(t, [2, 2], { stride: 1, padding: 1 })), ad.maxPool(t, [2, 2], { stride: 1, padding: 1 })));
    expect(ad.checkGrad(cube, [x], { order: 2 }).ok).toBe(true);
    const [, tangent] = ad.jvp((t: Tensor) => ad.maxPool(t, [2, 2]), [x], [ad.ones(x.shape)]);
    expect(tangent.toArray()).toEqual(ad.ones([1, 2, 2, 2]).toArray());
  });

  it('exports to ONNX and runs on ONNX Runtime', async () => {
    await expectExportMatches((x: Tensor) => ad.maxPool(x, [3, 2], { stride: [2, 1], padding: 1, ceilMode: true }), [seq([2, 2, 7, 6])], 0, 'maxPool');
    await expectExportMatches((x: Tensor) => ad.avgPool(x, [3, 2], { stride: 2, padding: [[1, 0], [1, 1]], countIncludePad: false }), [seq([2, 2, 7, 6])], 1e-14, 'avgPool');
    await expectExportMatches((x: Tensor) => ad.adaptiveAvgPool(x, [2, 3, 2]), [seq([1, 1, 5, 6, 4])], 1e-14, 'adaptiveAvgPool');
    await expectExportMatches(ad.grad((x: Tensor) => ad.sum(ad.square(ad.maxPool(x, [2], { stride: 1 })))), [seq([2, 3, 6])], 1e-14, 'grad(maxPool)');
  });
});

describe('pooling properties', () => {
  const geometry = fc.record({
    L: fc.integer({ min: 2, max: 9 }), k: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 3 }),
    p: fc.integer({ min: 0, max: 2 }), ceil: fc.boolean(), c: fc.double({ min: -5, max: 5, noNaN: true }),
  }).filter(({ L, k, p }) => k <= L + 2 * p && 2 * p <= k);

  it('the average of a constant is that constant when padding is not counted; max ≥ mean ≥ min', () => {
    fc.assert(fc.property(geometry, fc.integer({ min: 0, max: 1000 }), ({ L, k, s, p, ceil, c }, salt) => {
      const options = { stride: s, padding: p, ceilMode: ceil };
      const avg = ad.avgPool(ad.full([1, 2, L], c), [k], { ...options, countIncludePad: false });
      for (const v of avg.toFloat64Array()) expect(v).toBeCloseTo(c, 12);
      const x = seq([2, 1, L], salt);
      const mx = ad.maxPool(x, [k], options).toFloat64Array();
      const mean = ad.avgPool(x, [k], { ...options, countIncludePad: false }).toFloat64Array();
      const mn = ad.neg(ad.maxPool(ad.neg(x), [k], options)).toFloat64Array();
      mean.forEach((m, i) => {
        expect(mx[i]! + 1e-12).toBeGreaterThanOrEqual(m);
        expect(m + 1e-12).toBeGreaterThanOrEqual(mn[i]!);
      });
    }), { numRuns: 60 });
  });
});

describe('pooling options given as undefined take their defaults', () => {
  it('maxPool, avgPool', () => {
    const x = seq([1, 2, 6, 5]);
    expect(ad.maxPool(x, [2, 2], { stride: undefined, padding: undefined, dilation: undefined, ceilMode: undefined }).toArray()).toEqual(ad.maxPool(x, [2, 2]).toArray());
    expect(ad.avgPool(x, [3, 2], { padding: 1, countIncludePad: undefined }).toArray()).toEqual(ad.avgPool(x, [3, 2], { padding: 1, countIncludePad: true }).toArray());
  });
});

describe('pooling errors', () => {
  const x = seq([1, 2, 5, 5]);
  it('name the op, the shapes and the fix', () => {
    expect(() => ad.maxPool(x, 2 as unknown as number[])).toThrow(/maxPool: window must be a list of 1 to 3 sizes, one per spatial axis/);
    expect(() => ad.maxPool(x, [2])).toThrow(ad.ShapeError);
    expect(() => ad.maxPool(x, [2])).toThrow(/input of shape \[1,2,5,5\] does not fit a 1-d window: it must be \[batch, channels, …1 spatial\]/);
    expect(() => ad.avgPool(x, [6, 2])).toThrow(/avgPool: along spatial axis 0 the window spans 6 .* padded input is only 5 long/);
    expect(() => ad.maxPool(x, [2, 2], { stride: 0 })).toThrow(/maxPool: stride must be a positive integer, got 0/);
    expect(() => ad.maxPool(x, [2, 2], { stride: [1, 2, 3] })).toThrow(/stride must be a number or a list of 2/);
    expect(() => ad.maxPool(x, [2, 0])).toThrow(/window must be a positive integer/);
    expect(() => ad.maxPool(x, [2, 2], { padding: 'full' as 'same' })).toThrow(/padding must be a number, a list of 2, \[before, after\] pairs, 'same', 'same_lower' or 'valid'/);
    expect(() => ad.maxPool(x, [2, 2], { padding: [[3, 0], [0, 0]] })).toThrow(/window 0 covers only padding .* use less padding/);
    expect(() => ad.maxPool(x, [2, 2], { countIncludePad: true } as ad.PoolOptions)).toThrow(/maxPool: unknown option 'countIncludePad'/);
    expect(() => ad.avgPool(x, [2, 2], { ceilMode: 1 as unknown as boolean })).toThrow(/avgPool: ceilMode must be true or false, got .*1/);
    expect(() => ad.avgPool(x, [2, 2], { countIncludePad: 'no' as unknown as boolean })).toThrow(ad.InvalidArgumentError);
    expect(() => ad.adaptiveAvgPool(x, [0, 2])).toThrow(/adaptiveAvgPool: outputSize must be a positive integer/);
    expect(() => ad.adaptiveMaxPool(ad.zeros([1, 0]), [2])).toThrow(/empty along spatial axis 0/);
  });
});
