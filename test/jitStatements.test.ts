/**
 * @file jit's statement-level preaccumulation (src/jit/statements.ts): a recorded backward pass
 * pushes a statement root's adjoint to each leaf in one product. Contributions that reach an entry
 * from outside its statement — a tensor op reading a 0-d value, a value read on both sides of a
 * tensor op — must all arrive; gradients agree with eager `grad` to rounding and with closed forms.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

function expectClose(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(expected)));
}

/** jit(grad(f)) on its recording and two replays, against grad(f) and the closed form `df`. */
function check(f: (w: Tensor) => Tensor, df: (w: number) => number): void {
  const g = ad.grad(f), jg = ad.jit(g);
  for (const w of [0.3, -1.1, 2.4]) {
    const got = (jg(ad.scalar(w)) as Tensor).item();
    expectClose(got, (g(ad.scalar(w)) as Tensor).item(), `w = ${w}, against grad`);
    expectClose(got, df(w), `w = ${w}, against the closed form`);
  }
  expect(jg.cacheInfo()[0]!.replays).toBe(2);
}

describe('jit preaccumulates statements of 0-d ops', () => {
  it('a value read once by a 0-d op and once by a tensor op (a bridge) keeps both contributions', () => {
    // f = 3y + 5(cos y + w), y = 2 sin w: y's one 0-d reader would make it interior, but stack reads it too.
    const f = (w: Tensor) => {
      const y = ad.mul(ad.sin(w), 2);
      const z = ad.add(ad.cos(y), w);
      return ad.sum(ad.mul(ad.stack([y, z]), ad.tensor([3, 5])));
    };
    check(f, (w) => 6 * Math.cos(w) + 5 * (1 - Math.sin(2 * Math.sin(w)) * 2 * Math.cos(w)));
  });

  it('a value read once in its segment and once after a tensor op (another segment)', () => {
    // y = sin w; v = Σ w·𝟙₃ (a tensor op, not reading y: the scalar tape splits there); f = exp(y·v) + y·w.
    const f = (w: Tensor) => {
      const y = ad.sin(w);
      const u = ad.mul(y, w); // y's reader in its own segment
      const v = ad.sum(ad.mul(ad.ones([3]), w));
      return ad.add(ad.exp(ad.mul(y, v)), u); // y read again after the split
    };
    // f = exp(3w sin w) + w sin w
    check(f, (w) => Math.exp(3 * w * Math.sin(w)) * 3 * (Math.sin(w) + w * Math.cos(w)) + Math.sin(w) + w * Math.cos(w));
  });

  it('nested statements, differences, quotients and a leaf reached by several paths', () => {
    // f = (w·sin w − w/(1 + w²)) · w + exp(−w): a statement per line of ops, w a leaf by four paths.
    const f = (w: Tensor) => {
      const p = ad.sub(ad.mul(w, ad.sin(w)), ad.div(w, ad.add(1, ad.square(w))));
      return ad.add(ad.mul(p, w), ad.exp(ad.neg(w)));
    };
    const df = (w: number) => {
      const q = 1 + w * w;
      const p = w * Math.sin(w) - w / q;
      const dp = Math.sin(w) + w * Math.cos(w) - (q - 2 * w * w) / (q * q);
      return dp * w + p - Math.exp(-w);
    };
    check(f, df);
  });

  it('a statement with a quotient is left to the rules one op at a time: eager bits, no 1/b overflow', () => {
    // x/y + x·y at a subnormal y, cotangent 1e-10: preaccumulated, the partial 1/y would be +∞ where
    // eager's 1e-10/y is 1e300 (found by a differential run).
    const f = (x: Tensor, y: Tensor) => ad.add(ad.div(x, y), ad.mul(x, y));
    const pulled = (x: Tensor, y: Tensor) => ad.vjp(f, x, y)[1](ad.scalar(1e-10));
    const [gx, gy] = ad.jit(pulled)(ad.scalar(1e-10), ad.scalar(1e-310)) as Tensor[];
    const [ex, ey] = pulled(ad.scalar(1e-10), ad.scalar(1e-310)) as Tensor[];
    expect(gx!.item()).toBe(ex!.item());
    expect(gy!.item()).toBe(ey!.item());
    expect(Number.isFinite(gx!.item())).toBe(true);
  });

  it('W6 records fewer backward ops a step than one rule per op', () => {
    const recurrence = (a: Tensor, b: Tensor) => {
      let x = ad.scalar(0.5);
      for (let t = 0; t < 200; t++) x = ad.add(ad.mul(a, ad.sin(x)), ad.mul(b, x));
      return x;
    };
    const jvg = ad.jit(ad.valueAndGrad(recurrence, [0, 1]));
    jvg(ad.scalar(2), ad.scalar(0.1));
    // Forward 4 ops a step, cos x 1; backward 7 (a·cos x, + b, three products with G, two sums), not 8.
    expect(jvg.cacheInfo()[0]!.scalarOps).toBeLessThanOrEqual(12 * 200 + 20);
  });
});
