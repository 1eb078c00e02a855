/**
 * @file The native LU (native/lu.cc) and one-vector triangular solve (native/triangular.cc): the
 * same recursion, leaves and order of operations as lu.ts and triangular.ts, so with separate
 * steps the same bits as the JavaScript recursion over the WebAssembly kernel (native off), at
 * orders that pad by 0–3, with zero pivots, NaN and infinities; with fused steps, the same bits on
 * one thread and two and on four lanes and eight; the solve against the JavaScript loops for every
 * triangle, transpose, diagonal, offset and range.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linalg, randn } from './support.js';
import { nativeSubstituteVector, useFusedSteps, useNativeKernel, useWideVectors } from '../../src/tensor/kernels/native/nativeGemm.js';
import { nativeState, restoreNative } from '../nativeState.js';

const { available, wide } = nativeState();
afterEach(restoreNative);

/** Every number of an LU factorisation (factors, pivots, det and a solve) as an array, −0 told apart. */
function everything(a: ad.Tensor): Array<number | string> {
  const f = linalg.luFactor(a), n = a.shape[0]!;
  let x: number[];
  try {
    x = Array.from(linalg.solve(a, ad.tensor(Float64Array.from({ length: n }, (_, i) => Math.cos(i)), [n])).toFloat64Array());
  } catch (e) {
    x = [NaN]; // a singular matrix: the error, alike both ways
  }
  return [...f.lu.toFloat64Array(), ...f.pivots.toFloat64Array(), linalg.det(a).item(), ...x].map((v) => (Object.is(v, -0) ? '-0' : v));
}

describe.skipIf(!available)('the native LU', () => {
  const specials = (n: number, seed: number): Array<[string, ad.Tensor]> => {
    const base = () => randn([n, n], seed).toFloat64Array();
    const made = (f: (x: Float64Array) => void) => { const x = base(); f(x); return ad.tensor(x, [n, n]); };
    return [
      ['random', ad.tensor(base(), [n, n])],
      ['a zero column', made((x) => { for (let i = 0; i < n; i++) x[i * n + 7] = 0; })],
      ['a zero row and −0 entries', made((x) => { x.fill(0, 3 * n, 4 * n); for (let i = 0; i < n; i += 5) x[i * n + (i % n)] = -0; })],
      ['integers (exact products)', made((x) => { for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i]! * 3); })],
    ];
  };

  it.each([65, 66, 67, 68, 97, 131, 257])('n = %i: with separate steps, the JavaScript recursion\'s bits (native off), special entries included', (n) => {
    useFusedSteps(false);
    for (const [what, a] of specials(n, 300 + n)) {
      useNativeKernel(true);
      const natively = everything(a);
      useNativeKernel(false);
      const recursion = everything(a);
      expect(natively, what).toEqual(recursion);
    }
  });

  it('with fused steps: the same bits on one thread and on two, on four lanes and on eight', () => {
    for (const n of [131, 300]) {
      const a = randn([n, n], 7 + n);
      ad.config({ threads: 2 });
      const two = everything(a);
      ad.config({ threads: 1 });
      expect(everything(a)).toEqual(two);
      if (wide) {
        useWideVectors(false);
        expect(everything(a)).toEqual(two);
      }
    }
  });

  it('a batch: each matrix factored as alone', () => {
    const n = 90, batch = randn([3, n, n], 17), all = linalg.luFactor(batch).lu.toFloat64Array();
    for (let t = 0; t < 3; t++) {
      const alone = linalg.luFactor(ad.tensor(batch.toFloat64Array().slice(t * n * n, (t + 1) * n * n), [n, n])).lu.toFloat64Array();
      expect(Array.from(all.subarray(t * n * n, (t + 1) * n * n))).toEqual(Array.from(alone));
    }
  });
});

describe.skipIf(!available)('the native solve against one vector', () => {
  /** triangular.ts's one-vector steps, written out: each x_i takes the solved x_p out in solving order. */
  function reference(a: Float64Array, aOff: number, n: number, transposeA: boolean, forward: boolean, unit: boolean, x: Float64Array, xOff: number, r0: number, r1: number): void {
    const at = (i: number, p: number) => a[aOff + (transposeA ? p * n + i : i * n + p)]!;
    for (let step = r0; step < r1; step++) {
      const i = forward ? step : r1 - 1 - (step - r0);
      let s = x[xOff + i]!;
      for (let q = forward ? r0 : r1 - 1; forward ? q < i : q > i; q += forward ? 1 : -1) {
        const f = at(i, q);
        if (f !== 0) s -= f * x[xOff + q]!;
      }
      x[xOff + i] = unit ? s : s / at(i, i);
    }
  }

  it('every triangle, transpose and diagonal, at offsets and over sub-ranges: the JavaScript steps\' bits', () => {
    const native = nativeSubstituteVector()!;
    let seed = 5;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const n of [1, 3, 4, 5, 16, 17, 100, 131]) {
      const aOff = 3, xOff = 2;
      const a = Float64Array.from({ length: aOff + n * n + 1 }, (_, i) => (i % 11 === 0 ? 0 : i % 23 === 0 ? -0 : random()));
      for (let i = 0; i < n; i++) a[aOff + i * n + i] = 2 + Math.abs(random()); // a diagonal away from 0
      if (n > 10) { a[aOff + 5 * n + 2] = Infinity; a[aOff + 9 * n + 8] = NaN; }
      for (const transposeA of [false, true]) for (const forward of [false, true]) for (const unit of [false, true]) {
        for (const [r0, r1] of [[0, n], [Math.floor(n / 3), n - Math.floor(n / 4)]] as const) {
          const b = Float64Array.from({ length: xOff + n + 2 }, (_, i) => (i % 7 === 0 ? -0 : random()));
          const want = b.slice(), got = b.slice();
          reference(a, aOff, n, transposeA, forward, unit, want, xOff, r0, r1);
          native(a, aOff, n, transposeA, forward, unit, got, xOff, r0, r1);
          const bits = (x: Float64Array) => Array.from(x, (v) => (Object.is(v, -0) ? '-0' : String(v))); // −0 told apart
          expect(bits(got), `n ${n} ${transposeA ? 'Aᵀ' : 'A'} ${forward ? 'forward' : 'backward'} ${unit ? 'unit' : ''} [${r0}, ${r1})`).toEqual(bits(want));
        }
      }
    }
  });

  it('solves through linalg give the same bits with it and without it (separate steps)', () => {
    useFusedSteps(false);
    for (const n of [20, 150]) {
      const m = ad.add(randn([n, n], 40 + n), ad.mul(ad.eye(n), n / 4)), b = randn([n], 41);
      const run = () => [
        ...linalg.solve(m, b).toFloat64Array(),
        ...linalg.triangularSolve(m, b, { lower: true }).toFloat64Array(),
        ...linalg.triangularSolve(m, b, { lower: false, transposeA: true, unitDiagonal: true }).toFloat64Array(),
        ...ad.grad((mm: ad.Tensor) => ad.sum(ad.sin(linalg.solve(mm, b))))(m).toFloat64Array(),
      ];
      useNativeKernel(true);
      const natively = run();
      useNativeKernel(false);
      expect(natively).toEqual(run());
    }
  });

  it('refuses arguments that reach past the arrays', () => {
    const native = nativeSubstituteVector()!;
    const a = new Float64Array(16), x = new Float64Array(4);
    expect(() => native(a, 0, 4, false, true, true, x, 0, 0, 4)).not.toThrow();
    expect(() => native(a, 1, 4, false, true, true, x, 0, 0, 4)).toThrow(RangeError);
    expect(() => native(a, 0, 4, false, true, true, x, 1, 0, 4)).toThrow(RangeError);
    expect(() => native(a, 0, 4, false, true, true, x, 0, 3, 2)).toThrow(RangeError);
    expect(() => native(a, 0, 4, false, true, true, x, 0, 0, 5)).toThrow(RangeError);
    expect(() => native(a, 0.5, 4, false, true, true, x, 0, 0, 4)).toThrow(RangeError);
  });
});
