/**
 * @file ad.at (jnp's x.at[…]): reads and pure updates at integer positions of the leading axes, against NumPy's
 * advanced indexing and JAX's update semantics (every update at a repeated position applied; set's last wins),
 * out-of-range modes, gradients, vmap and jit.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { sliceCases } from './indexUpdateSlicesReference.js';

const grid = ad.reshape(ad.arange(6), [2, 3]);

describe('ad.at', () => {
  it("reads as NumPy's advanced indexing on the leading axes (indices broadcast together, negatives from the end)", () => {
    // numpy: np.arange(6).reshape(2, 3)[[1, 0], [2, -1]] = [5, 2]; [1] = [3, 4, 5]; [[[0], [1]], [0, 2]] = [[0, 2], [3, 5]]
    expect(ad.at(grid, [1, 0], [2, -1]).get().toArray()).toEqual([5, 2]);
    expect(ad.at(grid, 1).get().toArray()).toEqual([3, 4, 5]);
    expect(ad.at(grid, [[0], [1]], [0, 2]).get().toArray()).toEqual([[0, 2], [3, 5]]);
    expect(ad.at(grid, ad.tensor([[1, 1]])).get().shape).toEqual([1, 2, 3]);
  });
  it("updates as JAX's: add sums repeats, multiply/divide/power take their product, min/max the extreme, set's last wins", () => {
    expect(ad.at(ad.zeros([3]), [0, 2, 0]).add(ad.tensor([1, 2, 3])).toArray()).toEqual([4, 0, 2]);
    expect(ad.at(ad.ones([3]), [0, 2, 0]).subtract(ad.tensor([1, 2, 3])).toArray()).toEqual([-3, 1, -1]);
    expect(ad.at(ad.ones([3]), [0, 0, 2]).multiply(ad.tensor([2, 3, 4])).toArray()).toEqual([6, 1, 4]);
    expect(ad.at(ad.ones([3]), [0, 0, 2]).mul(ad.tensor([2, 3, 4])).toArray()).toEqual([6, 1, 4]);
    expect(ad.at(ad.full([2], 12), [0, 0]).divide(ad.tensor([2, 3])).toArray()).toEqual([2, 12]);
    expect(ad.at(ad.full([2], 2), [1, 1]).power(ad.tensor([2, 3])).toArray()).toEqual([2, 64]);
    expect(ad.at(ad.full([3], 5), [0, 0, 1]).min(ad.tensor([2, 3, 9])).toArray()).toEqual([2, 5, 5]);
    expect(ad.at(ad.full([3], 5), [0, 0, 1]).max(ad.tensor([2, 7, 9])).toArray()).toEqual([7, 9, 5]);
    expect(ad.at(ad.zeros([3]), [1, 1, 2]).set(ad.tensor([5, 6, 7])).toArray()).toEqual([0, 6, 7]);
    expect(ad.at(ad.zeros([2, 2]), 1, 0).set(5).toArray()).toEqual([[0, 0], [5, 0]]);
    expect(ad.at(grid, 1).set(ad.tensor([7, 8, 9])).toArray()).toEqual([[0, 1, 2], [7, 8, 9]]);
    expect(ad.at(grid, [0, 1]).add(10).toArray()).toEqual([[10, 11, 12], [13, 14, 15]]); // a scalar broadcast
  });
  it("out of range: an error by default; 'clip', 'drop' (updates ignored) and 'fill' (reads give fillValue)", () => {
    expect(() => ad.at(ad.zeros([3]), [0, 5]).add(ad.tensor([1, 2]))).toThrow(/at: index 5 \(entry 1 of index 0\) is out of range for axis 0 of length 3/);
    expect(ad.at(ad.zeros([3]), [0, 5, -4]).add(ad.tensor([1, 2, 3]), { mode: 'drop' }).toArray()).toEqual([1, 0, 0]);
    expect(ad.at(ad.zeros([3]), [0, 5]).set(ad.tensor([1, 2]), { mode: 'clip' }).toArray()).toEqual([1, 0, 2]);
    expect(ad.at(ad.arange(3), [0, 5]).get({ mode: 'fill', fillValue: -1 }).toArray()).toEqual([0, -1]);
    expect(ad.at(ad.arange(3), [0, 5]).get({ mode: 'drop' }).toArray()).toEqual([0, NaN]);
    expect(ad.at(ad.arange(3), [0, 5]).get({ mode: 'clip' }).toArray()).toEqual([0, 2]);
  });
  it('differentiates in x and the values; maps under vmap and replays under jit with traced indices', () => {
    const [gx, gv] = ad.grad((x: Tensor, v: Tensor) => ad.sum(ad.mul(ad.at(x, [1, 1, 2]).set(v), ad.tensor([1, 2, 3]))), [0, 1])(ad.zeros([3]), ad.tensor([5, 6, 7]));
    expect([gx!.toArray(), gv!.toArray()]).toEqual([[1, 0, 0], [0, 2, 3]]); // written positions take nothing from x; an overwritten update nothing
    const [mx, mv] = ad.grad((x: Tensor, v: Tensor) => ad.sum(ad.at(x, [0, 0]).multiply(v)), [0, 1])(ad.tensor([2, 3]), ad.tensor([5, 7]));
    expect([mx!.toArray(), mv!.toArray()]).toEqual([[35, 1], [14, 10]]);
    ad.assertGrad((x: Tensor, v: Tensor) => ad.sum(ad.square(ad.at(x, [0, 2, 0]).add(v))), [ad.tensor([0.5, -1, 2]), ad.tensor([1, 2, 3])], { order: 2 });
    expect(ad.vmap((i: Tensor) => ad.at(ad.zeros([4]), i).add(1))(ad.tensor([0, 3, 3])).toArray()).toEqual([[1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1]]);
    const f = ad.jit((x: Tensor, i: Tensor) => ad.at(x, i).add(1));
    expect(f(ad.zeros([3]), ad.tensor([2, 2])).toArray()).toEqual([0, 0, 2]);
    expect(f(ad.zeros([3]), ad.tensor([0, 1])).toArray()).toEqual([1, 1, 0]);
  });
  it("min/max derivatives at ties are JAX's (lax scatter_min/max JVP): the mean over x's entry and the updates equal to the result", () => {
    // Oracle: JAX's rule written out per position p of x (rows [4] × trailing [2]) for updates j at rows r_j.
    // Small whole numbers make ties common; 'drop' sends rows ≥ 4 nowhere.
    const oracle = (x: number[], u: number[], rows: number[], w: number[], pick: (a: number, b: number) => number) => {
      const out = x.slice(), gx = new Array<number>(8).fill(0), gu = new Array<number>(u.length).fill(0);
      rows.forEach((r, j) => { if (r < 4) for (let c = 0; c < 2; c++) out[r * 2 + c] = pick(out[r * 2 + c]!, u[j * 2 + c]!); });
      for (let p = 0; p < 8; p++) {
        const mine = rows.flatMap((r, j) => (r === p >> 1 ? [j * 2 + (p & 1)] : []));
        if (mine.length === 0) { gx[p] = w[p]!; continue; }
        const fromX = x[p] === out[p] ? 1 : 0, winners = mine.filter((q) => u[q] === out[p]);
        const k = fromX + winners.length;
        gx[p] = (fromX * w[p]!) / k;
        for (const q of winners) gu[q] = w[p]! / k;
      }
      return { out, gx, gu };
    };
    let seed = 7;
    const draw = (n: number, m: number) => Array.from({ length: n }, () => ((seed = (seed * 69069 + 1) % 2 ** 32), seed % m));
    for (let trial = 0; trial < 40; trial++) {
      const x = draw(8, 3), rows = draw(5, trial % 2 === 0 ? 4 : 6), u = draw(10, 3), w = draw(8, 5).map((v) => v + 1);
      for (const [name, pick] of [['min', Math.min], ['max', Math.max]] as const) {
        const f = (xt: Tensor, ut: Tensor) => ad.sum(ad.mul(ad.at(xt, ad.tensor(rows))[name](ut, { mode: 'drop' }), ad.tensor(w, [4, 2])));
        const { out, gx, gu } = oracle(x, u, rows, w, pick);
        const xt = ad.tensor(x, [4, 2]), ut = ad.tensor(u, [5, 2]);
        expect([...ad.at(xt, ad.tensor(rows))[name](ut, { mode: 'drop' }).toFloat64Array()]).toEqual(out);
        const [gxt, gut] = ad.grad(f, [0, 1])(xt, ut);
        expect([...gxt!.toFloat64Array()]).toEqual(gx.map((v) => expect.closeTo(v, 14)));
        expect([...gut!.toFloat64Array()]).toEqual(gu.map((v) => expect.closeTo(v, 14)));
        // Forward mode agrees: the tangent along x's and the values' unit directions summed against w.
        const [, tangent] = ad.jvp(f, [xt, ut], [ad.ones([4, 2]), ad.ones([5, 2])]);
        expect(tangent.item()).toBeCloseTo([...gx, ...gu].reduce((a, b) => a + b, 0), 12);
        // Under jit and vmap (the indices traced): the same numbers.
        expect(ad.jit(ad.grad(f, [0, 1]))(xt, ut).map((g) => g.toArray())).toEqual([gxt!.toArray(), gut!.toArray()]);
      }
    }
    const batched = ad.vmap(ad.grad((x: Tensor, i: Tensor) => ad.sum(ad.at(x, i).max(ad.tensor([2, 2])))), [0, 0])(ad.tensor([[2, 1], [1, 1]]), ad.tensor([[0, 0], [1, 0]]));
    expect(batched.toArray()).toEqual([[1 / 3, 1], [0, 0]]); // row 1: both entries lose to the 2s
  });
  it.each(sliceCases.map((c) => [JSON.stringify(c.index), c] as const))("slices among the indices, %s: NumPy's layout, assignment, add.at and minimum.at", (_name, c) => {
    const x = ad.sub(ad.mul(ad.reshape(ad.arange(60), [4, 5, 3]), 0.5), 7);
    const index = c.index as ad.AtIndex[];
    const got = ad.at(x, ...index).get();
    expect(got.shape).toEqual(c.get.shape);
    expect([...got.toFloat64Array()]).toEqual(c.get.values);
    const v = ad.tensor(c.values, c.get.shape);
    expect([...ad.at(x, ...index).set(v).toFloat64Array()]).toEqual(c.set);
    expect([...ad.at(x, ...index).add(v).toFloat64Array()]).toEqual(c.add.map((e) => expect.closeTo(e, 12)));
    expect([...ad.at(x, ...index).min(v).toFloat64Array()]).toEqual(c.min);
  });
  it('slices: gradients, jit and vmap, and errors', () => {
    const g = ad.grad((x: Tensor, v: Tensor) => ad.sum(ad.square(ad.at(x, null, { start: 1, step: 2 }).add(v))), [0, 1])(ad.ones([2, 4]), ad.ones([2, 2]));
    expect(g.map((t) => t.toArray())).toEqual([[[2, 4, 2, 4], [2, 4, 2, 4]], [[4, 4], [4, 4]]]);
    const f = ad.jit((x: Tensor) => ad.at(x, { step: -1 }).get());
    expect(f(ad.tensor([1, 2, 3])).toArray()).toEqual([3, 2, 1]);
    expect(ad.vmap((row: Tensor) => ad.at(row, { stop: 2 }).set(0))(ad.ones([2, 3])).toArray()).toEqual([[0, 0, 1], [0, 0, 1]]);
    expect(() => ad.at(ad.ones([3]), { step: 0 }).get()).toThrow(/step of slice index 0 is 0/);
    expect(() => ad.at(ad.ones([3]), { begin: 1 } as never).get()).toThrow(/unknown part 'begin'/);
    expect(() => ad.at(ad.ones([3]), { start: 0.5 }).get()).toThrow(/start of slice index 0 must be a whole number/);
  });
  it('checks its arguments', () => {
    expect(() => ad.at(grid)).toThrow(/at: give at least one index/);
    expect(() => ad.at(grid, [1.5]).get()).toThrow(/at: index 1.5 \(entry 0 of index 0\) is not a whole number/);
    expect(() => ad.at(grid, 0, 0, 0)).toThrow(/at: 3 indices for x of shape \[2,3\]/);
    expect(() => ad.at(grid, [0, 1], [0, 1, 2])).toThrow(/at: /);
    expect(() => ad.at(grid, 0).add(1, { mode: 'wrap' as never })).toThrow(/at: mode must be 'raise', 'clip', 'drop' or 'fill'/);
    expect(() => ad.at(grid, 0).set(1, { fillValue: 0 })).toThrow(/at: fillValue is for get/);
    expect(() => (ad.at(grid, 0).add as (...a: unknown[]) => unknown)(1, {}, 3)).toThrow(/at\(…\)\.add: .*would be ignored/);
  });
});
