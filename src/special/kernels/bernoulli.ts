/**
 * @file The Bernoulli numbers B₀ … Bₙ as correctly rounded doubles (B₁ = −½, SciPy's and JAX's convention).
 * B₂ₖ = (−1)^{k−1} 2k Tₖ / (4ᵏ(4ᵏ − 1)) from the tangent numbers Tₖ, exact integers by Brent and Harvey's
 * O(k²) recurrence ("Fast computation of Bernoulli, tangent and secant numbers", 2011, Algorithm TangentNumbers),
 * and the ratio rounded once. |B₂₅₈| = 1.3e306 is the last finite one; from B₂₆₀ they are ±∞, the odd ones past B₁ 0.
 */

/** The last even index whose Bernoulli number is a finite double. */
const LAST_FINITE = 258;

let table: Float64Array | null = null;

const bitLength = (b: bigint) => b.toString(2).length;

/** p/q (q > 0) rounded to the nearest double: a quotient of ≥ 66 bits and a sticky bit for the remainder, then Number(). */
export function ratioToDouble(p: bigint, q: bigint): number {
  const negative = p < 0n;
  if (negative) p = -p;
  if (p === 0n) return 0;
  const shift = 66 - (bitLength(p) - bitLength(q));
  let num = p, den = q;
  if (shift >= 0) num <<= BigInt(shift); else den <<= BigInt(-shift);
  const quotient = num / den, sticky = (quotient << 1n) | (num % den === 0n ? 0n : 1n);
  let v = Number(sticky); // rounds once, to nearest even: the sticky bit keeps a remainder from reading as a tie
  let e = -(shift + 1);
  while (e > 0) { const step = Math.min(e, 1000); v *= 2 ** step; e -= step; }
  while (e < 0) { const step = Math.max(e, -1000); v *= 2 ** step; e -= step; }
  return negative ? -v : v;
}

/** B₀ … B_{2K} (K ≤ 129): the tangent numbers T₁ … T_K, then each ratio rounded once. */
function buildTable(K: number): Float64Array {
  const t: bigint[] = new Array<bigint>(K + 1).fill(0n);
  t[1] = 1n;
  for (let k = 2; k <= K; k++) t[k] = BigInt(k - 1) * t[k - 1]!;
  for (let k = 2; k <= K; k++) {
    for (let j = k; j <= K; j++) t[j] = BigInt(j - k) * t[j - 1]! + BigInt(j - k + 2) * t[j]!;
  }
  const out = new Float64Array(2 * K + 2);
  out[0] = 1;
  out[1] = -0.5;
  for (let k = 1; k <= K; k++) {
    const four = 1n << BigInt(2 * k);
    const p = BigInt(2 * k) * t[k]!;
    out[2 * k] = ratioToDouble(k % 2 === 1 ? p : -p, four * (four - 1n));
  }
  return out;
}

/** B₀ … Bₙ (n ≥ 0 an integer, checked by the caller). */
export function bernoulliNumbers(n: number): Float64Array {
  const K = Math.max(1, Math.min(n, LAST_FINITE) >> 1);
  if (table === null || table.length < 2 * K + 2) table = buildTable(K); // the exact recurrence only as far as asked (B₂₅₈: 40 ms)
  const out = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) {
    if (i <= LAST_FINITE) out[i] = table[i]!;
    else out[i] = i % 2 === 1 ? 0 : (i / 2) % 2 === 1 ? Infinity : -Infinity;
  }
  return out;
}
