/**
 * @file ONNX's pooling operators (MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool) on
 * adjoint's public pooling ops, and the padding arithmetic they share with Conv.
 *
 * MaxPool and AveragePool are `ad.maxPool` / `ad.avgPool` (src/ops/pooling.ts) with the node's
 * attributes translated: auto_pad resolved here to explicit [before, after] pairs, ONNX's defaults
 * (strides 1, count_include_pad 0) passed explicitly. A max's gradient goes to the first maximum of
 * each window, as PyTorch's.
 */
import { max, mean } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { avgPool, maxPool } from '../ops/pooling.js';
import { same, type NodeContext, type OperatorDef } from './importNode.js';

/** The geometry of a convolution or pool along its spatial axes. */
export interface SpatialGeometry {
  readonly strides: number[];
  readonly dilations: number[];
  /** [before, after] per spatial axis. */
  readonly pads: Array<[number, number]>;
  /** Output length per spatial axis. */
  readonly out: number[];
}

/**
 * Strides, dilations and pads from a node's attributes (auto_pad included) for an input of spatial
 * shape `input` and kernel `kernel`, and the output lengths: ⌊(L + lo + hi − d(k − 1) − 1)/s⌋ + 1,
 * or with ceil_mode ⌈…⌉ + 1 less a last window that would start past the input and its left padding
 * (as PyTorch and ONNX Runtime). SAME_UPPER/SAME_LOWER give ⌈L/s⌉ outputs with the odd pad after/before.
 */
export function spatialPads(node: NodeContext, input: readonly number[], kernel: readonly number[], ceilMode: boolean): SpatialGeometry {
  const r = kernel.length;
  if (input.length !== r) node.runError(`the input has ${input.length} spatial axes and the kernel ${r}.`);
  const perAxis = (name: string, fallback: number) => {
    const v = node.ints(name) ?? new Array<number>(r).fill(fallback);
    if (v.length !== r) node.runError(`${name} has ${v.length} entries for ${r} spatial axes.`);
    return v;
  };
  const strides = perAxis('strides', 1), dilations = perAxis('dilations', 1);
  const autoPad = node.string('auto_pad', 'NOTSET');
  const extent = (i: number) => (kernel[i]! - 1) * dilations[i]! + 1;
  let pads: Array<[number, number]>;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = input.map((L, i) => {
      const total = Math.max(0, (Math.ceil(L / strides[i]!) - 1) * strides[i]! + extent(i) - L);
      const small = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    });
  } else if (autoPad === 'VALID') {
    pads = input.map(() => [0, 0]);
  } else {
    const p = node.ints('pads') ?? new Array<number>(2 * r).fill(0);
    if (p.length !== 2 * r) node.runError(`pads has ${p.length} entries; it needs 2 per spatial axis (${2 * r}).`);
    pads = input.map((_, i) => [p[i]!, p[i + r]!]);
  }
  const out = input.map((L, i) => {
    const span = L + pads[i]![0] + pads[i]![1] - extent(i);
    // In ceil mode the last window may overhang the padded input (PyTorch, ONNX Runtime): span > −stride suffices.
    let n = Math.floor(span / strides[i]!) + 1;
    if (ceilMode) {
      n = Math.ceil(span / strides[i]!) + 1;
      if ((n - 1) * strides[i]! >= L + pads[i]![0]) n--;
    }
    if (n < 1) node.runError(`the kernel (extent ${extent(i)}) is longer than the padded input (${L + pads[i]![0] + pads[i]![1]}) along spatial axis ${i}.`);
    return n;
  });
  return { strides, dilations, pads, out };
}

const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** MaxPool ('max') and AveragePool ('avg'). */
function poolOp(kind: 'max' | 'avg'): OperatorDef {
  const attributes = ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'strides'];
  return {
    attributes: kind === 'max' ? [...attributes, 'storage_order'] : [...attributes, 'count_include_pad'],
    compile: (node) => {
      node.oneOf('auto_pad', node.string('auto_pad', 'NOTSET'), AUTO_PADS);
      const kernel = node.ints('kernel_shape') ?? node.fail('attribute kernel_shape is required.');
      const ceilMode = node.int('ceil_mode', 0) === 1;
      const includePad = node.int('count_include_pad', 0) === 1;
      if (node.outputs.length > 1 && node.outputs[1] !== '') node.fail('the Indices output is not supported.');
      return ([x]) => {
        const t = x!.tensor;
        if (t.ndim !== kernel.length + 2) node.runError(`input of shape [${t.shape}] for a kernel of ${kernel.length} spatial axes; expected [N, C, …spatial].`);
        const input = t.shape.slice(2);
        const g = spatialPads(node, input, kernel, ceilMode);
        const options = { stride: g.strides, padding: g.pads, dilation: g.dilations, ceilMode };
        return [same(x!, kind === 'max' ? maxPool(t, kernel, options) : avgPool(t, kernel, { ...options, countIncludePad: includePad }))];
      };
    },
  };
}

/** GlobalAveragePool / GlobalMaxPool: over every spatial axis, kept as length 1. */
function globalPool(reduce: (x: Tensor, axes: number[], keepdims: boolean) => Tensor): OperatorDef {
  return {
    attributes: [],
    compile: () => ([x]) => {
      const t = x!.tensor;
      return [same(x!, reduce(t, t.shape.map((_, i) => i).slice(2), true))];
    },
  };
}

/** Pooling operators by ONNX name. */
export const POOL: Record<string, OperatorDef> = {
  MaxPool: poolOp('max'),
  AveragePool: poolOp('avg'),
  GlobalAveragePool: globalPool(mean),
  GlobalMaxPool: globalPool(max),
};
