/**
 * @file Modified Bessel functions of the first kind of orders 0 and 1, exponentially scaled
 * (e^{−|x|} I_ν(x)), scalar kernels. |x| ≤ 30: the power series (A&S 9.6.10)
 *   I_ν(x) = (x/2)^ν Σₖ (x²/4)ᵏ / (k! (k + ν)!),
 * whose terms are all positive (so summing loses at most a few ulp). Beyond: the asymptotic
 * expansion (A&S 9.7.1) e^{−x} I_ν(x) = 1/√(2πx) Σₖ (−1)ᵏ aₖ(ν)/xᵏ, aₖ = Πⱼ (4ν² − (2j − 1)²)/(k! 8ᵏ),
 * whose smallest term at x = 30 is under 1e−25 of the first.
 */

const SERIES_LIMIT = 30;

/** e^{−|x|} I_ν(x) for ν = 0 or 1; I₀ is even and I₁ odd. NaN gives NaN, ±∞ gives 0. */
export function besselIScaled(nu: 0 | 1, x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(x)) return NaN;
  if (ax === Infinity) return 0;
  let value: number;
  if (ax <= SERIES_LIMIT) {
    const y = 0.25 * ax * ax;
    let term = nu === 0 ? 1 : 0.5 * ax, sum = term;
    for (let k = 1; k < 500; k++) {
      term *= y / (k * (k + nu));
      sum += term;
      if (term <= 1e-17 * sum) break;
    }
    value = sum * Math.exp(-ax);
  } else {
    const mu = 4 * nu * nu;
    let term = 1, sum = 1;
    for (let k = 1; k < 60; k++) {
      const odd = 2 * k - 1;
      term *= -(mu - odd * odd) / (8 * k * ax);
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
    }
    value = sum / Math.sqrt(2 * Math.PI * ax);
  }
  return nu === 1 && x < 0 ? -value : value;
}

/**
 * I_ν(x) unscaled: the series directly for |x| ≤ 30, e^{|x|} times the scaled value beyond — in
 * two factors past 700, so that I₀(713) (≈ 6.7e307) is finite although e^{713} is not.
 */
export function besselI(nu: 0 | 1, x: number): number {
  const ax = Math.abs(x);
  if (ax === Infinity) return nu === 1 ? x : Infinity;
  const scaled = besselIScaled(nu, x);
  if (ax <= 700) return scaled * Math.exp(ax);
  const half = Math.exp(0.5 * ax);
  return scaled * half * half;
}
