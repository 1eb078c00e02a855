/**
 * @file customVjp's JAX form, `customVjp(f, { fwd, bwd })`: `fwd(...args)` returns `[out, residuals]`,
 * `bwd(residuals, cotangent)` one cotangent per argument (jax.custom_vjp's defvjp(fwd, bwd)). Built on
 * the `backward(cotangent, { args, out })` form: the residuals of a call are kept for its backward
 * pass where they are plain values, and computed again by `fwd` from the arguments where an outer
 * transformation traces them (so that, as in JAX, `bwd` and `fwd` are differentiated for higher orders).
 */
import { flatten, type PyTree } from '../core/pytree.js';
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/create.js';

/** The rules of customVjp's JAX form. */
export interface ResidualRules<A extends unknown[], R, Res> {
  /** The output and what the backward rule needs from the forward pass: `[out, residuals]`. */
  readonly fwd: (...args: A) => readonly [R, Res];
  /** One cotangent per argument (null for a zero one), from the residuals and the output's cotangent. */
  readonly bwd: (residuals: Res, cotangent: never) => readonly unknown[];
}

/** Whether `x` is an object with the `fwd` and `bwd` functions of customVjp's JAX form. */
export function isResidualRules(x: unknown): x is ResidualRules<unknown[], unknown, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && ('fwd' in x || 'bwd' in x);
}

/**
 * The forward function and backward rule of the `{ args, out }` form that run `fwd` and `bwd`.
 * `forward` runs `fwd` and remembers its residuals by the output object, with the argument leaves
 * it ran on; `backward` takes them when its call's arguments are those leaves (so the residuals are
 * this call's, and plain or traced alike with them), else runs `fwd` again on the arguments it is given.
 */
export function residualForm<A extends unknown[], R>(
  rules: ResidualRules<A, R, unknown>, name: string,
): { forward: (...args: A) => R; backward: (ct: unknown, ctx: { args: unknown; out: R }) => readonly unknown[] } {
  if (typeof rules.fwd !== 'function' || typeof rules.bwd !== 'function') {
    throw new InvalidArgumentError(
      `${name}: the JAX form takes { fwd, bwd }: fwd(...args) returns [out, residuals], bwd(residuals, cotangent) one cotangent per argument; ` +
        `got fwd ${describe(rules.fwd)} and bwd ${describe(rules.bwd)}.`,
    );
  }
  const kept = new WeakMap<object, { leaves: unknown[]; residuals: unknown }>();
  const run = (args: A): readonly [R, unknown] => {
    const pair = rules.fwd(...args);
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new InvalidArgumentError(`${name}: fwd must return [out, residuals] (a pair, as JAX's fwd returns (out, res)); got ${describe(pair)}.`);
    }
    return pair as unknown as readonly [R, unknown];
  };
  const forward = (...args: A): R => {
    const [out, residuals] = run(args);
    if (typeof out === 'object' && out !== null) kept.set(out, { leaves: leavesOf(args), residuals });
    return out;
  };
  const backward = (ct: unknown, { args, out }: { args: unknown; out: R }): readonly unknown[] => {
    const entry = typeof out === 'object' && out !== null ? kept.get(out) : undefined;
    const residuals = entry !== undefined && sameLeaves(entry.leaves, leavesOf(args as A)) ? entry.residuals : run(args as A)[1];
    return rules.bwd(residuals, ct as never);
  };
  return { forward, backward };
}

function leavesOf(args: readonly unknown[]): unknown[] {
  return flatten(args as PyTree, 'customVjp').leaves;
}

/** Whether two lists of leaves are the same tensors (a number leaf: the same number). */
function sameLeaves(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x === y) continue;
    // A number passed to the call reaches the forward function as a fresh 0-d tensor: equal by value, untraced.
    if (!(x instanceof Tensor && y instanceof Tensor && x.trace === null && y.trace === null && x.shape.length === 0 && y.shape.length === 0 && x.values[0] === y.values[0])) return false;
  }
  return true;
}
