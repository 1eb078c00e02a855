/**
 * @file Review of the native product's fused steps and column split, and of the native tanh
 * (1b0798b, 757db8b, 1fc79da).
 *
 * Fused steps: every element of C must be the in-order loop s = +0, s = fma(a, b, s) for p = 0 …
 * k−1, then C = s or C + s — checked here against an fma of this file's own, exact in BigInt
 * arithmetic with IEEE rounding done by hand (subnormal results, overflow and signed zeros
 * included; no emulation shared with test/nativeGemm.test.ts), across the blocking edges (6-row
 * panels, 8-column strips, 256-deep blocks, 96- and 768-row blocks, 1024-column blocks), every
 * transpose, offsets and row lengths, fresh and accumulating C, on 1, 2, 3 and 5 threads (split by
 * rows and by columns), and with NaN, infinities, signed zeros, subnormals and products that
 * underflow. Through the public ops: separate steps give the WebAssembly kernel's bits on one
 * thread and two, and fused steps the same bits on one, two and three threads. Outside the tests
 * the same checks ran over about 6,000 random cases (some 3·10⁹ multiply-adds, 9·10⁷ elements of C;
 * glibc's fma in a C loop as the oracle), with GCC's and clang's builds, with and without AVX2.
 *
 * The native tanh returned −NaN for +NaN when built with clang (found by building the addon with
 * clang 14): a NaN lane came out of fdlibm's arithmetic with whichever operand's NaN the compiler's
 * instructions passed on, here u = −2|x|'s, and x's sign was then ORed onto it. Math.tanh returns
 * x's NaN (quieted), and so does the kernel now, by a select rather than by the arithmetic
 * (native/vmath.cc). GCC's build happened to pass x's NaN through, so under GCC the NaN test
 * below passes before the fix too; against a clang build it failed on 4 of the 7 NaNs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import * as ad from 'adjoint';
import { nativeKernelInfo, nativeProducts, nativeVmath, useFusedSteps, useNativeKernel } from '../../src/tensor/kernels/native/nativeGemm.js';
import { nativeState, restoreNative } from '../nativeState.js';

const { available, fusable } = nativeState();

afterEach(restoreNative);

const f64 = new Float64Array(1), u64 = new BigUint64Array(f64.buffer);
const bitsOf = (x: number): bigint => ((f64[0] = x), u64[0]!);
const fromBits = (b: bigint): number => ((u64[0] = b), f64[0]!);

/** x = sign·m·2^e exactly, m ≥ 0 an integer (x finite). */
function parts(x: number): [bigint, number] {
  const b = bitsOf(x), neg = b >> 63n === 1n, biased = Number((b >> 52n) & 0x7ffn), frac = b & 0xfffffffffffffn;
  const m = biased === 0 ? frac : frac | (1n << 52n), e = biased === 0 ? -1074 : biased - 1075;
  return [neg ? -m : m, e];
}

/**
 * fma(a, b, c) = a·b + c rounded once to nearest-even: the exact sum as an integer times a power of
 * two, rounded by hand at the result's last place (53 bits, fewer below 2^−1022; to ∞ past the
 * largest double). An exactly zero sum of non-zero terms is +0; a non-zero sum that rounds to zero
 * keeps its sign; exact-zero products and non-finite operands follow IEEE 754 (a finite product and
 * an infinite c give c, where a·b + c would overflow the product first).
 */
function fmaBig(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b + c;
  if (!Number.isFinite(c)) return c;
  if (a === 0 || b === 0) return a * b + c; // an exact product: the sum's rounding only
  const [ma, ea] = parts(a), [mb, eb] = parts(b), [mc, ec] = parts(c);
  const e = Math.min(ea + eb, ec);
  const s = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  if (s === 0n) return 0;
  const neg = s < 0n, mag = neg ? -s : s;
  const top = e + mag.toString(2).length - 1; // the exponent of the leading bit
  const ulp = Math.max(top - 52, -1074);
  let r = mag;
  if (ulp > e) {
    const shift = BigInt(ulp - e), q = mag >> shift, rem = mag - (q << shift), half = 1n << (shift - 1n);
    r = rem > half || (rem === half && (q & 1n) === 1n) ? q + 1n : q;
  } else r = mag << BigInt(e - ulp);
  const v = r === 0n ? 0 : Number(r) * 2 ** ulp; // exact: r ≤ 2^53 (∞ past the largest double)
  return neg ? -v : v;
}

describe('the BigInt fma oracle', () => {
  it('rounds once, to nearest-even, in the subnormal range and at overflow too', () => {
    const e = 2 ** -52;
    expect(fmaBig(1 + e, 1 - e, -1)).toBe(-(2 ** -104));
    expect(fmaBig(0.1, 10, -1)).toBe(2 ** -54);
    expect(fmaBig(2 ** -53, 1, 1)).toBe(1); // a tie, to even
    expect(fmaBig(3 * 2 ** -53, 1, 1)).toBe(1 + 2 ** -51);
    expect(fmaBig(2, 3, -6)).toBe(0);
    expect(Object.is(fmaBig(-1e-200, 1e-200, 0), -0)).toBe(true); // −10⁻⁴⁰⁰ rounds to −0
    expect(Object.is(fmaBig(1e-200, 1e-200, -0), 0)).toBe(true);
    expect(fmaBig(2 ** -600, 2 ** -500, 0)).toBe(0); // 2^−1100: below half the least subnormal
    // glibc's fma (a C program) for the rest: ties and rounding at 2^−1074, the overflow threshold
    expect(fmaBig(2 ** -537, 2 ** -538, 0)).toBe(0); // exactly half the least subnormal: to even
    expect(fmaBig(3 * 2 ** -538, 2 ** -538, 0)).toBe(5e-324); // three quarters: up
    expect(bitsOf(fmaBig(1.5 * 2 ** -1000, 2 ** -60, 2 ** -1073))).toBe(0x6002n);
    expect(fmaBig((1 + e) * 2 ** -511, (1 + e) * 2 ** -512, -(2 ** -1023))).toBe(5e-324);
    expect(bitsOf(fmaBig(Number.MAX_VALUE, 1 + e, -Number.MAX_VALUE))).toBe(0x7cafffffffffffffn);
    expect(fmaBig(1e300, 1e300, -1e300)).toBe(Infinity);
    expect(fmaBig(1e300, 1e300, -Infinity)).toBe(-Infinity); // the product is finite inside an fma
    expect(Number.isNaN(fmaBig(Infinity, 0, 1))).toBe(true);
  });
});

/** The in-order loop over op(A) [m, k] and op(B) [k, n] given logically (row-major), each step fused. */
function fusedLoop(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s = fmaBig(a[i * k + p]!, b[p * n + j]!, s);
      c[i * n + j] = s;
    }
  }
  return c;
}

/** op(X) [r, c] (logical, row-major) laid out as stored: transposed or not, row length ld, at offset off in a longer array filled with `fill`. */
function layOut(x: Float64Array, r: number, c: number, trans: boolean, ld: number, off: number, fill: number): Float64Array {
  const rows = trans ? c : r, out = new Float64Array(off + rows * ld + 3).fill(fill);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[off + (trans ? j * ld + i : i * ld + j)] = x[i * c + j]!;
  return out;
}

const same = (x: number, y: number) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));

/** Runs op(A)·op(B) natively in every layout, transpose, fresh/accumulating C and thread count; the first mismatch against the loop, or null. */
function checkAgainstLoop(a: Float64Array, b: Float64Array, m: number, k: number, n: number, seed: number, value: (i: number) => number): string | null {
  const native = nativeProducts(1e9, 1, 1)!;
  const want = fusedLoop(a, b, m, k, n);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const lda = (transA ? m : k) + (seed % 3), ldb = (transB ? k : n) + ((seed + 1) % 3), ldc = n + (seed % 4);
      const aOff = seed % 5, bOff = (seed + 2) % 4, cOff = (seed + 1) % 3;
      const A = layOut(a, m, k, transA, lda, aOff, 1e300), B = layOut(b, k, n, transB, ldb, bOff, 1e300); // padding that would overflow if read
      const c0 = Float64Array.from({ length: cOff + m * ldc + 2 }, (_, i) => value(i + seed));
      for (const fresh of [false, true]) {
        for (const threads of [1, 2, 3, 5]) {
          const c = c0.slice();
          native(A, aOff, lda, B, bOff, ldb, c, cOff, ldc, m, k, n, transA, transB, fresh, threads);
          for (let t = 0; t < c.length; t++) {
            const r = Math.floor((t - cOff) / ldc), col = (t - cOff) % ldc, inside = t >= cOff && r < m && col < n;
            const w = inside ? (fresh ? want[r * n + col]! : c0[t]! + want[r * n + col]!) : c0[t]!;
            if (!same(c[t]!, w)) return `${m}×${k}×${n} transA ${transA} transB ${transB} fresh ${fresh} on ${threads} threads: C[${t}] = ${c[t]}, the loop ${w}`;
          }
        }
      }
    }
  }
  return null;
}

describe.skipIf(!fusable)('fused steps: each element is the in-order fma loop (the BigInt oracle)', () => {
  it('where the CPU has AVX2 and FMA3 (its /proc/cpuinfo flags), the addon runs fused steps by default', () => {
    if (!existsSync('/proc/cpuinfo')) return;
    const flags = new Set((/^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '').trim().split(/\s+/));
    if (flags.has('avx2') && flags.has('fma') && process.env.ADJOINT_FMA !== '0') expect(nativeKernelInfo().fused).toBe(true);
  });

  it('across the blocking edges, transposes, offsets, row lengths, fresh and accumulating C, 1–5 threads, both splits', () => {
    useFusedSteps(true);
    let seed = 7;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    // Values of mixed magnitudes, so that fused and separate steps differ in most elements.
    const value = () => (rnd() - 0.5) * 2 ** Math.floor(rnd() * 24 - 12);
    // [m, k, n]: k across 256-deep blocks (257: two of 129 and 128; 513: three), n across the
    // 1024-column block and 8-column strips, m across 6-row panels and the 96- and 768-row blocks;
    // m ≤ 2n with n ≥ 16 is split by columns on 2+ threads, the others by rows.
    for (const [m, k, n] of [[7, 257, 9], [13, 513, 5], [3, 5, 1030], [2, 3, 2100], [770, 2, 9], [770, 257, 1], [97, 9, 17], [20, 33, 41], [6, 256, 16], [1, 300, 23], [3, 600, 18]] as const) {
      const a = Float64Array.from({ length: m * k }, value), b = Float64Array.from({ length: k * n }, value);
      const bad = checkAgainstLoop(a, b, m, k, n, seed, value);
      expect(bad).toBeNull();
    }
  });

  it('with NaN, infinities, signed zeros, subnormals and products that underflow or overflow', () => {
    useFusedSteps(true);
    let seed = 99;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const specials = [NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 2 ** -1022, -(2 ** -1060), 1e300, -1e300, 2 ** -540, -3 * 2 ** -541];
    const value = () => {
      const r = rnd();
      if (r < 0.01) return specials[Math.floor(rnd() * specials.length)]!;
      if (r < 0.3) return (rnd() - 0.5) * 2 ** Math.floor(rnd() * 60 - 560); // products in the subnormal range and below
      if (r < 0.4) return (rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 + 480); // products past the largest double
      return (rnd() - 0.5) * 2 ** Math.floor(rnd() * 20 - 10);
    };
    for (const [m, k, n] of [[7, 20, 17], [13, 257, 3], [2, 3, 40]] as const) {
      const a = Float64Array.from({ length: m * k }, value), b = Float64Array.from({ length: k * n }, value);
      expect(checkAgainstLoop(a, b, m, k, n, seed, value)).toBeNull();
    }
    // A product that underflows keeps its sign in an fma: fma(−1e−200, 1e−200, +0) = −0, then
    // fma(−0, 1, −0) = −0 (separate steps: +0 + −0 = +0); an exact −0 product gives +0 + −0 = +0.
    const a = Float64Array.from([-1e-200, -0, -0, -0, 1e-200, 1e300]), b = Float64Array.from({ length: 2 * 16 }, (_, i) => (i < 16 ? 1e-200 : 1));
    const c = new Float64Array(3 * 16);
    nativeProducts(1e9, 1, 1)!(a, 0, 2, b, 0, 16, c, 0, 16, 3, 2, 16, false, false, true, 2);
    expect([Object.is(c[0], -0), Object.is(c[16], 0), c[32]]).toEqual([true, true, 1e300]);
    expect(checkAgainstLoop(a, b, 3, 2, 16, 1, () => -0)).toBeNull();
  });
});

/** The public ops whose products go native (20³ multiply-adds and more): every result's bits. */
function publicOps(): number[][] {
  const key = ad.random.key;
  const x = ad.random.normal(key(1), [160, 160]);
  const spd = ad.add(ad.matmul(x, ad.transpose(x)), ad.mul(ad.eye(160), 160));
  const g = ad.random.normal(key(2), [150, 150]);
  const out: ad.Tensor[] = [];
  // by rows and by columns on two threads (m ≤ 2n), native threads from 128³, k past 256
  for (const [m, k, n] of [[128, 300, 256], [300, 64, 40], [33, 700, 17], [20, 20, 20], [4, 3000, 200]] as const) {
    const a = ad.random.normal(key(m + k), [m, k]), b = ad.random.normal(key(k + n), [k, n]);
    out.push(ad.matmul(a, b), ad.matmul(ad.transpose(ad.random.normal(key(m), [k, m])), b));
    out.push(...ad.grad((p: ad.Tensor, q: ad.Tensor) => ad.sum(ad.sin(ad.matmul(p, q))), [0, 1])(a, b));
  }
  const ba = ad.random.normal(key(7), [5, 40, 90]), bb = ad.random.normal(key(8), [5, 90, 70]);
  out.push(ad.matmul(ba, bb), ad.matmul(ba, ad.random.normal(key(9), [90, 300])));
  out.push(ad.linalg.cholesky(spd), ad.linalg.solve(g, ad.ones([150, 3])), ad.linalg.slogdet(g).logAbsDet, ad.linalg.inv(g));
  const stack = ad.mul(ad.random.normal(key(5), [30, 24, 24]), 0.25);
  out.push(ad.chainMatmul(stack), ad.grad((t: ad.Tensor) => ad.sum(ad.sin(ad.chainMatmul(t))))(stack));
  out.push(ad.chainMatmul([ad.random.normal(key(10), [60, 200]), ad.random.normal(key(11), [200, 150]), ad.random.normal(key(12), [150, 90])]));
  return out.map((t) => Array.from(t.toFloat64Array()));
}

const sameRuns = (runs: number[][][]) => {
  for (let r = 1; r < runs.length; r++) for (let i = 0; i < runs[0]!.length; i++) expect(runs[r]![i], `run ${r}, result ${i}`).toEqual(runs[0]![i]);
};

describe.skipIf(!available)('through the public ops', () => {
  it("separate steps give the WebAssembly kernel's bits (matmul, its gradient, batched, the factorisations, chains) on one thread and two", () => {
    useFusedSteps(false);
    sameRuns([true, false].flatMap((native) => [1, 2].map((threads) => {
      useNativeKernel(native);
      ad.config({ threads });
      return publicOps();
    })));
  });

  it.skipIf(!fusable)('fused steps give the same bits on one, two and three threads', () => {
    sameRuns([1, 2, 3].map((threads) => {
      ad.config({ threads });
      return publicOps();
    }));
  });
});

describe.skipIf(!available)("the native tanh: Math.tanh's bits", () => {
  it("for NaN too: x's own NaN (payload and sign), quieted, whatever the compiler", () => {
    const nans = [0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff0000000000001n, 0xfff0000000000001n, 0x7ff8dead0000beefn, 0xfffc000000000001n, 0x7ff4000000000000n];
    for (const n of [64, 67]) { // whole vectors, and the padded last one
      const x = new Float64Array(n).fill(0.25), xb = new BigUint64Array(x.buffer);
      nans.forEach((b, i) => (xb[n - 1 - i] = b));
      const out = new Float64Array(n);
      nativeVmath()!.tanh(out, x, 1);
      const ob = new BigUint64Array(out.buffer), want = new Float64Array(n), wb = new BigUint64Array(want.buffer);
      for (let i = 0; i < n; i++) want[i] = Math.tanh(x[i]!);
      for (let i = 0; i < n; i++) expect(ob[i]!.toString(16), `tanh of ${xb[i]!.toString(16)}`).toBe(wb[i]!.toString(16));
      for (const [i, b] of nans.entries()) expect(ob[n - 1 - i]).toBe(b | 0x0008000000000000n);
    }
  });

  it('at the branch thresholds and past them, on unaligned views, odd lengths, in place, on 1–3 threads', () => {
    const xs: number[] = [];
    const around = (x: number, span: number) => {
      const b = bitsOf(x);
      for (let d = -span; d <= span; d++) {
        const v = fromBits(b + BigInt(d));
        xs.push(v, -v);
      }
    };
    around(2 ** -28, 500); around(1, 500); around(22, 500);
    // 2|x| at fdlibm's expm1 thresholds (HIGH words 0x3fd62e43 and 0x3ff0a2b2, and the last values below them)
    for (const hw of [0x3fd62e42n, 0x3fd62e43n, 0x3ff0a2b1n, 0x3ff0a2b2n]) for (const low of [0n, 0xffffffffn - 400n]) for (let t = 0n; t <= 400n; t++) xs.push(fromBits((hw << 32n) + low + t) / 2);
    for (let j = 1; j <= 64; j++) around(((j - 0.5) * Math.LN2) / 2, 40); // k's steps, 19/20 and 56/57 among them
    let seed = 5;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = 0; i < 60000; i++) xs.push((rnd() - 0.5) * 2 ** Math.floor(rnd() * 2098 - 1075));
    xs.push(0, -0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE);
    const x = Float64Array.from(xs), n = x.length, want = x.map(Math.tanh);
    const tanh = nativeVmath()!.tanh;
    for (const threads of [1, 2, 3]) {
      // views at element offsets 1 and 3 (byte offsets 8 and 24 mod 32), lengths not a multiple of 4 or 8
      for (const [xo, oo, len] of [[1, 3, n - 5], [3, 2, 16387], [0, 1, 70]] as const) {
        const xb = new Float64Array(n + 8), ob = new Float64Array(n + 8).fill(9);
        xb.set(x.subarray(0, len), xo);
        tanh(ob.subarray(oo, oo + len), xb.subarray(xo, xo + len), threads);
        for (let i = 0; i < ob.length; i++) {
          const w = i >= oo && i < oo + len ? want[i - oo]! : 9;
          if (!Object.is(ob[i], w)) expect(ob[i], `tanh(${x[i - oo]}) on ${threads} threads, view ${xo}/${oo}/${len}, at ${i}`).toBe(w);
        }
      }
      const y = x.slice(); // in place: out === x
      tanh(y, y, threads);
      for (let i = 0; i < n; i++) if (!Object.is(y[i], want[i])) expect(y[i], `in place, tanh(${x[i]}) on ${threads} threads`).toBe(want[i]);
    }
  });
});
