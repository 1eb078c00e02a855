/**
 * @file cumprod's forward mode and second derivatives where the plain recurrences leave the float64
 * range although the entries need not (src/tensor/kernels/cumprodDerivatives.ts): jvp, hvp,
 * hessian, grad of grad, jvp of jvp and grad of jvp against exact rational arithmetic (BigInt mantissas times powers of two:
 * every input is m · 2^p, so its exact value is known; each entry is rounded once), on random lanes
 * of factors near 2^±1000 with zeros, every axis, reverse and exclusive; and bit for bit the
 * values of the rules written as ops (kept below as they were) on ordinary inputs and in lanes
 * holding ±∞ or NaN.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { mulberry, roundExact, split } from './oracle.js';
import { internal } from '../support/internalTensor.js';
import { cumprodAlong } from '../../src/products/cumprod.js';
import { linearRecurrence, shiftNext, shiftPrev } from '../../src/products/recurrence.js';
import { mulStrong } from '../../src/ops/binary.js';

const EPS = 2 ** -53;


// ---- exact arithmetic: [m, e] is m · 2^e ----

type Exact = [bigint, number];
const ZERO: Exact = [0n, 0];
const ONE: Exact = [1n, 0];
const mulE = (a: Exact, b: Exact): Exact => [a[0] * b[0], a[1] + b[1]];
function addE(a: Exact, b: Exact): Exact {
  if (a[0] === 0n) return b;
  if (b[0] === 0n) return a;
  const e = Math.min(a[1], b[1]);
  return [(a[0] << BigInt(a[1] - e)) + (b[0] << BigInt(b[1] - e)), e];
}
const absE = (a: Exact): Exact => [a[0] < 0n ? -a[0] : a[0], a[1]];
const toNumber = (a: Exact): number => roundExact(a[0], a[1]);

/** Π_{j≤k, j∉skip} X_j. */
function prefixExcept(X: readonly Exact[], k: number, skip: readonly number[]): Exact {
  let p = ONE;
  for (let j = 0; j <= k; j++) if (!skip.includes(j)) p = mulE(p, X[j]!);
  return p;
}

/** ċ of one lane in scan order: ċ_k = Σ_{i≤k} t_i Π_{j≤k, j≠i} x_j, moved one place on when exclusive. */
function exactTangent(X: readonly Exact[], T: readonly Exact[], exclusive: boolean): Exact[] {
  const inc = X.map((_, k) => {
    let s = ZERO;
    for (let i = 0; i <= k; i++) s = addE(s, mulE(T[i]!, prefixExcept(X, k, [i])));
    return s;
  });
  return exclusive ? [ZERO, ...inc.slice(0, -1)] : inc;
}

/** (tᵀH^k u)_k of one lane: Σ_{i≠m; i,m≤k} t_i u_m Π_{j≤k, j∉{i,m}} x_j (jvp of jvp), moved one place on when exclusive. */
function exactSecondTangent(X: readonly Exact[], T: readonly Exact[], U: readonly Exact[], exclusive: boolean): Exact[] {
  const inc = X.map((_, k) => {
    let s = ZERO;
    for (let i = 0; i <= k; i++) for (let m = 0; m <= k; m++) if (i !== m) s = addE(s, mulE(mulE(T[i]!, U[m]!), prefixExcept(X, k, [i, m])));
    return s;
  });
  return exclusive ? [ZERO, ...inc.slice(0, -1)] : inc;
}

/** The Hessian of Σ_k w_k y_k (y the lane's cumprod, in scan order): Σ_K w'_K Π_{j≤K, j∉{i,m}} x_j for i ≠ m ≤ K. */
function exactHessian(X: readonly Exact[], W: readonly Exact[], exclusive: boolean): Exact[][] {
  const n = X.length;
  const w = exclusive ? [...W.slice(1), ZERO] : [...W]; // y_k = c_{k−1}: weight w_{K+1} on c_K
  return X.map((_, i) => X.map((__, m) => {
    if (i === m) return ZERO;
    let s = ZERO;
    for (let K = Math.max(i, m); K < n; K++) s = addE(s, mulE(w[K]!, prefixExcept(X, K, [i, m])));
    return s;
  }));
}

/** The lanes of `shape` along `axis` as flat indices in scan order (from the end when reverse). */
function lanes(shape: readonly number[], axis: number, reverse: boolean): number[][] {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1), n = shape[axis]!, inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out: number[][] = [];
  for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) {
    const lane = Array.from({ length: n }, (_, k) => o * n * inner + k * inner + j);
    out.push(reverse ? lane.reverse() : lane);
  }
  return out;
}

/**
 * `got` is the exact value rounded into range to within the recurrences' roundings: |got − v| ≤
 * 32ε · A + 2⁻¹⁰⁷⁴ with A the same sum over absolute values; ±∞ where the exact value overflows.
 * Where A overflows but v does not (cancellation of out-of-range terms) only NaN is refused.
 */
function agrees(got: number, v: Exact, A: Exact): boolean {
  const want = toNumber(v), scale = toNumber(A);
  if (!Number.isFinite(want)) return got === want;
  if (!Number.isFinite(scale)) return !Number.isNaN(got);
  return Math.abs(got - want) <= 32 * EPS * scale + 2 ** -1074;
}

/** m · 2^p: factors near 2^±1000 (their products leave the range), ordinary ones, and zeros. */
function draw(rand: () => number, zeros: number): number {
  if (rand() < zeros) return 0;
  const m = (1 + Math.floor(rand() * 15)) * (rand() < 0.3 ? -1 : 1);
  const r = rand();
  const p = r < 0.3 ? -(940 + Math.floor(rand() * 80)) : r < 0.6 ? 940 + Math.floor(rand() * 80) : Math.floor(rand() * 9) - 4;
  return m * 2 ** p;
}

// ---- the rules as ops, as cumprod.ts wrote them before its derivatives were kernels ----

function oldTangent(x: Tensor, t: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  const X = internal(x);
  const e = cumprodAlong(X, axis, reverse, true);
  const inc = linearRecurrence(X, mulStrong(internal(t), e), axis, reverse);
  return (exclusive ? shiftPrev(inc, axis, reverse) : inc) as unknown as Tensor;
}

function oldCotangent(x: Tensor, g: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  const X = internal(x);
  const e = cumprodAlong(X, axis, reverse, true);
  const gi = exclusive ? shiftNext(internal(g), axis, reverse) : internal(g);
  return mulStrong(linearRecurrence(shiftNext(X, axis, reverse), gi, axis, !reverse), e) as unknown as Tensor;
}

const values = (t: Tensor): number[] => Array.from(t.toFloat64Array());
const sameBits = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (v === 0 && b[i] === 0));

const SHAPES: number[][] = [[5], [4, 3], [2, 5], [3, 2, 4], [2, 4, 2]];

interface Case { shape: number[]; axis: number; reverse: boolean; exclusive: boolean; x: Tensor; t: Tensor; w: Tensor; v: Tensor }

function cases(seed: number, count: number, zeros: number): Case[] {
  const rand = mulberry(seed);
  return Array.from({ length: count }, (_, c) => {
    const shape = SHAPES[c % SHAPES.length]!;
    const size = shape.reduce((a, b) => a * b, 1);
    const make = (z: number) => ad.tensor(Array.from({ length: size }, () => draw(rand, z))).reshape(shape);
    return {
      shape, axis: Math.floor(rand() * shape.length), reverse: rand() < 0.5, exclusive: rand() < 0.5,
      x: make(zeros), t: make(0.15), w: make(0.15), v: make(0.15),
    };
  });
}

const asExact = (t: Tensor): Exact[] => values(t).map((v) => split(v));

describe('cumprod: jvp, hvp, hessian and grad of grad exact where the entries are in range', () => {
  it('x = [1e300, 1e300, 1e-300, 1e-300, 2] (jvp along e₂ gave [0, 0, ∞, ∞, ∞]; the hvp [0, 0, ∞, 1e300, 0]; Hessians ∞, NaN or 0 for 1e300 and 1e-300)', () => {
    const x = ad.tensor([1e300, 1e300, 1e-300, 1e-300, 2]);
    // Python: float(Fraction(1e300) * Fraction(1e300) * Fraction(1e-300)) = 1.0000000000000002e300.
    const [, t] = ad.jvp((z: Tensor) => ad.cumprod(z, 0), [x], [ad.tensor([0, 0, 1, 0, 0])]) as [Tensor, Tensor];
    expect(values(t)).toEqual([0, 0, Infinity, 1.0000000000000002e300, 2.0000000000000004e300]);
    const f = (z: Tensor) => ad.take(ad.cumprod(z, 0), 4, 0);
    const want = [1e-300, 1e-300, 1.0000000000000002e300, 1.0000000000000002e300, 0];
    expect(values(ad.hvp(f, x, ad.tensor([0, 0, 0, 0, 1])))).toEqual(want);
    expect(values(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.grad(f)(z), ad.tensor([0, 0, 0, 0, 1]))))(x))).toEqual(want);
    const H = [
      [0, 0, 2, 2, 1e-300], [0, 0, 2, 2, 1e-300], [2, 2, 0, Infinity, 1.0000000000000002e300],
      [2, 2, Infinity, 0, 1.0000000000000002e300], want,
    ];
    for (const h of [ad.hessian(f)(x), ad.jacfwd(ad.grad(f))(x), ad.jacrev(ad.grad(f))(x), ad.jacfwd(ad.jacfwd(f))(x), ad.jacrev(ad.jacfwd(f))(x)]) {
      expect(h.toArray()).toEqual(H);
    }
  });

  it('random lanes of factors near 2^±1000 with zeros: every axis, reverse and exclusive, against BigInt arithmetic', () => {
    let checked = 0, oldWrong = 0;
    for (const c of cases(91, 60, 0.12)) {
      const { shape, axis, reverse, exclusive, x, t, w, v } = c;
      const opts = { reverse, exclusive };
      const f = (z: Tensor) => ad.sum(ad.mul(ad.cumprod(z, axis, opts), w));
      const jv = values((ad.jvp((z: Tensor) => ad.cumprod(z, axis, opts), [x], [t]) as [Tensor, Tensor])[1]);
      const hv = values(ad.hvp(f, x, v));
      const gg = values(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.grad(f)(z), v)))(x));
      const tangentOf = (z: Tensor) => (ad.jvp((y: Tensor) => ad.cumprod(y, axis, opts), [z], [t]) as [Tensor, Tensor])[1];
      const jj = values((ad.jvp(tangentOf, [x], [v]) as [Tensor, Tensor])[1]);
      const gj = values(ad.grad((z: Tensor) => ad.sum(ad.mul(tangentOf(z), w)))(x));
      const oldJv = values(oldTangent(x, t, axis, reverse, exclusive));
      const oldHv = values((ad.jvp((z: Tensor) => oldCotangent(z, w, axis, reverse, exclusive), [x], [v]) as [Tensor, Tensor])[1]);
      const size = jv.length;
      const hess = shape.length <= 2 ? values(ad.hessian(f)(x)) : null;
      const X = asExact(x), T = asExact(t), W = asExact(w), V = asExact(v);
      for (const lane of lanes(shape, axis, reverse)) {
        const pick = (a: Exact[]) => lane.map((i) => a[i]!);
        const lx = pick(X), lt = pick(T), lw = pick(W), lv = pick(V);
        const ab = (a: Exact[]) => a.map(absE);
        const tan = exactTangent(lx, lt, exclusive), tanA = exactTangent(ab(lx), ab(lt), exclusive);
        const H = exactHessian(lx, lw, exclusive), HA = exactHessian(ab(lx), ab(lw), exclusive);
        const R = exactSecondTangent(lx, lt, lv, exclusive), RA = exactSecondTangent(ab(lx), ab(lt), ab(lv), exclusive);
        lane.forEach((p, k) => {
          const where = `shape ${shape} axis ${axis} reverse ${reverse} exclusive ${exclusive} at ${p}`;
          expect(agrees(jv[p]!, tan[k]!, tanA[k]!), `jvp ${where}: ${jv[p]} for ${toNumber(tan[k]!)}`).toBe(true);
          if (!agrees(oldJv[p]!, tan[k]!, tanA[k]!)) oldWrong++;
          expect(agrees(jj[p]!, R[k]!, RA[k]!), `jvp of jvp ${where}: ${jj[p]} for ${toNumber(R[k]!)}`).toBe(true);
          let htk = ZERO, htA = ZERO;
          lane.forEach((_, m) => { htk = addE(htk, mulE(H[k]![m]!, lt[m]!)); htA = addE(htA, mulE(HA[k]![m]!, absE(lt[m]!))); });
          expect(agrees(gj[p]!, htk, htA), `grad of jvp ${where}: ${gj[p]} for ${toNumber(htk)}`).toBe(true);
          let hvk = ZERO, hvA = ZERO;
          lane.forEach((_, m) => { hvk = addE(hvk, mulE(H[k]![m]!, lv[m]!)); hvA = addE(hvA, mulE(HA[k]![m]!, absE(lv[m]!))); });
          expect(agrees(hv[p]!, hvk, hvA), `hvp ${where}: ${hv[p]} for ${toNumber(hvk)}`).toBe(true);
          expect(agrees(gg[p]!, hvk, hvA), `grad of grad ${where}: ${gg[p]} for ${toNumber(hvk)}`).toBe(true);
          if (!agrees(oldHv[p]!, hvk, hvA)) oldWrong++;
          if (hess !== null) {
            lane.forEach((q, m) => {
              const got = hess[p * size + q]!;
              expect(agrees(got, H[k]![m]!, HA[k]![m]!), `hessian ${where}, ${q}: ${got} for ${toNumber(H[k]![m]!)}`).toBe(true);
            });
          }
          checked++;
        });
        // Entries of other lanes are exactly zero in the Hessian.
        if (hess !== null) for (const p of lane) for (let q = 0; q < size; q++) if (!lane.includes(q)) expect(hess[p * size + q] === 0).toBe(true);
      }
    }
    expect(checked).toBe(804); // 60 tensors, 12 of each shape
    // The ops' recurrences missed many of these (∞, 0 or NaN where the entry is in range): the cases test something.
    expect(oldWrong).toBeGreaterThan(50);
  });
});

describe('cumprod: the bits of the rules written as ops where those stay in range', () => {
  const configs = [
    { shape: [7], axis: 0 }, { shape: [3, 5], axis: 1 }, { shape: [4, 3], axis: 0 }, { shape: [2, 3, 4], axis: 1 }, { shape: [2, 3, 4], axis: 2 },
  ];
  it('jvp, hvp and jvp of jvp bit for bit the ops (normal factors with zeros), grad of grad to rounding', () => {
    let seed = 5, bitsGG = 0, totalGG = 0;
    for (const { shape, axis } of configs) {
      for (const reverse of [false, true]) for (const exclusive of [false, true]) {
        const x0 = ad.random.normal(shape, seed++), keep = ad.greater(ad.random.uniform(shape, seed++), 0.2);
        const x = ad.mul(x0, keep); // about a fifth exact zeros
        const t = ad.random.normal(shape, seed++), w = ad.random.normal(shape, seed++), v = ad.random.normal(shape, seed++);
        const opts = { reverse, exclusive };
        const jv = values((ad.jvp((z: Tensor) => ad.cumprod(z, axis, opts), [x], [t]) as [Tensor, Tensor])[1]);
        expect(sameBits(jv, values(oldTangent(x, t, axis, reverse, exclusive)))).toBe(true);
        const f = (z: Tensor) => ad.sum(ad.mul(ad.cumprod(z, axis, opts), w));
        const hv = values(ad.hvp(f, x, v));
        const oldHv = values((ad.jvp((z: Tensor) => oldCotangent(z, w, axis, reverse, exclusive), [x], [v]) as [Tensor, Tensor])[1]);
        expect(sameBits(hv, oldHv)).toBe(true);
        const jj = values((ad.jvp((z: Tensor) => (ad.jvp((y: Tensor) => ad.cumprod(y, axis, opts), [z], [t]) as [Tensor, Tensor])[1], [x], [v]) as [Tensor, Tensor])[1]);
        const oldJJ = values((ad.jvp((z: Tensor) => oldTangent(z, t, axis, reverse, exclusive), [x], [v]) as [Tensor, Tensor])[1]);
        expect(sameBits(jj, oldJJ)).toBe(true);
        // grad of grad transposes the recurrences (another order of operations): equal to rounding.
        const gg = values(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.grad(f)(z), v)))(x));
        const oldGG = values(ad.vjp((z: Tensor) => oldCotangent(z, w, axis, reverse, exclusive), x)[1](v)[0] as Tensor);
        gg.forEach((g, i) => expect(Math.abs(g - oldGG[i]!)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(oldGG[i]!))));
        bitsGG += gg.filter((g, i) => Object.is(g, oldGG[i]) || (g === 0 && oldGG[i] === 0)).length;
        totalGG += gg.length;
        // The first-order gradient under a transformation (jit records it traced) is the fused kernel's.
        const grad = ad.grad(f);
        expect(sameBits(values(ad.jit(grad)(x) as Tensor), values(grad(x)))).toBe(true);
      }
    }
    expect(bitsGG).toBeGreaterThan(totalGG / 2);
  });

  it('lanes with ±∞ or NaN keep the IEEE values of the plain recurrences', () => {
    const rand = mulberry(17);
    const special = [Infinity, -Infinity, NaN, 0, 1e300, 1e-300];
    for (let c = 0; c < 40; c++) {
      const shape = c % 2 === 0 ? [6] : [3, 4], axis = c % 2 === 0 ? 0 : c % 4 === 1 ? 0 : 1;
      const size = shape.reduce((a, b) => a * b, 1);
      const x = ad.tensor(Array.from({ length: size }, () => (rand() < 0.3 ? special[Math.floor(rand() * special.length)]! : draw(rand, 0.1)))).reshape(shape);
      const t = ad.tensor(Array.from({ length: size }, () => draw(rand, 0.2))).reshape(shape);
      const w = ad.tensor(Array.from({ length: size }, () => draw(rand, 0.2))).reshape(shape);
      const reverse = rand() < 0.5, exclusive = rand() < 0.5;
      const opts = { reverse, exclusive };
      const jv = values((ad.jvp((z: Tensor) => ad.cumprod(z, axis, opts), [x], [t]) as [Tensor, Tensor])[1]);
      const oldJv = values(oldTangent(x, t, axis, reverse, exclusive));
      const hv = values(ad.hvp((z: Tensor) => ad.sum(ad.mul(ad.cumprod(z, axis, opts), w)), x, t));
      const oldHv = values((ad.jvp((z: Tensor) => oldCotangent(z, w, axis, reverse, exclusive), [x], [t]) as [Tensor, Tensor])[1]);
      const xs = values(x);
      for (const lane of lanes(shape, axis, reverse)) {
        if (lane.every((p) => Number.isFinite(xs[p]))) continue;
        expect(sameBits(lane.map((p) => jv[p]!), lane.map((p) => oldJv[p]!)), `jvp lane ${lane}`).toBe(true);
        expect(sameBits(lane.map((p) => hv[p]!), lane.map((p) => oldHv[p]!)), `hvp lane ${lane}`).toBe(true);
      }
    }
  });
});

describe('cumprod derivatives under vmap and at third order', () => {
  it('vmap of jvp and of hvp is the loop, bit for bit, out-of-range lanes included', () => {
    const rand = mulberry(23);
    const X = ad.tensor(Array.from({ length: 12 }, () => draw(rand, 0.1))).reshape([3, 4]);
    const T = ad.tensor(Array.from({ length: 12 }, () => draw(rand, 0.1))).reshape([3, 4]);
    const tan = (x: Tensor, t: Tensor) => (ad.jvp((z: Tensor) => ad.cumprod(z, 0, { exclusive: true }), [x], [t]) as [Tensor, Tensor])[1];
    const hv = (x: Tensor, t: Tensor) => ad.hvp((z: Tensor) => ad.sum(ad.mul(ad.cumprod(z, 0, { reverse: true }), t)), x, t);
    for (const fn of [tan, hv]) {
      const batched = values(ad.vmap(fn)(X, T) as Tensor);
      const loop = [0, 1, 2].flatMap((b) => values(fn(ad.take(X, b, 0), ad.take(T, b, 0))));
      expect(sameBits(batched, loop)).toBe(true);
    }
  });

  it('third derivatives of Σ w·cumprod(x) agree with the closed form (ordinary inputs)', () => {
    // ∂³(Σ_k w_k c_k)/∂x_i∂x_j∂x_m = Σ_{k ≥ i,j,m} w_k Π_{l≤k, l∉{i,j,m}} x_l for distinct i, j, m.
    const xs = [1.5, -0.7, 2.1, 0.9, -1.3], ws = [0.3, -1.1, 0.8, 1.7, -0.4];
    const x = ad.tensor(xs), w = ad.tensor(ws), u = ad.tensor([0.5, 1, -2, 0.25, 1.5]);
    const f = (z: Tensor) => ad.sum(ad.mul(ad.cumprod(z, 0), w));
    const third = ad.jacfwd((z: Tensor) => ad.hvp(f, z, u))(x).toArray() as number[][];
    const us = [0.5, 1, -2, 0.25, 1.5];
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
      let want = 0;
      for (let m = 0; m < 5; m++) {
        if (i === j || j === m || i === m) continue;
        for (let k = Math.max(i, j, m); k < 5; k++) {
          let p = ws[k]!;
          for (let l = 0; l <= k; l++) if (l !== i && l !== j && l !== m) p *= xs[l]!;
          want += us[m]! * p;
        }
      }
      expect(Math.abs(third[i]![j]! - want)).toBeLessThan(1e-12);
    }
  });
});
