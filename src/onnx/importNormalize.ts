/**
 * @file ONNX's operators that rescale along axes, in adjoint's ops: Hardmax (a one-hot of the first
 * maximum, zero gradient), LpNormalization, MeanVarianceNormalization and GroupNormalization.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, equal, mul, sub } from '../ops/binary.js';
import { abs, sqrt, square } from '../ops/unary.js';
import { mean, sum } from '../ops/reduce.js';
import { broadcastTo, reshape } from '../ops/shape.js';
import { stopGradient, where } from '../ops/select.js';
import { maxIndex } from '../ops/sort.js';
import { arange } from '../tensor/create.js';
import { sizeOf } from '../tensor/shape.js';
import { same, type OperatorDef } from './importNode.js';
import { axisIn } from './importShape.js';
import { softmaxLike } from './importReduce.js';

/** 1 at the first maximum along `axis`, 0 elsewhere. */
function hardmax(x: Tensor, axis: number): Tensor {
  const first = maxIndex(stopGradient(x), axis, true);
  const positions = reshape(arange(x.shape[axis]!), x.shape.map((d, i) => (i === axis ? d : 1)));
  return equal(first, positions);
}

/** Hardmax: along one axis (default −1) from opset 13; before, over the input coerced to 2-D at `axis` (default 1), as Softmax. */
const hardmaxOp = softmaxLike(hardmax);

/** LpNormalization: x / ‖x‖_p along `axis` (default −1), p = 1 or 2; 0 where ‖x‖_p = 0. */
const lpNormalization: OperatorDef = {
  attributes: ['axis', 'p'],
  compile: (node) => {
    const axis = node.int('axis', -1), p = node.oneOf('p', node.int('p', 2), [1, 2]);
    return ([x]) => {
      const t = x!.tensor, ax = axisIn(node, axis, t.ndim);
      const norm = p === 1 ? sum(abs(t), [ax], true) : sqrt(sum(square(t), [ax], true));
      // A zero vector stays zero (ONNX Runtime; PyTorch's F.normalize likewise), not 0/0 = NaN.
      return [same(x!, where(equal(norm, 0), 0, div(t, norm)))];
    };
  },
};

/**
 * MeanVarianceNormalization: (x − E x)/(√(E x² − (E x)²) + 1e-9) over `axes` (default [0, 2, 3]),
 * the ONNX function's definition (ε added to the standard deviation, not the variance).
 */
const meanVarianceNormalization: OperatorDef = {
  attributes: ['axes'],
  compile: (node) => {
    const given = node.ints('axes') ?? [0, 2, 3];
    return ([x]) => {
      const t = x!.tensor, axes = given.map((a) => axisIn(node, a, t.ndim));
      const mu = mean(t, axes, true);
      const std = sqrt(sub(mean(square(t), axes, true), square(mu)));
      return [same(x!, div(sub(t, mu), add(std, 1e-9)))];
    };
  },
};

/**
 * GroupNormalization (opset 18; scale and bias per channel from opset 21): x [N, C, …] in
 * num_groups groups of C/G channels, each (sample, group) normalised over its channels and spatial
 * axes with the biased variance and ε, then scaled and shifted. At opset 18 scale and bias have one
 * entry per group, each group's shared by its channels.
 */
const groupNormalization: OperatorDef = {
  attributes: ['epsilon', 'num_groups', 'stash_type'],
  compile: (node) => {
    const epsilon = node.float('epsilon', 1e-5);
    if (!node.has('num_groups')) node.fail('attribute num_groups is required.');
    const groups = node.int('num_groups', 1);
    return ([x, scale, bias]) => {
      const t = x!.tensor, [n, c] = t.shape as [number, number];
      if (t.ndim < 2 || c % groups !== 0) node.runError(`input of shape [${t.shape}] has ${c} channels, which ${groups} groups do not divide.`);
      const g = reshape(t, [n, groups, sizeOf(t.shape.slice(1)) / groups]);
      const mu = mean(g, [2], true), centered = sub(g, mu);
      const y = reshape(div(centered, sqrt(add(mean(square(centered), [2], true), epsilon))), t.shape);
      const perGroup = node.opset < 21;
      const spread = (v: Tensor) => {
        const want = perGroup ? groups : c;
        if (v.size !== want) node.runError(`scale and bias must have ${want} entries (one per ${perGroup ? 'group at opset 18' : 'channel from opset 21'}), got shape [${v.shape}].`);
        const perChannel = perGroup ? reshape(broadcastTo(reshape(v, [groups, 1]), [groups, c / groups]), [c]) : v;
        return reshape(perChannel, [c, ...t.shape.slice(2).map(() => 1)]);
      };
      return [same(x!, add(mul(y, spread(scale!.tensor)), spread(bias!.tensor)))];
    };
  },
};

/** Rescaling operators by ONNX name. */
export const NORMALIZE: Record<string, OperatorDef> = {
  Hardmax: hardmaxOp,
  LpNormalization: lpNormalization,
  MeanVarianceNormalization: meanVarianceNormalization,
  GroupNormalization: groupNormalization,
};
