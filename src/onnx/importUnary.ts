/**
 * @file More of ONNX's elementwise operators in adjoint's ops: the trigonometric and hyperbolic
 * functions and their inverses, the activations Celu, Mish, ThresholdedRelu and Shrink, and Det
 * (a function of each matrix). All differentiable as the ops they map to.
 */
import { add, greater, less, sub } from '../ops/binary.js';
import { acos, acosh, asin, asinh, atan, atanh, cosh, sinh, tan } from '../ops/trig.js';
import { celu, mish } from '../ops/activations.js';
import { where } from '../ops/select.js';
import { det } from '../linalg/det.js';
import { same, type OperatorDef } from './importNode.js';
import { unary, unaryWith } from './importElementwise.js';

/** Det: the determinant of each matrix of the last two axes (ONNX requires them square). */
const detOp: OperatorDef = {
  attributes: [],
  compile: (node) => ([x]) => {
    const s = x!.tensor.shape;
    if (s.length < 2 || s[s.length - 1] !== s[s.length - 2]) node.runError(`input of shape [${s}] is not a stack of square matrices [..., n, n].`);
    return [same(x!, det(x!.tensor))];
  },
};

/** Unary operators by ONNX name. */
export const UNARY: Record<string, OperatorDef> = {
  Tan: unary(tan),
  Asin: unary(asin),
  Acos: unary(acos),
  Atan: unary(atan),
  Sinh: unary(sinh),
  Cosh: unary(cosh),
  Asinh: unary(asinh),
  Acosh: unary(acosh),
  Atanh: unary(atanh),
  // Celu (opset 12): max(0, x) + min(0, α(e^{x/α} − 1)).
  Celu: unaryWith({ alpha: 1 }, (x, { alpha }) => celu(x, alpha!)),
  // Mish (opset 18): x·tanh(softplus(x)).
  Mish: unary(mish),
  // ThresholdedRelu: x where x > α, 0 elsewhere (α = 1 by default).
  ThresholdedRelu: unaryWith({ alpha: 1 }, (x, { alpha }) => where(greater(x, alpha!), x, 0)),
  // Shrink: x − bias where x > λ, x + bias where x < −λ, 0 between (λ = 0.5, bias = 0 by default).
  Shrink: unaryWith({ bias: 0, lambd: 0.5 }, (x, { bias, lambd }) => where(less(x, -lambd!), add(x, bias!), where(greater(x, lambd!), sub(x, bias!), 0))),
  Det: detOp,
};
