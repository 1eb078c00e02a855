/**
 * @file logsumexp of an outer sum computed as a logMatmul (src/ops/outerSum.ts): for random
 * layouts of batch, row, column, contracted and length-1 axes in any order, with keepdims, −∞
 * masks, +∞ and NaN, the value against a float64 brute force over the materialized sum, and the
 * gradient against the direct form's (logsumexp's own rule, reached through a − (−b), which is not
 * rewritten); that the rewrite happens exactly where the reduced axes run along both operands;
 * second order; and that eager, grad, vmap and jit give the same bits.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

type Role = 'batch' | 'row' | 'col' | 'contracted' | 'unit';

/** log Σ exp over `axes` of x (shape `shape`), max-shifted, entry by entry; keepdims as given. */
function brute(x: Float64Array, shape: number[], axes: number[], keepdims: boolean): { data: number[]; shape: number[] } {
  const outShape = shape.map((n, d) => (axes.includes(d) ? 1 : n));
  const size = outShape.reduce((p, n) => p * n, 1);
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, n) => p * n, 1));
  const groups: number[][] = Array.from({ length: size }, () => []);
  for (let flat = 0; flat < x.length; flat++) {
    let o = 0;
    for (let d = 0, rest = flat; d < shape.length; d++) {
      const i = Math.floor(rest / strides[d]!);
      rest -= i * strides[d]!;
      o = o * outShape[d]! + (axes.includes(d) ? 0 : i);
    }
    groups[o]!.push(x[flat]!);
  }
  const data = groups.map((g) => {
    let m = -Infinity;
    for (const v of g) if (v > m || v !== v) m = v;
    if (m !== m) return NaN;
    if (m === -Infinity || m === Infinity) return g.some((v) => v !== v) ? NaN : m;
    return m + Math.log(g.reduce((s, v) => s + Math.exp(v - m), 0));
  });
  return { data, shape: keepdims ? outShape : shape.filter((_, d) => !axes.includes(d)) };
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))).toBe(true);
    else if (Math.abs(g - w) > tol * (1 + Math.abs(w))) throw new Error(`entry ${i}: ${g} against ${w}`);
  }
}

/** Operand shapes for axes of the given roles and sizes (a has batch, row, contracted; b batch, col, contracted). */
function operandShapes(roles: Role[], sizes: number[]): [number[], number[], number[]] {
  const shape = roles.map((r, d) => (r === 'unit' ? 1 : sizes[d]!));
  const a = roles.map((r, d) => (r === 'batch' || r === 'row' || r === 'contracted' ? shape[d]! : 1));
  const b = roles.map((r, d) => (r === 'batch' || r === 'col' || r === 'contracted' ? shape[d]! : 1));
  return [shape, a, b];
}

const roleArb = fc.constantFrom<Role>('batch', 'row', 'col', 'contracted', 'contracted', 'unit');

describe('logsumexp of an outer sum (as a logMatmul)', () => {
  it('equals the brute force over the materialized sum, and its gradient the direct form\'s', () => {
    fc.assert(
      fc.property(
        fc.array(roleArb, { minLength: 2, maxLength: 4 }), fc.array(fc.integer({ min: 2, max: 6 }), { minLength: 4, maxLength: 4 }),
        fc.boolean(), fc.nat(1000), fc.constantFrom('none', 'mask', 'special'), fc.boolean(),
        (roles, sizes, keepdims, seed, values, alsoOther) => {
          const [shape, as, bs] = operandShapes(roles, sizes);
          // Reduce the contracted axes, and sometimes one more (a row or column axis: then no contraction).
          const axes = roles.flatMap((r, d) => (r === 'contracted' || (alsoOther && (r === 'row' || r === 'col') && d === roles.indexOf(r)) ? [d] : []));
          if (axes.length === 0) return;
          const a0 = ad.random.normal(ad.random.key(seed), as).toFloat64Array();
          const b0 = ad.random.normal(ad.random.key(seed + 1), bs).toFloat64Array();
          if (values === 'mask') { a0[seed % a0.length] = -Infinity; b0.fill(-Infinity, 0, Math.ceil(b0.length / 3)); }
          if (values === 'special') { a0[seed % a0.length] = Infinity; b0[(seed * 7) % b0.length] = NaN; a0[(seed + 3) % a0.length] = -Infinity; }
          const a = ad.tensor(a0, as), b = ad.tensor(b0, bs);
          const got = ad.logsumexp(ad.add(a, b), axes, keepdims);
          const want = brute(ad.add(a, b).toFloat64Array(), shape, axes, keepdims);
          expect(got.shape).toEqual(want.shape);
          close(got.toFloat64Array(), want.data, 1e-13);
          if (values !== 'none') return;
          const w = ad.random.normal(ad.random.key(seed + 2), got.shape);
          const rewritten = ad.grad((x: Tensor, y: Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.add(x, y), axes, keepdims), w)), [0, 1])(a, b) as Tensor[];
          const direct = ad.grad((x: Tensor, y: Tensor) => ad.sum(ad.mul(ad.logsumexp(ad.sub(x, ad.neg(y)), axes, keepdims), w)), [0, 1])(a, b) as Tensor[];
          close(rewritten[0]!.toFloat64Array(), direct[0]!.toFloat64Array(), 1e-12);
          close(rewritten[1]!.toFloat64Array(), direct[1]!.toFloat64Array(), 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  const K = 12;
  const alpha = ad.random.normal(ad.random.key(1), [K, 1]), T = ad.random.normal(ad.random.key(2), [K, K]);
  const step = (x: Tensor, t: Tensor) => ad.logsumexp(ad.add(x, t), 0);
  const opsOf = (f: () => unknown) => ad.profile(f).profile.forward.map((o) => o.op);

  it('is taken where the reduced axes run along both operands, and only there', () => {
    expect(opsOf(() => step(alpha, T))).toContain('logMatmul');
    expect(opsOf(() => ad.logsumexp(ad.add(alpha, T), 1))).not.toContain('logMatmul'); // axis 1 runs along T only
    const x = ad.add(alpha, T);
    ad.add(T, 1); // another sum in between: x is no longer the sum just made
    expect(opsOf(() => ad.logsumexp(x, 0))).not.toContain('logMatmul');
    expect(opsOf(() => ad.logsumexp(ad.add(ad.tensor([[1], [2]]), ad.tensor([[1, 2]])), 0))).not.toContain('logMatmul'); // small sums stay
  });

  it('passes checkGrad to second order, forward and reverse', () => {
    expect(ad.checkGrad((x: Tensor, t: Tensor) => ad.sum(ad.mul(step(x, t), ad.arange(K))), [alpha, T], { order: 2 }).ok).toBe(true);
  });

  it('gives the same bits eager, under grad, under jit and under vmap', () => {
    const value = step(alpha, T).toFloat64Array();
    const [underGrad] = ad.valueAndGrad((x: Tensor) => ad.sum(step(x, T)))(alpha);
    expect(underGrad.item()).toBe(ad.sum(step(alpha, T)).item());
    const jitted = ad.jit(step);
    jitted(alpha, T);
    expect(Array.from(jitted(alpha, T).toFloat64Array())).toEqual(Array.from(value));
    const batch = ad.stack([alpha, ad.mul(alpha, 2)]);
    const mapped = ad.vmap(step, [0, null])(batch, T);
    expect(Array.from(mapped.toFloat64Array().slice(0, K))).toEqual(Array.from(value));
    close(mapped.toFloat64Array().slice(K), step(ad.mul(alpha, 2), T).toFloat64Array(), 0);
  });
});

describe('what the rewrite holds', () => {
  it('forgets the noted sum when the synchronous run ends', async () => {
    const a = ad.random.normal(ad.random.key(5), [12, 1]), t = ad.random.normal(ad.random.key(6), [12, 12]);
    const x = ad.add(a, t);
    await Promise.resolve();
    // The next run's logsumexp of x reduces x as written: the note (and its hold on a and t) is gone.
    expect(ad.profile(() => ad.logsumexp(x, 0)).profile.forward.map((o) => o.op)).not.toContain('logMatmul');
  });
});
