/**
 * @file More of jax.numpy (src/ops/numpyMore.ts, numpyNanCumulative.ts, numpyDifferences.ts,
 * numpySelection.ts) against NumPy 1.24's values, embedded by test/numpyMoreReference.py
 * (np.diagonal, trace, fmax/fmin over special pairs, divmod, modf, rint, fix, float_power,
 * isposinf/isneginf, indices, tri, rollaxis, nanprod/nancumsum/nancumprod/nanargmax/nanargmin,
 * ediff1d, gradient with steps and coordinates at edge orders 1 and 2, unwrap, trim_zeros, select,
 * piecewise, choose in every mode, compress, extract, resize on fixed inputs), with gradient checks
 * (to second order where differentiable) and vmap/jit against the eager loop.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { ref } from './numpyMoreReference.js';
import { batched, close, gradOk, T, type Nested } from './support/numpyCompare.js';

describe('diagonal, trace over any two axes', () => {
  const A = ad.reshape(ad.arange(60), [3, 4, 5]);
  it('as NumPy: every offset and axis pair (negative axes, axis1 > axis2)', () => {
    for (const o of [-2, 0, 1, 3]) {
      for (const [a1, a2] of [[0, 1], [1, 2], [2, 0], [-1, -2]] as const) close(ad.diagonal(A, o, a1, a2), ref.diagonal[`${o}_${a1}_${a2}`]);
      for (const [a1, a2] of [[0, 1], [1, 2], [2, 0]] as const) close(ad.trace(A, o, a1, a2), ref.trace[`${o}_${a1}_${a2}`]);
    }
    expect(ad.trace(ad.tensor([[1, 2], [3, 4]])).item()).toBe(ad.linalg.trace(ad.tensor([[1, 2], [3, 4]])).item());
    expect(() => ad.diagonal(A, 0, 1, -2)).toThrow(/diagonal: axis1 and axis2 must differ/);
    expect(() => ad.trace(ad.tensor([1, 2]))).toThrow(/trace: a of shape \[2\] has 1 axes/);
    expect(() => ad.diagonal(A, 0.5)).toThrow(/diagonal: offset must be an integer/);
  });
  it('gradients (linear), vmap, jit', () => {
    gradOk((x) => ad.diagonal(x, 1, 2, 0), ad.random.normal([3, 2, 4], 1));
    gradOk((x) => ad.trace(x, -1, 0, 2), ad.random.normal([3, 2, 4], 2));
    batched((x) => ad.diagonal(x, 0, 1, 0), [ad.random.normal([3, 3, 2], 3), ad.random.normal([3, 3, 2], 4)]);
    batched((x) => ad.trace(x, 1), [ad.random.normal([3, 4], 5), ad.random.normal([3, 4], 6)]);
  });
});

describe('fmax, fmin, divmod, modf, fix, rint, positive, floatPower, isposinf, isneginf, remainder', () => {
  const sp = T(ref.sp);
  it('bit for bit NumPy over special values (NaN, ±∞, ±0, tiny, huge)', () => {
    const [X, Y] = [ad.reshape(sp, [10, 1]), ad.reshape(sp, [1, 10])];
    close(ad.fmax(X, Y), ref.fmax);
    close(ad.fmin(X, Y), ref.fmin);
    const [q, r] = ad.divmod(T(ref.dm_a), T(ref.dm_b));
    close(q, ref.divmod[0]);
    close(r, ref.divmod[1]);
    close(ad.remainder(T(ref.dm_a), T(ref.dm_b)), ref.divmod[1]);
    const [f, i] = ad.modf(T(ref.modf_x));
    close(f, ref.modf[0]);
    close(i, ref.modf[1]);
    close(ad.rint(T(ref.rint_x)), ref.rint);
    close(ad.fix(T(ref.rint_x)), ref.fix);
    close(ad.floatPower(T(ref.fp_a), T(ref.fp_b)), ref.floatPower, 4.5e-16);
    close(ad.isposinf(sp), ref.isposinf);
    close(ad.isneginf(sp), ref.isneginf);
    close(ad.positive(ad.tensor([-0, 2])), [-0, 2]);
  });
  it('gradients: fmax/fmin to the entry chosen (ties to the second, as jnp), modf\'s fraction 1, divmod\'s remainder mod\'s', () => {
    const a = ad.tensor([1, NaN, 3, 2, -1]), b = ad.tensor([2, 5, NaN, 2, -3]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.fmax(t, b)))(a).toArray()).toEqual([0, 0, 1, 0, 1]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.fmax(a, t)))(b).toArray()).toEqual([1, 1, 0, 1, 0]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.fmin(t, b)))(a).toArray()).toEqual([1, 0, 1, 0, 0]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.modf(t)[0]))(ad.tensor([2.5, -0.25])).toArray()).toEqual([1, 1]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.modf(t)[1]))(ad.tensor([2.5, -0.25])).toArray()).toEqual([0, 0]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.divmod(t, 3)[1]))(ad.tensor([7.5, -1])).toArray()).toEqual([1, 1]);
    gradOk((x) => ad.fmax(x, ad.tensor([0.1, -0.2, 0.3])), ad.tensor([0.7, -1.3, 0.2]));
    gradOk((x) => ad.floatPower(ad.add(ad.square(x), 1), 1.5), ad.tensor([0.7, -1.3, 0.2]));
    batched((x) => ad.fmin(x, ad.tensor([NaN, 1, -1])), [ad.tensor([3, NaN, -2]), ad.tensor([NaN, 0, 5])]);
    batched((x) => ad.stack(ad.modf(x)), [ad.tensor([2.5, -0.5, Infinity]), ad.tensor([-3, NaN, 1e300])]);
    batched((x) => ad.stack(ad.divmod(x, ad.tensor([2, -0.7, 3]))), [ad.tensor([5, 1, -3]), ad.tensor([-5, 0.7, 1e300])]);
  });
});

describe('arrayEqual, arrayEquiv, broadcastShapes, broadcastArrays, indices, tri, rollaxis', () => {
  it('booleans as NumPy\'s array_equal / array_equiv', () => {
    const a = ad.tensor([[1, NaN], [3, -0]]);
    expect(ad.arrayEqual(a, ad.tensor([[1, NaN], [3, 0]]))).toBe(false);
    expect(ad.arrayEqual(a, ad.tensor([[1, NaN], [3, 0]]), true)).toBe(true);
    expect(ad.arrayEqual(ad.tensor([1, 2]), ad.tensor([[1, 2]]))).toBe(false);
    expect(ad.arrayEqual(ad.tensor([1, 2]), ad.tensor([1, 3]))).toBe(false);
    expect(ad.arrayEquiv(ad.tensor([1, 2]), ad.tensor([[1, 2], [1, 2]]))).toBe(true);
    expect(ad.arrayEquiv(ad.tensor([1, 2]), ad.tensor([[1, 2], [1, 3]]))).toBe(false);
    expect(ad.arrayEquiv(ad.tensor([1, 2]), ad.tensor([1, 2, 3]))).toBe(false);
    expect(ad.arrayEquiv(ad.tensor([NaN]), ad.tensor([NaN]))).toBe(false);
  });
  it('shapes, grids and axes as NumPy', () => {
    expect(ad.broadcastShapes([2, 1, 3], [4, 1], [])).toEqual([2, 4, 3]);
    expect(ad.broadcastShapes()).toEqual([]);
    expect(() => ad.broadcastShapes([2], [3])).toThrow(/broadcastShapes/);
    expect(() => ad.broadcastShapes([2.5])).toThrow(/broadcastShapes: shape 0 must be a list of whole numbers/);
    const [p, q] = ad.broadcastArrays(ad.tensor([1, 2]), ad.tensor([[3], [4]]));
    expect([p!.toArray(), q!.toArray()]).toEqual([[[1, 2], [1, 2]], [[3, 3], [4, 4]]]);
    close(ad.indices([2, 3, 4]), ref.indices);
    const sparse = ad.indices([2, 3], true);
    expect(sparse.map((s) => s.shape)).toEqual([[2, 1], [1, 3]]);
    expect(ad.indices([]).shape).toEqual([0]);
    for (const [n, m, k] of [[3, undefined, 0], [3, 5, 1], [4, 2, -1], [2, 3, -5], [2, 3, 7], [0, 2, 0]] as const) {
      close(ad.tri(n, m, k), ref.tri[`${n}_${m === undefined ? 'None' : m}_${k}`]);
    }
    for (const ax of [0, 2, -1]) for (const st of [0, 1, 3, 4, -1, -4]) expect(ad.rollaxis(ad.zeros([2, 3, 4, 5]), ax, st).shape).toEqual(ref.rollaxis[`${ax}_${st}`]);
    expect(() => ad.rollaxis(ad.zeros([2, 3]), 0, 3)).toThrow(/rollaxis: start must be in \[-2, 2\]/);
  });
  it('broadcastArrays sums its cotangent back; rollaxis\'s values', () => {
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(ad.broadcastArrays(x, ad.zeros([3, 2]))[0]!, ad.arange(6).reshape([3, 2]))))(ad.tensor([1, 1]));
    expect(g.toArray()).toEqual([6, 9]);
    const x = ad.reshape(ad.arange(24), [2, 3, 4]);
    expect(ad.rollaxis(x, 2).toArray()).toEqual(ad.moveaxis(x, 2, 0).toArray());
  });
});

describe('nanprod, nancumsum, nancumprod, nanMaxIndex, nanMinIndex', () => {
  const nx = T(ref.nx), nxa = T(ref.nxa);
  it('as NumPy: flattened, along each axis, keepdims; all-NaN lanes', () => {
    close(ad.nanprod(nx), ref.nanprod[0]);
    close(ad.nanprod(nx, 0), ref.nanprod[1]);
    close(ad.nanprod(nx, 1, true), ref.nanprod[2]);
    for (const [k, axis] of [[0, undefined], [1, 0], [2, 1]] as const) {
      close(ad.nancumsum(nx, axis), ref.nancumsum[k]);
      close(ad.nancumprod(nx, axis), ref.nancumprod[k]);
      close(ad.nanMaxIndex(nxa, axis), ref.nanargmax[k]);
      close(ad.nanMinIndex(nxa, axis), ref.nanargmin[k]);
    }
    // A lane of NaNs: −1 (jnp's; NumPy raises).
    expect(ad.nanMaxIndex(nx, 1).toArray()).toEqual([2, -1, 1]);
    expect(ad.nanMinIndex(ad.tensor([NaN, NaN])).item()).toBe(-1);
    expect(ad.nanMaxIndex(nxa, 1, true).shape).toEqual([3, 1]);
  });
  it('NaN entries get no gradient; second order; vmap, jit', () => {
    const x = ad.tensor([0.5, NaN, -1.5, 2, NaN]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.nancumsum(t)))(x).toArray()).toEqual([5, 0, 3, 2, 0]);
    expect(ad.grad((t: ad.Tensor) => ad.nanprod(t))(x).toArray()).toEqual([-3, 0, 1, -0.75, 0]);
    gradOk((t) => ad.nancumprod(t), ad.tensor([0.5, -1.5, 2, 0.3]));
    gradOk((t) => ad.nanprod(t, 0), ad.random.normal([3, 2], 7));
    batched((t) => ad.nancumprod(t), [x, ad.tensor([NaN, 1, 2, 3, 4])]);
    batched((t) => ad.nanMaxIndex(t), [x, ad.tensor([NaN, NaN, NaN, NaN, NaN])]);
  });
});

describe('ediff1d, gradient, unwrap, trimZeros', () => {
  const g = T(ref.g), cx = T(ref.cx), cy = T(ref.cy);
  it('as NumPy (gradient: steps, coordinates, edge orders 1 and 2, one axis; within 4 ulp)', () => {
    close(ad.ediff1d(ad.tensor([[1, 2], [4, 7]])), ref.ediff1d[0]);
    close(ad.ediff1d(ad.tensor([1, 5, 2]), ad.tensor([9, 8]), -1), ref.ediff1d[1]);
    close(ad.ediff1d(ad.tensor([3])), ref.ediff1d[2]);
    const list = (r: ad.Tensor | ad.Tensor[]) => (Array.isArray(r) ? r : [r]);
    list(ad.gradient(g)).forEach((t, i) => close(t, ref.gradient.default[i]));
    list(ad.gradient(g, 2, { edgeOrder: 2 })).forEach((t, i) => close(t, ref.gradient.step2_e2[i], 1e-15));
    list(ad.gradient(g, [cy, cx])).forEach((t, i) => close(t, ref.gradient.coords[i], 1e-15));
    list(ad.gradient(g, [cy, cx], { edgeOrder: 2 })).forEach((t, i) => close(t, ref.gradient.coords_e2[i], 1e-15));
    close(ad.gradient(g, [cx], { axis: 1, edgeOrder: 2 }), ref.gradient.axis1, 1e-15);
    close(ad.gradient(g, 0.5, { axis: 0 }), ref.gradient.axis0_step);
    close(ad.gradient(g, [ad.tensor([0, 2, 4, 6, 8])], { axis: -1 }), ref.gradient.uniformCoords);
    close(ad.gradient(ad.tensor([1, 4])) as ad.Tensor, ref.gradient.two);
    expect(() => ad.gradient(ad.tensor([1, 2]), 1, { edgeOrder: 2 })).toThrow(/gradient: .*edge order 2 needs at least 3/);
    expect(() => ad.gradient(g, [1, 2, 3])).toThrow(/gradient: 3 spacings for 2 axes/);
    expect(() => ad.gradient(g, [cx, cx])).toThrow(/gradient: coordinates of shape \[5\] must be 1-d with the length of axis 0/);
    expect(() => ad.gradient(g, 1, { edgeOrder: 3 as 2 })).toThrow(/gradient: edgeOrder must be 1 or 2/);
  });
  it('unwrap and trimZeros as NumPy', () => {
    const ph = T(ref.ph);
    close(ad.unwrap(ph), ref.unwrap.default, 1e-15);
    close(ad.unwrap(ph, undefined, 0), ref.unwrap.axis0, 1e-15);
    close(ad.unwrap(ph, 4), ref.unwrap.discont, 1e-15);
    close(ad.unwrap(ad.mul(ph, 30), undefined, -1, { period: 360 }), ref.unwrap.period, 1e-15);
    close(ad.unwrap(ad.tensor([0, Math.PI, 0, -Math.PI, 2 * Math.PI, 0])), ref.unwrap.boundary, 1e-15);
    const tz = T([0, 0, 1, 0, 2, -0, 0]);
    for (const t of ['fb', 'f', 'b'] as const) close(ad.trimZeros(tz, t), ref.trimZeros[t]);
    expect(ad.trimZeros(ad.zeros([3])).shape).toEqual([0]);
    expect(() => ad.vmap((x: ad.Tensor) => ad.trimZeros(x))(ad.zeros([2, 3]))).toThrow(/trimZeros: under vmap/);
  });
  it('gradients in f and in the coordinates (second order), unwrap the identity\'s; vmap, jit', () => {
    gradOk((f) => ad.gradient(f, [ad.tensor([0, 1, 1.5, 3.5, 4])], { axis: 0, edgeOrder: 2 }), ad.random.normal([5, 2], 8));
    gradOk((c) => ad.gradient(ad.tensor([1, 2, 4, 7, 11]), [c], { edgeOrder: 2 }) as ad.Tensor, ad.tensor([0, 1, 1.5, 3.5, 4]));
    gradOk((x) => ad.ediff1d(x, 1, ad.square(x)), ad.random.normal([4], 9));
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.mul(ad.unwrap(t), ad.tensor([1, 2, 3]))))(ad.tensor([0, 3, 6.5])).toArray()).toEqual([1, 2, 3]);
    batched((f) => ad.gradient(f, 0.5, { edgeOrder: 2, axis: 0 }), [ad.random.normal([4], 10), ad.random.normal([4], 11)]);
    batched((p) => ad.unwrap(p), [ad.tensor([0, 3, 6.5, 0.5]), ad.tensor([1, -2.5, 3, 9])]);
  });
});

describe('select, piecewise, choose, compress, extract, resize', () => {
  const sx = ad.arange(-4, 5);
  it('as NumPy', () => {
    close(ad.select([ad.less(sx, -2), ad.greater(sx, 2), ad.equal(sx, 0)], [ad.square(sx), ad.neg(sx), ad.full([9], 100)], 7), ref.select);
    close(ad.piecewise(sx, [ad.less(sx, 0), ad.greater(sx, -2)], [(v) => ad.square(v), (v) => ad.mul(v, 3), 1.5]), ref.piecewise);
    close(ad.piecewise(sx, [ad.less(sx, 0), ad.greater(sx, 2)], [(v) => ad.neg(v), 5]), ref.piecewise2);
    const cc = [ad.tensor([1, 2, 3]), ad.tensor([[10], [20]]), ad.tensor([[7, 8, 9], [4, 5, 6]])];
    close(ad.choose(ad.tensor([[0, 1, 2], [2, 1, 0]]), cc), ref.choose);
    close(ad.choose(ad.tensor([[0, 4, -1], [5, 1, 2]]), cc, 'wrap'), ref.chooseWrap);
    close(ad.choose(ad.tensor([[0, 4, -1], [5, 1, 2]]), cc, 'clip'), ref.chooseClip);
    const M = ad.reshape(ad.arange(12), [3, 4]);
    close(ad.compress(ad.tensor([0, 1, 1]), M, 0), ref.compress.ax0);
    close(ad.compress(ad.tensor([1, 0, 1]), M, 1), ref.compress.ax1);
    close(ad.compress(ad.tensor([0, 1, 0, 1, 1]), M), ref.compress.flat);
    close(ad.compress(ad.tensor([1, 0]), M, 1), ref.compress.short);
    close(ad.extract(ad.equal(ad.mod(M, 3), 0), M), ref.extract);
    close(ad.resize(ad.tensor([1, 2, 3]), [2, 4]), ref.resize.a);
    close(ad.resize(M, 5), ref.resize.b);
    close(ad.resize(M, [3, 7]), ref.resize.c);
    close(ad.resize(ad.zeros([0]), [2, 2]), ref.resize.empty);
  });
  it('errors name the op and the fix (choose\'s range also under jit)', () => {
    expect(() => ad.select([ad.tensor([1])], [])).toThrow(/select: condlist has 1 conditions but choicelist 0/);
    expect(() => ad.piecewise(sx, [ad.less(sx, 0)], [1, 2, 3])).toThrow(/piecewise: 1 conditions need 1 or 2 functions/);
    expect(() => ad.choose(ad.tensor([0, 3]), [1, 2, 3])).toThrow(/choose: a holds 3 .*outside \[0, 2\].*'wrap' or 'clip'/);
    expect(() => ad.choose(ad.tensor([0.5]), [1, 2])).toThrow(/choose: a must hold integers/);
    const jitted = ad.jit((a: ad.Tensor) => ad.choose(a, [ad.tensor([1, 2]), ad.tensor([3, 4])]));
    expect(jitted(ad.tensor([0, 1])).toArray()).toEqual([1, 4]);
    expect(() => jitted(ad.tensor([2, 1]))).toThrow(/choose: a holds 2/);
    expect(() => ad.compress(ad.tensor([0, 1, 0, 1]), ad.tensor([1, 2, 3]))).toThrow(/compress: condition of length 4 selects past the end/);
    expect(ad.compress(ad.tensor([0, 1, 0, 0]), ad.tensor([1, 2, 3])).toArray()).toEqual([2]);
    expect(() => ad.vmap((c: ad.Tensor) => ad.compress(c, ad.tensor([1, 2, 3])))(ad.tensor([[0, 1, 1], [1, 0, 0]]))).toThrow(/under vmap .*\{ size \}/);
  });
  it('{ size, fillValue } as JAX: truncated, padded; vmap and jit equal the eager loop', () => {
    const M = ad.reshape(ad.arange(12), [3, 4]);
    expect(ad.compress(ad.tensor([0, 1, 1]), M, 0, { size: 4, fillValue: -1 }).toArray()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11], [-1, -1, -1, -1], [-1, -1, -1, -1]]);
    expect(ad.compress(ad.tensor([1, 1, 1]), M, 0, { size: 1 }).toArray()).toEqual([[0, 1, 2, 3]]);
    expect(ad.extract(ad.tensor([1, 0, 1]), ad.tensor([5, 6, 7]), { size: 3, fillValue: NaN }).toArray()).toEqual([5, 7, NaN]);
    batched((c) => ad.compress(c, ad.tensor([1, 2, 3, 4]), undefined, { size: 2, fillValue: 9 }), [ad.tensor([0, 1, 0, 1]), ad.tensor([0, 0, 0, 1])]);
    batched((a) => ad.choose(a, [ad.tensor([1, 2, 3]), ad.tensor([4, 5, 6])], 'wrap'), [ad.tensor([0, 1, 2]), ad.tensor([3, -1, 0])]);
    batched((x) => ad.piecewise(x, [ad.less(x, 0)], [(v) => ad.neg(v), (v) => ad.square(v)]), [ad.tensor([-1, 2, 0.5]), ad.tensor([3, -3, 0])]);
    batched((x) => ad.resize(x, [2, 5]), [ad.tensor([1, 2, 3]), ad.tensor([4, 5, 6])]);
  });
  it('gradients to the chosen entries (second order where smooth)', () => {
    gradOk((x) => ad.select([ad.tensor([1, 0, 0]), ad.tensor([0, 1, 0])], [ad.square(x), ad.sin(x)], ad.mul(x, 3)), ad.tensor([0.3, -0.7, 1.1]));
    gradOk((x) => ad.piecewise(x, [ad.less(ad.stopGradient(x), 0)], [(v) => ad.exp(v), (v) => ad.square(v)]), ad.tensor([0.3, -0.7, 1.1]));
    gradOk((x) => ad.choose(ad.tensor([1, 0, 1]), [x, ad.square(x)]), ad.tensor([0.3, -0.7, 1.1]));
    gradOk((x) => ad.compress(ad.tensor([1, 0, 1]), x, 0, { size: 3 }), ad.random.normal([3, 2], 12));
    gradOk((x) => ad.resize(x, [7]), ad.tensor([0.3, -0.7, 1.1]));
  });
});
