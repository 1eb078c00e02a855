/**
 * @file Hyper-dual numbers (Fike & Alonso 2011): x = a + b ε1 + c ε2 + d ε1ε2 with ε1² = ε2² = 0.
 * For f analytic at a,  f(x) = f(a) + f'(a)(b ε1 + c ε2) + (f'(a) d + f''(a) b c) ε1ε2,
 * so seeding ε1 along u and ε2 along w yields f, ∇f·u, ∇f·w and uᵀ∇²f w with no truncation error.
 * This is an independent float64 reference: it shares no code with adjoint.
 */

export class HD {
  constructor(
    readonly a: number,
    readonly b = 0,
    readonly c = 0,
    readonly d = 0,
  ) {}
}

export type HDLike = HD | number;
export const lit = (x: HDLike): HD => (typeof x === 'number' ? new HD(x) : x);

/** Applies a scalar function given its value f0, first derivative f1 and second derivative f2 at x.a. */
export function lift(x: HD, f0: number, f1: number, f2: number): HD {
  return new HD(f0, f1 * x.b, f1 * x.c, f1 * x.d + f2 * x.b * x.c);
}

export function add(x: HDLike, y: HDLike): HD {
  const p = lit(x), q = lit(y);
  return new HD(p.a + q.a, p.b + q.b, p.c + q.c, p.d + q.d);
}
export function sub(x: HDLike, y: HDLike): HD {
  const p = lit(x), q = lit(y);
  return new HD(p.a - q.a, p.b - q.b, p.c - q.c, p.d - q.d);
}
export function neg(x: HD): HD {
  return new HD(-x.a, -x.b, -x.c, -x.d);
}
export function mul(x: HDLike, y: HDLike): HD {
  const p = lit(x), q = lit(y);
  return new HD(p.a * q.a, p.a * q.b + p.b * q.a, p.a * q.c + p.c * q.a, p.a * q.d + p.b * q.c + p.c * q.b + p.d * q.a);
}
export function recip(x: HD): HD {
  const r = 1 / x.a;
  return lift(x, r, -r * r, 2 * r * r * r);
}
export function div(x: HDLike, y: HDLike): HD {
  return mul(x, recip(lit(y)));
}
/** x^p for a constant exponent p. A zero coefficient is a hard zero (x⁰, x¹ at x = 0 are smooth). */
export function powConst(x: HD, p: number): HD {
  const a = x.a;
  const d1 = p === 0 ? 0 : p * Math.pow(a, p - 1);
  const d2 = p * (p - 1) === 0 ? 0 : p * (p - 1) * Math.pow(a, p - 2);
  return lift(x, Math.pow(a, p), d1, d2);
}
/** x^y with a variable exponent, x > 0: exp(y log x). */
export function pow(x: HDLike, y: HDLike): HD {
  if (typeof y === 'number') return powConst(lit(x), y);
  return exp(mul(y, log(lit(x))));
}
export function exp(x: HD): HD {
  const e = Math.exp(x.a);
  return lift(x, e, e, e);
}
export function expm1(x: HD): HD {
  const e = Math.exp(x.a);
  return lift(x, Math.expm1(x.a), e, e);
}
export function log(x: HD): HD {
  const r = 1 / x.a;
  return lift(x, Math.log(x.a), r, -r * r);
}
export function log1p(x: HD): HD {
  const r = 1 / (1 + x.a);
  return lift(x, Math.log1p(x.a), r, -r * r);
}
export function sqrt(x: HD): HD {
  const s = Math.sqrt(x.a);
  return lift(x, s, 0.5 / s, -0.25 / (s * x.a));
}
export function square(x: HD): HD {
  return lift(x, x.a * x.a, 2 * x.a, 2);
}
export function abs(x: HD): HD {
  const s = x.a > 0 ? 1 : x.a < 0 ? -1 : 0;
  return lift(x, Math.abs(x.a), s, 0);
}
export function relu(x: HD): HD {
  return x.a > 0 ? x : new HD(0);
}
export function sin(x: HD): HD {
  const s = Math.sin(x.a), c = Math.cos(x.a);
  return lift(x, s, c, -s);
}
export function cos(x: HD): HD {
  const s = Math.sin(x.a), c = Math.cos(x.a);
  return lift(x, c, -s, -c);
}
export function tanh(x: HD): HD {
  const t = Math.tanh(x.a);
  const d1 = 1 - t * t;
  return lift(x, t, d1, -2 * t * d1);
}
function sigmoidValue(a: number): number {
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}
export function sigmoid(x: HD): HD {
  const s = sigmoidValue(x.a);
  const d1 = s * (1 - s);
  return lift(x, s, d1, d1 * (1 - 2 * s));
}
export function softplus(x: HD): HD {
  const s = sigmoidValue(x.a);
  return lift(x, Math.max(x.a, 0) + Math.log1p(Math.exp(-Math.abs(x.a))), s, s * (1 - s));
}
/** max of several numbers: the element with the largest real part (a strict maximum is assumed). */
export function maxN(xs: readonly HD[]): HD {
  let best = xs[0]!;
  for (const x of xs) if (x.a > best.a) best = x;
  return best;
}
export function maximum(x: HDLike, y: HDLike): HD {
  return maxN([lit(x), lit(y)]);
}
/** log Σ exp(xᵢ), shifted by the (constant) largest real part so nothing overflows. */
export function logsumexpN(xs: readonly HD[]): HD {
  const m = maxN(xs).a;
  let s = new HD(0);
  for (const x of xs) s = add(s, exp(sub(x, m)));
  return add(log(s), m);
}
