/**
 * @file More of jax.numpy (src/ops/numpyBreadth.ts, numpyIndices.ts) against NumPy 1.24's values,
 * embedded by test/numpyBreadthReference.py (np.rot90, nan_to_num, logspace, geomspace, diagflat,
 * floor_divide, frexp, ldexp, nextafter, gcd, lcm, array_split, h/v/dsplit, append, insert,
 * delete, unravel_index, ravel_multi_index, tril/triu_indices, histogram, bincount, digitize, isin,
 * lexsort, nonzero, argwhere, flatnonzero, unique on fixed inputs), with gradient checks and
 * vmap/jit against the eager loop.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { ref } from './numpyBreadthReference.js';

type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...(v.length > 0 ? shapeOf(v[0]!) : [])] : []);

/** Equal to NumPy within `tol` relative (NaN matching NaN, infinities and signed zeros exactly with tol 0), and of the same shape. */
function close(actual: ad.Tensor, expected: Nested, tol = 0): void {
  const got = actual.toArray() as Nested;
  expect(shapeOf(got)).toEqual(shapeOf(expected));
  const [a, e] = [flat(got), flat(expected)];
  a.forEach((v, i) => {
    const w = e[i]!;
    if (tol === 0 || Number.isNaN(w) || !Number.isFinite(w)) expect(Object.is(v, w) || v === w && w !== 0, `entry ${i}: ${v} vs ${w}`).toBe(true);
    else expect(Math.abs(v - w), `entry ${i}: ${v} vs ${w}`).toBeLessThanOrEqual(tol * Math.abs(w));
  });
}

const T = (v: Nested) => ad.tensor(v as number[]);
const grad = (f: (x: ad.Tensor) => ad.Tensor) => (x: ad.Tensor) => ad.grad((t: ad.Tensor) => ad.sum(ad.mul(f(t), ad.arange(f(t).size).reshape(f(t).shape))))(x);

/** f under vmap over rows, and jit replayed on every row, equal the eager loop. */
function batched(f: (x: ad.Tensor) => ad.Tensor, rows: ad.Tensor[]): void {
  const eager = rows.map(f);
  close(ad.vmap(f)(ad.stack(rows)), ad.stack(eager).toArray() as Nested);
  const jitted = ad.jit(f);
  for (let i = 0; i < rows.length; i++) close(jitted(rows[i]!), eager[i]!.toArray() as Nested);
  expect(jitted.cacheInfo()[0]!.status).not.toBe('eager');
}

describe('rot90, fliplr, flipud', () => {
  const m = ad.reshape(ad.arange(24), [2, 3, 4]);
  it('every k (negative, ≥ 4) and axis pair, negative axes', () => {
    for (const k of [-1, 0, 1, 2, 3, 5]) {
      for (const axes of [[0, 1], [1, 2], [2, 0], [-1, -3]] as const) close(ad.rot90(m, k, axes), ref.rot90[`${k}_(${axes[0]}, ${axes[1]})`]);
    }
    close(ad.fliplr(m), ref.fliplr);
    close(ad.flipud(m), ref.flipud);
  });
  it('errors name the op and the fix', () => {
    expect(() => ad.rot90(ad.tensor([1, 2]))).toThrow(/rot90: .*two or more/);
    expect(() => ad.rot90(m, 1, [1, 1])).toThrow(/rot90: the two axes must differ/);
    expect(() => ad.rot90(m, 1, [0, -3])).toThrow(/rot90: the two axes must differ/);
    expect(() => ad.rot90(m, 0.5)).toThrow(/rot90: k must be an integer/);
    expect(() => ad.fliplr(ad.tensor([1, 2]))).toThrow(/fliplr: .*two axes/);
    expect(() => ad.flipud(3)).toThrow(/flipud: x is 0-d|flipud: m is 0-d/);
  });
  it('gradients (each entry back to where it came from), vmap and jit', () => {
    expect(ad.checkGrad((x: ad.Tensor) => ad.sum(ad.square(ad.mul(ad.rot90(x), ad.arange(6).reshape([3, 2])))), [ad.random.normal([2, 3], 1)]).ok).toBe(true);
    close(grad(ad.fliplr)(ad.zeros([2, 2])), [[1, 0], [3, 2]]);
    batched((x) => ad.rot90(x, 3), [ad.random.normal([2, 3], 2), ad.random.normal([2, 3], 3)]);
    batched(ad.flipud, [ad.random.normal([3], 2), ad.random.normal([3], 3)]);
  });
});

describe('nanToNum', () => {
  const x = ad.tensor([NaN, Infinity, -Infinity, -0, 1.5, -2]);
  it('defaults and given values (NumPy)', () => {
    close(ad.nanToNum(x), ref.nanToNum);
    close(ad.nanToNum(x, { nan: -1, posinf: 9, neginf: -9 }), ref.nanToNum2);
    expect(() => ad.nanToNum(x, { nan: '0' as unknown as number })).toThrow(/nanToNum: nan must be a number/);
    expect(() => ad.nanToNum(x, { inf: 1 } as never)).toThrow(/nanToNum: unknown option 'inf'/);
  });
  it('gradient 1 where finite, 0 where replaced; vmap, jit', () => {
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.nanToNum(t)))(x).toArray()).toEqual([0, 0, 0, 1, 1, 1]);
    batched((t) => ad.nanToNum(t, { nan: 7 }), [x, ad.tensor([1, NaN, 3, Infinity, 0, 0])]);
  });
});

describe('logspace, geomspace, diagflat, identity', () => {
  it('as NumPy (within 2 ulp: pow is V8\'s, NumPy\'s is glibc\'s)', () => {
    close(ad.logspace(-3, 2.5, 12), ref.logspace, 4.5e-16);
    close(ad.logspace(0, 1, 7, { endpoint: false, base: 2 }), ref.logspace2, 4.5e-16);
    close(ad.logspace(1, 5, 1), ref.logspace3);
    close(ad.geomspace(1, 1e6, 13), ref.geomspace, 4.5e-16);
    close(ad.geomspace(-1000, -1, 4), ref.geomspace2, 4.5e-16);
    close(ad.geomspace(0.3, 77.7, 9, { endpoint: false }), ref.geomspace3, 4.5e-16);
    close(ad.geomspace(5, 3, 6), ref.geomspace4, 4.5e-16);
    expect(ad.geomspace(1, 1000, 4).toArray()).toEqual([1, 10, 100, 1000]);
    expect(ad.logspace(0, 1, 0).shape).toEqual([0]);
    expect(() => ad.geomspace(0, 1, 3)).toThrow(/geomspace: a geometric sequence cannot include zero/);
    expect(() => ad.logspace(0, 1, 2.5)).toThrow(/logspace: num must be a whole number/);
    for (const k of [-2, 0, 1, 3]) close(ad.diagflat(ad.tensor([[1, 2], [3, 4]]), k), ref.diagflat[String(k)]);
    expect(ad.diagflat(ad.tensor([NaN, Infinity])).toArray()).toEqual([[NaN, 0], [0, Infinity]]);
    expect(ad.identity(3).toArray()).toEqual(ad.eye(3).toArray());
    expect(ad.identity(0).shape).toEqual([0, 0]);
  });
  it('diagflat: gradient, vmap, jit', () => {
    expect(ad.checkGrad((v: ad.Tensor) => ad.sum(ad.square(ad.mul(ad.diagflat(v, -1), ad.arange(16).reshape([4, 4])))), [ad.random.normal([3], 4)]).ok).toBe(true);
    batched((v) => ad.diagflat(v, 2), [ad.random.normal([3], 5), ad.random.normal([3], 6)]);
  });
});

describe('floorDivide', () => {
  it('NumPy\'s npy_divmod: random pairs, signed zeros, ±∞, NaN, division by zero', () => {
    close(ad.floorDivide(T(ref.fd_a), T(ref.fd_b)), ref.floorDivide);
    const sp = T(ref.fd_sp);
    close(ad.floorDivide(ad.reshape(sp, [1, 9]), ad.reshape(sp, [9, 1])), ref.floorDivideSpecial);
  });
  it('agrees with mod: a = b·(a // b) + mod(a, b) exactly on small integers; gradient 0; vmap, jit', () => {
    const a = ad.tensor([7, -7, 7, -7, 0, 13]), b = ad.tensor([2, 2, -2, -2, 5, 4]);
    expect(ad.add(ad.mul(b, ad.floorDivide(a, b)), ad.mod(a, b)).toArray()).toEqual(a.toArray());
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.floorDivide(t, 3)))(a).toArray()).toEqual([0, 0, 0, 0, 0, 0]);
    batched((t) => ad.floorDivide(t, ad.tensor([3, -0.7, 2])), [ad.tensor([5, 1, -3]), ad.tensor([-5, 0.7, 1e300])]);
  });
});

describe('frexp, ldexp, nextafter', () => {
  it('frexp: normals, subnormals, signed zeros, ±∞, NaN, next to powers of two', () => {
    const [m, e] = ad.frexp(T(ref.frexp_x));
    close(m, ref.frexp_m);
    close(e, ref.frexp_e);
  });
  it('ldexp: exact, subnormal results rounded once, exponents past ±1074', () => {
    close(ad.ldexp(T(ref.ldexp_x), T(ref.ldexp_n)), ref.ldexp);
    expect(() => ad.ldexp(1, 0.5)).toThrow(/ldexp: the exponents n must hold integers.*0\.5/);
  });
  it('nextafter: both directions, zeros, subnormals, the largest float, ±∞, NaN', () => {
    close(ad.nextafter(T(ref.next_x), T(ref.next_y)), ref.nextafter);
  });
  it('derivatives: frexp\'s mantissa 2^−e, ldexp 2^n, nextafter none; vmap, jit', () => {
    expect(ad.grad((x: ad.Tensor) => ad.sum(ad.frexp(x)[0]))(ad.tensor([8, 0.3])).toArray()).toEqual([1 / 16, 2]);
    expect(ad.checkGrad((x: ad.Tensor) => ad.sum(ad.square(ad.ldexp(x, ad.tensor([3, -2])))), [ad.tensor([0.7, -1.3])]).ok).toBe(true);
    expect(ad.grad((x: ad.Tensor) => ad.sum(ad.ldexp(x, ad.tensor([3, -2]))))(ad.tensor([0.7, -1.3])).toArray()).toEqual([8, 0.25]);
    expect(ad.grad((x: ad.Tensor) => ad.sum(ad.nextafter(x, 2)))(ad.tensor([1])).toArray()).toEqual([0]);
    batched((x) => ad.ldexp(x, ad.tensor([1, -1080, 900])), [ad.tensor([3, 1e300, 1e-300]), ad.tensor([5e-324, 0.75, -2])]);
    batched((x) => ad.frexp(x)[1], [ad.tensor([3, 1e300, 1e-310]), ad.tensor([5e-324, 0.75, -2])]);
    batched((x) => ad.nextafter(x, 0), [ad.tensor([3, 1e300, 1e-310]), ad.tensor([5e-324, 0.75, -2])]);
  });
});

describe('gcd, lcm', () => {
  it('as NumPy on integers up to 2^53 (consecutive Fibonacci numbers: Euclid\'s longest runs)', () => {
    close(ad.gcd(T(ref.gcd_a), T(ref.gcd_b)), ref.gcd);
    close(ad.lcm(T(ref.lcm_a), T(ref.lcm_b)), ref.lcm);
    expect(() => ad.gcd(ad.tensor([1.5]), 2)).toThrow(/gcd: a must hold integers.*1\.5/);
    expect(() => ad.lcm(2, NaN)).toThrow(/lcm: b must hold integers/);
  });
  it('under jit (80 fixed steps) and vmap the same; no gradient', () => {
    batched((a) => ad.gcd(a, ad.tensor([514229, 462, 18])), [ad.tensor([832040, 1071, 12]), ad.tensor([0, -7, 2 ** 53])]);
    batched((a) => ad.lcm(a, ad.tensor([4, 6, 0])), [ad.tensor([6, 4, 5]), ad.tensor([0, -9, 1])]);
    expect(ad.grad((a: ad.Tensor) => ad.sum(ad.gcd(a, 6)))(ad.tensor([4, 9])).toArray()).toEqual([0, 0]);
  });
});

describe('arraySplit, hsplit, vsplit, dsplit, append, insert, delete', () => {
  const s = ad.reshape(ad.arange(14), [7, 2]);
  const h = ad.reshape(ad.arange(16), [2, 2, 4]);
  const q = ad.reshape(ad.arange(6), [2, 3]);
  const parts = (ps: ad.Tensor[], want: Nested[]) => { expect(ps.length).toBe(want.length); ps.forEach((p, i) => close(p, want[i]!)); };
  it('splits as NumPy (uneven sections, more sections than entries, indices past the end)', () => {
    for (const k of [1, 3, 4, 7, 9]) parts(ad.arraySplit(s, k), ref.arraySplit[String(k)]);
    parts(ad.arraySplit(s, [2, 5, 20]), ref.arraySplitIdx);
    parts(ad.hsplit(h, 2), ref.hsplit);
    parts(ad.vsplit(h, [1]), ref.vsplit);
    parts(ad.dsplit(h, [1, 3]), ref.dsplit);
    parts(ad.hsplit(ad.arange(6), 3), ref.hsplit1);
    expect(() => ad.arraySplit(s, 0)).toThrow(/arraySplit: the number of sections must be at least 1/);
    expect(() => ad.vsplit(ad.arange(4), 2)).toThrow(/vsplit: .*needs 2 or more/);
    expect(() => ad.dsplit(q, 2)).toThrow(/dsplit: .*needs 3 or more/);
  });
  it('append, insert (scalar and list positions, NumPy\'s broadcasting of values), delete', () => {
    close(ad.append(q, ad.tensor([[9, 9, 9]]), 0), ref.append);
    close(ad.append(q, ad.tensor([7, 8])), ref.appendFlat);
    close(ad.insert(q, 1, 9), ref.insert.scalar);
    close(ad.insert(q, 1, ad.tensor([7, 8]), 1), ref.insert.ax1);
    close(ad.insert(q, [1], ad.tensor([[7], [8]]), 1), ref.insert.ax1list);
    close(ad.insert(q, -1, 5, 0), ref.insert.ax0);
    close(ad.insert(q, [0, 2, 2, -1], ad.tensor([10, 20, 30, 40]), 1), ref.insert.multi);
    close(ad.insert(q, 3, ad.tensor([[1, 2]]), 1), ref.insert.end);
    close(ad.insert(ad.arange(5), [4, 0, 2], ad.tensor([7, 8, 9])), ref.insert.flatlist);
    close(ad.delete(q, [0, -1]), ref.delete.flat);
    close(ad.delete(q, 1, 1), ref.delete.ax1);
    close(ad.delete(q, [0, 0], 0), ref.delete.ax0);
    close(ad.delete(q, [], 1), ref.delete.none);
    expect(() => ad.insert(q, 4, 1, 1)).toThrow(/insert: index 4 is out of bounds for axis 1 with size 3/);
    expect(() => ad.delete(q, 3, 1)).toThrow(/delete: index 3 is out of bounds for axis 1 with size 3/);
    expect(() => ad.append(q, ad.tensor([1, 2, 3]), 0)).toThrow(/append: .*different numbers of axes/);
    expect(() => ad.insert(q, [0, 1], ad.tensor([1, 2, 3]), 1)).toThrow(/insert: values of shape \[3\] do not broadcast to \[2,2\]/);
  });
  it('gradients flow to arr and values; vmap, jit', () => {
    const f = (a: ad.Tensor, v: ad.Tensor) => ad.sum(ad.square(ad.mul(ad.insert(ad.delete(a, 1, 1), [0, 2], v, 1), ad.arange(8).reshape([2, 4]))));
    expect(ad.checkGrad(f, [ad.random.normal([2, 3], 7), ad.random.normal([2, 2], 8)]).ok).toBe(true);
    expect(ad.checkGrad((a: ad.Tensor) => ad.sum(ad.square(ad.mul(ad.arraySplit(a, 2)[0]!, 3))), [ad.random.normal([5], 9)]).ok).toBe(true);
    batched((a) => ad.insert(a, [1, 1], ad.tensor([5, 6])), [ad.tensor([1, 2, 3]), ad.tensor([4, 5, 6])]);
    batched((a) => ad.delete(ad.append(a, ad.tensor([9])), [0]), [ad.tensor([1, 2, 3]), ad.tensor([4, 5, 6])]);
  });
});

describe('unravelIndex, ravelMultiIndex, trilIndices, triuIndices, diagIndices', () => {
  it('as NumPy (C and F order, positions next to 2^53, wrap and clip)', () => {
    const ui = ad.tensor([[5, 1, 0], [23, 7, 11]]);
    ad.unravelIndex(ui, [2, 3, 4]).forEach((c, i) => close(c, ref.unravel[i]));
    ad.unravelIndex(ui, [2, 3, 4], { order: 'F' }).forEach((c, i) => close(c, ref.unravelF[i]));
    ad.unravelIndex(ad.tensor([2 ** 53 - 1, 2 ** 52 + 12345]), [3, 2 ** 51, 4]).forEach((c, i) => close(c, ref.unravelBig[i]));
    close(ad.ravelMultiIndex([ad.tensor([1, 0, 1]), ad.tensor([2, 1, 0]), ad.tensor([3, 0, 1])], [2, 3, 4]), ref.ravel);
    close(ad.ravelMultiIndex([ad.tensor([1, 0, 1]), ad.tensor([2, 1, 0])], [2, 3], { order: 'F' }), ref.ravelF);
    close(ad.ravelMultiIndex([ad.tensor([3, -1]), ad.tensor([5, -4])], [2, 3], { mode: 'wrap' }), ref.ravelWrap);
    close(ad.ravelMultiIndex([ad.tensor([3, -1]), ad.tensor([5, -4])], [2, 3], { mode: 'clip' }), ref.ravelClip);
    for (const [n, k, m] of [[3, 0, undefined], [3, -1, 4], [2, 2, 3], [4, 1, 2], [0, 0, undefined]] as const) {
      const key = `${n}_${k}_${m === undefined ? 'None' : m}`;
      ad.trilIndices(n, k, m).forEach((p, i) => close(p, ref.tril[key][i]));
      ad.triuIndices(n, k, m).forEach((p, i) => close(p, ref.triu[key][i]));
    }
    ad.trilIndicesFrom(ad.zeros([3, 4]), -1).forEach((p, i) => close(p, ref.tril['3_-1_4'][i]));
    expect(ad.diagIndices(3, 3).map((p) => p.toArray())).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2]]);
    expect(() => ad.unravelIndex(ad.tensor([6]), [2, 3])).toThrow(/unravelIndex: index 6 is out of bounds for an array of shape \[2,3\]/);
    expect(() => ad.unravelIndex(ad.tensor([-1]), [2, 3])).toThrow(/unravelIndex: indices must hold whole numbers ≥ 0.*-1/);
    expect(() => ad.ravelMultiIndex([ad.tensor([2]), ad.tensor([0])], [2, 3])).toThrow(/ravelMultiIndex: coordinate 2 is out of bounds for axis 0 of length 2/);
    expect(() => ad.ravelMultiIndex([ad.tensor([0.5]), ad.tensor([0])], [2, 3])).toThrow(/ravelMultiIndex: coordinate 0 must hold integers/);
  });
  it('under vmap and jit; round trip', () => {
    batched((p) => ad.stack(ad.unravelIndex(p, [3, 4, 5])), [ad.tensor([0, 59, 17]), ad.tensor([33, 4, 20])]);
    batched((p) => ad.ravelMultiIndex(ad.unravelIndex(p, [3, 4, 5]), [3, 4, 5]), [ad.tensor([0, 59, 17]), ad.tensor([33, 4, 20])]);
  });
});

describe('histogram, bincount, digitize, isin, lexsort', () => {
  const d = T(ref.hist_x);
  it('histogram as NumPy: auto range, given range, edges (with a repeated edge), density, weights, empty, NaN', () => {
    const cases: Array<[string, ad.Tensor[]]> = [
      ['b10', ad.histogram(d)],
      ['b3', ad.histogram(d, 3)],
      ['b7range', ad.histogram(d, 7, { range: [0, 4] })],
      ['edges', ad.histogram(d, [-1, 0, 2, 2, 3.3, 5])],
      ['density', ad.histogram(d, 4, { density: true })],
      ['weights', ad.histogram(d, 5, { weights: ad.arange(10) })],
      ['wdensity', ad.histogram(d, [0, 1, 3, 6], { weights: ad.arange(10), density: true })],
    ];
    for (const [key, [hist, edges]] of cases) {
      close(hist!, ref.hist[key][0], 1e-15);
      close(edges!, ref.hist[key][1]);
    }
    ad.histogram(ad.tensor([2, 2, 2]), 4).forEach((t, i) => close(t, ref.histSame[i]));
    ad.histogram(ad.zeros([0]), 3).forEach((t, i) => close(t, ref.histEmpty[i]));
    ad.histogram(ad.tensor([0.1, NaN, 0.7, 2]), 2, { range: [0, 1] }).forEach((t, i) => close(t, ref.histNaN[i]));
    expect(() => ad.histogram(ad.tensor([1, NaN]))).toThrow(/histogram: the range found in a, \[1, NaN\]|histogram: the range found in a/);
    expect(() => ad.histogram(d, [0, 2, 1])).toThrow(/histogram: bin edges must increase monotonically/);
    expect(() => ad.histogram(d, 3, { range: [2, 1] })).toThrow(/histogram: range \[2, 1\]: max must be larger than min/);
  });
  it('histogram: gradient in the weights, vmap and jit (the bins are static)', () => {
    expect(ad.checkGrad((w: ad.Tensor) => ad.sum(ad.square(ad.histogram(d, 3, { weights: w })[0]!)), [ad.random.normal([10], 11)]).ok).toBe(true);
    batched((x) => ad.histogram(x, 4)[0]!, [ad.random.normal([12], 12), ad.random.normal([12], 13)]);
    batched((x) => ad.histogram(x, 3, { density: true })[1]!, [ad.random.normal([12], 12), ad.random.normal([12], 13)]);
  });
  it('bincount as NumPy; { length } as JAX, under vmap and jit', () => {
    const bx = ad.tensor([0, 1, 1, 3, 7, 3, 0]), bw = ad.tensor([0.5, 1, 2, -1, 4, 0.25, 3]);
    close(ad.bincount(bx), ref.bincount);
    close(ad.bincount(bx, { weights: bw }), ref.bincountW);
    close(ad.bincount(bx, { minlength: 10 }), ref.bincountMin);
    close(ad.bincount(ad.zeros([0]), { minlength: 2 }), ref.bincountEmpty);
    expect(ad.bincount(bx, { length: 4 }).toArray()).toEqual([2, 2, 0, 2]);
    expect(() => ad.bincount(ad.tensor([1, -1]))).toThrow(/bincount: x must hold whole numbers ≥ 0/);
    expect(() => ad.vmap((x: ad.Tensor) => ad.bincount(x))(ad.tensor([[0, 1], [1, 1]]))).toThrow(/bincount: under vmap .*\{ length \}/);
    batched((x) => ad.bincount(x, { length: 5 }), [ad.tensor([0, 1, 1, 4]), ad.tensor([2, 2, 9, 3])]);
    const g = ad.grad((w: ad.Tensor) => ad.sum(ad.mul(ad.bincount(bx, { weights: w }), ad.arange(8))))(bw);
    expect(g.toArray()).toEqual([0, 1, 1, 3, 7, 3, 0]);
    // Eager without length under jit: runs as written, each call right.
    const jitted = ad.jit((x: ad.Tensor) => ad.bincount(x));
    expect(jitted(ad.tensor([0, 2])).toArray()).toEqual([1, 0, 1]);
    expect(jitted(ad.tensor([1, 1])).toArray()).toEqual([0, 2]);
  });
  it('digitize as NumPy: increasing, decreasing, repeated bins, right, NaN and ±∞', () => {
    const dx = T(ref.dig_x);
    const bins: Record<string, number[]> = { inc: [0, 1, 2, 3], dec: [3, 2, 1, 0], dup: [0, 1, 1, 2], decdup: [3, 2, 2, 0], one: [1.5], empty: [] };
    for (const [name, b] of Object.entries(bins)) {
      for (const right of [false, true]) close(ad.digitize(dx, ad.tensor(b), right), ref.digitize[`${name}_${right ? 'True' : 'False'}`]);
    }
    expect(() => ad.digitize(dx, ad.tensor([0, 2, 1]))).toThrow(/digitize: bins must be monotonically increasing or decreasing/);
    // Batched bins: the direction chosen per example.
    const f = (b: ad.Tensor) => ad.digitize(dx, b);
    close(ad.vmap(f)(ad.tensor([[0, 1, 2, 3], [3, 2, 1, 0]])), [ref.digitize.inc_False, ref.digitize.dec_False]);
    batched((x) => ad.digitize(x, ad.tensor([3, 2, 1, 0]), true), [dx, ad.neg(dx)]);
  });
  it('isin, lexsort as NumPy; vmap, jit', () => {
    const ie = ad.tensor([[1, 2, NaN], [4, -0, 6]]), it_ = ad.tensor([4, 2, NaN, 0, 9]);
    close(ad.isin(ie, it_), ref.isin);
    close(ad.isin(ie, it_, { invert: true }), ref.isinInv);
    expect(ad.isin(ie, ad.zeros([0])).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    batched((t) => ad.isin(ad.tensor([1, 2, 3, 4]), t), [ad.tensor([4, 2]), ad.tensor([3, 9])]);
    const k1 = ad.tensor([1, 5, 1, 4, 3, 4, 4, NaN, 2]), k2 = ad.tensor([9, 4, 0, 4, 0, 2, 1, 1, NaN]);
    close(ad.lexsort([k1, k2]), ref.lexsort);
    close(ad.lexsort([k1]), ref.lexsort1);
    const K = ad.tensor([[[3, 1, 2], [1, 1, 0]], [[0, 0, 1], [2, 2, 2]]]);
    close(ad.lexsort(K, 0), ref.lexsortNd);
    close(ad.lexsort(K), ref.lexsortNd1);
    batched((t) => ad.lexsort([t, ad.tensor([1, 0, 1, 0])]), [ad.tensor([4, 3, 2, 1]), ad.tensor([1, 1, 0, 0])]);
  });
});

describe('nonzero, argwhere, flatnonzero, unique (shapes that depend on the values)', () => {
  const z = ad.tensor([[0, 3, 0], [NaN, 0, -0], [1, 0, 2]]);
  const u = T(ref.u);
  it('as NumPy (NaN is non-zero, −0 is zero; unique with NaNs as one or each kept)', () => {
    ad.nonzero(z).forEach((p, i) => close(p, ref.nonzero[i]));
    close(ad.argwhere(z), ref.argwhere);
    close(ad.flatnonzero(z), ref.flatnonzero);
    const r = ad.unique(u, { returnIndex: true, returnInverse: true, returnCounts: true });
    [r.values, r.indices!, r.inverse!, r.counts!].forEach((t, i) => close(t, ref.unique[i]));
    const s = ad.unique(u, { returnIndex: true, returnInverse: true, returnCounts: true, equalNan: false });
    [s.values, s.indices!, s.inverse!, s.counts!].forEach((t, i) => close(t, ref.uniqueNan[i]));
    close(ad.unique(u), ref.unique[0]);
    expect(ad.unique(ad.zeros([0])).shape).toEqual([0]);
    expect(ad.argwhere(ad.tensor(5)).shape).toEqual([1, 0]);
    expect(() => ad.nonzero(ad.tensor(1))).toThrow(/nonzero: x is 0-d/);
  });
  it('{ size, fillValue } as JAX: truncated, padded; the same eagerly, under vmap and under jit', () => {
    const [r, c] = ad.nonzero(z, { size: 6, fillValue: [-1, -2] });
    expect(r!.toArray()).toEqual([0, 1, 2, 2, -1, -1]);
    expect(c!.toArray()).toEqual([1, 0, 0, 2, -2, -2]);
    expect(ad.flatnonzero(z, { size: 2 }).toArray()).toEqual([1, 3]);
    expect(ad.argwhere(z, { size: 5, fillValue: 9 }).toArray()).toEqual([[0, 1], [1, 0], [2, 0], [2, 2], [9, 9]]);
    const small = ad.unique(u, { size: 8, returnIndex: true, returnCounts: true, returnInverse: true });
    expect(small.values.toArray()).toEqual([-5, -0, 1, 2, 3, NaN, -5, -5]); // −0 occurs first, as NumPy's (stable) first occurrence
    expect(small.counts!.toArray()).toEqual([1, 2, 2, 3, 2, 2, 0, 0]);
    expect(small.indices!.toArray()).toEqual([11, 6, 1, 8, 0, 3, 11, 11]);
    close(small.inverse!, ref.unique[2]);
    const cut = ad.unique(u, { size: 2, returnCounts: true });
    expect(cut.values.toArray()).toEqual([-5, -0]);
    expect(cut.counts!.toArray()).toEqual([1, 2]);
    expect(ad.unique(ad.zeros([0]), { size: 2, fillValue: 3 }).toArray()).toEqual([3, 3]);
    batched((x) => ad.flatnonzero(x, { size: 3, fillValue: -1 }), [ad.tensor([0, 1, 0, 2]), ad.tensor([5, 0, 0, 0])]);
    batched((x) => ad.unique(x, { size: 3, fillValue: NaN }), [ad.tensor([2, 1, 2, 1]), ad.tensor([5, 0, 3, 4])]);
    batched((x) => ad.unique(x, { size: 3, returnCounts: true }).counts!, [ad.tensor([2, 1, 2, 1]), ad.tensor([5, 0, 3, 4])]);
  });
  it('without size: eager under jit (runs as written, right on each call), an error under vmap that names the fix', () => {
    const jitted = ad.jit((x: ad.Tensor) => ad.unique(x));
    expect(jitted(ad.tensor([2, 1, 2])).toArray()).toEqual([1, 2]);
    expect(jitted(ad.tensor([3, 3, 3])).toArray()).toEqual([3]);
    expect(jitted.cacheInfo()[0]!.status).toBe('eager');
    expect(() => ad.vmap((x: ad.Tensor) => ad.nonzero(x)[0]!)(ad.tensor([[0, 1], [1, 1]]))).toThrow(/nonzero: under vmap .*\{ size \}/);
    expect(() => ad.vmap((x: ad.Tensor) => ad.unique(x))(ad.tensor([[0, 1], [1, 1]]))).toThrow(/unique: under vmap .*\{ size \}/);
  });
  it('unique\'s values are differentiable: each value\'s cotangent to its first occurrence', () => {
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(ad.unique(x), ad.tensor([1, 10, 100]))))(ad.tensor([3, 1, 3, 2]));
    expect(g.toArray()).toEqual([100, 1, 0, 10]);
    const gs = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(ad.unique(x, { size: 4 }), ad.tensor([1, 10, 100, 1000]))))(ad.tensor([3, 1, 3, 2]));
    expect(gs.toArray()).toEqual([100, 1001, 0, 10]); // the padding is the smallest value (JAX's aux[0]): its cotangent goes there too
  });
});
