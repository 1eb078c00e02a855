/**
 * @file Fused first-order VJPs (Primitive.fusedVjp) against the generic rules they stand for.
 * The generic rule runs when the backward pass is itself traced: here an outer jvp with a zero
 * tangent, whose primal output is the generic result. The two must agree bit for bit, −∞ rows,
 * ties, NaN and zero cotangents included.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (v === 0 && b[i] === 0));

function fusedAndGeneric(f: (x: Tensor) => Tensor, x: Tensor): [number[], number[]] {
  const fused = ad.grad((u: Tensor) => ad.sum(ad.mul(f(u), WEIGHTS(f(u).shape))))(x);
  const generic = ad.jvp((u: Tensor) => ad.grad((w: Tensor) => ad.sum(ad.mul(f(w), WEIGHTS(f(w).shape))))(u), [x], [ad.zeros(x.shape)])[0];
  return [Array.from(fused.toFloat64Array()), Array.from(generic.toFloat64Array())];
}

/** Output cotangents with a zero among them (a zero cotangent must give exact zeros). */
const WEIGHTS = (shape: readonly number[]) => {
  const n = shape.reduce((p, d) => p * d, 1);
  return ad.tensor(Float64Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 0 : 0.5 + i)), [...shape]);
};

describe('fused first-order VJPs equal the generic rules', () => {
  const x = ad.tensor([
    [[0.3, -1.2, 2.5, 0.3], [-Infinity, -Infinity, -Infinity, -Infinity], [1, 1, 1, 0]],
    [[5, 5, -2, NaN], [700, 710, -700, 0], [-Infinity, 2, 2, -Infinity]],
  ]); // [2, 3, 4]
  const cases: Array<[string, (u: Tensor) => Tensor]> = [];
  for (const op of ['logsumexp', 'max', 'min'] as const) {
    for (const axis of [0, 1, 2, [0, 1], [1, 2], [0, 1, 2], [0, 2]] as const) {
      cases.push([`${op} axis ${JSON.stringify(axis)}`, (u) => ad[op](u, axis as number | number[])]);
      cases.push([`${op} axis ${JSON.stringify(axis)} keepdims`, (u) => ad[op](u, axis as number | number[], true)]);
    }
  }
  it.each(cases)('%s', (_name, f) => {
    const [fused, generic] = fusedAndGeneric(f, x);
    if (!same(fused, generic)) throw new Error(`fused ${JSON.stringify(fused)}\ngeneric ${JSON.stringify(generic)}`);
  });

  it('the CRF forward algorithm: fused logsumexp gradients equal the generic ones', () => {
    const K = 5, n = 7;
    const E = ad.random.normal([n, K], 3), T = ad.random.normal([K, K], 4);
    const logZ = (e: Tensor) => {
      let alpha = ad.slice(e, [0, 0], [1, K]);
      for (let t = 1; t < n; t++) {
        alpha = ad.add(ad.logsumexp(ad.add(ad.reshape(alpha, [K, 1]), T), 0, false), ad.reshape(ad.slice(e, [t, 0], [1, K]), [K]));
      }
      return ad.logsumexp(alpha);
    };
    const fused = ad.grad(logZ)(E);
    const generic = ad.jvp((u: Tensor) => ad.grad(logZ)(u), [E], [ad.zeros([n, K])])[0];
    expect(Array.from(fused.toFloat64Array())).toEqual(Array.from(generic.toFloat64Array()));
  });
});

describe('fused elementwise VJPs (g · f′ in one pass) equal the generic rules bit for bit', () => {
  // Zeros, signed zeros, ±1 (tanh′ = 0 there), ±∞, NaN, −1 (log1p′ = ∞), tiny and huge values.
  const specials = [0, -0, 1, -1, 0.5, -0.5, 2.5, -3, 1e-300, -1e-300, 1e300, 710, -710, Infinity, -Infinity, NaN, 0.1, 7];
  const x = ad.tensor(Float64Array.from({ length: 36 }, (_, i) => (i < specials.length ? specials[i]! : Math.sin(i * 1.7) * 3)), [6, 6]);
  const ops = ['exp', 'log', 'log1p', 'expm1', 'sqrt', 'square', 'tanh', 'sigmoid', 'relu', 'reciprocal'] as const;
  it.each(ops)('%s', (op) => {
    const [fused, generic] = fusedAndGeneric((u) => ad[op](u), x);
    if (!same(fused, generic)) throw new Error(`fused ${JSON.stringify(fused)}\ngeneric ${JSON.stringify(generic)}`);
  });

  it('through a chain of them (an MLP layer: tanh of an affine map), on a long array', () => {
    const w = ad.random.normal([64, 300], 5), b = ad.random.normal([300], 6);
    const f = (u: Tensor) => ad.sigmoid(ad.tanh(ad.add(ad.matmul(u, w), b)));
    const [fused, generic] = fusedAndGeneric(f, ad.random.normal([40, 64], 7));
    expect(same(fused, generic)).toBe(true);
  });
});
