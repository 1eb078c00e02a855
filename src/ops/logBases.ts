/**
 * @file Logarithms and exponentials in bases 2 and 10 — log2 and log10 as primitives whose kernel
 * rounds correctly (tensor/kernels/logBase.ts), exp2 as pow(2, x), exact at integers.
 */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { uninitializedF64 } from '../tensor/alloc.js';
import { logBaseKernel } from '../tensor/kernels/logBase.js';
import { divStrong, mul, pow } from './binary.js';
import { broadcastingRule } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * log_base x as one primitive: the kernel rounds once (ln x · log₂e rounded twice was an ulp off
 * NumPy on ~30 % of inputs for log2, ~16 % for log10). Derivative log_base(e)/x, in the order the
 * composite ln(x)·c computed it — (g·c)·(1/x) with a strong zero, and t·(1/x)·c forward, each
 * (·)·(1/x) as the strong quotient, divided where 1/x overflows (ops/binary.ts divStrong) — so
 * gradients keep their bits; the rules are ops, so they differentiate again.
 */
function logBasePrimitive(name: 'log2' | 'log10', base: 2 | 10, c: number): Primitive<null> {
  const prim: Primitive<null> = definePrimitive<null>({
    name,
    saves: 'inputs',
    forward: ([x]) => new Tensor(logBaseKernel(base, x!.values, uninitializedF64(x!.size)), x!.shape),
    vjp: (g, r) => [divStrong(mul(g, c), r.inputs[0]!)],
    jvp: ([t], [x]) => (t === null ? null : mul(divStrong(t!, x!), c)),
    batch: broadcastingRule(() => prim),
  });
  return prim;
}

const log2P = logBasePrimitive('log2', 2, Math.LOG2E);
const log10P = logBasePrimitive('log10', 10, Math.LOG10E);

/**
 * 2ˣ (numpy.exp2), exact at integers (it is `pow(2, x)`, and pow's powers of two are exact).
 * @example ad.exp2(ad.tensor([-1, 10, 0.5])).toArray(); // => [0.5, 1024, Math.SQRT2]
 */
export function exp2(x: TensorLike): Tensor;
export function exp2(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('exp2', 'exp2(x)', extra, x); return pow(2, asTensor(x, 'exp2')); }

/**
 * log₂x (numpy.log2), correctly rounded: −∞ at 0, NaN below; exactly k at x = 2ᵏ. Derivative 1/(x ln 2).
 * @example ad.log2(ad.tensor([8, 0.125, 10])).toArray(); // => [3, -3, Math.log2(10)]
 */
export function log2(x: TensorLike): Tensor;
export function log2(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('log2', 'log2(x)', extra, x); return apply(log2P, [asTensor(x, 'log2')], null); }

/**
 * log₁₀x (numpy.log10), correctly rounded (NumPy's, glibc's, is an ulp off on about one input in
 * ten; it agrees wherever it is right): −∞ at 0, NaN below; exactly k at x = 1ek. Derivative 1/(x ln 10).
 * @example ad.log10(ad.tensor([1000, 1e-5, 2])).toArray(); // => [3, -5, 0.3010299956639812]
 */
export function log10(x: TensorLike): Tensor;
export function log10(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('log10', 'log10(x)', extra, x); return apply(log10P, [asTensor(x, 'log10')], null); }
