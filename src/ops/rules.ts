/** @file Named shapes of derivative rules, so most rules are one line and the unusual ones stand out. */
import { shapesEqual, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, mulStrong } from './binary.js';
import { broadcastTo, reshape } from './shape.js';
import { sum } from './reduce.js';

/**
 * The transpose of broadcasting: sums `g` over the axes that broadcasting added or stretched,
 * so a cotangent of the broadcast shape becomes one of `shape`.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? sum(g, axes, true) : g;
  return reshape(summed, shape);
}

/**
 * Chain rule for an elementwise factor, with a strong zero: a zero cotangent (or tangent)
 * contributes exactly zero even where the local derivative is ±∞ or NaN (sqrt'(0), log'(0)).
 */
export function chain(g: Tensor, derivative: Tensor): Tensor {
  return mulStrong(g, derivative);
}

/** Cotangent `g` for an input of `shape`, or null when the input is constant. */
export function unbroadcastIf(need: boolean | undefined, g: Tensor, shape: Shape): Tensor | null {
  return need ? sumToShape(g, shape) : null;
}

/** Tangent times an elementwise factor; a zero (null) tangent stays zero. */
export function scaleTangent(t: Tensor | null, derivative: Tensor): Tensor | null {
  return t === null ? null : mulStrong(t, derivative);
}

/** Sum of tangent contributions (nulls are zeros), broadcast to the output's shape; null if all are zero. */
export function sumTangents(outShape: Shape, ...ts: Array<Tensor | null>): Tensor | null {
  let acc: Tensor | null = null;
  for (const t of ts) if (t !== null) acc = acc === null ? t : add(acc, t);
  if (acc !== null && !shapesEqual(acc.shape, outShape)) acc = broadcastTo(acc, outShape);
  return acc;
}

/** A linear unary op's rules: the VJP applies the transpose, the JVP applies the op itself. */
export function linearTangent(t: Tensor | null, op: (t: Tensor) => Tensor): Tensor | null {
  return t === null ? null : op(t);
}
