/** @file Cumulative products (inclusive or exclusive, from either end), exact with zeros to every order. */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { alongAxisRule } from '../ops/batching.js';
import { cumprodCotangentKernel, cumprodKernel } from '../tensor/kernels/products.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { mulStrong } from '../ops/binary.js';
import { chain } from '../ops/rules.js';
import { registerTensorMethods } from '../ops/methods.js';
import { linearRecurrence, shiftNext, shiftPrev } from './recurrence.js';
import { untraced } from './firstOrder.js';

interface CumprodParams {
  readonly axis: number;
  /** Run from the end of the axis. */
  readonly reverse: boolean;
  /** Leave the element itself out: e_k = Π_{j<k} x_j, e_0 = 1. */
  readonly exclusive: boolean;
}

/*
 * Written for the forward direction; `reverse` mirrors every index. With c the inclusive and
 * e the exclusive cumulative product (c_k = e_k x_k, e_k = c_{k−1}):
 *
 *   ∂c_k/∂x_i = e_i · Π_{i<j≤k} x_j   (i ≤ k)
 *
 * JVP: ċ_k = x_k ċ_{k−1} + e_k ẋ_k — a linear recurrence driven by e·ẋ; ė = shiftPrev(ċ).
 * VJP: x̄_i = e_i · s_i with s_i = ḡ_i + x_{i+1} s_{i+1}, the transposed recurrence (for e, the
 *      cotangent first moves one place back: ḡ_c = shiftNext(ḡ_e)).
 *
 * Neither rule divides by x, so both hold at zeros; and both are made of cumprod, the linear
 * recurrence, products and shifts, whose own rules are again of that form — so every order of
 * derivative is exact with any number of zeros. (The usual rule ċ = c · cumsum(ẋ/x) is 0/0 at a
 * zero.)
 */
const cumprodP: Primitive<CumprodParams> = definePrimitive<CumprodParams>({
  name: 'cumprod',
  saves: 'both',
  forward: ([x], { axis, reverse, exclusive }) =>
    new Tensor(cumprodKernel(x!.values, x!.shape, axis, reverse, exclusive), x!.shape),
  vjp: (g, r, { axis, reverse, exclusive }) => {
    const x = r.inputs[0]!;
    // First order: one fused pass, bit for bit the rule below where e and s stay in range, and
    // rounded once into range where they do not (see cumprodCotangentKernel).
    if (untraced(g, x, r.out)) return [new Tensor(cumprodCotangentKernel(x.values, r.out!.values, g.values, x.shape, axis, reverse, exclusive), x.shape)];
    const e = exclusive ? r.out! : cumprodAlong(x, axis, reverse, true);
    return [exclusiveOrInclusiveCotangent(x, e, g, axis, reverse, exclusive)];
  },
  jvp: ([t], [x], out, { axis, reverse, exclusive }) => {
    if (t === null) return null;
    const e = exclusive ? out : cumprodAlong(x!, axis, reverse, true);
    return exclusiveOrInclusiveTangent(x!, e, t!, axis, reverse, exclusive);
  },
  batch: alongAxisRule(() => cumprodP),
});

/** The tangent of the (ex/in)clusive cumulative product of x (whose exclusive product is e) in direction t. */
function exclusiveOrInclusiveTangent(x: Tensor, e: Tensor, t: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  const inclusive = linearRecurrence(x, mulStrong(t, e), axis, reverse);
  return exclusive ? shiftPrev(inclusive, axis, reverse) : inclusive;
}

/** The cotangent of x for cotangent g of its (ex/in)clusive cumulative product (e its exclusive product). */
function exclusiveOrInclusiveCotangent(x: Tensor, e: Tensor, g: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  const gInclusive = exclusive ? shiftNext(g, axis, reverse) : g;
  return chain(linearRecurrence(shiftNext(x, axis, reverse), gInclusive, axis, !reverse), e);
}

/** d e(x)[t] for the exclusive product e of x along `axis` (e given, so it is not recomputed). */
export function exclusiveCumprodTangent(x: Tensor, e: Tensor, t: Tensor, axis: number, reverse: boolean): Tensor {
  return exclusiveOrInclusiveTangent(x, e, t, axis, reverse, true);
}

/** The cotangent of x for cotangent g of its exclusive product e along `axis`. */
export function exclusiveCumprodCotangent(x: Tensor, e: Tensor, g: Tensor, axis: number, reverse: boolean): Tensor {
  return exclusiveOrInclusiveCotangent(x, e, g, axis, reverse, true);
}

/** The primitive call, on a normalised axis. @internal */
export function cumprodAlong(x: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  return apply(cumprodP, [x], { axis, reverse, exclusive });
}

export interface CumprodOptions {
  /** Multiply from the end of the axis towards its start. Default false. */
  readonly reverse?: boolean | undefined;
  /** Leave each element out of its own product: Π_{j<k} x_j, starting from 1. Default false. */
  readonly exclusive?: boolean | undefined;
}

/**
 * Cumulative product along `axis`. Its derivatives never divide by x, so they are exact with any
 * number of zeros, to every order. `exclusive` leaves each element out of its own product (the
 * first is 1); `reverse` runs from the end. The exclusive products from both ends multiply to the
 * leave-one-out products.
 * @example
 * ad.cumprod(ad.tensor([1, 2, 3, 4]), 0); // [1, 2, 6, 24]
 * ad.cumprod(ad.tensor([1, 2, 3, 4]), 0, { exclusive: true, reverse: true }); // [24, 12, 4, 1]
 */
export function cumprod(x: TensorLike, axis: number, options: CumprodOptions = {}): Tensor {
  const t = asTensor(x, 'cumprod');
  if (axis === undefined) {
    throw new InvalidArgumentError(`cumprod: pass the axis to multiply along, e.g. cumprod(x, 0) or cumprod(x, -1) (x has shape ${formatShape(t.shape)}).`);
  }
  checkCumprodOptions(options);
  // A 0-d tensor is a one-element sequence along axis 0 (or −1), as a [1] vector would be.
  if (t.ndim === 0) {
    if (axis !== 0 && axis !== -1) {
      throw new InvalidArgumentError(`cumprod: axis ${String(axis)} is out of range for a 0-d tensor; use 0 or -1 (or reshape x).`);
    }
    return options.exclusive ? new Tensor(new Float64Array([1]), []) : t;
  }
  return cumprodAlong(t, normalizeAxis(axis, t.ndim, 'cumprod'), options.reverse ?? false, options.exclusive ?? false);
}

function checkCumprodOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`cumprod: options must be an object such as { exclusive: true, reverse: true }, got ${describe(options)}.`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'exclusive' && key !== 'reverse') {
      throw new InvalidArgumentError(`cumprod: unknown option ${key}; the options are exclusive and reverse.`);
    }
    if (value !== undefined && typeof value !== 'boolean') {
      throw new InvalidArgumentError(`cumprod: option ${key} must be true or false, got ${describe(value)}.`);
    }
  }
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /**
     * Cumulative product along `axis`, as `ad.cumprod(x, axis, options)`: `exclusive` leaves each
     * element out of its own product, `reverse` runs from the end; derivatives exact with zeros.
     * @example ad.tensor([1, 2, 3, 4]).cumprod(0); // [1, 2, 6, 24]
     */
    cumprod(axis: number, options?: CumprodOptions): Tensor;
  }
}

registerTensorMethods({ cumprod });
