/**
 * @file Audit of three kernel changes, as guards: the WebAssembly SIMD tanh (Math.tanh's bits around
 * every branch of fdlibm's tanh and expm1, every length mod 4, views, in place, one and two
 * threads, nothing written outside the output), matmul's packing of B from 48 rows and 4,096
 * entries (the same bits as unpacked, and as a plain triple loop), and chainMatmul of a stack
 * [n, s, s] (the list form's bits for value and gradients, under every transformation).
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { tanhAcross, vectorMath } from '../../src/tensor/kernels/wasm/vmath.js';
import { setPackRows } from '../../src/tensor/kernels/wasm/pack.js';

/** Deterministic uniform [−0.5, 0.5) (an LCG), so a failure reproduces. */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
}
const bitsOf = (v: number): bigint => new BigUint64Array(new Float64Array([v]).buffer)[0]!;
const fromBits = (b: bigint): number => new Float64Array(new BigUint64Array([b]).buffer)[0]!;
/** The double `d` steps of the bit pattern away from positive `v`. */
const step = (v: number, d: number): number => fromBits(bitsOf(v) + BigInt(d));
/** The double whose high word is `w` and low word 0: fdlibm compares high words. */
const highWord = (w: number): number => fromBits(BigInt(w) << 32n);

/** The first index where a and b differ as Object.is does (−1 if none). */
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}
const tanhOf = (x: Float64Array) => x.map(Math.tanh);

afterAll(() => {
  ad.config({ threads: 'auto', wasm: true });
  setPackRows(48);
});

describe('tanh in WebAssembly SIMD: Math.tanh to the bit', () => {
  // Every threshold of fdlibm's tanh (|x| = 2^−28, 1, 22) and of the expm1 it calls on ∓2|x|
  // (|u| against HIGH(0x3fd62e43) and HIGH(0x3ff0a2b2), the rounding of k at u = (j ± 1/2)·ln2,
  // and k = 20, 56, 57 of its reconstruction), ±64 steps of the bit pattern, both signs.
  const centres = [2 ** -28, 2 ** -27, 1, 22, highWord(0x3fd62e43) / 2, highWord(0x3ff0a2b2) / 2, Math.LN2 / 4, (3 * Math.LN2) / 4, highWord(0x4043687a) / 2];
  for (let j = 2; j <= 64; j++) centres.push(((j - 0.5) * Math.LN2) / 2, (j * Math.LN2) / 2);
  const edges: number[] = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308, -2.225073858507201e-308, Number.MAX_VALUE, -Number.MAX_VALUE];
  for (const c of centres) for (let d = -64; d <= 64; d++) edges.push(step(c, d), -step(c, d));
  const u = stream(1);
  for (let i = 0; i < 20000; i++) edges.push(2 * u() * 2 ** (80 * (u() + 0.5) - 60)); // every magnitude
  const x = new Float64Array(edges);

  it('around every branch point of tanh and expm1, the special values and subnormals', () => {
    const out = new Float64Array(x.length);
    vectorMath('tanh', x, out);
    const want = tanhOf(x);
    expect(firstDiff(out, want)).toBe(-1);
    // On x64 NaN payloads and signs propagate as through Math.tanh's scalar arithmetic.
    if (process.arch === 'x64') {
      const payloads = [0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0xfff8dead0000beefn, 0x7ff4000000000000n];
      const nans = new Float64Array(new BigUint64Array(Array.from({ length: 67 }, (_, i) => payloads[i % payloads.length]!)).buffer);
      const got = new Float64Array(nans.length);
      vectorMath('tanh', nans, got);
      const wantBits = new BigUint64Array(tanhOf(nans).buffer);
      expect(Array.from(new BigUint64Array(got.buffer))).toEqual(Array.from(wantBits));
    }
  });

  it('through ad.tanh on one and two threads (split across them from 16,384), the same bits', () => {
    for (const threads of [1, 2]) {
      ad.config({ threads });
      for (const n of [x.length - 3, 16383, 16385]) {
        const part = x.subarray(3, 3 + n);
        expect(firstDiff(ad.tanh(ad.tensor(part, [n])).toFloat64Array(), tanhOf(part))).toBe(-1);
      }
    }
  });

  it('every length mod 4, odd offsets, in place, and nothing written outside [0, n)', () => {
    const big = new Float64Array(16400).map(() => 30 * u() * Math.abs(u()));
    const lengths = [...Array.from({ length: 72 }, (_, i) => i), 127, 128, 129, 16383, 16384, 16385, 16387];
    ad.config({ threads: 2 });
    for (const n of lengths) {
      for (const off of [0, 1, 3]) {
        const xs = big.subarray(off, off + n), want = tanhOf(xs);
        const host = new Float64Array(n + 10).fill(7), out = host.subarray(5, 5 + n);
        vectorMath('tanh', xs, out);
        expect(firstDiff(out, want)).toBe(-1);
        const across = new Float64Array(n + 10).fill(7), outAcross = across.subarray(5, 5 + n);
        if (tanhAcross(xs, outAcross)) expect(firstDiff(outAcross, want)).toBe(-1);
        else expect(n).toBeLessThan(16384);
        for (const h of [host, across]) expect(firstDiff([...h.subarray(0, 5), ...h.subarray(5 + n)], new Array(10).fill(7))).toBe(-1);
        const inPlace = Float64Array.from(xs);
        vectorMath('tanh', inPlace, inPlace);
        expect(firstDiff(inPlace, want)).toBe(-1);
      }
    }
  });
});

/** C = A·B by the definition, each sum in order of p. */
function naiveProduct(a: Float64Array, b: Float64Array, m: number, k: number, n: number, aAt = 0, bAt = 0): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aAt + i * k + p]! * b[bAt + p * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}
/** Max |a − b| over max |b|. */
function relativeError(a: Float64Array, b: Float64Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return a.length === b.length ? num / (den || 1) : Infinity;
}
const random = (shape: number[], seed: number, scale = 1): ad.Tensor => {
  const u = stream(seed);
  return ad.tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)).map(() => scale * u()), shape);
};

describe('matmul: B packed from 48 rows and 4,096 entries changes no bit', () => {
  // Around both thresholds, odd extents (padding), and k·n of 4,095 and 4,096.
  const shapes = [[47, 64, 64], [48, 64, 64], [48, 63, 65], [49, 9, 455], [52, 8, 512], [50, 33, 125], [97, 31, 131], [64, 255, 17], [161, 161, 161]];
  it('plain, with A or B transposed (the vjp), batched; packed against unpacked and a triple loop, on one and two threads', () => {
    for (const threads of [1, 2]) {
      ad.config({ threads });
      shapes.forEach(([m, k, n], i) => {
        const a = random([m!, k!], 10 + i), b = random([k!, n!], 20 + i), g = random([m!, n!], 30 + i);
        const run = () => {
          const [c, pullback] = ad.vjp((x: ad.Tensor, y: ad.Tensor) => ad.matmul(x, y), a, b);
          const [da, db] = pullback(g) as [ad.Tensor, ad.Tensor];
          const ct = ad.matmul(ad.transpose(ad.tensor(ad.transpose(a).toFloat64Array(), [k!, m!])), b);
          return [c, da, db, ct].map((t) => t.toFloat64Array());
        };
        const packed = run();
        setPackRows(Infinity);
        const unpacked = run();
        setPackRows(48);
        packed.forEach((p, j) => expect(firstDiff(p, unpacked[j]!)).toBe(-1));
        const want = naiveProduct(a.toFloat64Array(), b.toFloat64Array(), m!, k!, n!);
        expect(relativeError(packed[0]!, want)).toBeLessThan(1e-14);
        expect(firstDiff(packed[3]!, packed[0]!)).toBe(-1);
        expect(relativeError(packed[1]!, naiveProduct(g.toFloat64Array(), ad.transpose(b).toFloat64Array(), m!, n!, k!))).toBeLessThan(1e-14);
        expect(relativeError(packed[2]!, naiveProduct(ad.transpose(a).toFloat64Array(), g.toFloat64Array(), k!, m!, n!))).toBeLessThan(1e-14);
      });
      const a = random([3, 50, 33], 41), b = random([3, 33, 125], 42), c = ad.matmul(a, b).toFloat64Array();
      for (let i = 0; i < 3; i++) {
        const want = naiveProduct(a.toFloat64Array(), b.toFloat64Array(), 50, 33, 125, i * 50 * 33, i * 33 * 125);
        expect(relativeError(c.subarray(i * 50 * 125, (i + 1) * 50 * 125), want)).toBeLessThan(1e-14);
      }
    }
  });
});

describe('chainMatmul of a stack [n, s, s]: the list form, bit for bit', () => {
  const list = (s: ad.Tensor) => Array.from({ length: s.shape[0]! }, (_, i) => ad.take(s, i, 0));
  const stacked = (s: ad.Tensor) => ad.chainMatmul(s);
  const listed = (s: ad.Tensor) => ad.chainMatmul(list(s));
  const same = (a: ad.Tensor, b: ad.Tensor) => {
    expect(a.shape).toEqual(b.shape);
    expect(firstDiff(a.toFloat64Array(), b.toFloat64Array())).toBe(-1);
  };

  it('value and gradient, on views, with the tape evicted, inside a function with list chains, on one and two threads', () => {
    const cases = [[2, 1], [5, 1], [1, 4], [2, 4], [3, 5], [9, 8], [4, 12], [3, 20], [3, 17], [1000, 4], [2, 36]];
    for (const threads of [1, 2]) {
      ad.config({ threads });
      cases.forEach(([n, s], i) => {
        // A view: a slice of a larger tensor at offsets in every axis.
        const stack = ad.slice(random([n! + 2, s! + 1, s! + 3], 50 + i, 1.1), [1, 1, 2], [n!, s!, s!]);
        const w = random([s!, s!], 60 + i), g = random([s!, s!], 70 + i);
        same(stacked(stack), listed(stack));
        const loss = (chain: (t: ad.Tensor) => ad.Tensor) => (t: ad.Tensor) => {
          const y = ad.tanh(ad.mul(t, 1.3)); // a stack made inside the function
          const a = chain(y), b = ad.chainMatmul([w, w, ad.take(y, 0, 0)]);
          return ad.sum(ad.mul(ad.add(ad.matmul(a, b), a), w));
        };
        same(ad.grad(loss(stacked))(stack), ad.grad(loss(listed))(stack));
        const [ys, pullS] = ad.vjp(stacked, stack), [yl, pullL] = ad.vjp(listed, stack);
        ad.chainMatmul([w, w, w]); // the chain's memory is written between forward and pullback
        ad.matmul(random([64, 64], 1), random([64, 64], 2));
        same(ys, yl);
        same((pullS(g) as ad.Tensor[])[0]!, (pullL(g) as ad.Tensor[])[0]!);
      });
    }
  });

  it('higher order, vmap and jit', () => {
    ad.config({ threads: 1 });
    for (const [n, s] of [[3, 4], [4, 3], [2, 8]]) {
      const stack = random([n!, s!, s!], 80 + n!, 1.1), v = random([n!, s!, s!], 90 + n!), w = random([s!, s!], 95);
      const loss = (chain: (t: ad.Tensor) => ad.Tensor) => (t: ad.Tensor) => ad.sum(ad.mul(chain(t), w));
      same(ad.hvp((t: ad.Tensor) => ad.sum(ad.square(stacked(t))), stack, v) as ad.Tensor, ad.hvp((t: ad.Tensor) => ad.sum(ad.square(listed(t))), stack, v) as ad.Tensor);
      const gradOfGrad = (chain: (t: ad.Tensor) => ad.Tensor) => ad.grad((t: ad.Tensor) => ad.sum(ad.square(ad.grad(loss(chain))(t) as ad.Tensor)));
      same(gradOfGrad(stacked)(stack) as ad.Tensor, gradOfGrad(listed)(stack) as ad.Tensor);
      same(ad.jacrev(stacked)(stack) as ad.Tensor, ad.jacrev(listed)(stack) as ad.Tensor);
      same(ad.jacfwd(stacked)(stack) as ad.Tensor, ad.jacfwd(listed)(stack) as ad.Tensor);
      const batch = random([3, n!, s!, s!], 99);
      same(ad.vmap(stacked)(batch) as ad.Tensor, ad.vmap(listed)(batch) as ad.Tensor);
      same(ad.vmap(ad.grad(loss(stacked)))(batch) as ad.Tensor, ad.vmap(ad.grad(loss(listed)))(batch) as ad.Tensor);
      const jitted = ad.jit(ad.grad(loss(stacked)));
      for (let r = 0; r < 2; r++) same(jitted(stack) as ad.Tensor, ad.grad(loss(listed))(stack) as ad.Tensor);
    }
  });

  it('list chains (mixed shapes, factors sliced from one buffer) against a triple loop', () => {
    for (const shapes of [[[3, 4], [4, 8], [8, 4]], [[8, 12], [12, 16], [16, 4], [4, 20]], [[5, 7], [7, 3], [3, 9]]]) {
      const total = shapes.reduce((a, [r, c]) => a + r! * c!, 0), buffer = random([total + 3], total);
      let at = 1;
      const factors = shapes.map(([r, c]) => {
        const t = ad.reshape(ad.slice(buffer, [at], [r! * c!]), [r!, c!]);
        at += r! * c!;
        return t;
      });
      const rows = shapes[0]![0]!, cols = shapes.at(-1)![1]!, g = random([rows, cols], 7);
      const [y, pullback] = ad.vjp((...ms: ad.Tensor[]) => ad.chainMatmul(ms), ...factors);
      // P_i = P_{i−1} M_i; R_{n−1} = g, M̄_i = P_{i−1}ᵀ R_i, R_{i−1} = R_i M_iᵀ.
      const data = factors.map((f) => f.toFloat64Array());
      const prefixes = [data[0]!];
      for (let i = 1; i < shapes.length; i++) prefixes.push(naiveProduct(prefixes[i - 1]!, data[i]!, rows, shapes[i]![0]!, shapes[i]![1]!));
      expect(relativeError(y.toFloat64Array(), prefixes.at(-1)!)).toBeLessThan(1e-14);
      const cts = pullback(g) as ad.Tensor[];
      let r = g.toFloat64Array();
      for (let i = shapes.length - 1; i >= 1; i--) {
        const [a, b] = shapes[i]! as [number, number];
        const pt = ad.transpose(ad.tensor(prefixes[i - 1]!, [rows, a])).toFloat64Array();
        expect(relativeError(cts[i]!.toFloat64Array(), naiveProduct(pt, r, a, rows, b))).toBeLessThan(1e-14);
        r = naiveProduct(r, ad.transpose(factors[i]!).toFloat64Array(), rows, b, a);
      }
      expect(relativeError(cts[0]!.toFloat64Array(), r)).toBeLessThan(1e-14);
    }
  });
});
