/**
 * @file Products kept as a mantissa and a separate binary exponent (powers of two, so exactly), for
 * rows whose partial products leave the float64 range although the results need not: the row
 * product, the leave-one-out products and the rest of a cumulative product, each rounded once into
 * range (./products.ts calls these where a plain product is not a normal number).
 */

/**
 * A running product is kept as a mantissa m in [LO, HI] = [2⁻²⁵⁶, 2²⁵⁶] and an exponent counted in
 * units of 2²⁵⁶ (powers of two, so every rescaling is exact). Factors of modest size are multiplied
 * in blocks with one range check per block (runProduct); a product that leaves the range
 * otherwise takes `renormalized`, which rounds m · x once as a normal number. The roundings
 * are those of the plain loop wherever it stays in range, so the result is the true product rounded
 * n times, then once into the float64 range (ldexpUnits).
 */
const HI = 2 ** 256, LO = 2 ** -256, DOWN = 2 ** -256, UP = 2 ** 256;
/** 2^(256k) for k = −4 … 3 (2⁻¹⁰²⁴ is a subnormal, exactly). */
const UNIT_POWERS = [2 ** -1024, 2 ** -768, 2 ** -512, 2 ** -256, 1, 2 ** 256, 2 ** 512, 2 ** 768];

/** Units taken out by the last `renormalized` or `normalized` call (read right after it; the rare path only). */
let carried = 0;

/** The exponent (in units of 2²⁵⁶) left by the last normalized, mulUnits or addUnits call (./cumprodDerivatives.ts). */
export function carriedUnits(): number {
  return carried;
}

/**
 * m · v for a mantissa m in [LO, HI] whose plain product with v left [LO, HI]: v is first brought
 * into [LO, HI] by powers of 2²⁵⁶ (exactly, subnormals too), so the product, in [2⁻⁵¹², 2⁵¹²], is
 * rounded once as a normal number; it is then brought back into [LO, HI]. The units taken out are
 * left in `carried`. A zero, ±∞ or NaN operand gives the IEEE product (nothing carried): such a
 * mantissa passes through every later step and ldexpUnits unchanged.
 */
function renormalized(m: number, v: number): number {
  carried = 0;
  if (!(Math.abs(m) < Infinity && m !== 0 && Math.abs(v) < Infinity && v !== 0)) return m * v;
  while (Math.abs(v) > HI) { v *= DOWN; carried++; }
  while (Math.abs(v) < LO) { v *= UP; carried--; }
  let t = m * v;
  if (Math.abs(t) > HI) { t *= DOWN; carried++; }
  else if (Math.abs(t) < LO) { t *= UP; carried--; }
  return t;
}

/** Any number as a mantissa in [LO, HI] (0, ±∞ and NaN as they are), the units taken out in `carried`. */
export function normalized(v: number): number {
  carried = 0;
  if (!(Math.abs(v) < Infinity && v !== 0)) return v;
  while (Math.abs(v) > HI) { v *= DOWN; carried++; }
  while (Math.abs(v) < LO) { v *= UP; carried--; }
  return v;
}

/**
 * m · 2^(256k) rounded once, for a mantissa m with |m| in [2⁻⁷⁶⁸, 2⁷⁶⁸] (a running product, or a
 * product or quotient of two of them; 0, ±∞ and NaN are returned as they are). For −4 ≤ k ≤ 3 one
 * multiplication by an exact power of two: exact where the result is normal, the single rounding
 * where it is subnormal or overflows; further out the two of unitFactors.
 */
export function ldexpUnits(m: number, k: number): number {
  if (k >= -4 && k <= 3) return m * UNIT_POWERS[k + 4]!;
  if (m === 0 || !(Math.abs(m) < Infinity)) return m;
  unitFactors(k);
  return m * factors.first * factors.second;
}

/** ldexpUnits(m, k) = m · first · second for every finite m ≠ 0 with |m| in [2⁻⁷⁶⁸, 2⁷⁶⁸] (`unitFactors`). */
const factors = { first: 1, second: 1 };

/**
 * ldexpUnits's powers of two for exponent k, into `factors` (also hoisted out of loops over many
 * mantissas of one exponent). Beyond −4 ≤ k ≤ 3, two multiplications: the first exact, the second
 * the rounding. For k ≤ −5 a result that is not 0 needs |m| ≥ 2^(−1074 − 256k), so m · 2^(256(k+4))
 * ≥ 2⁻⁵⁰ is exact; where it is smaller (even subnormal and rounded) the result rounds to ±0 either
 * way. |m| · 2^(256k) ≥ 2¹⁰²⁴ from k = 7, and ≤ 2⁻¹²⁸⁰ (±0) from k = −8.
 */
function unitFactors(k: number): void {
  let first = 0, second = 1; // k ≤ −8: every result rounds to ±0
  if (k >= -4 && k <= 3) first = UNIT_POWERS[k + 4]!;
  else if (k >= 4 && k <= 6) { first = UNIT_POWERS[k + 1]!; second = UNIT_POWERS[7]!; }
  else if (k >= -7 && k <= -5) { first = UNIT_POWERS[k + 8]!; second = UNIT_POWERS[0]!; }
  else if (k > 6) first = Infinity; // every result overflows
  factors.first = first;
  factors.second = second;
}

/** Factors within [2⁻⁶⁴, 2⁶⁴] are multiplied eight at a time without a check between them (see runProduct). */
const BLOCK_LO = 2 ** -64, BLOCK_HI = 2 ** 64;

/** Whether a factor lies within [2⁻⁶⁴, 2⁶⁴] in magnitude (NaN does not). */
const modest = (a: number): boolean => Math.abs(a) >= BLOCK_LO && Math.abs(a) <= BLOCK_HI;

/**
 * The running product of `runProduct`: mantissa m (in [LO, HI], or 0, ±∞, NaN) and exponent e in
 * units; `modest`: every factor of the last run was within [2⁻⁶⁴, 2⁶⁴] (taken in blocks).
 */
const running = { m: 1, e: 0, modest: false };

/**
 * running ← running · x[start] ⋯ x[end − 1] (step `inner`; the absolute values when `abs`), in
 * the same order and with the same roundings as the plain loop wherever that stays in range. Eight
 * factors at a time: if each is within [2⁻⁶⁴, 2⁶⁴] (compares that do not wait on the product), the
 * eight partial products from m in [LO, HI] stay within 2^±768, normal, so they are multiplied
 * without a check between them and the result is brought back into [LO, HI] once; a block with
 * another factor is taken one factor at a time (renormalized). So a long row costs about the plain
 * loop, whose chain of multiplications this keeps (a check per factor on that chain cost 2.6×).
 */
function runProduct(x: Float64Array, start: number, end: number, inner: number, abs: boolean): void {
  let { m, e } = running;
  let p = start;
  let allModest = inner === 1;
  if (inner === 1 && Math.abs(m) >= LO && Math.abs(m) <= HI) {
    for (const last = end - 7; p < last; p += 8) {
      const a0 = x[p]!, a1 = x[p + 1]!, a2 = x[p + 2]!, a3 = x[p + 3]!, a4 = x[p + 4]!, a5 = x[p + 5]!, a6 = x[p + 6]!, a7 = x[p + 7]!;
      // (NaN fails too; then the rest of the row goes one factor at a time.)
      if (!(modest(a0) && modest(a1) && modest(a2) && modest(a3) && modest(a4) && modest(a5) && modest(a6) && modest(a7))) break;
      let t = m * a0 * a1 * a2 * a3 * a4 * a5 * a6 * a7;
      if (abs) t = Math.abs(t); // |m| · |a0| ⋯ |a7|: the same roundings, the sign aside
      if (Math.abs(t) > HI) { t *= DOWN; e++; if (Math.abs(t) > HI) { t *= DOWN; e++; } }
      else if (Math.abs(t) < LO) { t *= UP; e--; if (Math.abs(t) < LO) { t *= UP; e--; } }
      m = t;
    }
  }
  if (end - p >= 8) allModest = false; // a block broke off
  for (; p < end; p += inner) {
    const v = abs ? Math.abs(x[p]!) : x[p]!, t = m * v;
    if (!modest(v)) allModest = false;
    if (Math.abs(t) >= LO && Math.abs(t) <= HI) m = t;
    else { m = renormalized(m, v); e += carried; }
  }
  running.m = m;
  running.e = e;
  running.modest = allModest;
}

/** s · Π_{j≠z} x_j of a row (step `inner`), with a separate exponent, rounded once into range. */
export function scaledProductExcept(x: Float64Array, s: number, start: number, end: number, inner: number, z: number): number {
  running.m = normalized(s);
  running.e = carried;
  if (z < start || z >= end) runProduct(x, start, end, inner, false);
  else {
    runProduct(x, start, z, inner, false);
    runProduct(x, z + inner, end, inner, false);
  }
  return ldexpUnits(running.m, running.e);
}

/**
 * |Π x_j| of a row (step `inner`) as a mantissa and an exponent in bits (for logAbsProd: the log
 * is then taken once), into `magnitude`: the same steps on the absolute values.
 */
export const magnitude = { m: 1, bits: 0 };
export function scaledAbsProduct(x: Float64Array, start: number, end: number, inner: number): void {
  running.m = 1;
  running.e = 0;
  runProduct(x, start, end, inner, true);
  magnitude.m = running.m;
  magnitude.bits = 256 * running.e;
}

/**
 * out_i = s · Π_{j≠i} x_j = (s · y) / x_i for a row of finite, non-zero factors whose product y (or
 * s · y) left the float64 range although the out_i need not: the division trick of
 * leaveOneOutKernel with s · y kept as a mantissa c and an exponent (runProduct), so each quotient
 * c / x_i is the one correctly rounded division (x_i brought into [LO, HI] first where it is not)
 * and is then rounded once into range. As accurate as the trick in range (n roundings of y, one of
 * the quotient), and about as fast: the quotients do not depend on one another. `s` is finite and
 * not 0, or ±∞ or NaN (giving ±∞ or NaN quotients, as s times the exact products).
 */
export function scaledQuotients(out: Float64Array, x: Float64Array, s: number, start: number, end: number, inner: number): void {
  running.m = normalized(s);
  running.e = carried;
  runProduct(x, start, end, inner, false);
  const c = running.m, e = running.e;
  if (!(Math.abs(c) < Infinity)) { // s = ±∞ or NaN
    for (let p = start; p < end; p += inner) out[p] = c / x[p]!;
    return;
  }
  // ldexpUnits(q, e) for the quotients q = c / x_i in [2⁻⁵¹², 2⁵¹²] (x_i in [LO, HI]), its two
  // multiplications by exact powers of two hoisted out of the loop: q · 2^(256e) = q · first · second.
  unitFactors(e);
  const { first, second } = factors;
  if (running.modest) { // every x_i within [2⁻⁶⁴, 2⁶⁴] ⊂ [LO, HI]: no check per quotient
    // Every quotient rounds to ±0 (e ≤ −8, a product of many factors below 1): its sign is that of
    // c · x_i, a product that cannot overflow here (|c| ≤ 2²⁵⁶), so no division is needed.
    if (first === 0) for (let p = start; p < end; p++) out[p] = c * x[p]! * 0;
    else for (let p = start; p < end; p++) out[p] = (c / x[p]!) * first * second;
    return;
  }
  for (let p = start; p < end; p += inner) {
    const v = x[p]!;
    if (Math.abs(v) >= LO && Math.abs(v) <= HI) out[p] = (c / v) * first * second;
    else {
      const w = normalized(v);
      out[p] = ldexpUnits(c / w, e - carried);
    }
  }
}

/**
 * out_i = s · Π_{j≠i} x_j for a row whose product (or whose prefix or suffix products) leave the
 * float64 range although the leave-one-out products need not (10⁻¹⁰
 * forty times, then 10³⁰⁰ and 10¹⁰⁰: every L_i below 10⁴⁰ is 10¹⁰, while the plain prefix products
 * underflow to 0 and the suffix products overflow, giving ∞ and NaN). The prefix and suffix
 * products are kept as a mantissa and an exponent (see HI above), as logAbsProdKernel does; each
 * L_i is then rounded once into range. Zero, ±∞ and NaN factors pass through the steps and
 * ldexpUnits unchanged, so they give the IEEE products (0, ±∞, and NaN for ∞ · 0) of the exact
 * finite part.
 */
export function scaledLeaveOneOut(out: Float64Array, x: Float64Array, s: number, start: number, end: number, inner: number): void {
  const count = (end - start) / inner;
  const prefixExponent = new Int32Array(count);
  const sm = normalized(s), se = carried;
  let m = 1, e = 0;
  for (let p = start, i = 0; p < end; p += inner, i++) {
    out[p] = m; prefixExponent[i] = e;
    const v = x[p]!, t = m * v;
    if (Math.abs(t) >= LO && Math.abs(t) <= HI) m = t;
    else { m = renormalized(m, v); e += carried; }
  }
  m = 1; e = 0;
  for (let p = end - inner, i = count - 1; p >= start; p -= inner, i--) {
    // prefix · suffix · s: mantissas in [LO, HI], so both products are normal and rounded as the plain ones.
    const both = out[p]! * m * sm;
    const k = prefixExponent[i]! + e + se;
    out[p] = ldexpUnits(both, k);
    const v = x[p]!, t = m * v;
    if (Math.abs(t) >= LO && Math.abs(t) <= HI) m = t;
    else { m = renormalized(m, v); e += carried; }
  }
}

/**
 * The rest of a cumulative product, from position p on (`count` steps of `step`), after the running
 * product `acc` (normal; the product before factor p) would leave the normal range at p: kept as a mantissa and a binary
 * exponent, each output rounded once into range. A product that passes through the
 * subnormals or overflows and comes back (10⁻¹⁶⁰, 10⁻¹⁶⁰, 10²⁰⁰) is then 10⁻¹²⁰ to the last bit, where
 * the plain loop gives 1.1·10⁻⁵ relative error or 0; an exact zero factor gives exact zeros after it,
 * and ±∞ or NaN factors the IEEE products.
 */
export function scaledCumprod(x: Float64Array, out: Float64Array, p: number, step: number, count: number, acc: number, exclusive: boolean): void {
  let m = normalized(acc), e = carried;
  let i = 0;
  // Eight outputs at a time, as runProduct: each of eight factors within [2⁻⁶⁴, 2⁶⁴] keeps the
  // partial products from m in [LO, HI] within 2^±768, so each output is m_k · 2^(256e) with the
  // powers of two hoisted (unitFactors), and m is brought back into [LO, HI] once per block.
  if (Math.abs(m) >= LO && Math.abs(m) <= HI) {
    unitFactors(e);
    let { first, second } = factors;
    for (; i + 8 <= count; i += 8) {
      const p1 = p + step, p2 = p1 + step, p3 = p2 + step, p4 = p3 + step, p5 = p4 + step, p6 = p5 + step, p7 = p6 + step;
      const a0 = x[p]!, a1 = x[p1]!, a2 = x[p2]!, a3 = x[p3]!, a4 = x[p4]!, a5 = x[p5]!, a6 = x[p6]!, a7 = x[p7]!;
      if (!(modest(a0) && modest(a1) && modest(a2) && modest(a3) && modest(a4) && modest(a5) && modest(a6) && modest(a7))) break;
      const t1 = m * a0, t2 = t1 * a1, t3 = t2 * a2, t4 = t3 * a3, t5 = t4 * a4, t6 = t5 * a5, t7 = t6 * a6;
      let t = t7 * a7;
      if (exclusive) {
        out[p] = m * first * second; out[p1] = t1 * first * second; out[p2] = t2 * first * second; out[p3] = t3 * first * second;
        out[p4] = t4 * first * second; out[p5] = t5 * first * second; out[p6] = t6 * first * second; out[p7] = t7 * first * second;
      } else {
        out[p] = t1 * first * second; out[p1] = t2 * first * second; out[p2] = t3 * first * second; out[p3] = t4 * first * second;
        out[p4] = t5 * first * second; out[p5] = t6 * first * second; out[p6] = t7 * first * second; out[p7] = t * first * second;
      }
      p = p7 + step;
      if (Math.abs(t) > HI) { t *= DOWN; e++; if (Math.abs(t) > HI) { t *= DOWN; e++; } unitFactors(e); ({ first, second } = factors); }
      else if (Math.abs(t) < LO) { t *= UP; e--; if (Math.abs(t) < LO) { t *= UP; e--; } unitFactors(e); ({ first, second } = factors); }
      m = t;
    }
  }
  for (; i < count; i++, p += step) {
    if (exclusive) out[p] = ldexpUnits(m, e);
    const v = x[p]!, t = m * v;
    if (Math.abs(t) >= LO && Math.abs(t) <= HI) m = t;
    else { m = renormalized(m, v); e += carried; }
    if (!exclusive) out[p] = ldexpUnits(m, e);
  }
}

/**
 * a + b for a = m · 2^(256E) (m a mantissa in [LO, HI], or 0, ±∞, NaN) and a plain number b, as a
 * mantissa whose exponent (in units) is left in `carried`. The operand with the smaller exponent is
 * scaled down to the other's (what falls below the subnormals is below 2⁻⁷⁶⁸ of the larger).
 */
function addScaled(m: number, E: number, b: number): number {
  if (b === 0) { carried = E; return m; }
  if (!Number.isFinite(b) || !Number.isFinite(m)) { carried = E; return m + b; } // ±∞ and NaN as IEEE adds them
  const bm = normalized(b), be = carried;
  if (m === 0) { carried = be; return bm; }
  const sum = E >= be ? m + ldexpUnits(bm, be - E) : ldexpUnits(m, E - be) + bm;
  const top = Math.max(E, be);
  const n = normalized(sum);
  carried += top;
  return n;
}

/**
 * One lane of cumprod's first-order cotangent (cumprodCotangentKernel's rule: x̄_k = s_k · e_k,
 * s_k = x_{k+1} s_{k+1} + b_k with b_k = ḡ_k, or ḡ_{k+1} when exclusive and s_{n−1} = 0) for a lane
 * where e or s left the normal range: the exclusive products e and the sums s are kept as a
 * mantissa and a binary exponent, so each x̄_k is rounded once into range. (∂c_m/∂x_k =
 * e_k Π_{k<j≤m} x_j: e_k may underflow and s_k overflow while their product is 10³⁰⁰.) Positions go
 * from `start` by `step` in scan order; zero, ±∞ and NaN give the IEEE values of the exact rest,
 * and x̄_k = 0 where s_k or e_k is 0 (a strong zero, as the fast loop).
 */
export function scaledCumprodCotangent(
  x: Float64Array, g: Float64Array, res: Float64Array, start: number, step: number, n: number, exclusive: boolean,
): void {
  const em = new Float64Array(n), ee = new Int32Array(n);
  let m = 1, e = 0, k = 0, p = start;
  // Four factors at a time where each lies within [2⁻⁶⁴, 2⁶⁴]: from m in [LO, HI] the partial
  // products stay within 2^±512, so every e_k keeps |e_k| · |s_k| within ldexpUnits's 2^±768.
  for (; k + 4 <= n; k += 4) {
    const a0 = x[p]!, a1 = x[p + step]!, a2 = x[p + 2 * step]!, a3 = x[p + 3 * step]!;
    if (!(Math.abs(m) >= LO && Math.abs(m) <= HI && modest(a0) && modest(a1) && modest(a2) && modest(a3))) break;
    const t1 = m * a0, t2 = t1 * a1, t3 = t2 * a2;
    let t = t3 * a3;
    em[k] = m; em[k + 1] = t1; em[k + 2] = t2; em[k + 3] = t3;
    ee[k] = e; ee[k + 1] = e; ee[k + 2] = e; ee[k + 3] = e;
    if (Math.abs(t) > HI) { t *= DOWN; e++; } else if (Math.abs(t) < LO) { t *= UP; e--; }
    m = t;
    p += 4 * step;
  }
  for (; k < n; k++, p += step) {
    em[k] = m; ee[k] = e;
    const v = x[p]!, t = m * v;
    if (Math.abs(t) >= LO && Math.abs(t) <= HI) m = t;
    else { m = renormalized(m, v); e += carried; }
  }
  let sm = 0, se = 0; // s_k = sm · 2^(256·se)
  let factorsOf = NaN, first = 1, second = 1; // unitFactors of the last exponent met
  for (let k = n - 1, p = start + (n - 1) * step; k >= 0; k--, p -= step) {
    const b = exclusive ? (k < n - 1 ? g[p + step]! : 0) : g[p]!;
    // While s is a plain number within [LO, HI] (se = 0) and x_{k+1} s_{k+1}, b_k and their sum are
    // too (or 0), the scaled steps below are these plain operations: the same roundings, no calls.
    // x_{k+1} s_{k+1} as mulStrong (0 where either is 0, whatever the other: ∞, NaN), as the fast loop.
    const xn = k < n - 1 ? x[p + step]! : 1;
    const t = sm === 0 || xn === 0 ? 0 : sm * xn, u = t + b;
    const at = Math.abs(t), ab = Math.abs(b), au = Math.abs(u);
    if (se === 0 && at <= HI && (at >= LO || t === 0) && ab <= HI && (ab >= LO || b === 0) && au >= LO && au <= HI) sm = u;
    else {
      if (sm === 0 || xn === 0) { sm = 0; se = 0; } else if (k < n - 1) {
        const w = sm * xn;
        if (Math.abs(w) >= LO && Math.abs(w) <= HI) sm = w;
        else { sm = renormalized(sm, xn); se += carried; }
      }
      sm = addScaled(sm, se, b); se = carried;
    }
    if (sm === 0 || em[k] === 0) { res[p] = 0; continue; }
    const q = sm * em[k]!, units = se + ee[k]!;
    if (units !== factorsOf) { unitFactors(units); first = factors.first; second = factors.second; factorsOf = units; }
    res[p] = Math.abs(q) < Infinity ? q * first * second : q; // ldexpUnits(q, units), its powers hoisted
  }
}

/** m · 2^(256E) · v for a mantissa m in [LO, HI] (or 0) and a plain finite v, as a mantissa; its exponent in `carried`. */
export function mulUnits(m: number, E: number, v: number): number {
  const r = renormalized(m, v);
  carried += E;
  return r;
}

/** a · 2^(256A) + b · 2^(256B) for mantissas a, b in [LO, HI] (or 0), as a mantissa; its exponent in `carried`. */
export function addUnits(a: number, A: number, b: number, B: number): number {
  if (b === 0) { carried = A; return a; }
  if (a === 0) { carried = B; return b; }
  // The operand with the smaller exponent is scaled down to the other's: what falls below the
  // subnormals there is below 2⁻⁷⁶⁸ of the larger, under its last bit.
  const sum = A >= B ? a + ldexpUnits(b, B - A) : ldexpUnits(a, A - B) + b;
  const top = Math.max(A, B);
  const r = normalized(sum);
  carried += top;
  return r;
}

/**
 * One row of the leave-one-out products' tangent, out_k = Σ_{j≠k} t_j Π_{i≠j,k} x_i = E_k Ṡ_k + Ė_k S_k
 * (./products.ts leaveOneOutTangentKernel), for a row of finite x and t whose plain recurrences left
 * the float64 range: E, Ė (from the start) and S, Ṡ (from the end) are kept as mantissas with a
 * separate binary exponent, Ė_{k+1} = Ė_k x_k + E_k t_k, Ṡ_{k−1} = Ṡ_k x_k + S_k t_k, so each out_k
 * is rounded once into range (10⁴ factors 10^±5 whose products are O(1): the plain recurrences
 * overflow to ∞ or underflow to 0 where out_k is O(1)).
 */
export function scaledLeaveOneOutTangent(x: Float64Array, t: Float64Array, out: Float64Array, start: number, inner: number, n: number): void {
  const em = new Float64Array(n), ee = new Int32Array(n), dm = new Float64Array(n), de = new Int32Array(n);
  let m = 1, e = 0, d = 0, dE = 0;
  for (let k = 0, p = start; k < n; k++, p += inner) {
    em[k] = m; ee[k] = e; dm[k] = d; de[k] = dE;
    const v = x[p]!, tv = t[p]!;
    const a = mulUnits(d, dE, v), aE = carried;
    const b = mulUnits(m, e, tv), bE = carried;
    d = addUnits(a, aE, b, bE); dE = carried;
    m = mulUnits(m, e, v); e = carried;
  }
  let s = 1, sE = 0, q = 0, qE = 0; // S_k and Ṡ_k
  for (let k = n - 1, p = start + (n - 1) * inner; k >= 0; k--, p -= inner) {
    const one = normalized(em[k]! * q), oneE = carried + ee[k]! + qE; // E_k Ṡ_k
    const two = normalized(dm[k]! * s), twoE = carried + de[k]! + sE; // Ė_k S_k
    const total = addUnits(one, oneE, two, twoE);
    out[p] = ldexpUnits(total, carried);
    const v = x[p]!, tv = t[p]!;
    const a = mulUnits(q, qE, v), aE = carried;
    const b = mulUnits(s, sE, tv), bE = carried;
    q = addUnits(a, aE, b, bE); qE = carried;
    s = mulUnits(s, sE, v); sE = carried;
  }
}
