/**
 * @file First-order fused rules of the product ops (logAbsProd, cumprod) against their generic ops form, bit for bit:
 * the generic rule runs when the backward pass is itself traced (an outer jvp with a zero tangent,
 * whose primal output is the generic gradient). Zeros, ±∞, NaN and zero cotangents included.
 */
import { describe, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** Weights with zeros among them and both signs (a zero cotangent must give exact zeros). */
function weights(shape: readonly number[]): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  return ad.tensor(Float64Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 0 : (i % 2 ? -1 : 1) * (0.5 + i))), [...shape]);
}

function fusedAndGeneric(f: (x: Tensor) => Tensor, x: Tensor): [number[], number[]] {
  const loss = (u: Tensor) => {
    const y = f(u);
    return ad.sum(ad.mul(y, weights(y.shape)));
  };
  const fused = ad.grad(loss)(x);
  const generic = ad.jvp((u: Tensor) => ad.grad(loss)(u), [x], [ad.zeros(x.shape)])[0];
  return [Array.from(fused.toFloat64Array()), Array.from(generic.toFloat64Array())];
}

describe('logAbsProd: the fused first-order cotangent equals the generic rule bit for bit', () => {
  const x = ad.tensor([
    [[0.3, -1.2, 2.5, 0.3], [0, -0, 3, -4], [Infinity, 2, -Infinity, 1e-310]],
    [[5, 5, -2, NaN], [700, 1e-300, -700, 0], [-3, 2, 2, 7]],
  ]); // [2, 3, 4]
  const cases: Array<[string, (u: Tensor) => Tensor]> = [];
  for (const axis of [0, 1, 2, [0, 2], [1, 2], undefined] as const) {
    cases.push([`axis ${JSON.stringify(axis)}`, (u) => ad.logAbsProd(u, axis as number | number[] | undefined).logAbs]);
    cases.push([`axis ${JSON.stringify(axis)} keepdims`, (u) => ad.logAbsProd(u, axis as number | number[] | undefined, true).logAbs]);
  }
  it.each(cases)('%s', (_name, f) => {
    const [fused, generic] = fusedAndGeneric(f, x);
    if (!same(fused, generic)) throw new Error(`fused ${JSON.stringify(fused)}\ngeneric ${JSON.stringify(generic)}`);
  });
});

describe('cumprod: the fused first-order cotangent equals the generic rule bit for bit', () => {
  const x = ad.tensor([
    [[0.3, -1.2, 2.5, 0.3, 2], [0, -0, 3, -4, 0], [Infinity, 2, -Infinity, 1e-310, 0.5]],
    [[5, 5, -2, NaN, 1], [700, 1e300, -700, 0, 1e10], [-3, 2, 2, 7, 0]],
  ]); // [2, 3, 5]
  const cases: Array<[string, (u: Tensor) => Tensor]> = [];
  for (const axis of [0, 1, 2, -1]) {
    for (const exclusive of [false, true]) {
      for (const reverse of [false, true]) {
        cases.push([`axis ${axis} exclusive ${exclusive} reverse ${reverse}`, (u) => ad.cumprod(u, axis, { exclusive, reverse })]);
      }
    }
  }
  cases.push(['a length-1 axis', (u) => ad.cumprod(ad.reshape(u, [30, 1]), 1)]);
  cases.push(['a length-1 axis, exclusive', (u) => ad.cumprod(ad.reshape(u, [30, 1]), 1, { exclusive: true })]);
  it.each(cases)('%s', (_name, f) => {
    const [fused, generic] = fusedAndGeneric(f, x);
    if (!same(fused, generic)) throw new Error(`fused ${JSON.stringify(fused)}\ngeneric ${JSON.stringify(generic)}`);
  });
});
