/**
 * @file Test-side references for the gamma-based samplers, written independently of ad.random's
 * kernels: log Γ (Lanczos), the regularised incomplete gamma and beta functions (Numerical
 * Recipes' series and Lentz continued fractions) and their inverses by bisection, and JAX's
 * Marsaglia–Tsang gamma draw written out from jax/_src/random.py in float32 or float64.
 */
import * as ad from 'adjoint';

const { random } = ad;

/** log Γ(x) for x > 0 by Lanczos (g = 7, 9 terms; ~1e−15 relative), test-side. */
export function lgammaRef(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgammaRef(1 - x);
  x -= 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** The regularised lower incomplete gamma P(a, x): its series below a + 1, 1 − Lentz's continued fraction above (Numerical Recipes' gser/gcf). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = Math.exp(a * Math.log(x) - x - lgammaRef(a));
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 100000 && Math.abs(term) > Math.abs(sum) * 1e-17; n++) sum += (term *= x / (a + n));
    return sum * front;
  }
  let b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (let i = 1; i < 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c; if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - front * h;
}

/** The x with P(a, x) = u, by bisection on log x (to the last bits). */
export function gammaQuantile(a: number, u: number): number {
  let lo = -800, hi = 10;
  while (gammaP(a, Math.exp(hi)) < u) hi += 5;
  for (let i = 0; i < 200; i++) {
    const m = (lo + hi) / 2;
    if (gammaP(a, Math.exp(m)) < u) lo = m;
    else hi = m;
  }
  return Math.exp((lo + hi) / 2);
}

/** √2·erf⁻¹(u), by bisection on erf(x/√2) = u with erf from its series (for the float32 reference). */
export function probit(u: number): number {
  let a = -10, b = 10;
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    let term = m / Math.SQRT2, sum = term;
    for (let n = 1; n < 200; n++) { term *= -(m * m) / 2 / n; sum += term / (2 * n + 1); }
    if ((2 / Math.sqrt(Math.PI)) * sum < u) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/**
 * JAX's `_gamma_one(key, alpha, log_space)` written out test-side, in float32 (Math.fround after
 * every operation, 32-bit uniforms: JAX's dtype float32) or float64 (ad.random's uniform and normal
 * of shape [], JAX's x64 streams).
 */
export function referenceGamma(key: ad.random.Key, alphaIn: number, logSpace: boolean, f32: boolean): number {
  const r = f32 ? Math.fround : (v: number) => v;
  const uniform = (k: ad.random.Key) => (f32 ? Math.fround((random.bits(k, [1]).data[0]! >>> 9) * 2 ** -23) : random.uniform(k, []).item());
  const normal = (k: ad.random.Key) => {
    if (!f32) return random.normal(k, []).item();
    const lo = Math.fround(-1 + 2 ** -24);
    return Math.fround(probit(Math.max(lo, r(r(uniform(k) * r(1 - lo)) + lo))));
  };
  const alphaOrig = r(alphaIn), third = r(1 / 3);
  const boost = alphaOrig >= 1;
  const alpha = boost ? alphaOrig : r(alphaOrig + 1);
  const d = r(alpha - third), c = r(third / r(Math.sqrt(d)));
  let [k, sub] = random.split(key) as [ad.random.Key, ad.random.Key];
  let X = 0, V = 1, U = 2;
  while (U >= r(1 - r(r(0.0331) * r(X * X))) && r(Math.log(U)) >= r(r(X * 0.5) + r(d * r(r(1 - V) + r(Math.log(V)))))) {
    const [next, xKey, uKey] = random.split(k, 3) as [ad.random.Key, ad.random.Key, ad.random.Key];
    k = next;
    let kk = xKey, x = 0, v = -1;
    while (v <= 0) {
      const [nk, s] = random.split(kk) as [ad.random.Key, ad.random.Key];
      kk = nk;
      x = normal(s);
      v = r(1 + r(x * c));
    }
    X = r(x * x);
    V = r(r(v * v) * v);
    U = uniform(uKey);
  }
  const u = uniform(sub);
  if (logSpace) {
    const logSamples = -r(-r(Math.log1p(-u)));
    const logBoost = boost || logSamples === 0 ? 0 : r(logSamples * r(1 / alphaOrig));
    return r(r(r(Math.log(d)) + r(Math.log(V))) + logBoost);
  }
  return r(r(d * V) * (boost ? 1 : r(r(1 - u) ** r(1 / alphaOrig))));
}
/** The draws of shape [n] for one a: one key per element, split(key, n) (JAX's `_gamma_impl`). */
export const referenceSample = (key: ad.random.Key, a: number, n: number, logSpace: boolean, f32: boolean) =>
  random.split(key, n).map((k) => referenceGamma(k, a, logSpace, f32));


/** The regularised incomplete beta function I_x(a, b) (Numerical Recipes' betai/betacf, Lentz). */
export function betaI(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lgammaRef(a + b) - lgammaRef(a) - lgammaRef(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x > (a + 1) / (a + b + 2)) return 1 - betaI(b, a, 1 - x);
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < 1e-300) d = 1e-300;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < 1e-300) d = 1e-300;
    c = 1 + aa / c; if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < 1e-300) d = 1e-300;
    c = 1 + aa / c; if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return (front * h) / a;
}
