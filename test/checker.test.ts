/** @file The gradient checker catches wrong rules: at first order, at second order only, and in forward mode only. */
import { describe, expect, it } from 'vitest';
import * as ad from '../src/index.js'; // src's types: the test defines primitives over src's Tensor
import { apply } from '../src/core/trace.js';
import { definePrimitive } from '../src/core/primitive.js';
import { unaryKernel } from '../src/tensor/kernels/unary.js';
import { Tensor } from '../src/tensor/tensor.js';

/** A sine whose rules can be broken one at a time. */
function brokenSine(name: string, vjpFactor: (x: Tensor) => Tensor, jvpFactor: (x: Tensor) => Tensor) {
  const prim = definePrimitive<null>({
    name,
    saves: 'inputs',
    forward: ([x]) => new Tensor(unaryKernel('sin', x!.values), x!.shape),
    vjp: (g, r) => [ad.mul(g, vjpFactor(r.inputs[0]!))],
    jvp: ([t], [x]) => (t ? ad.mul(t, jvpFactor(x!)) : null),
  });
  return (x: Tensor) => apply(prim, [x], null);
}

const x = ad.tensor([0.3, -1.2, 2.0]);

describe('checkGrad', () => {
  it('passes a correct rule', () => {
    const good = brokenSine('sinGood', ad.cos, ad.cos);
    expect(ad.checkGrad(good, [x]).ok).toBe(true);
  });

  it('catches a wrong VJP (reverse vs finite differences and vs forward)', () => {
    const bad = brokenSine('sinBadVjp', (z) => ad.mul(ad.cos(z), 1.01), ad.cos);
    const r = ad.checkGrad(bad, [x], { order: 1 });
    expect(r.ok).toBe(false);
    expect(r.checks.some((c) => c.kind === 'reverse' && !c.ok)).toBe(true);
    expect(r.checks.some((c) => c.kind === 'forward' && !c.ok)).toBe(true);
    expect(r.maxRelativeError).toBeGreaterThan(1e-3);
  });

  it('catches a wrong JVP', () => {
    const bad = brokenSine('sinBadJvp', ad.cos, (z) => ad.sin(z));
    const r = ad.checkGrad(bad, [x], { order: 1 });
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => !c.ok).every((c) => c.kind === 'forward')).toBe(true);
  });

  it('catches a rule that is right at first order but not differentiable itself (second order)', () => {
    // cos(stopGradient(x)) has the right value but a zero derivative: only the order-2 check sees it.
    const bad = brokenSine('sinBadSecond', (z) => ad.cos(ad.stopGradient(z)), (z) => ad.cos(ad.stopGradient(z)));
    expect(ad.checkGrad(bad, [x], { order: 1 }).ok).toBe(true);
    const r = ad.checkGrad(bad, [x], { order: 2 });
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => !c.ok).every((c) => c.order === 2)).toBe(true);
  });

  it('catches a wrong customVjp, and assertGrad throws a readable error', () => {
    const wrong = ad.customVjp((z: Tensor) => ad.exp(z), (g, { out }) => [ad.mul(ad.mul(g, out as Tensor), 2)]);
    expect(ad.checkGrad(wrong, [x]).ok).toBe(false);
    expect(() => ad.assertGrad(wrong, [x])).toThrow(ad.GradientCheckError);
    expect(() => ad.assertGrad(wrong, [x])).toThrow(/reverse mode vs centered differences/);
  });

  it('checks functions of pytrees', () => {
    const f = (p: { w: Tensor; b: Tensor[] }) => ad.sum(ad.tanh(ad.add(ad.matmul(p.w, p.b[0]!), p.b[1]!)));
    const p = { w: ad.random.normal([2, 3], 1), b: [ad.random.normal([3], 2), ad.random.normal([2], 3)] };
    const r = ad.checkGrad(f, [p]);
    expect(r.ok).toBe(true);
    expect(r.maxRelativeError).toBeLessThan(1e-6);
  });
});
