/**
 * @file PyTorch's affine layers as functions, `F.linear` (x·Wᵀ + b) and `F.bilinear` (x₁ᵀA_k x₂ + b_k),
 * in PyTorch's layouts ([out, in] weights), each one matrix product over the flattened leading axes,
 * so every transformation applies.
 */
import { ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { add, mul } from './binary.js';
import { sum } from './reduce.js';
import { mm } from './linalg.js';
import { reshape, transpose } from './shape.js';

/** x [..., k] as rows [m, k], m the product of the leading axes. */
const rows = (x: Tensor): Tensor => reshape(x, [x.shape.slice(0, -1).reduce((a, b) => a * b, 1), x.shape[x.ndim - 1]!]);

/** y + bias, the bias checked to be [out] (or a scalar, [] ). */
function withBias(op: string, y: Tensor, bias: TensorLike | null | undefined, out: number | null): Tensor {
  if (bias === undefined || bias === null) return y;
  const b = asTensor(bias, op);
  if (b.ndim !== 0 && (out === null || !shapesEqual(b.shape, [out]))) {
    throw new ShapeError(`${op}: bias of shape ${formatShape(b.shape)} must be ${out === null ? '[] (the weight is 1-D)' : `[${out}] (one per output feature) or []`}.`);
  }
  return add(y, b);
}

/**
 * The affine map x·Wᵀ + b, as `torch.nn.functional.linear`: input [..., in], weight [out, in] (nn.Linear's
 * layout) and bias [out] give [..., out]; a 1-D weight [in] gives [...] (a dot product per row), its bias a
 * scalar. Differentiable in all three.
 * @example
 * ad.linear(ad.tensor([[1, 2]]), ad.tensor([[1, 0], [1, 1]]), ad.tensor([10, 20])).toArray(); // => [[11, 23]]
 */
export function linear(input: TensorLike, weight: TensorLike, bias?: TensorLike | null): Tensor;
export function linear(input: TensorLike, weight: TensorLike, bias?: TensorLike | null, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linear', 'linear(input, weight, bias?)', extra, bias);
  const x = asTensor(input, 'linear'), w = asTensor(weight, 'linear');
  const k = w.shape[w.ndim - 1];
  if (x.ndim === 0 || (w.ndim !== 1 && w.ndim !== 2) || x.shape[x.ndim - 1] !== k) {
    throw new ShapeError(`linear: input ${formatShape(x.shape)} and weight ${formatShape(w.shape)} must be [..., in] and [out, in] (or [in]), the same in (nn.Linear's layout: the weight is not transposed).`);
  }
  const out = w.ndim === 2 ? w.shape[0]! : null;
  const y = mm(rows(x), w.ndim === 2 ? w : reshape(w, [1, k!]), false, true);
  return withBias('linear', reshape(y, [...x.shape.slice(0, -1), ...(out === null ? [] : [out])]), bias, out);
}

/**
 * The bilinear map y_k = x₁ᵀ A_k x₂ + b_k, as `torch.nn.functional.bilinear`: input1 [..., in1] and input2
 * [..., in2] (the same leading axes), weight [out, in1, in2] and bias [out] give [..., out].
 * Differentiable in all four.
 * @example
 * ad.bilinear(ad.tensor([[1, 2]]), ad.tensor([[3]]), ad.tensor([[[1], [1]], [[0], [2]]])).toArray(); // => [[9, 12]]
 */
export function bilinear(input1: TensorLike, input2: TensorLike, weight: TensorLike, bias?: TensorLike | null): Tensor;
export function bilinear(input1: TensorLike, input2: TensorLike, weight: TensorLike, bias?: TensorLike | null, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('bilinear', 'bilinear(input1, input2, weight, bias?)', extra, bias);
  const x1 = asTensor(input1, 'bilinear'), x2 = asTensor(input2, 'bilinear'), w = asTensor(weight, 'bilinear');
  if (w.ndim !== 3 || x1.ndim === 0 || x2.ndim === 0 || x1.shape[x1.ndim - 1] !== w.shape[1] || x2.shape[x2.ndim - 1] !== w.shape[2]) {
    throw new ShapeError(`bilinear: input1 ${formatShape(x1.shape)}, input2 ${formatShape(x2.shape)} and weight ${formatShape(w.shape)} must be [..., in1], [..., in2] and [out, in1, in2].`);
  }
  const lead = x1.shape.slice(0, -1);
  if (!shapesEqual(lead, x2.shape.slice(0, -1))) {
    throw new ShapeError(`bilinear: input1 ${formatShape(x1.shape)} and input2 ${formatShape(x2.shape)} must have the same leading axes (PyTorch's too; broadcast them first).`);
  }
  const [out, in1, in2] = w.shape as [number, number, number];
  const a = rows(x1), m = a.shape[0]!;
  // (x₁ᵀ A_k)_j for every k as one product [m, in1]·[in1, out·in2], then the dot with x₂ over j.
  const left = reshape(mm(a, reshape(transpose(w, [1, 0, 2]), [in1, out * in2]), false, false), [m, out, in2]);
  const y = sum(mul(left, reshape(x2, [m, 1, in2])), -1);
  return withBias('bilinear', reshape(y, [...lead, out]), bias, out);
}
