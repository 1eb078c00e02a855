/** @file chainMatmul's forward pass kept in the WebAssembly kernel's memory for its backward pass: moved out when something else needs the memory, and never a different value for it. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectNear } from './cases.js';
import { useNativeKernel } from '../../src/tensor/kernels/native/nativeGemm.js';
import { restoreNative } from '../nativeState.js';

/** `count` matrices size × size, entries scaled so that long products stay of order one. */
const factors = (count: number, size: number, seed: number): Tensor[] =>
  Array.from({ length: count }, (_, i) => ad.mul(ad.random.normal([size, size], seed + i), Math.sqrt(1 / size)));

/** `run` with the WebAssembly kernels off: every product in the JavaScript kernels, nothing resident. */
function withoutWasm<T>(run: () => T): T {
  ad.config({ wasm: false });
  try {
    return run();
  } finally {
    ad.config({ wasm: true });
  }
}

/**
 * `run` with the native kernel on and then off: where the addon is loaded, chains whose every
 * product runs natively skip the resident memory (chainResident.ts `nativeChain`), so the resident
 * paths at those extents are exercised with it off.
 */
function eachKernel(run: (label: string) => void): void {
  for (const native of [true, false]) {
    useNativeKernel(native);
    try {
      run(native ? 'native on' : 'native off');
    } finally {
      restoreNative();
    }
  }
}

function expectSame(actual: Tensor[], expected: Tensor[], what: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((t, i) => {
    const e = Array.from(expected[i]!.toFloat64Array());
    expectNear(t.toFloat64Array(), e, 1e-11, e.map((v) => Math.max(1, Math.abs(v))), `${what} ${i}`);
  });
}

describe('chainMatmul resident in WebAssembly memory', () => {
  const loss = (w: Tensor) => (ms: Tensor[]) => ad.sum(ad.mul(ad.chainMatmul(ms), w));

  it('long chains, kept whole (200 of 16×16) or run step by step (100 of 64×64): cotangents leave in several runs', () => eachKernel((kernel) => {
    for (const [count, size] of [[200, 16], [100, 64], [3, 64]] as const) {
      const ms = factors(count, size, 31), w = ad.random.normal([size, size], 32);
      const grad = ad.valueAndGrad(loss(w));
      const [value, grads] = grad(ms) as [Tensor, Tensor[]];
      const [refValue, refGrads] = withoutWasm(() => grad(ms)) as [Tensor, Tensor[]];
      expectSame([value], [refValue], `${count}×${size} value`);
      expectSame(grads, refGrads, `${count}×${size} grads`);
      // Only some factors asked for: the sweep stops at the first, the runs skip the others.
      const some = [1, count - 2, count - 1];
      const f = (...xs: Tensor[]) => loss(w)(xs);
      const picked = ad.grad(f, some)(...ms) as Tensor[];
      expectSame(picked, some.map((i) => refGrads[i]!), `${count}×${size} some, ${kernel}`);
    }
  }));

  it('a pullback kept while other products run: the prefixes move out first, and every pullback agrees', () => {
    const ms = factors(30, 8, 40), w = ad.random.normal([8, 8], 41), ct = ad.random.normal([], 42);
    const reference = withoutWasm(() => ad.grad(loss(w))(ms) as Tensor[]).map((g) => ad.mul(g, ct));
    const big = ad.random.normal([64, 64], 43);
    // Pulled back while the tape is in place, then after a product has taken the memory.
    const [, first] = ad.vjp(loss(w), ms);
    expectSame((first(ct) as [Tensor[]])[0], reference, 'in place');
    ad.matmul(big, big);
    expectSame((first(ct) as [Tensor[]])[0], reference, 'moved out');
    // Moved out before its first pullback, by another chain.
    const [, second] = ad.vjp(loss(w), ms);
    ad.chainMatmul(factors(4, 8, 44));
    expectSame((second(ct) as [Tensor[]])[0], reference, 'moved out by a chain');
    // A higher-order pullback needs the prefixes as tensors: taken from the memory in place.
    const vs = ms.map((m, i) => ad.random.normal(m.shape, 50 + i));
    const [gradsUnderJvp] = ad.jvp((...xs: Tensor[]) => ad.grad((ys: Tensor[]) => loss(w)(ys))(xs), ms, vs) as [Tensor[], Tensor[]];
    expectSame(gradsUnderJvp, reference.map((g) => ad.div(g, ct)), 'under jvp');
  });

  it('two chains in one function: the second takes the memory while the first still needs its prefixes', () => {
    const ms = factors(12, 8, 60), w = ad.random.normal([8, 8], 61);
    const f = (xs: Tensor[]) => ad.mul(loss(w)(xs.slice(0, 7)), ad.sum(ad.chainMatmul([...xs.slice(7), xs[0]!])));
    const [value, grads] = ad.valueAndGrad(f)(ms) as [Tensor, Tensor[]];
    const [refValue, refGrads] = withoutWasm(() => ad.valueAndGrad(f)(ms)) as [Tensor, Tensor[]];
    expectSame([value], [refValue], 'value');
    expectSame(grads, refGrads, 'grads');
  });

  it('a wide chain of mixed extents whose tape was moved out by a later product: cotangents leave in runs that wrap the region', () => {
    // The chain's result goes through a matmul, which takes the kernel's memory between the chain's
    // forward and backward passes: the backward pass then copies each factor in, and its 184-wide
    // and wider cotangents fill the output region before a run of 256 kB is complete.
    eachKernel((kernel) => {
      for (const extents of [[4, 120, 20, 192, 160], [24, 264, 48, 196, 48, 32, 204, 212, 60]]) {
        const ms = extents.slice(1).map((c, i) => ad.mul(ad.random.normal([extents[i]!, c], 70 + i), 1 / Math.sqrt(extents[i]!)));
        const W = ad.random.normal([extents[extents.length - 1]!, 16], 79);
        // sin: a full-rank cotangent (sum(P W) would be of rank one: kernels/chainRankOne.ts).
        const f = (xs: Tensor[]) => ad.sum(ad.sin(ad.matmul(ad.chainMatmul(xs), W)));
        const grads = ad.grad(f)(ms) as Tensor[];
        expectSame(grads, withoutWasm(() => ad.grad(f)(ms) as Tensor[]), `${JSON.stringify(extents)} moved out, ${kernel}`);
      }
    });
  });

  it('a pullback after the kernel memory was replaced by a larger product, and after the WebAssembly kernels were turned off', () => {
    const ms = factors(20, 12, 80), w = ad.random.normal([12, 12], 81), ct = ad.tensor(1);
    const reference = withoutWasm(() => ad.grad(loss(w))(ms) as Tensor[]);
    ad.config({ threads: 1 }); // every product in the module's own memory
    try {
      const [, replaced] = ad.vjp(loss(w), ms);
      const big = ad.random.normal([1100, 1100], 82); // stages 3.6 M float64s: a larger memory replaces the old one
      ad.matmul(big, big);
      expectSame((replaced(ct) as [Tensor[]])[0], reference, 'after a larger memory');
      const [, off] = ad.vjp(loss(w), ms);
      withoutWasm(() => expectSame((off(ct) as [Tensor[]])[0], reference, 'with wasm off'));
    } finally {
      ad.config({ threads: 'auto' });
    }
  });
});
