/**
 * @file exp, log, log1p and tanh over float64 pairs (WebAssembly SIMD f64x2), as instruction sequences
 * for ./encode.ts: range reduction, a polynomial, reconstruction, and the special values as
 * lane-wise selects (no branches). Used through ./vmath.ts.
 *
 * Accuracy (test/vmath.test.ts, 10⁶ random and edge inputs each): exp and log give the fdlibm
 * algorithms of Node 20's V8 (Math.exp and Math.log there, within 1 ulp of the exact value) to the
 * bit — the same algorithms with their branches as lane-wise selects, and so is tanh; log1p is within
 * 1 ulp of Math.log1p (so within 2 of the exact value). Newer V8s (Chromium 156's) round some of
 * Math.exp, Math.log and Math.tanh differently, so there an array of 64 elements or more (these
 * kernels) and a shorter one (Math) can differ by an ulp or two; docs/internals.md says so, and
 * `ad.config({ wasm: false })` keeps every length on Math. ±0, ±∞, NaN, negative inputs, subnormal inputs and results and the overflow and
 * underflow thresholds give exactly Math's values. Without FMA (not in the SIMD proposal) each
 * lane's arithmetic is plain IEEE double arithmetic: an element's result does not depend on its
 * lane, its neighbour or the length of the array.
 */
import { op } from './encode.js';

/** The locals an expression uses, by index (v128 locals of the function), and how it pushes a constant. */
export interface Regs {
  /** Input (read only). */
  x: number;
  /** Scratch registers. */
  t: readonly number[];
  /** Pushes the v128 with both lanes the float64 `v`. */
  k: (v: number) => number[];
  /** Pushes the v128 with both lanes the 64-bit pattern `b`. */
  bits: (b: bigint) => number[];
}

const { get, set, tee } = op;

// ---- exp ----
// fdlibm's e_exp.c, lane-wise: exp(x) = 2^k · e^r with k = round(x / ln 2) and r = hi − lo,
// hi = x − k·LN2_HI, lo = k·LN2_LO (Cody & Waite 1980: ln 2 = LN2_HI + LN2_LO with LN2_HI's low
// 21 bits zero, so k·LN2_HI and hi are exact for |k| < 2^21; only lo rounds). On
// |r| ≤ ln2/2, e^r = 1 − ((lo − r·c/(2 − c)) − hi) with c = r − t·(P1 + t(P2 + … + t·P5)),
// t = r², the Remez polynomial of fdlibm (|error| < 2^−59). 2^k is built in two halves
// 2^k1 · 2^k2 (k1 = ⌊k/2⌋) from the bits, so k from −1076 to 1024 needs no special case: e^r ·
// 2^k1 is exact and normal, and the second product rounds once — to +∞ above ln(MAX) and into
// the subnormals below −708.4. x is clamped to [−746, 710] first (beyond, the result is already
// +∞ or 0); NaN passes the clamp and the arithmetic as NaN.
const LOG2E = 1.4426950408889634;
const LN2_HI = 6.93147180369123816490e-1; // 0x3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10;
const P = [1.66666666666666019037e-1, -2.77777777770155933842e-3, 6.61375632143793436117e-5, -1.65339022054652515390e-6, 4.13813679705723846039e-8];
/** 2^52 + 1023: an integer j added to it sits in the low bits of the double's pattern, ready to be shifted into the exponent field. */
const EXP_MAGIC = 4503599627371519;
const SIGN = 0x8000000000000000n;

/** Pushes exp(x) for the v128 in local regs.x (Math.exp's value to the bit); clobbers regs.t[0..4]. */
export function expCode({ x, t, k, bits }: Regs): number[] {
  const [X, K, HI, LO, C] = t as [number, number, number, number, number];
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(get(x), k(710), op.f64x2Min, k(-746), op.f64x2Max, set(X));
  // k = trunc(x/ln2 ± 1/2), rounding half away from zero as fdlibm does
  emit(get(X), k(LOG2E), op.f64x2Mul, get(X), bits(SIGN), op.v128And, k(0.5), op.v128Or, op.f64x2Add, op.f64x2Trunc, set(K));
  emit(get(X), get(K), k(LN2_HI), op.f64x2Mul, op.f64x2Sub, set(HI));
  emit(get(K), k(LN2_LO), op.f64x2Mul, set(LO));
  emit(get(HI), get(LO), op.f64x2Sub, tee(X), get(X), op.f64x2Mul, set(C)); // X = r, C = t = r²
  // c = r − t·(P1 + t(P2 + t(P3 + t(P4 + t·P5))))
  emit(get(X), get(C), k(P[4]!), op.f64x2Mul, k(P[3]!), op.f64x2Add);
  for (let j = 2; j >= 0; j--) emit(get(C), op.f64x2Mul, k(P[j]!), op.f64x2Add);
  emit(get(C), op.f64x2Mul, op.f64x2Sub, set(C));
  // 1 − ((lo − r·c/(2 − c)) − hi)
  emit(k(1), get(LO), get(X), get(C), op.f64x2Mul, k(2), get(C), op.f64x2Sub, op.f64x2Div, op.f64x2Sub, get(HI), op.f64x2Sub, op.f64x2Sub);
  // · 2^k1 · 2^k2, k1 = ⌊k/2⌋ (in X), k2 = k − k1
  emit(get(K), k(0.5), op.f64x2Mul, op.f64x2Floor, tee(X), k(EXP_MAGIC), op.f64x2Add, op.i32(52), op.i64x2Shl, op.f64x2Mul);
  emit(get(K), get(X), op.f64x2Sub, k(EXP_MAGIC), op.f64x2Add, op.i32(52), op.i64x2Shl, op.f64x2Mul, set(C));
  // fdlibm's two shortcuts, so the result is Math.exp's to the bit: 1 + x for |x| < 2^−28, and
  // exp(1) = Math.E (V8's correction of the last bit there).
  emit(k(1), get(x), op.f64x2Add, get(C), get(x), op.f64x2Abs, k(2 ** -28), op.f64x2Lt, op.v128Bitselect, set(C));
  emit(k(Math.E), get(C), get(x), k(1), op.f64x2Eq, op.v128Bitselect);
  return code;
}

// ---- log ----
// fdlibm's e_log.c, lane-wise, its branches as selects so the result is Math.log's to the bit:
// x = 2^e · m, subnormals scaled by 2^54 first; m's high mantissa bits decide whether m is halved
// (and e + 1) so that m lies in about [√2/2, √2); f = m − 1, s = f/(2 + f), R the minimax
// polynomial Lg1…Lg7 in s² (|error| < 2^−58.45), and
//   log x = e·LN2_HI − ((hfsq − (s·(hfsq + R) + e·LN2_LO)) − f), hfsq = f²/2, for m's high bits in [0x6147a, 0x6b851],
//   log x = e·LN2_HI − ((s·(f − R) − e·LN2_LO) − f) elsewhere,
//   log x = e·LN2_HI − ((f²(1/2 − f/3) − e·LN2_LO) − f) for |f| < 2^−20.
// The exponent comes out of the bit pattern by a shift and becomes a double by the 2^52 trick.
const LG = [
  6.666666666666735130e-1, 3.999999999940941908e-1, 2.857142874366239149e-1, 2.222219843214978396e-1,
  1.818357216161805012e-1, 1.531383769920937332e-1, 1.479819860511658591e-1,
];
const TWO52 = 4503599627370496;
const MANTISSA = 0x000fffffffffffffn;
const ONE_BITS = 0x3ff0000000000000n;
const TWO52_BITS = 0x4330000000000000n;
const MIN_NORMAL = 2.2250738585072014e-308;
/** m (in [1, 2)) whose high 20 mantissa bits are `hi`: fdlibm's comparisons on the high word, as comparisons of m. */
const high = (hi: number) => 1 + hi / 2 ** 20;

/**
 * Pushes log(u) for the v128 in local `u` (which t must not include): +∞ and NaN give
 * themselves, ±0 gives −∞, negatives NaN. Clobbers t[0..7].
 */
export function logCode(u: number, { t, k, bits }: Omit<Regs, 'x'>): number[] {
  const [U, E, F, S, Z, W, H, I] = t as [number, number, number, number, number, number, number, number];
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  // Subnormals (and 0 and negatives, fixed at the end) scaled by 2^54: E starts at −54 for them, else 0.
  emit(get(u), k(MIN_NORMAL), op.f64x2Lt, set(E));
  emit(get(u), k(18014398509481984), op.f64x2Mul, get(u), get(E), op.v128Bitselect, set(U));
  emit(get(E), k(-54), op.v128And, set(E));
  // e += the biased exponent − 1023; then U = m in [1, 2)
  emit(get(U), op.i32(52), op.i64x2ShrU, bits(TWO52_BITS), op.v128Or, k(TWO52 + 1023), op.f64x2Sub, get(E), op.f64x2Add, set(E));
  emit(get(U), bits(MANTISSA), op.v128And, bits(ONE_BITS), op.v128Or, set(U));
  // I: the hfsq form's range of m; S: m halved (high bits from 0x6a09c, about √2)
  emit(get(U), k(high(0x6147a)), op.f64x2Ge, get(U), k(high(0x6b852)), op.f64x2Lt, op.v128And, set(I));
  emit(get(U), k(high(0x6a09c)), op.f64x2Ge, set(S));
  emit(get(U), k(0.5), op.f64x2Mul, get(U), get(S), op.v128Bitselect, k(1), op.f64x2Sub, set(F));
  emit(get(E), get(S), k(1), op.v128And, op.f64x2Add, set(E));
  // s = f/(2 + f), z = s², w = z², R = z(Lg1 + w(Lg3 + w(Lg5 + w·Lg7))) + w(Lg2 + w(Lg4 + w·Lg6))
  emit(get(F), k(2), get(F), op.f64x2Add, op.f64x2Div, tee(S), get(S), op.f64x2Mul, tee(Z), get(Z), op.f64x2Mul, set(W));
  emit(get(W), k(LG[6]!), op.f64x2Mul, k(LG[4]!), op.f64x2Add, get(W), op.f64x2Mul, k(LG[2]!), op.f64x2Add, get(W), op.f64x2Mul, k(LG[0]!), op.f64x2Add, get(Z), op.f64x2Mul);
  emit(get(W), k(LG[5]!), op.f64x2Mul, k(LG[3]!), op.f64x2Add, get(W), op.f64x2Mul, k(LG[1]!), op.f64x2Add, get(W), op.f64x2Mul, op.f64x2Add, set(Z)); // Z = R
  emit(get(F), get(F), op.f64x2Mul, k(0.5), op.f64x2Mul, set(H)); // hfsq
  emit(get(E), k(LN2_LO), op.f64x2Mul, set(W)); // W = e·LN2_LO
  // the hfsq form, the other form, selected by I
  emit(get(E), k(LN2_HI), op.f64x2Mul, get(H), get(S), get(H), get(Z), op.f64x2Add, op.f64x2Mul, get(W), op.f64x2Add, op.f64x2Sub, get(F), op.f64x2Sub, op.f64x2Sub);
  emit(get(E), k(LN2_HI), op.f64x2Mul, get(S), get(F), get(Z), op.f64x2Sub, op.f64x2Mul, get(W), op.f64x2Sub, get(F), op.f64x2Sub, op.f64x2Sub);
  emit(get(I), op.v128Bitselect, set(H));
  // |f| < 2^−20: e·LN2_HI − ((f²(1/2 − f/3) − e·LN2_LO) − f)
  emit(get(E), k(LN2_HI), op.f64x2Mul, get(F), get(F), op.f64x2Mul, k(0.5), k(0.33333333333333333), get(F), op.f64x2Mul, op.f64x2Sub, op.f64x2Mul, get(W), op.f64x2Sub, get(F), op.f64x2Sub, op.f64x2Sub);
  emit(get(H), get(F), k(-(2 ** -20)), op.f64x2Ge, get(F), k(2 ** -20), op.f64x2Lt, op.v128And, op.v128Bitselect, set(H));
  // The special values, as selects: bitselect(special, result, where).
  emit(get(u), get(H), get(u), k(Infinity), op.f64x2Ge, get(u), get(u), op.f64x2Ne, op.v128Or, op.v128Bitselect, set(H));
  emit(k(-Infinity), get(H), get(u), k(0), op.f64x2Eq, op.v128Bitselect, set(H));
  emit(k(NaN), get(H), get(u), k(0), op.f64x2Lt, op.v128Bitselect);
  return code;
}

/** Pushes log(x) for the v128 in local regs.x (Math.log's value to the bit); clobbers regs.t[0..7]. */
export function logOfCode(regs: Regs): number[] {
  return logCode(regs.x, regs);
}

// ---- log1p ----
// log1p(x) = log(u) + (x − (u − 1))/u with u = 1 + x rounded (Goldberg 1991, "What every computer
// scientist should know about floating-point arithmetic", theorem 4's correction to first order):
// the quotient restores what rounding 1 + x lost, exactly enough where it matters (|x| small,
// where u − 1 and x − (u − 1) are exact); for |x| < 2^−53, u = 1 and the result is x/1 = x.
// ±0, +∞ and NaN give themselves, −1 gives −∞, below −1 NaN.

/** Pushes log1p(x) for the v128 in local regs.x; clobbers regs.t[0..8]. */
export function log1pCode(regs: Regs): number[] {
  const { x, t, k } = regs;
  const U1 = t[8]!, R = t[0]!;
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  emit(get(x), k(1), op.f64x2Add, set(U1));
  emit(logCode(U1, regs));
  emit(get(x), get(U1), k(1), op.f64x2Sub, op.f64x2Sub, get(U1), op.f64x2Div, op.f64x2Add, set(R));
  emit(get(x), get(R), get(x), k(Infinity), op.f64x2Ge, get(x), get(x), op.f64x2Ne, op.v128Or, get(x), k(0), op.f64x2Eq, op.v128Or, op.v128Bitselect, set(R));
  emit(k(-Infinity), get(R), get(x), k(-1), op.f64x2Eq, op.v128Bitselect, set(R));
  emit(k(NaN), get(R), get(x), k(-1), op.f64x2Lt, op.v128Bitselect);
  return code;
}

// ---- tanh ----
// fdlibm's s_tanh.c over its s_expm1.c, as V8's Math.tanh (base/ieee754.cc) computes them, lane-wise
// with every branch a select, so the result is Math.tanh's to the bit (test/vmath.test.ts):
//   tanh x = x for |x| < 2^−28;  sign(x)·(1 − 2/(t + 2)), t = expm1(2|x|), for 1 ≤ |x| < 22;
//   sign(x)·(−t/(t + 2)), t = expm1(−2|x|), for |x| < 1;  ±1 from 22 on (and at ±∞); NaN as NaN.
// expm1(u), for the u these give (2 ≤ u < 44, or −2 < u ≤ −2^−27): k = 0 for |u| below
// HIGH(0x3fd62e43) (about ln2/2), k = −1 below HIGH(0x3ff0a2b2) (u < 0 there), else
// k = trunc(u/ln2 ± 1/2); r = hi − lo with hi = u − k·LN2_HI, lo = k·LN2_LO (Cody–Waite as in exp;
// k = 0 gives r = u, c = 0), c = (hi − r) − lo; with hfx = r/2, hxs = r·hfx,
//   r1 = 1 + hxs(Q1 + hxs(Q2 + hxs(Q3 + hxs(Q4 + hxs·Q5)))), t = 3 − r1·hfx,
//   e = hxs·((r1 − t)/(6 − r·t)),
// the Remez polynomial of fdlibm for (r/2)·coth(r/2) (|error| < 2^−61), and the result by k:
//   k = 0: r − (r·e − hxs);  else, with e' = (r(e − c) − c) − hxs:  k = −1: (r − e')/2 − 1/2;
//   k ≤ −2 or k > 56: (1 − (e' − r))·2^k − 1;  k < 20: ((1 − 2^−k) − (e' − r))·2^k;
//   else ((r − (e' + 2^−k)) + 1)·2^k.
// (Every float operation is the scalar one's, in its order; a + b and a·b are commutative in IEEE
// arithmetic, so Horner's steps may push their operands either way round.)
const INVLN2 = 1.44269504088896338700;
const Q = [-3.33333333333331316428e-2, 1.58730158725481460165e-3, -7.93650757867487942473e-5, 4.00821782732936239552e-6, -2.01099218183624371326e-7];
/** The double whose high 32 bits are `word` and low 32 bits 0: fdlibm compares high words, i.e. |u| against these. */
const highWord = (word: number): number => {
  const v = new DataView(new ArrayBuffer(8));
  v.setUint32(0, word);
  return v.getFloat64(0);
};
const HALF_LN2 = highWord(0x3fd62e43); // |u| from here: k ≠ 0
const THREE_HALVES_LN2 = highWord(0x3ff0a2b2); // |u| below here (and from HALF_LN2): k = ±1

/** Pushes tanh(x) for the v128 in local regs.x (Math.tanh's value to the bit); clobbers regs.t[0..11]. */
export function tanhCode({ x, t, k, bits }: Regs): number[] {
  const [A, B, U, K, R, C, H, S, E, Y, Z, W] = t as [number, number, number, number, number, number, number, number, number, number, number, number];
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const p of parts) code.push(...p);
  };
  const { f64x2Add: add, f64x2Sub: sub, f64x2Mul: mul, f64x2Div: div, v128Bitselect: select } = op;
  // A = |x|, B = all ones where |x| ≥ 1; U = expm1's argument, 2|x| there and −2|x| elsewhere
  emit(get(x), op.f64x2Abs, tee(A), k(1), op.f64x2Ge, set(B));
  emit(get(A), k(2), mul, tee(U), get(U), op.f64x2Neg, get(B), select, set(U));
  // K: 0 below HALF_LN2, −1 below THREE_HALVES_LN2, else trunc(u/ln2 ± 1/2) (the half with u's sign)
  emit(k(-1), get(U), k(INVLN2), mul, get(U), bits(SIGN), op.v128And, k(0.5), op.v128Or, add, op.f64x2Trunc);
  emit(get(A), k(2), mul, k(THREE_HALVES_LN2), op.f64x2Lt, select);
  emit(k(0), get(A), k(2), mul, k(HALF_LN2), op.f64x2Ge, select, set(K));
  // hi = u − k·LN2_HI (H), lo = k·LN2_LO (C), r = hi − lo, c = (hi − r) − lo
  emit(get(U), get(K), k(LN2_HI), mul, sub, set(H));
  emit(get(K), k(LN2_LO), mul, set(C));
  emit(get(H), get(C), sub, set(R));
  emit(get(H), get(R), sub, get(C), sub, set(C));
  // hfx = r/2 (H), hxs = r·hfx (S), r1 (E), t = 3 − r1·hfx (Y), e = hxs·((r1 − t)/(6 − r·t)) (E)
  emit(get(R), k(0.5), mul, set(H), get(R), get(H), mul, set(S));
  emit(get(S), k(Q[4]!), mul, k(Q[3]!), add);
  for (let j = 2; j >= 0; j--) emit(get(S), mul, k(Q[j]!), add);
  emit(get(S), mul, k(1), add, set(E));
  emit(k(3), get(E), get(H), mul, sub, set(Y));
  emit(get(S), get(E), get(Y), sub, k(6), get(R), get(Y), mul, sub, div, mul, set(E));
  // k = 0: r − (r·e − hxs) (Z); then e' = (r(e − c) − c) − hxs (E)
  emit(get(R), get(R), get(E), mul, get(S), sub, sub, set(Z));
  emit(get(R), get(E), get(C), sub, mul, get(C), sub, get(S), sub, set(E));
  // 2^k (W) and 2^−k (H) from the bits: k + 1023 in the low bits of 2^52 + 1023 + k, shifted into the exponent
  emit(get(K), k(EXP_MAGIC), add, op.i32(52), op.i64x2Shl, set(W));
  emit(k(EXP_MAGIC), get(K), sub, op.i32(52), op.i64x2Shl, set(H));
  // The result by k, innermost branch first: k ≥ 20, k < 20, k ≤ −2 or k > 56, k = −1, k = 0
  emit(get(R), get(E), get(H), add, sub, k(1), add, get(W), mul, set(Y));
  emit(k(1), get(H), sub, get(E), get(R), sub, sub, get(W), mul, get(Y), get(K), k(20), op.f64x2Lt, select, set(Y));
  emit(k(1), get(E), get(R), sub, sub, get(W), mul, k(1), sub, get(Y));
  emit(get(K), k(-2), op.f64x2Le, get(K), k(56), op.f64x2Gt, op.v128Or, select, set(Y));
  emit(k(0.5), get(R), get(E), sub, mul, k(0.5), sub, get(Y), get(K), k(-1), op.f64x2Eq, select, set(Y));
  emit(get(Z), get(Y), get(K), k(0), op.f64x2Eq, select, set(Y));
  // tanh |x|: 1 − 2/(t + 2) from 1 on, −t/(t + 2) below; |x| itself below 2^−28; 1 from 22 on
  emit(k(1), k(2), get(Y), k(2), add, div, sub, get(Y), op.f64x2Neg, get(Y), k(2), add, div, get(B), select, set(Z));
  emit(get(A), get(Z), get(A), k(2 ** -28), op.f64x2Lt, select, set(Z));
  emit(k(1), get(Z), get(A), k(22), op.f64x2Ge, select, set(Z));
  // x's sign (tanh |x| ≥ 0 has none): −z for negative x, x for tiny x, NaN stays NaN
  emit(get(x), bits(SIGN), op.v128And, get(Z), op.v128Or);
  return code;
}
