/**
 * @file The scalar tape (src/core/scalarTape.ts) against the general tape. 0-d ops go on the
 * scalar tape; the same ops on shape [1] take the general path (tape nodes, Float64Array kernels,
 * VJP rules in ops). Both must give bit-identical values and gradients, at first and second order,
 * and values must cross between the two tapes in both directions.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { SCALAR_OPS } from '../src/core/scalarOps.js';
import { primitiveRegistry } from '../src/core/primitive.js';
import { divStrong as divStrongInternal } from '../src/ops/binary.js';
import { internal } from './support/internalTensor.js';

const divStrong = (x: Tensor, y: Tensor): Tensor => divStrongInternal(internal(x), internal(y)) as unknown as Tensor;

type Unary = (x: Tensor) => Tensor;
type Binary = (a: Tensor, b: Tensor) => Tensor;
const api = ad as unknown as Record<string, Unary & Binary>;

const UNARY = ['neg', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'square', 'abs', 'sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'relu', 'reciprocal'];
const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'];
const NO_DERIVATIVE = ['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual', 'sign'];
const SPECIAL = [0, -0, 1, -1, 0.5, -2.5, 3, 1e-300, 1e300, 1e-310, -3e-320, Infinity, -Infinity, NaN];

/** The same number, NaN equal to NaN and +0 distinct from −0 only when both are zeros of a value (not gradients). */
const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b;

/** Runs `f` on 0-d inputs (scalar tape) and on shape-[1] inputs (general path); returns both results. */
function bothPaths(f: (...xs: Tensor[]) => Tensor, xs: number[]): [number, number] {
  const scalar = f(...xs.map((x) => ad.scalar(x)));
  const vector = f(...xs.map((x) => ad.tensor([x])));
  expect(scalar.ndim).toBe(0);
  return [scalar.item(), vector.item()];
}

describe('scalar tape: every op agrees with the general path', () => {
  it('the op lists here cover every primitive with a scalar code', () => {
    const codes = [...SCALAR_OPS.keys()].filter((n) => n !== 'mulStrong' && n !== 'divStrong').sort(); // internal: below
    expect(codes).toEqual([...UNARY, ...BINARY, ...NO_DERIVATIVE].sort());
    for (const [name, { code }] of SCALAR_OPS) expect(primitiveRegistry.get(name)?.scalarCode).toBe(code);
  });

  it.each(UNARY)('%s: value, gradient and second derivative, bit for bit, at special points', (name) => {
    const op = api[name]!;
    const g1 = ad.grad((x: Tensor) => ad.sum(op(x)));
    const g2 = ad.grad((x: Tensor) => ad.sum(g1(x)));
    for (const x of SPECIAL) {
      for (const f of [op, g1, g2] as Unary[]) {
        const [s, v] = bothPaths(f, [x]);
        if (!same(s, v)) throw new Error(`${name} at ${x}: scalar tape ${s}, general path ${v}`);
      }
    }
  });

  // divStrong (derivative rules' g/x) is internal: not in the public API, tested beside the public ops.
  it.each([...BINARY, 'divStrong'])('%s: value, both partials and mixed second derivatives, bit for bit', (name) => {
    const op = name === 'divStrong' ? divStrong : api[name]!;
    const points = [0, -0, -1, 0.5, 2, -2.5, 1e-310, -3e-320, Infinity, NaN];
    for (const a of points) {
      for (const b of points) {
        const fs: Array<(x: Tensor, y: Tensor) => Tensor> = [
          op,
          (x, y) => ad.grad((u: Tensor) => ad.sum(op(u, y)))(x),
          (x, y) => ad.grad((u: Tensor) => ad.sum(op(x, u)))(y),
          (x, y) => ad.grad((u: Tensor) => ad.sum(ad.grad((w: Tensor) => ad.sum(op(w, u)))(x)))(y),
          (x, y) => ad.grad((u: Tensor) => ad.sum(ad.grad((w: Tensor) => ad.sum(op(w, y)))(u)))(x),
          (x) => ad.grad((u: Tensor) => ad.sum(op(u, u)))(x), // the same value on both sides
        ];
        fs.forEach((f, i) => {
          const [s, v] = bothPaths(f, [a, b]);
          if (!same(s, v)) throw new Error(`${name}(${a}, ${b}), function ${i}: scalar tape ${s}, general path ${v}`);
        });
      }
    }
  });

  it.each(NO_DERIVATIVE)('%s: values agree and the gradient through it is zero', (name) => {
    const op = api[name]!;
    for (const a of [0, 1, -1, NaN]) {
      for (const b of [0, 1, NaN]) {
        const [s, v] = bothPaths(name === 'sign' ? (x) => op(x) : op, name === 'sign' ? [a] : [a, b]);
        expect(same(s, v)).toBe(true);
      }
    }
    // d/dx [x · c(x)] = c(x): the piecewise-constant factor gets no derivative of its own.
    const factor = (x: Tensor) => (name === 'sign' ? op(x) : op(x, ad.scalar(0)));
    expect(ad.grad((x: Tensor) => ad.mul(x, factor(x)))(ad.scalar(2)).item()).toBe(factor(ad.scalar(2)).item());
  });
});

describe('scalar tape: composition', () => {
  // x_{t+1} = a sin x_t + b x_t (BENCHMARKS.md W6) with its hand-written adjoint as the oracle.
  const recurrence = (a: Tensor, b: Tensor, steps: number) => {
    let x = ad.scalar(0.5);
    for (let t = 0; t < steps; t++) x = ad.add(ad.mul(a, ad.sin(x)), ad.mul(b, x));
    return x;
  };
  const handWritten = (a: number, b: number, steps: number) => {
    const xs = new Float64Array(steps);
    let x = 0.5;
    for (let t = 0; t < steps; t++) { xs[t] = x; x = a * Math.sin(x) + b * x; }
    let gx = 1, ga = 0, gb = 0;
    for (let t = steps - 1; t >= 0; t--) {
      ga += gx * Math.sin(xs[t]!);
      gb += gx * xs[t]!;
      gx *= a * Math.cos(xs[t]!) + b;
    }
    return { x, ga, gb };
  };

  it('a long scalar loop: value and gradient equal the hand-written adjoint', () => {
    const [v, [ga, gb]] = ad.valueAndGrad(recurrence, [0, 1])(ad.scalar(2), ad.scalar(0.1), 5000);
    const h = handWritten(2, 0.1, 5000);
    expect(v.item()).toBe(h.x);
    expect(ga.item()).toBeCloseTo(h.ga, 10);
    expect(gb.item()).toBeCloseTo(h.gb, 10);
  });

  it('values cross both ways: vector → 0-d (import) → scalar ops → vector (bridge)', () => {
    const f = (v: Tensor) => {
      let s = ad.sum(v); // a general node read by scalar ops
      for (let i = 0; i < 5; i++) s = ad.add(ad.mul(s, ad.tanh(s)), 0.1);
      return ad.sum(ad.mul(v, s)); // a scalar-tape value read by a general op
    };
    const x = ad.tensor([0.3, -0.2, 0.4]);
    const g = ad.grad(f)(x);
    const check = ad.checkGrad(f, [x], { order: 2 });
    expect(check.checks.filter((c) => !c.ok)).toEqual([]);
    // The same program with the scalar wrapped in shape [1] runs on the general tape only.
    const general = ad.grad((v: Tensor) => {
      let s = ad.reshape(ad.sum(v), [1]);
      for (let i = 0; i < 5; i++) s = ad.add(ad.mul(s, ad.tanh(s)), 0.1);
      return ad.sum(ad.mul(v, s));
    })(x);
    expect(g.toArray()).toEqual(general.toArray());
  });

  it('grad of grad with the inner function closing over the outer input', () => {
    // ∂/∂λ of ∂/∂w [½ λ w²] at w0 is w0; the inner product mixes two levels of 0-d boxes.
    const w0 = 0.7;
    const inner = (lam: Tensor) => ad.grad((w: Tensor) => ad.mul(ad.mul(0.5, lam), ad.square(w)))(ad.scalar(w0));
    expect(ad.grad(inner)(ad.scalar(1.5)).item()).toBe(w0);
    expect(ad.grad((l: Tensor) => ad.mul(inner(l), l))(ad.scalar(1.5)).item()).toBeCloseTo(2 * 1.5 * w0, 14);
  });

  it('forward over reverse, reverse over forward and jacobians of scalar code', () => {
    const f = (x: Tensor) => ad.mul(ad.sin(x), ad.exp(ad.mul(0.3, x)));
    const d2 = (x: number) => {
      const e = Math.exp(0.3 * x);
      return e * (-Math.sin(x) + 0.6 * Math.cos(x) + 0.09 * Math.sin(x));
    };
    expect(ad.hvp(f, ad.scalar(0.8), ad.scalar(1)).item()).toBeCloseTo(d2(0.8), 13);
    const jvpOfGrad = ad.jvp((x: Tensor) => ad.grad(f)(x), [ad.scalar(0.8)], [ad.scalar(1)])[1];
    expect(jvpOfGrad.item()).toBeCloseTo(d2(0.8), 13);
    const gradOfJvp = ad.grad((x: Tensor) => ad.jvp(f, [x], [ad.scalar(1)])[1])(ad.scalar(0.8));
    expect(gradOfJvp.item()).toBeCloseTo(d2(0.8), 13);
  });

  it('a vjp pullback can be called twice, and with a traced cotangent', () => {
    const [y, pullback] = ad.vjp((a: Tensor, b: Tensor) => recurrence(a, b, 50), ad.scalar(2), ad.scalar(0.1));
    const h = handWritten(2, 0.1, 50);
    expect(y.item()).toBe(h.x);
    for (let k = 0; k < 2; k++) {
      const [ga, gb] = pullback(ad.scalar(3)) as Tensor[];
      expect(ga!.item()).toBeCloseTo(3 * h.ga, 11);
      expect(gb!.item()).toBeCloseTo(3 * h.gb, 11);
    }
    // The backward pass is linear in the cotangent: d(pullback(c)[0])/dc = ∂y/∂a.
    const dGaDc = ad.grad((c: Tensor) => (pullback(ad.mul(c, 1)) as Tensor[])[0]!)(ad.scalar(3));
    expect(dGaDc.item()).toBeCloseTo(h.ga, 11);
  });

  it('checkpointed regions and scans of scalar steps', () => {
    const step = (x: Tensor, a: Tensor) => ad.add(ad.mul(a, ad.sin(x)), ad.mul(0.1, x));
    const viaScan = (a: Tensor) => ad.scan((x: Tensor) => step(x, a), ad.scalar(0.5), { length: 40, checkpoints: 3 });
    const plain = (a: Tensor) => {
      let x = ad.scalar(0.5);
      for (let t = 0; t < 40; t++) x = step(x, a);
      return x;
    };
    const out = viaScan(ad.scalar(2)) as unknown;
    const carry = Array.isArray(out) ? (out[0] as Tensor) : (out as Tensor);
    expect(carry.item()).toBe(plain(ad.scalar(2)).item());
    const gScan = ad.grad((a: Tensor) => {
      const r = viaScan(a) as unknown;
      return Array.isArray(r) ? (r[0] as Tensor) : (r as Tensor);
    })(ad.scalar(2));
    expect(gScan.item()).toBeCloseTo(ad.grad(plain)(ad.scalar(2)).item(), 12);
    const gCk = ad.grad((a: Tensor) => ad.checkpoint((b: Tensor) => plain(b))(a))(ad.scalar(2));
    expect(gCk.item()).toBe(ad.grad(plain)(ad.scalar(2)).item());
  });

  it('anomaly mode takes the general path and still names the op', () => {
    expect(() => ad.detectAnomalies(() => ad.grad((x: Tensor) => ad.log(ad.sub(x, x)))(ad.scalar(1)))).toThrow(/log/);
  });
});

describe('scalar tape: memory and profile', () => {
  it('residual memory counts entries (17 bytes each, in steps of 32), and grad releases it', () => {
    const f = (a: Tensor) => {
      let x = ad.scalar(0.5);
      for (let t = 0; t < 10_000; t++) x = ad.mul(a, ad.sin(x));
      // The first sin is untraced, so its value is a constant: 20,001 entries with a's import.
      return x;
    };
    ad.resetPeakMemory();
    const before = ad.memoryStats().residualBytes;
    ad.grad(f)(ad.scalar(1.1));
    const { residualBytes, peakResidualBytes } = ad.memoryStats();
    expect(residualBytes).toBe(before);
    expect(peakResidualBytes - before).toBe(Math.ceil(20_001 / 32) * 32 * 17);
  });

  it('profile mode counts scalar-tape ops per kind and the backward walk as one row', () => {
    const p = ad.profile(() => ad.grad((a: Tensor) => ad.mul(a, ad.sin(ad.mul(a, a))))(ad.scalar(0.3))).profile;
    expect(p.forward.find((r) => r.op === 'mul')?.calls).toBe(2);
    expect(p.forward.find((r) => r.op === 'sin')?.calls).toBe(1);
    expect(p.backward.find((r) => r.op === 'scalar tape')?.calls).toBe(4); // 3 ops and the import of a
    expect(p.tapeNodes).toBe(3);
  });
});
