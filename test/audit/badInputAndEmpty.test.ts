/**
 * @file Audit regressions for misuse and degenerate shapes of the tensor ops: bad arguments get an
 * AdjointError naming the op and the fix, and tensors with a 0-length axis give NumPy's shapes and
 * values (expected values from NumPy 1.24 and PyTorch 1.13, written out).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClearError } from '../catalogue/support.js';

const bad = <T>(v: unknown) => v as T;
const Z = (shape: number[]) => ad.zeros(shape);
const seq = (shape: number[]) => ad.reshape(ad.arange(shape.reduce((a, b) => a * b, 1)), shape);

describe('max and min of an empty axis are errors (NumPy raises; they returned ∓Infinity)', () => {
  it.each([
    ['max of [0]', () => ad.max(Z([0])), 'max', /shape \[0\] is empty along axis 0/],
    ['max of [0,3] over every axis', () => ad.max(Z([0, 3])), 'max', /shape \[0,3\] is empty along axis 0/],
    ['min of [3,0] along axis 1', () => ad.min(Z([3, 0]), 1), 'min', /shape \[3,0\] is empty along axis 1/],
    ['min of [3,0] along axis -1, keepdims', () => ad.min(Z([3, 0]), -1, true), 'min', /empty along axis 1/],
    ['the method form', () => Z([2, 0]).max(1), 'max', /empty along axis 1/],
    ['under grad', () => ad.grad((x: Tensor) => ad.max(x))(Z([0])), 'max', /empty along axis 0/],
  ])('%s', (_name, run, op, fix) => expectClearError(run, { op, fix, type: ad.InvalidArgumentError }));

  it('an empty result without an empty reduced axis is still fine, as NumPy', () => {
    expect(ad.max(Z([3, 0]), 0).shape).toEqual([0]);
    expect(ad.min(Z([3, 0]), 0, true).shape).toEqual([1, 0]);
    expect(ad.max(Z([0]), []).shape).toEqual([0]);
  });

  it('the max semiring\'s ⊕ over an empty axis is still its zero, −∞ (the library\'s own max keeps the identity)', () => {
    expect(ad.semirings.max.sum(Z([1, 3, 0]), 1).toArray()).toEqual([[-Infinity, -Infinity, -Infinity]]);
    expect(ad.semirings.log.sum(Z([1, 3, 0]), 1).toArray()).toEqual([[-Infinity, -Infinity, -Infinity]]);
  });

  it('softmax, logSoftmax, logsumexp and std over an empty axis keep working (they shift by the max inside)', () => {
    expect(ad.softmax(Z([3, 0]), 1).shape).toEqual([3, 0]);
    expect(ad.logSoftmax(Z([0, 3]), 1).shape).toEqual([0, 3]);
    expect(ad.logsumexp(Z([3, 0]), 1).toArray()).toEqual([-Infinity, -Infinity, -Infinity]);
    expect(ad.std(Z([2, 0]), 1).toArray()).toEqual([NaN, NaN]);
    expect(ad.grad((x: Tensor) => ad.sum(ad.softmax(x, 1)))(Z([3, 0])).shape).toEqual([3, 0]);
  });
});

describe('keepdims must be a boolean (an options object in its place kept the axes)', () => {
  const x = seq([2, 3]);
  const opts = bad<boolean>({ keepdims: false });
  it.each([
    ['maxIndex', () => ad.maxIndex(x, 0, opts)],
    ['minIndex', () => ad.minIndex(x, undefined, bad('yes'))],
  ])('%s', (op, run) => expectClearError(run, { op, fix: /keepdims must be true or false, got an object \(Object\)|keepdims must be true or false, got string 'yes'/, type: ad.InvalidArgumentError }));

  it('sum, mean, max and min read an options object there as NumPy keywords (helper 113), keepdims included', () => {
    expect(ad.sum(x, 0, { keepdims: false }).shape).toEqual([3]);
    expect(ad.mean(x, 0, { keepdims: true }).shape).toEqual([1, 3]);
    expect(ad.max(x, 0, { keepdims: false }).shape).toEqual([3]);
    expect(ad.logsumexp(x, 0, { keepdims: true }).shape).toEqual([1, 3]); // jax.nn.logsumexp's keywords (helper 118)
    expect(() => ad.min(x, 0, bad({ keepdim: true }))).toThrow(/^min: unknown option 'keepdim'/);
  });

  it('true and false still work', () => {
    expect(ad.sum(x, 0, true).toArray()).toEqual([[3, 5, 7]]);
    expect(ad.mean(x, 1, false).toArray()).toEqual([1, 4]);
    expect(ad.maxIndex(x, undefined, true).toArray()).toEqual([[5]]);
  });
});

describe('list and permutation arguments given in the wrong form (a TypeError before)', () => {
  const a = seq([2]), b = seq([2]);
  it.each([
    ['concat(a, b), as torch.cat reads', () => ad.concat(bad(a), bad(b)), 'concat', /the tensors must come as one array, got a tensor of shape \[2\]; e\.g\. ad\.concat\(\[a, b\], 0\)/],
    ['stack of a string', () => ad.stack(bad('ab')), 'stack', /one array, got string 'ab'; e\.g\. ad\.stack\(\[a, b\], 0\)/],
    ['transpose(x, 1, 0), as torch.transpose reads', () => ad.transpose(seq([2, 3]), bad(1)), 'transpose', /perm must be an array of axes, got number 1.*ad\.transpose\(x, \[1, 0\]\) for shape \[2,3\]/],
    ['squeeze with a string axis', () => ad.squeeze(seq([1, 3]), bad('0')), 'squeeze', /an axis must be an integer, got the string '0'/],
    ['pad with null options', () => ad.pad(seq([3]), 1, bad(null)), 'pad', /options must be an object.*got null/],
  ])('%s', (_name, run, op, fix) => expectClearError(run, { op, fix, type: ad.InvalidArgumentError }));
});

describe('dot beyond matrices is NumPy\'s dot, not matmul (a silently different result before)', () => {
  it('the last axis of a against the second-to-last of b, every other axis kept', () => {
    // np.dot(np.arange(12.).reshape(2, 3, 2), np.arange(12.).reshape(3, 2, 2)): shape (2, 3, 3, 2); matmul would not even broadcast 2 with 3
    const y = ad.dot(seq([2, 3, 2]), seq([3, 2, 2]));
    expect(y.shape).toEqual([2, 3, 3, 2]);
    expect(y.toArray()).toEqual([
      [[[2, 3], [6, 7], [10, 11]], [[6, 11], [26, 31], [46, 51]], [[10, 19], [46, 55], [82, 91]]],
      [[[14, 27], [66, 79], [118, 131]], [[18, 35], [86, 103], [154, 171]], [[22, 43], [106, 127], [190, 211]]],
    ]);
    // a matrix against a stack of matrices: [2, 2, 2], where matmul gives b's batch first
    expect(ad.dot(ad.tensor([[1, 2], [3, 4]]), seq([2, 2, 2])).toArray()).toEqual([[[4, 7], [16, 19]], [[8, 15], [36, 43]]]);
    expect(ad.dot(Z([2, 3, 0]), Z([4, 0, 5])).shape).toEqual([2, 3, 4, 5]);
  });

  it('its gradient is that of the sum of products', () => {
    const b = seq([2, 2, 2]);
    const g = ad.grad((a: Tensor) => ad.sum(ad.dot(a, b)))(ad.ones([2, 2]));
    // ∂/∂a[i, k] Σ_{j, m} a[i, k] b[j, k, m] = Σ_{j, m} b[j, k, m]: k = 0 → 0 + 1 + 4 + 5, k = 1 → 2 + 3 + 6 + 7
    expect(g.toArray()).toEqual([[10, 18], [10, 18]]);
  });

  it('a mismatch is named by dot, with the shapes given', () => {
    expectClearError(() => ad.dot(seq([2, 3]), seq([2, 3])), { op: 'dot', fix: /shapes \[2,3\] and \[2,3\] do not line up: a's last axis \(3\) must equal b's second-to-last \(2\)/, type: ad.ShapeError });
  });
});

describe('slice with begin or size that is not an array of numbers (a TypeError before)', () => {
  it.each([
    ['begin null', () => ad.slice(seq([2, 3]), bad(null)), /begin null and size undefined need one entry per axis of shape \[2,3\], as arrays: e\.g\. ad\.slice\(x, \[0, 0\], \[-1, -1\]\)/],
    ['size null', () => ad.slice(seq([2, 3]), [0, 0], bad(null)), /size null need one entry per axis/],
    ['a bigint entry', () => ad.slice(seq([2, 3]), bad([0, 1n])), /begin \[0,bigint 1n\].*whole numbers/],
  ])('%s', (_name, run, fix) => expectClearError(run, { op: 'slice', fix }));
});

describe('a tensor of many or no values read as one number', () => {
  it('is a ShapeError (it was the bare AdjointError)', () => {
    expect(() => Z([0]).item()).toThrow(ad.ShapeError);
    expect(() => seq([2]).item()).toThrow(/item: the tensor has shape \[2\] \(2 elements\)/);
    expect(() => +seq([2, 2])).toThrow(ad.ShapeError);
  });
});

describe('tensor of an array that contains itself', () => {
  it('is an error, not a fatal "invalid size" crash of the process while the shape grew', () => {
    const a: unknown[] = [];
    a.push(a);
    expectClearError(() => ad.tensor(bad(a)), { op: 'tensor', fix: /contains itself.*without cycles/ });
    const inner: unknown[] = [1];
    const outer = [inner, [2]];
    inner[0] = outer;
    expectClearError(() => ad.tensor(bad(outer)), { op: 'tensor', fix: /element \[0\]\[0\] is an array above it/ });
  });
});

describe('misuse that was accepted silently', () => {
  it('squeeze with a repeated axis (NumPy: duplicate value in axis)', () => {
    expectClearError(() => ad.squeeze(seq([1, 3]), [0, -2]), { op: 'squeeze', fix: /axes \[0,-2\] repeat an axis/ });
    expect(ad.squeeze(seq([1, 3, 1]), [0, -1]).shape).toEqual([3]);
  });

  it('pad with an unknown option (a misspelt mode padded with zeros)', () => {
    expectClearError(() => ad.pad(seq([3]), 1, bad({ mdoe: 'edge' })), { op: 'pad', fix: /unknown option 'mdoe'; the options are mode, value, endValues, statLength and reflectType/ });
    expect(ad.pad(seq([3]), 1, { mode: 'edge' }).toArray()).toEqual([0, 0, 1, 2, 2]);
  });
});

describe('messages that named the wrong shapes or an empty range', () => {
  it('matmul of vectors names the shapes given, not [1, k] and [k, 1]', () => {
    expectClearError(() => ad.matmul(seq([3]), seq([4, 2])), { op: 'matmul', fix: /shapes \[3\] and \[4,2\] do not line up: a's last axis \(3\) must equal b's second-to-last \(4\)/, type: ad.ShapeError });
    expectClearError(() => ad.matmul(seq([2, 3]), seq([4])), { op: 'matmul', fix: /shapes \[2,3\] and \[4\] do not line up: a's last axis \(3\) must equal b's length \(4\)/ });
    expect(ad.matmul(seq([3]), seq([3, 2])).toArray()).toEqual([10, 13]);
  });

  it('an axis of null (NumPy\'s None) is named as null, with the way to ask for every axis', () => {
    expectClearError(() => ad.sum(seq([2, 3]), bad(null)), { op: 'sum', fix: /got null; .*NumPy's axis=None: leave the axis out/ });
    expectClearError(() => ad.softmax(seq([2, 3]), bad([0])), { op: 'softmax', fix: /got an array of length 1/ });
  });

  it('shape errors say what would fit', () => {
    expectClearError(() => ad.reshape(seq([6]), [4, -1]), { op: 'reshape', fix: /product of the other entries \(4\) must be non-zero and divide 6/ });
    expectClearError(() => ad.transpose(seq([2, 3, 4]), [0, 0, 1]), { op: 'transpose', fix: /list each axis once \(3 entries\), e\.g\. \[2, 1, 0\]/ });
    expectClearError(() => ad.slice(seq([5]), [3], [4]), { op: 'slice', fix: /begin \+ size ≤ the axis length/ });
    expectClearError(() => ad.squeeze(seq([2, 3]), 0), { op: 'squeeze', fix: /only axes of length 1 can be removed/ });
  });

  it('pad names the shape given when a border mode meets an empty axis (it named the shape padded so far)', () => {
    expectClearError(() => ad.pad(Z([3, 0]), [[1, 1], [1, 0]], { mode: 'reflect' }), { op: 'pad', fix: /axis 1 of shape \[3,0\] is empty/, type: ad.ShapeError });
    expect(ad.pad(Z([3, 0]), [[1, 1], [0, 0]], { mode: 'reflect' }).shape).toEqual([5, 0]); // NumPy pads the non-empty axis
  });

  it('gather and scatter name themselves when the indices are a ragged or non-numeric list (the message began "tensor:")', () => {
    expectClearError(() => ad.gather(seq([2, 3]), bad([[0, [1]]]), 1), { op: 'gather', fix: /^gather: the indices: .*ragged/, type: ad.ShapeError });
    expectClearError(() => ad.scatter(seq([2, 3]), bad([['a']]), 1, 1), { op: 'scatter', fix: /^scatter: the indices: .*string 'a'/, type: ad.InvalidArgumentError });
  });

  it('take and gather from an empty axis say it is empty instead of "use an integer in [0, -1]"', () => {
    for (const run of [() => ad.take(Z([0]), [0], 0), () => ad.gather(Z([2, 0]), Z([2, 1]), 1)]) {
      let message = '';
      try { run(); } catch (e) { message = (e as Error).message; }
      expect(message).toMatch(/the axis is empty/);
      expect(message).not.toContain('[0, -1]');
    }
    expect(ad.take(Z([0]), [], 0).shape).toEqual([0]);
  });
});

describe('results too large for a tensor are named by the op that asked for them (a RangeError, or another op\'s name, before)', () => {
  it.each([
    ['pad in a border mode', () => ad.pad(seq([3]), 1e10, { mode: 'edge' }), 'pad', /shape \[20000000003\] has 20,000,000,003 elements/],
    ['pad with a constant', () => ad.pad(seq([3]), 1e10), 'pad', /shape \[20000000003\]/],
    ['repeat with one count per entry', () => ad.repeat(seq([2]), [1e10, 1]), 'repeat', /shape \[10000000001\]/],
    ['repeat with one count', () => ad.repeat(seq([2]), 2 ** 32), 'repeat', /shape \[8589934592\]/],
    ['tile', () => ad.tile(seq([2]), [2 ** 32]), 'tile', /shape \[8589934592\]/],
    ['conv with a huge padding', () => ad.conv(seq([1, 1, 5]), seq([1, 1, 3]), { padding: 1e10 }), 'conv', /shape \[1,1,20000000003\]/],
    ['convTranspose with a huge stride', () => ad.convTranspose(seq([1, 1, 5]), seq([1, 1, 3]), { stride: 1e10 }), 'convTranspose', /shape \[1,1,40000000003\]/],
  ])('%s', (_name, run, op, fix) => {
    expectClearError(run, { op, fix, type: ad.ShapeError });
    expect(() => run()).toThrow(new RegExp(`^${op}: `));
  });
});

describe('vmap of convolutions over a batch of 0 examples (reshape to NaN before)', () => {
  const w = seq([2, 1, 3]);
  it('conv with a shared weight, a batched weight, and a batch of weights only', () => {
    expect((ad.vmap((x: Tensor) => ad.conv(x, w))(Z([0, 1, 1, 5])) as Tensor).shape).toEqual([0, 1, 2, 3]);
    expect((ad.vmap((x: Tensor, v: Tensor) => ad.conv(x, v))(Z([0, 1, 1, 5]), Z([0, 2, 1, 3])) as Tensor).shape).toEqual([0, 1, 2, 3]);
    expect((ad.vmap((v: Tensor) => ad.conv(seq([1, 1, 5]), v))(Z([0, 2, 1, 3])) as Tensor).shape).toEqual([0, 1, 2, 3]);
  });

  it('convTranspose and per-example weight gradients', () => {
    const wt = seq([1, 2, 3]);
    expect((ad.vmap((x: Tensor) => ad.convTranspose(x, wt, { stride: 2 }))(Z([0, 1, 1, 3])) as Tensor).shape).toEqual([0, 1, 2, 7]);
    expect((ad.vmap((x: Tensor, v: Tensor) => ad.convTranspose(x, v, { stride: 2 }))(Z([0, 1, 1, 3]), Z([0, 1, 2, 3])) as Tensor).shape).toEqual([0, 1, 2, 7]);
    const perExample = ad.vmap(ad.grad((v: Tensor, x: Tensor) => ad.sum(ad.square(ad.conv(x, v)))), [null, 0]);
    expect((perExample(w, Z([0, 1, 1, 5])) as Tensor).shape).toEqual([0, 2, 1, 3]);
    // and a batch of two still agrees with PyTorch (2·Σ_p y[o,p]·x[p+k] per example)
    const x2 = ad.tensor([[[[1, 0, 2, -1, 3]]], [[[0, 1, 0, 1, 0]]]]);
    const v = ad.tensor([[[1, -1, 2]], [[0, 1, 0]]]);
    expect((perExample(v, x2) as Tensor).toArray()).toEqual([
      [[[46, -34, 82]], [[-4, 10, -10]]],
      [[[6, -4, 6]], [[0, 4, 0]]],
    ]);
  });
});

describe('zero-size shapes give NumPy\'s results (swept against NumPy and PyTorch)', () => {
  it.each<[string, () => Tensor, number[], number[]]>([
    ['sum of [0]', () => ad.sum(Z([0])), [], [0]],
    ['mean of [0]', () => ad.mean(Z([0])), [], [NaN]],
    ['mean of [3,0] along 1', () => ad.mean(Z([3, 0]), 1), [3], [NaN, NaN, NaN]],
    ['variance of [0]', () => ad.variance(Z([0])), [], [NaN]],
    ['logsumexp of [0]', () => ad.logsumexp(Z([0])), [], [-Infinity]],
    ['[0] + [1] broadcasts to [0]', () => ad.add(Z([0]), seq([1])), [0], []],
    ['[3,0] × [3,1]', () => ad.mul(Z([3, 0]), seq([3, 1])), [3, 0], []],
    ['matmul with inner length 0', () => ad.matmul(Z([2, 0]), Z([0, 3])), [2, 3], [0, 0, 0, 0, 0, 0]],
    ['matmul of a batch of 0', () => ad.matmul(Z([0, 2, 3]), seq([3, 4])), [0, 2, 4], []],
    ['einsum with a 0-length contraction', () => ad.einsum('ij,jk->ik', Z([2, 0]), Z([0, 2])), [2, 2], [0, 0, 0, 0]],
    ['concat with an empty part', () => ad.concat([Z([0, 2]), seq([1, 2])], 0), [1, 2], [0, 1]],
    ['take with no indices', () => ad.take(seq([2, 3]), [], 1), [2, 0], []],
    ['sort of [3,0]', () => ad.sort(Z([3, 0])), [3, 0], []],
    ['cumsum of [0]', () => ad.cumsum(Z([0]), 0), [0], []],
    ['topk with k = 0', () => ad.topk(seq([3]), 0).values, [0], []],
    ['conv of a batch of 0', () => ad.conv(Z([0, 1, 5]), seq([2, 1, 3])), [0, 2, 3], []],
    ['reshape of [0,3] to [3, -1]', () => ad.reshape(Z([0, 3]), [3, -1]), [3, 0], []],
    ['pad of [0] with constants', () => ad.pad(Z([0]), 1, { value: 7 }), [2], [7, 7]],
    ['tile of [0,2]', () => ad.tile(Z([0, 2]), [2, 2]), [0, 4], []],
  ])('%s', (_name, run, shape, values) => {
    const y = run();
    expect(y.shape).toEqual(shape);
    expect(Array.from(y.toFloat64Array())).toEqual(values);
  });

  it('gradients through empty tensors have the input\'s shape', () => {
    expect(ad.grad((a: Tensor) => ad.sum(ad.matmul(a, Z([0, 3]))))(Z([2, 0])).shape).toEqual([2, 0]);
    expect(ad.grad((a: Tensor) => ad.sum(ad.concat([a, seq([2, 3])], 0)))(Z([0, 3])).shape).toEqual([0, 3]);
    expect(ad.grad((w: Tensor) => ad.sum(ad.conv(Z([0, 1, 5]), w)))(seq([2, 1, 3])).toArray()).toEqual([[[0, 0, 0]], [[0, 0, 0]]]);
    expect(ad.grad((x: Tensor) => ad.sum(ad.broadcastTo(x, [0, 3])))(seq([3])).toArray()).toEqual([0, 0, 0]);
  });

  it('[0] against [2] does not broadcast', () => {
    expectClearError(() => ad.add(Z([0]), seq([2])), { op: 'add', fix: /cannot be broadcast/, type: ad.ShapeError });
  });
});

describe('semiring sums over an empty axis', () => {
  // The argmax semiring's ⊕ summed the selected entry with zeros: over no entries it gave 0, where
  // its zero (and the max semiring's result) is −∞.
  it('is the semiring zero for max and argmax (−∞), log (−∞) and real (0)', () => {
    const { argmax, max, log, real } = ad.semirings;
    for (const [s, zero] of [[argmax, -Infinity], [max, -Infinity], [log, -Infinity], [real, 0]] as const) {
      const out = s.unconvert(s.sum(s.convert(ad.zeros([2, 0])), 1));
      expect(Array.from(out.toFloat64Array()), s.name).toEqual([zero, zero]);
    }
  });
});
