/**
 * @file Convolutions as PyTorch's conv1d/conv2d/conv3d and conv_transpose (cross-correlation,
 * layouts [N, C, …spatial], weights [out, in/groups, …kernel]), any number of spatial axes.
 *
 * Three primitives are the three partial derivatives of one trilinear form. With one spatial
 * axis (the others alike), group γ(o) of output channel o, Cg input channels per group,
 *
 *   T(x, w, g) = Σ_{n,o,p,c',k} g[n,o,p] · w[o,c',k] · x[n, γ(o)·Cg + c', p·s + k·d − padLo]
 *
 * (x read as 0 outside its bounds), and
 *
 *   conv(x, w)          = ∂T/∂g   the convolution,                    y[n,o,p]
 *   convTranspose(g, w) = ∂T/∂x   the transposed convolution,          x̄[n,c,i]
 *   convWeight(x, g)    = ∂T/∂w   a correlation of input and cotangent, w̄[o,c',k]
 *
 * Since T is linear in each argument, ⟨h, ∂T/∂a(b, c)⟩ = T(…h in a's place…), and each
 * primitive's VJPs are the other two (so every order of derivative closes over the three):
 *
 *   y = conv(x, w), cotangent ḡ:           x̄ = convTranspose(ḡ, w),  w̄ = convWeight(x, ḡ)
 *   z = convTranspose(g, w), cotangent h:  ḡ = conv(h, w),            w̄ = convWeight(h, g)
 *   v = convWeight(x, g), cotangent h:     x̄ = convTranspose(g, h),  ḡ = conv(x, h)
 *
 * and each JVP is the primitive itself on one tangent at a time (linearity in each argument):
 * d conv(x, w) = conv(dx, w) + conv(x, dw), and alike for the other two. All three share one
 * ConvGeometry (params), so the rules pass it through unchanged.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { convForwardKernel, convTransposeKernel, convWeightKernel } from '../tensor/kernels/conv.js';
import type { ConvGeometry } from '../tensor/kernels/im2col.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { add } from './binary.js';
import { reshape } from './shape.js';
import { sumTangents } from './rules.js';
import { convBatchRule, convTransposeBatchRule, convWeightBatchRule } from './convBatch.js';
import {
  convGeometry, convTransposeGeometry, spatialRank, type ConvOptions, type ConvTransposeOptions,
} from './convShapes.js';
import { extraArguments } from '../core/extraArguments.js';

export type { ConvOptions, ConvTransposeOptions, ConvPadding, PerAxis } from './convShapes.js';

const convP: Primitive<ConvGeometry> = definePrimitive<ConvGeometry>({
  name: 'conv',
  saves: 'inputs',
  // x [N, C, …inSize], w [O, C/G, …kernel] → y [N, O, …outSize]
  forward: ([x, w], geo) => {
    const [n, cin] = x!.shape as number[], cout = w!.shape[0]!;
    return new Tensor(convForwardKernel(x!.values, w!.values, n!, cin!, cout, geo), [n!, cout, ...geo.outSize]);
  },
  vjp: (g, r, geo, needs) => {
    const [x, w] = r.inputs as [Tensor, Tensor];
    return [needs[0] ? convT(g, w, geo) : null, needs[1] ? convW(x, g, geo) : null];
  },
  jvp: ([tx, tw], [x, w], out, geo) => sumTangents(out.shape, tx ? convF(tx, w!, geo) : null, tw ? convF(x!, tw, geo) : null),
  batch: (inputs, batched, geo, size) => convBatchRule(convF, inputs as [Tensor, Tensor], batched, geo, size),
});

const convTransposeP: Primitive<ConvGeometry> = definePrimitive<ConvGeometry>({
  name: 'convTranspose',
  saves: 'inputs',
  // g [N, O, …outSize], w [O, C/G, …kernel] → x̄ [N, C, …inSize]
  forward: ([g, w], geo) => {
    const [n, cout] = g!.shape as number[], cin = w!.shape[1]! * geo.groups;
    return new Tensor(convTransposeKernel(g!.values, w!.values, n!, cin, cout!, geo), [n!, cin, ...geo.inSize]);
  },
  vjp: (h, r, geo, needs) => {
    const [g, w] = r.inputs as [Tensor, Tensor];
    return [needs[0] ? convF(h, w, geo) : null, needs[1] ? convW(h, g, geo) : null];
  },
  jvp: ([tg, tw], [g, w], out, geo) => sumTangents(out.shape, tg ? convT(tg, w!, geo) : null, tw ? convT(g!, tw, geo) : null),
  batch: (inputs, batched, geo, size) => convTransposeBatchRule(convT, inputs as [Tensor, Tensor], batched, geo, size),
});

const convWeightP: Primitive<ConvGeometry> = definePrimitive<ConvGeometry>({
  name: 'convWeight',
  saves: 'inputs',
  // x [N, C, …inSize], g [N, O, …outSize] → w̄ [O, C/G, …kernel]
  forward: ([x, g], geo) => {
    const [n, cin] = x!.shape as number[], cout = g!.shape[1]!;
    return new Tensor(convWeightKernel(x!.values, g!.values, n!, cin!, cout, geo), [cout, cin! / geo.groups, ...geo.kernel]);
  },
  vjp: (h, r, geo, needs) => {
    const [x, g] = r.inputs as [Tensor, Tensor];
    return [needs[0] ? convT(g, h, geo) : null, needs[1] ? convF(x, h, geo) : null];
  },
  jvp: ([tx, tg], [x, g], out, geo) => sumTangents(out.shape, tx ? convW(tx, g!, geo) : null, tg ? convW(x!, tg, geo) : null),
  batch: (inputs, batched, geo, size) => convWeightBatchRule(convW, inputs as [Tensor, Tensor], batched, geo, size),
});

function convF(x: Tensor, w: Tensor, geo: ConvGeometry): Tensor {
  return apply(convP, [x, w], geo);
}
function convT(g: Tensor, w: Tensor, geo: ConvGeometry): Tensor {
  return apply(convTransposeP, [g, w], geo);
}
function convW(x: Tensor, g: Tensor, geo: ConvGeometry): Tensor {
  return apply(convWeightP, [x, g], geo);
}

const CONV_KEYS = ['stride', 'padding', 'dilation', 'groups', 'bias'];
const CONV_T_KEYS = ['stride', 'padding', 'outputPadding', 'dilation', 'groups', 'bias'];

function checkOptions(op: string, options: unknown, keys: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${op}: options must be an object such as { stride: 2, padding: 1 }, got ${describe(options)}.`);
  }
  for (const k of Object.keys(options)) {
    if (!keys.includes(k)) throw new InvalidArgumentError(`${op}: unknown option '${k}'; the options are ${keys.join(', ')}.`);
  }
}

/** y + bias[c] along the channel axis (axis 1 of y [N, C, …]); bias must be [C]. */
function addBias(op: string, y: Tensor, bias: TensorLike): Tensor {
  const b = asTensor(bias, op), c = y.shape[1]!;
  if (b.ndim !== 1 || b.shape[0] !== c) {
    throw new ShapeError(`${op}: bias of shape ${formatShape(b.shape)} must be [${c}], one value per output channel.`);
  }
  return add(y, reshape(b, [c, ...new Array<number>(y.ndim - 2).fill(1)]));
}

/** Runs `body` on x with a batch axis, removing it from the result if x came without one. */
function batchedCall(x: Tensor, unbatched: boolean, body: (x: Tensor) => Tensor): Tensor {
  if (!unbatched) return body(x);
  const y = body(reshape(x, [1, ...x.shape]));
  return reshape(y, y.shape.slice(1));
}

/**
 * A convolution (cross-correlation) as PyTorch's `conv1d`/`conv2d`/`conv3d`: x is
 * `[batch, in, …spatial]` or unbatched `[in, …spatial]`, w is `[out, in/groups, …kernel]` (its rank
 * says how many spatial axes), and
 * `y[n, o, p] = bias[o] + Σ_{c,k} w[o, c, k] · x[n, γ(o)·in/groups + c, p·stride + k·dilation − padding]`.
 * `stride`, `dilation` and `padding` are one number or one per spatial axis; `padding` may also be
 * `[before, after]` pairs per axis (as JAX's), `'valid'` (none) or `'same'`: ⌈L/stride⌉ outputs, the
 * odd zero of the total padding after (XLA's SAME, as `jax.lax.conv_general_dilated`; at stride 1
 * PyTorch's 'same'); `'same_lower'` puts it before; JAX's upper-case `'SAME'`, `'SAME_LOWER'`,
 * `'VALID'` are accepted. Differentiable in x, w and bias to any order.
 * @example
 * ad.conv(ad.tensor([[[1, 2, 3, 4]]]), ad.tensor([[[1, -1]]])).toArray(); // => [[[-1, -1, -1]]]
 */
export function conv(x: TensorLike, w: TensorLike, options?: ConvOptions): Tensor;
export function conv(x: TensorLike, w: TensorLike, options: ConvOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('conv', 'conv(x, w, options?)', extra, options);
  checkOptions('conv', options, CONV_KEYS);
  const xt = asTensor(x, 'conv'), wt = asTensor(w, 'conv');
  const { unbatched } = spatialRank('conv', xt.shape, wt.shape, '[out, in/groups, …kernel]');
  const geo = convGeometry('conv', xt.shape, wt.shape, options, unbatched);
  return batchedCall(xt, unbatched, (xb) => {
    const y = convF(xb, wt, geo);
    return options.bias === undefined ? y : addBias('conv', y, options.bias);
  });
}

/**
 * The transposed convolution, as PyTorch's `conv_transpose1d/2d/3d`: the input gradient of `conv`
 * as an op (upsampling in decoders). x is `[batch, in, …]` or `[in, …]`, w is
 * `[in, out/groups, …kernel]`; each output length is `(L − 1)·stride − 2·padding +
 * dilation·(k − 1) + outputPadding + 1`. Differentiable in x, w and bias to any order.
 * @example
 * ad.convTranspose(ad.tensor([[[1, 2]]]), ad.tensor([[[1, 1, 1]]]), { stride: 2 }).toArray(); // => [[[1, 1, 3, 2, 2]]]
 */
export function convTranspose(x: TensorLike, w: TensorLike, options?: ConvTransposeOptions): Tensor;
export function convTranspose(x: TensorLike, w: TensorLike, options: ConvTransposeOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('convTranspose', 'convTranspose(x, w, options?)', extra, options);
  checkOptions('convTranspose', options, CONV_T_KEYS);
  const xt = asTensor(x, 'convTranspose'), wt = asTensor(w, 'convTranspose');
  const { unbatched } = spatialRank('convTranspose', xt.shape, wt.shape, '[in, out/groups, …kernel]');
  const geo = convTransposeGeometry('convTranspose', xt.shape, wt.shape, options, unbatched);
  return batchedCall(xt, unbatched, (xb) => {
    const y = convT(xb, wt, geo);
    return options.bias === undefined ? y : addBias('convTranspose', y, options.bias);
  });
}

/**
 * The weight gradient of `conv(x, ·, options)` for output cotangent `g` ([N, out, …outSize]), as an
 * op: w̄ = convWeight(x, g), of shape [out, in/groups, …kernel]. For tests and custom rules. @internal
 */
export function convWeight(x: Tensor, g: Tensor, kernel: readonly number[], options: ConvOptions = {}): Tensor {
  const wShape = [g.shape[1]!, x.shape[1]! / (options.groups ?? 1), ...kernel];
  const geo = convGeometry('convWeight', x.shape, wShape, options, false);
  const expected = [x.shape[0]!, g.shape[1]!, ...geo.outSize];
  if (!shapesEqual(g.shape, expected)) {
    throw new ShapeError(`convWeight: cotangent of shape ${formatShape(g.shape)} must be ${formatShape(expected)} for input ${formatShape(x.shape)}.`);
  }
  return convW(x, g, geo);
}
