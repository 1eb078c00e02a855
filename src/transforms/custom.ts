/** @file customVjp (a user-supplied backward rule) and checkpoint (recompute instead of store). */
import { JvpTrace, ReverseTrace, anyTraceRunning, topTrace, unbox, type Trace } from '../core/trace.js';
import { isResidualRules, residualForm, type ResidualRules } from './customVjpResiduals.js';
import { flatten, isPlainObject, mapTree, type PyTree, type TensorLikeTree, type TensorTree, type TensorTrees, type TreeDef } from '../core/pytree.js';
import type { Loosen } from './vjp.js';
import type { TreeFunction } from '../core/functions.js';
import { notRead, nudged, readsDuring } from './readNumbers.js';
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { mapNodeChildren, nodeParts, NOT_A_NODE, registeredNode } from '../core/pytreeNodes.js';
import { asTensor, describe, zeros } from '../tensor/create.js';
import { retainKept } from '../core/memory.js';
import { checkFunction, flattenArgs, flattenLike, noExtraArguments, rebuildArgs } from './args.js';
import { recordRegion, regionTrace, runCapturing } from './customNode.js';
import { checkOptions } from './loopArgs.js';
import { checkpointPolicy, SavedOutputs, type CheckpointOptions } from './checkpointPolicy.js';
import { record, type Recording } from './record.js';
import { BatchTrace, vmapWithin } from './vmap.js';
import {
  batchAbove, boxWithTangents, broadcastInto, callAboveArguments, checkForwardClosure, checkRuleResult, isRecordingForward, liftBatched, primalsAndTangents, sumShared, transposeOfVjp,
  whileRecordingForward, type JvpRule, type UntypedJvpRule,
} from './customModes.js';

/** Options of customVjp. */
export interface CustomVjpOptions<A extends unknown[] = PyTree[], R = PyTree> {
  /**
   * The forward derivative, for forward mode (jvp, forward-mode jacobian): primals and tangents (in
   * the arguments' structure) to `[out, tangentOut]`. Without it, forward mode transposes the
   * backward rule, which must then be linear in its cotangent (a rule that is not, such as gradient
   * clipping, defines no forward derivative: forward mode through it is an error).
   */
  readonly jvp?: JvpRule<A, R> | undefined;
}

/**
 * What a custom backward rule returns: one cotangent per argument, in that argument's structure
 * (numbers accepted for tensors), or null for a zero cotangent (JAX's None), for an argument or any
 * subtree; or an array of such cotangents whose length the runtime checks.
 */
export type ArgumentCotangents<A extends readonly unknown[]> =
  | { readonly [K in keyof A]: NullableTree<TensorLikeTree<A[K]>> }
  // An array built apart (`const cts = [...]; return cts`, `args.map(...)`): the runtime checks its length.
  | readonly NullableTree<TensorLikeTree<A[number]>>[];

/** A tree in which any subtree may be null (a zero cotangent there). */
export type NullableTree<T> = 0 extends 1 & T
  ? T // any stays any
  : PyTree extends T
  ? PyTree // any tree at all (its nodes may already be null)
  : T extends Tensor | number | null
  ? T | null
  : T extends readonly unknown[]
    ? { readonly [K in keyof T]: NullableTree<T[K]> } | null
    : T extends object
      ? { readonly [K in keyof T]: NullableTree<T[K]> } | null
      : T | null;

/**
 * customVjp's rules in JAX's form (jax.custom_vjp's `defvjp(fwd, bwd)`): `fwd` gives the output and
 * the residuals its backward pass needs, `bwd` the arguments' cotangents from them (null for a zero
 * one). `fwd` runs under a transformation, where an argument passed as a number arrives as a 0-d
 * tensor (as `ctx.args` in the other form), so its arguments are typed as tensors.
 */
export interface CustomVjpRules<A extends unknown[], R, Res> {
  readonly fwd: (...args: TensorTrees<A>) => readonly [R, Res];
  readonly bwd: (residuals: Res, cotangent: TensorTree<R>) => ArgumentCotangents<NoInfer<A>>;
}

/** What a custom backward rule receives besides the cotangent. */
export interface CustomVjpContext<A extends unknown[], R> {
  /**
   * The arguments of the call, every leaf a tensor (a number passed is given as a 0-d tensor): values,
   * boxed at outer levels under higher-order transformations.
   */
  readonly args: TensorTrees<A>;
  /** The output of the call. */
  readonly out: R;
}

function closureError(count: number): Error {
  return new InvalidArgumentError(
    `customVjp: the function reads ${count > 0 ? count : 'one or more'} tensor(s) being differentiated through its closure; the backward rule ` +
      `cannot return their cotangents. Pass them as arguments instead.`,
  );
}

/**
 * A backward rule's cotangent `ct` for the argument `arg`, with null (or undefined) wherever `arg`
 * holds more than an empty node replaced by zeros of that subtree's structure and shapes: as JAX's
 * custom_vjp, which reads None in a bwd result as a zero cotangent (`return [null, null, ad.clip(g,
 * lo, hi)]` for bounds that get none). Elsewhere `ct` is returned as is, for the structure check.
 */
function nullAsZero(ct: unknown, arg: unknown, op: string): unknown {
  if (ct === null || ct === undefined) return arg === null ? null : mapTree(arg, (l) => (l instanceof Tensor ? zeros(l.shape) : 0), op);
  if (Array.isArray(ct) && Array.isArray(arg) && ct.length === arg.length) return ct.map((c, i) => nullAsZero(c, arg[i], op));
  if (isPlainObject(ct) && isPlainObject(arg)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(ct)) out[k] = Object.prototype.hasOwnProperty.call(arg, k) ? nullAsZero(ct[k], arg[k], op) : ct[k];
    return out;
  }
  const reg = registeredNode(arg);
  if (reg !== undefined && registeredNode(ct) === reg) {
    const argChildren = nodeParts(reg, arg as object, op).children;
    const node = mapNodeChildren(ct, (c, i) => nullAsZero(c, argChildren[i], op), op);
    if (node !== NOT_A_NODE) return node;
  }
  return ct;
}

/**
 * A function like `f` whose gradient is given by `backward(cotangent, { args, out })`, which returns
 * one cotangent per argument (each with its argument's structure; null, as JAX's None, for a zero
 * cotangent). Use it for a numerically better rule, a straight-through estimator, or a gradient
 * that skips an expensive inner computation.
 * Under reverse mode the whole call is one tape node; write the rule with adjoint ops and it is
 * differentiated for higher orders (`grad(grad(·))`, `hvp`, which agree). Forward mode (`jvp`, a
 * forward-mode `jacobian`, hvp's outer pass) uses the same derivative: `options.jvp` if given, else the transpose of `backward`
 * (which must then be linear in its cotangent); under `vmap`, `f` and the rules are mapped. `f` must receive everything being differentiated as arguments (a tensor it
 * reads through its closure would get no cotangent from the rule, so that is an error).
 * @example
 * // Gradient clipping in the backward pass only
 * const clipGrad = ad.customVjp((x) => x, (g) => [ad.clip(g, -1, 1)]);
 * ad.grad((x) => ad.sum(ad.mul(clipGrad(x), 10)))(ad.tensor([1, 2])); // [1, 1]
 */
export function customVjp<F extends TreeFunction>(
  f: F,
  backward: (cotangent: TensorTree<ReturnType<F>>, ctx: CustomVjpContext<Parameters<F>, ReturnType<F>>) => ArgumentCotangents<NoInfer<Parameters<F>>>,
  options?: CustomVjpOptions<Parameters<F>, ReturnType<F>>,
): (...args: Loosen<Parameters<F>>) => ReturnType<F>;
// With explicit type arguments, customVjp<Args, Result>(…).
export function customVjp<A extends unknown[], R extends PyTree>(
  f: (...args: A) => R,
  backward: (cotangent: TensorTree<R>, ctx: CustomVjpContext<A, R>) => ArgumentCotangents<NoInfer<A>>,
  options?: CustomVjpOptions<A, R>,
): (...args: Loosen<A>) => R;
// JAX's form: customVjp(f, { fwd, bwd }).
export function customVjp<F extends TreeFunction, Res>(
  f: F,
  rules: CustomVjpRules<Parameters<F>, ReturnType<F>, Res>,
  options?: CustomVjpOptions<Parameters<F>, ReturnType<F>>,
): (...args: Loosen<Parameters<F>>) => ReturnType<F>;
export function customVjp<A extends unknown[], R extends PyTree>(
  f: (...args: A) => R,
  backward: ((cotangent: TensorTree<R>, ctx: CustomVjpContext<A, R>) => readonly unknown[]) | ResidualRules<A, R, unknown>,
  options: CustomVjpOptions<A, R> = {},
  ...extra: unknown[]
): (...args: Loosen<A>) => R {
  checkFunction(f, 'customVjp');
  if (isResidualRules(backward)) {
    // JAX's form: fwd and bwd run under a transformation, f alone where none runs. (JAX runs f under
    // vmap and jit without a derivative too; here fwd does, so that a jit program recorded that way
    // keeps the rule for a derivative taken of its replay: the same value, by fwd's contract.)
    noExtraArguments(extra, 'customVjp', 'the function, its rules and options, customVjp(f, { fwd, bwd }, { jvp })');
    const form = residualForm(backward, f.name ? `customVjp(${f.name})` : 'customVjp');
    const named = Object.defineProperty(form.forward, 'name', { value: f.name }) as (...args: A) => R;
    const custom = customVjpRule(named, form.backward as (ct: TensorTree<R>, ctx: CustomVjpContext<A, R>) => readonly unknown[], options) as (...args: A) => R;
    return ((...args: A): R => (anyTraceRunning() ? custom(...args) : f(...args))) as (...args: Loosen<A>) => R;
  }
  noExtraArguments(extra, 'customVjp', 'the function, its backward rule and options, customVjp(f, backward, { jvp })');
  return customVjpRule(f, backward as (cotangent: TensorTree<R>, ctx: CustomVjpContext<A, R>) => readonly unknown[], options);
}

/** customVjp of a backward rule `backward(cotangent, { args, out })`. */
function customVjpRule<A extends unknown[], R extends PyTree>(
  f: (...args: A) => R,
  backward: (cotangent: TensorTree<R>, ctx: CustomVjpContext<A, R>) => readonly unknown[],
  options: CustomVjpOptions<A, R>,
): (...args: Loosen<A>) => R {
  checkFunction(backward, 'customVjp');
  if (options !== null && typeof options === 'object') checkOptions(options, 'customVjp', ['jvp']);
  if (options === null || typeof options !== 'object' || (options.jvp !== undefined && typeof options.jvp !== 'function')) {
    throw new InvalidArgumentError('customVjp: options must be an object such as { jvp: (primals, tangents) => [out, tangentOut] }.');
  }
  const name = f.name ? `customVjp(${f.name})` : 'customVjp';
  const jvpRule = options.jvp as UntypedJvpRule | undefined;
  const userBackward = backward;
  // JAX's None in a custom_vjp bwd result: a zero cotangent for that argument (or any subtree of it).
  backward = (ct, ctx) => {
    const cts = userBackward(ct, ctx);
    return Array.isArray(cts) && cts.length === ctx.args.length ? cts.map((c, i) => nullAsZero(c, ctx.args[i], name)) : cts;
  };
  const call = (...args: A): R => {
    const { leaves, def } = flattenArgs(args, 'customVjp');
    const top = topTrace(leaves);
    const result = callAt(top, leaves, def);
    // f or a rule read a value mapped by a vmap running above the arguments: lifted into it.
    const batch = batchAbove(result, top);
    return batch === null ? result : call(...(rebuildArgs(def, broadcastInto(batch, leaves)) as A));
  };
  const callAt = (top: Trace | null, leaves: Tensor[], def: TreeDef): R => {
    const above = callAboveArguments(top, () => call(...(rebuildArgs(def, leaves) as A)), closureError);
    if (above !== null) return above.result;
    if (top instanceof JvpTrace) {
      // Forward mode uses the derivative the user defined: their JVP, or the transpose of their VJP.
      // So does hvp's outer forward level (recording: the value under a reverse level), so that
      // forward-over-reverse agrees with grad(grad(·)), which differentiates the rule; there a rule
      // not linear in its cotangent (gradient clipping), which defines no Jacobian, leaves f's own
      // ops to be differentiated instead of an error.
      const recording = isRecordingForward(top.level);
      const [primals, tangents] = primalsAndTangents(top, leaves, def);
      const out = call(...(primals as A)); // the value, as every level below computes it
      checkForwardClosure(out, top.level, closureError, name);
      if (jvpRule !== undefined) {
        const [, tangentOut] = checkRuleResult(jvpRule(primals, tangents), name);
        return boxWithTangents(top, out, tangentOut, name) as R;
      }
      const rule = (ct: PyTree) => backward(ct as TensorTree<R>, { args: primals as unknown as TensorTrees<A>, out });
      const tangentOut = transposeOfVjp(rule, out, tangents, name, backward, recording ? 'null' : 'throw');
      if (tangentOut !== null) return boxWithTangents(top, out, tangentOut, name) as R;
    }
    if (top instanceof BatchTrace) {
      // The custom function of the batch: f and its rules mapped, so outer levels still see the rule.
      // (vmapWithin: f and the rules may read the batch's other values through their closure.)
      return liftBatched(top, leaves, def, (axes, batched) => customVjp<any[], PyTree>(
        vmapWithin(top, f, axes) as (...a: any[]) => PyTree,
        (ct, { args: a, out }) => sumShared(vmapWithin(top, (c: any, x: any, o: any) => backward(c, { args: x, out: o }), [0, axes, 0])(ct, a, out) as any[], batched, name),
        jvpRule === undefined ? {} : { jvp: (p, t) => vmapWithin(top, jvpRule, [axes, axes])(p, t) as [any, any] },
      )) as R;
    }
    if (!(top instanceof ReverseTrace)) {
      const out = f(...(rebuildArgs(def, leaves) as A));
      checkForwardClosure(out, top === null ? 0 : top.level + 1, closureError, name);
      return out;
    }
    const inner = leaves.map((x) => unbox(x, top));
    const innerArgs = rebuildArgs(def, inner) as A;
    // Below this trace the call is made again, so outer reverse levels record it as custom too.
    const { result: out, captured } = runCapturing(top, () => whileRecordingForward(top.level, () => call(...innerArgs)));
    if (captured.length > 0) throw closureError(captured.length);
    // The rule may read the arguments and the output: they are the node's residuals.
    retainKept(top, [...inner, ...flatten(out, 'customVjp (output)').leaves.filter((l): l is Tensor => l instanceof Tensor)]);
    return recordRegion('customVjp', top, leaves, {
      out,
      captured,
      backward: (ct) => {
        const cts = backward(ct as TensorTree<R>, { args: innerArgs as unknown as TensorTrees<A>, out });
        if (!Array.isArray(cts) || cts.length !== innerArgs.length) {
          throw new InvalidArgumentError(
            `customVjp: the backward rule must return an array with one cotangent per argument (${innerArgs.length}), got ` +
              `${Array.isArray(cts) ? `an array of length ${cts.length}` : describe(cts)}; return [ct0, ct1, …] in the order of the arguments (a one-argument function returns [ct]).`,
          );
        }
        // Matched to the arguments by key: a rule returning {b, a} for an argument {a, b} is read by name.
        return flattenLike(cts, def, 'customVjp', "backward rule's cotangents", 'arguments').map((l) => asTensor(l, 'customVjp'));
      },
    }) as R;
  };
  return call as (...args: Loosen<A>) => R; // numbers are boxed as 0-d tensors on the way in (flattenArgs)
}

/**
 * Checkpoint regions running inside one another now, and the most since the outermost began. Under
 * `grad`, the backward pass of a region recomputes it and pulls back through the regions inside it
 * before it returns, so nesting depth costs JavaScript stack.
 */
const nesting = { depth: 0, deepest: 0 };

function enter(): void {
  if (++nesting.depth > nesting.deepest) nesting.deepest = nesting.depth;
}

function leave(): void {
  if (--nesting.depth === 0) nesting.deepest = 0;
}

/**
 * A stack overflow inside nested checkpoints as an error that says what to do; any other error as
 * is. Caught first near the stack's end: if building the error overflows too, a level further out
 * converts it. (Inlined try/catch rather than a wrapper, to spend no extra frames per level.)
 */
function nestingError(e: unknown): unknown {
  if (!(e instanceof RangeError) || !/call stack/i.test(e.message)) return e;
  return new InvalidArgumentError(
    `checkpoint: the JavaScript call stack overflowed with ${nesting.deepest} checkpoint regions nested inside one another ` +
      `(under grad each level's backward pass runs inside the one around it). Put checkpoints side by side instead of inside ` +
      `each other — a chain of blocks is ad.scan(block, x, { length, checkpoints }) — or run Node with a larger --stack-size.`,
  );
}

/**
 * A function like `f` whose intermediates are not kept for the backward pass: only its arguments
 * are stored, and `f` is run again (under `vjp`) when the cotangent arrives. Memory for time.
 * Tensors `f` reads through its closure (weights) get their gradients too. Nests, and composes with
 * higher-order transformations.
 * @example
 * const block = ad.checkpoint((h) => ad.tanh(ad.tanh(h)));
 * ad.grad((h) => ad.sum(block(h)))(ad.tensor([0.1, 0.2]));
 */
export function checkpoint<F extends TreeFunction>(f: F, options?: CheckpointOptions): (...args: Loosen<Parameters<F>>) => ReturnType<F>;
// With explicit type arguments, checkpoint<Args, Result>(…).
export function checkpoint<A extends unknown[], R extends PyTree>(f: (...args: A) => R, options?: CheckpointOptions): (...args: Loosen<A>) => R;
export function checkpoint<A extends unknown[], R extends PyTree>(f: (...args: A) => R, options?: CheckpointOptions, ...extra: unknown[]): (...args: Loosen<A>) => R {
  checkFunction(f, 'checkpoint');
  noExtraArguments(extra, 'checkpoint', 'the function and its options, checkpoint(f, { policy, stats })');
  const policy = checkpointPolicy(options);
  if (policy === 'everything') { // nothing recomputed: the region is taped as any code (numbers boxed as the other policies box them)
    return ((...args: A): R => {
      const { leaves, def } = flattenArgs(args, 'checkpoint');
      return f(...(rebuildArgs(def, leaves) as A));
    }) as (...args: Loosen<A>) => R;
  }
  const call = (...args: A): R => {
    const { leaves, def } = flattenArgs(args, 'checkpoint');
    // The innermost running reverse trace, even if the arguments are constants: f may close over its values.
    const top = regionTrace(leaves);
    if (!(top instanceof ReverseTrace)) return f(...(rebuildArgs(def, leaves) as A));
    const inner = leaves.map((x) => unbox(x, top));
    const saved = new SavedOutputs(policy, options?.stats);
    let forward: { result: R; captured: Tensor[] };
    enter();
    try {
      forward = runCapturing(top, () => (saved.active ? saved.record(() => call(...(rebuildArgs(def, inner) as A))) : call(...(rebuildArgs(def, inner) as A))));
    } catch (e) {
      throw nestingError(e);
    } finally {
      leave();
    }
    const { result: out, captured } = forward;
    // Only the inputs and the closed-over values are kept for the backward pass: its residuals.
    retainKept(top, [...inner, ...captured.map((b) => b.primal!), ...saved.kept]);
    return recordRegion('checkpoint', top, leaves, {
      out,
      captured,
      backward: (ct) => {
        enter();
        let rec: Recording | null = null;
        try {
          // Recomputed under a tape of its own: the check grad makes of its function (transforms/readNumbers.ts).
          // The recomputation, answering the ops the policy saved from the forward pass's outputs.
          rec = saved.replay(() => record((ins) => {
            const { result, reads } = readsDuring(ins, () => f(...(rebuildArgs(def, ins) as A)));
            return notRead(result, reads, 'checkpoint', (sign) => f(...(rebuildArgs(def, nudged(inner, sign)) as A))) as R;
          }, inner, top));
          const cts = rec.pullback(flatten(ct, 'checkpoint').leaves);
          const byBox = new Map(rec.captured.map((b, i) => [b, cts[inner.length + i]!]));
          return [...cts.slice(0, inner.length), ...captured.map((b) => byBox.get(b) ?? zeros(b.shape))];
        } catch (e) {
          throw nestingError(e);
        } finally {
          rec?.release();
          leave();
        }
      },
    }) as R;
  };
  return call as (...args: Loosen<A>) => R; // numbers are boxed as 0-d tensors on the way in (flattenArgs)
}

