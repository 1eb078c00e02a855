/** @file Cumulative products (inclusive or exclusive, from either end), exact with zeros to every order. */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { alongAxisRule } from '../ops/batching.js';
import { cumprodCotangentKernel, cumprodKernel } from '../tensor/kernels/products.js';
import { cumprodHessianKernel, cumprodSecondTangentKernel, cumprodTangentKernel } from '../tensor/kernels/cumprodDerivatives.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { add, mulStrong } from '../ops/binary.js';
import { chain } from '../ops/rules.js';
import { registerTensorMethods } from '../ops/methods.js';
import { linearRecurrence, shiftNext, shiftPrev } from './recurrence.js';
import { reshape } from '../ops/shape.js';
import { untraced } from './firstOrder.js';
import { genericPrograms } from '../core/genericPrograms.js';
import { jvp } from '../transforms/jvp.js';
import { opsCotangent } from '../transforms/record.js';
import { extraArguments } from '../core/extraArguments.js';

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
    // Under a transformation: the same kernel as a primitive whose derivatives are kernels too
    // (cumprodCotangentP below), or, while the ONNX exporter records, the ops it stands for.
    if (!genericPrograms.on) return [cumprodCotangent(x, g, axis, reverse, exclusive)];
    const e = exclusive ? r.out! : cumprodAlong(x, axis, reverse, true);
    return [exclusiveOrInclusiveCotangent(x, e, g, axis, reverse, exclusive)];
  },
  jvp: ([t], [x], out, { axis, reverse, exclusive }) => {
    if (t === null) return null;
    if (!genericPrograms.on) return cumprodTangent(x!, t, axis, reverse, exclusive);
    const e = exclusive ? out : cumprodAlong(x!, axis, reverse, true);
    return exclusiveOrInclusiveTangent(x!, e, t!, axis, reverse, exclusive);
  },
  batch: alongAxisRule(() => cumprodP),
});

/*
 * cumprod's derivatives as primitives whose kernels round each entry once into range where the
 * plain recurrences leave it (../tensor/kernels/cumprodDerivatives.ts): the recurrences written as
 * ops gave ∞ for ċ₃ = 10³⁰⁰ of x = [10³⁰⁰, 10³⁰⁰, 10⁻³⁰⁰, 10⁻³⁰⁰, 2] along e₂ (E₃ = 10⁶⁰⁰ overflows),
 * and ∞, 0 or NaN = ∞·0 for Hessian entries 10³⁰⁰ and 10⁻³⁰⁰ of its cumprod. With H^k the Hessian
 * of c_k (H^k_im = Π_{j≤k, j∉{i,m}} x_j for i ≠ m ≤ k, symmetric):
 *
 *   cumprodTangent        T(x, t) = ċ, linear in t      ∂/∂t: T(x, ·)     ∂/∂x along u: R(x, t, u)
 *   cumprodCotangent      C(x, g) = Tᵀg, linear in g    ∂/∂g: C(x, ·)     ∂/∂x along u: Q(x, g, u)
 *   cumprodHessian        Q(x, g, u) = Σ_k g_k H^k u, linear in g and in u
 *   cumprodSecondTangent  R(x, t, u)_k = tᵀH^k u, linear in t and in u
 *
 * Transposes: Tᵀ = C; the x-cotangent of T for ḡ is Q(x, ḡ, t) and of C is Q(x, g, ḡ) (H^k
 * symmetric); Q's g- and u-cotangents are R(x, ḡ, u) and Q(x, g, ḡ), R's t- and u-cotangents
 * Q(x, ḡ, u) and Q(x, ḡ, t). So jvp, hvp, hessian, grad(grad), jvp(jvp) and grad(jvp) of a cumprod
 * run these kernels, and so do the t-, g- and u-derivatives at third order; the x-derivatives of
 * Q and R (third order) are those of the ops' formulas (plain recurrences).
 */
/** R(x, t, u) as the ops compute it: R_k = x_k R_{k−1} + u_k A_k + t_k B_k (see cumprodDerivatives.ts). */
function secondTangentOps(x: Tensor, t: Tensor, u: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  const E = cumprodAlong(x, axis, reverse, true);
  const A = shiftPrev(linearRecurrence(x, mulStrong(t, E), axis, reverse), axis, reverse);
  const B = shiftPrev(linearRecurrence(x, mulStrong(u, E), axis, reverse), axis, reverse);
  const inclusive = linearRecurrence(x, add(mulStrong(u, A), mulStrong(t, B)), axis, reverse);
  return exclusive ? shiftPrev(inclusive, axis, reverse) : inclusive;
}

/** Q(x, g, u) as the ops compute it: mulStrong(β, E) + mulStrong(s, B) (see cumprodDerivatives.ts). */
function hessianOps(x: Tensor, g: Tensor, u: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  const E = cumprodAlong(x, axis, reverse, true);
  const a = shiftNext(x, axis, reverse);
  const s = linearRecurrence(a, exclusive ? shiftNext(g, axis, reverse) : g, axis, !reverse);
  const beta = linearRecurrence(a, shiftNext(mulStrong(u, s), axis, reverse), axis, !reverse);
  const B = shiftPrev(linearRecurrence(x, mulStrong(u, E), axis, reverse), axis, reverse);
  return add(mulStrong(beta, E), mulStrong(s, B));
}

const cumprodTangentP: Primitive<CumprodParams> = definePrimitive<CumprodParams>({
  name: 'cumprodTangent',
  saves: 'inputs',
  forward: ([x, t], { axis, reverse, exclusive }) =>
    new Tensor(cumprodTangentKernel(x!.values, t!.values, x!.shape, axis, reverse, exclusive), x!.shape),
  vjp: (g, r, { axis, reverse, exclusive }, needs) => {
    const [x, t] = r.inputs as [Tensor, Tensor];
    return [needs[0] ? cumprodHessian(x, g, t, axis, reverse, exclusive) : null, needs[1] ? cumprodCotangent(x, g, axis, reverse, exclusive) : null];
  },
  jvp: ([tx, tt], [x, t], _out, { axis, reverse, exclusive }) => {
    const fromT = tt === null ? null : cumprodTangent(x!, tt, axis, reverse, exclusive);
    const fromX = tx === null ? null : cumprodSecondTangent(x!, t!, tx, axis, reverse, exclusive);
    return fromT === null ? fromX : fromX === null ? fromT : add(fromT, fromX);
  },
  batch: alongAxisRule(() => cumprodTangentP),
});

const cumprodSecondTangentP: Primitive<CumprodParams> = definePrimitive<CumprodParams>({
  name: 'cumprodSecondTangent',
  saves: 'inputs',
  forward: ([x, t, u], { axis, reverse, exclusive }) =>
    new Tensor(cumprodSecondTangentKernel(x!.values, t!.values, u!.values, x!.shape, axis, reverse, exclusive), x!.shape),
  vjp: (h, r, { axis, reverse, exclusive }, needs) => {
    const [x, t, u] = r.inputs as [Tensor, Tensor, Tensor];
    const gx = needs[0] ? opsCotangent((z) => secondTangentOps(z, t, u, axis, reverse, exclusive), x, h) : null;
    return [gx, needs[1] ? cumprodHessian(x, h, u, axis, reverse, exclusive) : null, needs[2] ? cumprodHessian(x, h, t, axis, reverse, exclusive) : null];
  },
  jvp: ([tx, tt, tu], [x, t, u], _out, { axis, reverse, exclusive }) => {
    const parts: Tensor[] = [];
    if (tt !== null) parts.push(cumprodSecondTangent(x!, tt, u!, axis, reverse, exclusive));
    if (tu !== null) parts.push(cumprodSecondTangent(x!, t!, tu, axis, reverse, exclusive));
    if (tx !== null) parts.push(jvp((z: Tensor) => secondTangentOps(z, t!, u!, axis, reverse, exclusive), [x!], [tx])[1] as Tensor);
    return parts.length === 0 ? null : parts.reduce((a, b) => add(a, b));
  },
  batch: alongAxisRule(() => cumprodSecondTangentP),
});

const cumprodCotangentP: Primitive<CumprodParams> = definePrimitive<CumprodParams>({
  name: 'cumprodCotangent',
  saves: 'inputs',
  forward: ([x, g], { axis, reverse, exclusive }) => {
    const out = cumprodKernel(x!.values, x!.shape, axis, reverse, exclusive);
    return new Tensor(cumprodCotangentKernel(x!.values, out, g!.values, x!.shape, axis, reverse, exclusive), x!.shape);
  },
  vjp: (h, r, { axis, reverse, exclusive }, needs) => {
    const [x, g] = r.inputs as [Tensor, Tensor];
    return [needs[0] ? cumprodHessian(x, g, h, axis, reverse, exclusive) : null, needs[1] ? cumprodTangent(x, h, axis, reverse, exclusive) : null];
  },
  jvp: ([tx, tg], [x, g], _out, { axis, reverse, exclusive }) => {
    const fromG = tg === null ? null : cumprodCotangent(x!, tg, axis, reverse, exclusive);
    const fromX = tx === null ? null : cumprodHessian(x!, g!, tx, axis, reverse, exclusive);
    return fromG === null ? fromX : fromX === null ? fromG : add(fromX, fromG);
  },
  batch: alongAxisRule(() => cumprodCotangentP),
});

const cumprodHessianP: Primitive<CumprodParams> = definePrimitive<CumprodParams>({
  name: 'cumprodHessian',
  saves: 'inputs',
  forward: ([x, g, u], { axis, reverse, exclusive }) =>
    new Tensor(cumprodHessianKernel(x!.values, g!.values, u!.values, x!.shape, axis, reverse, exclusive), x!.shape),
  vjp: (h, r, { axis, reverse, exclusive }, needs) => {
    const [x, g, u] = r.inputs as [Tensor, Tensor, Tensor];
    const gx = needs[0] ? opsCotangent((z) => hessianOps(z, g, u, axis, reverse, exclusive), x, h) : null;
    return [gx, needs[1] ? cumprodSecondTangent(x, h, u, axis, reverse, exclusive) : null, needs[2] ? cumprodHessian(x, g, h, axis, reverse, exclusive) : null];
  },
  jvp: ([tx, tg, tu], [x, g, u], _out, { axis, reverse, exclusive }) => {
    const parts: Tensor[] = [];
    if (tg !== null) parts.push(cumprodHessian(x!, tg, u!, axis, reverse, exclusive));
    if (tu !== null) parts.push(cumprodHessian(x!, g!, tu, axis, reverse, exclusive));
    if (tx !== null) parts.push(jvp((z: Tensor) => hessianOps(z, g!, u!, axis, reverse, exclusive), [x!], [tx])[1] as Tensor);
    return parts.length === 0 ? null : parts.reduce((a, b) => add(a, b));
  },
  batch: alongAxisRule(() => cumprodHessianP),
});

/** ċ = T(x, t): the tangent of the (ex/in)clusive cumulative product along `axis`. @internal */
export function cumprodTangent(x: Tensor, t: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  return apply(cumprodTangentP, [x, t], { axis, reverse, exclusive });
}

/** x̄ = C(x, g): the cotangent of x for cotangent g of the (ex/in)clusive cumulative product. @internal */
export function cumprodCotangent(x: Tensor, g: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  return apply(cumprodCotangentP, [x, g], { axis, reverse, exclusive });
}

/** R(x, t, u) = (tᵀH^k u)_k: the derivative of T(x, t) in x along u. @internal */
export function cumprodSecondTangent(x: Tensor, t: Tensor, u: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  return apply(cumprodSecondTangentP, [x, t, u], { axis, reverse, exclusive });
}

/** Q(x, g, u) = Σ_k g_k H^k u: the derivative of C(x, g) in x along u. @internal */
export function cumprodHessian(x: Tensor, g: Tensor, u: Tensor, axis: number, reverse: boolean, exclusive: boolean): Tensor {
  return apply(cumprodHessianP, [x, g, u], { axis, reverse, exclusive });
}

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
 * leave-one-out products. Without an axis (or with null), along the flattened x, as numpy.cumprod.
 * @example
 * ad.cumprod(ad.tensor([1, 2, 3, 4]), 0); // [1, 2, 6, 24]
 * ad.cumprod(ad.tensor([1, 2, 3, 4]), 0, { exclusive: true, reverse: true }); // [24, 12, 4, 1]
 */
export function cumprod(x: TensorLike, axis?: number | null, options?: CumprodOptions): Tensor;
export function cumprod(x: TensorLike, axis?: number | null, options: CumprodOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cumprod', 'cumprod(x, axis?, options?)', extra, options);
  const t = asTensor(x, 'cumprod');
  checkCumprodOptions(options);
  // numpy's and jnp's axis=None: the product along the flattened x.
  if (axis === undefined || axis === null) return cumprodAlong(reshape(t, [t.size]), 0, options.reverse ?? false, options.exclusive ?? false);
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
    cumprod(axis?: number | null, options?: CumprodOptions): Tensor;
  }
}

registerTensorMethods({ cumprod });
