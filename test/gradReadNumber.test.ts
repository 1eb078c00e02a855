/** @file grad of a function that returns a number read out of a traced tensor (`loss.item()`): an error naming the fix, where it was a zero gradient in silence; numbers the function did not read stay constants. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const x = ad.tensor([1, 2, 3]);

describe('grad of a number read from a traced tensor', () => {
  it('is an InvalidArgumentError naming the op and the fix, for item(), toArray() and a numeric context', () => {
    for (const f of [(v: ad.Tensor) => ad.sum(v).item(), (v: ad.Tensor) => ad.sum(v).toArray() as number, (v: ad.Tensor) => +ad.sum(v)]) {
      expect(() => ad.grad(f)(x)).toThrow(ad.InvalidArgumentError);
      expect(() => ad.grad(f)(x)).toThrow(/^grad: the function returned the number 6, read from a tensor that depends on its inputs.*ad\.sum\(x\), not ad\.sum\(x\)\.item\(\)/);
    }
    expect(() => ad.valueAndGrad((v: ad.Tensor) => ad.mean(v).item())(x)).toThrow(/^valueAndGrad: the function returned the number 2/);
    expect(() => ad.grad((v: ad.Tensor) => [ad.sum(v).item(), { n: 1 }] as const, { hasAux: true })(x)).toThrow(/^grad: the function returned the number 6/);
    expect(() => ad.hessian((v: ad.Tensor) => ad.sum(v).item())(x)).toThrow(/^hessian: the function returned the number 6/);
  });

  it('leaves constants alone: a constant branch after reading a value, a literal, and values read and not returned', () => {
    // Piecewise: the value read decides the branch; the constant branch has gradient zero.
    const hinge = (v: ad.Tensor) => (ad.sum(v).item() > 1 ? 0 : ad.sum(v));
    expect(ad.grad(hinge)(x).toArray()).toEqual([0, 0, 0]);
    expect(ad.grad(hinge)(ad.tensor([0.1, 0.2, 0.3])).toArray()).toEqual([1, 1, 1]);
    expect(ad.grad((_v: ad.Tensor) => 3)(x).toArray()).toEqual([0, 0, 0]);
    const logged: number[] = [];
    expect(ad.grad((v: ad.Tensor) => { logged.push(ad.sum(v).item()); return ad.sum(ad.mul(v, v)); })(x).toArray()).toEqual([2, 4, 6]);
    expect(logged).toEqual([6]);
    // A read of an untraced tensor (a constant closed over) returned as is: a constant, no error.
    const c = ad.tensor(5);
    expect(ad.grad((_v: ad.Tensor) => c.item())(x).toArray()).toEqual([0, 0, 0]);
  });

  it('covers vjp, jacrev, jacobian, jvp and jacfwd (named), and lets a read of an argument itself through (a clip at its bound)', () => {
    expect(() => ad.vjp((v: ad.Tensor) => ad.sum(v).item(), x)).toThrow(/^vjp: the function returned the number 6/);
    expect(() => ad.jacrev((v: ad.Tensor) => ad.sum(v).item())(x)).toThrow(/^jacrev: the function returned the number 6/);
    expect(() => ad.jacobian((v: ad.Tensor) => ad.sum(v).item())(x)).toThrow(/^jacobian: the function returned the number 6/);
    // Forward mode too: jvp and jacfwd of a read number gave a zero tangent in silence.
    expect(() => ad.jvp((v: ad.Tensor) => ad.sum(v).item(), [x], [ad.ones([3])])).toThrow(/^jvp: the function returned the number 6/);
    expect(() => ad.jacfwd((v: ad.Tensor) => ad.sum(v).item())(x)).toThrow(/^jacfwd: the function returned the number 6/);
    expect(ad.jvp((v: ad.Tensor) => (v.item() > 0 ? ad.square(v) : 0), [ad.scalar(0)], [ad.scalar(1)])[0].item()).toBe(0); // a 0-d tensor
    // x.item() >= 1 ? 1 : x at x = 1 returns the literal 1, equal to the argument's own value read: a clip, gradient 0 there.
    expect(ad.grad((v: ad.Tensor) => (v.item() >= 1 ? 1 : v))(ad.scalar(1)).item()).toBe(0);
    expect(ad.grad((v: ad.Tensor) => (v.item() >= 1 ? 1 : v))(ad.scalar(0.5)).item()).toBe(1);
    // The same bound on a computed value is refused (a literal cannot be told from the value read).
    expect(() => ad.grad((v: ad.Tensor) => { const y = ad.mul(v, 2); return y.item() >= 2 ? 2 : y; })(ad.scalar(1))).toThrow(/returned the number 2/);
  });

  it('after a loop that reads a value every step (the latest 64 reads are kept), the returned read is still caught', () => {
    const f = (v: ad.Tensor) => {
      let y = ad.sum(v);
      while (y.item() >= 1e-3) y = ad.mul(y, 0.99); // ~870 reads of distinct values
      return ad.sum(ad.mul(v, y)).item();
    };
    expect(() => ad.grad(f)(x)).toThrow(/^grad: the function returned the number/);
    expect(ad.grad((v: ad.Tensor) => { let y = ad.sum(v); while (y.item() >= 1e-3) y = ad.mul(y, 0.99); return y; })(x).toFloat64Array()[0]).toBeGreaterThan(0);
  });

  it('under an outer grad, the inner grad checks its own function only', () => {
    // d/dx of (d/dy y·x at y = x) = d/dx x = 1: the inner function returns a tensor; the outer reads nothing.
    const g = ad.grad((a: ad.Tensor) => ad.grad((y: ad.Tensor) => ad.mul(y, a))(a))(ad.tensor(2));
    expect(g.item()).toBe(1);
  });
});
