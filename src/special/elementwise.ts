/**
 * @file The rule shape of the special functions of two and three operands (gammainc, betainc,
 * zeta, …): a scalar kernel run over the broadcast inputs, and one partial derivative per operand
 * written in adjoint's own ops — or, where the library (like JAX) has none, the reason, thrown as
 * an error naming the op when that derivative is asked for.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { broadcastShapes, broadcastStrides, shapesEqual, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { chain, sumTangents, unbroadcastIf } from '../ops/rules.js';
import { broadcastingRule } from '../ops/batching.js';

/** ∂out/∂(one operand) from the inputs and the output, elementwise (shapes broadcast). */
export type NaryPartial = (inputs: readonly Tensor[], out: Tensor) => Tensor;

/** A partial derivative, or the sentence saying why there is none (thrown when it is needed). */
export type PartialOrRefusal = NaryPartial | string;

/** The values of `values` (of `shape`) laid out at `outShape`, which `shape` broadcasts to. */
function expandTo(values: Float64Array, shape: Shape, outShape: Shape): Float64Array {
  if (shapesEqual(shape, outShape)) return values;
  const n = sizeOf(outShape);
  if (values.length === 1) return allocF64(n).fill(values[0]!);
  const strides = broadcastStrides(shape, outShape);
  const out = allocF64(n);
  const index = new Array<number>(outShape.length).fill(0);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    out[i] = values[offset]!;
    for (let d = outShape.length - 1; d >= 0; d--) { // odometer over outShape, tracking the input offset
      index[d]! += 1;
      offset += strides[d]!;
      if (index[d]! < outShape[d]!) break;
      offset -= strides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function refuse(name: string, operand: number, reason: string): never {
  throw new InvalidArgumentError(`${name}: no derivative in operand ${operand}: ${reason}`);
}

/**
 * An elementwise op of several broadcasting operands, out[i] = kernel(x₀[i], x₁[i], …): cotangents
 * g · ∂out/∂xₖ summed back to each operand's shape, tangents Σₖ tₖ · ∂out/∂xₖ, strong zeros.
 */
export function naryPrimitive(
  name: string, kernel: (inputs: readonly Float64Array[], out: Float64Array) => void, partials: readonly PartialOrRefusal[],
): Primitive<null> {
  const partial = (k: number, inputs: readonly Tensor[], out: Tensor): Tensor => {
    const p = partials[k]!;
    return typeof p === 'string' ? refuse(name, k, p) : p(inputs, out);
  };
  const prim: Primitive<null> = definePrimitive<null>({
    name,
    saves: 'both',
    forward: (inputs) => {
      const shape = broadcastShapes(name, ...inputs.map((x) => x.shape));
      const out = allocF64(sizeOf(shape));
      kernel(inputs.map((x) => expandTo(x.values, x.shape, shape)), out);
      return new Tensor(out, shape);
    },
    vjp: (g, r, _p, needs) => r.inputs.map((_, k) =>
      needs[k] ? unbroadcastIf(true, chain(g, partial(k, r.inputs as Tensor[], r.out!)), r.shapes[k]!) : null),
    jvp: (tangents, primals, out) =>
      sumTangents(out.shape, ...tangents.map((t, k) => (t ? chain(t, partial(k, primals, out)) : null))),
    batch: broadcastingRule(() => prim),
  });
  return prim;
}

/** Applies an n-ary primitive to tensors or numbers; errors (a non-tensor, shapes that do not broadcast) name the op. */
export function callNary(prim: Primitive<null>, ...xs: TensorLike[]): Tensor {
  return apply(prim, xs.map((x) => asTensor(x, prim.name)), null);
}
