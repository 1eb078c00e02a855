/**
 * @file Modified Bessel functions of the first kind, scalar kernels: I₀, I₁, their exponentially
 * scaled forms e^{−|x|} I_ν(x), and I_n(x)/xⁿ (for the derivatives of I₁). The power series (A&S 9.6.10)
 *   I_ν(x) = (x/2)^ν Σₖ yᵏ / (k! (k + ν)!),  y = x²/4,
 * has all terms positive. I₀, I₁, i0e, i1e (besselIFast, helper 96; 30–80 ns where the double-double
 * series to |x| = 60 took 0.3–1.6 µs) are within 1 ulp of mpmath for every x: |x| ≤ 2 the series with
 * its leading terms in double-double, |x| > 2 √x·e^{−x}I_ν(x) = K·(1 + h(t)) in four pieces (K double-double,
 * |h| ≤ 0.08 in doubles, fitted with mpmath), with 1/√x and e^{±x} (Tang's table method) to ~1e−18 and
 * the products exact (Dekker), so the only sizable error is the final rounding. I_n/xⁿ (besselIOverPower)
 * keeps the double-double series to |x| = 30 and the recurrence from i0e, i1e beyond.
 */

const SERIES_LIMIT = 30;

/** a·b − fl(a·b), exactly (Dekker: Veltkamp's split into 26-bit halves), for |a|, |b| < 1e150. */
function productError(a: number, b: number, p: number): number {
  const ca = 134217729 * a, cb = 134217729 * b; // 2²⁷ + 1
  const ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * Σₖ yᵏ/(k!(k + ν)!) with y = (ax/2)², in double-double arithmetic (hi + lo pairs; Dekker 1971).
 * In plain doubles the rounding of y enters term k as (1 + δ)ᵏ and every step of the recurrence
 * tₖ = tₖ₋₁·y/(k(k + ν)) adds two more roundings that all later terms inherit; the terms peak near
 * k ≈ ax/2, so the sum was off by up to 9 ulp at ax ≈ 25 (i0(−1.7026351332480838) 5 ulp, i1(22.53) 11).
 * Carried to ~2⁻¹⁰⁴ it is rounded once at the end. The sum is unscaled (no e^{−x}·e^{x} round trip).
 */
function besselSeries(nu: number, ax: number): number {
  const h = 0.5 * ax;
  const yh = h * h;
  const yl = yh > 1e-290 ? productError(h, h, yh) : 0; // below, y·2⁻⁵³ is under every term's last bit
  let th = 1;
  for (let k = 2; k <= nu; k++) th /= k; // 1/ν!: exact for ν ≤ 2 (the callers' orders are small)
  let tl = 0, sh = th, sl = 0;
  for (let k = 1; k < 500; k++) {
    // t ← t·y, then t ← t/d with d = k(k + ν) an exact integer.
    let p = th * yh;
    let e = (yh > 1e-290 ? productError(th, yh, p) : 0) + (th * yl + tl * yh);
    th = p + e; tl = e - (th - p);
    const d = k * (k + nu);
    const q = th / d;
    p = q * d;
    e = productError(q, d, p);
    const ql = ((th - p) - e + tl) / d;
    th = q + ql; tl = ql - (th - q);
    // s ← s + t (Knuth's two-sum).
    const s = sh + th, bv = s - sh;
    const err = (sh - (s - bv)) + (th - bv) + sl + tl;
    sh = s + err; sl = err - (sh - s);
    if (th <= 1e-33 * sh) break;
  }
  return sh + sl;
}

/** The series' coefficients 1/(k!(k + ν)!) for k = 3..12, zero-padded to 12 for poly4. */
const SERIES_TAIL: ReadonlyArray<Float64Array> = [0, 1].map((nu) => {
  const c = new Float64Array(12);
  let f = 1;
  for (let k = 1; k <= 12; k++) { f *= k * (k + nu); if (k >= 3) c[k - 3] = 1 / f; }
  return c;
});

/**
 * Σₖ yᵏ/(k!(k + ν)!), y = (ax/2)², for 1e−140 ≤ ax ≤ 2 (the term k = 12 is < 1e−19 of the sum), as a
 * double-double (hi, lo in DD). The leading terms, 1 + y + y²/4 (ν = 0) or 1 + y/2 (ν = 1), have exact
 * coefficients and are summed exactly from y = yh + yl and y² = q + qe (Dekker); the rest, y³·Σₖ≥₃ (≤ 1.3% of
 * the sum) or y²·Σₖ≥₂ (≤ 5.7%), in doubles, so their few ulp of rounding weigh ≤ 0.15 of one.
 */
function seriesSum(nu: 0 | 1, ax: number): void {
  const h = 0.5 * ax;
  const yh = h * h, yl = productError(h, h, yh); // y ≥ 2.5e−281: the products are exact
  const q = yh * yh, qe = productError(yh, yh, q) + 2 * yh * yl;
  const tail = poly4(SERIES_TAIL[nu]!, yh);
  let b: number, lo: number;
  if (nu === 0) {
    const a = 1 + yh, q4 = 0.25 * q; // yh ≤ 1 ≤ a and q/4 ≤ a: fast two-sums
    b = a + q4;
    lo = (yh - (a - 1)) + (q4 - (b - a)) + (yl + 0.25 * qe + q * yh * tail);
  } else {
    const y2 = 0.5 * yh, r = 1 / 12 + yh * tail;
    b = 1 + y2;
    lo = (y2 - (b - 1)) + (0.5 * yl + (q * r + qe * r));
  }
  const sh = b + lo;
  DD[0] = sh; DD[1] = lo - (sh - b);
}
const DD = new Float64Array(2);

/** 2^{j/16}, j = 0..15, as double-double (hi, lo) pairs (mpmath, 50 digits). */
const EXP2_16 = [
  1.0, 0.0, 1.0442737824274138, 8.551889705537965e-17, 1.0905077326652577, -3.046782079812471e-17,
  1.1387886347566916, 8.912812676025408e-17, 1.189207115002721, 3.982015231465646e-17, 1.241857812073484, 4.658027591836937e-17,
  1.2968395546510096, 2.5382502794888315e-17, 1.3542555469368927, 7.70094837980299e-17, 1.4142135623730951, -9.667293313452913e-17,
  1.4768261459394993, -3.483994556892796e-17, 1.5422108254079407, 7.949834809697621e-17, 1.6104903319492543, 2.4707192569797888e-17,
  1.681792830507429, 8.199010020581497e-17, 1.7562521603732995, 2.960140695448873e-17, 1.8340080864093424, 3.283107224245627e-17,
  1.9152065613971474, -1.0619946056195963e-16,
];
/** ln2/16 = LN2_16_HI + LN2_16_LO, the high part with 36 significant bits (so N·HI is exact for |N| < 2¹⁷). */
const LN2_16_HI = 0.04332169878489367, LN2_16_LO = 1.0291218489310676e-13;
const POW2 = new Float64Array(1024).map((_, k) => 2 ** k);
const POW2_NEG = new Float64Array(16).map((_, k) => 2 ** -k);
/** The table's high parts split in 26-bit halves (Veltkamp), for products with them exact without re-splitting. */
const EXP2_16_SPLIT = new Float64Array(32).map((_, i) => {
  const v = EXP2_16[2 * (i >> 1)]!, c = 134217729 * v, h = c - (c - v);
  return i & 1 ? v - h : h;
});
/** a·T − fl(a·T) exactly, T = EXP2_16[2j] (whose halves are EXP2_16_SPLIT[2j], [2j + 1]), p = fl(a·T). */
function productErrorExp(a: number, j: number, p: number): number {
  const ca = 134217729 * a, ah = ca - (ca - a), al = a - ah, bh = EXP2_16_SPLIT[2 * j]!, bl = EXP2_16_SPLIT[2 * j + 1]!;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * e^{x} for |x| ≤ 715 as 2^m · (hi + lo) with 1 ≤ hi < 2 (Tang's method: x = (16m + j)·ln2/16 + r,
 * |r| ≤ ln2/32, e^{r} − 1 by its Taylor polynomial of degree 8), relative error ~1e−18; returns m, hi, lo, j in EXP.
 */
function expDD(x: number): void {
  const n = (x * 23.083120654223414 + 6755399441055744) - 6755399441055744; // round(16x/ln2): 1.5·2⁵² leaves no fraction bits
  const j = n & 15;
  const a = x - n * LN2_16_HI, b = -n * LN2_16_LO; // a exact (Sterbenz); r = a + b = rh + rl (two-sum)
  const rh = a + b, bv = rh - a, rl = (a - (rh - bv)) + (b - bv);
  const p = rh + (rl + rh * rh * (0.5 + rh * (1 / 6 + rh * (1 / 24 + rh * (1 / 120 + rh * (1 / 720 + rh * (1 / 5040 + rh / 40320)))))));
  const th = EXP2_16[2 * j]!;
  EXP[0] = (n - j) / 16; EXP[1] = th; EXP[2] = EXP2_16[2 * j + 1]! + th * p; EXP[3] = j;
}
const EXP = new Float64Array(4);

/**
 * √x·e^{−x}·I_ν(x) = K·(1 + h(t)) for x ≥ 2, in four pieces [ν][piece] = [K hi, K lo, h's coefficients]:
 * x ∈ [2, 4] in t = 8/x − 3, [4, 8] in t = 16/x − 3, [8, 16] in t = 32/x − 3, x ≥ 16 in t = 32/x − 1 (|t| ≤ 1;
 * → 1/√(2π) as x → ∞). K, a double-double, is the mid-range of √x·e^{−x}I_ν on the piece, so |h| ≤ 0.03
 * (0.08 for I₁ on [2, 4]) and h's rounding weighs ≤ 0.15 of an ulp. Fitted with mpmath at 50 digits
 * (besseli): interpolation at 64 Chebyshev nodes, the series truncated where the dropped |cₖ| sum to
 * < 3e−19, then expanded in powers of t (Σ|aₖ| ≈ max|h|: well conditioned), zero-padded to a multiple of 4.
 */
const ASYMPT: ReadonlyArray<ReadonlyArray<readonly [number, number, Float64Array]>> = [
  [
    [0.4251502481541742, 8.419155817519268e-18, Float64Array.of(-0.0011547272603681363, 0.02710441980546682, 0.0011851599927644788, -0.0009537715670402111, -1.5598338450168636e-05, 6.768249180943808e-05, -1.6377437297096703e-05, -2.1720339090052083e-07, 1.4513446531283571e-06, -5.545165526779563e-07, 1.0467316547416602e-07, 4.030158852965654e-09, -1.158062286993211e-08, 5.161306215725296e-09, -1.4336220282911057e-09, 2.2693493187575335e-10, 2.1425852345730238e-11, -3.547339788441978e-11, 1.7724551956189143e-11, -5.116609240746258e-12, 6.268142589958788e-13, 0.0, 0.0, 0.0)],
    [0.40984509240128364, -1.8248704407441033e-18, Float64Array.of(-0.0006647997051821196, 0.01007482738910255, 0.0006728728912756579, 7.863988936200756e-05, -8.357224233990732e-06, -6.837610113203742e-06, 3.735469986292323e-07, 5.234724397433165e-07, -1.0401871211119e-07, -2.4893471473819773e-08, 1.5363270405259774e-08, -2.0756361192286447e-09, -7.722613022241727e-10, 4.591201880069739e-10, -9.408395584611006e-11, -7.493156509180648e-12, 1.2371411840733264e-11, -4.8686700399913235e-12, 7.130735051906829e-13, 3.584943716940518e-13, -1.5569818924304148e-13, 0.0, 0.0, 0.0)],
    [0.40393142589980097, 1.099810554003675e-17, Float64Array.of(-9.677324038655355e-05, 0.00433982382928862, 9.633196715759295e-05, 4.702240157382751e-06, 4.336513608961835e-07, 6.545430789961936e-08, 8.688119647312314e-09, -1.3766759265127229e-09, -1.148968346529742e-09, -1.074996980062274e-10, 9.052814588302065e-11, 1.3544949696660527e-11, -8.621644353532941e-12, -7.806794874332429e-13, 8.71208983219286e-13, 2.1144687078974313e-16, -6.094690572297165e-14, 0.0, 0.0, 0.0)],
    [0.4005593949232204, -2.5196205007040704e-17, Float64Array.of(-7.593314854971858e-05, 0.004034396448727698, 7.578155412730522e-05, 2.7324142735536892e-06, 1.5044752632337214e-07, 1.1408548552353358e-08, 1.1248477561614382e-09, 1.391589286090984e-10, 2.112147254812499e-11, 3.8829935588455195e-12, 8.290631383224768e-13, 1.966968794594685e-13, 8.7668456358086e-14, 5.241392411970144e-14, 1.0129849472169185e-14, -2.5605744406086114e-15)],
  ],
  [
    [0.3309692137115675, -1.5620158360086874e-17, Float64Array.of(0.003331421741212848, -0.08144171822490484, -0.0034399231079521838, 0.0013756067206947505, 9.079588882129715e-05, -0.00010211691139053647, 2.000134419571741e-05, 1.5522707896471338e-06, -2.197556868272214e-06, 7.358203175799007e-07, -1.1737672792351048e-07, -1.4167751141022009e-08, 1.7355158734165654e-08, -6.982488898999459e-09, 1.7873436472700044e-09, -2.3058428174048136e-10, -5.0375655846286013e-11, 4.900822230100929e-11, -2.4248603928319888e-11, 7.9455704693767e-12, -5.59604578604797e-13, -3.398264648650196e-13, 0.0, 0.0)],
    [0.36845697280751105, -2.5307970314353164e-17, Float64Array.of(0.0010736441608098857, -0.029625699980672035, -0.001081275909825861, -0.00011516502624439676, 7.775624299288675e-06, 8.580147350252887e-06, -2.3658997875098815e-07, -6.489183996608465e-07, 1.0949131681903334e-07, 3.370045644609303e-08, -1.7869053569490955e-08, 2.0155100819444416e-09, 1.0086807298927958e-09, -5.328188884686929e-10, 9.907806383215616e-11, 1.2356199745996357e-11, -1.4802112947449046e-11, 5.443473998813909e-12, -7.014592589254924e-13, -4.325447594752694e-13, 1.769665619740429e-13, 0.0, 0.0, 0.0)],
    [0.38440536281801185, 1.1258129897368106e-17, Float64Array.of(0.0001599647016840699, -0.012982575297260207, -0.0001594107619349461, -6.490742956810025e-06, -5.445928507023791e-07, -7.84110969162537e-08, -1.054249657716849e-08, 1.3819571878125415e-09, 1.2851147796536894e-09, 1.3606817418357337e-10, -9.79086156737171e-11, -1.6312226325454314e-11, 9.27082466916425e-12, 9.87675657527981e-13, -9.458274183296587e-13, -9.932145971705975e-15, 6.699452055212863e-14, 0.0, 0.0, 0.0)],
    [0.3941703697136525, 1.3082804871075425e-17, Float64Array.of(0.00012645215444453926, -0.012102376681380405, -0.00012625756487580334, -3.82282222883075e-06, -1.9323768603580456e-07, -1.3924576033995723e-08, -1.3269930469798851e-09, -1.6020895794962642e-10, -2.3870801767780354e-11, -4.3244239701787654e-12, -9.140211344831122e-13, -2.154482137641841e-13, -9.373056496492427e-14, -5.551808502803303e-14, -1.10998578961751e-14, 2.509617897005084e-15)],
  ],
];

/** Σ cₖtᵏ as four interleaved Horner chains in t⁴ (c.length a multiple of 4): a quarter of Horner's latency. */
function poly4(c: Float64Array, t: number): number {
  const t2 = t * t, t4 = t2 * t2;
  let n = c.length - 4;
  let s0 = c[n]!, s1 = c[n + 1]!, s2 = c[n + 2]!, s3 = c[n + 3]!;
  for (n -= 4; n >= 0; n -= 4) {
    s0 = s0 * t4 + c[n]!; s1 = s1 * t4 + c[n + 1]!; s2 = s2 * t4 + c[n + 2]!; s3 = s3 * t4 + c[n + 3]!;
  }
  return (s0 + t * s1) + t2 * (s2 + t * s3);
}

/**
 * e^{−s·ax}·I_ν(ax) for ax ≥ 0 finite, s = 1 (scaled) or 0, to ~1e−17 before its one rounding (≤ 1 ulp).
 * ax ≤ 2: the series (seriesSum), times e^{−ax} (expDD) when scaled, as double-doubles. Beyond:
 * e^{ax}·K(1 + h)/√x (ASYMPT), with 1/√x to double-double by a Newton step, h in doubles (its rounding
 * weighs ≤ 0.15 of an ulp), e^{ax} by expDD, the products exact (Dekker) and the power of two applied
 * last (so no overflow before I_ν itself overflows at 713.98).
 */
function besselIFast(nu: 0 | 1, ax: number, scaled: boolean): number {
  if (ax <= 2) {
    if (ax < 1e-140) return nu === 0 ? (scaled ? 1 - ax : 1) : 0.5 * ax * (scaled ? 1 - ax : 1);
    seriesSum(nu, ax);
    let sh = DD[0]!, sl = DD[1]!;
    if (nu === 1) { const h = 0.5 * ax, p = h * sh; sl = productError(h, sh, p) + h * sl; sh = p; }
    if (!scaled) return sh + sl;
    expDD(-ax);
    const eh = EXP[1]!, p = sh * eh;
    return (p + (productErrorExp(sh, EXP[3]! | 0, p) + sh * EXP[2]! + sl * eh)) * POW2_NEG[-EXP[0]! | 0]!; // 2^m, m ∈ [−3, 0]
  }
  const rh = 1 / Math.sqrt(ax), a = rh * rh; // 1/√x = rh + rl, 1/x = a + ue
  let rl = 0, ue = 0;
  if (ax < 1e100) { // 1/√x = rh·(1 − (x·rh² − 1)/2 + …), x·rh² − 1 from exact products
    const ae = productError(rh, rh, a), b = a * ax;
    rl = -0.5 * rh * ((b - 1) + productError(a, ax, b) + ae * ax);
    ue = ae + 2 * rh * rl;
  }
  const piece = ASYMPT[nu]![ax <= 4 ? 0 : ax <= 8 ? 1 : ax <= 16 ? 2 : 3]!;
  const t = ax <= 16 ? (ax <= 4 ? (8 * a - 3) + 8 * ue : ax <= 8 ? (16 * a - 3) + 16 * ue : (32 * a - 3) + 32 * ue)
    : (32 * a - 1) + 32 * ue; // 1/x = a + ue; the k·a − 3 are exact
  const wh = piece[0], wl = piece[1] + piece[0] * poly4(piece[2], t); // K·(1 + h)
  const p1 = wh * rh, f1 = productError(wh, rh, p1) + (wh * rl + wl * rh);
  if (scaled) return p1 + f1;
  expDD(ax);
  const eh = EXP[1]!, p2 = eh * p1;
  const v = p2 + (productErrorExp(p1, EXP[3]! | 0, p2) + eh * f1 + EXP[2]! * (p1 + f1)); // EXP[2] and f1 reach 3% and 10%: keep their product
  const m = EXP[0]! | 0, m1 = m >> 1; // integers: a double index would take V8's slow keyed load
  return v * POW2[m1]! * POW2[m - m1]!;
}

/** e^{−|x|} I_ν(x) for ν = 0 or 1; I₀ is even and I₁ odd. NaN gives NaN, ±∞ gives 0. */
export function besselIScaled(nu: 0 | 1, x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === Infinity) return 0;
  const value = besselIFast(nu, ax, true);
  return nu === 1 && x < 0 ? -value : value;
}

/** e^{ax}·v, in two factors past 700 so that I₀(713) (≈ 6.7e307) is finite although e^{713} is not. */
function unscale(v: number, ax: number): number {
  if (ax <= 700) return v * Math.exp(ax);
  const half = Math.exp(0.5 * ax);
  return v * half * half;
}

/** I_ν(x) unscaled (overflows to ±∞ past |x| ≈ 713.98). */
export function besselI(nu: 0 | 1, x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  const v = ax > 720 ? Infinity : besselIFast(nu, ax, false);
  return nu === 1 && x < 0 ? -v : v;
}

/**
 * I_n(x)/xⁿ for an integer n ≥ 1, even in x, ½ⁿ/n! at 0. It is the series 2⁻ⁿ Σₖ yᵏ/(k!(k + n)!)
 * for |x| ≤ 30 (no division by x, so no 0/0 and no cancellation in its derivative x·(I_{n+1}/x^{n+1})),
 * and beyond, I_n from I₀, I₁ by the recurrence I_{k+1} = I_{k−1} − (2k/x) I_k (A&S 9.6.26; stable
 * for n < x) over xⁿ.
 */
export function besselIOverPower(n: number, x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  if (ax === Infinity) return Infinity;
  if (ax <= SERIES_LIMIT) return besselSeries(n, ax) * Math.pow(0.5, n);
  let prev = besselIScaled(0, ax), cur = besselIScaled(1, ax);
  for (let k = 1; k < n; k++) { const next = prev - ((2 * k) / ax) * cur; prev = cur; cur = next; }
  return unscale(cur / Math.pow(ax, n), ax);
}
