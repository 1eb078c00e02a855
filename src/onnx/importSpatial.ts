/**
 * @file ONNX's ConvTranspose (through `ad.convTranspose`) and the channel–space rearrangements
 * DepthToSpace (DCR and CRD, PyTorch's PixelShuffle) and SpaceToDepth, in adjoint's ops.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add } from '../ops/binary.js';
import { reshape, slice, transpose } from '../ops/shape.js';
import { pad } from '../ops/rearrange.js';
import { convTranspose } from '../ops/conv.js';
import { same, type NodeContext, type OperatorDef } from './importNode.js';

/**
 * [begin, end] output padding per spatial axis of a ConvTranspose (ONNX's definition). Without
 * padding the transposed convolution has full_i = s(L − 1) + d(k − 1) + 1 positions; the output has
 *
 *   out_i = full_i + output_padding_i − pads_begin_i − pads_end_i.
 *
 * Given output_shape (which then overrides pads), the total padding is full + output_padding −
 * output_shape, and auto_pad SAME_UPPER/SAME_LOWER ask for out = L·s (at most the full extent): the odd
 * unit of an odd total goes to the end for SAME_UPPER and to the beginning otherwise, as the specification says.
 */
function transposePads(node: NodeContext, input: readonly number[], kernel: readonly number[], strides: number[], dilations: number[], outputPadding: number[]): Array<[number, number]> {
  const r = kernel.length;
  const full = input.map((L, i) => strides[i]! * (L - 1) + dilations[i]! * (kernel[i]! - 1) + 1 + outputPadding[i]!);
  const autoPad = node.string('auto_pad', 'NOTSET');
  let target = node.ints('output_shape');
  if (target !== undefined) {
    if (target.length === r + 2) target = target.slice(2);
    if (target.length !== r) node.runError(`output_shape has ${target.length} entries for ${r} spatial axes.`);
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') target = input.map((L, i) => L * strides[i]!);
  if (target !== undefined) {
    const wanted = target, given = node.ints('output_shape') !== undefined;
    return full.map((f, i) => {
      // An output_shape beyond the full extent: zeros at the end (as ONNX Runtime), no cropping. auto_pad
      // alone never pads: where L·s exceeds the full extent (a kernel shorter than the stride) the output
      // keeps the full extent, as ONNX Runtime's ComputeTotalPad clamps the total at 0.
      const total = given ? f - wanted[i]! : Math.max(0, f - wanted[i]!), small = Math.floor(total / 2);
      if (total < 0) return [0, total];
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    });
  }
  if (autoPad === 'VALID') return input.map(() => [0, 0]);
  const p = node.ints('pads') ?? new Array<number>(2 * r).fill(0);
  if (p.length !== 2 * r) node.runError(`pads has ${p.length} entries; it needs 2 per spatial axis (${2 * r}).`);
  return input.map((_, i) => [p[i]!, p[i + r]!]);
}

/**
 * ConvTranspose: X [N, C, …], W [C, M/group, …kernel], optional bias [M]. The unpadded transposed
 * convolution (`ad.convTranspose`), then per axis `begin` positions cropped from the front and the
 * end cropped — or, for output_padding and an output_shape beyond the full extent, zero-padded: the
 * positions no input reaches.
 */
const convTransposeOp: OperatorDef = {
  attributes: ['auto_pad', 'dilations', 'group', 'kernel_shape', 'output_padding', 'output_shape', 'pads', 'strides'],
  compile: (node) => {
    node.oneOf('auto_pad', node.string('auto_pad', 'NOTSET'), ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']);
    const group = node.int('group', 1);
    return ([x, w, b]) => {
      const X = x!.tensor, W = w!.tensor, kernel = W.shape.slice(2), r = kernel.length;
      if (X.ndim !== r + 2) node.runError(`input of shape [${X.shape}] for a weight of shape [${W.shape}]; expected [N, C, …${r} spatial axes].`);
      const declared = node.ints('kernel_shape');
      if (declared !== undefined && declared.join() !== kernel.join()) node.runError(`kernel_shape ${JSON.stringify(declared)} differs from the weights' ${JSON.stringify(kernel)}.`);
      const perAxis = (name: string, fallback: number) => {
        const v = node.ints(name) ?? new Array<number>(r).fill(fallback);
        if (v.length !== r) node.runError(`${name} has ${v.length} entries for ${r} spatial axes.`);
        return v;
      };
      const strides = perAxis('strides', 1), dilations = perAxis('dilations', 1), outputPadding = perAxis('output_padding', 0);
      const input = X.shape.slice(2);
      const pads = transposePads(node, input, kernel, strides, dilations, outputPadding);
      let y: Tensor = convTranspose(X, W, { stride: strides, dilation: dilations, groups: group });
      const full = y.shape.slice(2);
      const out = full.map((f, i) => f + outputPadding[i]! - pads[i]![0] - pads[i]![1]);
      if (out.some((o) => o < 1)) node.runError(`the output would have spatial shape [${out}] (pads ${JSON.stringify(pads)}).`);
      // Crop what the pads remove; what lies past the full extent (output_padding, a negative end pad) is zeros.
      if (pads.some(([lo]) => lo < 0)) node.runError(`pads ${JSON.stringify(pads.map(([lo]) => lo))} at the beginning must not be negative.`);
      const kept = full.map((f, i) => Math.min(f - pads[i]![0], out[i]!));
      y = slice(y, [0, 0, ...pads.map(([lo]) => lo)], [y.shape[0]!, y.shape[1]!, ...kept]);
      const widths: Array<[number, number]> = [[0, 0], [0, 0], ...out.map((o, i): [number, number] => [0, o - kept[i]!])];
      if (widths.some(([, after]) => after > 0)) y = pad(y, widths);
      if (b !== undefined) y = add(y, reshape(b.tensor, [b.tensor.size, ...kernel.map(() => 1)]));
      return [same(x!, y)];
    };
  },
};

/** DepthToSpace: [N, C, H, W] → [N, C/b², H·b, W·b]; DCR reads the channels as (b, b, C/b²), CRD as (C/b², b, b). */
const depthToSpace: OperatorDef = {
  attributes: ['blocksize', 'mode'],
  compile: (node) => {
    const b = node.int('blocksize', 0);
    if (b < 1) node.fail('attribute blocksize is required (a positive integer).');
    const mode = node.oneOf('mode', node.string('mode', 'DCR'), ['DCR', 'CRD']);
    return ([x]) => {
      const t = x!.tensor;
      if (t.ndim !== 4 || t.shape[1]! % (b * b) !== 0) node.runError(`input of shape [${t.shape}] must be [N, C, H, W] with C divisible by blocksize² = ${b * b}.`);
      const [n, c, h, w] = t.shape as [number, number, number, number];
      const depth = c / (b * b);
      const moved = mode === 'DCR'
        ? transpose(reshape(t, [n, b, b, depth, h, w]), [0, 3, 4, 1, 5, 2])
        : transpose(reshape(t, [n, depth, b, b, h, w]), [0, 1, 4, 2, 5, 3]);
      return [same(x!, reshape(moved, [n, depth, h * b, w * b]))];
    };
  },
};

/** SpaceToDepth: [N, C, H, W] → [N, C·b², H/b, W/b], the block offsets (row, column) leading the channels. */
const spaceToDepth: OperatorDef = {
  attributes: ['blocksize'],
  compile: (node) => {
    const b = node.int('blocksize', 0);
    if (b < 1) node.fail('attribute blocksize is required (a positive integer).');
    return ([x]) => {
      const t = x!.tensor;
      if (t.ndim !== 4 || t.shape[2]! % b !== 0 || t.shape[3]! % b !== 0) node.runError(`input of shape [${t.shape}] must be [N, C, H, W] with H and W divisible by blocksize ${b}.`);
      const [n, c, h, w] = t.shape as [number, number, number, number];
      const moved = transpose(reshape(t, [n, c, h / b, b, w / b, b]), [0, 3, 5, 1, 2, 4]);
      return [same(x!, reshape(moved, [n, c * b * b, h / b, w / b]))];
    };
  },
};

/** Spatial operators by ONNX name. */
export const SPATIAL: Record<string, OperatorDef> = {
  ConvTranspose: convTransposeOp,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
};
