/**
 * @file chainMatmul inside `jit` at first order (src/products/chainRecorded.ts): its kernels as
 * two recorded calls — the prefixes, then the cotangents — not a matmul per factor and step. The
 * replays give the eager path's bits, on new values too, in the list and stack forms, for chains
 * that take the resident WebAssembly kernel, the native kernel or the JavaScript loops, and for
 * gradients of some factors only; under an outer transformation (hvp) and in an ONNX export the
 * ops form stays.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const bits = (t: Tensor) => Array.from(t.toFloat64Array()).map((x) => (Object.is(x, -0) ? '-0' : x));

/** n factors of the given extents' chain (rows of the first, then the columns of each), scaled to keep the product of order 1. */
function factors(extents: readonly number[], seed: number): Tensor[] {
  return extents.slice(1).map((c, i) => ad.mul(ad.random.normal(ad.random.key(seed + i), [extents[i]!, c]), 1 / Math.sqrt(extents[i]!)));
}

const weightsFor = (p: Tensor, seed: number) => ad.random.normal(ad.random.key(seed), p.shape);

describe('chainMatmul under jit', () => {
  const lists: Array<[string, number[]]> = [
    ['8×8, resident', [8, 8, 8, 8, 8, 8, 8, 8]],
    ['32×32, native', Array.from({ length: 21 }, () => 32)],
    ['rectangular, the JavaScript loops', [5, 7, 3, 9, 4]],
    ['2 rows of 64×64 factors', [2, 64, 64, 64]],
  ];

  it.each(lists)('%s: jit(valueAndGrad) gives the eager bits, recording the chain as two calls, and replays them on new values', (_, extents) => {
    const ms = factors(extents, extents.length), again = factors(extents, 100 + extents.length);
    const W = weightsFor(ad.chainMatmul(ms), 7);
    const loss = (...xs: Tensor[]) => ad.sum(ad.mul(ad.chainMatmul(xs), W));
    const argnums = ms.map((_, i) => i);
    const eager = ad.valueAndGrad(loss, argnums), jitted = ad.jit(ad.valueAndGrad(loss, argnums));
    for (const xs of [ms, again, ms]) {
      const [v, g] = eager(...xs) as [Tensor, Tensor[]];
      const [vj, gj] = jitted(...xs) as [Tensor, Tensor[]];
      expect(vj.item()).toBe(v.item());
      expect(gj.map(bits)).toEqual(g.map(bits));
    }
    const [entry] = jitted.cacheInfo();
    expect(entry!.calls['chainMatmul.prefixes']).toBe(1);
    expect(entry!.calls['chainMatmul.cotangents']).toBe(1);
    expect(entry!.calls['matmul'] ?? 0).toBe(0);
  });

  it('the stack form: the gradient of the stack, and jit of the value alone', () => {
    for (const [n, s] of [[30, 24], [50, 8], [40, 16]] as const) {
      const stack = ad.mul(ad.random.normal(ad.random.key(n + s), [n, s, s]), 1 / Math.sqrt(s));
      const other = ad.mul(ad.random.normal(ad.random.key(n + s + 1), [n, s, s]), 1 / Math.sqrt(s));
      const loss = (t: Tensor) => ad.sum(ad.sin(ad.chainMatmul(t)));
      const jg = ad.jit(ad.grad(loss)), jv = ad.jit((t: Tensor) => ad.chainMatmul(t));
      for (const t of [stack, other]) {
        expect(bits(jg(t))).toEqual(bits(ad.grad(loss)(t)));
        expect(bits(jv(t))).toEqual(bits(ad.chainMatmul(t)));
      }
      expect(jv.cacheInfo()[0]!.calls['chainMatmul.value']).toBe(1);
    }
  });

  it('gradients of some factors only, and factors that are constants of the jitted function', () => {
    const ms = factors([12, 12, 12, 12, 12, 12], 3);
    const fixed = factors([12, 12], 9)[0]!;
    const loss = (a: Tensor, b: Tensor) => ad.sum(ad.square(ad.chainMatmul([ms[0]!, a, fixed, b, ms[4]!])));
    const eager = ad.grad(loss, [1]), jitted = ad.jit(ad.grad(loss, [1]));
    expect((jitted(ms[1]!, ms[3]!) as Tensor[]).map(bits)).toEqual((eager(ms[1]!, ms[3]!) as Tensor[]).map(bits));
    const both = ad.jit(ad.grad(loss, [0, 1]));
    expect((both(ms[2]!, ms[1]!) as Tensor[]).map(bits)).toEqual((ad.grad(loss, [0, 1])(ms[2]!, ms[1]!) as Tensor[]).map(bits));
  });

  it('differentiates through the cotangent where another transformation traces it and not the factors (the ops form over the recorded prefixes)', () => {
    const rnd = (seed: number, shape: number[]) => ad.mul(ad.random.normal(ad.random.key(seed), shape), 0.3);
    const A = rnd(1, [4, 4]), B = rnd(2, [4, 4]), w = rnd(3, [4, 4]), t = rnd(4, [4, 4]), S = rnd(5, [3, 4, 4]);
    const same = (f: (...xs: Tensor[]) => Tensor, ...xs: Tensor[]) => expect(bits(ad.jit(f)(...xs))).toEqual(bits(f(...xs)));
    // A meta-gradient: the outer grad in w reaches the inner gradient's cotangent only.
    const inner = (wi: Tensor, b: Tensor) => ad.grad((a: Tensor) => ad.sum(ad.mul(ad.chainMatmul([a, b]), wi)))(A);
    same((wi: Tensor, b: Tensor) => ad.grad((x: Tensor) => ad.sum(ad.square(inner(x, b))))(wi), w, B);
    // The same in the stack form.
    const innerStack = (wi: Tensor, s: Tensor) => ad.grad((x: Tensor) => ad.sum(ad.mul(ad.chainMatmul(x), wi)))(ad.add(s, 0));
    same((wi: Tensor, s: Tensor) => ad.grad((x: Tensor) => ad.sum(ad.square(innerStack(x, s))))(wi), w, S);
    // A jvp of the gradient in w, linearize, and a pullback differentiated in its cotangent.
    same((wi: Tensor, b: Tensor, ti: Tensor) => ad.jvp((x: Tensor) => inner(x, b), [wi], [ti])[1], w, B, t);
    same((a: Tensor, b: Tensor, ti: Tensor) => ad.linearize((x: Tensor) => ad.chainMatmul([x, b]), a)[1](ti), A, B, t);
    const pulled = (c: Tensor, b: Tensor): Tensor => {
      const r = ad.vjp((a: Tensor) => ad.chainMatmul([a, b]), A)[1](c) as Tensor | Tensor[];
      return Array.isArray(r) ? r[0]! : r;
    };
    same((ct: Tensor, b: Tensor) => ad.grad((c: Tensor) => ad.sum(ad.square(pulled(c, b))))(ct), w, B);
    const meta = (wi: Tensor, b: Tensor) => ad.grad((x: Tensor) => ad.sum(ad.square(inner(x, b))))(wi);
    expect(ad.sum(ad.square(meta(w, B))).item()).toBeGreaterThan(1); // not a zero gradient (it was, in jit)
  });

  it('composes with vmap inside jit, grad outside jit, and checkpoint inside jit, as the eager compositions do', () => {
    for (const s of [8, 32]) {
      const batch = ad.mul(ad.random.normal(ad.random.key(s), [3, 12, s, s]), 1 / Math.sqrt(s));
      const W = ad.random.normal(ad.random.key(s + 1), [s, s]);
      const loss = (t: Tensor) => ad.sum(ad.mul(ad.chainMatmul(t), W));
      // jit(vmap(grad)): each example's gradient, as the eager vmap's and as each example's own grad.
      const perExample = ad.vmap(ad.grad(loss)) as (t: Tensor) => Tensor;
      const jv = ad.jit(perExample);
      const eager = perExample(batch);
      expect(bits(jv(batch))).toEqual(bits(eager));
      for (let b = 0; b < 3; b++) {
        const own = ad.grad(loss)(ad.take(batch, b, 0));
        expect(ad.allclose(ad.take(eager, b, 0), own, { rtol: 1e-12, atol: 1e-12 })).toBe(true);
      }
      // grad(jit(f)): the jitted value differentiated from outside.
      const stack = ad.take(batch, 0, 0);
      expect(bits(ad.grad(ad.jit(loss))(stack))).toEqual(bits(ad.grad(loss)(stack)));
      // A checkpointed chain inside jit: recomputed in the backward pass, the same gradient.
      const ck = (t: Tensor) => ad.sum(ad.mul(ad.checkpoint((u: Tensor) => ad.chainMatmul(u))(t), W));
      const jc = ad.jit(ad.grad(ck));
      for (const t of [stack, ad.take(batch, 1, 0)]) expect(bits(jc(t))).toEqual(bits(ad.grad(loss)(t)));
    }
  });

  it.each([
    ['32×32, native', 32],
    ['8×8, resident: the first forward\'s tape leaves the memory for the second chain and saves its prefixes', 8],
  ])('one forward pulled back twice inside jit, and replays that reuse the prefixes\' memory, give the eager bits (%s)', (_, s) => {
    // The prefixes' array goes back to the chain once the program has read it for the last time
    // (jit/program.ts drop, Primitive.recycle): the second pullback must still read the first's.
    // At 8×8 the prefixes stay in the kernel's memory until the second chain takes it; the array
    // gets them then (chainRecorded.ts lazyTapes), and a tape leaving after its array was handed
    // back (the next round's first chain) must not write into it.
    const stack = ad.mul(ad.random.normal(ad.random.key(21), [40, s, s]), 1 / Math.sqrt(s));
    const c1 = ad.random.normal(ad.random.key(22), [s, s]), c2 = ad.random.normal(ad.random.key(23), [s, s]);
    type Pullback = (c: Tensor) => Tensor[];
    const twice = (t: Tensor) => {
      const [, first] = ad.vjp((u: Tensor) => ad.chainMatmul(u), t) as [Tensor, Pullback];
      const g1 = first(c1)[0]!;
      // A second chain of the same extents between the first's two pullbacks: its prefixes must not
      // take the first's memory, which the second pullback below still reads.
      const [, second] = ad.vjp((u: Tensor) => ad.chainMatmul(ad.mul(u, 1.5)), t) as [Tensor, Pullback];
      return [g1, first(c2)[0]!, second(c1)[0]!, ad.chainMatmul(t)];
    };
    const jitted = ad.jit(twice);
    for (let round = 0; round < 4; round++) {
      const t = round % 2 === 0 ? stack : ad.mul(stack, 1.5);
      const eager = twice(t), replayed = jitted(t) as Tensor[];
      expect(replayed.map(bits)).toEqual(eager.map(bits));
    }
    const [entry] = jitted.cacheInfo();
    expect(entry!.calls['chainMatmul.prefixes']).toBe(2);
    expect(entry!.calls['chainMatmul.cotangents']).toBe(3);
  });

  it('the list form at 8×8: every factor\'s gradient a view of the sweep\'s one array, as eager, on replays with new values', () => {
    const ms = factors(Array.from({ length: 41 }, () => 8), 31), again = factors(Array.from({ length: 41 }, () => 8), 71);
    const W = weightsFor(ad.chainMatmul(ms), 5);
    const loss = (xs: Tensor[]) => ad.sum(ad.mul(ad.chainMatmul(xs), W));
    const jitted = ad.jit(ad.grad(loss));
    for (const xs of [ms, again, ms, again]) {
      const g = jitted(xs) as Tensor[];
      expect(g.map(bits)).toEqual((ad.grad(loss)(xs) as Tensor[]).map(bits));
      expect(g.map((t) => t.shape)).toEqual(xs.map((t) => t.shape));
    }
    const [entry] = jitted.cacheInfo();
    expect(entry!.calls['chainMatmul.cotangent']).toBe(40);
    expect(entry!.calls['slice'] ?? 0).toBe(0); // no copy per factor (and grad drops the value's)
  });

  it('a tape that leaves the memory after its prefixes\' array went to another chain of another kind does not write into it', () => {
    // jit A: 49 factors 8×8 (resident; its prefix array, 48 × 64 = 3,072 entries, a length no other
    // test here uses, is handed back at the end of the replay while its tape is still in the
    // memory). jit B: a 6-row chain with a prefix array of the same length (32 × 6·16; not resident:
    // it takes that array and writes it whole), then a resident chain C, whose forward makes A's
    // tape leave — before B's prefixes are read.
    const A = ad.mul(ad.random.normal(ad.random.key(41), [49, 8, 8]), 1 / Math.sqrt(8));
    const b = [ad.random.normal(ad.random.key(42), [6, 16]), ...factors(Array.from({ length: 33 }, () => 16), 43)];
    const C = ad.mul(ad.random.normal(ad.random.key(44), [12, 8, 8]), 1 / Math.sqrt(8));
    const lossA = (t: Tensor) => ad.sum(ad.sin(ad.chainMatmul(t)));
    const lossB = (xs: Tensor[], t: Tensor) => ad.add(ad.sum(ad.sin(ad.chainMatmul(xs))), ad.sum(ad.sin(ad.chainMatmul(t))));
    const ja = ad.jit(ad.grad(lossA)), jb = ad.jit(ad.grad(lossB, [0, 1]));
    const expected = ad.grad(lossB, [0, 1])(b, C) as [Tensor[], Tensor], expectedA = bits(ad.grad(lossA)(A));
    for (let round = 0; round < 3; round++) {
      expect(bits(ja(A))).toEqual(expectedA); // nothing between this replay and jb's may use the memory
      const [gb, gc] = jb(b, C) as [Tensor[], Tensor];
      expect(gb.map(bits)).toEqual(expected[0].map(bits));
      expect(bits(gc)).toEqual(bits(expected[1]));
    }
  });

  it('keeps the ops form where the chain is differentiated again (hvp under jit) and in an ONNX export', () => {
    const stack = ad.mul(ad.random.normal(ad.random.key(4), [6, 8, 8]), 0.3), v = ad.random.normal(ad.random.key(5), [6, 8, 8]);
    const loss = (t: Tensor) => ad.sum(ad.sin(ad.chainMatmul(t)));
    const jh = ad.jit((t: Tensor, u: Tensor) => ad.hvp(loss, t, u));
    expect(bits(jh(stack, v))).toEqual(bits(ad.hvp(loss, stack, v)));
    expect(jh.cacheInfo()[0]!.calls['chainMatmul.prefixes'] ?? 0).toBe(0);
    const back = ad.onnx.importModel<Tensor>(ad.onnx.exportModel(ad.grad(loss), [stack]));
    expect(bits(back(stack))).toEqual(bits(ad.grad(loss)(stack)));
  });
});
