/**
 * @file Call forms NumPy and JAX accept that adjoint refused (found by porting jax.numpy code,
 * session 15's review): each now gives NumPy's answer (values written out from NumPy 1.24 / the
 * JAX documentation).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('NumPy call forms that were refused', () => {
  it('cumsum and cumprod without an axis (or null) run along the flattened x, as np.cumsum(a) and jnp.cumsum(a)', () => {
    const x = ad.tensor([[3, 1, 2], [0, 5, 4]]);
    expect(ad.cumsum(x).toArray()).toEqual([3, 4, 6, 6, 11, 15]);
    expect(ad.cumsum(x, null).toArray()).toEqual([3, 4, 6, 6, 11, 15]);
    expect(ad.cumsum(x, null, { reverse: true }).toArray()).toEqual([15, 12, 11, 9, 9, 4]);
    expect(ad.cumprod(ad.tensor([[1, 2], [3, 4]])).toArray()).toEqual([1, 2, 6, 24]);
    expect(ad.cumprod(ad.tensor([[1, 2], [3, 4]]), null, { exclusive: true }).toArray()).toEqual([1, 1, 2, 6]);
    expect(ad.cumsum(5).toArray()).toEqual([5]); // np.cumsum(5) is array([5])
    expect(x.cumsum().toArray()).toEqual([3, 4, 6, 6, 11, 15]);
    // exact derivatives through the flattened product, zeros included: ∂/∂x₂ Σ wₖ Πⱼ≤ₖ xⱼ with x₂ = 0
    const g = ad.grad((t: ad.Tensor) => ad.sum(ad.mul(ad.cumprod(t), ad.arange(6))))(ad.tensor([[1, 2, 0], [3, 1, 2]]));
    expect(g.toArray()).toEqual([[2, 1, 106], [0, 0, 0]]);
  });

  it('expandDims takes a list of axes, counted in the result (np.expand_dims(x, (0, -1)))', () => {
    const x = ad.zeros([2, 3]);
    expect(ad.expandDims(x, [0, -1]).shape).toEqual([1, 2, 3, 1]);
    expect(ad.expandDims(x, [1, 3]).shape).toEqual([2, 1, 3, 1]);
    expect(ad.expandDims(ad.tensor([1, 2]), [0, 2]).toArray()).toEqual([[[1], [2]]]);
    expect(ad.tensor([1, 2]).expandDims([0, 1]).shape).toEqual([1, 1, 2]); // the method too
    expect(() => ad.expandDims(x, [0, 0])).toThrow(/expandDims: axes \[0,0\] repeat an axis/);
    expect(() => ad.expandDims(x, [0, 4])).toThrow(/expandDims: axis 4 is out of range for inserting 2 axes .* \[-4, 3\]/);
  });

  it('clip with a bound left out or null (np.clip(x, None, 1), jnp.clip(x, max=1))', () => {
    const x = ad.tensor([-2, 0.5, 3]);
    expect(ad.clip(x, null, 1).toArray()).toEqual([-2, 0.5, 1]);
    expect(ad.clip(x, undefined, 1).toArray()).toEqual([-2, 0.5, 1]);
    expect(ad.clip(x, 0).toArray()).toEqual([0, 0.5, 3]);
    expect(ad.clip(x, 0, null).toArray()).toEqual([0, 0.5, 3]);
    expect(ad.clip(ad.tensor([NaN]), null, 1).toArray()).toEqual([NaN]);
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.clip(t, null, 1)))(x).toArray()).toEqual([1, 1, 0]);
    expect(x.clip(null, 1).toArray()).toEqual([-2, 0.5, 1]);
  });

  it('take with nested arrays of indices (np.take(m, [[0, 2], [1, -1]], axis=1))', () => {
    const m = ad.reshape(ad.arange(12), [3, 4]);
    expect(ad.take(m, [[0, 2], [1, -1]], 1).toArray()).toEqual([[[0, 2], [1, 3]], [[4, 6], [5, 7]], [[8, 10], [9, 11]]]);
    expect(ad.take(m, [[0, 11], [5, 6]]).toArray()).toEqual([[0, 11], [5, 6]]); // flattened, as np.take without an axis
    expect(() => ad.take(m, [[0, 2], [1]], 1)).toThrow(/take: nested index arrays must be rectangular.*ragged/);
  });

  it('random.randint with array bounds: each entry in its own range, from the same bits as scalar bounds', () => {
    const k = ad.random.key(0);
    const scalar = ad.random.randint(k, [3, 3], 0, 8).toArray();
    expect(ad.random.randint(k, [3, 3], ad.zeros([3, 3]), ad.full([3, 3], 8)).toArray()).toEqual(scalar);
    const wide = ad.random.randint(k, [2, 3], 0, 1e15).toArray() as number[][];
    const mixed = ad.random.randint(k, [2, 3], 0, [[5], [1e15]]).toArray() as number[][];
    expect(mixed[1]).toEqual(wide[1]);
    for (const v of mixed[0]!) expect(v >= 0 && v < 5 && Number.isInteger(v)).toBe(true);
    const per = ad.random.randint(k, [3], [0, 10, 20], [5, 15, 25]).toArray() as number[];
    per.forEach((v, i) => expect(v >= 10 * i && v < 10 * i + 5).toBe(true));
    expect(() => ad.random.randint(k, [3], [0, 10, 20], [5, 5, 25])).toThrow(/low must be less than high at entry 1/);
    expect(() => ad.random.randint(k, [3], [0, 10], [5, 15])).toThrow(/low of shape \[2\] does not broadcast to the sample shape \[3\]/);
    const keys = ad.random.keyData(ad.random.split(k, 2));
    const mapped = ad.vmap((kk: ad.Tensor) => ad.random.randint(kk, [3], [0, 10, 20], [5, 15, 25]))(keys);
    expect(ad.take(mapped, 1, 0).toArray()).toEqual(ad.random.randint(ad.take(keys, 1, 0), [3], [0, 10, 20], [5, 15, 25]).toArray());
  });

  it('where with the condition alone is nonzero (np.where(cond), jnp.where(cond, size=…))', () => {
    expect(ad.where(ad.tensor([0, 1, 1]))[0]!.toArray()).toEqual([1, 2]);
    expect(ad.where(ad.tensor([[0, 1], [1, 0]])).map((p) => p.toArray())).toEqual([[0, 1], [1, 0]]);
    expect(ad.where(ad.tensor([0, 1, 1]), { size: 3, fillValue: -1 })[0]!.toArray()).toEqual([1, 2, -1]);
    expect(ad.where(ad.tensor([0, 1]), 1, 2).toArray()).toEqual([2, 1]);
    expect(() => (ad.where as (...a: unknown[]) => unknown)(ad.tensor([1]), 1)).toThrow(/where: give both branches/);
  });

  it('repeat with a tensor of counts (jnp.repeat(a, jnp.array([2, 1])))', () => {
    expect(ad.repeat(ad.tensor([1, 2]), ad.tensor([2, 1])).toArray()).toEqual([1, 1, 2]);
    expect(ad.repeat(ad.tensor([1, 2]), ad.tensor(2)).toArray()).toEqual([1, 1, 2, 2]);
    const j = ad.jit((x: ad.Tensor, r: ad.Tensor) => ad.repeat(x, r));
    expect(j(ad.tensor([1, 2]), ad.tensor([2, 1])).toArray()).toEqual([1, 1, 2]);
    expect(j(ad.tensor([1, 2]), ad.tensor([1, 3])).toArray()).toEqual([1, 2, 2, 2]);
    expect(() => ad.vmap((r: ad.Tensor) => ad.repeat(ad.tensor([1, 2]), r))(ad.tensor([[1, 1], [2, 0]]))).toThrow(/repeat: repeats is mapped by vmap/);
    // under grad the counts are constants: their gradient is 0
    expect(ad.grad((r: ad.Tensor) => ad.sum(ad.repeat(ad.tensor([1, 2]), r)))(ad.tensor([2, 1])).toArray()).toEqual([0, 0]);
  });
});
