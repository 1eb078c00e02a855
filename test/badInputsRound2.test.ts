/**
 * @file Bad input found by a fuzz of the public API (every exported function, ~30,000 mutated
 * calls): each case crashed the process, hung, threw a raw TypeError/RangeError, or returned a
 * result for input that PyTorch/NumPy/JAX refuse. Each now gets an AdjointError naming the op
 * (or, where NumPy accepts the input, the right result).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const key = ad.random.key(0);
const call = (f: (...a: unknown[]) => unknown, ...args: unknown[]) => () => f(...args);
const refused = (thunk: () => unknown, message: RegExp) => {
  expect(thunk).toThrow(ad.AdjointError);
  expect(thunk).toThrow(message);
};

describe('sizes past a tensor, refused before anything is built', () => {
  it('triangle indices, k-best lists, multigammaln, windows, hilbert, sample counts', () => {
    refused(() => ad.trilIndices(1e9), /trilIndices: the triangle of a 1000000000×1000000000 matrix/);
    refused(() => ad.triuIndices(1e9, 1), /triuIndices/);
    refused(() => ad.semirings.kmax(2 ** 31), /kmax: k must be an integer ≥ 1 and at most 1,048,576/);
    refused(() => ad.special.multigammaln(2, 2 ** 40), /multigammaln: shape \[1099511627776\]/);
    for (const w of [ad.bartlett, ad.blackman, ad.hamming, ad.hanning]) refused(() => w(1e10), /shape \[10000000000\]/);
    refused(() => ad.kaiser(1e10, 3), /kaiser: shape/);
    refused(() => ad.linalg.hilbert(1e5), /linalg\.hilbert: shape \[100000,100000\]/);
    const crf = new ad.LinearChainCRF({ emissions: ad.zeros([3, 2]), transitions: ad.zeros([2, 2]) });
    refused(() => crf.sample(1e300, 0), /LinearChainCRF\.sample: count must be an integer ≥ 0 and at most 2\^32/);
  });

  it('the triangles and multigammaln still give NumPy and SciPy values', () => {
    expect(ad.trilIndices(3, -1).map((t) => t.toArray())).toEqual([[1, 2, 2], [0, 0, 1]]);
    expect(ad.triuIndices(3, 1, 4).map((t) => t.toArray())).toEqual([[0, 0, 0, 1, 1, 2], [1, 2, 3, 2, 3, 3]]);
    expect(ad.triuIndices(2, -5).map((t) => t.toArray())).toEqual([[0, 0, 1, 1], [0, 1, 0, 1]]);
    expect(ad.trilIndices(2, 0, 0).map((t) => t.shape)).toEqual([[0], [0]]);
    // scipy.special.multigammaln(2.5, 3), multigammaln(4, 3)
    const m = ad.special.multigammaln(ad.tensor([2.5, 4]), 3).toArray() as number[];
    expect(m[0]).toBeCloseTo(1.8809954616117743, 13);
    expect(m[1]).toBeCloseTo(5.402975080909175, 13);
    // A large a is summed in blocks of terms (here one j at a time): the same values.
    const many = ad.special.multigammaln(ad.full([1_100_000], 3), 4).data;
    const one = ad.special.multigammaln(ad.scalar(3), 4).item();
    expect(many.every((v) => Math.abs(v - one) <= 1e-14 * Math.abs(one))).toBe(true);
    expect(ad.grad((a: Tensor) => ad.special.multigammaln(a, 3))(ad.scalar(4)).item()).toBeCloseTo(
      [0, 1, 2].reduce((s, j) => s + (ad.digamma(ad.scalar(4 - j / 2)).item() as number), 0), 13,
    );
  });

  it('localResponseNorm with a window wider than the channels: the same as before, no giant padding', () => {
    const x = ad.tensor([[[1, -2], [2, 0.5], [3, 1]]]);
    // size ≥ 2c + 1 covers every channel: sum of all squares / size.
    for (const size of [7, 100, 1e300]) {
      const y = ad.localResponseNorm(x, size, { alpha: 0.5, beta: 0.75, k: 1 });
      const total = ad.sum(ad.square(x), 1, true);
      const expected = ad.div(x, ad.pow(ad.add(ad.mul(ad.div(total, size), 0.5), 1), 0.75));
      expect(Array.from(y.data)).toEqual(Array.from(expected.data).map((v) => expect.closeTo(v, 14)));
    }
  });
});

describe('raw JavaScript errors that are now AdjointErrors, and valid input that is now taken', () => {
  it('sampler shapes: a number, null, missing bounds', () => {
    refused(() => ad.random.gamma(key, ad.tensor([0.5, 1, 5]), 42 as never), /random\.gamma: a shape must be an array/);
    refused(() => ad.random.multinomial(key, 10, ad.tensor([0.5, 0.5]), 42 as never), /random\.multinomial: a shape/);
    refused(() => ad.random.ball(key, 3, 2, 5 as never), /random\.ball: a shape/);
    expect(ad.random.ball(key, 3, 2, null as never).shape).toEqual([3]); // null: the default shape, as elsewhere
    refused(call(ad.random.randint as never), /random\.randint/);
    refused(call(ad.random.randint as never, key, [2]), /random\.randint: low and high are required/);
    refused(() => ad.random.threefry2x32(key, (() => 1) as never), /random\.threefry2x32: counts must be an array/);
  });

  it('array holes are refused, not skipped', () => {
    refused(() => ad.broadcastShapes([1, , 3] as number[], [3]), /broadcastShapes: shape 0/); // eslint-disable-line no-sparse-arrays
    refused(() => ad.delete(ad.tensor([1, 2, 3, 4]), [1, , 3] as number[]), /delete: an index must be an integer, got undefined/); // eslint-disable-line no-sparse-arrays
    refused(() => ad.fromfunction((i: Tensor, j: Tensor) => ad.add(i, j), [1, , 3] as number[]), /fromfunction/); // eslint-disable-line no-sparse-arrays
    refused(() => ad.transpose(ad.zeros([2, 3, 4]), [2, , 0] as number[]), /transpose: an axis must be an integer, got undefined/); // eslint-disable-line no-sparse-arrays
    refused(() => ad.split(ad.arange(6), [1, , 4] as number[]), /split/); // eslint-disable-line no-sparse-arrays
    refused(() => ad.linalg.norm(ad.ones([2, 2]), 2, [0, , 1] as never), /linalg\.norm/); // eslint-disable-line no-sparse-arrays
  });

  it('error messages that quoted a BigInt now show it', () => {
    const [s1, s2] = [ad.optimizers.schedules.constant(1), ad.optimizers.schedules.constant(2)];
    refused(() => ad.optimizers.schedules.join([s1, s2], 10n as never), /boundaries must be 1 finite step numbers .* got "10n"/);
  });

  it('gradient with axis null is every axis (NumPy)', () => {
    const g = ad.gradient(ad.tensor([[1, 2, 4], [7, 11, 16]]), 1, { axis: null }) as Tensor[];
    const h = ad.gradient(ad.tensor([[1, 2, 4], [7, 11, 16]])) as Tensor[];
    expect(g.map((t) => t.toArray())).toEqual(h.map((t) => t.toArray()));
    refused(() => ad.gradient(ad.tensor([1, 2, 4]), 1, { axis: true as never }), /gradient: axis must be an axis/);
  });

  it('semiring methods check their arguments; negative element axes count from the end', () => {
    refused(() => ad.semirings.log.convert('abc' as never), /semirings\.log\.convert/);
    refused(() => ad.semirings.log.one(null as never), /semirings\.log\.one: a shape/);
    refused(() => ad.semirings.log.contract!('abc' as never, 'abc' as never), /semirings\.log\.contract/);
    const e = ad.semirings.log.convert(ad.tensor([[0, 1], [2, 3], [4, 5]]));
    refused(() => ad.semirings.log.sum(e, 2), /semirings\.log\.sum: axis must be an integer in \[-2, 1\]/);
    refused(() => ad.semirings.entropy.times(e, e), /semirings\.entropy\.times: a of shape \[1,3,2\] is not an element of entropy/);
    expect(ad.semirings.log.sum(e, -1).toArray()).toEqual(ad.semirings.log.sum(e, 1).toArray());
    expect(ad.semirings.log.unconvert(ad.semirings.log.sum(e, -2)).toArray()).toEqual((ad.logsumexp(ad.tensor([[0, 1], [2, 3], [4, 5]]), 0)).toArray());
    const k2 = ad.semirings.kmax(2);
    refused(() => k2.times(e, e), /semirings\.kmax\(2\)\.times/);
  });

  it('names the op when a class target or segment id list is not numbers', () => {
    refused(() => ad.crossEntropy(ad.zeros([2, 3]), 'abc' as never), /^crossEntropy: /);
    refused(() => ad.nllLoss(ad.zeros([2, 3]), [[0], [1, 2]] as never), /^nllLoss: /);
    refused(() => ad.ix_([1, [2]] as never), /^ix_: /);
  });
});

describe('silent results for input PyTorch refuses', () => {
  it('batchNorm checks the running statistics in training mode too', () => {
    const x = ad.tensor([[[1], [10]], [[3], [30]]]);
    refused(() => ad.batchNorm(x, ad.tensor([1, 2, 3]), ad.tensor([1, 2]), { training: true }), /batchNorm: runningMean of shape \[3\] must be \[2\]/);
    refused(() => ad.batchNorm(x, 'abc' as never, null, { training: true }), /batchNorm/);
    expect(ad.batchNorm(x, ad.tensor([0, 0]), ad.tensor([1, 1]), { training: true, epsilon: 0 }).toArray()).toEqual([[[-1], [-1]], [[1], [1]]]);
  });

  it("vjp's pullback takes one cotangent", () => {
    const [, pullback] = ad.vjp(ad.sin, ad.tensor([1, 2]));
    refused(() => (pullback as (...a: unknown[]) => unknown)(ad.tensor([1, 1]), ad.tensor([1, 1])), /vjp pullback: takes one cotangent/);
    expect((pullback(ad.tensor([1, 1])) as Tensor[])[0]!.toArray()).toEqual([Math.cos(1), Math.cos(2)]);
    // As Array.prototype.map's callback (element, index, array): the one idiom that adds arguments.
    const rows = [ad.tensor([1, 0]), ad.tensor([0, 1])].map(pullback as (ct: Tensor) => unknown) as Tensor[][];
    expect(rows.map((r) => r[0]!.toArray())).toEqual([[Math.cos(1), 0], [0, Math.cos(2)]]);
  });
});
