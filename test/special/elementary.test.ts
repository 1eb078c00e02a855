/** @file xlog1py, entr, expit, logsumexp with weights, the re-exported names, vmap/jit against eager, and errors. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { relErr } from './support.js';

const S = ad.special;

describe('xlog1py and entr', () => {
  it('keep SciPy\'s zeros and their strong-zero gradients', () => {
    expect(S.xlog1py(ad.tensor([0, 0, 2, 0]), ad.tensor([-1, 3, 1e-20, NaN])).toArray()).toEqual([0, 0, 2e-20, NaN]);
    const [gx, gy] = ad.grad((x: ad.Tensor, y: ad.Tensor) => ad.sum(S.xlog1py(x, y)), [0, 1])(ad.tensor([0, 2]), ad.tensor([-1, 1])) as ad.Tensor[];
    expect(gx!.toArray()).toEqual([-Infinity, Math.log(2)]); // ∂/∂x = log1p(y), −∞ at y = −1 (its limit)
    expect(gy!.toArray()).toEqual([0, 1]); // x/(1 + y): 0 where x = 0
    expect(S.entr(ad.tensor([0, 0.5, 1, -1])).toArray()).toEqual([0, 0.5 * Math.LN2, 0, -Infinity]);
    expect(ad.grad((x: ad.Tensor) => S.entr(x))(ad.scalar(0.25)).item()).toBeCloseTo(-(Math.log(0.25) + 1), 15);
  });
});

describe('relEntr, klDiv and factorial', () => {
  it('have SciPy\'s values and edges', () => {
    expect(S.relEntr(ad.tensor([0, 0, 1, 2, -1, 1]), ad.tensor([3, 0, 1, 1, 1, 0])).toArray()).toEqual([0, 0, 0, 2 * Math.log(2), Infinity, Infinity]);
    expect(S.klDiv(ad.tensor([0, 1, 2, 1]), ad.tensor([3, 1, 1, -1])).toArray()).toEqual([3, 0, 2 * Math.log(2) - 1, Infinity]);
    // log of the ratio: exact for x ≈ y, where log x − log y would cancel.
    expect(relErr(S.relEntr(1 + 2 ** -40, 1).item(), (1 + 2 ** -40) * Math.log1p(2 ** -40))).toBeLessThan(1e-15);
    expect(relErr(S.factorial(5).item(), 120)).toBeLessThan(1e-15);
    expect(relErr(S.factorial(170).item(), 7.257415615307994e306)).toBeLessThan(2e-13); // exp of lgamma(171) ≈ 706
    expect(S.factorial(ad.tensor([0, -1])).toArray()).toEqual([1, 0]);
  });

  it('have the gradients (log(x/y) + 1, −x/y), (log(x/y), 1 − x/y) and n!ψ(n + 1)', () => {
    const [gx, gy] = ad.grad((x: ad.Tensor, y: ad.Tensor) => S.relEntr(x, y), [0, 1])(ad.scalar(2), ad.scalar(0.5)) as ad.Tensor[];
    expect(relErr(gx!.item(), Math.log(4) + 1)).toBeLessThan(1e-15);
    expect(relErr(gy!.item(), -4)).toBeLessThan(1e-15);
    const [kx, ky] = ad.grad((x: ad.Tensor, y: ad.Tensor) => S.klDiv(x, y), [0, 1])(ad.scalar(2), ad.scalar(0.5)) as ad.Tensor[];
    expect(relErr(kx!.item(), Math.log(4))).toBeLessThan(1e-15);
    expect(relErr(ky!.item(), -3)).toBeLessThan(1e-15);
    expect(relErr(ad.grad((n: ad.Tensor) => S.factorial(n))(ad.scalar(3)).item(), 6 * (1.5 + 1 / 3 - 0.5772156649015329))).toBeLessThan(1e-14);
    expect(ad.grad((y: ad.Tensor) => S.relEntr(0, y))(ad.scalar(2)).item()).toBe(0);
  });
});

describe('logsumexp with b and returnSign', () => {
  it('is log Σ b eᵃ, signed, without overflow', () => {
    const a = ad.tensor([1000, 1000, 999]);
    const b = ad.tensor([1, -0.5, 2]);
    const want = 1000 + Math.log(0.5 + 2 * Math.exp(-1));
    expect(relErr(S.logsumexp(a, undefined, { b }).item(), want)).toBeLessThan(1e-15);
    const { value, sign } = S.logsumexp(ad.tensor([0, 0]), 0, { b: ad.tensor([1, -3]), returnSign: true });
    expect(relErr(value.item(), Math.log(2))).toBeLessThan(1e-15);
    expect(sign.item()).toBe(-1);
    expect(S.logsumexp(ad.tensor([0, 0]), 0, { b: ad.tensor([1, -3]) }).item()).toBeNaN(); // a negative sum, as JAX
    expect(S.logsumexp(ad.tensor([0, 0]), 0, { b: ad.tensor([1, -1]), returnSign: true }).value.item()).toBe(-Infinity);
  });

  it('agrees with ad.logsumexp without b, per axis and with keepdims, and differentiates in a and b', () => {
    const a = ad.tensor([[0.5, -1, 2], [3, 0, -2]]);
    expect(S.logsumexp(a, 1, { keepdims: true }).toArray()).toEqual(ad.logsumexp(a, 1, true).toArray());
    const viaB = S.logsumexp(a, 1, { b: ad.ones([3]) }).toFloat64Array();
    ad.logsumexp(a, 1).toFloat64Array().forEach((v, i) => expect(relErr(viaB[i]!, v)).toBeLessThan(1e-15));
    const r = ad.checkGrad((x: ad.Tensor, w: ad.Tensor) => S.logsumexp(x, -1, { b: w }), [a, ad.tensor([0.3, 2, 1])], { order: 2 });
    expect(r.ok).toBe(true);
  });
});

describe('the namespace', () => {
  it('re-exports the existing special functions under JAX\'s names', () => {
    expect(S.gammaln).toBe(ad.lgamma);
    expect(S.erfinv).toBe(ad.erfinv);
    expect(S.xlogy).toBe(ad.xlogy);
    expect(S.logit).toBe(ad.logit);
    expect(S.expit(0).item()).toBe(0.5);
  });

  it('vmap and jit give the eager values', () => {
    const f = (a: ad.Tensor, x: ad.Tensor) => ad.add(S.gammainc(a, x), ad.mul(S.logNdtr(ad.neg(x)), S.i1e(x)));
    const as = ad.tensor([0.5, 2, 7]), xs = ad.tensor([[0.3, 2, 9], [1, 1, 1]]);
    const eager = ad.stack([0, 1].map((i) => f(as, ad.take(xs, [i], 0).reshape([3]))), 0);
    expect(ad.vmap(f, [null, 0])(as, xs).toArray()).toEqual(eager.toArray());
    const jg = ad.jit(ad.grad((x: ad.Tensor) => ad.sum(S.betainc(2, 3, x))));
    const x = ad.tensor([0.1, 0.5, 0.95]);
    jg(x);
    expect(jg(x).toArray()).toEqual(ad.grad((t: ad.Tensor) => ad.sum(S.betainc(2, 3, t)))(x).toArray());
    expect(ad.vmap((q: ad.Tensor) => S.zeta(3, q))(ad.tensor([1, 2])).toArray()).toEqual(S.zeta(3, ad.tensor([1, 2])).toArray());
  });

  it('refuses ONNX export with an ExportError naming the primitive, and exports the composites', () => {
    expect(() => ad.onnx.exportModel((x: ad.Tensor) => S.gammainc(2, x), [ad.tensor([0.5, 1])])).toThrow(ad.onnx.ExportError);
    expect(() => ad.onnx.exportModel((x: ad.Tensor) => S.logNdtr(x), [ad.tensor([0.5, 1])])).toThrow(/logNdtr/);
    expect(ad.onnx.exportModel((x: ad.Tensor) => ad.add(S.ndtr(x), S.xlog1py(x, x)), [ad.tensor([0.5, 1])]).length).toBeGreaterThan(0);
  });

  it('throws an AdjointError naming the op for junk and shapes that do not broadcast', () => {
    expect(() => S.gammainc('x' as unknown as number, 1)).toThrow(ad.AdjointError);
    expect(() => S.gammainc('x' as unknown as number, 1)).toThrow(/gammainc/);
    expect(() => S.betainc(ad.ones([2]), 1, ad.ones([3]))).toThrow(/betainc: shapes \[2\] and \[\] and \[3\] cannot be broadcast/);
    expect(() => S.ndtri({} as unknown as number)).toThrow(/ndtri/);
  });
});
