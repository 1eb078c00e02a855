/**
 * @file Batching rules (vmap) of the convolution primitives (./conv.ts). A batch of B examples of
 * [N, C, …] inputs is one of two things to a convolution:
 *
 * - more batch rows, when the weight is shared: [B, N, C, …] → [B·N, C, …], one call;
 * - more channel groups, when the weight is batched: the examples side by side along the channel
 *   axis, [B, N, C, …] → [N, B·C, …], weights [B, O, C/G, …] → [B·O, C/G, …] and B·G groups, so
 *   example b's channels meet only its own weight. One call, no per-example loop; a shared operand
 *   is broadcast to the B examples first (a copy), except the input of conv with a batch of
 *   weights, which needs none (the batch goes into the output channels).
 *
 * Each rule takes the primitive's own call (`op`) so this file needs no import of conv.ts.
 */
import type { ConvGeometry } from '../tensor/kernels/im2col.js';
import type { Tensor } from '../tensor/tensor.js';
import { allBatched } from './batching.js';
import { reshape, transpose } from './shape.js';
import { zeros } from '../tensor/create.js';

type Call = (a: Tensor, b: Tensor, geo: ConvGeometry) => Tensor;

/** 0, 1, …, n − 1 shifted by `from`. */
const axesFrom = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** [B, N, …] → [B·N, …]. */
const rowsOf = (t: Tensor) => reshape(t, [t.shape[0]! * t.shape[1]!, ...t.shape.slice(2)]);
/** [B·N, …] → [B, N, …]. */
const unrows = (t: Tensor, B: number) => reshape(t, [B, t.shape[0]! / B, ...t.shape.slice(1)]);

/** [B, N, C, …] → [N, B·C, …]: example b's channels become channel block b. */
function toChannels(t: Tensor): Tensor {
  const [B, N, C, ...rest] = t.shape as number[];
  return reshape(transpose(t, [1, 0, ...axesFrom(2, rest.length + 1)]), [N!, B! * C!, ...rest]);
}

/** [N, B·C, …] → [B, N, C, …]. */
function fromChannels(t: Tensor, B: number): Tensor {
  const [N, BC, ...rest] = t.shape as number[];
  return transpose(reshape(t, [N!, B, BC! / B, ...rest]), [1, 0, ...axesFrom(2, rest.length + 1)]);
}

/**
 * A batch of no examples: zeros of one example's result shape with 0 in front. The rules below would
 * run the op with B·G = 0 groups (a count of channels per group of 0/0).
 */
const noExamples = (shape: readonly number[]) => zeros([0, ...shape]);

/** [B, O, …] → [B·O, …]: a batch of weights as one weight of B·O output channels. */
const stackWeights = (w: Tensor) => rowsOf(w);

/** conv(x, w) for a batch: more rows (shared w), more output channels (shared x) or more groups. */
export function convBatchRule(op: Call, [x, w]: [Tensor, Tensor], [bx, bw]: readonly boolean[], geo: ConvGeometry, B: number): Tensor {
  if (B === 0) return noExamples([x.shape[bx ? 1 : 0]!, w.shape[bw ? 1 : 0]!, ...geo.outSize]); // [N, O, …out]
  if (!bw) return unrows(op(rowsOf(x), w, geo), B);
  if (!bx) {
    // One input, B weights: a weight of G·B·Og output channels ordered (group, example, channel),
    // so group γ's output channels still come from group γ's input channels.
    const [, O, Cg, ...k] = w.shape as number[], G = geo.groups, Og = O! / G;
    const inner = axesFrom(3, k.length + 1);
    const stacked = reshape(transpose(reshape(w, [B, G, Og, Cg!, ...k]), [1, 0, 2, ...inner]), [G * B * Og, Cg!, ...k]);
    const y = op(x, stacked, geo); // [N, G·B·Og, …out]
    const [N, , ...out] = y.shape as number[];
    const split = reshape(y, [N!, G, B, Og, ...out]);
    return reshape(transpose(split, [2, 0, 1, 3, ...axesFrom(4, out.length)]), [B, N!, O!, ...out]);
  }
  return fromChannels(op(toChannels(x), stackWeights(w), { ...geo, groups: B * geo.groups }), B);
}

/** convTranspose(g, w) for a batch: more rows (shared w) or more groups (batched w; a shared g is broadcast). */
export function convTransposeBatchRule(op: Call, inputs: [Tensor, Tensor], [bg, bw]: readonly boolean[], geo: ConvGeometry, B: number): Tensor {
  if (B === 0) return noExamples([inputs[0].shape[bg ? 1 : 0]!, inputs[1].shape[bw ? 2 : 1]! * geo.groups, ...geo.inSize]); // [N, C, …in]
  if (!bw) return unrows(op(rowsOf(inputs[0]), inputs[1], geo), B);
  const [g, w] = allBatched(inputs, [bg!, bw], B) as [Tensor, Tensor];
  return fromChannels(op(toChannels(g), stackWeights(w), { ...geo, groups: B * geo.groups }), B);
}

/** convWeight(x, g) for a batch (per-example weight gradients): more groups; a shared operand is broadcast. */
export function convWeightBatchRule(op: Call, inputs: [Tensor, Tensor], batched: readonly boolean[], geo: ConvGeometry, B: number): Tensor {
  if (B === 0) {
    const [x, g] = inputs, channels = (t: Tensor, b: boolean | undefined) => t.shape[b ? 2 : 1]!;
    return noExamples([channels(g, batched[1]), channels(x, batched[0]) / geo.groups, ...geo.kernel]); // [O, C/G, …k]
  }
  const [x, g] = allBatched(inputs, batched, B) as [Tensor, Tensor];
  const w = op(toChannels(x), toChannels(g), { ...geo, groups: B * geo.groups }); // [B·O, C/G, …k]
  return unrows(w, B);
}
