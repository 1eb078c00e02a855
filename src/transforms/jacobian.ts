/** @file Dense Jacobians and Hessians of functions of one tensor, by whichever mode needs fewer passes. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, eye, zeros } from '../tensor/create.js';
import { sizeOf } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { reshape, transpose } from '../ops/shape.js';
import { vmap } from './vmap.js';
import { stopGradient } from '../ops/select.js';
import { checkFunction, checkResult } from './args.js';
import { jvp } from './jvp.js';
import { gradFor, vjp } from './vjp.js';

/** The standard basis of tensors of `shape`, stacked: [size, ...shape]. */
function basis(shape: readonly number[]): Tensor {
  return reshape(eye(sizeOf(shape)), [sizeOf(shape), ...shape]);
}

function tensorOutput(y: unknown, op: string): Tensor {
  if (y instanceof Tensor || typeof y === 'number') return asTensor(y, op);
  checkResult(y, op);
  throw new InvalidArgumentError(`${op}: the function must return a single tensor (got a pytree); jacobian is for tensor → tensor functions.`);
}

/**
 * The dense Jacobian of `f` (one tensor in, one tensor out): shape [...out.shape, ...x.shape].
 * Uses forward mode (a JVP per input element) when the input is smaller than the output, and
 * reverse mode (a VJP per output element) otherwise, each as one pass batched over the basis
 * (vmap). Differentiable, so it nests.
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
    const outShape = fx(stopGradient(x)).shape; // decides the mode; plain values, no tape
    const outSize = sizeOf(outShape);
    if (outSize === 0 || x.size === 0) return zeros([...outShape, ...x.shape]);
    if (x.size < outSize) {
      // Columns J e_i by forward mode, all in one batched pass over the basis (vmap of jvp).
      const cols = vmap((e: Tensor) => jvp(fx, [x], [e])[1] as Tensor)(basis(x.shape)) as Tensor; // [n, ...out]
      return reshape(transpose(reshape(cols, [x.size, outSize])), [...outShape, ...x.shape]);
    }
    // Rows eᵢᵀ J by reverse mode: one recording, its backward pass batched over the basis.
    const [y, pullback] = vjp(fx, x);
    const rows = vmap((e: Tensor) => pullback(e)[0] as Tensor)(basis((y as Tensor).shape)) as Tensor; // [m, ...in]
    return reshape(rows, [...outShape, ...x.shape]);
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
