/** @file The primitive under SignedLog.sum: the kernel's exactly cancelling sum of signed log-space terms, with its derivative rules written in ops. */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { alongAxisRule } from '../ops/batching.js';
import { Tensor } from '../tensor/tensor.js';
import { reducedShape } from '../tensor/shape.js';
import { equal, mul, mulStrong, sub } from '../ops/binary.js';
import { abs, exp } from '../ops/unary.js';
import { where } from '../ops/select.js';
import { sum } from '../ops/reduce.js';
import { reshape, slice, stack } from '../ops/shape.js';
import { zeros } from '../tensor/create.js';
import { chain } from '../ops/rules.js';
import { signedLogSumKernel } from '../tensor/kernels/signedSum.js';
import { mergeAxes } from './prod.js';

interface SumParams { readonly axis: number }

/** Component k (0: the sign σ, 1: the log-magnitude L) of the primitive's [..., 2] output, as [...]. */
function component(out: Tensor, k: 0 | 1): Tensor {
  const shape = out.shape.slice(0, -1);
  return reshape(slice(out, [...shape.map(() => 0), k], [...shape, 1]), shape);
}

/*
 * L = log|S|, S = Σᵢ sᵢ e^{lᵢ} along the axis, and σ = sign(S), a constant:
 *
 *   ∂L/∂lᵢ = sᵢ e^{lᵢ} / S = sᵢ σ e^{lᵢ − L}   (the softmax weights of the signed sum)
 *
 * written with the output L, so the rules differentiate again through this primitive. Where S is
 * 0 exactly (L = −∞) or infinite, log|S| has no derivative and the weights are taken as 0; at a zero
 * the value's derivative travels by the SignedLog's zero part instead (signedLog.ts). A term of sign
 * 0 is an exact zero whatever its lᵢ, so its weight is a strong 0: e^{lᵢ − L} may overflow there
 * (sign 0, lᵢ = 800 beside terms near 1), and 0 · ∞ gave a NaN gradient.
 */
function weights(s: Tensor, l: Tensor, out: Tensor): Tensor {
  const sigma = component(out, 0), L = component(out, 1);
  const degenerate = equal(abs(L), Infinity);
  const shift = where(degenerate, 0, L);
  return where(degenerate, 0, mulStrong(mul(s, sigma), exp(sub(l, shift))));
}

const signedLogSumP: Primitive<SumParams> = definePrimitive<SumParams>({
  name: 'signedLogSum',
  saves: 'both',
  forward: ([s, l], { axis }) =>
    new Tensor(signedLogSumKernel(s!.values, l!.values, s!.shape, axis), [...s!.shape.map((d, i) => (i === axis ? 1 : d)), 2]),
  vjp: (g, r, _params, needs) => {
    const [s, l] = r.inputs as [Tensor, Tensor];
    return [null, needs[1] ? chain(component(g, 1), weights(s, l, r.out!)) : null];
  },
  jvp: ([, tl], [s, l], out, { axis }) => {
    if (tl === null) return null;
    const Ldot = sum(chain(tl!, weights(s!, l!, out)), axis, true);
    return stack([zeros(Ldot.shape), Ldot], -1);
  },
  batch: alongAxisRule(() => signedLogSumP),
});

/**
 * The sign and log-magnitude of Σ sᵢ e^{lᵢ} over `axes` (sorted, non-empty) of `s` and `l` (one
 * shape): exact when terms cancel exactly, accurate to a few roundings of Σ|terms| otherwise (see
 * signedLogSumKernel). @internal
 */
export function signedLogSum(s: Tensor, l: Tensor, axes: readonly number[], keepdims: boolean): { sign: Tensor; logAbs: Tensor } {
  const { rows: signs, axis } = mergeAxes(s, axes);
  const { rows: logs } = mergeAxes(l, axes);
  const out = apply(signedLogSumP, [signs, logs], { axis });
  const shape = reducedShape(s.shape, axes, keepdims);
  return { sign: reshape(component(out, 0), shape), logAbs: reshape(component(out, 1), shape) };
}
