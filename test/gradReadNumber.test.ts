/**
 * @file grad of a function that returns a number read out of a traced tensor (`loss.item()`), or
 * computes its result with JavaScript arithmetic on traced tensors (`x * 2`, `Math.sin(x)`): an error
 * naming the fix, where it was a zero derivative in silence; numbers the function did not read stay constants.
 */
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

  describe('JavaScript arithmetic on a traced tensor (a numeric context), with a result that no longer depends on the inputs', () => {
    const lost = /the function used a traced tensor as a JavaScript number .*toArray\(\), data.* does not depend on its inputs through the trace, yet changes with them .*ad\.mul\(x, 2\).*x\.item\(\)/;
    // Written as a JavaScript user would: the tensor in Math.sin or x * 2 gives its value, a constant to every transformation.
    const num = (t: ad.Tensor) => t as unknown as number;

    it('is an error in grad, valueAndGrad, vjp, jvp, hvp, jacobian, hessian and argmin, not a zero derivative', () => {
      expect(() => ad.grad((t: ad.Tensor) => Math.sin(num(t)))(1)).toThrow(ad.InvalidArgumentError);
      for (const [name, run] of [
        ['grad', () => ad.grad((t: ad.Tensor) => Math.sin(num(t)))(1)],
        ['grad', () => ad.grad((t: ad.Tensor) => num(t) * 2)(3)],
        ['grad', () => ad.grad((t: ad.Tensor) => ad.sin(num(t) * 2))(3)], // a tensor made from the number
        ['grad', () => ad.grad((t: ad.Tensor) => ({ y: [num(t) ** 2] }).y[0]!)(3)],
        ['valueAndGrad', () => ad.valueAndGrad((t: ad.Tensor) => ad.exp(+num(t)))(1)],
        ['vjp', () => ad.vjp((t: ad.Tensor) => ({ a: ad.exp(+num(t)), b: 2 * num(t) }), 1)],
        ['jvp', () => ad.jvp((t: ad.Tensor) => Math.sin(num(t)), [1], [1])],
        ['hvp', () => ad.hvp((t: ad.Tensor) => num(t) * num(t), 1, 1)],
        ['jacobian', () => ad.jacobian((t: ad.Tensor) => ad.tensor([+num(t), 2 * num(t)]))(1)],
        ['hessian', () => ad.hessian((t: ad.Tensor) => num(t) ** 3)(2)],
        ['argmin', () => ad.argmin((w: ad.Tensor) => (num(w) - 1) ** 2, 0)],
        // Values taken out in bulk, computed with, and put back into a tensor.
        ['grad', () => ad.grad((t: ad.Tensor) => ad.sum(ad.tensor((t.toArray() as number[]).map((v) => v * v))))(ad.tensor([1, 2]))],
        ['grad', () => ad.grad((t: ad.Tensor) => ad.sum(ad.tensor(Array.from(t.data, Math.sin))))(ad.tensor([1, 2]))],
        ['grad', () => ad.grad((t: ad.Tensor) => ad.sum(ad.tensor(t.toFloat64Array().map(Math.exp))))(ad.tensor([1, 2]))],
      ] as const) {
        expect(run, name).toThrow(new RegExp(`^${name}: ${lost.source}`));
      }
    });

    it('names linearize, root and checkpoint (whose recomputed body is checked as grad checks its function)', () => {
      expect(() => ad.linearize((t: ad.Tensor) => ad.scalar(Math.sin(num(t))), 1)).toThrow(new RegExp(`^linearize: ${lost.source}`));
      expect(() => ad.root((t: ad.Tensor) => ad.scalar(num(t) * num(t) - 2), 1)).toThrow(new RegExp(`^root: ${lost.source}`));
      expect(() => ad.grad(ad.checkpoint((t: ad.Tensor) => num(t) * 2))(1)).toThrow(new RegExp(`^checkpoint: ${lost.source}`));
      expect(() => ad.grad((t: ad.Tensor) => ad.checkpoint((u: ad.Tensor) => ad.exp(Math.sin(num(u))))(t))(1)).toThrow(new RegExp(`^checkpoint: ${lost.source}`));
      expect(ad.grad(ad.checkpoint((t: ad.Tensor) => (num(t) > 0 ? t : ad.neg(t))))(-1).item()).toBe(-1);
    });

    it('second derivatives of branches: the read belongs to the innermost function whose inputs it depends on', () => {
      // grad(abs) is ±1, constant by nature: the outer grad must not take it for a lost derivative.
      const abs = (t: ad.Tensor) => (num(t) > 0 ? t : ad.neg(t));
      expect(ad.grad(ad.grad(abs))(2).item()).toBe(0);
      expect(ad.hessian(abs)(ad.scalar(2)).item()).toBe(0);
      expect(ad.hvp(abs, 2, 1).item()).toBe(0);
      expect(ad.jacfwd(ad.grad(abs))(ad.scalar(-2)).item()).toBe(0);
      const huber = (t: ad.Tensor) => (Math.abs(num(t)) <= 1 ? ad.mul(0.5, ad.square(t)) : ad.sub(abs(t), 0.5));
      expect(ad.grad(ad.grad(huber))(3).item()).toBe(0);
      expect(ad.grad(ad.grad(huber))(0.5).item()).toBe(1);
      const logged: unknown[] = [];
      const linear = (t: ad.Tensor) => { logged.push(t.toArray()); return ad.sum(ad.mul(t, ad.tensor([1, 2]))); };
      expect(ad.hessian(linear)(ad.tensor([1, 1])).toArray()).toEqual([[0, 0], [0, 0]]);
      // A value traced only by an outer jit, or by an outer grad whose result depends on it, is not this grad's input.
      const inner = (n: ad.Tensor) => ad.grad((u: ad.Tensor) => (num(n) > 2 ? ad.scalar(1) : ad.square(u)))(ad.scalar(2));
      expect(ad.jit(inner)(ad.scalar(3)).item()).toBe(0);
      expect(ad.grad((n: ad.Tensor) => ad.mul(n, inner(n)))(ad.scalar(3)).item()).toBe(0);
      // A rule that computes its derivative from numbers has no second derivative: caught one level up.
      const sine = ad.customVjp((t: ad.Tensor) => ad.sin(t), (g, { args: [t] }) => [ad.mul(g, Math.cos(num(t)))]);
      expect(ad.grad(sine)(1).item()).toBeCloseTo(Math.cos(1), 15);
      expect(() => ad.grad(ad.grad(sine))(1)).toThrow(new RegExp(`^grad: ${lost.source}`));
    });

    it('library code reading values (a sampler\'s rate) does not count as the user\'s numbers', () => {
      const key = ad.random.key(0);
      expect(ad.grad((r: ad.Tensor) => ad.mean(ad.random.poisson(key, r, [50])))(3).item()).toBe(0);
    });

    it('catches a number among traced leaves ([x, x * 2]) and lets a constant number beside them through', () => {
      expect(() => ad.jacobian((t: ad.Tensor) => [t, num(t) * 2])(1)).toThrow(new RegExp(`^jacobian: ${lost.source}`));
      expect(() => ad.vjp((t: ad.Tensor) => ({ a: ad.sin(t), b: Math.cos(num(t)) }), 1)).toThrow(new RegExp(`^vjp: ${lost.source}`));
      expect(() => ad.jvp((t: ad.Tensor) => [ad.exp(t), num(t) ** 2], [2], [1])).toThrow(new RegExp(`^jvp: ${lost.source}`));
      // A constant beside the traced output (a flag from a branch) is a constant: no error.
      const [out] = ad.vjp((t: ad.Tensor) => ({ y: ad.square(t), positive: num(t) > 0 ? 1 : 0 }), 3);
      expect([out.y.item(), out.positive.item()]).toEqual([9, 1]);
      expect((ad.jacobian((t: ad.Tensor) => [ad.square(t), num(t) > 0 ? 1 : 0])(ad.scalar(3)) as ad.Tensor[]).map((j) => j.item())).toEqual([6, 0]);
    });

    it('under nested grads, the outer one sees an inner function that used its tensor as a number', () => {
      // d/dy of (d/dx x·(2y)) = 2; the inner gradient 2y is computed from the number y * 2, a constant to the outer grad.
      expect(() => ad.grad((y: ad.Tensor) => ad.grad((x: ad.Tensor) => ad.mul(x, num(y) * 2))(1))(3)).toThrow(/^grad: the function used a traced tensor/);
      expect(ad.grad((y: ad.Tensor) => ad.grad((x: ad.Tensor) => ad.mul(x, ad.mul(y, 2)))(1))(3).item()).toBe(2);
    });

    it('leaves programs alone whose result still depends on the inputs, or is zero, or whose branch was read explicitly', () => {
      const abs = (t: ad.Tensor) => (num(t) > 0 ? t : ad.neg(t));
      expect(ad.grad(abs)(-2).item()).toBe(-1);
      // A value read in a numeric context is a constant (as stopGradient), the rest still differentiated.
      expect(ad.grad((t: ad.Tensor) => ad.mul(t, Math.exp(num(t))))(0).item()).toBe(1);
      // The flat branch of a ReLU: a constant (the same when x moves), let through.
      expect(ad.grad((t: ad.Tensor) => (num(t) > 0 ? t : 0))(-1).item()).toBe(0);
      expect(ad.grad((t: ad.Tensor) => (num(t) > 0 ? t : ad.zeros([])))(-1).item()).toBe(0);
      // Constant branches, told from arithmetic by running f again at inputs moved a little either way.
      expect(ad.grad((t: ad.Tensor) => (t.item() > 1 ? 1 : t))(2).item()).toBe(0);
      expect(ad.grad((t: ad.Tensor) => (num(t) > 1 ? 1 : t))(2).item()).toBe(0);
      expect(ad.grad((t: ad.Tensor) => (num(t) > 0 ? 1 : -1))(2).item()).toBe(0);
      expect(ad.grad((t: ad.Tensor) => (num(t) >= 0 ? 1 : -1))(0).item()).toBe(0); // on the boundary: constant one way
      expect(ad.grad((t: ad.Tensor) => Math.round(num(t)))(2.3).item()).toBe(0);
      expect(ad.jvp((t: ad.Tensor) => (num(t) > 0 ? ad.scalar(1) : ad.scalar(0)), [2], [1])[1].item()).toBe(0);
      expect(ad.grad((t: ad.Tensor) => [num(t) > 0 ? 1 : -1, +num(t)], { hasAux: true })(3)[0].item()).toBe(0); // the aux may move
      expect(ad.grad(ad.checkpoint((t: ad.Tensor) => (num(t) > 0 ? ad.scalar(1) : t)))(2).item()).toBe(0);
      // Arithmetic moves either way, even where it is flat to the bit on one side (exp at 0 moves both ways).
      expect(() => ad.grad((t: ad.Tensor) => Math.exp(num(t)))(0)).toThrow(lost);
      // A zero result is judged as well: Math.sin at 0 moves, a ReLU's flat branch does not.
      expect(() => ad.grad((t: ad.Tensor) => Math.sin(num(t)))(0)).toThrow(lost);
      expect(() => ad.grad((t: ad.Tensor) => num(t) * 2)(0)).toThrow(lost);
      expect(ad.grad((t: ad.Tensor) => (num(t) > 0 ? t : 0))(0).item()).toBe(0);
      // A loop condition on the carry (whileLoop's cond reads it) with a result that depends on x.
      const loop = (t: ad.Tensor) => ad.whileLoop((c: { k: ad.Tensor; v: ad.Tensor }) => num(c.k) < 3, (c) => ({ k: ad.add(c.k, 1), v: ad.mul(c.v, 2) }), { k: ad.scalar(0), v: t }).v;
      expect(ad.grad(loop)(1).item()).toBe(8);
      // Values of constants (untraced tensors) used as numbers are just numbers.
      const c = ad.tensor(3);
      expect(ad.grad((t: ad.Tensor) => ad.mul(t, num(c) * 2))(1).item()).toBe(6);
    });
  });
});
