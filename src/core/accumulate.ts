/** @file Summing cotangents that meet at a node; differentiable, so it works inside higher-order backward passes. */
import type { Tensor } from '../tensor/tensor.js';

type Adder = (a: Tensor, b: Tensor) => Tensor;
let adder: Adder | null = null;

/** ops/binary registers `add` here, so core does not import ops. @internal */
export function registerAdder(fn: Adder): void {
  adder = fn;
}

export function addCotangents(a: Tensor, b: Tensor): Tensor {
  return adder!(a, b);
}
