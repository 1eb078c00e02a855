/**
 * @file random.truncatedNormal's derivatives in the bounds far in a tail (helper 116). The rule was
 * φ(bound)/φ(x) = exp((x² − bound²)/2), a difference of squares of rounded numbers: a·ulp(x) relative (∂x/∂a at
 * lower = 1e5 came out 1.0000009, above its true 0.9999999997; 3e−8 off at 1e4; d²x/da² 5e−8 off at 30), and ∞ − ∞
 * (NaN) past |bound| = 1.3e154. Now, in the tails, ratios of s(t) = φ(t)/Q(t) (1/Mills ratio) and the draw's own
 * Q(x)/Q(a) = 1 − u + uρ. References: mpmath 1.2.1 at 80 digits (scratch/h116/tnref2.py): x from
 * log Q(x) = log((1 − u)Q(a) + uQ(b)) by findroot (Φ for the lower tail), ∂x/∂a = (1 − u)φ(a)/φ(x),
 * ∂x/∂b = uφ(b)/φ(x), and the second derivative in the bound beside x, ∂x/∂a·(x·∂x/∂a − a) (likewise b), for
 * u = 0.96532146111899753, 0.22515904002273013 (random.uniform(key(0), [2]), the draw's own uniform).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const random = ad.random;
const key = random.key(0);
const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const close = (got: number[], want: number[], tol: number) =>
  got.forEach((g, i) => expect(Math.abs(g - want[i]!) <= tol * Math.abs(want[i]!) || g === want[i], `${g} vs ${want[i]}`).toBe(true));

// lower, upper, x, ∂x/∂lower, ∂x/∂upper, second derivative in the bound x lies beside
const CASES: [number, number, number[], number[], number[], number[]][] = [
  [10000.0, 10001.0, [10000.000336163417, 10000.000025509748], [0.9999999663836601, 0.9999999974490252], [0.0, 0.0], [6.723267437401617e-12, 5.101949327246211e-13]],
  [-Infinity, -20000.0, [-20000.000001764707, -20000.000074547414], [0.0, 0.0], [0.9999999999117647, 0.9999999962726294], [-8.823528061521968e-15, -3.7273706072325593e-13]],
  [-10001.0, -10000.0, [-10000.00000352941, -10000.000149094825], [0.0, 0.0], [0.9999999996470589, 0.9999999850905179], [-7.058822125965055e-14, -2.9818962515690266e-12]],
  [100000.0, 100000.001, [100000.00003361634, 100000.00000255098], [0.9999999996638366, 0.9999999999744903], [1.035529787643365e-42, 1.0810063461113545e-44], [6.723268508018355e-15, 5.101949668956382e-16]],
  [-30.5, -30.0, [-30.001175144287245, -30.049602292500786], [9.697679175549789e-09, 9.274763746301444e-07], [0.999960907078666, 0.9983520461746453], [-2.310617068431094e-06, -8.180042663216843e-05]],
  [5.0, 5.000000001, [5.000000000965321, 5.0000000002251594], [0.034678539048382175, 0.7748409608495822], [0.9653214609516179, 0.22515903915041782], [-0.16737968988809915, -0.8723122310612115]],
  [10000.0, Infinity, [10000.000336163417, 10000.000025509748], [0.9999999663836601, 0.9999999974490252], [0.0, 0.0], [6.723267437401617e-12, 5.101949327246211e-13]],
];

describe('truncatedNormal: derivatives in the bounds deep in a tail', () => {
  it.each(CASES)('(%d, %d): draws, ∂x/∂lower, ∂x/∂upper and the second derivative', (lower, upper, x, dLower, dUpper, second) => {
    const L = ad.full([2], lower), U = ad.full([2], upper);
    const f = (l: Tensor, u: Tensor) => random.truncatedNormal(key, l, u);
    close(arr(f(L, U)), x, 1e-15);
    close(arr(ad.grad((t: Tensor) => ad.sum(f(t, U)))(L)), dLower, 1e-14);
    close(arr(ad.grad((t: Tensor) => ad.sum(f(L, t)))(U)), dUpper, 1e-14);
    const inLower = lower > 0; // the bound the draws lie beside
    const d2 = inLower
      ? ad.grad((t: Tensor) => ad.sum(ad.grad((s: Tensor) => ad.sum(f(s, U)))(t)))(L)
      : ad.grad((t: Tensor) => ad.sum(ad.grad((s: Tensor) => ad.sum(f(L, s)))(t)))(U);
    // x·∂x/∂a − a differs from ∂x/∂a·… by a·ulp(x)/… in the reference's own form; the rule's is good to ~1e−9 here
    // Autodiff of s(a)/s(x) ≈ a/x is (x − a·∂x/∂a)/x², a difference ~1e7 times its value at |bound| = 1e4 (1e10 at 1e5):
    // 1e−8 and 3.5e−6 relative measured there (the old rule's x·∂x/∂a − a lost everything: 1e15 times its value).
    close(arr(d2), second, Math.abs(lower) >= 1e4 || Math.abs(upper) >= 1e4 ? 1e-5 : 1e-11);
  });
  it('stays finite past |bound| = 1.3e154 (x² overflowed: NaN), with ∂x/∂(near bound) = 1 and 0 for the far one', () => {
    // Q(x) = (1 − u)Q(a): x − a ≈ −log(1 − u)/a, so ∂x/∂a = 1 − O(1/a²) rounds to 1 (x itself is one ulp above a).
    const f = (l: Tensor, u: Tensor) => random.truncatedNormal(key, l, u);
    const L = ad.full([2], 1e160), U = ad.full([2], Infinity);
    close(arr(ad.grad((t: Tensor) => ad.sum(f(t, U)))(L)), [1, 1], 3e-16);
    expect(arr(ad.grad((t: Tensor) => ad.sum(f(L, t)))(U))).toEqual([0, 0]);
    const L2 = ad.full([2], -Infinity), U2 = ad.full([2], -1e160);
    close(arr(ad.grad((t: Tensor) => ad.sum(f(L2, t)))(U2)), [1, 1], 3e-16);
    expect(arr(ad.grad((t: Tensor) => ad.sum(f(t, U2)))(L2))).toEqual([0, 0]);
    expect(arr(ad.grad((t: Tensor) => ad.sum(ad.grad((s: Tensor) => ad.sum(f(s, U)))(t)))(L)).every(Number.isFinite)).toBe(true);
  });
});
