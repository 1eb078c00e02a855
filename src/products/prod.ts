/** @file prod and the leave-one-out product: O(n) gradients that are exact with any number of zeros, to every order. */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { alongAxisRule } from '../ops/batching.js';
import { leaveOneOutKernel, leaveOneOutTangentKernel, prodKernel } from '../tensor/kernels/products.js';
import { keepdimsArg, normalizeAxes, reducedShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, div, equal, less, mul, sub } from '../ops/binary.js';
import { abs, exp, log, sign } from '../ops/unary.js';
import { isnan, logicalAnd } from '../ops/predicates.js';
import { mod } from '../ops/rounding.js';
import { where } from '../ops/select.js';
import { maskOf, reductionOptions, type ReduceOptions } from '../ops/reductionOptions.js';
import { sum, type Axis } from '../ops/reduce.js';
import { broadcastTo, reshape, transpose } from '../ops/shape.js';
import { chain } from '../ops/rules.js';
import { registerTensorMethods } from '../ops/methods.js';
import { jvp } from '../transforms/jvp.js';
import { genericPrograms } from '../core/genericPrograms.js';
import { opsCotangent } from '../transforms/record.js';
import { cumprodAlong, exclusiveCumprodTangent } from './cumprod.js';
import { extraArguments } from '../core/extraArguments.js';

interface AxisParams { readonly axis: number }

/*
 * The leave-one-out product L_i = Π_{j≠i} x_j along an axis: the gradient of the product.
 *
 * Its value (the kernel) takes the cheapest exact method per row — 0 for two or more zeros, one
 * pass for exactly one zero, the division trick when the row's product is a normal number, prefix
 * × suffix products otherwise (see leaveOneOutKernel).
 *
 * Its derivatives must hold on a whole neighbourhood of the point, not only at it, or their own
 * derivatives come out wrong (a rule that returns the constant 0 when two factors are zero has
 * derivative 0, but ∂²L_i/∂x_j∂x_k = Π_{l≠i,j,k} x_l is not 0 when j, k are the zeros). So the rules
 * use the identity L = E · S, with E and S the exclusive cumulative products from the start and
 * from the end — a polynomial identity, true everywhere:
 *
 *   JVP: L̇ = Ė S + E Ṡ        VJP: x̄ = Eᵀ(ḡ S) + Sᵀ(ḡ E)   (Eᵀ, Sᵀ: the cumprods' transposed rules)
 *
 * Ė, Ṡ and their transposes are linear recurrences (see cumprod.ts); nothing divides, and every
 * piece differentiates again into the same pieces, so each order is exact whatever the zeros.
 * The matrix of this map, H_ij = Π_{k≠i,j} x_k, is the Hessian of the product.
 */
const leaveOneOutP: Primitive<AxisParams> = definePrimitive<AxisParams>({
  name: 'leaveOneOutProd',
  saves: 'inputs',
  forward: ([x], { axis }) => new Tensor(leaveOneOutKernel(x!.values, x!.shape, axis, null, null), x!.shape),
  // H is symmetric (H_ij = H_ji), so the VJP x̄ = Hᵀḡ is the JVP in direction ḡ.
  vjp: (g, r, { axis }) => [hessianTimes(r.inputs[0]!, g, axis)],
  jvp: ([t], [x], _out, { axis }) => (t === null ? null : hessianTimes(x!, t, axis)),
  batch: alongAxisRule(() => leaveOneOutP),
});

/** H(x)·t as the ops E, S and their recurrences compute it (differentiated in x by the rules below). */
function leaveOneOutTangentOps(x: Tensor, t: Tensor, axis: number): Tensor {
  const E = cumprodAlong(x, axis, false, true);
  const S = cumprodAlong(x, axis, true, true);
  return add(chain(exclusiveCumprodTangent(x, E, t, axis, false), S), chain(exclusiveCumprodTangent(x, S, t, axis, true), E));
}

/*
 * H(x)·t = L̇ = Ė S + E Ṡ, linear in t (see above), as one primitive: its kernel rounds each entry
 * once into range where the plain recurrences leave it (E overflows while Ṡ underflows, and E·Ṡ is
 * O(1): for 10⁴ factors 10^±5 whose product is O(1), the recurrences written as ops gave ∞ or 0 for
 * O(1) entries of hvp(prod), and NaN = ∞·0 in the Hessian of [10³⁰⁰, 10³⁰⁰, 10⁻³⁰⁰, 10⁻³⁰⁰, 2]
 * where H_24 = 10³⁰⁰). Its derivatives: in t, the same map (H symmetric: both the JVP and the
 * VJP are H·ṫ and H·ḡ); in x, those of the ops' formula (third order and beyond; plain recurrences).
 */
const leaveOneOutTangentP: Primitive<AxisParams> = definePrimitive<AxisParams>({
  name: 'leaveOneOutTangent',
  saves: 'inputs',
  forward: ([x, t], { axis }) => new Tensor(leaveOneOutTangentKernel(x!.values, t!.values, x!.shape, axis), x!.shape),
  vjp: (g, r, { axis }, needs) => {
    const [x, t] = r.inputs as [Tensor, Tensor];
    const gx = needs[0] ? opsCotangent((z) => leaveOneOutTangentOps(z, t, axis), x, g) : null;
    return [gx, needs[1] ? leaveOneOutTangent(x, g, axis) : null];
  },
  jvp: ([tx, tt], [x, t], _out, { axis }) => {
    const fromT = tt === null ? null : leaveOneOutTangent(x!, tt, axis);
    const fromX = tx === null ? null : (jvp((z: Tensor) => leaveOneOutTangentOps(z, t!, axis), [x!], [tx])[1] as Tensor);
    return fromT === null ? fromX : fromX === null ? fromT : add(fromT, fromX);
  },
  batch: alongAxisRule(() => leaveOneOutTangentP),
});

/** H(x)·t along `axis`: the tangent (and, H being symmetric, the cotangent) of the leave-one-out products. @internal */
export function leaveOneOutTangent(x: Tensor, t: Tensor, axis: number): Tensor {
  return apply(leaveOneOutTangentP, [x, t], { axis });
}

/**
 * H(x)·t for the rules of leaveOneOutProd: the primitive, or — while the ONNX exporter records
 * (genericPrograms.on) — the recurrences it stands for, as ops that have an ONNX form (the
 * primitive's rescaled fallback does not), so prod's second derivatives still export.
 */
function hessianTimes(x: Tensor, t: Tensor, axis: number): Tensor {
  return genericPrograms.on ? leaveOneOutTangentOps(x, t, axis) : leaveOneOutTangent(x, t, axis);
}

/*
 * x̄ = ḡ · L, the cotangent of y = Π x_i (ḡ one per row, the product's axis of length 1), as one
 * primitive: its kernel is the fused first-order VJP's (leaveOneOutKernel with the scale ḡ), which
 * folds ḡ into each L_i before it leaves the float64 range, where ḡ times a separate L would
 * overflow or underflow first: at x = [1e300, 1e300, 1e−300] with ḡ = 1/y = 1e−300 (the gradient of
 * log Π x), x̄₂ = 1e300 but L₂ = 1e600 = ∞ (vmap(grad) and jacrev gave ∞ there). So every mode
 * computes the cotangent eager grad computes, to the bit. Its rules, linear in ḡ and with ḡ a
 * constant per row (so ḡ · (H t) = H (ḡ t): the scale goes in before H's products too):
 *   in ḡ: JVP  ṫ_ḡ · L (this primitive again);  VJP  Σ_i c_i L_i (prod's JVP in direction c)
 *   in x: JVP  H (ḡ ṫ);                          VJP  H (ḡ c)   (H symmetric)
 */
const prodCotangentP: Primitive<AxisParams> = definePrimitive<AxisParams>({
  name: 'prodCotangent',
  saves: 'inputs',
  // The row products again (one pass), so the kernel takes the fused VJP's method per row, bit for bit.
  forward: ([x, g], { axis }) => new Tensor(leaveOneOutKernel(x!.values, x!.shape, axis, g!.values, prodKernel(x!.values, x!.shape, axis)), x!.shape),
  vjp: (c, r, { axis }, needs) => {
    const [x, g] = r.inputs as [Tensor, Tensor];
    return [needs[0] ? hessianTimes(x, chain(g, c), axis) : null, needs[1] ? prodTangent(x, c, axis) : null];
  },
  jvp: ([tx, tg], [x, g], _out, { axis }) => {
    const fromX = tx === null ? null : hessianTimes(x!, chain(g!, tx), axis);
    const fromG = tg === null ? null : prodCotangent(x!, tg, axis);
    return fromX === null ? fromG : fromG === null ? fromX : add(fromX, fromG);
  },
  batch: alongAxisRule(() => prodCotangentP),
});

/**
 * ḡ · L along `axis` (ḡ with that axis of length 1), scaled inside the kernel (see prodCotangentP);
 * while the ONNX exporter records (genericPrograms.on), ḡ times leaveOneOutProd, which exports.
 */
function prodCotangent(x: Tensor, g: Tensor, axis: number): Tensor {
  if (genericPrograms.on) return chain(g, leaveOneOutProd(x, axis));
  return apply(prodCotangentP, [x, broadcastTo(g, x.shape.map((d, i) => (i === axis ? 1 : d)))], { axis });
}

/** ḡ · L along `axis` as the primitive (the op table's row; prod's rules call prodCotangent). @internal */
export function prodCotangentOf(x: Tensor, g: Tensor, axis: number): Tensor {
  return apply(prodCotangentP, [x, g], { axis });
}

/** ẏ = Σ_i ṫ_i L_i along `axis` (kept, length 1): the product's tangent, with cancelledTangent's repair. */
function prodTangent(x: Tensor, t: Tensor, axis: number): Tensor {
  return cancelledTangent(sum(chain(t, leaveOneOutProd(x, axis)), axis, true), x, t, axis);
}

/** L_i = Π_{j≠i} x_j along `axis` (normalised). @internal */
export function leaveOneOutProd(x: Tensor, axis: number): Tensor {
  return apply(leaveOneOutP, [x], { axis });
}

/*
 * y = Π_i x_i along one axis, kept as length 1; ∂y/∂x_i = L_i, the leave-one-out product.
 *
 * VJP, at first order (nothing traced): one fused kernel computes x̄ = ḡ · L with the cheapest
 * exact method per row. With no zero and a normal y, the division trick x̄_i = ḡ · y / x_i — one
 * pass, O(1) extra memory, exact because no x_i is 0. With one zero at z, x̄ is ḡ · Π_{j≠z} x_j at
 * z and 0 elsewhere; with two or more, x̄ = 0. When y underflowed to 0 (or overflowed) without a
 * zero factor, y / x_i would be wrong, so the row takes prefix × suffix products instead.
 * Under an outer transformation the rule is prodCotangent(x, ḡ): the same kernel's value as a
 * primitive whose own rules (above) are those of ḡ · leaveOneOutProd(x), exact at every order — the
 * division trick is not differentiated there, since x̄ = ḡ y / x differentiates into terms that
 * cancel (catastrophically when one x_i is tiny), and is wrong at a zero.
 * JVP: ẏ = Σ_i ẋ_i L_i.
 */
const prodP: Primitive<AxisParams> = definePrimitive<AxisParams>({
  name: 'prod',
  saves: 'both',
  forward: ([x], { axis }) => {
    const shape = x!.shape.map((d, i) => (i === axis ? 1 : d));
    return new Tensor(prodKernel(x!.values, x!.shape, axis), shape);
  },
  vjp: (g, r, { axis }) => [prodCotangent(r.inputs[0]!, g, axis)],
  // The first-order kernel as the primitive's fused VJP: the generic rule's prodCotangent gives
  // the same bits (the same kernel), and this skips its broadcast and second pass for the row
  // products; a jit recording records a fused VJP as one call (jit/recordTrace.ts).
  fusedVjp: (g, r, { axis }) => {
    const x = r.inputs[0]!;
    return [new Tensor(leaveOneOutKernel(x.values, x.shape, axis, g.values, r.out!.values), x.shape)];
  },
  jvp: ([t], [x], _y, { axis }) => (t === null ? null : prodTangent(x!, t, axis)),
  batch: alongAxisRule(() => prodP),
});

/**
 * ẏ = Σ ṫ_i L_i where that sum met ∞ − ∞: leave-one-out products past float64 whose terms cancel
 * (x = [1e300, 1e300, 1e300] along [1, −1, 0]: L_i = 1e600 each, ẏ exactly 0, computed NaN). No
 * zero factor is possible there (with one, a single L_i is non-zero; with two, none), so
 * ẏ = y·Σ ṫ_i/x_i = ± exp(Σ log|x| + log|s|) with s = Σ ṫ_i/x_i, 0 where s is 0 — in range
 * wherever ẏ is. Rows without NaN, or with a NaN in x or ṫ, keep the direct sum's bits.
 */
function cancelledTangent(direct: Tensor, x: Tensor, t: Tensor, axis: number): Tensor {
  const given = add(sum(isnan(x), axis, true), sum(isnan(t), axis, true));
  const repair = logicalAnd(isnan(direct), equal(given, 0));
  const safeX = where(equal(x, 0), 1, x); // only rows without zeros are repaired
  const s = sum(div(t, safeX), axis, true);
  const magnitude = exp(add(sum(log(abs(safeX)), axis, true), log(abs(where(equal(s, 0), 1, s)))));
  const viaLogs = where(equal(s, 0), 0, mul(mul(prodSigns(x, axis), sign(s)), magnitude));
  return where(repair, viaLogs, direct);
}

/** The sign of the product along `axis` (±1; the count of negative factors' parity), with no overflow. */
function prodSigns(x: Tensor, axis: number): Tensor {
  const negatives = sum(less(x, 0), axis, true);
  return sub(1, mul(2, mod(negatives, 2)));
}

/**
 * Product over `axis` (all axes by default). The gradient costs O(n) and is exact with no, one or
 * many zero factors, to every order (the Hessian between two zero factors is the product of the
 * others); no factor is ever divided by unless none is zero. An empty product is 1.
 * @example
 * ad.prod(ad.tensor([[1, 2], [3, 4]]), 1); // [2, 12]
 * ad.grad((x) => ad.prod(x))(ad.tensor([2, 0, 5])); // [0, 10, 0]
 */
export function prod(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
export function prod(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('prod', 'prod(x, axis?, keepdims?)', extra, keepdims);
  const o = reductionOptions('prod', axis, keepdims, ['where', 'initial']);
  const given = asTensor(x, 'prod');
  // NumPy's where= and initial=: the masked-out factors read as 1 (gradient exactly 0), initial multiplies in.
  const t = o.where === undefined ? given : where(maskOf('prod', o.where, given.shape), given, 1);
  const axes = normalizeAxes(o.axis, t.ndim, 'prod');
  let product = t;
  if (axes.length > 0) {
    const { rows, axis: ax } = mergeAxes(t, axes);
    product = reshape(apply(prodP, [rows], { axis: ax }), reducedShape(t.shape, axes, o.keepdims));
  }
  return o.initial === undefined ? product : mul(product, o.initial);
}

/**
 * `t` arranged so that the reduced `axes` (sorted, non-empty) are one axis: itself for a single
 * axis, flattened for all of them, otherwise those axes moved to the end and merged. @internal
 */
export function mergeAxes(t: Tensor, axes: readonly number[]): { rows: Tensor; axis: number } {
  if (axes.length === 1) return { rows: t, axis: axes[0]! };
  if (axes.length === t.ndim) return { rows: reshape(t, [t.size]), axis: 0 };
  const keptAxes = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = transpose(t, [...keptAxes, ...axes]);
  const merged = axes.reduce((m, a) => m * t.shape[a]!, 1);
  return { rows: reshape(moved, [...keptAxes.map((i) => t.shape[i]!), merged]), axis: keptAxes.length };
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /**
     * Product over `axis` (all axes by default), as `ad.prod(x, axis, keepdims)`: the gradient costs
     * O(n) and is exact with any number of zero factors, to every order.
     * @example ad.tensor([[1, 2], [3, 4]]).prod(1); // [2, 12]
     */
    prod(axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
  }
}

registerTensorMethods({ prod });
