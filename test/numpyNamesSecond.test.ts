/**
 * @file jax.numpy functions for ported code that adjoint lacked (src/ops/numpyRealInput.ts,
 * numpyUpdates.ts, numpyBuilders.ts, and the new names in numpyNames.ts), against NumPy 1.24's
 * values pasted as literals (computed once with /usr/bin/python3: np.fill_diagonal on copies with
 * and without wrap, np.put in every mode, np.place, np.partition's pivots, np.histogram_bin_edges,
 * np.size/shape/ndim, np.real/imag/conj/angle/isreal/iscomplex on ±0, ±∞ and NaN, np.spacing,
 * np.in1d, np.ix_, np.mask_indices, np.fromfunction, np.vectorize with and without signatures,
 * np.trapz, np.nanargmax/nanargmin, np.diag, np.fabs), with gradient checks where the op is
 * differentiable and vmap/jit against the eager loop. partition and argpartition are checked for
 * what NumPy and JAX promise (the kth entry in place, smaller before, larger after), not an order.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { batched, close, gradOk, T } from './support/numpyCompare.js';

const MAX = Number.MAX_VALUE;

describe('the new names: each the very function of the op it names', () => {
  const pairs: Array<[keyof typeof ad, unknown]> = [
    ['nanargmax', ad.nanMaxIndex], ['nanargmin', ad.nanMinIndex], ['trapz', ad.trapezoid], ['fabs', ad.abs],
    ['diag', ad.linalg.diag], ['asarray', ad.tensor], ['array', ad.tensor], ['empty', ad.zeros], ['emptyLike', ad.zerosLike],
  ];
  it('are the same functions', () => {
    for (const [alias, op] of pairs) expect(ad[alias], alias).toBe(op);
  });
  it("compute NumPy's values", () => {
    // np.trapz([1, 2, 4], dx=0.5); np.nanargmax([nan, 4, 1]); np.nanargmin([[3, nan], [nan, -1]], axis=1)
    expect(ad.trapz(ad.tensor([1, 2, 4]), undefined, 0.5).item()).toBe(2.25);
    expect(ad.nanargmax(ad.tensor([NaN, 4, 1])).item()).toBe(1);
    close(ad.nanargmin(ad.tensor([[3, NaN], [NaN, -1]]), 1), [0, 1]);
    // np.diag([1, 2], 1); np.diag(np.arange(9.).reshape(3, 3), -1); np.fabs([-1.5, 0, -0.0, nan, -inf])
    close(ad.diag(ad.tensor([1, 2]), 1), [[0, 1, 0], [0, 0, 2], [0, 0, 0]]);
    close(ad.diag(ad.reshape(ad.arange(9), [3, 3]), -1), [3, 7]);
    close(ad.fabs(ad.tensor([-1.5, 0, -0, NaN, -Infinity])), [1.5, 0, 0, NaN, Infinity]);
    close(ad.empty([2, 0]), [[], []]);
    close(ad.emptyLike(ad.ones([1, 2])), [[0, 0]]);
    const t = ad.tensor([1, 2]);
    expect(ad.asarray(t)).toBe(t); // jnp.asarray: no copy
    close(ad.array([[1, 2], [3, 4]]), [[1, 2], [3, 4]]);
  });
});

describe('ndim, shape, size, isscalar', () => {
  const a = ad.zeros([2, 3, 4]);
  it("as NumPy's (size along one axis or, as jnp, several)", () => {
    // [np.ndim(a), np.shape(a), np.size(a), np.size(a, 1), np.size(a, -1), np.ndim(3.0), np.shape(3.0), np.size(3.0)]
    expect([ad.ndim(a), ad.shape(a), ad.size(a), ad.size(a, 1), ad.size(a, -1), ad.ndim(3), ad.shape(3), ad.size(3)]).toEqual([3, [2, 3, 4], 24, 3, 4, 0, [], 1]);
    expect(ad.size(a, [0, -1])).toBe(8);
    const s = ad.shape(a);
    s[0] = 99;
    expect(a.shape).toEqual([2, 3, 4]); // a new array
    expect(() => ad.size(a, 3)).toThrow(/size: .*axis 3/);
    expect(() => ad.size(a, [1, 1])).toThrow(/size: axes \[1,1\] repeat an axis/);
    expect(() => ad.ndim([1, 2] as unknown as number)).toThrow(/ndim: expected a Tensor or a number/);
  });
  it("isscalar as jnp's: numbers and 0-d tensors", () => {
    // np.isscalar(3.0), np.isscalar(np.array(3.0)) (NumPy: False; jnp: True), np.isscalar([3.0])
    expect([ad.isscalar(3), ad.isscalar(ad.scalar(3)), ad.isscalar([3]), ad.isscalar(ad.tensor([3])), ad.isscalar('a'), ad.isscalar(null)]).toEqual([true, true, false, false, true, false]);
    expect(ad.jit((x: ad.Tensor) => ad.scalar(ad.isscalar(x) ? 1 : 0))(ad.scalar(2)).item()).toBe(1);
  });
});

describe('real, imag, conj, conjugate, angle, isreal, iscomplex, isrealobj, iscomplexobj on real input', () => {
  const x = ad.tensor([1.5, -2, 0, -0, NaN, Infinity, -Infinity]);
  it("NumPy's values, signed zeros included", () => {
    // np.real(x), np.imag(x), np.conj(x), np.angle(x), np.angle(x, deg=True), np.isreal(x), np.iscomplex(x)
    const same = [1.5, -2, 0, -0, NaN, Infinity, -Infinity];
    close(ad.real(x), same);
    close(ad.conj(x), same);
    close(ad.conjugate(x), same);
    close(ad.imag(x), [0, 0, 0, 0, 0, 0, 0]);
    close(ad.angle(x), [0, Math.PI, 0, 3.141592653589793, NaN, 0, 3.141592653589793]);
    close(ad.angle(x, true), [0, 180, 0, 180, NaN, 0, 180]);
    close(ad.isreal(x), [1, 1, 1, 1, 1, 1, 1]);
    close(ad.iscomplex(x), [0, 0, 0, 0, 0, 0, 0]);
    expect([ad.isrealobj(x), ad.iscomplexobj(x), ad.isrealobj(2), ad.iscomplexobj([[1]])]).toEqual([true, false, true, false]);
    expect(ad.conj).toBe(ad.conjugate);
    expect(() => ad.isrealobj('1' as unknown as number)).toThrow(/isrealobj: expected a tensor, a number/);
    expect(() => ad.angle(x, 1 as unknown as boolean)).toThrow(/angle: deg must be true/);
  });
  it('derivatives: 1 for real and conj, 0 for imag and angle', () => {
    const v = ad.tensor([0.5, -1.5, 2]);
    close(ad.grad((t: ad.Tensor) => ad.sum(ad.mul(ad.real(t), ad.conj(t))))(v), [1, -3, 4]);
    close(ad.grad((t: ad.Tensor) => ad.add(ad.sum(ad.imag(t)), ad.sum(ad.angle(t))))(v), [0, 0, 0]);
  });
});

describe('spacing', () => {
  it("NumPy 1.24's values, bit for bit", () => {
    // np.spacing([1, -1, 0, -0.0, 1e300, -1e-310, 5e-324, max, inf, -inf, nan, 2, 0.75, -max, tiny, -2**-1022])
    const v = ad.tensor([1, -1, 0, -0, 1e300, -1e-310, 5e-324, MAX, Infinity, -Infinity, NaN, 2, 0.75, -MAX, 2 ** -1022, -(2 ** -1022)]);
    close(ad.spacing(v), [2.220446049250313e-16, -2.220446049250313e-16, 5e-324, 5e-324, 1.487016908477783e+284, -5e-324, 5e-324, Infinity, NaN, NaN, NaN,
      4.440892098500626e-16, 1.1102230246251565e-16, -Infinity, 5e-324, -5e-324]);
    close(ad.grad((t: ad.Tensor) => ad.sum(ad.spacing(t)))(ad.tensor([1, 3])), [0, 0]);
    batched((t) => ad.spacing(t), [ad.tensor([1, -0, 7]), ad.tensor([MAX, 1e-310, -3])]);
  });
});

describe('copy, fillDiagonal', () => {
  it('copy is its input (tensors are immutable), derivative 1', () => {
    const t = ad.tensor([1, 2]);
    expect(ad.copy(t)).toBe(t);
    close(ad.copy(3), 3);
    close(ad.grad((u: ad.Tensor) => ad.sum(ad.square(ad.copy(u))))(t), [2, 4]);
  });
  it("np.fill_diagonal's results: repeated and cut-short values, tall, wide, wrap, cubes", () => {
    const r = (n: number, s: number[]) => ad.reshape(ad.arange(n), s);
    close(ad.fillDiagonal(ad.zeros([3, 3]), ad.tensor([1, 2])), [[1, 0, 0], [0, 2, 0], [0, 0, 1]]);
    close(ad.fillDiagonal(r(15, [5, 3]), ad.tensor([-1, -2, -3, -4]), true), [[-1, 1, 2], [3, -2, 5], [6, 7, -3], [9, 10, 11], [-4, 13, 14]]);
    close(ad.fillDiagonal(r(15, [5, 3]), 9), [[9, 1, 2], [3, 9, 5], [6, 7, 9], [9, 10, 11], [12, 13, 14]]);
    close(ad.fillDiagonal(r(12, [3, 4]), ad.tensor([7, 8, 9, 10, 11])), [[7, 1, 2, 3], [4, 8, 6, 7], [8, 9, 9, 11]]);
    close(ad.fillDiagonal(r(12, [3, 4]), ad.tensor([7, 8]), true), [[7, 1, 2, 3], [4, 8, 6, 7], [8, 9, 7, 11]]);
    close(ad.fillDiagonal(ad.zeros([2, 2, 2]), ad.tensor([5, 6])), [[[5, 0], [0, 0]], [[0, 0], [0, 6]]]);
    close(ad.fillDiagonal(ad.zeros([7, 3]), 1, true), [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    close(ad.fillDiagonal(ad.zeros([2, 2]), ad.tensor([[3, 4]]), false, { inplace: false }), [[3, 0], [0, 4]]);
  });
  it('errors name fillDiagonal, the shapes and the fix', () => {
    expect(() => ad.fillDiagonal(ad.zeros([3]), 1)).toThrow(/fillDiagonal: a of shape \[3\] has 1 axes; it needs two or more/);
    expect(() => ad.fillDiagonal(ad.zeros([2, 3, 2]), 1)).toThrow(/fillDiagonal: a of shape \[2,3,2\] .* every length must be equal/);
    expect(() => ad.fillDiagonal(ad.zeros([2, 2]), ad.zeros([0]))).toThrow(/fillDiagonal: val is empty/);
    expect(() => ad.fillDiagonal(ad.zeros([2, 2]), 1, false, { inplace: true } as unknown as ad.InplaceOptions)).toThrow(/fillDiagonal: inplace must be false .* tensors are immutable/);
    expect(() => ad.fillDiagonal(ad.zeros([2, 2]), 1, false, { wrap: true } as never)).toThrow(/fillDiagonal: unknown option 'wrap'/);
  });
  it('differentiable in a and val (to second order), batched and replayed', () => {
    gradOk((a) => ad.fillDiagonal(a, ad.tensor([1, 2])), ad.random.normal([4, 3], 1));
    gradOk((v) => ad.fillDiagonal(ad.ones([5, 2]), v, true), ad.random.normal([3], 2));
    // Each val entry reaches the diagonal entries it fills: v = [a, b] on a 3×3 diagonal is [a, b, a].
    close(ad.grad((v: ad.Tensor) => ad.sum(ad.fillDiagonal(ad.zeros([3, 3]), v)))(ad.tensor([5, 6])), [2, 1]);
    batched((a) => ad.fillDiagonal(a, ad.tensor([9, 8])), [ad.random.normal([3, 3], 3), ad.random.normal([3, 3], 4)]);
  });
});

describe('put', () => {
  it("np.put's results in every mode; the last of repeated indices wins", () => {
    const r = ad.reshape(ad.arange(6), [2, 3]);
    close(ad.put(r, [0, -1, 4], ad.tensor([10, 20])), [[10, 1, 2], [3, 10, 20]]);
    close(ad.put(ad.arange(5), [1, 1, 3], ad.tensor([7, 8, 9])), [0, 8, 2, 9, 4]);
    close(ad.put(ad.arange(5), ad.tensor([6, -7, 2]), ad.tensor([7, 8, 9]), 'wrap'), [0, 7, 9, 8, 4]);
    close(ad.put(ad.arange(5), [6, -7, 2], ad.tensor([7, 8, 9]), 'clip'), [8, 1, 9, 3, 7]);
    close(ad.put(ad.arange(5), [1], ad.zeros([0])), [0, 1, 2, 3, 4]);
    close(ad.put(ad.arange(5), [], 1), [0, 1, 2, 3, 4]);
    close(ad.put(ad.arange(3), 2, 7, 'raise', { inplace: false }), [0, 1, 7]);
  });
  it('errors: out of range (as NumPy), fractions, modes, inplace', () => {
    expect(() => ad.put(ad.arange(5), [5], 1)).toThrow(/put: index 5 \(entry 0 of ind\) is out of bounds for a of shape \[5\] \(size 5\); use flat positions in \[-5, 4\], or mode 'wrap' or 'clip'/);
    expect(() => ad.put(ad.arange(5), [-6], 1, 'raise')).toThrow(/put: index -6/);
    expect(() => ad.put(ad.arange(5), [1.5], 1)).toThrow(/put: ind must hold integers/);
    expect(() => ad.put(ad.arange(5), [1], 1, 'drop' as 'wrap')).toThrow(/put: mode must be 'raise'/);
    expect(() => ad.put(ad.zeros([0]), [0], 1)).toThrow(/put: a of shape \[0\] is empty/);
    expect(() => ad.put(ad.arange(5), ['a'] as never, 1)).toThrow(/put: ind must be a tensor or \(nested\) arrays of whole numbers/);
    // Under jit the range check is a guard every replay runs.
    const f = ad.jit((i: ad.Tensor) => ad.put(ad.arange(4), i, 9));
    close(f(ad.tensor([1])), [0, 9, 2, 3]);
    close(f(ad.tensor([-1])), [0, 1, 2, 9]);
    expect(() => f(ad.tensor([4]))).toThrow(/put: index 4/);
  });
  it('differentiable in a (0 where written) and v; batched and replayed', () => {
    gradOk((a) => ad.put(a, [0, 4, -1], ad.tensor([1, 2, 3])), ad.random.normal([2, 3], 5));
    gradOk((v) => ad.put(ad.ones([6]), [5, 0, 2, 3], v), ad.random.normal([3], 6));
    close(ad.grad((v: ad.Tensor) => ad.sum(ad.put(ad.zeros([5]), [0, 1, 1, 3], v)))(ad.tensor([1, 2, 3, 4])), [1, 0, 1, 1]);
    batched((a) => ad.put(a, [2, 0], ad.tensor([-1, -2]), 'wrap'), [ad.random.normal([4], 7), ad.random.normal([4], 8)]);
  });
});

describe('place', () => {
  it("np.place's results: values in order, repeated; NaN in the mask counts as true", () => {
    const r = ad.reshape(ad.arange(6), [2, 3]);
    close(ad.place(r, ad.greater(r, 2), ad.tensor([44, 55])), [[0, 1, 2], [44, 55, 44]]);
    close(ad.place(r, ad.tensor([[0, NaN, 0], [1, 0, 2]]), ad.tensor([9])), [[0, 9, 2], [9, 4, 9]]);
    close(ad.place(r, ad.tensor([1, 0, 0, 0, 0, 1]), ad.tensor([[7, 8, 9]])), [[7, 1, 2], [3, 4, 8]]); // mask of arr's size, any shape
    close(ad.place(ad.arange(4), ad.zeros([4]), 5), [0, 1, 2, 3]);
  });
  it('errors', () => {
    expect(() => ad.place(ad.arange(6), ad.ones([5]), 1)).toThrow(/place: mask of shape \[5\] has 5 entries but arr of shape \[6\] has 6/);
    expect(() => ad.place(ad.arange(6), ad.ones([6]), ad.zeros([0]))).toThrow(/place: vals is empty/);
    expect(() => ad.place(ad.arange(2), ad.ones([2]), 1, { inplace: true } as never)).toThrow(/place: inplace must be false/);
  });
  it('differentiable in arr and vals; batched and replayed (static shapes)', () => {
    const mask = ad.tensor([[1, 0, 1], [1, 1, 0]]);
    gradOk((a) => ad.place(a, mask, ad.tensor([3, 4])), ad.random.normal([2, 3], 9));
    gradOk((v) => ad.place(ad.ones([2, 3]), mask, v), ad.random.normal([3], 10));
    close(ad.grad((v: ad.Tensor) => ad.sum(ad.place(ad.zeros([5]), ad.tensor([1, 1, 0, 1, 1]), v)))(ad.tensor([1, 2, 3])), [2, 1, 1]);
    batched((m) => ad.place(ad.arange(4), m, ad.tensor([7, 8])), [ad.tensor([0, 1, 1, 1]), ad.tensor([1, 0, 0, 0])]);
  });
});

describe('partition, argpartition: the promises of numpy.partition and jnp.partition', () => {
  /** Along `axis`: entry k is the k-th smallest, those before are ≤ it, those after ≥ it, and the lane is a's lane reordered. */
  const partitioned = (got: ad.Tensor, a: ad.Tensor, k: number, axis: number) => {
    const [g, s] = [ad.moveaxis(got, axis, -1), ad.moveaxis(ad.sort(a, axis), axis, -1)];
    const [G, S] = [g.toArray() as number[][], s.toArray() as number[][]];
    G.forEach((lane, r) => {
      const kk = k < 0 ? k + lane.length : k;
      expect(lane[kk]).toBe(S[r]![kk]);
      lane.forEach((v, i) => (i < kk ? expect(v).toBeLessThanOrEqual(lane[kk]!) : expect(v).toBeGreaterThanOrEqual(lane[kk]!)));
      expect([...lane].sort((p, q) => p - q)).toEqual(S[r]);
    });
  };
  const m = ad.tensor([[5, 1, 4, 1, 3], [2, 2, 9, -1, 0], [7, 7, 7, 0, 8]]);
  it("kth entries as NumPy's, every kth and both axes, ties and negative kth", () => {
    // np.partition(m, k)[:, k] for k = 0..4, and np.partition(m, k % 3, axis=0)[k % 3]
    const pivots = [[1, -1, 0], [1, 0, 7], [3, 2, 7], [4, 2, 7], [5, 9, 8]];
    const pivots0 = [[2, 1, 4, -1, 0], [5, 2, 7, 0, 3], [7, 7, 9, 1, 8]];
    for (let k = 0; k < 5; k++) {
      const p = ad.partition(m, k);
      close(ad.take(p, k, 1), pivots[k]!);
      partitioned(p, m, k, 1);
      partitioned(ad.gather(m, ad.argpartition(m, k), 1), m, k, 1);
      partitioned(ad.partition(m, k - 5), m, k, 1);
      const q = ad.partition(m, k % 3, 0);
      close(ad.take(q, k % 3, 0), pivots0[k % 3]!);
      partitioned(q, m, k % 3, 0);
      partitioned(ad.gather(m, ad.argpartition(m, k % 3, 0), 0), m, k % 3, 0);
    }
    // argpartition's positions are a permutation of each lane.
    const idx = ad.argpartition(m, 2).toArray() as number[][];
    idx.forEach((lane) => expect([...lane].sort()).toEqual([0, 1, 2, 3, 4]));
    const x = ad.random.normal([40], 11);
    for (const k of [0, 7, 20, 39, -1]) {
      partitioned(ad.reshape(ad.partition(x, k), [1, 40]), ad.reshape(x, [1, 40]), k, 1);
      partitioned(ad.reshape(ad.gather(x, ad.argpartition(x, k), 0), [1, 40]), ad.reshape(x, [1, 40]), k, 1);
    }
  });
  it('NaN sorts last, as NumPy', () => {
    const p = ad.partition(ad.tensor([3, NaN, 1, 2]), 2).toArray() as number[];
    expect(p[2]).toBe(3);
    expect(p[3]).toBeNaN();
  });
  it('errors: kth out of range or not one integer, 0-d a', () => {
    expect(() => ad.partition(ad.tensor([3, 1, 2]), 3)).toThrow(/partition: kth 3 is out of range for axis 0 of length 3 \(a of shape \[3\]\); use an integer in \[-3, 2\]/);
    expect(() => ad.argpartition(ad.tensor([3, 1, 2]), -4)).toThrow(/argpartition: kth -4 is out of range/);
    expect(() => ad.partition(ad.tensor([3, 1, 2]), [0, 1] as unknown as number)).toThrow(/partition: kth must be an integer, got .*one kth/);
    expect(() => ad.partition(ad.scalar(3), 0)).toThrow(/partition: axis -1 is out of range for a 0-d tensor/);
  });
  it('partition is differentiable (as sort); both batch and replay', () => {
    gradOk((x) => ad.partition(x, 2), ad.random.normal([6], 12));
    gradOk((x) => ad.partition(x, 1, 0), ad.random.normal([4, 3], 13));
    batched((x) => ad.partition(x, 3), [ad.random.normal([6], 14), ad.random.normal([6], 15)]);
    batched((x) => ad.argpartition(x, 1), [ad.random.normal([6], 16), ad.random.normal([6], 17)]);
  });
});

describe('histogramBinEdges', () => {
  it("np.histogram_bin_edges's values, and histogram's edges", () => {
    const a = ad.tensor([2, 5, 3, 6, 4, 1]);
    close(ad.histogramBinEdges(a, 5), [1, 2, 3, 4, 5, 6]);
    close(ad.histogramBinEdges(a, 5, { range: [-10, 10] }), [-10, -6, -2, 2, 6, 10]);
    close(ad.histogramBinEdges(ad.tensor([3, 3, 3]), 4), [2.5, 2.75, 3, 3.25, 3.5]);
    close(ad.histogramBinEdges(ad.tensor([0.1, 0.7, 0.35]), 3), [0.1, 0.3, 0.5, 0.7]);
    close(ad.histogramBinEdges(ad.tensor([0, 1])), [0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9, 1]);
    close(ad.histogramBinEdges(ad.tensor([0, 1]), [0, 0.5, 2], { weights: ad.ones([2]) }), [0, 0.5, 2]);
    const x = ad.random.normal([3, 5], 18);
    close(ad.histogramBinEdges(x, 7), ad.histogram(x, 7)[1].toArray() as number[]);
  });
  it('errors name histogramBinEdges', () => {
    expect(() => ad.histogramBinEdges(ad.tensor([0, 1]), [0, 2, 1])).toThrow(/histogramBinEdges: bin edges must increase monotonically, but edge 2 \(1\) is below edge 1 \(2\)/);
    expect(() => ad.histogramBinEdges(ad.tensor([0, 1]), 0)).toThrow(/histogramBinEdges: bins must be at least 1/);
    expect(() => ad.histogramBinEdges(ad.tensor([0, NaN]), 2)).toThrow(/histogramBinEdges: the range found in a, \[NaN, NaN\], is not finite/);
    expect(() => ad.histogramBinEdges(ad.tensor([0, 1]), 2, { range: [1, 0] })).toThrow(/histogramBinEdges: range \[1, 0\]: max must be larger than min/);
    expect(() => ad.histogramBinEdges(ad.tensor([0, 1]), 2, { weights: ad.ones([3]) })).toThrow(/histogramBinEdges: weights of shape \[3\] must have a's shape \[2\]/);
    expect(() => ad.histogramBinEdges(ad.tensor([0, 1]), 2, { density: true } as never)).toThrow(/histogramBinEdges: unknown option 'density'/);
    // histogram's own errors still name histogram.
    expect(() => ad.histogram(ad.tensor([0, 1]), [0, 2, 1])).toThrow(/^histogram: bin edges must increase/);
  });
  it('differentiable in a through its minimum and maximum', () => {
    gradOk((a) => ad.histogramBinEdges(a, 4), ad.tensor([0.3, -1.2, 2.5, 0.1]), 1);
    close(ad.grad((a: ad.Tensor) => ad.sum(ad.histogramBinEdges(a, 2)))(ad.tensor([1, 0, 4])), [0, 1.5, 1.5]);
  });
});

describe('in1d, ix_, maskIndices', () => {
  it("np.in1d's values (flattened isin)", () => {
    close(ad.in1d(ad.tensor([[1, 2], [3, NaN]]), ad.tensor([3, 1, NaN])), [1, 0, 1, 0]);
    close(ad.in1d(ad.tensor([[1, 2], [3, 4]]), ad.tensor([3, 1]), false, true), [0, 1, 0, 1]);
    close(ad.in1d(ad.tensor([1, 2, 3]), ad.tensor([2]), true), [0, 1, 0]);
    expect(() => ad.in1d(ad.tensor([1]), ad.tensor([1]), false, 1 as unknown as boolean)).toThrow(/in1d: invert must be true or false/);
  });
  it("np.ix_'s open mesh, differentiable", () => {
    const [r, c] = ad.ix_([0, 1], ad.tensor([2, 4, 5]));
    close(r!, [[0], [1]]);
    close(c!, [[2, 4, 5]]);
    expect(ad.ix_(ad.zeros([2]), ad.zeros([0]), ad.zeros([3])).map((t) => t.shape)).toEqual([[2, 1, 1], [1, 0, 1], [1, 1, 3]]);
    expect(() => ad.ix_(ad.zeros([2, 2]))).toThrow(/ix_: argument 0 has shape \[2,2\]; each argument must be 1-d/);
    close(ad.grad((a: ad.Tensor) => ad.sum(ad.mul(...(ad.ix_(a, ad.tensor([1, 2, 3])) as [ad.Tensor, ad.Tensor]))))(ad.tensor([5, 6])), [6, 6]);
  });
  it("np.mask_indices's positions; a static size as JAX's", () => {
    const P = (ts: ad.Tensor[]) => ts.map((t) => t.toArray());
    expect(P(ad.maskIndices(3, ad.triu))).toEqual([[0, 0, 0, 1, 1, 2], [0, 1, 2, 1, 2, 2]]);
    expect(P(ad.maskIndices(3, ad.triu, 1))).toEqual([[0, 0, 1], [1, 2, 2]]);
    expect(P(ad.maskIndices(4, ad.tril, -1))).toEqual([[1, 2, 2, 3, 3, 3], [0, 0, 1, 0, 1, 2]]);
    expect(P(ad.maskIndices(3, ad.triu, 1, { size: 4 }))).toEqual([[0, 0, 1, 0], [1, 2, 2, 0]]);
    expect(() => ad.maskIndices(3, () => ad.ones([3]))).toThrow(/maskIndices: maskFunc returned a mask of shape \[3\]; it must return one of its input's shape, \[3,3\]/);
    expect(() => ad.maskIndices(-1, ad.triu)).toThrow(/maskIndices: n must be a whole number ≥ 0/);
  });
});

describe('fromfunction', () => {
  it("np.fromfunction's values (the function sees 0-d indices, as jnp's)", () => {
    // np.fromfunction(lambda i, j: i * 3 + j ** 2, (2, 3)); lambda i, j, k: i - j + 10 * k over (2, 2, 2)
    close(ad.fromfunction((i: ad.Tensor, j: ad.Tensor) => ad.add(ad.mul(i, 3), ad.square(j)), [2, 3]), [[0, 1, 4], [3, 4, 7]]);
    close(ad.fromfunction((i: ad.Tensor, j: ad.Tensor, k: ad.Tensor) => ad.add(ad.sub(i, j), ad.mul(10, k)), [2, 2, 2]), [[[0, 10], [-1, 9]], [[1, 11], [0, 10]]]);
    const seen: number[][] = [];
    ad.fromfunction((i: ad.Tensor) => { seen.push(i.shape as number[]); return i; }, [4]);
    expect(seen).toEqual([[]]);
    const [sum, prod] = ad.fromfunction((i: ad.Tensor, j: ad.Tensor) => [ad.add(i, j), ad.mul(i, j)], [2, 3]);
    close(sum!, [[0, 1, 2], [1, 2, 3]]);
    close(prod!, [[0, 0, 0], [0, 1, 2]]);
    close(ad.fromfunction(() => 5, [2]), [5, 5]);
    close(ad.fromfunction((i: ad.Tensor) => ad.mul(i, ad.tensor([1, 2])), 3), [[0, 0], [1, 2], [2, 4]]);
    expect(ad.fromfunction((i: ad.Tensor) => i, [0]).shape).toEqual([0]);
    expect(() => ad.fromfunction((i: ad.Tensor) => i, [1.5])).toThrow(/fromfunction: each length of shape must be a whole number/);
  });
  it('differentiable in what the function closes over', () => {
    const f = (w: ad.Tensor) => ad.fromfunction((i: ad.Tensor, j: ad.Tensor) => ad.sin(ad.add(ad.mul(w, i), j)), [3, 2]);
    gradOk(f, ad.scalar(0.7));
  });
});

describe('vectorize', () => {
  it("np.vectorize's values: elementwise with broadcasting, signatures, several results, excluded", () => {
    close(ad.vectorize((a: ad.Tensor, b: ad.Tensor) => ad.add(ad.mul(a, b), 1))(ad.tensor([[1, 2, 3]]), ad.tensor([[1], [2]])), [[2, 3, 4], [3, 5, 7]]);
    const dot = ad.vectorize((a: ad.Tensor, b: ad.Tensor) => ad.dot(a, b), { signature: '(n),(n)->()' });
    close(dot(ad.reshape(ad.arange(6), [2, 3]), ad.tensor([1, 2, 3])), [8, 26]);
    expect(dot(ad.ones([2, 1, 3]), ad.ones([1, 3])).shape).toEqual([2, 1]);
    const mv = ad.vectorize((m: ad.Tensor, v: ad.Tensor) => ad.matmul(m, v), { signature: '(n, m), (m) -> (n)' });
    close(mv(ad.ones([2, 3]), ad.reshape(ad.arange(12), [4, 3])), [[3, 3], [12, 12], [21, 21], [30, 30]]);
    const [s, mx] = ad.vectorize((v: ad.Tensor) => [ad.sum(v), ad.max(v)], { signature: '(n)->(),()' })(ad.tensor([[1, 5, 2], [4, 0, 3]])) as ad.Tensor[];
    close(s!, [8, 7]);
    close(mx!, [5, 4]);
    close(ad.vectorize((a: ad.Tensor, p: number) => ad.pow(a, p), { excluded: [1] })(ad.tensor([1, 2, 3]), 2), [1, 4, 9]);
    close(ad.vectorize((a: ad.Tensor, p: number) => ad.pow(a, p), { excluded: new Set([1]) })(ad.tensor([1, 2, 3]), 3), [1, 8, 27]);
    const cross = ad.vectorize((a: ad.Tensor, b: ad.Tensor) => ad.cross(a, b), { signature: '(k),(k)->(k)' });
    close(cross(ad.tensor([[[1, 0, 0]]]), ad.tensor([[[0, 1, 0]], [[0, 0, 1]]])), [[[0, 0, 1]], [[0, -1, 0]]]);
    close(ad.vectorize((a: ad.Tensor) => ad.stack([a, ad.mul(a, 2)]), { signature: '()->(k)' })(ad.tensor([1, 2, 3])), [[1, 2], [2, 4], [3, 6]]);
    close(ad.vectorize((a: ad.Tensor, b: ad.Tensor) => ad.mul(a, b))(2, 3), 6);
    close(ad.vectorize((a: ad.Tensor, b: ad.Tensor) => ad.mul(a, b))([[1, 2]], [3]), [[3, 6]]);
    // null/undefined arguments pass through as they are (jnp's None).
    close(ad.vectorize((a: ad.Tensor, b: null) => (b === null ? ad.neg(a) : a))(ad.tensor([1, 2]), null), [-1, -2]);
  });
  it('the function sees one example: 0-d without a signature, the core axes with one', () => {
    const shapes: number[][] = [];
    ad.vectorize((a: ad.Tensor) => { shapes.push(a.shape as number[]); return a; })(ad.zeros([4, 2]));
    ad.vectorize((a: ad.Tensor) => { shapes.push(a.shape as number[]); return ad.sum(a); }, { signature: '(n)->()' })(ad.zeros([4, 2]));
    expect(shapes).toEqual([[], [2]]);
  });
  it('errors name vectorize, the shapes and the fix', () => {
    const id = (a: ad.Tensor) => a;
    expect(() => ad.vectorize(id, { signature: '(n)->(n' })).toThrow(/vectorize: '\(n\)->\(n' is not a gufunc signature/);
    expect(() => ad.vectorize((m: ad.Tensor, v: ad.Tensor) => ad.matmul(m, v), { signature: '(n,k),(k)->(n)' })(ad.ones([3]), ad.ones([3])))
      .toThrow(/vectorize: argument 0 of shape \[3\] has fewer axes than its 2 core axes \(n,k\)/);
    expect(() => ad.vectorize((a: ad.Tensor, b: ad.Tensor) => ad.dot(a, b), { signature: '(n),(n)->()' })(ad.ones([3]), ad.ones([4])))
      .toThrow(/vectorize: core axis 'n' has length 4 in argument 1 of shape \[4\] but 3 elsewhere/);
    expect(() => ad.vectorize(id, { signature: '(n)->()' })(ad.ones([2, 3]))).toThrow(/vectorize: result 0 has shape \[3\], but .* gives it 0 core axes \(\) and no others/);
    expect(() => ad.vectorize(id, { signature: '(n)->(),()' })(ad.ones([3]))).toThrow(/vectorize: .* returns 2 results, so pyfunc must return a list of them/);
    expect(() => (ad.vectorize(id, { signature: '(n)->()' }) as (...a: ad.Tensor[]) => ad.Tensor)(ad.ones([3]), ad.ones([3]))).toThrow(/vectorize: .* takes 1 mapped argument\(s\), but it was called with 2/);
    expect(() => ad.vectorize((a: ad.Tensor, b: ad.Tensor) => ad.add(a, b))(ad.ones([2]), ad.ones([3]))).toThrow(/vectorize/);
    expect(() => ad.vectorize((a: ad.Tensor, s: string) => a)(ad.ones([2]), 'x')).toThrow(/vectorize: argument 1 is .*list its position in excluded/);
    expect(() => ad.vectorize(id, { excluded: [-1] })).toThrow(/vectorize: each excluded position must be a whole number ≥ 0/);
    expect(() => ad.vectorize(id, { signatures: '()->()' } as never)).toThrow(/vectorize: unknown option 'signatures'/);
    expect(() => ad.vectorize(3 as never)).toThrow(/vectorize: pyfunc must be a function/);
  });
  it('differentiable through pyfunc, under jit, and composed with vmap', () => {
    const W = ad.random.normal([3, 4], 19);
    const mv = ad.vectorize((m: ad.Tensor, v: ad.Tensor) => ad.tanh(ad.matmul(m, v)), { signature: '(n,m),(m)->(n)' });
    gradOk((v) => mv(W, v), ad.random.normal([2, 4], 20));
    gradOk((m) => mv(m, ad.tensor([1, -1, 0.5, 2])), W);
    const loop = (v: ad.Tensor) => ad.stack([0, 1].map((i) => ad.tanh(ad.matmul(W, ad.take(v, i, 0)))));
    const v = ad.random.normal([2, 4], 21);
    close(mv(W, v), loop(v).toArray() as number[][], 1e-15);
    batched((x) => mv(W, x), [ad.random.normal([2, 4], 22), ad.random.normal([2, 4], 23)], 1e-15);
  });
});
