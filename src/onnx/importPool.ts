/**
 * @file ONNX's pooling operators (MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool), composed
 * from adjoint's differentiable ops, and the padding arithmetic they share with Conv.
 *
 * adjoint has no pooling primitive, so a pool is written as what it is: the reduction of the
 * windows of the (padded) input. Non-overlapping windows (stride = kernel, no padding, no dilation:
 * the common 2×2 pool) are a reshape that splits each spatial axis into [out, kernel] and a max or
 * mean over the kernel axes. Any other geometry unfolds by slices: for each kernel tap t along an
 * axis, `take` the positions j·stride + t·dilation (j < out) of the padded input, and reduce the
 * taps' stack. Both are differentiable to any order through take/reshape and max/sum (a max's
 * cotangent is split equally among tied entries, where PyTorch picks one).
 */
import type { Tensor } from '../tensor/tensor.js';
import { Tensor as TensorClass } from '../tensor/tensor.js';
import { div } from '../ops/binary.js';
import { max, mean, sum } from '../ops/reduce.js';
import { reshape, slice, stack, take } from '../ops/shape.js';
import { pad } from '../ops/rearrange.js';
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
    if (span < 0) node.runError(`the kernel (extent ${extent(i)}) is longer than the padded input (${L + pads[i]![0] + pads[i]![1]}) along spatial axis ${i}.`);
    if (!ceilMode) return Math.floor(span / strides[i]!) + 1;
    const n = Math.ceil(span / strides[i]!) + 1;
    return (n - 1) * strides[i]! >= L + pads[i]![0] ? n - 1 : n;
  });
  return { strides, dilations, pads, out };
}

const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** The taps of every window along spatial axes from `axis` on, as tensors shaped [N, C, …out]. */
function windows(x: Tensor, axis: number, kernel: readonly number[], g: SpatialGeometry): Tensor[] {
  const i = axis - 2;
  if (i === kernel.length) return [x];
  const taps: Tensor[] = [];
  for (let t = 0; t < kernel[i]!; t++) {
    const positions = Int32Array.from({ length: g.out[i]! }, (_, j) => j * g.strides[i]! + t * g.dilations[i]!);
    taps.push(...windows(take(x, positions, axis), axis + 1, kernel, g));
  }
  return taps;
}

/**
 * The number of entries each window averages over, shaped [...out]: separable, one factor per axis
 * — the taps inside the input (count_include_pad = 0) or inside the input and its explicit padding (1).
 */
function windowCounts(input: readonly number[], kernel: readonly number[], g: SpatialGeometry, includePad: boolean): Tensor {
  const factors = input.map((L, i) => {
    const [lo, hi] = includePad ? [0, L + g.pads[i]![0] + g.pads[i]![1]] : [g.pads[i]![0], g.pads[i]![0] + L];
    return Array.from({ length: g.out[i]! }, (_, j) => {
      let n = 0;
      for (let t = 0; t < kernel[i]!; t++) {
        const p = j * g.strides[i]! + t * g.dilations[i]!;
        if (p >= lo && p < hi) n++;
      }
      return n;
    });
  });
  const size = g.out.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let flat = 0; flat < size; flat++) {
    let rest = flat, count = 1;
    for (let i = input.length - 1; i >= 0; i--) {
      count *= factors[i]![rest % g.out[i]!]!;
      rest = Math.floor(rest / g.out[i]!);
    }
    data[flat] = count;
  }
  return new TensorClass(data, g.out);
}

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
        const kernelAxes = kernel.map((_, i) => 3 + 2 * i);
        const plain = g.pads.every(([a, b]) => a === 0 && b === 0) && g.dilations.every((d) => d === 1) &&
          g.strides.every((s, i) => s === kernel[i]) && g.out.every((o, i) => o * kernel[i]! <= input[i]!);
        if (plain) {
          // Non-overlapping windows: [N, C, o₁k₁, …] → [N, C, o₁, k₁, …], reduced over the k axes.
          const cut = slice(t, t.shape.map(() => 0), [...t.shape.slice(0, 2), ...g.out.map((o, i) => o * kernel[i]!)]);
          const split = reshape(cut, [...t.shape.slice(0, 2), ...g.out.flatMap((o, i) => [o, kernel[i]!])]);
          return [same(x!, kind === 'max' ? max(split, kernelAxes) : mean(split, kernelAxes))];
        }
        // Pad (−∞ never wins a max; 0 adds nothing to a sum), far enough that every window fits.
        const widths = g.pads.map(([lo, hi], i): [number, number] => {
          const needed = (g.out[i]! - 1) * g.strides[i]! + (kernel[i]! - 1) * g.dilations[i]! + 1;
          return [lo, Math.max(hi, needed - input[i]! - lo)];
        });
        const padded = pad(t, [[0, 0], [0, 0], ...widths], { value: kind === 'max' ? -Infinity : 0 });
        const taps = stack(windows(padded, 2, kernel, g), -1);
        if (kind === 'max') return [same(x!, max(taps, -1))];
        return [same(x!, div(sum(taps, -1), windowCounts(input, kernel, g, includePad)))];
      };
    },
  };
}

/** GlobalAveragePool / GlobalMaxPool: over every spatial axis, kept as length 1. */
function globalPool(reduce: typeof mean): OperatorDef {
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
