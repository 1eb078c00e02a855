/**
 * @file customVjp in JAX's form, customVjp(f, { fwd, bwd }): fwd's residuals reach bwd, f alone runs
 * where nothing is differentiated, and every mode and order agrees with the closed form and with the
 * { args, out } form of the same rule.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(b)));

/** JAX's documentation example: f(x, y) = sin(x)·y, residuals (cos x, sin x, y); with counters. */
function sinTimes() {
  const runs = { f: 0, fwd: 0, bwd: 0 };
  const f = ad.customVjp(
    (x: Tensor, y: Tensor) => {
      runs.f++;
      return ad.mul(ad.sin(x), y);
    },
    {
      fwd: (x: Tensor, y: Tensor) => {
        runs.fwd++;
        return [ad.mul(ad.sin(x), y), [ad.cos(x), ad.sin(x), y] as const] as const;
      },
      bwd: ([cosX, sinX, y], g) => {
        runs.bwd++;
        return [ad.mul(ad.mul(cosX, g), y), ad.mul(sinX, g)];
      },
    },
  );
  return { f, runs };
}

describe('customVjp(f, { fwd, bwd })', () => {
  it('runs f alone where nothing is differentiated, fwd once and bwd once under grad (the residuals kept)', () => {
    const { f, runs } = sinTimes();
    close(f(ad.tensor(0.7), ad.tensor(1.3)).item(), Math.sin(0.7) * 1.3);
    expect(runs).toEqual({ f: 1, fwd: 0, bwd: 0 });
    const [gx, gy] = ad.grad((a: Tensor, b: Tensor) => f(a, b), [0, 1])(ad.tensor(0.7), ad.tensor(1.3));
    close(gx!.item(), Math.cos(0.7) * 1.3);
    close(gy!.item(), Math.sin(0.7));
    expect(runs).toEqual({ f: 1, fwd: 1, bwd: 1 });
  });

  it('is differentiated to second order through fwd and bwd, agreeing across grad(grad), hessian, hvp and jvp', () => {
    const { f } = sinTimes();
    const y = ad.tensor(1.3);
    for (const x0 of [-1.1, 0.2, 0.7, 2.5]) {
      const x = ad.tensor(x0);
      close(ad.grad(ad.grad((a: Tensor) => f(a, y)))(x).item(), -Math.sin(x0) * 1.3);
      close(ad.hessian((a: Tensor) => f(a, y))(x).item(), -Math.sin(x0) * 1.3);
      close(ad.hvp((a: Tensor) => f(a, y), x, ad.tensor(1)).item(), -Math.sin(x0) * 1.3);
      close(ad.jvp((a: Tensor) => f(a, y), [x], [ad.tensor(1)])[1].item(), Math.cos(x0) * 1.3);
      // the mixed derivative ∂²/∂x∂y = cos x: through the residual y and sin x
      close(ad.grad((b: Tensor) => ad.grad((a: Tensor) => f(a, b))(x))(y).item(), Math.cos(x0));
    }
  });

  it('uses its rule, not f\'s ops: a straight-through estimator and a clipped gradient', () => {
    const roundST = ad.customVjp((x: Tensor) => ad.round(x), { fwd: (x: Tensor) => [ad.round(x), null] as const, bwd: (_r, g) => [g] });
    expect(ad.grad((x: Tensor) => ad.sum(ad.mul(roundST(x), ad.tensor([2, 3]))))(ad.tensor([0.4, 1.6])).toArray()).toEqual([2, 3]);
    const clip = ad.customVjp((x: Tensor) => x, { fwd: (x: Tensor) => [x, null] as const, bwd: (_r, g) => [ad.clip(g, -1, 1)] });
    expect(ad.grad((x: Tensor) => ad.sum(ad.mul(clip(x), 10)))(ad.tensor([1, 2])).toArray()).toEqual([1, 1]);
  });

  it('agrees with the { args, out } form under vmap, jit, jacfwd and jacrev, with pytree and number arguments', () => {
    const residual = ad.customVjp(
      (p: { w: Tensor; b: Tensor }, x: Tensor, k: number) => ad.tanh(ad.add(ad.mul(p.w, x), ad.mul(p.b, k))),
      {
        fwd: (p: { w: Tensor; b: Tensor }, x: Tensor, k: Tensor) => { // a number argument arrives as a 0-d tensor
          const out = ad.tanh(ad.add(ad.mul(p.w, x), ad.mul(p.b, k)));
          return [out, { d: ad.sub(1, ad.square(out)), p, x, k }] as const;
        },
        bwd: ({ d, p, x, k }, g) => {
          const gd = ad.mul(g, d);
          return [{ w: ad.sum(ad.mul(gd, x)), b: ad.sum(ad.mul(gd, k)) }, ad.mul(gd, p.w), null];
        },
      },
    );
    const plain = ad.customVjp(
      (p: { w: Tensor; b: Tensor }, x: Tensor, k: number) => ad.tanh(ad.add(ad.mul(p.w, x), ad.mul(p.b, k))),
      (g, { args: [p, x, k], out }) => {
        const gd = ad.mul(g, ad.sub(1, ad.square(out)));
        return [{ w: ad.sum(ad.mul(gd, x)), b: ad.sum(ad.mul(gd, k)) }, ad.mul(gd, p.w), null];
      },
    );
    const p = { w: ad.tensor(0.8), b: ad.tensor(-0.3) };
    const xs = ad.tensor([0.5, -1.2, 2]);
    const loss = (fn: typeof plain) => (q: { w: Tensor; b: Tensor }, x: Tensor) => ad.sum(ad.square(fn(q, x, 2)));
    const leaves = ad.tree.leaves as (t: unknown) => unknown[];
    const values = (t: unknown) => leaves(t).map((l) => (l as Tensor).toArray());
    expect(values(ad.grad(loss(residual), [0, 1])(p, xs))).toEqual(values(ad.grad(loss(plain), [0, 1])(p, xs)));
    expect(values(ad.jit(ad.grad(loss(residual)))(p, xs))).toEqual(values(ad.grad(loss(plain))(p, xs)));
    const perExample = (fn: typeof plain) => ad.vmap(ad.grad((q: { w: Tensor; b: Tensor }, x: Tensor) => ad.square(fn(q, x, 2))), [null, 0]);
    expect(values(perExample(residual)(p, xs))).toEqual(values(perExample(plain)(p, xs)));
    const hx = (fn: typeof plain) => ad.hessian((x: Tensor) => loss(fn)(p, x))(xs);
    (hx(residual).toArray() as number[][]).flat().forEach((v, i) => close(v, (hx(plain).toArray() as number[][]).flat()[i]!));
    const jf = ad.jacfwd((x: Tensor) => residual(p, x, 2))(xs).toArray() as number[][];
    const jr = ad.jacrev((x: Tensor) => residual(p, x, 2))(xs).toArray() as number[][];
    jf.flat().forEach((v, i) => close(v, jr.flat()[i]!));
  });

  it('keeps each call\'s residuals apart (two calls before one backward pass)', () => {
    const { f, runs } = sinTimes();
    const loss = (a: Tensor) => ad.add(f(a, ad.tensor(2)), f(ad.mul(a, 3), ad.tensor(5)));
    close(ad.grad(loss)(ad.tensor(0.4)).item(), 2 * Math.cos(0.4) + 15 * Math.cos(1.2));
    expect(runs.fwd).toBe(2);
  });

  it('names the fix for malformed rules', () => {
    const id = (x: Tensor) => x;
    // @ts-expect-error bwd is missing
    expect(() => ad.customVjp(id, { fwd: (x: Tensor) => [x, null] as const })).toThrow(/customVjp\(id\): the JAX form takes \{ fwd, bwd \}/);
    // @ts-expect-error fwd must return [out, residuals]
    const bad = ad.customVjp(id, { fwd: (x: Tensor) => x, bwd: (_r: unknown, g: Tensor) => [g] });
    expect(bad(ad.tensor(1)).item()).toBe(1); // f alone, not differentiated
    expect(() => ad.grad((x: Tensor) => bad(x))(ad.tensor(1))).toThrow(/fwd must return \[out, residuals\]/);
    expect(() => (ad.customVjp as (...a: unknown[]) => unknown)(id, { fwd: (x: Tensor) => [x, null], bwd: () => [] }, {}, 3)).toThrow(/customVjp/);
  });
});
