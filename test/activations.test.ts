/**
 * @file Activations (src/ops/activations.ts) against oracles: values against mpmath at 1000 digits
 * (the formulas of jax.nn / torch.nn.functional evaluated exactly), first and second derivatives
 * against PyTorch 1.13 float64 autograd; edge values (±0, ±∞, NaN, |x| large, p near 0, ½ and 1)
 * and bad options. Literals computed by a harness outside the repo (/usr/bin/python3).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

// Oracles (mpmath values, torch derivatives at GX and PG).
const XS = [-300.0, -40.0, -20.0, -5.0, -1.5, -1e-08, 1e-08, 0.3, 2.0, 7.5, 40.0, 1e+150];
const GELUEXACT = [-0.0, -0.0, -5.507248237212468e-88, -1.4332578593959695e-06, -0.1002108019032871, -4.999999960105772e-09, 5.000000039894228e-09, 0.1853734266566858, 1.9544997361036416, 7.499999999999761, 40.0, 1e+150];
const GELUTANH = [0.0, 0.0, -3.3754509563109673e-261, -2.291796196629506e-07, -0.10042842301976708, -4.999999960105772e-09, 5.000000039894228e-09, 0.18537092354275925, 1.954597694087775, 7.5, 40.0, 1e+150];
const SILU = [-1.5444600667236042e-128, -1.6993417021166355e-16, -4.122307236380407e-08, -0.03346425462142428, -0.2736382857095345, -4.9999999750000005e-09, 5.000000025e-09, 0.17233275504349768, 1.7615941559557649, 7.495854160223073, 40.0, 1e+150];
const ELU = [-1.0, -1.0, -0.9999999979388464, -0.9932620530009145, -0.7768698398515702, -9.999999950000001e-09, 1e-08, 0.3, 2.0, 7.5, 40.0, 1e+150];
const SOFTSIGN = [-0.9966777408637874, -0.975609756097561, -0.9523809523809523, -0.8333333333333334, -0.6, -9.999999900000002e-09, 9.999999900000002e-09, 0.23076923076923075, 0.6666666666666666, 0.8823529411764706, 0.975609756097561, 1.0];
const PS = [0.0, 1e-300, 1e-10, 0.1, 0.25, 0.3, 0.5, 0.5000000001, 0.7, 0.9, 0.9999999999, 0.9999999999999999, 1.0];
const LOGIT = [-Infinity, -690.7755278982137, -23.025850929840455, -2.197224577336219, -1.0986122886681098, -0.8472978603872037, 0.0, 4.000000330961484e-10, 0.8472978603872034, 2.1972245773362196, 23.025850847100088, 36.7368005696771, Infinity];
const GX = [-3.0, -1.5, -0.2, 0.0, 0.4, 1.0, 2.5];
const GELUEXACT_D = { first: [-0.01194564720418392, -0.1274691922299796, 0.34253175176580575, 0.5, 0.8027297977316535, 1.0833154705876864, 1.037611085908145], second: [-0.031022938883566054, -0.03237939891647296, 0.7664436801918936, 0.7978845608028654, 0.6776170581581149, 0.24197072451914337, -0.07449527709766629] };
const GELUTANH_D = { first: [-0.011584166630969648, -0.12771079315143308, 0.3425418508043005, 0.5, 0.8026588344205614, 1.0829640838457826, 1.037951576212666], second: [-0.03176765888607492, -0.03051819648422486, 0.7662964585254715, 0.7978845608028654, 0.6771476890415857, 0.24214819798377296, -0.07624539207361294] };
const SILU_D = { first: [-0.08810410601516962, -0.041294154299142946, 0.40066268814515016, 0.5, 0.6947919584090636, 0.9276705118714869, 1.0994011113415267], second: [-0.032321404521006174, 0.15619758496353672, 0.4900992493359933, 0.5, 0.4615528748317749, 0.3023661188100153, -0.008462156523368874] };
const ELU_D = { first: [0.06472318887822313, 0.2900692081929588, 1.0643499790013764, 1.3, 1.0, 1.0, 1.0], second: [0.06472318887822313, 0.2900692081929588, 1.0643499790013764, 0.0, 0.0, 0.0, 0.0] };
const SOFTSIGN_D = { first: [0.0625, 0.16000000000000003, 0.6944444444444444, 1.0, 0.5102040816326531, 0.25, 0.08163265306122447], second: [0.03125, 0.128, 1.1574074074074074, -0.0, -0.7288629737609329, -0.25, -0.046647230320699694] };
const LEAKYRELU_D = { first: [0.2, 0.2, 0.2, 0.2, 1.0, 1.0, 1.0], second: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0] };
const PG = [1e-05, 0.1, 0.3, 0.5, 0.8, 0.99];
const LOGIT_D = { first: [100001.00001000009, 11.111111111111109, 4.761904761904762, 4.0, 6.250000000000001, 101.01010101010091], second: [-9999999998.999979, -98.76543209876542, -9.070294784580497, 0.0, 23.437500000000014, 9998.979695949372] };

// Oracles for selu, celu (α = 0.7), mish, hardSigmoid, hardSwish: mpmath values at XS2, torch derivatives at GX2.
const XS2 = [-300.0, -40.0, -20.0, -5.0, -3.0, -1.5, -1e-08, 1e-08, 0.3, 2.0, 3.0, 7.5, 40.0, 1e+150];
const SELU = [-1.7580993408473768, -1.7580993408473768, -1.758099337223664, -1.7462533606696202, -1.670568728767112, -1.3658143533672527, -1.7580993320568802e-08, 1.0507009873554805e-08, 0.31521029620664415, 2.101401974710961, 3.1521029620664414, 7.880257405166104, 42.02803949421922, 1.0507009873554804e+150];
const CELU = [-0.7, -0.7, -0.6999999999997266, -0.699446656773816, -0.6903653492868648, -0.6178765837340244, -9.999999928571429e-09, 1e-08, 0.3, 2.0, 3.0, 7.5, 40.0, 1e+150];
const MISH = [-1.5444600667236042e-128, -1.6993417021166355e-16, -4.122307240628761e-08, -0.033576237730161704, -0.14564746127562458, -0.29809974216680674, -5.999999968e-09, 6.000000032e-09, 0.20800137234811503, 1.9439589595339946, 2.9865350049679575, 7.499995416538079, 40.0, 1e+150];
const HARDSIGMOID = [0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 0.4999999983333333, 0.5000000016666667, 0.55, 0.8333333333333334, 1.0, 1.0, 1.0, 1.0];
const HARDSWISH = [0.0, 0.0, 0.0, 0.0, 0.0, -0.375, -4.999999983333333e-09, 5.000000016666667e-09, 0.16499999999999998, 1.6666666666666667, 3.0, 7.5, 40.0, 1e+150];
const GX2 = [-4.0, -2.0, -0.2, 0.4, 1.0, 2.5, 5.0];
const SELU_D = { first: [0.03220071265748214, 0.2379328722516818, 1.439409997317876, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805], second: [0.03220071265748214, 0.2379328722516818, 1.439409997317876, 0.0, 0.0, 0.0, 0.0] };
// celu's derivatives in closed form (e^{x/α}, e^{x/α}/α below 0) at 50 digits: torch's use α rounded to float32.
const CELU_D = { first: [0.0032985057559390906, 0.05743261926761734, 0.7514772930752859, 1.0, 1.0, 1.0, 1.0], second: [0.004712151079912986, 0.08204659895373906, 1.0735389901075514, 0.0, 0.0, 0.0, 0.0] };
const MISH_D = { first: [-0.053773209793480325, -0.1083550924203939, 0.4715302415134094, 0.8370175025417963, 1.0490362200997922, 1.041129530131353, 1.0008002248320829], second: [-0.03462003174925449, 0.035027081852659236, 0.6376032594559852, 0.519118555568941, 0.1846857644733283, -0.050011029299785015, -0.0014056704791881507] };
const HARDSIGMOID_D = { first: [0.0, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.0], second: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0] };
const HARDSWISH_D = { first: [0.0, -0.16666666666666663, 0.43333333333333335, 0.6333333333333333, 0.8333333333333333, 1.3333333333333335, 1.0], second: [0.0, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.0] };

/** |got − want| ≤ rtol·|want| (or got and want the same infinity or both NaN), entry by entry. */
function expectClose(got: Tensor, want: readonly number[], rtol: number, what: string): void {
  const g = Array.from(got.toFloat64Array());
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => {
    const w = want[i]!;
    if (!Number.isFinite(w)) { expect(v, `${what}[${i}]`).toBe(w); return; }
    expect(Math.abs(v - w), `${what}[${i}]: ${v} vs ${w}`).toBeLessThanOrEqual(rtol * Math.abs(w) + 1e-300);
  });
}

/** First and second derivatives of an elementwise f at each point of xs. */
function derivatives(f: (x: Tensor) => Tensor, xs: readonly number[]): { first: Tensor; second: Tensor } {
  const d1 = ad.grad((x: Tensor) => ad.sum(f(x)));
  const d2 = ad.grad((x: Tensor) => ad.sum(d1(x)));
  return { first: d1(ad.tensor([...xs])), second: d2(ad.tensor([...xs])) };
}

const x = ad.tensor(XS);
const exactGelu = (t: Tensor) => ad.gelu(t, { approximate: false });
// PyTorch's conventions at the kinks differ from JAX's (which adjoint follows): leaky_relu'(0) is
// the slope in torch and 1 in JAX; torch's elu'' at 0 is 0, JAX's is alpha (the left side).
const LEAKY_D = { first: LEAKYRELU_D.first.map((v, i) => (GX[i] === 0 ? 1 : v)), second: LEAKYRELU_D.second };
const ELU_D_JAX = { first: ELU_D.first, second: ELU_D.second.map((v, i) => (GX[i] === 0 ? 1.3 : v)) };

describe('values against 1000-digit arithmetic', () => {
  it('gelu, exact form: ½x·erfc(−x/√2) keeps its relative accuracy for x ≪ 0', () => {
    // erfc's argument −x/√2 carries one rounding, amplified by 2z² in erfc: 4e-14 at x = −20.
    expectClose(exactGelu(x), GELUEXACT, 5e-14, 'gelu exact');
  });
  it('gelu, tanh form (the default): x·σ(2z) does not cancel for x ≪ 0', () => {
    // σ's argument 2z carries a few roundings, amplified by |2z| in σ(2z) ≈ e^{2z}: 4e-14 at x = −20 (2z = −602).
    expectClose(ad.gelu(x), GELUTANH, 1e-13, 'gelu tanh');
    expect(ad.gelu(x).toArray()).toEqual(ad.gelu(x, { approximate: true }).toArray());
  });
  it('silu, swish, elu, softsign', () => {
    expectClose(ad.silu(x), SILU, 4e-16, 'silu');
    expect(ad.swish(x).toArray()).toEqual(ad.silu(x).toArray());
    expectClose(ad.elu(x), ELU, 2e-16, 'elu');
    expectClose(ad.softsign(x), SOFTSIGN, 2e-16, 'softsign');
  });
  it('logit near 0, ½ and 1 (where log(p/(1 − p)) loses digits)', () => {
    expectClose(ad.logit(ad.tensor(PS)), LOGIT, 4e-16, 'logit');
    // The textbook log(p/(1 − p)) (torch.logit's) is off by 2e-10 relative at p = ½ + 1e-10, as p/(1 − p) rounds.
    const naive = Math.log(PS[7]! / (1 - PS[7]!));
    expect(Math.abs(naive - LOGIT[7]!) / LOGIT[7]!).toBeGreaterThan(1e-10);
  });
  it('logit is the inverse of sigmoid', () => {
    const z = ad.tensor([-30, -3, -0.1, 0, 0.2, 1, 5]);
    expectClose(ad.logit(ad.sigmoid(z)), [-30, -3, -0.1, 0, 0.2, 1, 5], 1e-14, 'logit(sigmoid)');
  });
  it('selu, celu, mish, hardSigmoid, hardSwish', () => {
    const x2 = ad.tensor(XS2);
    expectClose(ad.selu(x2), SELU, 4e-16, 'selu');
    expectClose(ad.celu(x2, 0.7), CELU, 4e-16, 'celu');
    expectClose(ad.mish(x2), MISH, 1e-15, 'mish');
    expectClose(ad.hardSigmoid(x2), HARDSIGMOID, 4e-16, 'hardSigmoid');
    expectClose(ad.hardSwish(x2), HARDSWISH, 2e-16, 'hardSwish');
    expect(ad.hardSilu(x2).toArray()).toEqual(ad.hardSwish(x2).toArray());
  });
  it('leakyRelu, relu6, hardTanh', () => {
    expect(ad.leakyRelu(ad.tensor([-3, -0, 0, 2])).toArray()).toEqual([-0.03, -0, 0, 2]);
    expect(ad.leakyRelu(ad.tensor([-3, 2]), 0.2).toArray()).toEqual([-3 * 0.2, 2]);
    expect(ad.relu6(ad.tensor([-1, 0, 5.5, 6, 7])).toArray()).toEqual([0, 0, 5.5, 6, 6]);
    expect(ad.hardTanh(ad.tensor([-2, -0.5, 3]), -1, 2).toArray()).toEqual([-1, -0.5, 2]);
  });
});

describe('edge values', () => {
  const edges = ad.tensor([-Infinity, -1e300, -0, 0, 1e300, Infinity, NaN]);
  it('gelu and silu: −0 at −∞ (PyTorch: NaN), ∞ at ∞, NaN stays NaN', () => {
    for (const f of [ad.gelu, exactGelu, ad.silu]) {
      const v = f(edges).toArray() as number[];
      expect(v.slice(0, 6)).toEqual([-0, -0, -0, 0, 1e300, Infinity]);
      expect(Object.is(v[0], -0) && Object.is(v[2], -0)).toBe(true);
      expect(v[6]).toBeNaN();
    }
  });
  it('elu, softsign, logit', () => {
    const elu = ad.elu(edges).toArray() as number[];
    expect(elu.slice(0, 6)).toEqual([-1, -1, -0, 0, 1e300, Infinity]);
    expect(elu[6]).toBeNaN();
    const softsign = ad.softsign(edges).toArray() as number[];
    expect(softsign.slice(0, 6)).toEqual([-1, -1, -0, 0, 1, 1]);
    expect(softsign[6]).toBeNaN();
    for (const [f, at] of [[ad.mish, -0], [ad.hardSwish, -0], [ad.selu, -1.7580993408473766], [(t: Tensor) => ad.celu(t, 2), -2], [ad.hardSigmoid, 0]] as const) {
      const v = f(edges).toArray() as number[];
      expect([v[0], v[5]]).toEqual([at, f === ad.hardSigmoid ? 1 : Infinity]);
      expect(v[6]).toBeNaN();
    }
    const logit = ad.logit(ad.tensor([-0.5, -0, 0, 1, 1.5, NaN])).toArray() as number[];
    expect(logit.slice(1, 4)).toEqual([-Infinity, -Infinity, Infinity]);
    expect([logit[0], logit[4], logit[5]].every(Number.isNaN)).toBe(true);
  });
  it('gradients stay finite where the value saturates', () => {
    const f = (t: Tensor) => ad.sum(ad.add(ad.add(ad.gelu(t), exactGelu(t)), ad.add(ad.silu(t), ad.elu(t))));
    expect(ad.grad(f)(ad.tensor([-Infinity, -1e300, -800, 800, 1e300])).toArray()).toEqual([0, 0, 0, 4, 4]);
    expect(ad.grad((t: Tensor) => ad.sum(ad.softsign(t)))(ad.tensor([-Infinity, Infinity])).toArray()).toEqual([0, 0]);
  });
});

describe('derivatives against PyTorch autograd (first and second order)', () => {
  const cases: Array<[string, (t: Tensor) => Tensor, { first: number[]; second: number[] }, readonly number[], number?]> = [
    ['gelu (exact)', exactGelu, GELUEXACT_D, GX],
    ['gelu (tanh)', ad.gelu, GELUTANH_D, GX],
    ['silu', ad.silu, SILU_D, GX],
    ['elu (alpha 1.3)', (t) => ad.elu(t, 1.3), ELU_D_JAX, GX],
    ['softsign', ad.softsign, SOFTSIGN_D, GX],
    ['leakyRelu (slope 0.2)', (t) => ad.leakyRelu(t, 0.2), LEAKY_D, GX],
    ['logit', ad.logit, LOGIT_D, PG],
    ['selu', ad.selu, SELU_D, GX2],
    // expm1's derivative is taken as its output + 1 (src/ops/unary.ts), which cancels for x ≪ 0:
    // 1.5e-14 relative at x/α = −5.7. (Its elu test stops at x = −3.)
    ['celu (alpha 0.7)', (t) => ad.celu(t, 0.7), CELU_D, GX2, 5e-14],
    ['mish', ad.mish, MISH_D, GX2],
    // torch's hardsigmoid backward multiplies by a float32 1/6 (0.1666666716337204); the slope is 1/6.
    ['hardSigmoid', ad.hardSigmoid, { first: HARDSIGMOID_D.first.map((v) => (v === 0 ? 0 : 1 / 6)), second: HARDSIGMOID_D.second }, GX2],
    ['hardSwish', ad.hardSwish, HARDSWISH_D, GX2],
  ];
  it.each(cases)('%s', (_name, f, want, at, rtol = 1e-14) => {
    const { first, second } = derivatives(f, at);
    expectClose(first, want.first, rtol, 'first');
    expectClose(second, want.second, 10 * rtol, 'second');
  });
});

describe('transformations', () => {
  it('vmap equals a loop over the batch', () => {
    const f = (t: Tensor) => ad.add(ad.gelu(t), ad.mul(ad.silu(t), ad.logit(ad.sigmoid(t))));
    const batch = ad.random.normal([4, 3], 5);
    const mapped = ad.vmap(f)(batch);
    const looped = ad.stack([0, 1, 2, 3].map((i) => f(ad.take(batch, i, 0))));
    expect(mapped.toArray()).toEqual(looped.toArray());
  });
  it('method forms', () => {
    const t = ad.tensor([0.25, 0.5]);
    expect(t.gelu({ approximate: false }).toArray()).toEqual(ad.gelu(t, { approximate: false }).toArray());
    expect(t.silu().toArray()).toEqual(ad.silu(t).toArray());
    expect(t.logit().toArray()).toEqual(ad.logit(t).toArray());
  });
});

describe('bad options', () => {
  it('name the op and the option', () => {
    expect(() => ad.gelu(1, { approximate: 'tanh' as unknown as boolean })).toThrow(ad.InvalidArgumentError);
    expect(() => ad.gelu(1, { approximate: 'tanh' as unknown as boolean })).toThrow(/^gelu: approximate must be true/);
    expect(() => ad.elu(1, '1' as unknown as number)).toThrow(/^elu: alpha must be a number/);
    expect(() => ad.leakyRelu(1, NaN)).toThrow(/^leakyRelu: negativeSlope must be a number/);
    expect(() => ad.hardTanh(1, undefined, null as unknown as number)).toThrow(/^hardTanh: max must be a number/);
    expect(() => ad.silu('x' as unknown as number)).toThrow(/^silu: expected a Tensor or a number/);
    expect(() => ad.celu(1, 0)).toThrow(/^celu: alpha must not be 0/);
  });
});
