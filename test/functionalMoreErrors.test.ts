/**
 * @file The errors of linear, bilinear, embedding, embeddingBag, instanceNorm, localResponseNorm,
 * affineGrid, gridSample, pdist, channelShuffle, maxPool's returnIndices, maxUnpool and avgPool's
 * divisorOverride: AdjointError subclasses naming the function, the shapes or value at fault, and the fix.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../src/index.js';

const throws = (f: () => unknown, kind: typeof ad.AdjointError, message: RegExp) => {
  expect(f).toThrow(kind);
  expect(f).toThrow(message);
};

describe('errors name the function, the shapes and the fix', () => {
  it('linear, bilinear', () => {
    throws(() => ad.linear(ad.ones([2, 3]), ad.ones([3, 2])), ad.ShapeError, /linear: input \[2,3\] and weight \[3,2\] must be \[\.\.\., in\] and \[out, in\].*not transposed/);
    throws(() => ad.linear(ad.ones([2, 3]), ad.ones([4, 3]), ad.ones([3])), ad.ShapeError, /linear: bias of shape \[3\] must be \[4\]/);
    throws(() => ad.bilinear(ad.ones([2, 3]), ad.ones([3, 4]), ad.ones([5, 3, 4])), ad.ShapeError, /bilinear: input1 \[2,3\] and input2 \[3,4\] must have the same leading axes/);
    throws(() => ad.bilinear(ad.ones([2, 3]), ad.ones([2, 4]), ad.ones([5, 4, 3])), ad.ShapeError, /must be \[\.\.\., in1\], \[\.\.\., in2\] and \[out, in1, in2\]/);
  });

  it('embedding, embeddingBag', () => {
    const w = ad.ones([4, 2]);
    throws(() => ad.embedding([0, 4], w), ad.InvalidArgumentError, /embedding: indices\[1\] \(flat\) is 4; each must be a whole number in \[0, 4\)/);
    throws(() => ad.embedding([-1], w), ad.InvalidArgumentError, /embedding: indices\[0\] \(flat\) is -1/);
    throws(() => ad.embedding([0], ad.ones([4])), ad.ShapeError, /embedding: weight of shape \[4\] must be a 2-D table/);
    throws(() => ad.embedding([0], w, { paddingIdx: 4 }), ad.InvalidArgumentError, /embedding: paddingIdx must be a whole number in \[-4, 4\)/);
    throws(() => ad.embedding([0], w, { maxNorm: -1 }), ad.InvalidArgumentError, /embedding: maxNorm must be a finite number > 0/);
    throws(() => ad.embedding([0], w, { scaleGradByFreq: true } as never), ad.InvalidArgumentError, /embedding: unknown option 'scaleGradByFreq'/);
    throws(() => ad.embeddingBag([0, 1], w), ad.InvalidArgumentError, /embeddingBag: 1-D indices need offsets/);
    throws(() => ad.embeddingBag([[0, 1]], w, { offsets: [0] }), ad.InvalidArgumentError, /embeddingBag: 2-D indices \[1,2\] are bags of one size.*offsets must not be given/);
    throws(() => ad.embeddingBag([0, 1], w, { offsets: [1] }), ad.InvalidArgumentError, /embeddingBag: offsets \[1\] must start at 0 and not decrease/);
    throws(() => ad.embeddingBag([0, 1], w, { offsets: [0, 2, 1] }), ad.InvalidArgumentError, /offsets \[0, 2, 1\] must start at 0 and not decrease/);
    throws(() => ad.embeddingBag([0, 1], w, { offsets: [0, 1], includeLastOffset: true }), ad.InvalidArgumentError, /with includeLastOffset the last offset, 1, must be the number of indices, 2/);
    throws(() => ad.embeddingBag([0, 1], w, { offsets: [0], perSampleWeights: ad.ones([2]) }), ad.InvalidArgumentError, /perSampleWeights needs mode 'sum'/);
    throws(() => ad.embeddingBag([0, 1], w, { offsets: [0], mode: 'sum', perSampleWeights: ad.ones([3]) }), ad.ShapeError, /perSampleWeights of shape \[3\] must be shaped as the indices, \[2\]/);
    throws(() => ad.embeddingBag([0, 1], w, { offsets: [0], mode: 'min' as never }), ad.InvalidArgumentError, /embeddingBag: mode must be 'sum', 'mean' or 'max'/);
    expect(() => ad.vmap((o: ad.Tensor) => ad.embeddingBag([0, 1], w, { offsets: o }))(ad.tensor([[0], [0]]))).toThrow(/embeddingBag: the offsets are traced/);
  });

  it('instanceNorm, localResponseNorm', () => {
    throws(() => ad.instanceNorm(ad.ones([2, 3, 1])), ad.ShapeError, /instanceNorm: input \[2,3,1\] has 1 spatial position per channel.*useInputStats: false/);
    throws(() => ad.instanceNorm(ad.ones([2, 3, 4]), { useInputStats: false }), ad.InvalidArgumentError, /instanceNorm: useInputStats: false needs runningMean and runningVar \(\[3\] each\)/);
    throws(() => ad.instanceNorm(ad.ones([2, 3, 4]), { weight: ad.ones([2]) }), ad.ShapeError, /instanceNorm: weight of shape \[2\] must be \[3\], one per channel of the input \[2,3,4\]/);
    throws(() => ad.instanceNorm(ad.ones([2, 3, 4]), { eps: 1e-3 } as never), ad.InvalidArgumentError, /instanceNorm: unknown option 'eps'.*epsilon/);
    throws(() => ad.localResponseNorm(ad.ones([2, 3]), 2), ad.ShapeError, /localResponseNorm: input of shape \[2,3\] must be .*rank ≥ 3/);
    throws(() => ad.localResponseNorm(ad.ones([2, 3, 4]), 0), ad.InvalidArgumentError, /localResponseNorm: size .* must be a whole number ≥ 1/);
  });

  it('affineGrid, gridSample', () => {
    throws(() => ad.affineGrid(ad.ones([2, 2, 3]), [1, 1, 4, 4]), ad.ShapeError, /affineGrid: theta of shape \[2,2,3\] must be a batch of 2-D affine matrices \[1, 2, 3\]/);
    throws(() => ad.affineGrid(ad.ones([1, 2, 3]), [1, 1, 4]), ad.InvalidArgumentError, /affineGrid: size must be the output's \[N, C, H, W\] or \[N, C, D, H, W\]/);
    throws(() => ad.affineGrid(ad.ones([1, 2, 3]), [1, 1, 0, 4]), ad.InvalidArgumentError, /affineGrid: size \[1, 1, 0, 4\] must be positive/);
    throws(() => ad.gridSample(ad.ones([1, 1, 4, 4]), ad.ones([2, 3, 3, 2])), ad.ShapeError, /gridSample: input \[1,1,4,4\] and grid \[2,3,3,2\] must be \[N, C, H, W\] and \[N, H_out, W_out, 2\].*the same N/);
    throws(() => ad.gridSample(ad.ones([1, 1, 2, 4, 4]), ad.ones([1, 1, 3, 3, 3]), { mode: 'bicubic' }), ad.InvalidArgumentError, /gridSample: mode 'bicubic' needs a 4-D input/);
    throws(() => ad.gridSample(ad.ones([1, 1, 4, 4]), ad.ones([1, 3, 3, 2]), { paddingMode: 'wrap' as never }), ad.InvalidArgumentError, /gridSample: paddingMode must be 'zeros', 'border' or 'reflection'/);
    throws(() => ad.gridSample(ad.ones([1, 1, 0, 4]), ad.ones([1, 3, 3, 2])), ad.ShapeError, /gridSample: input \[1,1,0,4\] has an empty spatial axis/);
  });

  it('pdist, channelShuffle', () => {
    throws(() => ad.pdist(ad.ones([2, 3, 4])), ad.ShapeError, /pdist: input of shape \[2,3,4\] must be 2-D \[N, M\].*cdist/);
    throws(() => ad.pdist(ad.ones([3, 2]), -1), ad.InvalidArgumentError, /pdist: p must be a number ≥ 0 or Infinity/);
    expect(ad.pdist(ad.ones([1, 2])).shape).toEqual([0]);
    throws(() => ad.channelShuffle(ad.ones([1, 5, 2]), 2), ad.ShapeError, /channelShuffle: input \[1,5,2\] must be \[N, C, …\].*C divisible by groups \(2\)/);
    throws(() => ad.channelShuffle(ad.ones([1, 4, 2]), 0), ad.InvalidArgumentError, /channelShuffle: groups must be a whole number ≥ 1/);
  });

  it('maxPool returnIndices, maxUnpool, avgPool divisorOverride', () => {
    throws(() => ad.maxPool(ad.ones([1, 1, 4]), [2], { returnIndices: 1 as never }), ad.InvalidArgumentError, /maxPool: returnIndices must be true or false/);
    throws(() => ad.avgPool(ad.ones([1, 1, 4]), [2], { divisorOverride: 0 }), ad.InvalidArgumentError, /avgPool: divisorOverride must be a whole number other than 0/);
    throws(() => ad.avgPool(ad.ones([1, 1, 4]), [2], { divisorOverride: 1.5 }), ad.InvalidArgumentError, /divisorOverride must be a whole number/);
    const x = ad.ones([1, 1, 2, 2]);
    throws(() => ad.maxUnpool(x, [[[[0, 1, 2, 3]]]], [2, 2]), ad.ShapeError, /maxUnpool: indices of shape \[1,1,1,4\] must be shaped as the input, \[1,1,2,2\]/);
    throws(() => ad.maxUnpool(x, [[[[0, 1], [2, 16]]]], [2, 2]), ad.InvalidArgumentError, /maxUnpool: index 16 \(flat entry 3\) is not a position in the output plane \[4, 4\] \(0 … 15\)/);
    throws(() => ad.maxUnpool(x, [[[[0, 1], [2, 3]]]], [2, 2], { outputSize: [6, 4] }), ad.InvalidArgumentError, /maxUnpool: outputSize \[6, 4\] along spatial axis 0 must be strictly between 2 and 6/);
    throws(() => ad.maxUnpool(x, [[[[0, 1], [2, 3]]]], [2, 2], { outputSize: [4] }), ad.InvalidArgumentError, /maxUnpool: outputSize must be 2 whole numbers ≥ 1/);
    throws(() => ad.maxUnpool(ad.ones([1, 1, 1]), [[[0]]], [1], { padding: 1 }), ad.ShapeError, /maxUnpool: the output's spatial size \[-1\].*is not positive/);
    expect(ad.maxUnpool(x, [[[[0, 1], [2, 3]]]], [2, 2], { outputSize: [1, 1, 5, 3] }).shape).toEqual([1, 1, 5, 3]);
    // Unbatched [C, H, W]: PyTorch's _unpool_output_size takes 2 or 2 + 2 numbers whatever the rank (its first two
    // ignored), not the input's rank of 3 (a review found [1, 2, 5, 3] refused and [1, 5, 3] accepted)
    const u = ad.ones([1, 2, 2]);
    expect(ad.maxUnpool(u, [[[0, 1], [2, 3]]], [2, 2], { outputSize: [1, 2, 5, 3] }).shape).toEqual([1, 5, 3]);
    throws(() => ad.maxUnpool(u, [[[0, 1], [2, 3]]], [2, 2], { outputSize: [1, 5, 3] }), ad.InvalidArgumentError, /maxUnpool: outputSize must be 2 whole numbers ≥ 1 \(the spatial size\) or 4/);
  });
});
