/**
 * @file The rule shapes of the elementwise families outside unary.ts/binary.ts (special functions,
 * trigonometry, log-space ops): a kernel and its local derivatives, chained with a strong zero.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive, type Saves } from '../core/primitive.js';
import { binaryMathKernel, type BinaryMathKernel } from '../tensor/kernels/binaryMath.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { chain, scaleTangent, sumTangents, unbroadcastIf } from './rules.js';
import { broadcastingRule } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * A one-operand op y = f(x) whose local derivative f'(x) is written from the saved input `x`
 * and/or output `y` (whichever `saves` keeps): VJP g · f'(x), JVP t · f'(x), both with a strong zero.
 */
export function unaryPrimitive<P>(
  name: string, saves: Saves, kernel: (x: Float64Array, params: P) => Float64Array,
  derivative: (x: Tensor, y: Tensor, params: P) => Tensor,
): Primitive<P> {
  const prim: Primitive<P> = definePrimitive<P>({
    name,
    saves,
    forward: ([x], params) => new Tensor(kernel(x!.values, params), x!.shape),
    vjp: (g, r, params) => [chain(g, derivative(r.inputs[0]!, r.out!, params))],
    jvp: ([t], [x], y, params) => scaleTangent(t!, derivative(x!, y, params)),
    batch: broadcastingRule(() => prim), // elementwise: the op itself on the batch
  });
  return prim;
}

/** ∂out/∂a or ∂out/∂b, elementwise, from the inputs and the output (at their shapes; products broadcast). */
export type Partial = (a: Tensor, b: Tensor, out: Tensor) => Tensor;

/**
 * A two-operand op with broadcasting, out = f(a, b): the cotangent of each input is g · ∂f/∂input
 * summed back to the input's shape, the tangent ta · ∂f/∂a + tb · ∂f/∂b; both with strong zeros.
 * Residuals: the inputs and the output.
 */
export function binaryPrimitive(name: BinaryMathKernel, da: Partial, db: Partial): Primitive<null> {
  const prim: Primitive<null> = definePrimitive<null>({
    name,
    saves: 'both',
    forward: ([a, b]) => {
      const shape = broadcastShapes(name, a!.shape, b!.shape);
      return new Tensor(binaryMathKernel(name, a!.values, a!.shape, b!.values, b!.shape, shape), shape);
    },
    vjp: (g, r, _p, needs) => {
      const [a, b] = r.inputs as [Tensor, Tensor];
      return [
        needs[0] ? unbroadcastIf(true, chain(g, da(a, b, r.out!)), r.shapes[0]!) : null,
        needs[1] ? unbroadcastIf(true, chain(g, db(a, b, r.out!)), r.shapes[1]!) : null,
      ];
    },
    jvp: ([ta, tb], [a, b], out) =>
      sumTangents(out.shape, ta ? chain(ta, da(a!, b!, out)) : null, tb ? chain(tb, db(a!, b!, out)) : null),
    batch: broadcastingRule(() => prim), // broadcasting aligns example axes once alignBatched pads them
  });
  return prim;
}

/**
 * Applies a one-operand primitive to a tensor or number; errors name the op. `extra`, the arguments
 * a public op was given past x, are refused (core/extraArguments.ts).
 */
export function callUnary<P>(prim: Primitive<P>, x: TensorLike, params: P, extra?: readonly unknown[]): Tensor {
  if (extra !== undefined && extra.length > 0) extraArguments(prim.name, `${prim.name}(x)`, extra, x);
  return apply(prim, [asTensor(x, prim.name)], params);
}

/** Applies a two-operand primitive; errors (a non-tensor, shapes that do not broadcast) name the op; `extra` as callUnary's. */
export function callBinary(prim: Primitive<null>, a: TensorLike, b: TensorLike, extra?: readonly unknown[]): Tensor {
  if (extra !== undefined && extra.length > 0) extraArguments(prim.name, `${prim.name}(a, b)`, extra, b);
  return apply(prim, [asTensor(a, prim.name), asTensor(b, prim.name)], null);
}
