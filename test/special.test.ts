/** @file lgamma, digamma, polygamma, erf, erfc, erfinv: tabulated values, a BigInt oracle, identities, NaN/±∞/±0 and derivatives. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

/** |got − want| in units in the last place of want. */
const ulpDistance = (got: number, want: number) =>
  got === want ? 0 : Math.abs(got - want) / Math.max(2 ** (Math.floor(Math.log2(Math.abs(want))) - 52), 5e-324);

const values = (t: Tensor) => Array.from(t.toFloat64Array());
function expectWithin(f: (x: Tensor) => Tensor, table: ReadonlyArray<readonly [number, number]>, maxUlps: number): void {
  const got = values(f(ad.tensor(table.map(([x]) => x))));
  table.forEach(([x, want], i) => {
    const err = ulpDistance(got[i]!, want);
    if (err > maxUlps) throw new Error(`at x = ${x}: got ${got[i]}, want ${want} (${err.toFixed(1)} ulp)`);
  });
}

// Reference values computed with mpmath at 40 digits (loggamma, digamma, polygamma, erf, erfc,
// erfinv) and rounded to the nearest double.
const LGAMMA: Array<[number, number]> = [
  [1e-300, 690.7755278982137], [1e-08, 18.42068073818021], [0.1, 2.252712651734206], [0.5, 0.5723649429247001],
  [0.9, 0.06637623973474295], [1.0000001, -5.772155829918507e-08], [1.25, -0.09827183642181316],
  [1.4616321449683622, -0.12148629053584961], [1.9999999, -4.2278430309861296e-08], [2.3, 0.15418945495963046],
  [3.7, 1.428072326665388], [7.5, 7.534364236758733], [12.9, 19.735015850713005], [13.1, 20.240212723401434],
  [50.5, 146.51925549072064], [1234.5, 7550.550901077895], [1e10, 220258509288.81058], [1e100, 2.2925850929940456e+102],
  [1e305, 7.012884533631839e+307],
];
/** Negative x: reflection, accurate to a few ulp of its larger term lgamma(1 − x) (absolute error next to the zeros). */
const LGAMMA_NEGATIVE: Array<[number, number]> = [
  [-0.5, 1.2655121234846454], [-1.5, 0.860047015376481], [-2.5, -0.056243716497674054], [-0.999999, 13.815510980721177],
  [-10.3, -14.457515440024208], [-1000.7, -5915.6075367042195],
];
const DIGAMMA: Array<[number, number]> = [
  [1e-300, -9.999999999999999e+299], [1e-08, -100000000.57721564], [0.25, -4.2274535333762655], [0.5, -1.9635100260214235],
  [1, -0.5772156649015329], [1.4616321449683622, -9.241265521729427e-17], [1.46163214496836, -2.2410766695906462e-15],
  [2, 0.42278433509846713], [2.5, 0.7031566406452432], [5.5, 1.6110931485817512], [9.99, 2.250700372831201],
  [10.01, 2.2528037003181356], [100.25, 4.602671243274712], [1e15, 34.538776394910684], [1e300, 690.7755278982137],
  [-0.5, 0.03648997397857652], [-1.25, 3.714139120213528], [-3.75, -1.6923885983113303], [-100.5, 4.6151246013380645],
];
const TRIGAMMA: Array<[number, number]> = [
  [1e-10, 1e+20], [0.3, 12.245364546107732], [1, 1.6449340668482264], [2.5, 0.49035775610023485], [9, 0.11751201469403143],
  [40, 0.02531510384129103], [1e8, 1.000000005e-08], [-0.5, 8.934802200544679], [-1.7, 14.632201633884014], [-20.3, 15.03134603262623],
];
const POLYGAMMA3: Array<[number, number]> = [
  [0.1, 60004.51287679026], [1, 6.493939402266829], [4.5, 0.030322508542366587], [30, 7.78600366473613e-05],
  [-0.5, 193.40909103400244], [-3.3, 768.9856582554286],
];
const ERF: Array<[number, number]> = [
  [1e-300, 1.1283791670955126e-300], [1e-10, 1.1283791670955126e-10], [0.1, 0.1124629160182849], [0.46875, 0.49261347321793797],
  [0.5, 0.5204998778130465], [0.9, 0.7969082124228322], [1.5, 0.9661051464753108], [2.5, 0.999593047982555],
  [3.9, 0.9999999652077514], [4.1, 0.9999999932999724], [5.5, 0.9999999999999927],
];
const ERFC: Array<[number, number]> = [
  [0.1, 0.887537083981715], [0.46875, 0.507386526782062], [0.5, 0.4795001221869535], [1, 0.15729920705028513],
  [2, 0.004677734981047266], [3.5, 7.430983723414128e-07], [4, 1.541725790028002e-08], [4.5, 1.9661604415428876e-10],
  [6, 2.1519736712498913e-17], [10, 2.088487583762545e-45], [15, 7.212994172451207e-100], [26, 5.663192408856143e-296],
  [-1, 1.8427007929497148], [-3, 1.9999779095030015],
];
const ERFINV: Array<[number, number]> = [
  [1e-300, 8.86226925452758e-301], [1e-10, 8.862269254527581e-11], [0.1, 0.08885599049425769], [0.5, 0.4769362762044699],
  [0.75, 0.8134198475976185], [0.9, 1.1630871536766743], [0.999, 2.3267537655135246], [0.9999999999, 4.572824958544925],
  [0.9999999999999998, 5.805018683193453], [0.9999999999999999, 5.8635847487551676],
];

describe('tabulated values (mpmath, 40 digits)', () => {
  it('lgamma: a few ulp for x > 0, at its zeros 1 and 2, and up to 1e305', () => expectWithin(ad.lgamma, LGAMMA, 3));
  it('lgamma for x < 0: within 4ε·max(1, lgamma(1 − x)) of the value', () => {
    const got = values(ad.lgamma(ad.tensor(LGAMMA_NEGATIVE.map(([x]) => x))));
    LGAMMA_NEGATIVE.forEach(([x, want], i) => {
      const scale = Math.max(1, Math.abs(ad.lgamma(1 - x).item()));
      expect(Math.abs(got[i]! - want), `lgamma(${x})`).toBeLessThanOrEqual(4 * 2 ** -52 * scale);
    });
  });
  it('digamma: a few ulp, with relative accuracy next to its positive zero', () => expectWithin(ad.digamma, DIGAMMA, 4));
  it('polygamma(1, x) and polygamma(3, x)', () => {
    expectWithin((x) => ad.polygamma(1, x), TRIGAMMA, 4);
    expectWithin((x) => ad.polygamma(3, x), POLYGAMMA3, 8);
  });
  it('erf and erfc, erfc with relative accuracy down to 1e-296', () => {
    expectWithin(ad.erf, ERF, 3);
    expectWithin((x) => ad.neg(ad.erf(ad.neg(x))), ERF, 3); // odd
    expectWithin(ad.erfc, ERFC, 6);
  });
  it('erfinv, and −erfinv(−x), up to the last double below 1', () => {
    expectWithin(ad.erfinv, ERFINV, 3);
    expectWithin((x) => ad.neg(ad.erfinv(ad.neg(x))), ERFINV, 3);
  });
});

/**
 * erf by its Taylor series 2/√π Σ (−1)ⁿ x^{2n+1} / (n!(2n + 1)) in 200-bit fixed point (BigInt),
 * π by Machin's formula: an oracle independent of the kernel, for |x| ≤ 3.
 */
function erfOracle(x: number): { erf: number; erfc: number } {
  const P = 200n;
  const ONE = 1n << P;
  const atanInv = (k: bigint) => { // atan(1/k)
    let sum = 0n;
    let power = ONE / k;
    for (let n = 0n; power !== 0n; n++, power /= k * k) sum += (n % 2n === 0n ? 1n : -1n) * power / (2n * n + 1n);
    return sum;
  };
  const pi = 16n * atanInv(5n) - 4n * atanInv(239n);
  let root = ONE * 2n; // √π · ONE by Newton on r² = π·ONE²
  for (let i = 0; i < 400; i++) { const next = (root + (pi * ONE) / root) / 2n; if (next === root) break; root = next; }
  const e = Math.floor(Math.log2(Math.abs(x))) - 52; // x = m·2^e, m a 53-bit integer
  const X = BigInt(x / 2 ** e) * (ONE >> BigInt(-e));
  let sum = 0n;
  let term = X; // (−1)ⁿ x^{2n+1}/n!
  for (let n = 0n; term !== 0n; n++) {
    sum += term / (2n * n + 1n);
    term = -((term * X) / ONE * X) / ONE / (n + 1n);
  }
  const erfFixed = (2n * sum * ONE) / root;
  const toNumber = (v: bigint) => Number(v) / 2 ** 200;
  return { erf: toNumber(erfFixed), erfc: toNumber(ONE - erfFixed) };
}

describe('erf and erfc against a 200-bit series', () => {
  it('within 3 ulp at 120 points of [−3, 3]', () => {
    const xs = Array.from({ length: 120 }, (_, i) => -3 + (6 * (i + 0.37)) / 120);
    const erf = values(ad.erf(ad.tensor(xs)));
    const erfc = values(ad.erfc(ad.tensor(xs)));
    xs.forEach((x, i) => {
      const want = erfOracle(x);
      expect(ulpDistance(erf[i]!, want.erf), `erf(${x})`).toBeLessThanOrEqual(3);
      expect(ulpDistance(erfc[i]!, want.erfc), `erfc(${x})`).toBeLessThanOrEqual(6);
    });
  });
});

describe('identities', () => {
  const xs = ad.tensor(Array.from({ length: 50 }, (_, i) => 0.05 + i * 0.37));
  const close = (a: Tensor, b: Tensor, tol: number) => {
    const [u, v] = [values(a), values(b)];
    u.forEach((ui, i) => expect(Math.abs(ui - v[i]!), `entry ${i}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v[i]!))));
  };
  it('Γ(x + 1) = xΓ(x) in logs, and ψ(x + 1) = ψ(x) + 1/x', () => {
    close(ad.sub(ad.lgamma(ad.add(xs, 1)), ad.lgamma(xs)), ad.log(xs), 4e-15);
    close(ad.sub(ad.digamma(ad.add(xs, 1)), ad.digamma(xs)), ad.reciprocal(xs), 4e-15);
  });
  it('reflection: lgamma(x) + lgamma(1 − x) = log(π / |sin πx|)', () => {
    const x = ad.tensor([0.1, 0.3, 0.45, 0.7, 0.99, 1.3, 2.6, 3.2]);
    close(ad.add(ad.lgamma(x), ad.lgamma(ad.sub(1, x))), ad.log(ad.div(Math.PI, ad.abs(ad.sin(ad.mul(Math.PI, x))))), 4e-15);
  });
  it('lgamma(½) = log √π, digamma(1) = −γ, polygamma(1, 1) = π²/6, lgamma at integers = log (n − 1)!', () => {
    expect(ad.lgamma(0.5).item()).toBe(0.5723649429247001); // log √π rounded to nearest (Math.log(Math.sqrt(π)) is 1 ulp low)
    expect(ad.digamma(1).item()).toBe(-0.5772156649015329);
    expect(ulpDistance(ad.polygamma(1, 1).item(), Math.PI ** 2 / 6)).toBeLessThanOrEqual(1);
    let logFactorial = 0;
    for (let n = 1; n <= 30; n++) {
      expect(Math.abs(ad.lgamma(n).item() - logFactorial)).toBeLessThanOrEqual(4e-16 * Math.max(1, logFactorial));
      logFactorial += Math.log(n);
    }
  });
  it('erf + erfc = 1, erfinv(erf(x)) = x where that is well conditioned, erf(erfinv(y)) = y', () => {
    const x = ad.tensor([-2, -0.7, -0.2, 0, 1e-5, 0.3, 0.46, 1.1, 2.7]);
    close(ad.add(ad.erf(x), ad.erfc(x)), ad.ones([9]), 2.3e-16);
    const moderate = ad.tensor([-1.2, -0.7, -0.2, 1e-5, 0.3, 0.46, 1.1]);
    close(ad.erfinv(ad.erf(moderate)), moderate, 1e-15);
    const y = ad.erf(x); // near ±1 erfinv is ill-conditioned, its inverse is not
    close(ad.erf(ad.erfinv(y)), y, 2.3e-16);
  });
});

describe('NaN, ±∞ and ±0', () => {
  const at = (f: (x: Tensor) => Tensor, xs: number[]) => values(f(ad.tensor(xs)));
  it('lgamma: +∞ at poles and ±∞ (C99, JAX)', () => {
    expect(at(ad.lgamma, [0, -0, -1, -7, Infinity, -Infinity, NaN, 1, 2])).toEqual([Infinity, Infinity, Infinity, Infinity, Infinity, Infinity, NaN, 0, 0]);
  });
  it('digamma: ψ(±0) = ∓∞, NaN at negative integers and −∞ (SciPy)', () => {
    expect(at(ad.digamma, [0, -0, -1, -3, Infinity, -Infinity, NaN])).toEqual([-Infinity, Infinity, NaN, NaN, Infinity, NaN, NaN]);
  });
  it('polygamma: (−1)ⁿ⁺¹∞ at poles, 0 at +∞', () => {
    expect(at((x) => ad.polygamma(1, x), [0, -2, Infinity, -Infinity, NaN])).toEqual([Infinity, Infinity, 0, NaN, NaN]);
    expect(at((x) => ad.polygamma(2, x), [0, -2, Infinity])).toEqual([-Infinity, -Infinity, -0]);
  });
  it('erf, erfc, erfinv at the ends', () => {
    expect(at(ad.erf, [0, -0, Infinity, -Infinity, NaN, 30, -30])).toEqual([0, -0, 1, -1, NaN, 1, -1]);
    expect(Object.is(ad.erf(-0).item(), -0)).toBe(true);
    expect(at(ad.erfc, [0, Infinity, -Infinity, NaN, 28, -28])).toEqual([1, 0, 2, NaN, 0, 2]);
    expect(at(ad.erfinv, [0, 1, -1, 1.5, -2, NaN])).toEqual([0, Infinity, -Infinity, NaN, NaN, NaN]);
    expect(Object.is(ad.erfinv(-0).item(), -0)).toBe(true);
  });
});

describe('derivatives', () => {
  it('lgamma′ = digamma, lgamma″ = polygamma(1, ·), to third order', () => {
    const d1 = ad.grad(ad.lgamma);
    const d2 = ad.grad(d1);
    const d3 = ad.grad(d2);
    expect(d1(2.5).item()).toBe(ad.digamma(2.5).item());
    expect(d2(1).item()).toBe(ad.polygamma(1, 1).item());
    expect(d3(3).item()).toBe(ad.polygamma(2, 3).item());
    expect(ad.grad(ad.lgamma)(-2.5).item()).toBe(ad.digamma(-2.5).item());
  });
  it('erf′(0) = 2/√π, erfc′ = −erf′, erfinv′(0) = √π/2, and erfinv′ = 1/erf′(erfinv)', () => {
    expect(ad.grad(ad.erf)(0).item()).toBeCloseTo(2 / Math.sqrt(Math.PI), 15);
    expect(ad.grad(ad.erfc)(0.3).item()).toBe(-ad.grad(ad.erf)(0.3).item());
    expect(ad.grad(ad.erfinv)(0).item()).toBeCloseTo(Math.sqrt(Math.PI) / 2, 15);
    const y = ad.erfinv(0.8).item();
    expect(ad.grad(ad.erfinv)(0.8).item() * ad.grad(ad.erf)(y).item()).toBeCloseTo(1, 14);
  });
  it('erfinv′(±1) = +∞, and 0 under a where that does not select it', () => {
    expect(ad.grad(ad.erfinv)(1).item()).toBe(Infinity);
    const safe = (x: Tensor) => ad.where(ad.less(x, 1), ad.erfinv(x), 0);
    expect(ad.grad(safe)(1).item()).toBe(0);
    expect(ad.grad(ad.grad(safe))(1).item()).toBe(0);
  });
});

describe('arguments', () => {
  it('0-d in, 0-d out; numbers and method forms', () => {
    const y = ad.lgamma(3);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBeCloseTo(Math.log(2), 15);
    expect(ad.tensor([1, 2]).digamma().toArray()).toEqual(ad.digamma(ad.tensor([1, 2])).toArray());
    expect(ad.tensor([[0.5]]).erfinv().shape).toEqual([1, 1]);
  });
  it('errors name the op', () => {
    expect(() => ad.erf('1' as never)).toThrow(ad.AdjointError);
    expect(() => ad.erf('1' as never)).toThrow(/^erf:/);
    expect(() => ad.polygamma(1.5, 2)).toThrow(/polygamma: the order n must be an integer/);
    expect(() => ad.polygamma(-1, 2)).toThrow(ad.InvalidArgumentError);
  });
});
