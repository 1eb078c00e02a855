/**
 * @file Scalar kernels behind `random.gamma`: one draw by JAX's `_gamma_one` (Marsaglia & Tsang
 * 2000, "A simple method for generating gamma variables", with JAX's key splitting, so the draws
 * are JAX's x64 values up to the last bits of log/pow/erf⁻¹), and the implicit-reparameterisation
 * derivative dx/da = −(∂P/∂a)/(∂P/∂x) of a draw x with P(a, x) the regularised lower incomplete
 * gamma function (Figurnov, Mohamed & Mnih 2018), by JAX's `random_gamma_grad`
 * (jax/_src/lax/special.py: Cephes' igamma series and igammac continued fraction, differentiated
 * in a alongside). No allocation per draw: keys are split into a scratch array.
 */
import { digamma } from '../tensor/kernels/gamma.js';
import { NORMAL_LOW, NORMAL_SPAN } from './continuous.js';
import { erfinv } from './erf.js';
import { block, threefry2x32 } from './threefry.js';

/** Key words of the split in progress: split(key, n) for n ≤ 3 writes n keys here, (w[0], w[1]), (w[2], w[3]), … */
const scratch = new Uint32Array(6);

/**
 * split(key, n) for n = 2 or 3 into `scratch` (key.ts's `split`, without allocating): the counters
 * 0 … 2n − 1 as blocks (i, n + i), first words to position i, second words to n + i.
 */
function splitInto(k0: number, k1: number, n: 2 | 3): void {
  for (let i = 0; i < n; i++) {
    threefry2x32(k0, k1, i, n + i);
    scratch[i] = block[0]!;
    scratch[n + i] = block[1]!;
  }
}

/** uniform(key, ()) in float64: the one value of a sample of shape [], from block (0, 1). */
function unitScalar(k0: number, k1: number): number {
  threefry2x32(k0, k1, 0, 1);
  return (block[0]! * 1048576 + (block[1]! >>> 12)) * 2 ** -52;
}

/** Marsaglia–Tsang's squeeze constant: U < 1 − 0.0331 X⁴ accepts without a log. */
const SQUEEZE = 0.0331;

/**
 * One gamma(alpha) draw as JAX's `_gamma_one(key, alpha, log_space)`, or its log (`logSpace`: JAX's
 * `loggamma`, which keeps draws below 1e−308 for a small alpha). For alpha < 1 it draws
 * gamma(alpha + 1) and multiplies by U^{1/alpha} (Marsaglia–Tsang's boost).
 */
export function gammaOne(k0: number, k1: number, alpha: number, logSpace: boolean): number {
  const boost = alpha >= 1;
  const a = boost ? alpha : alpha + 1;
  const d = a - 1 / 3, c = 1 / 3 / Math.sqrt(d);
  splitInto(k0, k1, 2);
  let key0 = scratch[0]!, key1 = scratch[1]!;
  const sub0 = scratch[2]!, sub1 = scratch[3]!;
  // JAX's while loop starts from (X, V, U) = (0, 1, 2), which the rejection test always rejects.
  let X = 0, V = 1, U = 2;
  while (U >= 1 - SQUEEZE * (X * X) && Math.log(U) >= X * 0.5 + d * (1 - V + Math.log(V))) {
    splitInto(key0, key1, 3);
    key0 = scratch[0]!; key1 = scratch[1]!;
    let x0 = scratch[2]!, x1 = scratch[3]!;
    const u0 = scratch[4]!, u1 = scratch[5]!;
    // v = 1 + c·x for x standard normal (JAX's `normal(subkey, ())`), redrawn until v > 0.
    let x = 0, v = -1;
    while (v <= 0) {
      splitInto(x0, x1, 2);
      x0 = scratch[0]!; x1 = scratch[1]!;
      x = Math.SQRT2 * erfinv(Math.max(NORMAL_LOW, unitScalar(scratch[2]!, scratch[3]!) * NORMAL_SPAN + NORMAL_LOW));
      v = 1 + x * c;
    }
    X = x * x;
    V = v * v * v;
    U = unitScalar(u0, u1);
  }
  const u = unitScalar(sub0, sub1);
  if (logSpace) {
    // −exponential(subkey) = log1p(−u) = log(1 − u); the boost U^{1/alpha} as a log.
    const logU = -(-Math.log1p(-u));
    const logBoost = boost || logU === 0 ? 0 : logU * (1 / alpha);
    return Math.log(d) + Math.log(V) + logBoost;
  }
  return d * V * (boost ? 1 : (1 - u) ** (1 / alpha));
}

const EPS = 2 ** -52;

/**
 * dx/da for a gamma(a) draw x: −(∂P/∂a)/(∂P/∂x) with ∂P/∂x = x^{a−1}e^{−x}/Γ(a), the sample
 * derivative of JAX's `random_gamma_grad`. For x ≤ max(1, a), P = x^a e^{−x}/Γ(a + 1) · S with
 * S = Σₙ xⁿ/((a+1)…(a+n)); then dx/da = −(x/a)(S·(log x − ψ(a + 1)) + ∂S/∂a). Beyond, 1 − P =
 * x^a e^{−x}/Γ(a) · C with C Cephes' continued fraction; then dx/da = x(C·(log x − ψ(a)) + ∂C/∂a).
 * The factor x^a e^{−x}/Γ(a) cancels against ∂P/∂x, so unlike JAX (which gives up where it
 * underflows, far in the tails) every x > 0 gets its derivative. x = 0 gives 0. For a ≥ 1e6,
 * Wilson–Hilferty instead (see LARGE_A).
 */
export function gammaSampleDerivative(a: number, x: number): number {
  if (x === 0) return 0;
  if (!(x > 0) || !(a > 0)) return NaN;
  if (x === Infinity) return Infinity;
  if (a >= LARGE_A) return wilsonHilferty(a, x);
  if (x > 1 && x > a) return x * continuedFraction(a, x);
  // Series: c_n = xⁿ/((a+1)…(a+n)) and its a-derivative, summed until that derivative's terms stop mattering.
  let r = a, c = 1, ans = 1, dc = 0, dans = 0;
  for (let n = 0; n < 100000; n++) {
    r += 1;
    dc = dc * (x / r) - (c * x) / (r * r);
    dans += dc;
    c *= x / r;
    ans += c;
    if (!(Math.abs(dc / dans) > EPS)) break;
  }
  return -(dans + ans * (Math.log(x) - digamma(a + 1))) * (x / a);
}

/** Below this log x, x^n/((a+1)…(a+n)) < 1e−300 for n ≥ 1: the series S is 1 and ∂S/∂a is 0 to the last bit. */
const LOG_TINY = -700;

/**
 * d(log x)/da for a gamma(a) draw with log x = `logX` (JAX's `loggamma` derivative, which divides
 * dx/da by x clamped to the smallest normal float). Where x underflows, P(a, x) = x^a/Γ(a + 1)
 * exactly in doubles, so at fixed P: d(log x)/da = −(log x − ψ(a + 1))/a, from log x alone.
 */
export function gammaLogSampleDerivative(a: number, logX: number): number {
  if (logX < LOG_TINY && a < LARGE_A) return -(logX - digamma(a + 1)) / a;
  const x = Math.exp(logX);
  return gammaSampleDerivative(a, x) / x;
}

/**
 * From this a on, dx/da comes from Wilson–Hilferty's transform: the series and the continued
 * fraction sum terms that cancel to (x − a)/a-sized results and lose digits (1e−10 at a = 1e6,
 * everything by a = 1e12), while the transform's error falls as a^{−3/2} (below 2e−10 at 1e6).
 */
const LARGE_A = 1e6;

/**
 * dx/da at fixed z for x = a·w³, w = 1 − 1/(9a) + z/(3√a) (Wilson & Hilferty 1931: (x/a)^{1/3} is
 * nearly normal), z read off the draw: dx/da = w³ + 3a·w²·(1/(9a²) − z/(6a^{3/2})).
 */
function wilsonHilferty(a: number, x: number): number {
  const w = Math.cbrt(x / a), root = Math.sqrt(a);
  const z = (w - 1 + 1 / (9 * a)) * 3 * root;
  return w * w * w + 3 * a * w * w * (1 / (9 * a * a) - z / (6 * a * root));
}

/**
 * C·(log x − ψ(a)) + ∂C/∂a for Cephes' igammac continued fraction C (its convergents pₖ/qₖ by the
 * three-term recurrence, with their a-derivatives, rescaled together when they grow past 1/eps),
 * iterated until ∂C/∂a changes by less than eps (at most 2000 steps, as JAX).
 */
function continuedFraction(a: number, x: number): number {
  let y = 1 - a, z = x + y + 1, c = 0;
  let pkm2 = 1, qkm2 = x, pkm1 = x + 1, qkm1 = z * x;
  let ans = pkm1 / qkm1;
  let dpkm2 = 0, dqkm2 = 0, dpkm1 = 0, dqkm1 = -x;
  let dans = (dpkm1 - ans * dqkm1) / qkm1;
  while (c < 2000) {
    c += 1; y += 1; z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc, qk = qkm1 * z - qkm2 * yc;
    const dpk = dpkm1 * z - pkm1 - dpkm2 * yc + pkm2 * c;
    const dqk = dqkm1 * z - qkm1 - dqkm2 * yc + qkm2 * c;
    let change = 1;
    if (qk !== 0) {
      ans = pk / qk;
      const next = (dpk - ans * dqk) / qk;
      change = Math.abs(next - dans);
      dans = next;
    }
    pkm2 = pkm1; pkm1 = pk; qkm2 = qkm1; qkm1 = qk;
    dpkm2 = dpkm1; dqkm2 = dqkm1; dpkm1 = dpk; dqkm1 = dqk;
    if (Math.abs(pk) > 1 / EPS) {
      pkm2 *= EPS; pkm1 *= EPS; qkm2 *= EPS; qkm1 *= EPS;
      dpkm2 *= EPS; dqkm2 *= EPS; dpkm1 *= EPS; dqkm1 *= EPS;
    }
    if (!(change > EPS)) break;
  }
  return ans * (Math.log(x) - digamma(a)) + dans;
}
