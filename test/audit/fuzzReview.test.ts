/**
 * @file Bad input found by a fuzzing review (every export, one argument at a time made wrong):
 * options that could turn a check off silently, NaN predicates, sizes that aborted the process,
 * and errors that were TypeErrors or not AdjointErrors. Each case passed silently or crashed before.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const adjointError = (f: () => unknown, message: RegExp) => {
  let caught: unknown = null;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ad.AdjointError);
  expect((caught as Error).message).toMatch(message);
};

describe('checkGrad and assertGrad refuse options that would let a wrong gradient pass', () => {
  // A customVjp whose gradient is deliberately wrong (2x where it is x).
  const bad = ad.customVjp((x: ad.Tensor) => ad.sum(ad.mul(0.5, ad.square(x))), (g, { args: [x] }) => [ad.mul(g, ad.mul(2, x))]);
  const x = ad.tensor([1, 2]);
  it.each([
    [{ modes: [] }, /checkGrad: modes must be a non-empty list/],
    [{ modes: ['sideways'] }, /checkGrad: modes must be/],
    [{ directions: 0 }, /checkGrad: directions must be a whole number ≥ 1/],
    [{ directions: NaN }, /checkGrad: directions/],
    [{ order: 0 }, /checkGrad: order must be a whole number ≥ 1/],
    [{ eps: -1e-5 }, /checkGrad: eps must be a finite step > 0/],
    [{ rtol: Infinity }, /checkGrad: rtol must be a finite tolerance/],
    [{ tolerance: 1 }, /checkGrad: unknown option 'tolerance'/],
    [{ seed: 'x' }, /checkGrad: seed must be an integer/],
  ])('%j', (options, message) => {
    adjointError(() => ad.checkGrad(bad, [x], options as never), message);
    adjointError(() => ad.assertGrad(bad, [x], options as never), message);
  });
  it('and still catch the wrong gradient with the defaults', () => {
    expect(() => ad.assertGrad(bad, [x])).toThrow(ad.GradientCheckError);
  });
});

describe('detectAnomalies options', () => {
  it('a flag must be a boolean and a key known', () => {
    adjointError(() => ad.detectAnomalies(() => ad.div(1, 0), { nanOnly: 'false' as never }), /detectAnomalies: nanOnly must be true or false/);
    adjointError(() => ad.detectAnomalies(() => ad.div(1, 0), { strcit: true } as never), /detectAnomalies: unknown option 'strcit'/);
    expect(() => ad.detectAnomalies(() => ad.div(1, 0), { nanOnly: false })).toThrow(ad.AnomalyError);
  });
});

describe('control flow and settings', () => {
  it('whileLoop refuses a NaN predicate, as cond does (it looped to maxIterations)', () => {
    adjointError(() => ad.whileLoop(() => NaN as unknown as boolean, (c: ad.Tensor) => c, ad.tensor(1), { maxIterations: 5 }), /whileLoop: cond returned NaN at iteration 0/);
    adjointError(() => ad.whileLoop(() => ad.tensor(NaN), (c: ad.Tensor) => c, ad.tensor(1)), /whileLoop: cond returned NaN/);
  });
  it('config takes an object (a number, null or a function was ignored or a TypeError)', () => {
    for (const v of [3, true, null, () => 1, [1]]) adjointError(() => ad.config(v as never), /config: options must be an object/);
    expect(ad.config().threads).toBeDefined();
  });
  it('random.permutation of a count checks its axis (it was ignored)', () => {
    const k = ad.random.key(0);
    expect(ad.random.permutation(k, 4, -1).shape).toEqual([4]);
    adjointError(() => ad.random.permutation(k, 3, 1), /random.permutation: axis 1 is out of range/);
    adjointError(() => ad.random.permutation(k, 3, { independant: true } as never), /random.permutation/);
  });
});

describe('sizes that aborted the process, and errors that were not AdjointErrors', () => {
  it('arraySplit into 2^28 sections and a CRF topk(1e7) are errors', () => {
    adjointError(() => ad.arraySplit(ad.tensor([1, 2, 3, 4]), 2 ** 28), /arraySplit: 268435456 sections would be/);
    const crf = new ad.LinearChainCRF({ emissions: ad.zeros([2, 2]), transitions: ad.zeros([2, 2]) });
    adjointError(() => crf.topk(1e7), /LinearChainCRF.topk: k = 10000000 is more than 2\^20/);
  });
  it('corrupt ONNX bytes, a bad sampler shape and a bad profile are AdjointErrors', () => {
    adjointError(() => ad.onnx.importModel(new Uint8Array([1, 2, 3, 4, 5])), /cannot decode the model/);
    adjointError(() => ad.random.maxwell(ad.random.key(0), 3 as never), /random.maxwell: a shape must be an array/);
    adjointError(() => ad.random.orthogonal(ad.random.key(0), 3, {} as never), /random.orthogonal: a shape must be an array/);
    adjointError(() => ad.formatProfile({} as never), /formatProfile: expected the profile/);
  });
  it('special.klDiv, relEntr and xlog1py name themselves when shapes do not broadcast (they named logicalAnd)', () => {
    for (const [name, f] of [['klDiv', ad.special.klDiv], ['relEntr', ad.special.relEntr], ['xlog1py', ad.special.xlog1py]] as const) {
      adjointError(() => f(ad.ones([2]), ad.ones([3])), new RegExp(`^${name}:`));
    }
  });
  it('standardize names itself for a bad axis (it named mean)', () => {
    adjointError(() => ad.standardize(ad.tensor([1, 2, 3]), NaN), /^standardize: an axis must be an integer/);
    adjointError(() => ad.standardize(ad.tensor([1, 2, 3]), [0, 1]), /^standardize: axis 1 is out of range/);
  });
});
