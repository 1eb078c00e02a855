/**
 * @file ONNX's neural-network operators in adjoint's ops: MatMul, Gemm, Einsum, Conv (through
 * `ad.conv`), LayerNormalization, BatchNormalization (inference), InstanceNormalization, and the
 * pooling operators (see importPool.ts).
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { sqrt } from '../ops/unary.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { matmul, mm } from '../ops/linalg.js';
import { einsum } from '../ops/einsum.js';
import { conv } from '../ops/conv.js';
import { same, floatValue, type NodeContext, type OperatorDef, type Value } from './importNode.js';
import { axisIn } from './importShape.js';
import { POOL, spatialPads } from './importPool.js';

/** Gemm: Y = α·op(A)·op(B) + β·C, op a transpose when transA/transB, C broadcast to Y. */
const gemm: OperatorDef = {
  attributes: ['alpha', 'beta', 'transA', 'transB', 'broadcast'],
  compile: (node) => {
    const alpha = node.float('alpha', 1), beta = node.float('beta', 1);
    const transA = node.int('transA', 0) === 1, transB = node.int('transB', 0) === 1;
    return ([a, b, c]) => {
      if (a!.tensor.ndim !== 2 || b!.tensor.ndim !== 2) node.runError(`A and B must be matrices, got shapes [${a!.tensor.shape}] and [${b!.tensor.shape}].`);
      let y = mm(a!.tensor, b!.tensor, transA, transB);
      if (alpha !== 1) y = mul(alpha, y);
      if (c !== undefined && beta !== 0) y = add(y, beta === 1 ? c.tensor : mul(beta, c.tensor));
      return [same(a!, y)];
    };
  },
};

const matmulOp: OperatorDef = { attributes: [], compile: () => ([a, b]) => [same(a!, matmul(a!.tensor, b!.tensor))] };

const einsumOp: OperatorDef = {
  attributes: ['equation'],
  compile: (node) => {
    const equation = node.string('equation', '').replace(/\s+/g, '');
    if (equation === '') node.fail('attribute equation is required.');
    return (inputs) => [same(inputs[0]!, einsum(equation, ...inputs.map((v) => v!.tensor)))];
  },
};

/** Conv: X [N, C, …], W [M, C/group, …kernel], optional bias [M]; pads, auto_pad, strides, dilations, group. */
const convOp: OperatorDef = {
  attributes: ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'],
  compile: (node) => {
    node.oneOf('auto_pad', node.string('auto_pad', 'NOTSET'), ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']);
    const group = node.int('group', 1);
    return ([x, w, b]) => {
      const W = w!.tensor, X = x!.tensor;
      const kernel = W.shape.slice(2);
      const declared = node.ints('kernel_shape');
      if (declared !== undefined && declared.join() !== kernel.join()) node.runError(`kernel_shape ${JSON.stringify(declared)} differs from the weights' ${JSON.stringify(kernel)}.`);
      const { strides, dilations, pads } = spatialPads(node, X.shape.slice(2), kernel, false);
      const y = conv(X, W, { stride: strides, dilation: dilations, padding: pads, groups: group, ...(b ? { bias: b.tensor } : {}) });
      return [same(x!, y)];
    };
  },
};

/** (x − mean)/√(var + ε) over `axes` (the biased variance, as every normalisation layer). */
function normalize(x: Tensor, axes: number[], epsilon: number): { y: Tensor; mu: Tensor; invStd: Tensor } {
  const mu = mean(x, axes, true);
  const centered = sub(x, mu);
  const invStd = div(1, sqrt(add(mean(mul(centered, centered), axes, true), epsilon)));
  return { y: mul(centered, invStd), mu, invStd };
}

/** LayerNormalization over the axes from `axis` on: Y = normalized·Scale + B; Mean and InvStdDev as optional outputs. */
const layerNorm: OperatorDef = {
  attributes: ['axis', 'epsilon', 'stash_type'],
  compile: (node) => {
    const axis = node.int('axis', -1), epsilon = node.float('epsilon', 1e-5);
    return ([x, scale, bias]) => {
      const t = x!.tensor, first = axisIn(node, axis, t.ndim);
      const axes = t.shape.map((_, i) => i).slice(first);
      const { y, mu, invStd } = normalize(t, axes, epsilon);
      let out = mul(y, scale!.tensor);
      if (bias) out = add(out, bias.tensor);
      return [floatValue(out), floatValue(mu), floatValue(invStd)];
    };
  },
};

/** A per-channel vector [C] shaped to broadcast along axis 1 of a rank-r tensor. */
function channel(v: Value, rank: number): Tensor {
  return reshape(v.tensor, [v.tensor.size, ...new Array<number>(Math.max(rank - 2, 0)).fill(1)]);
}

/** BatchNormalization at inference: (x − running mean)/√(running var + ε)·scale + B, per channel (axis 1). */
const batchNorm: OperatorDef = {
  attributes: ['epsilon', 'momentum', 'training_mode', 'spatial', 'is_test', 'consumed_inputs'],
  compile: (node) => {
    if (node.int('training_mode', 0) !== 0) node.fail('training_mode = 1 is not supported; adjoint imports BatchNormalization in inference mode.');
    if (node.int('spatial', 1) !== 1) node.fail('spatial = 0 is not supported.');
    if (node.outputs.slice(1).some((o) => o !== '')) node.fail('the running mean and variance outputs exist in training mode only, which is not supported.');
    const epsilon = node.float('epsilon', 1e-5);
    return ([x, scale, b, m, v]) => {
      const r = x!.tensor.ndim;
      const invStd = div(channel(scale!, r), sqrt(add(channel(v!, r), epsilon)));
      return [same(x!, add(mul(sub(x!.tensor, channel(m!, r)), invStd), channel(b!, r)))];
    };
  },
};

/** InstanceNormalization: each (sample, channel) normalised over its spatial axes, then scale and bias per channel. */
const instanceNorm: OperatorDef = {
  attributes: ['epsilon'],
  compile: (node: NodeContext) => {
    const epsilon = node.float('epsilon', 1e-5);
    return ([x, scale, b]) => {
      const t = x!.tensor, r = t.ndim;
      const { y } = normalize(t, t.shape.map((_, i) => i).slice(2), epsilon);
      return [same(x!, add(mul(y, channel(scale!, r)), channel(b!, r)))];
    };
  },
};

/** Neural-network operators by ONNX name. */
export const NN: Record<string, OperatorDef> = {
  MatMul: matmulOp,
  Gemm: gemm,
  Einsum: einsumOp,
  Conv: convOp,
  LayerNormalization: layerNorm,
  BatchNormalization: batchNorm,
  InstanceNormalization: instanceNorm,
  ...POOL,
};
