/** @file customJvp: a function whose forward derivative the user gives; reverse mode transposes it. */
import { JvpTrace, ReverseTrace, topTrace, unbox, type Trace } from '../core/trace.js';
import type { PyTree } from '../core/pytree.js';
import type { Loosen } from './vjp.js';
import type { TreeFunction } from '../core/functions.js';
import { InvalidArgumentError } from '../core/errors.js';
import { checkFunction, flattenArgs, noExtraArguments, rebuildArgs } from './args.js';
import { recordRegion, runCapturing } from './customNode.js';
import { BatchTrace, vmapWithin } from './vmap.js';
import {
  batchAbove, broadcastInto, callAboveArguments, boxWithTangents, checkForwardClosure, checkRuleResult, liftBatched, primalsAndTangents, transposeOfJvp,
  type JvpRule, type UntypedJvpRule,
} from './customModes.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TreeDef } from '../core/pytree.js';

/**
 * A function like `f` whose derivative is given by `jvpRule(primals, tangents)` → `[out, tangentOut]`
 * (primals and tangents as arrays, one entry per argument, in the arguments' structure), as JAX's
 * `custom_jvp`. Forward mode calls the rule; reverse mode (`grad`, `vjp`) uses its transpose, so
 * the rule's tangent output must be linear in the tangents (it is, for any true derivative). The
 * rule is written with adjoint ops, so it is differentiated for higher orders; under `vmap`, `f`
 * and the rule are mapped. Use it for a numerically stable derivative (log1pexp, a norm at 0) or
 * one that skips an expensive inner computation.
 * @example
 * // A norm whose derivative at 0 is 0 rather than NaN.
 * const safeNorm = ad.customJvp(
 *   (x) => ad.sqrt(ad.sum(ad.square(x))),
 *   ([x], [t]) => {
 *     const n = ad.sqrt(ad.sum(ad.square(x)));
 *     return [n, ad.where(ad.greater(n, 0), ad.div(ad.sum(ad.mul(x, t)), ad.maximum(n, 1e-300)), 0)];
 *   },
 * );
 * ad.grad(safeNorm)(ad.tensor([0, 0])); // [0, 0]
 */
export function customJvp<F extends TreeFunction>(f: F, jvpRule: JvpRule<Parameters<F>, ReturnType<F>>): (...args: Loosen<Parameters<F>>) => ReturnType<F>;
// With explicit type arguments, customJvp<Args, Result>(…).
export function customJvp<A extends unknown[], R extends PyTree>(f: (...args: A) => R, jvpRule: JvpRule<A, R>): (...args: Loosen<A>) => R;
export function customJvp<A extends unknown[], R extends PyTree>(
  f: (...args: A) => R,
  jvpRule: JvpRule<A, R>,
  ...extra: unknown[]
): (...args: Loosen<A>) => R {
  checkFunction(f, 'customJvp');
  noExtraArguments(extra, 'customJvp', 'the function and its rule, customJvp(f, jvpRule)');
  checkFunction(jvpRule, 'customJvp');
  const name = f.name ? `customJvp(${f.name})` : 'customJvp';
  const rule = jvpRule as unknown as UntypedJvpRule;
  const closureError = (count: number) => new InvalidArgumentError(
    `${name}: the function reads ${count > 0 ? count : 'one or more'} tensor(s) being differentiated through its closure; the rule ` +
      `cannot give their derivatives. Pass them as arguments instead.`,
  );
  const call = (...args: A): R => {
    const { leaves, def } = flattenArgs(args, 'customJvp');
    const top = topTrace(leaves);
    const result = callAt(top, leaves, def);
    // f or the rule read a value mapped by a vmap running above the arguments: lifted into it.
    const batch = batchAbove(result, top);
    return batch === null ? result : call(...(rebuildArgs(def, broadcastInto(batch, leaves)) as A));
  };
  const callAt = (top: Trace | null, leaves: Tensor[], def: TreeDef): R => {
    const above = callAboveArguments(top, () => call(...(rebuildArgs(def, leaves) as A)), closureError);
    if (above !== null) return above.result;
    if (top instanceof JvpTrace) {
      const [primals, tangents] = primalsAndTangents(top, leaves, def);
      const [out, tangentOut] = checkRuleResult(rule(primals, tangents), name);
      checkForwardClosure(out, top.level, closureError, name);
      return boxWithTangents(top, out, tangentOut, name) as R;
    }
    if (top instanceof BatchTrace) {
      // (vmapWithin: f and the rule may read the batch's other values through their closure.)
      return liftBatched(top, leaves, def, (axes) => customJvp(
        vmapWithin(top, f, axes) as (...a: any[]) => PyTree,
        (p, t) => vmapWithin(top, rule, [axes, axes])(p, t) as [PyTree, PyTree],
      )) as R;
    }
    if (!(top instanceof ReverseTrace)) {
      const out = f(...(rebuildArgs(def, leaves) as A));
      checkForwardClosure(out, top === null ? 0 : top.level + 1, closureError, name);
      return out;
    }
    const inner = leaves.map((x) => unbox(x, top));
    const innerArgs = rebuildArgs(def, inner) as any[];
    // Below this trace the call is made again, so outer levels see the custom function too.
    const { result: out, captured } = runCapturing(top, () => call(...(innerArgs as A)));
    if (captured.length > 0) throw closureError(captured.length);
    return recordRegion(name, top, leaves, {
      out,
      captured: [],
      // The VJP is the transpose of the rule's linear tangent map, at the arguments of this call.
      backward: (ct) => transposeOfJvp(rule, innerArgs, ct, name),
    }) as R;
  };
  return call as (...args: Loosen<A>) => R; // numbers are boxed as 0-d tensors on the way in (flattenArgs)
}

