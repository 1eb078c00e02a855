/**
 * @file The boundary between the public types and the library's own: `adjoint`'s declarations
 * (built with stripInternal) hide a Tensor's tracing members, which src/ internals declare.
 */
import type { Tensor as PublicTensor } from 'adjoint';
import type { Tensor } from '../../src/tensor/tensor.js';

/** A tensor from the public API as src/'s Tensor type (the same object; only the declared members differ). */
export const internal = (x: PublicTensor): Tensor => x as Tensor;
