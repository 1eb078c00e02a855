/**
 * @file Gradients of the jax.numpy extras against PyTorch 1.13's autograd (literals from
 * test/numpyExtrasReference.py), properties (fast-check), vmap and jit against eager loops, and
 * the errors bad input gets.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { ref } from './numpyExtrasReference.js';

type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
function close(actual: ad.Tensor, expected: Nested, tol = 1e-13): void {
  const [a, e] = [flat(actual.toArray() as Nested), flat(expected)];
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => expect(Math.abs(v - e[i]!), `entry ${i}: ${v} vs ${e[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]!))));
}

const XG = ad.tensor(ref.XG); // [4, 6]
const G = ad.tensor(ref.G);
/** The gradient of Σ G ⊙ f(x) (the cotangent G cut to f's shape, as the reference script does). */
function pullback(f: (x: ad.Tensor) => ad.Tensor, x: ad.Tensor): ad.Tensor {
  const y = f(x);
  const g = ad.slice(G, y.shape.length === 2 ? [0, 0] : [0, 0], y.shape.length === 2 ? y.shape : [1, y.shape[0]!]).reshape(y.shape);
  return ad.grad((t: ad.Tensor) => ad.sum(ad.mul(f(t), g)))(x);
}

describe('gradients against PyTorch autograd', () => {
  it('median: ½ to each middle entry of an even count (torch.quantile 0.5)', () => {
    close(pullback((x) => ad.median(x, 1), XG), ref.grads.median1);
  });
  it.each(['linear', 'lower', 'higher', 'nearest', 'midpoint'] as const)('quantile, method %s: values and gradient', (method) => {
    const f = (x: ad.Tensor) => ad.transpose(ad.quantile(x, [0.1, 0.5, 0.9], 1, { method }));
    close(f(XG), ref.grads.quantileValues1[method]);
    close(pullback(f, XG), ref.grads.quantile1[method]);
  });
  it('cummax, cummin, cumlogsumexp (torch.cummax, cummin, logcumsumexp)', () => {
    close(pullback((x) => ad.cummax(x, 1), XG), ref.grads.cummax1);
    close(pullback((x) => ad.cummin(x, 0), XG), ref.grads.cummin0);
    close(pullback((x) => ad.cumlogsumexp(x, 1), XG), ref.grads.cumlogsumexp1);
  });
  it('sinc: first and second derivatives (torch.sinc), and at 0 the limits 0 and −π²/3', () => {
    const x = ad.tensor(ref.SX);
    const d1 = ad.grad((t: ad.Tensor) => ad.sum(ad.sinc(t)));
    close(d1(x), ref.grads.sinc1, 1e-12);
    close(ad.grad((t: ad.Tensor) => ad.sum(d1(t)))(x), ref.grads.sinc2, 1e-10); // torch cancels near 0 (5e-12 off at −0.01)
    close(d1(x), ref.grads.sinc1Exact, 4e-16);
    close(ad.grad((t: ad.Tensor) => ad.sum(d1(t)))(x), ref.grads.sinc2Exact, 4e-15);
    expect(ad.grad(ad.sinc)(0).item()).toBe(0);
    expect(ad.grad(ad.grad(ad.sinc))(0).item()).toBeCloseTo(-(Math.PI ** 2) / 3, 14);
    // Third derivative at 0 is 0 (sinc is even); fourth is π⁴/5.
    const d4 = ad.grad(ad.grad(ad.grad(ad.grad(ad.sinc))));
    expect(Math.abs(d4(0).item() - Math.PI ** 4 / 5)).toBeLessThan(1e-10);
  });
  it('interp: in x, xp and fp (NumPy\'s formula in torch ops)', () => {
    const [x, xp, fp] = [ad.tensor(ref.XIG), ad.tensor(ref.XP), ad.tensor(ref.FP)];
    const w = ad.tensor(flat(ref.G).slice(0, ref.XIG.length));
    const [gx, gxp, gfp] = ad.grad((a: ad.Tensor, b: ad.Tensor, c: ad.Tensor) => ad.sum(ad.mul(ad.interp(a, b, c), w)), [0, 1, 2])(x, xp, fp);
    close(gx!, ref.grads.interp.x);
    close(gxp!, ref.grads.interp.xp);
    close(gfp!, ref.grads.interp.fp);
  });
  it('cbrt: 1/(3∛x²), +∞ at 0', () => {
    expect(ad.grad(ad.cbrt)(-8).item()).toBe(1 / 12);
    expect(ad.grad(ad.cbrt)(0).item()).toBe(Infinity);
    expect(ad.grad(ad.grad(ad.cbrt))(8).item()).toBeCloseTo((-2 / 9) * 8 ** (-5 / 3), 15);
  });
  it('max-like ties split the cotangent as max does', () => {
    expect(ad.grad((x: ad.Tensor) => ad.sum(ad.cummax(x)))(ad.tensor([2, 2, 1])).toArray()).toEqual([1 + 0.5 + 0.5, 0.5 + 0.5, 0]);
    expect(ad.grad((x: ad.Tensor) => ad.ptp(x))(ad.tensor([3, 1, 3, 1])).toArray()).toEqual([0.5, -0.5, 0.5, -0.5]);
    expect(ad.grad((x: ad.Tensor) => ad.median(x))(ad.tensor([5, 1, 3, 2])).toArray()).toEqual([0, 0, 0.5, 0.5]);
    expect(ad.grad((x: ad.Tensor) => ad.logaddexp2(x, 3))(3).item()).toBe(0.5);
  });
});

describe('properties', () => {
  const vec = (min: number, max: number) => fc.array(fc.double({ min, max, noNaN: true }), { minLength: 1, maxLength: 12 });
  it('quantile is monotone in q, between min and max, and median is quantile ½', () => {
    fc.assert(fc.property(vec(-1e3, 1e3), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, p, q) => {
      const x = ad.tensor(xs);
      for (const method of ['linear', 'lower', 'higher', 'nearest', 'midpoint'] as const) {
        const [a, b] = ad.quantile(x, [Math.min(p, q), Math.max(p, q)], undefined, { method }).toArray() as number[];
        expect(a).toBeLessThanOrEqual(b!);
        expect(a).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(b).toBeLessThanOrEqual(Math.max(...xs));
      }
      expect(Math.abs(ad.median(x).item() - ad.quantile(x, 0.5).item())).toBeLessThanOrEqual(1e-12 * Math.max(1, ...xs.map(Math.abs)));
    }), { numRuns: 60, seed: 7 });
  });
  it('cumlogsumexp equals log(cumsum(exp)) where that is finite, and stays finite where it overflows', () => {
    fc.assert(fc.property(vec(-30, 30), fc.double({ min: -2000, max: 2000, noNaN: true }), (xs, shift) => {
      const x = ad.tensor(xs);
      const naive = ad.log(ad.cumsum(ad.exp(x), 0)).toArray() as number[];
      (ad.cumlogsumexp(x).toArray() as number[]).forEach((v, i) => expect(Math.abs(v - naive[i]!)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(naive[i]!))));
      // Shifted far out of exp's range: the same values, shifted.
      const shifted = ad.cumlogsumexp(ad.add(x, shift)).toArray() as number[];
      shifted.forEach((v, i) => {
        expect(Number.isFinite(v)).toBe(true);
        expect(Math.abs(v - shift - naive[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(shift)));
      });
    }), { numRuns: 60, seed: 11 });
  });
  it('cummax is the running max of a loop; cummin of −x is −cummax', () => {
    fc.assert(fc.property(vec(-50, 50), (xs) => {
      let m = -Infinity;
      expect(ad.cummax(ad.tensor(xs)).toArray()).toEqual(xs.map((v) => (m = Math.max(m, v))));
      expect(ad.cummin(ad.neg(ad.tensor(xs))).toArray()).toEqual(xs.map((_, i) => -Math.max(...xs.slice(0, i + 1))).map((v) => v + 0));
    }), { numRuns: 60, seed: 13 });
  });
  it('searchsorted agrees with a linear scan; interp reproduces the knots', () => {
    fc.assert(fc.property(vec(-5, 5), vec(-6, 6), (as, vs) => {
      const a = [...as].sort((p, q) => p - q);
      const left = vs.map((v) => a.filter((e) => e < v).length);
      const right = vs.map((v) => a.filter((e) => e <= v).length);
      expect(ad.searchsorted(ad.tensor(a), ad.tensor(vs)).toArray()).toEqual(left);
      expect(ad.searchsorted(ad.tensor(a), ad.tensor(vs), { side: 'right' }).toArray()).toEqual(right);
      const xp = [...new Set(a)];
      const fp = xp.map((v) => v * v - 1);
      expect(ad.interp(ad.tensor(xp), ad.tensor(xp), ad.tensor(fp)).toArray()).toEqual(fp);
    }), { numRuns: 60, seed: 17 });
  });
});

describe('vmap and jit equal the eager loop', () => {
  const xs = ad.random.normal([3, 7], 5);
  const rows = [0, 1, 2].map((i) => ad.reshape(ad.slice(xs, [i, 0], [1, 7]), [7]));
  const ops: Array<[string, (x: ad.Tensor) => ad.Tensor]> = [
    ['median', (x) => ad.median(x)],
    ['quantile', (x) => ad.quantile(x, [0.2, 0.7])],
    ['cummax', (x) => ad.cummax(x)],
    ['cumlogsumexp', (x) => ad.cumlogsumexp(x)],
    ['interp', (x) => ad.interp(x, ad.tensor([-1, 0, 2]), ad.tensor([1, -1, 3]))],
    ['sinc', (x) => ad.sinc(x)],
    ['cbrt', (x) => ad.cbrt(x)],
    ['logaddexp2', (x) => ad.logaddexp2(x, ad.flip(x))],
    ['convolve', (x) => ad.convolve(x, ad.tensor([1, -2, 0.5]), 'same')],
    ['nanvar', (x) => ad.nanvar(x)],
    ['trapezoid', (x) => ad.trapezoid(x)],
  ];
  it.each(ops)('%s', (_name, f) => {
    const eager = rows.map(f);
    expect(ad.vmap(f)(xs).toArray()).toEqual(ad.stack(eager).toArray());
    const jitted = ad.jit(f);
    jitted(rows[0]!);
    rows.forEach((r, i) => close(jitted(r), eager[i]!.toArray() as Nested, 1e-15));
    // And the gradients, under vmap.
    const g = (x: ad.Tensor) => ad.grad((t: ad.Tensor) => ad.sum(ad.square(f(t))))(x);
    close(ad.vmap(g)(xs), ad.stack(rows.map(g)).toArray() as Nested, 1e-14);
  });
});

describe('q as an argument of jit and vmap', () => {
  const x = ad.random.normal([9], 4);
  const f = (q: ad.Tensor) => ad.quantile(x, q);
  const eager = [0.1, 0.5, 0.93].map((q) => f(ad.tensor(q)).item());
  it('jit replays a quantile at new q (the positions are ops, not values read)', () => {
    const jitted = ad.jit(f);
    [0.1, 0.5, 0.93].forEach((q, i) => expect(jitted(ad.tensor(q)).item()).toBe(eager[i]));
  });
  it('vmap over q equals the loop, and the derivative in q is the slope between neighbours', () => {
    expect(ad.vmap(f)(ad.tensor([0.1, 0.5, 0.93])).toArray()).toEqual(eager);
    const sorted = ad.sort(x).toFloat64Array();
    const pos = 0.5 * 8;
    expect(ad.grad(f)(ad.tensor(0.5 + 1e-9 / 8)).item()).toBeCloseTo(8 * (sorted[pos + 1]! - sorted[pos]!), 12);
  });
});

describe('searchsorted, a primitive', () => {
  const a = ad.tensor([[-1, 0, 0, 2, NaN], [1, 1, 1, 5, 9], [-3, -2, 4, 4, 4]]);
  const v = ad.tensor([[0, NaN, -5, 2], [1, 9, 10, 0], [4, -2.5, 4, NaN]]);
  /** The brute-force count, NaN sorting last. */
  const count = (row: number[], x: number, side: 'left' | 'right') =>
    row.filter((e) => (side === 'left' ? e < x || (Number.isNaN(x) && !Number.isNaN(e)) : e <= x || Number.isNaN(x))).length;
  const rows = (t: ad.Tensor) => t.toArray() as number[][];
  it.each(['left', 'right'] as const)('under vmap (a and v batched, or a shared) equals a loop and a brute-force count (%s)', (side) => {
    const f = (p: ad.Tensor, q: ad.Tensor) => ad.searchsorted(p, q, { side });
    const want = rows(v).map((q, i) => q.map((x) => count(rows(a)[i]!, x, side)));
    expect(ad.vmap(f)(a, v).toArray()).toEqual(want);
    expect(ad.vmap(f, [null, 0])(ad.slice(a, [1, 0], [1, 5]).reshape([5]), v).toArray()).toEqual(rows(v).map((q) => q.map((x) => count(rows(a)[1]!, x, side))));
    const jitted = ad.jit(f);
    rows(a).forEach((r, i) => expect(jitted(ad.tensor(r), ad.tensor(rows(v)[i]!)).toArray()).toEqual(want[i]));
  });
  it('exports to ONNX Runtime with the same positions, NaN included', async () => {
    const { expectExportMatches } = await import('./onnx/ortSupport.js');
    for (const side of ['left', 'right'] as const) {
      await expectExportMatches((p: ad.Tensor, q: ad.Tensor) => ad.searchsorted(p, q, { side }), [ad.tensor(rows(a)[0]!), v], 0, `searchsorted ${side}`);
    }
  });
  it('a long table: a binary search per value', () => {
    const table = ad.sort(ad.random.normal([200000], 1));
    const values = ad.random.normal([100000], 2);
    const t0 = performance.now();
    const got = ad.searchsorted(table, values).toFloat64Array();
    expect(performance.now() - t0).toBeLessThan(2000); // compare-all would be 2·10¹⁰ comparisons
    const sorted = table.toFloat64Array();
    for (let j = 0; j < 50; j++) {
      const x = values.toFloat64Array()[j]!;
      const i = got[j]!;
      expect(i === 0 || sorted[i - 1]! < x).toBe(true);
      expect(i === sorted.length || sorted[i]! >= x).toBe(true);
    }
  });
});

describe('empty reductions, as jnp', () => {
  it('median and quantile of an empty axis are NaN, shaped as any reduction', () => {
    expect(ad.median(ad.zeros([0])).item()).toBeNaN();
    expect(ad.median(ad.zeros([2, 0]), 1).toArray()).toEqual([NaN, NaN]);
    expect(ad.median(ad.zeros([2, 0]), 1, true).shape).toEqual([2, 1]);
    expect(ad.nanmedian(ad.zeros([0, 3]), 0).toArray()).toEqual([NaN, NaN, NaN]);
    const q = ad.quantile(ad.zeros([3, 0]), [0.25, 0.75], 1);
    expect(q.shape).toEqual([2, 3]);
    expect(Array.from(q.toFloat64Array()).every(Number.isNaN)).toBe(true);
    expect(ad.percentile(ad.zeros([0]), 50).item()).toBeNaN();
    expect(ad.median(ad.zeros([0, 2]), 1).shape).toEqual([0]); // an empty batch of full lanes
    expect(ad.grad((x: ad.Tensor) => ad.sum(ad.median(x, 1)))(ad.zeros([2, 0])).shape).toEqual([2, 0]);
  });

  it('logsumexp with weights b over an empty axis is −∞ (as without b; jax.nn.logsumexp)', () => {
    expect(ad.special.logsumexp(ad.zeros([0]), undefined, { b: ad.zeros([0]) }).item()).toBe(-Infinity);
    expect(ad.special.logsumexp(ad.zeros([3, 0]), 1, { b: 2 }).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(ad.logsumexp(ad.zeros([0]), undefined, { b: ad.zeros([0]) }).item()).toBe(-Infinity);
    const r = ad.special.logsumexp(ad.zeros([2, 0]), 1, { b: 1, returnSign: true }) as { value: ad.Tensor; sign: ad.Tensor };
    expect([r.value.toArray(), r.sign.toArray()]).toEqual([[-Infinity, -Infinity], [0, 0]]);
  });
});

describe('errors name the op, the shapes and the fix', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['quantile q outside [0, 1]', () => ad.quantile(ad.ones([3]), 1.5), /quantile: q must lie in \[0, 1\], got 1.5/],
    ['percentile q outside [0, 100]', () => ad.percentile(ad.ones([3]), [50, 101]), /percentile: q must lie in \[0, 100\]/],
    ['quantile unknown method', () => ad.quantile(ad.ones([3]), 0.5, 0, { method: 'hazen' as 'linear' }), /quantile: unknown method 'hazen'; use one of 'linear'/],
    ['quantile unknown option', () => ad.quantile(ad.ones([3]), 0.5, 0, { interpolation: 'linear' } as never), /quantile: unknown option 'interpolation'/],
    ['median keepdims not boolean', () => ad.median(ad.ones([2]), 0, 1 as never), /median: keepdims must be true or false/],
    ['all axis out of range', () => ad.all(ad.ones([2]), 1), /all: axis 1 is out of range/],
    ['average weights mismatch', () => ad.average(ad.ones([2, 3]), 0, { weights: ad.ones([3]) }), /average: weights of shape \[3\] do not fit axis 0/],
    ['average weights without axis', () => ad.average(ad.ones([2, 3]), undefined, { weights: ad.ones([3]) }), /average: weights of shape \[3\] differ from x's shape \[2,3\]/],
    ['average zero weights', () => ad.average(ad.ones([2]), 0, { weights: ad.zeros([2]) }), /average: the weights sum to zero/],
    ['average returned not boolean', () => ad.average(ad.ones([2]), 0, { returned: 'yes' as never }), /average: returned must be true or false/],
    ['cov of 3-D', () => ad.cov(ad.ones([2, 2, 2])), /cov: x of shape \[2,2,2\] has more than 2 axes/],
    ['cov y mismatch', () => ad.cov(ad.ones([2, 3]), { y: ad.ones([4]) }), /cov: x has 3 observations but y has 4/],
    ['cov fractional fweights', () => ad.cov(ad.ones([2, 3]), { fweights: ad.tensor([1, 0.5, 2]) }), /cov: fweights must be whole numbers ≥ 0, got 0.5/],
    ['cov aweights length', () => ad.cov(ad.ones([2, 3]), { aweights: ad.ones([2]) }), /cov: aweights of shape \[2\] must be 1-D with one weight per observation \(3\)/],
    ['corrcoef bias', () => ad.corrcoef(ad.ones([2, 3]), { bias: true } as never), /corrcoef: unknown option 'bias'/],
    ['nanvar unknown option', () => ad.nanvar(ad.ones([2]), 0, { dof: 1 } as never), /nanvar: unknown option 'dof'/],
    ['nanmax of an empty axis', () => ad.nanmax(ad.zeros([0])), /^nanmax: x of shape \[0\] is empty along axis 0; the maximum of no values/],
    ['nanmin of an empty axis', () => ad.nanmin(ad.zeros([2, 0]), 1), /^nanmin: x of shape \[2,0\] is empty along axis 1; the minimum/],
    ['ptp of an empty axis', () => ad.ptp(ad.zeros([0])), /^ptp: x of shape \[0\] is empty/],
    ['nanargmax of an empty axis', () => ad.nanargmax(ad.zeros([0])), /^nanMaxIndex: x of shape \[0\] is empty along its flattened length/],
    ['nanargmin of an empty axis', () => ad.nanargmin(ad.zeros([3, 0]), 1), /^nanMinIndex: x of shape \[3, 0\] is empty along axis 1/],
    ['average, zero weights over all axes', () => ad.average(ad.zeros([0]), undefined, { weights: ad.zeros([0]) }), /^average: the weights sum to zero over all axes/],
    ['nanstd axis', () => ad.nanstd(ad.ones([2]), 2), /nanstd: axis 2 is out of range/],
    ['cummax reverse not boolean', () => ad.cummax(ad.ones([2]), 0, { reverse: 1 as never }), /cummax: reverse must be true or false/],
    ['cumlogsumexp axis', () => ad.cumlogsumexp(ad.ones([2]), 3), /cumlogsumexp: axis 3 is out of range/],
    ['moveaxis lengths', () => ad.moveaxis(ad.ones([2, 3]), [0, 1], [0]), /moveaxis: 2 source axes but 1 destination axes/],
    ['moveaxis repeat', () => ad.moveaxis(ad.ones([2, 3]), [0, 0], [0, 1]), /moveaxis: source \[0,0\] repeats an axis/],
    ['vstack mismatch', () => ad.vstack([ad.ones([2]), ad.ones([3])]), /vstack: the inputs' shapes \[2\], \[3\]/],
    ['meshgrid unknown option', () => ad.meshgrid(ad.ones([2]), { copy: true } as never), /meshgrid: unknown option 'copy'; the options are indexing and sparse/],
    ['meshgrid sparse not boolean', () => ad.meshgrid(ad.ones([2]), { sparse: 1 as never }), /meshgrid: sparse must be true or false/],
    ['isclose equalNan not boolean', () => ad.isclose(1, 1, { equalNan: 'yes' as never }), /isclose: equalNan must be true or false/],
    ['cov bias not boolean', () => ad.cov(ad.ones([2, 3]), { bias: 0 as never }), /cov: bias must be true or false/],
    ['average options not an object', () => ad.average(ad.ones([2]), 0, 5 as never), /average: options must be an object like/],
    ['hstack empty list', () => ad.hstack([]), /hstack: expected a non-empty list of tensors/],
    ['meshgrid indexing', () => ad.meshgrid(ad.ones([2]), { indexing: 'xz' as 'xy' }), /meshgrid: indexing must be 'xy' or 'ij'/],
    ['tensordot lengths', () => ad.tensordot(ad.ones([2, 3]), ad.ones([3, 2])), /tensordot: axis 0 of a \(shape \[2,3\]\) has length 2 but axis 0 of b/],
    ['tensordot axes too many', () => ad.tensordot(ad.ones([2]), ad.ones([2]), 2), /tensordot: axes 2 does not fit/],
    ['inner last axes', () => ad.inner(ad.ones([2, 3]), ad.ones([2])), /inner: the last axes of a \(shape \[2,3\]\) and b \(shape \[2\]\) differ/],
    ['vdot sizes', () => ad.vdot(ad.ones([2, 3]), ad.ones([5])), /vdot: a of shape \[2,3\] has 6 entries but b of shape \[5\] has 5/],
    ['cross of 2-vectors', () => ad.cross(ad.ones([2]), ad.ones([2])), /cross: axis -1 of a \(shape \[2\]\) and of b \(shape \[2\]\) must both have length 3/],
    ['trapezoid x length', () => ad.trapezoid(ad.ones([4]), ad.ones([3])), /trapezoid: x of shape \[3\] has 3 points but y of shape \[4\] has 4/],
    ['isclose rtol', () => ad.isclose(1, 1, { rtol: -1 }), /isclose: rtol must be a number ≥ 0/],
    ['allclose shapes', () => ad.allclose(ad.ones([2]), ad.ones([3])), /allclose/],
    ['heaviside shapes', () => ad.heaviside(ad.ones([2]), ad.ones([3])), /heaviside/],
    ['searchsorted side', () => ad.searchsorted(ad.ones([2]), 1, { side: 'middle' as 'left' }), /searchsorted: side must be 'left' or 'right'/],
    ['searchsorted 2-D a', () => ad.searchsorted(ad.ones([2, 2]), 1), /searchsorted: a \(the sorted sequence\) must be 1-D, got shape \[2,2\]/],
    ['interp lengths', () => ad.interp(0, ad.ones([3]), ad.ones([2])), /interp: xp of shape \[3\] and fp of shape \[2\] differ in length/],
    ['interp empty', () => ad.interp(0, ad.ones([0]), ad.ones([0])), /interp: xp must be 1-D and non-empty/],
    ['interp option', () => ad.interp(0, ad.ones([2]), ad.ones([2]), { periods: 1 } as never), /interp: unknown option 'periods'/],
    ['polyval p 2-D', () => ad.polyval(ad.ones([2, 2]), 1), /polyval: p \(the coefficients, highest degree first\) must be 1-D/],
    ['convolve mode', () => ad.convolve(ad.ones([3]), ad.ones([2]), 'circular' as 'full'), /convolve: mode must be 'full', 'same' or 'valid'/],
    ['correlate empty', () => ad.correlate(ad.ones([0]), ad.ones([2])), /correlate: a must be 1-D and non-empty, got shape \[0\]/],
  ];
  it.each(cases)('%s', (_name, f, message) => {
    expect(f).toThrow(ad.AdjointError);
    expect(f).toThrow(message);
  });
});
