/**
 * @file Extreme inputs where a value or derivative was silently wrong, found by a review against PyTorch 1.13 and
 * mpmath (closed forms at 40–60 digits). Each case failed before its fix.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const L = ad.losses;
const rel = (got: number, want: number) => (got === want ? 0 : Math.abs(got - want) / Math.abs(want));
const values = (t: Tensor) => Array.from(t.toFloat64Array());

describe('norms, normalisation and losses at extreme scales', () => {
  it('cosineSimilarity of vectors whose norms overflow or underflow when squared (was 0, ∞, NaN)', () => {
    // (x·y)/(‖x‖‖y‖): [1, 1]·[1, 2]/(√2 √5) = 3/√10; [1, 0]·[1, 2]/√5 = 1/√5.
    expect(rel(L.cosineSimilarity(ad.tensor([1e200, 1e200]), ad.tensor([1, 2])).item(), 0.9486832980505138)).toBeLessThan(1e-15);
    expect(rel(L.cosineSimilarity(ad.tensor([1e160, 1e160]), ad.tensor([1e160, 2e160])).item(), 0.9486832980505138)).toBeLessThan(1e-15);
    expect(rel(L.cosineSimilarity(ad.tensor([1e-200, 1e-200]), ad.tensor([1, 2])).item(), 0.9486832980505138)).toBeLessThan(1e-15);
    expect(rel(L.cosineSimilarity(ad.tensor([5e-324, 0]), ad.tensor([1, 2])).item(), 0.4472135954999579)).toBeLessThan(1e-15);
    // The gradient scales as 1/‖x‖: at [1e−200, 1e−200] it is ±(1/(2√10))·1e200·… = ±1.5811388300841898e199.
    const g = values(ad.grad((x: Tensor) => L.cosineSimilarity(x, ad.tensor([1, 2])))(ad.tensor([1e-200, 1e-200])));
    expect(rel(g[0]!, -1.5811388300841898e199)).toBeLessThan(1e-14);
    expect(rel(g[1]!, 1.5811388300841898e199)).toBeLessThan(1e-14);
  });

  it('layerNorm, batchNorm and rmsNorm where the variance overflows (were 0): scale-invariant, so those of small inputs', () => {
    const big = values(ad.layerNorm(ad.tensor([[1e200, 3e200, -2e200]]), [3]));
    const small = values(ad.layerNorm(ad.tensor([[1, 3, -2]]), [3], { epsilon: 0 }));
    big.forEach((v, i) => expect(rel(v, small[i]!)).toBeLessThan(1e-15));
    expect(ad.batchNorm(ad.tensor([[[1e200]], [[-1e200]]]), null, null, { training: true }).toArray()).toEqual([[[1]], [[-1]]]);
    const rms = values(ad.rmsNorm(ad.tensor([[3e200, 4e200]]), [2]));
    expect(rel(rms[0]!, 0.848528137423857)).toBeLessThan(1e-15);
    expect(rel(rms[1]!, 1.131370849898476)).toBeLessThan(1e-15);
    // The gradient: that of the small input divided by the scale 1e200.
    const w = ad.tensor([[1, 2, 3]]);
    const gBig = values(ad.grad((x: Tensor) => ad.sum(ad.mul(ad.layerNorm(x, [3]), w)))(ad.tensor([[1e200, 3e200, -2e200]])));
    const gSmall = values(ad.grad((x: Tensor) => ad.sum(ad.mul(ad.layerNorm(x, [3], { epsilon: 0 }), w)))(ad.tensor([[1, 3, -2]])));
    gBig.forEach((v, i) => expect(rel(v * 1e200, gSmall[i]!)).toBeLessThan(1e-14));
  });

  it('tiny deviations are not scaled up: ε dominates, as in the plain formula (torch 1.13 float64 layer_norm)', () => {
    const x = ad.tensor([[1e-200, 3e-200, -2e-200]]);
    const ln = values(ad.layerNorm(x, [3]));
    [1.0540925533894597e-198, 7.378647873726217e-198, -8.432740427115679e-198].forEach((v, i) => expect(rel(ln[i]!, v)).toBeLessThan(1e-15));
    const g = values(ad.grad((z: Tensor) => ad.take(ad.reshape(ad.layerNorm(z, [3]), [3]), 0, 0))(x));
    [210.8185106778919, -105.40925533894595, -105.40925533894595].forEach((v, i) => expect(rel(g[i]!, v)).toBeLessThan(1e-14));
    expect(rel(values(ad.rmsNorm(x, [3]))[0]!, 1e-200 / Math.sqrt(Number.EPSILON))).toBeLessThan(1e-15);
    // Near-constant lanes keep the plain formula's bits (the scale, where there is one, is a power of two).
    expect(ad.standardize(ad.tensor([0, 2e-17, -3e-17, 2e-17])).toArray()).toEqual([-7.90569415042095e-16, 5.533985905294664e-15, -1.0277402395547232e-14, 5.533985905294664e-15]);
  });

  it('the eager route (values known small: no scale ops) and the recorded one (jit, vmap: scaled) give the same bits', () => {
    const x = ad.random.normal([4, 6], 3), w = ad.random.normal([4, 6], 4);
    const f = (t: Tensor) => ad.sum(ad.mul(ad.layerNorm(t, [6]), w));
    expect(values(ad.jit(ad.grad(f))(x))).toEqual(values(ad.grad(f)(x)));
    expect(values(ad.jit((t: Tensor) => ad.rmsNorm(t, 6))(x))).toEqual(values(ad.rmsNorm(x, 6)));
    expect(values(ad.vmap((t: Tensor) => ad.layerNorm(t, [6]))(x))).toEqual(values(ad.layerNorm(x, [6])));
  });

  it('ordinary inputs keep their bits (the scale is 1 inside 2^±50)', () => {
    expect(ad.standardize(ad.tensor([1, 2, 3]), -1, { epsilon: 0 }).toArray()).toEqual([-1.224744871391589, 0, 1.224744871391589]);
    expect(ad.rmsNorm(ad.tensor([[3, 4]]), [2], { epsilon: 0 }).toArray()).toEqual([[0.848528137423857, 1.131370849898476]]);
  });

  it('softmaxCrossEntropyWithIntegerLabels with a large common offset (was 4 for 4.1429)', () => {
    // mpmath: logsumexp([0, 2, −2]) − (−2) = 4.142931628499899.
    expect(rel(L.softmaxCrossEntropyWithIntegerLabels(ad.tensor([[1e16, 1e16 + 2, 1e16 - 2]]), [2]).item(), 4.142931628499899)).toBeLessThan(1e-15);
    expect(L.softmaxCrossEntropyWithIntegerLabels(ad.tensor([[1e200, 1e200]]), [1]).item()).toBe(Math.LN2);
    expect(L.softmaxCrossEntropyWithIntegerLabels(ad.tensor([[0, 1000]]), [1]).toArray()).toEqual([0]);
  });

  it('logCosh near a zero residual keeps its digits, and its derivative tanh (was 1.1e−16 for 5e−17)', () => {
    // log cosh e = e²/2 − e⁴/12 + …
    expect(rel(L.logCosh(ad.tensor([1e-8])).item(), 5e-17)).toBeLessThan(1e-15);
    expect(rel(L.logCosh(ad.tensor([1e-12])).item(), 5e-25)).toBeLessThan(1e-15);
    expect(rel(L.logCosh(ad.tensor([0.5])).item(), 0.12011450695827752)).toBeLessThan(1e-15);
    const g = values(ad.grad((t: Tensor) => ad.sum(L.logCosh(t)))(ad.tensor([1e-12, 1e-5, 0.5, 3])));
    [1e-12, 1e-5, 0.5, 3].forEach((e, i) => expect(rel(g[i]!, Math.tanh(e))).toBeLessThan(1e-15));
    expect(L.logCosh(ad.tensor([-1000, 1000])).toArray()).toEqual([999.3068528194401, 999.3068528194401]);
  });

  it("logaddexp2's second derivative at a tie is ln 2/4, as just beside it (was 0)", () => {
    const second = (x: number) => ad.grad(ad.grad((t: Tensor) => ad.logaddexp2(t, 0)))(x).item();
    expect(rel(second(0), Math.LN2 / 4)).toBeLessThan(1e-15);
    expect(rel(second(1e-300), Math.LN2 / 4)).toBeLessThan(1e-15);
    expect(ad.logaddexp2(ad.tensor([Infinity, -Infinity, 3]), ad.tensor([Infinity, -Infinity, 3])).toArray()).toEqual([Infinity, -Infinity, 4]);
    expect(ad.grad((x: Tensor) => ad.sum(ad.logaddexp2(x, x)))(ad.tensor([Infinity, -Infinity, 3])).toArray()).toEqual([1, 1, 1]);
  });

  it("the Gaussians' derivatives at ±∞ are their limit 0 (erf″, erfc″, ndtr″ were ∞·0 = NaN)", () => {
    const second = (f: (x: Tensor) => Tensor) => ad.grad((x: Tensor) => ad.sum(ad.grad((y: Tensor) => ad.sum(f(y)))(x)))(ad.tensor([Infinity, -Infinity, 1, NaN])).toArray();
    expect(second(ad.erf)).toEqual([0, 0, -0.8302149948411894, NaN]);
    expect(second(ad.erfc)).toEqual([0, 0, 0.8302149948411894, NaN]);
    expect(second(ad.special.ndtr)).toEqual([0, 0, -0.24197072451914337, NaN]);
  });

  it("softsign's derivative keeps its digits for large |x| (1/(1 + |x|)², not the quotient rule's difference)", () => {
    const d = ad.grad((t: Tensor) => ad.sum(ad.softsign(t)))(ad.tensor([1e10, -1e17, 3, Infinity])).toArray() as number[];
    expect(Math.abs(d[0]! / (1 / (1 + 1e10) ** 2) - 1)).toBeLessThan(1e-15);
    expect(Math.abs(d[1]! / 1e-34 - 1)).toBeLessThan(1e-15);
    expect(d.slice(2)).toEqual([0.0625, 0]);
    expect(ad.softsign(ad.tensor([Infinity, -Infinity, 0.5, -3])).toArray()).toEqual([1, -1, 1 / 3, -0.75]);
  });

  it("hypot's second derivatives keep their digits when one argument dominates (mpmath)", () => {
    const h = (a: number, b: number) => ad.hessian((v: Tensor) => ad.hypot(ad.take(v, 0), ad.take(v, 1)))(ad.tensor([a, b])).toFloat64Array();
    // mpmath: ∂²/∂a² = b²/r³, ∂²/∂a∂b = −ab/r³, ∂²/∂b² = a²/r³.
    const want = [[1e8, 1, [1e-24, -9.999999999999999e-17, -9.999999999999999e-17, 9.999999999999999e-9]], [1, 1e-9, [1e-18, -1e-9, -1e-9, 1]]] as const;
    for (const [a, b, w] of want) [...h(a, b)].forEach((v, i) => expect(Math.abs(v / w[i]! - 1)).toBeLessThan(1e-15));
  });

  it("atan's derivatives for huge |x|: 1/x² and −2/x³ where x² or (1 + x²)² overflow (they were 0)", () => {
    const x = ad.tensor([1e155, -2e154, 1e100, 1e80]);
    const first = ad.grad((t: Tensor) => ad.sum(ad.atan(t)))(x).toFloat64Array();
    const second = ad.grad((t: Tensor) => ad.sum(ad.grad((u: Tensor) => ad.sum(ad.atan(u)))(t)))(x).toFloat64Array();
    expect(Math.abs(first[0]! / 1e-310 - 1)).toBeLessThan(1e-4); // subnormal: its own precision
    expect(Math.abs(first[1]! / 2.5e-309 - 1)).toBeLessThan(1e-5);
    expect([first[2], first[3]]).toEqual([1e-200, 1e-160]);
    expect([second[2], second[3]]).toEqual([-2e-300, -2e-240]);
  });
});
