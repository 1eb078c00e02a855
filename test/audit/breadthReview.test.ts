/**
 * @file Regressions found by an independent differential review of the activations, rounding,
 * remainders, predicates, bases 2/10, array helpers and the new ad.random samplers against NumPy
 * 1.24, PyTorch 1.13 (float64 autograd) and mpmath, by a harness outside the repo. The oracle
 * values are written out here (the numbers NumPy / torch printed), so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('ceil and trunc of x in (−1, −½)', () => {
  // round(x) is −1 there, and −1 + 1 gave +0; NumPy: np.ceil(-0.75) = np.trunc(-0.75) = -0.0.
  const x = ad.tensor([-0.75, -0.5000000000000001, -0.9999999999999999, -0.5, -0.3, 0.75, -1.25]);
  it('ceil is −0, as numpy.ceil', () => {
    const got = arr(ad.ceil(x));
    expect(got.map((v) => Object.is(v, -0))).toEqual([true, true, true, true, true, false, false]);
    expect(got).toEqual([-0, -0, -0, -0, -0, 1, -1]);
  });
  it('trunc is −0, as numpy.trunc (method forms too)', () => {
    const got = arr(x.trunc());
    expect(got.map((v) => Object.is(v, -0))).toEqual([true, true, true, true, true, false, false]);
    expect(Object.is(x.ceil().toFloat64Array()[0], -0)).toBe(true);
  });
  it('under jit and vmap as eagerly', () => {
    const j = ad.jit((t: Tensor) => ad.ceil(t));
    j(ad.tensor([0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]));
    expect(arr(j(x)).map((v) => Object.is(v, -0))).toEqual([true, true, true, true, true, false, false]);
    expect(Object.is(arr(ad.vmap((t: Tensor) => ad.trunc(t))(ad.tensor([[-0.75], [0.75]])))[0], -0)).toBe(true);
  });
});

describe("mod's derivative in b is −(the quotient its remainder was taken with)", () => {
  // torch.remainder's backward for b: −a.div(b, rounding_mode='floor') (Python's a // b):
  // 1 // 0.1 = 9 (fl(1/0.1) = 10, but mod(1, 0.1) = 1 − 9·0.1 = 0.0999…95), and
  // 1e−300 // −1e300 = −1 (the quotient underflows to −0). torch 1.13 float64 autograd:
  const A = [1, -1, 3, -3, 2.5, 1e-300, 5e-324, 5, -5];
  const B = [0.1, -0.1, 0.1, 0.3, 0.1, -1e300, -3, 3, 3];
  const TORCH_DB = [-9, -9, -29, 11, -24, 1, 1, -1, 2];
  it('matches torch.remainder where fl(a/b) rounds up to an integer or underflows', () => {
    const [ga, gb] = ad.grad((a: Tensor, b: Tensor) => ad.sum(ad.mod(a, b)), [0, 1])(ad.tensor(A), ad.tensor(B));
    expect(arr(gb)).toEqual(TORCH_DB);
    expect(arr(ga)).toEqual(A.map(() => 1));
  });
  it('is consistent with the value: a − b·q = mod(a, b) for q = −d/db', () => {
    const gb = ad.grad((b: Tensor) => ad.sum(ad.mod(ad.tensor([1, 3, 2.5]), b)))(ad.tensor([0.1, 0.1, 0.1]));
    const m = arr(ad.mod(ad.tensor([1, 3, 2.5]), 0.1));
    arr(gb).forEach((d, i) => expect(Math.abs([1, 3, 2.5][i]! + 0.1 * d - m[i]!)).toBeLessThan(1e-15));
  });
  it('keeps no gradient at b = ±∞, and forward mode agrees', () => {
    const gb = ad.grad((b: Tensor) => ad.sum(ad.mod(ad.tensor([-3, 3]), b)))(ad.tensor([Infinity, -Infinity]));
    expect(arr(gb).map(Math.abs)).toEqual([0, 0]);
    const [, t] = ad.jvp((b: Tensor) => ad.mod(1, b), [ad.tensor(0.1)], [ad.tensor(1)]);
    expect(t.item()).toBe(-9);
  });
});

describe('gelu options and hardTanh bounds are checked', () => {
  // jax.nn.gelu(x, False) passes approximate positionally; ad.gelu(x, false) ignored the boolean
  // and gave the tanh form (0.8411919906082768 at 1, where the exact x·Φ(x) is 0.8413447460685429).
  it('a bare boolean, a misspelt key or null throws naming gelu and the fix', () => {
    const g = ad.gelu as (x: number, o: unknown) => Tensor;
    expect(() => g(1, false)).toThrow(/gelu: .*\{ approximate: false \}/);
    expect(() => g(1, { approx: false })).toThrow(/gelu: unknown option 'approx'/);
    expect(() => g(1, null)).toThrow(ad.InvalidArgumentError);
    expect(ad.gelu(1, { approximate: false }).item()).toBeCloseTo(0.8413447460685429, 15);
    expect(ad.gelu(1, {}).item()).toBe(0.8411919906082768);
  });
  // torch.nn.functional.hardtanh(x, 2, 1) raises "min_val cannot be greater than max_val"; clip's
  // NumPy rule gave max everywhere, silently.
  it('hardTanh with min > max throws; min = max is allowed', () => {
    expect(() => ad.hardTanh(ad.tensor([0, 5]), 2, 1)).toThrow(/hardTanh: min 2 is greater than max 1/);
    expect(arr(ad.hardTanh(ad.tensor([0, 3]), 1, 1))).toEqual([1, 1]);
  });
});

describe('random.choice with finite weights whose sum overflows', () => {
  // p = [1e308, 1e308, 1e308]: cumsum is [1e308, ∞, ∞], total·(1 − u) = ∞, so every draw was 1.
  // The probabilities are ⅓ each; with 30000 draws each count is within 4.5σ (σ = 81.6) of 10000.
  it('draws each entry with probability p/Σp', () => {
    const c = arr(ad.random.choice(ad.random.key(3), 3, [30000], { p: ad.tensor([1e308, 1e308, 1e308]) }));
    for (const i of [0, 1, 2]) expect(Math.abs(c.filter((v) => v === i).length - 10000)).toBeLessThan(370);
  });
  it('draws as the same weights scaled down would', () => {
    const big = arr(ad.random.choice(ad.random.key(4), 3, [50], { p: ad.tensor([0.5e308, 0.5e308, 1e308]) }));
    const small = arr(ad.random.choice(ad.random.key(4), 3, [50], { p: ad.tensor([1, 1, 2]) }));
    expect(big).toEqual(small);
  });
});

describe('fullLike checks its fill value under its own name', () => {
  // The errors said 'full: …' (the op fullLike calls), and a 0-d tensor was taken as a constant.
  it('a string, undefined or a tensor throws naming fullLike', () => {
    const f = ad.fullLike as (x: Tensor, v: unknown) => Tensor;
    expect(() => f(ad.ones([2]), '3')).toThrow(/^fullLike: the fill value must be a number, got string '3'/);
    expect(() => f(ad.ones([2]), undefined)).toThrow(/^fullLike: /);
    expect(() => f(ad.ones([2]), ad.tensor(3))).toThrow(/^fullLike: .*broadcastTo/);
    expect(arr(ad.fullLike(ad.ones([2]), NaN)).every(Number.isNaN)).toBe(true);
  });
});

describe('logical ops name themselves in a broadcast error', () => {
  // They said 'mul: shapes [2] and [3] …', 'maximum: …' and 'notEqual: …'.
  it.each([
    ['logicalAnd', ad.logicalAnd],
    ['logicalOr', ad.logicalOr],
    ['logicalXor', ad.logicalXor],
  ] as const)('%s', (name, f) => {
    expect(() => f(ad.zeros([2]), ad.zeros([3]))).toThrow(new RegExp(`^${name}: shapes \\[2\\] and \\[3\\] cannot be broadcast`));
    expect(arr(f(ad.tensor([[1], [0]]), ad.tensor([2, 0, NaN])))).toEqual(
      { logicalAnd: [1, 0, 1, 0, 0, 0], logicalOr: [1, 1, 1, 1, 0, 1], logicalXor: [0, 1, 0, 1, 0, 1] }[name],
    );
  });
});

describe('oneHot names itself when its indices are not a tensor, a number or an array', () => {
  // The errors said 'tensor: cannot make a tensor from …'.
  it('undefined, a string, an object, null', () => {
    const f = ad.oneHot as (i: unknown, n: number) => Tensor;
    for (const bad of [undefined, 'x', {}, null]) expect(() => f(bad, 3)).toThrow(/^oneHot: /);
    expect(arr(f([[1, 0]], 2))).toEqual([0, 1, 1, 0]);
    expect(arr(f(2, 3))).toEqual([0, 0, 1]);
    expect(f(ad.tensor([0, 1]), 2).shape).toEqual([2, 2]);
  });
});

describe('derivatives of relu6, hardSigmoid and hardSwish at their kinks', () => {
  // relu6 and hardSigmoid followed clip (1 at the boundaries); jax.nn.relu6 defines ∇relu6(0) =
  // ∇relu6(6) = 0 and torch's relu6/hardsigmoid backward tests lo < x < hi, so both give 0 there.
  const g = (f: (t: Tensor) => Tensor, x: number) => ad.grad(f)(ad.scalar(x)).item();
  it('are 0 at the kinks of relu6 and hardSigmoid, as JAX and PyTorch', () => {
    expect([0, 6, 3, -1, 7].map((x) => g(ad.relu6, x))).toEqual([0, 0, 1, 0, 0]);
    expect([-3, 3, 0, -4, 4].map((x) => g(ad.hardSigmoid, x))).toEqual([0, 0, 1 / 6, 0, 0]);
  });
  it('follow the product rule for hardSwish (JAX: 0 at −3, 1 at 3)', () => {
    expect([-3, 3, 0].map((x) => g(ad.hardSwish, x))).toEqual([0, 1, 0.5]);
  });
});
