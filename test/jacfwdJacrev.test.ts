/** @file jacfwd and jacrev (JAX's explicit-mode Jacobians): each against the other, against jacobian and against centered differences, over pytrees, with aux, and where only one mode has a rule. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

/** Centered differences of f (one tensor in, one out) as [...out, ...in]. */
function numericJacobian(f: (x: ad.Tensor) => ad.Tensor, x: number[]): number[][] {
  const h = 1e-6;
  const cols = x.map((_, j) => {
    const up = x.slice(), down = x.slice();
    up[j]! += h;
    down[j]! -= h;
    const a = f(ad.tensor(up)).toArray() as number[], b = f(ad.tensor(down)).toArray() as number[];
    return a.map((v, i) => (v - b[i]!) / (2 * h));
  });
  return cols[0]!.map((_, i) => cols.map((c) => c[i]!));
}

const close = (got: unknown, want: number[][], tol: number) =>
  (got as number[][]).forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - want[i]![j]!)).toBeLessThanOrEqual(tol)));

describe('jacfwd and jacrev', () => {
  // Tall (2 → 5) and wide (5 → 2) maps, so that each mode is the one jacobian would not pick somewhere.
  const tall = (x: ad.Tensor) => ad.concat([ad.sin(x), ad.mul(x, ad.sum(x)), ad.expandDims(ad.prod(x), 0)], 0);
  const wide = (x: ad.Tensor) => ad.stack([ad.sum(ad.tanh(x)), ad.logsumexp(ad.mul(x, x))]);
  const cases: Array<[string, (x: ad.Tensor) => ad.Tensor, number[]]> = [['tall', tall, [0.3, -1.2]], ['wide', wide, [0.3, -1.2, 0.5, 2, -0.1]]];

  it.each(cases)('%s: both modes agree with each other, with jacobian and with centered differences', (_, f, x) => {
    const fwd = ad.jacfwd(f)(ad.tensor(x)).toArray(), rev = ad.jacrev(f)(ad.tensor(x)).toArray();
    close(fwd, rev as number[][], 1e-15);
    close(ad.jacobian(f)(ad.tensor(x)).toArray(), fwd as number[][], 1e-15);
    close(fwd, numericJacobian(f, x), 1e-8);
  });

  it('jacfwd(jacrev(f)) is the Hessian (JAX\'s recipe), and the other nestings agree', () => {
    const f = (x: ad.Tensor) => ad.sum(ad.mul(ad.sin(x), ad.cumsum(x, 0)));
    const x = ad.tensor([0.2, -0.7, 1.1]);
    const h = ad.hessian(f)(x).toArray() as number[][];
    close(ad.jacfwd(ad.jacrev(f))(x).toArray(), h, 1e-14);
    close(ad.jacrev(ad.jacfwd(f))(x).toArray(), h, 1e-14);
    close(ad.jacrev(ad.jacrev(f))(x).toArray(), h, 1e-14);
  });

  it('pytrees, several argnums and hasAux, nested as jacobian nests them', () => {
    const f = (p: { a: ad.Tensor; b: ad.Tensor }) => ({ y: ad.mul(p.a, p.b) });
    const p = { a: ad.tensor([1, 2]), b: ad.scalar(3) };
    for (const jac of [ad.jacfwd, ad.jacrev]) {
      const J = jac(f)(p);
      expect(J.y.a.toArray()).toEqual([[3, 0], [0, 3]]);
      expect(J.y.b.toArray()).toEqual([1, 2]);
      const [ja, jb] = jac((a: ad.Tensor, b: ad.Tensor) => ad.mul(a, b), [0, 1])(ad.tensor([1, 2]), ad.scalar(3));
      expect([ja.toArray(), jb.toArray()]).toEqual([[[3, 0], [0, 3]], [1, 2]]);
      const [g, aux] = jac((x: ad.Tensor) => [ad.sum(ad.square(x)), { m: 2 }] as const, { hasAux: true })(ad.tensor([1, 2]));
      expect(g.toArray()).toEqual([2, 4]);
      expect(aux).toEqual({ m: 2 });
    }
  });

  it('each mode uses the rule it has: a non-linear customVjp rule has no forward derivative, a customJvp works in both', () => {
    const clipGrad = ad.customVjp((x: ad.Tensor) => x, (g: ad.Tensor) => [ad.clip(g, -1, 1)]);
    const f = (x: ad.Tensor) => ad.mul(clipGrad(x), 10);
    expect(ad.jacrev(f)(ad.tensor([1, 2])).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(() => ad.jacfwd(f)(ad.tensor([1, 2]))).toThrow(/forward mode/);
    const softAbs = ad.customJvp((x: ad.Tensor) => ad.sqrt(ad.add(ad.square(x), 1)), ([x]: [ad.Tensor], [t]: [ad.Tensor]) =>
      [ad.sqrt(ad.add(ad.square(x), 1)), ad.mul(t, ad.div(x, ad.sqrt(ad.add(ad.square(x), 1))))]);
    const x = ad.tensor([0.5, -2]);
    close(ad.jacfwd(softAbs)(x).toArray(), ad.jacrev(softAbs)(x).toArray() as number[][], 1e-15);
  });

  it('errors name jacfwd or jacrev', () => {
    expect(() => ad.jacfwd(3 as never)).toThrow(/^jacfwd:/);
    expect(() => (ad.jacrev as (...a: unknown[]) => unknown)((x: ad.Tensor) => x, 0, true)).toThrow(/^jacrev: takes/);
    expect(() => ad.jacrev((x: ad.Tensor) => x, 2)(ad.tensor([1]))).toThrow(/jacrev/);
  });
});
