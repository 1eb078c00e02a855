/** @file Elementwise ops of two operands with broadcasting: arithmetic, maximum/minimum, comparisons. */
import { apply, applyGeneral, applyScalar } from '../core/trace.js';
import { definePrimitive, type Primitive, type Residuals, type Saves } from '../core/primitive.js';
import { registerAdder } from '../core/accumulate.js';
import { binaryKernel, type BinaryKernel } from '../tensor/kernels/binary.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { chain, scaleTangent, sumTangents, unbroadcastIf } from './rules.js';
import { log, neg } from './unary.js';
import { where } from './select.js';
import { broadcastingRule } from './batching.js';
import { noteOuterSum } from './outerSum.js';
import { extraArguments } from '../core/extraArguments.js';

type VjpRule = (g: Tensor, res: Residuals, needs: readonly boolean[]) => Array<Tensor | null>;
type JvpRule = (ta: Tensor | null, tb: Tensor | null, a: Tensor, b: Tensor, out: Tensor) => Tensor | null;

function binaryPrimitive(name: BinaryKernel, saves: Saves, vjp: VjpRule | null, jvp: JvpRule | null): Primitive<null> {
  const prim: Primitive<null> = definePrimitive<null>({
    name,
    saves,
    forward: ([a, b]) => {
      const shape = broadcastShapes(name, a!.shape, b!.shape);
      return new Tensor(binaryKernel(name, a!.values, a!.shape, b!.values, b!.shape, shape), shape);
    },
    vjp: vjp && ((g, res, _params, needs) => vjp(g, res, needs)),
    jvp: jvp && ((ts, [a, b], out) => jvp(ts[0]!, ts[1]!, a!, b!, out)),
    batch: broadcastingRule(() => prim),
  });
  return prim;
}

/** Applies `prim` to a and b; `extra`, the arguments a public op was given past them, are refused (core/extraArguments.ts). */
function call(prim: Primitive<null>, a: TensorLike, b: TensorLike, extra?: readonly unknown[]): Tensor {
  if (extra !== undefined && extra.length > 0) extraArguments(prim.name, `${prim.name}(a, b)`, extra, b);
  if (a instanceof Tensor && b instanceof Tensor) return applyScalar(prim, a, b) ?? applyGeneral(prim, [a, b], null); // 0-d first (core/scalarTape.ts)
  return apply(prim, [asTensor(a, prim.name), asTensor(b, prim.name)], null);
}

const s = (res: Residuals, i: number) => res.shapes[i]!;
const x = (res: Residuals, i: number) => res.inputs[i]!;

// d(a+b) = da + db
const addP = binaryPrimitive('add', 'none',
  (g, r, n) => [unbroadcastIf(n[0], g, s(r, 0)), unbroadcastIf(n[1], g, s(r, 1))],
  (ta, tb, _a, _b, out) => sumTangents(out.shape, ta, tb));

// d(a−b) = da − db
const subP = binaryPrimitive('sub', 'none',
  (g, r, n) => [unbroadcastIf(n[0], g, s(r, 0)), n[1] ? unbroadcastIf(true, neg(g), s(r, 1)) : null],
  (ta, tb, _a, _b, out) => sumTangents(out.shape, ta, tb && neg(tb)));

// d(ab) = b da + a db
const mulP = binaryPrimitive('mul', 'inputs',
  (g, r, n) => [n[0] ? unbroadcastIf(true, chain(g, x(r, 1)), s(r, 0)) : null,
                n[1] ? unbroadcastIf(true, chain(g, x(r, 0)), s(r, 1)) : null],
  (ta, tb, a, b, out) => sumTangents(out.shape, scaleTangent(ta, b), scaleTangent(tb, a)));

// d(a/b) = da / b − (a/b) db / b; da / b as the strong quotient (finite where 1/b overflows).
const divP = binaryPrimitive('div', 'both',
  (g, r, n) => [n[0] ? unbroadcastIf(true, divStrong(g, x(r, 1)), s(r, 0)) : null,
                n[1] ? unbroadcastIf(true, chain(g, neg(div(r.out!, x(r, 1)))), s(r, 1)) : null],
  (ta, tb, _a, b, out) => sumTangents(out.shape, ta && divStrong(ta, b), scaleTangent(tb, neg(div(out, b)))));

// d(aᵇ) = b aᵇ⁻¹ da + aᵇ log(a) db; the db factor is taken as 0 at a = 0 (its limit for b > 0),
// so integer powers of zero (x² at 0) never produce 0·log 0 = NaN.
const powDa = (a: Tensor, b: Tensor) => mulStrong(b, pow(a, sub(b, 1))); // strong: d(a⁰)/da = 0 even at a = 0
const powDb = (a: Tensor, out: Tensor) => where(equal(a, 0), 0, mul(out, log(a)));
const powP = binaryPrimitive('pow', 'both',
  (g, r, n) => [n[0] ? unbroadcastIf(true, chain(g, powDa(x(r, 0), x(r, 1))), s(r, 0)) : null,
                n[1] ? unbroadcastIf(true, chain(g, powDb(x(r, 0), r.out!)), s(r, 1)) : null],
  (ta, tb, a, b, out) => sumTangents(out.shape, ta && chain(ta, powDa(a, b)), tb && chain(tb, powDb(a, out))));

/**
 * maximum/minimum share the cotangent equally on ties (weight ½ each), the documented subgradient;
 * an operand's weight is 1 where it wins, ½ on a tie, else 0 — so where either is NaN (the output
 * is NaN, neither wins nor ties) both weights are 0, as JAX's rule, whichever operand is NaN.
 */
function extremumPrimitive(name: 'maximum' | 'minimum', wins: (a: Tensor, b: Tensor) => Tensor): Primitive<null> {
  const weight = (a: Tensor, b: Tensor) => where(wins(a, b), 1, where(equal(a, b), 0.5, 0)); // a's weight
  return binaryPrimitive(name, 'inputs',
    (g, r, n) => [n[0] ? unbroadcastIf(true, chain(g, weight(x(r, 0), x(r, 1))), s(r, 0)) : null,
                  n[1] ? unbroadcastIf(true, chain(g, weight(x(r, 1), x(r, 0))), s(r, 1)) : null],
    (ta, tb, a, b, out) => sumTangents(out.shape, ta && scaleTangent(ta, weight(a, b)), tb && scaleTangent(tb, weight(b, a))));
}
const maximumP = extremumPrimitive('maximum', (a, b) => greater(a, b));
const minimumP = extremumPrimitive('minimum', (a, b) => less(a, b));

// Strong-zero product (0 · ∞ = 0), used by derivative rules; same rules as mul.
const mulStrongP = binaryPrimitive('mulStrong', 'inputs',
  (g, r, n) => [n[0] ? unbroadcastIf(true, mulStrong(g, x(r, 1)), s(r, 0)) : null,
                n[1] ? unbroadcastIf(true, mulStrong(g, x(r, 0)), s(r, 1)) : null],
  (ta, tb, a, b, out) => sumTangents(out.shape, ta && mulStrong(ta, b), tb && mulStrong(a, tb)));

// Strong quotient g/x (0 where g = 0, even at x = 0; tensor/kernels/quotient.ts), used by derivative
// rules for 1/x: d(g/x) = dg / x − (q/x) dx, each again a strong quotient or product.
const divStrongP = binaryPrimitive('divStrong', 'both',
  (g, r, n) => [n[0] ? unbroadcastIf(true, divStrong(g, x(r, 1)), s(r, 0)) : null,
                n[1] ? unbroadcastIf(true, chain(g, neg(divStrong(r.out!, x(r, 1)))), s(r, 1)) : null],
  (ta, tb, _a, b, out) => sumTangents(out.shape, ta && divStrong(ta, b), scaleTangent(tb, neg(divStrong(out, b)))));

// Comparisons are piecewise constant: zero derivative, never recorded.
const greaterP = binaryPrimitive('greater', 'none', null, null);
const greaterEqualP = binaryPrimitive('greaterEqual', 'none', null, null);
const lessP = binaryPrimitive('less', 'none', null, null);
const lessEqualP = binaryPrimitive('lessEqual', 'none', null, null);
const equalP = binaryPrimitive('equal', 'none', null, null);
const notEqualP = binaryPrimitive('notEqual', 'none', null, null);

/** a + b, broadcasting. @example ad.add(ad.tensor([1, 2]), 10) // [11, 12] */
export function add(a: TensorLike, b: TensorLike): Tensor;
export function add(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('add', 'add(a, b)', extra, b);
  const out = call(addP, a, b);
  noteOuterSum(out, a, b); // for logsumexp (./outerSum.ts)
  return out;
}
/** a − b, broadcasting. @example ad.sub(ad.tensor([3, 4]), 1) // [2, 3] */
export function sub(a: TensorLike, b: TensorLike): Tensor;
export function sub(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(subP, a, b, extra); }
/** a · b elementwise, broadcasting. @example ad.mul(ad.tensor([1, 2]), ad.tensor([[1], [2]])) // shape [2,2] */
export function mul(a: TensorLike, b: TensorLike): Tensor;
export function mul(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(mulP, a, b, extra); }
/** a / b elementwise, broadcasting. @example ad.div(1, ad.tensor([2, 4])) // [0.5, 0.25] */
export function div(a: TensorLike, b: TensorLike): Tensor;
export function div(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(divP, a, b, extra); }
/** aᵇ elementwise, broadcasting. @example ad.pow(ad.tensor([2, 3]), 2) // [4, 9] */
export function pow(a: TensorLike, b: TensorLike): Tensor;
export function pow(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(powP, a, b, extra); }
/** Elementwise maximum; on ties the gradient is split equally. @example ad.maximum(ad.tensor([1, 5]), 3) // [3, 5] */
export function maximum(a: TensorLike, b: TensorLike): Tensor;
export function maximum(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(maximumP, a, b, extra); }
/** Elementwise minimum; on ties the gradient is split equally. @example ad.minimum(ad.tensor([1, 5]), 3) // [1, 3] */
export function minimum(a: TensorLike, b: TensorLike): Tensor;
export function minimum(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(minimumP, a, b, extra); }
/** a · b where a zero factor gives exactly 0 even against ∞ or NaN (the strong zero of derivative rules). */
export function mulStrong(a: TensorLike, b: TensorLike): Tensor { return call(mulStrongP, a, b); }
/**
 * g / x where g = 0 gives exactly 0 even at x = 0 (the strong zero of derivative rules), divided
 * where 1/x overflows (|x| < 2⁻¹⁰²⁴) and g · (1/x) elsewhere. @internal
 */
export function divStrong(g: TensorLike, x: TensorLike): Tensor { return call(divStrongP, g, x); }
/** 1 where a > b, else 0 (no gradient). @example ad.greater(ad.tensor([1, 3]), 2) // [0, 1] */
export function greater(a: TensorLike, b: TensorLike): Tensor;
export function greater(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(greaterP, a, b, extra); }
/** 1 where a ≥ b, else 0 (no gradient). */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor;
export function greaterEqual(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(greaterEqualP, a, b, extra); }
/** 1 where a < b, else 0 (no gradient). */
export function less(a: TensorLike, b: TensorLike): Tensor;
export function less(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(lessP, a, b, extra); }
/** 1 where a ≤ b, else 0 (no gradient). */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor;
export function lessEqual(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(lessEqualP, a, b, extra); }
/** 1 where a = b, else 0 (no gradient). */
export function equal(a: TensorLike, b: TensorLike): Tensor;
export function equal(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(equalP, a, b, extra); }
/** 1 where a ≠ b, else 0 (no gradient). */
export function notEqual(a: TensorLike, b: TensorLike): Tensor;
export function notEqual(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return call(notEqualP, a, b, extra); }

registerAdder(add);
