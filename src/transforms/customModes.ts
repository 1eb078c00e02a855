/**
 * @file How a function with a user-defined derivative (customVjp, customJvp) meets the modes it was
 * not defined in, so that a derivative means one thing in every mode:
 *
 * - forward mode through a reverse rule: the JVP is the transpose of the VJP (a VJP is linear in
 *   its cotangent, and its transpose is J); a rule that is not linear (gradient clipping) has no J
 *   to transpose, and forward mode then needs a JVP from the user;
 * - reverse mode through a forward rule: the VJP is the transpose of the JVP (linear in the tangents);
 * - vmap: the custom function of the batched values, its function and rule mapped (`vmap`), so
 *   the transformations outside the vmap still see the user's rule.
 * Transposes are taken by one more reverse pass over the linear map (its pullback is its transpose).
 */
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { normal } from '../tensor/random.js';
import { JvpTrace, ReverseTrace, innermostReverseTrace, unbox, type Trace } from '../core/trace.js';
import { flatten, mapTree, unflatten, type PyTree, type TensorLikeTree, type TensorTrees, type TreeDef } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { sum } from '../ops/reduce.js';
import { asTensor } from '../tensor/create.js';
import { withVjp } from './vjp.js';
import { flattenLike } from './args.js';
import { runCapturing } from './customNode.js';
import { BatchTrace, type AxisSpec } from './vmap.js';
import { broadcastTo, reshape } from '../ops/shape.js';

/**
 * A forward rule: primals and tangents (each in the arguments' structure, A, every leaf a tensor, as
 * the rule receives them) to `[out, tangentOut]` (each in the output's structure, R; numbers accepted).
 */
export type JvpRule<A extends unknown[] = PyTree[], R = PyTree> = (
  primals: TensorTrees<A>,
  tangents: TensorTrees<A>,
) => readonly [TensorLikeTree<R>, TensorLikeTree<R>];

/** A forward rule as the machinery calls it, on the arguments' values whatever their types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UntypedJvpRule = (primals: any[], tangents: any[]) => [any, any];

/**
 * While a reverse trace records a customVjp call's forward value, forward mode inside it (the outer
 * level of an hvp) differentiates `f`'s own ops: there the tangent of `out` is what the backward rule,
 * a function of the arguments and `out`, is differentiated with.
 */
const recordingLevels: number[] = [];

/** Runs `fn` (the forward value of a customVjp call) while the reverse trace at `level` records it. */
export function whileRecordingForward<T>(level: number, fn: () => T): T {
  recordingLevels.push(level);
  try {
    return fn();
  } finally {
    recordingLevels.pop();
  }
}

/**
 * Whether a forward trace at `level` is one outside the reverse trace recording a customVjp's
 * forward value (hvp's outer level): there `f`'s own ops are differentiated. A forward trace the
 * user's `f` opens itself is inside (a higher level) and uses the custom rules as everywhere.
 */
export function isRecordingForward(level: number): boolean {
  const recording = recordingLevels[recordingLevels.length - 1];
  return recording !== undefined && level < recording;
}

/** The zeros of `tree`'s structure and shapes. */
function zerosLike(tree: unknown, op: string): PyTree {
  return mapTree(tree, (l) => zeros(l instanceof Tensor ? l.shape : []), op) as PyTree;
}

/** A tensor's values at the bottom of its boxes (a batch's whole value under vmap), for comparisons. */
function bottom(t: Tensor): Float64Array {
  let x = t;
  while (x.trace !== null) x = x.primal!;
  return x.values;
}

/** Backward rules found linear in their cotangent, and found not (checked once per rule). */
const linearRules = new WeakSet<object>();
const nonlinearRules = new WeakSet<object>();

/** What the probes of `looksLinear` have seen: a nonzero finite entry (without one, a rule that is 0 here says nothing). */
interface Seen { informative: boolean }

/**
 * Whether two trees of leaves agree, factor·a = b, to 1e−8 relative (to their largest entry, plus 1 for
 * values near 0). Entries where either side is not finite are skipped: a linear rule with a huge
 * coefficient (eˣ near x = 709) overflows at a large probe, and ∞ − ∞ says nothing about linearity.
 */
function agree(a: ReadonlyArray<Tensor | number>, b: ReadonlyArray<Tensor | number>, factor: number, seen: Seen): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] instanceof Tensor ? bottom(a[i] as Tensor) : [a[i] as number], y = b[i] instanceof Tensor ? bottom(b[i] as Tensor) : [b[i] as number];
    let scale = 0, diff = 0;
    for (let k = 0; k < x.length; k++) {
      const fx = factor * x[k]!, yk = y[k]!;
      if (!Number.isFinite(fx) || !Number.isFinite(yk)) continue;
      if (yk !== 0) seen.informative = true;
      scale = Math.max(scale, Math.abs(fx), Math.abs(yk));
      diff = Math.max(diff, Math.abs(fx - yk));
    }
    if (!(diff <= 1e-8 * (1 + scale))) return false;
  }
  return true;
}

/**
 * Whether a map of trees looks linear: `map(0) = 0`, `map(c·p) = c·map(p)` for random points p at
 * scales 1, 10 and 1000 and c of both signs and 1e7 (a rule that is homogeneous only for one sign — relu of
 * the cotangent — or only up to a threshold — clipping — fails one of them; an affine one fails at 0),
 * and its derivative the same at 0 and at a random point (`derivativeAt`).
 */
function looksLinear(
  values: (point: PyTree) => ReadonlyArray<Tensor | number>, derivativeAt: (point: PyTree) => ReadonlyArray<Tensor | number>,
  like: unknown, name: string,
): boolean | 'unsure' {
  let seed = 17;
  const random = (scale: number) => mapTree(like, (l) => normal(l instanceof Tensor ? [...l.shape] : [], seed++, 0, scale), name) as PyTree;
  const scaled = (tree: PyTree, c: number) => mapTree(tree, (l) => (l instanceof Tensor ? l.mul(c) : (l as number) * c), name) as PyTree;
  const zero = zerosLike(like, name);
  const seen: Seen = { informative: false }, ignored: Seen = { informative: false };
  const atZero = values(zero);
  if (!agree(atZero, atZero, 0, ignored)) return false; // map(0) = 0
  for (const scale of [1, 10, 1000]) {
    const p = random(scale), base = values(p);
    for (const c of [-2.5, 3, 1e7]) if (!agree(base, values(scaled(p, c)), c, seen)) return false;
  }
  if (!agree(derivativeAt(zero), derivativeAt(random(10)), 1, ignored)) return false;
  // A rule that is 0 at every probe here (x·t² at x = 0) is linear at this point, but says nothing about others.
  return seen.informative ? true : 'unsure';
}

/**
 * J·v for a function whose reverse rule is `rule` (cotangent of `out` → cotangents of the
 * arguments, as an array): the transpose of the rule, applied to the tangents. The rule must be
 * linear in its cotangent; the first time, that is checked (`looksLinear`: zero at 0, homogeneous
 * at random cotangents of several sizes and both signs, the same transpose at 0 and at a random
 * one). A rule that is not linear throws, or with `nonlinear: 'null'` gives null.
 */
export function transposeOfVjp(
  rule: (ct: PyTree) => unknown, out: PyTree, tangents: unknown[], name: string, key: object, nonlinear: 'throw' | 'null' = 'throw',
): PyTree | null {
  // The rule's result is checked here as the reverse path checks it (custom.ts): transposed, a rule
  // returning the wrong number of cotangents failed in the pullback that pairs them with the
  // tangents, as "vjp pullback: the cotangent must have the same structure…", naming neither
  // customVjp nor the rule.
  const checked = (ct: PyTree) => {
    const cts = rule(ct);
    if (!Array.isArray(cts) || cts.length !== tangents.length) {
      throw new InvalidArgumentError(
        `${name}: the backward rule must return an array with one cotangent per argument (${tangents.length}), got ` +
          `${Array.isArray(cts) ? `an array of length ${cts.length}` : typeof cts}; return [ct0, ct1, …] in the order of the arguments (forward mode transposes the rule).`,
      );
    }
    return cts as PyTree;
  };
  const at = (point: PyTree, v: unknown) => withVjp(checked, [point], (_, pullback) => pullback(v as PyTree)[0] as PyTree);
  if (nonlinear === 'null' && nonlinearRules.has(key)) return null;
  const zero = zerosLike(out, name);
  const jv = at(zero, tangents);
  if (!linearRules.has(key)) {
    // Random tangents (the user's may be zero and tell nothing), and the rule's values themselves.
    const v = mapTree(tangents, (l) => normal(l instanceof Tensor ? [...l.shape] : [], 5, 0, 10), name) as PyTree;
    const linear = looksLinear((ct) => flatten(checked(ct), name).leaves, (ct) => flatten(at(ct, v), name).leaves, out, name);
    if (linear === false) {
      nonlinearRules.add(key);
      if (nonlinear === 'null') return null;
      throw new InvalidArgumentError(
        `customVjp: forward mode (jvp, hvp's inner pass, a forward-mode jacobian) through ${name} needs its Jacobian, but its ` +
          `backward rule is not linear in the cotangent (gradient clipping, say), so it defines none to transpose. Give the ` +
          `forward derivative you mean: ad.customVjp(f, backward, { jvp: (primals, tangents) => [out, tangentOut] }), or use reverse mode.`,
      );
    }
    if (linear === true) linearRules.add(key); // 'unsure': checked again at the next point
  }
  return jv;
}

/** Forward rules found linear in their tangents (checked once per rule). */
const linearJvpRules = new WeakSet<object>();

/**
 * The VJP of a function given by a forward `rule`: the transpose of v ↦ rule(primals, v)[1], at
 * `cotangent`. The tangent map must be linear (JAX's custom_jvp asks the same: reverse mode transposes
 * it); the first time, that is checked as `transposeOfVjp` checks a backward rule, and a rule that is
 * not linear (abs or the square of the tangent, an affine one) throws where its transpose would be a
 * silently wrong gradient.
 */
export function transposeOfJvp(rule: UntypedJvpRule, primals: any[], cotangent: PyTree, name: string): Tensor[] {
  const tangentOut = (...v: any[]) => checkRuleResult(rule(primals, v), name)[1] as PyTree;
  const pullbackAt = (v: PyTree[], ct: PyTree) => withVjp(tangentOut, v, (_, pullback) => flatten(pullback(ct), name).leaves.map((l) => asTensor(l, name)));
  if (!linearJvpRules.has(rule)) {
    const ct = mapTree(cotangent, (l) => normal(l instanceof Tensor ? [...l.shape] : [], 5, 0, 10), name) as PyTree;
    const linear = looksLinear((v) => flatten(tangentOut(...(v as PyTree[])), name).leaves, (v) => pullbackAt(v as PyTree[], ct), primals, name);
    if (linear === false) {
      throw new InvalidArgumentError(
        `customJvp: reverse mode (grad, vjp, a reverse-mode jacobian) through ${name} transposes its forward rule, but the ` +
          `tangent it returns is not linear in the input tangents (abs or a square of a tangent, or a constant added), so it has ` +
          `no transpose. Return a tangent linear in the tangents (J·t), or give the reverse rule too with ad.customVjp.`,
      );
    }
    if (linear === true) linearJvpRules.add(rule);
  }
  return pullbackAt(primals.map((p) => zerosLike(p, name)), cotangent);
}

/** A rule's `[out, tangentOut]`, checked. */
export function checkRuleResult(r: unknown, name: string): [PyTree, PyTree] {
  if (!Array.isArray(r) || r.length !== 2) {
    throw new InvalidArgumentError(`${name}: the forward rule must return [out, tangentOut], got ${Array.isArray(r) ? `an array of length ${r.length}` : typeof r}.`);
  }
  return [r[0] as PyTree, r[1] as PyTree];
}

/** Boxes `out` at `trace` with `tangentOut` (same structure and shapes), as jvp's outputs. */
export function boxWithTangents(trace: JvpTrace, out: PyTree, tangentOut: PyTree, name: string): PyTree {
  const o = flatten(out, name), t = flattenLike(tangentOut, o.def, name, "forward rule's tangent", 'output');
  return unflatten(o.def, o.leaves.map((l, i) => {
    const value = asTensor(l, name), tangent = asTensor(t[i]!, name);
    if (!shapesEqual(value.shape, tangent.shape)) {
      throw new ShapeError(`${name}: the forward rule's tangent ${i} has shape ${formatShape(tangent.shape)} but the output has ${formatShape(value.shape)}.`);
    }
    return trace.input(value, tangent);
  })) as PyTree;
}

/** Primals one level below a JVP trace, and their tangents (zeros where not traced), in `def`'s structure. */
export function primalsAndTangents(trace: JvpTrace, leaves: readonly Tensor[], def: TreeDef): [any[], any[]] {
  const primals = leaves.map((x) => unbox(x, trace));
  const tangents = leaves.map((x) => (x.trace === trace && x.tangent !== null ? x.tangent : zeros(x.shape)));
  return [unflatten(def, primals) as any[], unflatten(def, tangents) as any[]];
}

/**
 * A custom function called on boxes of a vmap: the batch's values one level down, mapped axes
 * `axes` (0 where batched, null where shared, per leaf in the arguments' structure); `lift(axes,
 * batched)` makes the custom function of the mapped function and rule; its outputs (batch axis
 * first) are boxed again.
 */
export function liftBatched(
  trace: BatchTrace, leaves: readonly Tensor[], def: TreeDef,
  lift: (axes: AxisSpec[], batched: readonly boolean[]) => (...args: any[]) => PyTree,
): PyTree {
  const batched = leaves.map((x) => x.trace === trace);
  const axes = unflatten(def, batched.map((b) => (b ? 0 : null))) as AxisSpec[];
  const below = unflatten(def, leaves.map((x) => (x.trace === trace ? x.below! : x))) as any[];
  const out = lift(axes, batched)(...below);
  return mapTree(out, (l) => trace.box(asTensor(l, 'vmap')), 'vmap') as PyTree;
}

/** Per-example cotangents (batch axis first; one per argument leaf) summed over the batch where the argument was shared. */
export function sumShared(cotangents: any[], batched: readonly boolean[], name: string): any[] {
  const c = flatten(cotangents, name);
  return unflatten(c.def, c.leaves.map((l, i) => (batched[i] ? l : sum(asTensor(l, name), 0)))) as any[];
}


/**
 * Throws `closureError` when the output of a custom function's `f` (or rule) holds a forward-mode
 * box at `level` or above: `f` read, through its closure, a tensor that `jvp` (or a forward-mode
 * jacobian, linearize) is differentiating, at a level its arguments are not at. Forward mode would
 * otherwise differentiate `f` as written, bypassing the rule (or drop that tensor's tangent).
 * Forward-mode boxes spread by themselves (no level is "running", as reverse levels are), so they
 * show up in the output, not in a capture. (A count of 0: the number of such tensors is unknown.)
 * @internal
 */
export function checkForwardClosure(out: unknown, level: number, closureError: (count: number) => Error, name: string): void {
  for (const leaf of flatten(out as PyTree, name).leaves) {
    if (leaf instanceof Tensor && leaf.trace instanceof JvpTrace && leaf.trace.level >= level) throw closureError(0);
  }
}

/**
 * A custom function called with arguments not boxed at the innermost running reverse level (a
 * constant argument under `grad`, or the inner level of `grad(grad(·))` reading only the outer
 * one's values): its `f` is run with that level paused, and reading one of its boxes through the
 * closure is the same error as at the arguments' own level — else the ops would be differentiated
 * as written, bypassing the rule (or, below an outer region, recorded inside it with the levels
 * inverted). Returns null when the arguments are at that level (or none runs): the caller goes on.
 * @internal
 */
export function callAboveArguments<R>(top: Trace | null, call: () => R, closureError: (count: number) => Error): { result: R } | null {
  const running: ReverseTrace | null = innermostReverseTrace();
  if (running === null || (top !== null && top.level >= running.level)) return null;
  const { result, captured } = runCapturing(running, call);
  if (captured.length > 0) throw closureError(captured.length);
  return { result };
}

/**
 * The running vmap above the arguments' level `top` whose boxes a custom function's result holds,
 * or null: its `f` (or rule) read, through its closure, a value that vmap maps, while its arguments
 * lie below that vmap — an ensemble's weights mapped, the input shared and differentiated outside
 * the vmap (grad or jvp of vmap(w ⇒ customVjp(x ⇒ f(x, w))(x))). Handled at the arguments' level,
 * the call was recorded (or given its tangent) below the vmap with the vmap's values inside it,
 * levels inverted, and its result leaked out of the vmap. The caller then calls again with its
 * arguments broadcast into that vmap (`broadcastInto`), so the call is lifted there (liftBatched,
 * whose vmapWithin reads such closures as each example's own), as JAX converts the closed-over
 * tracers into batched arguments. Arguments not traced at all (`top` null) need nothing: f runs
 * as written and its result is that vmap's box, as any op's.
 * @internal
 */
export function batchAbove(result: unknown, top: Trace | null): BatchTrace | null {
  if (top === null) return null;
  let found: BatchTrace | null = null;
  for (const leaf of flatten(result as PyTree, 'custom function (output)').leaves) {
    for (let x: Tensor | null = leaf instanceof Tensor ? leaf : null; x !== null && x.trace !== null; x = x.primal) {
      const t = x.trace;
      if (t instanceof BatchTrace && t.active && t.level > top.level && (found === null || t.level > found.level)) found = t;
    }
  }
  return found;
}

/** Each leaf broadcast over the examples of `batch` and boxed there: the same value for every example. */
export function broadcastInto(batch: BatchTrace, leaves: readonly Tensor[]): Tensor[] {
  return leaves.map((x) => batch.box(broadcastTo(reshape(x, [1, ...x.shape]), [batch.size, ...x.shape])));
}
