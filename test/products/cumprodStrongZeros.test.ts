/**
 * @file cumprod's derivatives keep the strong zero with ∞ and NaN factors: a zero cotangent or
 * tangent carries nothing through a factor that is ∞ or NaN, as the same cumulative product
 * written with mul (whose rules multiply strongly) does. Oracle: that mul chain, at first and
 * second order (vjp, jvp, hvp), inclusive and exclusive, from either end, over random lanes of
 * finite, zero, ∞ and NaN factors. (A jit/vmap fuzzing review found cumprod's VJP at [2, NaN, 3]
 * with cotangent [1, 0, 0] to be [NaN, 0, 0] where the chain gives [1, 0, 0].)
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { run, session } from '../onnx/ortSupport.js';

/** The cumulative product along a 1-D x by a chain of muls: the oracle. */
function chainCumprod(x: ad.Tensor, reverse: boolean, exclusive: boolean): ad.Tensor {
  const n = x.shape[0]!;
  const order = Array.from({ length: n }, (_, i) => (reverse ? n - 1 - i : i));
  const out: ad.Tensor[] = new Array(n);
  let run: ad.Tensor | null = null;
  for (const i of order) {
    const xi = ad.take(x, i);
    if (exclusive) out[i] = run ?? ad.scalar(1);
    run = run === null ? xi : ad.mul(run, xi);
    if (!exclusive) out[i] = run;
  }
  return ad.stack(out);
}

const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));
const factor = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 3 }).map((k) => k / 2) },
  { weight: 1, arbitrary: fc.constantFrom(Infinity, -Infinity, NaN) },
);
const sparse = (n: number) => fc.array(fc.constantFrom(0, 0, 1, -2), { minLength: n, maxLength: n });

describe('cumprod with ∞ and NaN factors: strong zeros as the mul chain', () => {
  it('the review\'s cases', () => {
    const pull = (x: number[], g: number[]) => ad.vjp((v: ad.Tensor) => ad.cumprod(v, 0), ad.tensor(x))[1](ad.tensor(g))[0].toArray();
    same(pull([2, NaN, 3], [1, 0, 0]), [1, 0, 0]);
    same(pull([2, Infinity, 0], [1, 0, 0]), [1, 0, 0]);
    same(ad.jit((v: ad.Tensor) => ad.vjp((u: ad.Tensor) => ad.cumprod(u, 0), v)[1](ad.tensor([1, 0, 0]))[0])(ad.tensor([2, NaN, 3])).toArray(), [1, 0, 0]);
  });

  it('vjp, jvp and hvp agree with the chain of muls (first and second order)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.array(factor, { minLength: n, maxLength: n }), sparse(n), sparse(n))),
        fc.boolean(), fc.boolean(), ([xs, g, t], reverse, exclusive) => {
          const x = ad.tensor(xs), gt = ad.tensor(g), tt = ad.tensor(t);
          const mine = (v: ad.Tensor) => ad.cumprod(v, 0, { reverse, exclusive });
          const oracle = (v: ad.Tensor) => chainCumprod(v, reverse, exclusive);
          same(ad.vjp(mine, x)[1](gt)[0].toArray(), ad.vjp(oracle, x)[1](gt)[0].toArray());
          same(ad.jvp(mine, [x], [tt])[1].toArray(), ad.jvp(oracle, [x], [tt])[1].toArray());
          const weighted = (f: (v: ad.Tensor) => ad.Tensor) => (v: ad.Tensor) => ad.sum(ad.mul(gt, f(v)));
          same(ad.hvp(weighted(mine), x, tt).toArray(), ad.hvp(weighted(oracle), x, tt).toArray());
        }),
      { numRuns: 300, seed: 20261207 },
    );
  });

  it('exported to ONNX, the derivatives keep the strong zeros (ONNX Runtime gives the library\'s values)', async () => {
    const cases: Array<[number[], number[]]> = [[[2, NaN, 3], [1, 0, 0]], [[2, Infinity, 0], [1, 0, 0]], [[0, Infinity, 3], [0, 1, 0]]];
    for (const [xs, g] of cases) {
      const pull = (x: ad.Tensor, ct: ad.Tensor) => ad.vjp((v: ad.Tensor) => ad.cumprod(v, 0), x)[1](ct)[0];
      const push = (x: ad.Tensor, t: ad.Tensor) => ad.jvp((v: ad.Tensor) => ad.cumprod(v, 0), [x], [t])[1];
      for (const fn of [pull, push]) {
        const args = [ad.tensor(xs), ad.tensor(g)];
        const [got] = await run(await session(ad.onnx.exportModel(fn, args)), args);
        same(Array.from(got!.data), Array.from(fn(args[0]!, args[1]!).toFloat64Array()));
      }
    }
  });
});
