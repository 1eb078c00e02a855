/** @file Dense Jacobians and Hessians of functions of one tensor, by whichever mode needs fewer passes. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, zeros } from '../tensor/create.js';
import { InvalidArgumentError } from '../core/errors.js';
import { reshape, stack } from '../ops/shape.js';
import { transpose } from '../ops/shape.js';
import { stopGradient } from '../ops/select.js';
import { checkFunction, checkResult } from './args.js';
import { jvp } from './jvp.js';
import { gradFor, vjp } from './vjp.js';

function basis(shape: readonly number[], i: number): Tensor {
  const e = zeros(shape);
  (e.data as Float64Array)[i] = 1;
  return e;
}

function tensorOutput(y: unknown, op: string): Tensor {
  if (y instanceof Tensor || typeof y === 'number') return asTensor(y, op);
  checkResult(y, op);
  throw new InvalidArgumentError(`${op}: the function must return a single tensor (got a pytree); jacobian is for tensor → tensor functions.`);
}

/**
 * The dense Jacobian of `f` (one tensor in, one tensor out): shape [...out.shape, ...x.shape].
 * Uses forward mode (one JVP per input element) when the input is smaller than the output, and
 * reverse mode (one VJP per output element) otherwise. Differentiable, so it nests.
 * @example
 * ad.jacobian((x) => ad.mul(x, x))(ad.tensor([1, 2])); // [[2, 0], [0, 4]]
 */
export function jacobian(f: (x: Tensor) => Tensor | number): (x: Tensor | number) => Tensor {
  checkFunction(f, 'jacobian');
  return jacobianAs(f, 'jacobian');
}

/** jacobian whose errors name `op` (hessian is the jacobian of the gradient). */
function jacobianAs(f: (x: Tensor) => Tensor | number, op: string): (x: Tensor | number) => Tensor {
  return (xIn) => {
    const x = asTensor(xIn, op);
    const fx = (z: Tensor) => tensorOutput(f(z), op);
    const outSize = fx(stopGradient(x)).size; // decides the mode; plain values, no tape
    if (outSize === 0 || x.size === 0) return zeros([...fx(stopGradient(x)).shape, ...x.shape]);
    if (x.size < outSize) {
      // Columns J e_i by forward mode, stacked on a trailing axis.
      const cols: Tensor[] = [];
      let shape: readonly number[] = [];
      for (let i = 0; i < x.size; i++) {
        const col = jvp(fx, [x], [basis(x.shape, i)])[1] as Tensor;
        shape = col.shape;
        cols.push(reshape(col, [outSize]));
      }
      return reshape(transpose(stack(cols, 0)), [...shape, ...x.shape]);
    }
    const [yRaw, pullback] = vjp(fx, x);
    const y = yRaw as Tensor;
    // Rows eᵢᵀ J by reverse mode, reusing one tape.
    const rows = [];
    for (let i = 0; i < y.size; i++) rows.push(reshape(pullback(basis(y.shape, i))[0] as Tensor, [x.size]));
    return reshape(stack(rows, 0), [...y.shape, ...x.shape]);
  };
}

/**
 * The dense Hessian of a scalar function of one tensor: shape [...x.shape, ...x.shape]
 * (the Jacobian of the gradient).
 * @example
 * ad.hessian((x) => ad.sum(ad.pow(x, 3)))(ad.tensor([1, 2])); // [[6, 0], [0, 12]]
 */
export function hessian(f: (x: Tensor) => Tensor | number): (x: Tensor | number) => Tensor {
  checkFunction(f, 'hessian');
  return jacobianAs(gradFor(f, 'hessian') as (x: Tensor) => Tensor, 'hessian');
}
