/** @file ad.conv and ad.convTranspose against naive nested loops (every combination of options), gradients against loops over taps, errors, blocking and the WebAssembly switch. */
import { afterAll, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { refConv, refConvGrads, refConvTranspose, refPadding, type RefOptions } from './support/convReference.js';

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-12): void {
  expect(got.length).toBe(want.length);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol * scale)) expect.fail(`entry ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

const normal = (shape: number[], seed: number) => ad.random.normal(shape, seed);
const perAxis = (v: number | number[], D: number) => (typeof v === 'number' ? new Array<number>(D).fill(v) : v);

interface Case {
  D: number; stride: number | number[]; padding: ad.ConvPadding; dilation: number | number[];
  groups: number; bias: boolean; batched: boolean;
}

/** One case against the naive loops: the value, then x̄ and w̄ (and the bias's) for a random cotangent. */
function checkCase(c: Case, seed: number): void {
  const spatial = c.D === 1 ? [9] : [7, 6], kernel = c.D === 1 ? [3] : [3, 2];
  const cin = 2 * c.groups, cout = 3 * c.groups, N = 2;
  const xShape = [N, cin, ...spatial], wShape = [cout, cin / c.groups, ...kernel];
  const x = normal(xShape, seed), w = normal(wShape, seed + 1), b = normal([cout], seed + 2);
  const dilation = perAxis(c.dilation, c.D), stride = perAxis(c.stride, c.D);
  const o: RefOptions = { stride, dilation, groups: c.groups, padding: refPadding(c.padding, kernel, dilation) };
  const ref = refConv(x.data, xShape, w.data, wShape, o, c.bias ? b.data : undefined);
  const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
  const f = (xx: Tensor, ww: Tensor, bb: Tensor) => ad.conv(xx, ww, c.bias ? { ...options, bias: bb } : options);
  const xin = c.batched ? x : ad.take(x, 0, 0);
  const y = f(xin, w, b);
  expect(y.shape).toEqual(c.batched ? ref.shape : ref.shape.slice(1));
  close(y.data, c.batched ? ref.data : ref.data.subarray(0, y.size));
  // Gradients of ⟨g, y⟩ against accumulation over every tap.
  const g = normal(ref.shape, seed + 3);
  const gin = c.batched ? g : ad.take(g, 0, 0);
  const [dx, dw, db] = ad.grad((xx: Tensor, ww: Tensor, bb: Tensor) => ad.sum(ad.mul(gin, f(xx, ww, bb))), [0, 1, 2])(xin, w, b) as Tensor[];
  const xRef = c.batched ? x : ad.reshape(xin, [1, ...xin.shape]), gRef = c.batched ? g : ad.reshape(gin, [1, ...gin.shape]);
  const grads = refConvGrads(xRef.data, xRef.shape as number[], w.data, wShape, gRef.data, o);
  close(dx!.data, grads.dx);
  close(dw!.data, grads.dw);
  close(db!.data, c.bias ? ad.sum(gRef, [0, ...spatial.map((_, j) => j + 2)]).data : new Float64Array(cout));
}

describe('conv against naive loops, every combination of options', () => {
  const cases: Case[] = [];
  for (const D of [1, 2]) {
    for (const stride of D === 1 ? [1, 2] : [1, 2, [2, 1]]) {
      const paddings: ad.ConvPadding[] = [0, 1, 'valid', D === 1 ? [[2, 1]] : [[1, 0], [0, 2]], ...(D === 2 ? [[2, 1]] : [])];
      if (stride === 1) paddings.push('same');
      for (const padding of paddings) for (const dilation of D === 1 ? [1, 2] : [1, 2, [1, 2]]) {
        for (const groups of [1, 2]) for (const bias of [false, true]) for (const batched of [true, false]) {
          cases.push({ D, stride, padding, dilation, groups, bias, batched });
        }
      }
    }
  }
  it(`${cases.length} cases`, () => {
    cases.forEach((c, i) => {
      try {
        checkCase(c, 1000 + 10 * i);
      } catch (e) {
        throw new Error(`case ${JSON.stringify(c)}: ${(e as Error).message}`);
      }
    });
  });

  it('3-d, with strides, dilation, groups and asymmetric padding', () => {
    const xShape = [2, 4, 5, 4, 6], wShape = [6, 2, 2, 3, 2];
    const x = normal(xShape, 1), w = normal(wShape, 2);
    const options = { stride: [1, 2, 2], padding: [[1, 0], [1, 1], [0, 2]] as Array<[number, number]>, dilation: [2, 1, 1], groups: 2 };
    const ref = refConv(x.data, xShape, w.data, wShape, options);
    const y = ad.conv(x, w, options);
    expect(y.shape).toEqual(ref.shape);
    close(y.data, ref.data);
    const g = normal(ref.shape, 3);
    const [dx, dw] = ad.grad((xx: Tensor, ww: Tensor) => ad.sum(ad.mul(g, ad.conv(xx, ww, options))), [0, 1])(x, w) as Tensor[];
    const grads = refConvGrads(x.data, xShape, w.data, wShape, g.data, options);
    close(dx!.data, grads.dx);
    close(dw!.data, grads.dw);
  });
});

describe('convTranspose against naive scattering', () => {
  it('every combination of stride, padding, outputPadding, dilation and groups, 1-d and 2-d', () => {
    let seed = 1;
    for (const D of [1, 2]) for (const stride of [1, 2, 3]) for (const padding of [0, 1]) for (const dilation of [1, 2]) {
      for (const outputPadding of [0, 1]) for (const groups of [1, 2]) {
        if (outputPadding >= stride && outputPadding >= dilation) continue;
        const xShape = [2, 2 * groups, ...(D === 1 ? [4] : [3, 4])], wShape = [2 * groups, 3, ...(D === 1 ? [3] : [2, 3])];
        const x = normal(xShape, seed++), w = normal(wShape, seed++);
        const o = { stride: perAxis(stride, D), padding: perAxis(padding, D), outputPadding: perAxis(outputPadding, D), dilation: perAxis(dilation, D), groups };
        const ref = refConvTranspose(x.data, xShape, w.data, wShape, o);
        const y = ad.convTranspose(x, w, { stride, padding, outputPadding, dilation, groups });
        expect(y.shape).toEqual(ref.shape);
        close(y.data, ref.data);
      }
    }
  });

  it('is the input gradient of conv, and takes a bias and unbatched input', () => {
    const x = normal([2, 4, 7, 7], 5), w = normal([6, 2, 3, 3], 6), g = normal([2, 6, 4, 4], 7);
    const options = { stride: 2, padding: 1, groups: 2 };
    const dx = ad.grad((xx: Tensor) => ad.sum(ad.mul(g, ad.conv(xx, w, options))))(x) as Tensor;
    close(ad.convTranspose(g, w, options).data, dx.data);
    const bias = ad.tensor([1, 2, 3, 4]);
    const one = ad.convTranspose(ad.take(g, 1, 0), w, { ...options, bias });
    expect(one.shape).toEqual([4, 7, 7]);
    close(one.data, ad.add(ad.take(dx, 1, 0), ad.reshape(bias, [4, 1, 1])).data);
  });
});

describe('kernels', () => {
  afterAll(() => ad.config({ wasm: true }));

  it('blocks of small examples, runs of rows of a large one, with and without WebAssembly', () => {
    // Small images go in blocks of examples side by side; a large one (cols over 2^20 doubles) in runs of rows.
    const shapes: Array<[number[], number[], ad.ConvOptions]> = [
      [[40, 3, 4, 4], [5, 3, 3, 3], { padding: 1 }],
      [[1, 16, 92, 90], [4, 16, 3, 3], { padding: 'same' }],
      [[2, 4, 70, 75], [4, 2, 3, 3], { groups: 2, stride: 2, dilation: 2 }],
    ];
    for (const wasm of [true, false]) {
      ad.config({ wasm });
      shapes.forEach(([xShape, wShape, options], i) => {
        const x = normal(xShape, 10 + i), w = normal(wShape, 20 + i);
        const dilation = perAxis((options.dilation as number | undefined) ?? 1, 2);
        const o: RefOptions = { stride: perAxis((options.stride as number | undefined) ?? 1, 2), dilation, groups: options.groups ?? 1, padding: refPadding(options.padding, wShape.slice(2), dilation) };
        const ref = refConv(x.data, xShape, w.data, wShape, o);
        const g = normal(ref.shape, 30 + i);
        const [y, pullback] = ad.vjp((xx: Tensor, ww: Tensor) => ad.conv(xx, ww, options), x, w);
        close((y as Tensor).data, ref.data, 1e-11);
        const [dx, dw] = pullback(g) as Tensor[];
        const grads = refConvGrads(x.data, xShape, w.data, wShape, g.data, o);
        close(dx!.data, grads.dx, 1e-11);
        close(dw!.data, grads.dw, 1e-11);
      });
    }
  });

  it('an empty batch gives an empty output and zero weight gradient', () => {
    const w = normal([3, 2, 3], 1);
    const [y, pullback] = ad.vjp((x: Tensor, ww: Tensor) => ad.conv(x, ww, { padding: 1 }), ad.zeros([0, 2, 5]), w);
    expect((y as Tensor).shape).toEqual([0, 3, 5]);
    expect(Array.from((pullback(ad.zeros([0, 3, 5]))[1] as Tensor).data)).toEqual(new Array(18).fill(0));
  });
});
