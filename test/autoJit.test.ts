/**
 * @file ad.config({ autoJit: true }): gradient functions that notice a long run of 0-d ops take
 * the recorded path (jit) by themselves — from the recording call on the numbers of ad.jit bit for
 * bit, which agree with the eager gradient to rounding (jit preaccumulates statements), the
 * function's JavaScript run only on the eager and the recording call — and stay eager for short
 * runs, tensor programs, functions with aux, and calls under another transformation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

afterEach(() => {
  ad.config({ autoJit: false });
});

/** W6's recurrence, counting how often its JavaScript runs. */
function counted() {
  const calls = { n: 0 };
  const f = (a: Tensor, b: Tensor, steps: number) => {
    calls.n++;
    let x = ad.scalar(0.5);
    for (let t = 0; t < steps; t++) x = ad.add(ad.mul(a, ad.sin(x)), ad.mul(b, x));
    return x;
  };
  return { f, calls };
}

const numbers = ([v, [ga, gb]]: [Tensor, Tensor[]]) => [v.item(), ga!.item(), gb!.item()];

describe('autoJit', () => {
  it('is off by default: every call runs the function', () => {
    const { f, calls } = counted();
    const vg = ad.valueAndGrad(f, [0, 1]);
    for (let i = 0; i < 3; i++) vg(ad.scalar(2), ad.scalar(0.1), 3000);
    expect(calls.n).toBe(3);
  });

  it('records a long 0-d run after its first call and replays it: eager first, then the numbers of ad.jit', () => {
    const { f, calls } = counted();
    const eager = ad.valueAndGrad(f, [0, 1]);
    const jitted = ad.jit(eager);
    const points: Array<[number, number]> = [[2, 0.1], [1.5, -0.3], [2.5, 0.2], [0.7, 0.9]];
    const asEager = points.map(([a, b]) => numbers(eager(ad.scalar(a), ad.scalar(b), 3000) as [Tensor, Tensor[]]));
    const asJit = points.map(([a, b]) => numbers(jitted(ad.scalar(a), ad.scalar(b), 3000) as [Tensor, Tensor[]]));
    ad.config({ autoJit: true });
    calls.n = 0;
    const vg = ad.valueAndGrad(f, [0, 1]);
    const got = points.map(([a, b]) => numbers(vg(ad.scalar(a), ad.scalar(b), 3000) as [Tensor, Tensor[]]));
    got.forEach((g, i) => g.forEach((x, j) => {
      expect(Object.is(x, (i === 0 ? asEager : asJit)[i]![j])).toBe(true); // the first call runs eagerly
      expect(Math.abs(x - asEager[i]![j]!)).toBeLessThanOrEqual(1e-12 * Math.abs(asEager[i]![j]!)); // agree to rounding
    }));
    // The eager call, then the recording call; the other two are replays (the function does not run).
    expect(calls.n).toBe(2);
  });

  it('grad takes the same route', () => {
    const { f, calls } = counted();
    ad.config({ autoJit: true });
    const g = ad.grad(f, [0, 1]);
    const first = (g(ad.scalar(2), ad.scalar(0.1), 3000) as Tensor[]).map((t) => t.item());
    const second = (g(ad.scalar(2), ad.scalar(0.1), 3000) as Tensor[]).map((t) => t.item()); // recorded
    second.forEach((x, i) => expect(x).toBeCloseTo(first[i]!, 12));
    for (let i = 0; i < 2; i++) expect((g(ad.scalar(2), ad.scalar(0.1), 3000) as Tensor[]).map((t) => t.item())).toEqual(second);
    expect(calls.n).toBe(2);
  });

  it('a new signature (another loop length) records again; short runs stay eager', () => {
    const { f, calls } = counted();
    ad.config({ autoJit: true });
    const vg = ad.valueAndGrad(f, [0, 1]);
    for (let i = 0; i < 3; i++) vg(ad.scalar(2), ad.scalar(0.1), 100); // 400 ops: too short to record
    expect(calls.n).toBe(3);
    vg(ad.scalar(2), ad.scalar(0.1), 3000); // long: eager, and decides
    vg(ad.scalar(2), ad.scalar(0.1), 3000); // records
    vg(ad.scalar(2), ad.scalar(0.1), 3000); // replays
    expect(calls.n).toBe(5);
    vg(ad.scalar(2), ad.scalar(0.1), 2500); // a new signature: records
    vg(ad.scalar(2), ad.scalar(0.1), 2500); // replays
    expect(calls.n).toBe(6);
  });

  it('gives up when its calls keep recording new signatures', () => {
    const { f, calls } = counted();
    ad.config({ autoJit: true });
    const vg = ad.valueAndGrad(f, [0, 1]);
    for (let steps = 3000; steps < 3005; steps++) vg(ad.scalar(2), ad.scalar(0.1), steps); // eager, then four recordings
    expect(calls.n).toBe(5);
    // 3001 was recorded, but jit has been dropped: the function runs again.
    vg(ad.scalar(2), ad.scalar(0.1), 3001);
    vg(ad.scalar(2), ad.scalar(0.1), 3001);
    expect(calls.n).toBe(7);
  });

  it('stays eager for tensor programs, for functions with aux, and under another transformation', () => {
    ad.config({ autoJit: true });
    let n = 0;
    const tensorLoss = (w: Tensor) => {
      n++;
      let s = ad.sum(w);
      for (let i = 0; i < 200; i++) s = ad.add(s, ad.sum(ad.mul(w, w)));
      return s;
    };
    const tg = ad.grad(tensorLoss);
    for (let i = 0; i < 3; i++) tg(ad.ones([50]));
    expect(n).toBe(3);

    const { f, calls } = counted();
    const withAux = ad.valueAndGrad((a: Tensor, b: Tensor) => [f(a, b, 3000), 'aux'] as const, { argnums: [0, 1], hasAux: true });
    for (let i = 0; i < 3; i++) withAux(ad.scalar(2), ad.scalar(0.1));
    expect(calls.n).toBe(3);

    // d/da of the gradient: the inner grad runs under jvp, as written each time, and agrees with itself.
    calls.n = 0;
    const inner = ad.grad((a: Tensor) => f(a, ad.scalar(0.1), 3000));
    const outer = () => ad.jvp((a: Tensor) => inner(a), [ad.scalar(2)], [ad.scalar(1)]);
    const [g1, h1] = outer();
    const [g2, h2] = outer();
    expect(calls.n).toBe(2);
    expect(g2.item()).toBe(g1.item());
    expect(h2.item()).toBe(h1.item());
  });

  it('is a boolean option of config', () => {
    expect(ad.config({ autoJit: true }).autoJit).toBe(true);
    expect(ad.config().autoJit).toBe(true);
    expect(() => ad.config({ autoJit: 'yes' as unknown as boolean })).toThrow(ad.InvalidArgumentError);
    expect(ad.config({ autoJit: false }).autoJit).toBe(false);
  });
});
