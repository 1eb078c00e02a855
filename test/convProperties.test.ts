/** @file ad.conv over random shapes and options (fast-check), under vmap and jit, its errors, and a tiny CNN trained by ad.optimizers.sgd. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { refConv, refConvGrads, type RefOptions } from './support/convReference.js';

function close(a: Tensor, b: Tensor, tol = 1e-11): void {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFloat64Array(), y = b.toFloat64Array();
  for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i]! - y[i]!) <= tol * (1 + Math.abs(y[i]!)))) expect.fail(`entry ${i}: ${x[i]} vs ${y[i]}`);
}

/** A random convolution: 1-3 spatial axes, each with its own size, kernel, stride, dilation and padding pair. */
const convCase = fc.integer({ min: 1, max: 3 }).chain((D) => fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 1, max: 3 }),
  perGroupIn: fc.integer({ min: 1, max: 2 }),
  perGroupOut: fc.integer({ min: 1, max: 2 }),
  axes: fc.array(fc.record({
    kernel: fc.integer({ min: 1, max: 3 }), stride: fc.integer({ min: 1, max: 3 }), dilation: fc.integer({ min: 1, max: 2 }),
    before: fc.integer({ min: 0, max: 2 }), after: fc.integer({ min: 0, max: 2 }), extra: fc.integer({ min: 0, max: 4 }),
  }), { minLength: D, maxLength: D }),
  seed: fc.nat(10_000),
}));

type ConvCase = typeof convCase extends fc.Arbitrary<infer T> ? T : never;

function build(c: ConvCase) {
  const cin = c.groups * c.perGroupIn, cout = c.groups * c.perGroupOut;
  const kernel = c.axes.map((a) => a.kernel);
  // Each input length is at least the dilated kernel's extent minus the padding, so some output exists.
  const size = c.axes.map((a) => Math.max(1, a.dilation * (a.kernel - 1) + 1 - a.before - a.after) + a.extra);
  const o: RefOptions = { stride: c.axes.map((a) => a.stride), dilation: c.axes.map((a) => a.dilation), padding: c.axes.map((a) => [a.before, a.after]), groups: c.groups };
  const xShape = [c.n, cin, ...size], wShape = [cout, c.perGroupIn, ...kernel];
  const x = ad.random.normal(xShape, c.seed), w = ad.random.normal(wShape, c.seed + 1);
  return { x, w, o, xShape, wShape, options: { ...o, padding: o.padding } };
}

describe('properties over random shapes and options', () => {
  it('value, input gradient and weight gradient equal the naive loops', () => {
    fc.assert(fc.property(convCase, (c) => {
      const { x, w, o, xShape, wShape, options } = build(c);
      const ref = refConv(x.data, xShape, w.data, wShape, o);
      const [y, pullback] = ad.vjp((xx: Tensor, ww: Tensor) => ad.conv(xx, ww, options), x, w);
      close(y as Tensor, ad.tensor(ref.data, ref.shape));
      const g = ad.random.normal(ref.shape, c.seed + 2);
      const [dx, dw] = pullback(g) as Tensor[];
      const grads = refConvGrads(x.data, xShape, w.data, wShape, g.data, o);
      close(dx!, ad.tensor(grads.dx, xShape));
      close(dw!, ad.tensor(grads.dw, wShape));
    }), { seed: 7, numRuns: 150 });
  });

  it('derivatives pass checkGrad to second order', () => {
    fc.assert(fc.property(convCase, (c) => {
      const { x, w, options } = build(c);
      const result = ad.checkGrad((xx: Tensor, ww: Tensor) => ad.conv(xx, ww, options), [x, w], { order: 2, directions: 1, seed: c.seed });
      expect(result.ok).toBe(true);
    }), { seed: 8, numRuns: 25 });
  });
});

describe('vmap', () => {
  const X = ad.random.normal([3, 2, 4, 6, 5], 1); // 3 examples of [N=2, C=4, 6, 5]
  const W = ad.random.normal([3, 6, 2, 3, 2], 2); // 3 weights of [O=6, C/G=2, 3, 2]
  const options = { groups: 2, stride: [2, 1], padding: 1 };
  const f = (x: Tensor, w: Tensor) => ad.conv(x, w, options);
  const loss = (w: Tensor, x: Tensor) => ad.sum(ad.square(ad.tanh(f(x, w))));
  const each = (t: Tensor) => Array.from({ length: t.shape[0]! }, (_, b) => ad.take(t, b, 0));

  it('per-example weight gradients, vmap(grad), equal a loop of grads', () => {
    const per = ad.vmap(ad.grad(loss), [null, 0])(ad.take(W, 0, 0), X) as Tensor;
    close(per, ad.stack(each(X).map((x) => ad.grad(loss)(ad.take(W, 0, 0), x) as Tensor), 0));
  });

  it('batched weights with shared, batched and last-axis inputs', () => {
    close(ad.vmap(f, [null, 0])(ad.take(X, 0, 0), W) as Tensor, ad.stack(each(W).map((w) => f(ad.take(X, 0, 0), w)), 0));
    close(ad.vmap(f, [0, 0])(X, W) as Tensor, ad.stack(each(X).map((x, b) => f(x, ad.take(W, b, 0))), 0));
    const grads = ad.vmap(ad.grad(loss, [0, 1]), [0, 0])(W, X) as Tensor[];
    const loop = each(X).map((x, b) => ad.grad(loss, [0, 1])(ad.take(W, b, 0), x) as Tensor[]);
    close(grads[0]!, ad.stack(loop.map((g) => g[0]!), 0));
    close(grads[1]!, ad.stack(loop.map((g) => g[1]!), 0));
  });

  it('runs one kernel call per primitive for the whole batch, not one per example', () => {
    const calls = (fn: () => unknown) => Object.fromEntries(ad.profile(fn).profile.forward.map((r) => [r.op, r.calls]));
    expect(calls(() => ad.vmap(f, [0, 0])(X, W))).toMatchObject({ conv: 1 });
    expect(calls(() => ad.vmap(f, [null, 0])(ad.take(X, 0, 0), W))).toMatchObject({ conv: 1 });
    const G = ad.random.normal([3, 2, 6, 3, 4], 4);
    expect(calls(() => ad.vmap((g: Tensor, w: Tensor) => ad.convTranspose(g, w, options), [0, 0])(G, W))).toMatchObject({ convTranspose: 1 });
    expect(calls(() => ad.vmap((g: Tensor, w: Tensor) => ad.convTranspose(g, w, options), [0, null])(G, ad.take(W, 0, 0)))).toMatchObject({ convTranspose: 1 });
  });

  it('hessian-vector products of per-example losses', () => {
    const V = ad.random.normal([6, 2, 3, 2], 3), w = ad.take(W, 1, 0);
    const hvps = ad.vmap((x: Tensor) => ad.hvp((ww: Tensor) => loss(ww, x), w, V), [0])(X) as Tensor;
    close(hvps, ad.stack(each(X).map((x) => ad.hvp((ww: Tensor) => loss(ww, x), w, V)), 0), 1e-10);
  });
});

describe('jit', () => {
  it('records a convolution and its gradient and replays them on new inputs', () => {
    const loss = (x: Tensor, w: Tensor) => ad.sum(ad.relu(ad.conv(x, w, { padding: 'same', bias: ad.tensor([0.1, -0.2]) })));
    const step = ad.jit(ad.valueAndGrad(loss, [0, 1]));
    for (let i = 0; i < 3; i++) {
      const x = ad.random.normal([2, 3, 5, 5], 10 + i), w = ad.random.normal([2, 3, 3, 3], 20 + i);
      const [v, [dx, dw]] = step(x, w) as [Tensor, Tensor[]];
      const [v0, [dx0, dw0]] = ad.valueAndGrad(loss, [0, 1])(x, w) as [Tensor, Tensor[]];
      close(v, v0);
      close(dx!, dx0!);
      close(dw!, dw0!);
    }
    expect(step.cacheInfo()[0]!.status).toBe('replayed');
  });
});
