/** @file Gradient checking: reverse mode against centered differences and against forward mode, to any order. */
import { checkFunction, type TreeFunction } from '../core/functions.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe } from '../tensor/create.js';
import { normal } from '../tensor/random.js';
import { flatten, unflatten, type PyTree } from '../core/pytree.js';
import { GradientCheckError, InvalidArgumentError } from '../core/errors.js';
import { jvp } from '../transforms/jvp.js';
import { vjp, type Loosen } from '../transforms/vjp.js';
import { stopGradient } from '../ops/select.js';
import { add, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { extraArguments } from '../core/extraArguments.js';
import { knownOptions } from '../ops/optionChecks.js';

export interface CheckGradOptions {
  /** Highest derivative order to check (1 = gradients; 2 adds the derivatives of the VJP). Default 2. */
  order?: number | undefined;
  /** Which checks: 'reverse' (VJP against finite differences), 'forward' (JVP against VJP), or both. */
  modes?: ReadonlyArray<'reverse' | 'forward'> | undefined;
  /** Random directions per check. Default 2. */
  directions?: number | undefined;
  /** Finite-difference step (along a unit direction). Default 1e-5. */
  eps?: number | undefined;
  /** Relative tolerance. Default 1e-5. */
  rtol?: number | undefined;
  /** Absolute tolerance. Default 1e-7. */
  atol?: number | undefined;
  /** Seed for the random directions. Default 0. */
  seed?: number | undefined;
}

export interface GradCheck {
  /** 'reverse' compares ⟨∇(uᵀf), v⟩ with a centered difference; 'forward' compares ⟨u, J v⟩ with ⟨Jᵀu, v⟩. */
  kind: 'reverse' | 'forward';
  order: number;
  value: number;
  reference: number;
  relativeError: number;
  ok: boolean;
}

export interface GradCheckResult {
  ok: boolean;
  maxRelativeError: number;
  checks: GradCheck[];
}

/** The function as checkGrad calls it, on arguments of any structure. */
type Fn = (...args: PyTree[]) => PyTree;

/** f's arguments as checkGrad and assertGrad take them: one entry per parameter, numbers allowed where tensors are declared. */
export type CheckGradArgs<F extends TreeFunction> = Readonly<Loosen<Parameters<F>>>;

function dotTrees(a: readonly Tensor[], b: readonly Tensor[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!.values, y = b[i]!.values;
    for (let j = 0; j < x.length; j++) s += x[j]! * y[j]!;
  }
  return s;
}

function leavesOf(tree: unknown): Tensor[] {
  return flatten(tree, 'checkGrad').leaves.map((l) => stopGradient(asTensor(l, 'checkGrad')));
}

function unitDirection(like: readonly Tensor[], seed: number): Tensor[] {
  const vs = like.map((x, i) => normal(x.shape, seed * 7919 + i));
  const norm = Math.sqrt(dotTrees(vs, vs)) || 1;
  return vs.map((v) => new Tensor(v.values.map((e) => e / norm), v.shape));
}

/**
 * The options with their defaults, each checked: a check that cannot fail (`modes: []`,
 * `directions: 0`, an unknown key such as `tolerance` ignored) would let a wrong gradient pass.
 */
function checkedOptions(op: string, options: CheckGradOptions): Required<CheckGradOptions> {
  knownOptions(op, options, ['order', 'modes', 'directions', 'eps', 'rtol', 'atol', 'seed'], '{ order: 1, rtol: 1e-6 }');
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)); // an option given as undefined means its default
  const o = { order: 2, modes: ['reverse', 'forward'] as const, directions: 2, eps: 1e-5, rtol: 1e-5, atol: 1e-7, seed: 0, ...given } as Required<CheckGradOptions>;
  const bad = (name: string, want: string, got: unknown) =>
    new InvalidArgumentError(`${op}: ${name} must be ${want}, got ${describe(got)}.`);
  if (!Number.isInteger(o.order) || o.order < 1) throw bad('order', 'a whole number ≥ 1 (1: gradients, 2: also their derivatives)', o.order);
  if (!Array.isArray(o.modes) || o.modes.length === 0 || o.modes.some((m) => m !== 'reverse' && m !== 'forward')) {
    throw bad('modes', "a non-empty list of 'reverse' and 'forward'", o.modes);
  }
  if (!Number.isInteger(o.directions) || o.directions < 1) throw bad('directions', 'a whole number ≥ 1', o.directions);
  if (!(typeof o.eps === 'number' && o.eps > 0 && Number.isFinite(o.eps))) throw bad('eps', 'a finite step > 0', o.eps);
  for (const name of ['rtol', 'atol'] as const) {
    const v = o[name];
    if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw bad(name, 'a finite tolerance ≥ 0', v);
  }
  if (!Number.isInteger(o.seed)) throw bad('seed', 'an integer', o.seed);
  return o;
}

/**
 * Checks the derivatives of `f` at `args` (pytrees). For random directions u (output) and v
 * (input) it compares the reverse-mode directional derivative ⟨Jᵀu, v⟩ with the centered
 * difference (uᵀf(x+εv) − uᵀf(x−εv)) / 2ε, and with forward mode ⟨u, Jv⟩. With `order: 2` it then
 * checks x ↦ ⟨vjp(f, x)(u), w⟩ the same way, which tests every rule's own derivatives.
 * @example
 * const r = ad.checkGrad((x) => ad.sum(ad.tanh(x)), [ad.tensor([0.1, 0.5])]);
 * r.ok; // true
 */
export function checkGrad<F extends TreeFunction>(f: F, args: CheckGradArgs<F>, options?: CheckGradOptions): GradCheckResult;
export function checkGrad<F extends TreeFunction>(f: F, args: CheckGradArgs<F>, options: CheckGradOptions = {}, ...extra: unknown[]): GradCheckResult {
  if (extra.length > 0) extraArguments('checkGrad', 'checkGrad(f, args, options?)', extra, options);
  checkFunction(f, 'checkGrad');
  if (!Array.isArray(args)) {
    throw new InvalidArgumentError(
      `checkGrad: pass the arguments as an array, one entry per argument of f: checkGrad(f, [x]) (got ${describe(args)}).`,
    );
  }
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`checkGrad: options must be an object such as { order: 1 }, got ${describe(options)}.`);
  }
  const o = checkedOptions('checkGrad', options);
  const checks: GradCheck[] = [];
  run(f as Fn, [...(args as readonly PyTree[])], 1, o, checks);
  const maxRelativeError = checks.reduce((m, c) => Math.max(m, c.relativeError), 0);
  return { ok: checks.every((c) => c.ok), maxRelativeError, checks };
}

function run(f: Fn, args: PyTree[], order: number, o: Required<CheckGradOptions>, checks: GradCheck[]): void {
  const argTree = flatten(args, 'checkGrad');
  const x = leavesOf(args);
  const rebuild = (leaves: Tensor[]) => unflatten(argTree.def, leaves) as PyTree[];
  const [out0, pullback] = vjp(f, ...rebuild(x));
  const outTree = flatten(out0, 'checkGrad');
  const y = leavesOf(out0);
  const record = (kind: GradCheck['kind'], value: number, reference: number) => {
    const err = Math.abs(value - reference);
    const scale = Math.max(Math.abs(value), Math.abs(reference));
    const relativeError = scale === 0 ? err : err / scale;
    const ok = Number.isFinite(value) && err <= o.atol + o.rtol * scale;
    checks.push({ kind, order, value, reference, relativeError: ok && !Number.isFinite(relativeError) ? 0 : relativeError, ok });
  };
  for (let d = 0; d < o.directions; d++) {
    const seed = o.seed * 1000 + order * 100 + d;
    const u = unitDirection(y, seed * 2 + 1);
    const v = unitDirection(x, seed * 2 + 2);
    const uTree = unflatten(outTree.def, u) as PyTree;
    const vjpV = dotTrees(leavesOf(pullback(uTree)), v);
    if (o.modes.includes('reverse')) {
      const shifted = (sgn: number) =>
        dotTrees(leavesOf(f(...rebuild(x.map((xi, i) => new Tensor(xi.values.map((e, j) => e + sgn * o.eps * v[i]!.values[j]!), xi.shape))))), u);
      record('reverse', vjpV, (shifted(1) - shifted(-1)) / (2 * o.eps));
    }
    if (o.modes.includes('forward')) {
      const [, tangentOut] = jvp(f, rebuild(x), rebuild(v));
      record('forward', dotTrees(leavesOf(tangentOut), u), vjpV);
    }
    if (order < o.order) {
      // The next order: x ↦ ⟨vjp(f, x)(u), w⟩, a scalar whose derivatives are second derivatives of f.
      const w = unitDirection(x, seed * 2 + 3);
      const projected: Fn = (...a) => {
        const cts = flatten(vjp(f, ...a)[1](uTree), 'checkGrad').leaves as Tensor[];
        let s: Tensor | null = null;
        for (let i = 0; i < cts.length; i++) {
          const term = sumProduct(cts[i]!, w[i]!);
          s = s === null ? term : add(s, term);
        }
        return s!;
      };
      run(projected, rebuild(x), order + 1, o, checks);
    }
  }
}

function sumProduct(a: Tensor, b: Tensor): Tensor {
  return sum(mul(a, b));
}

/**
 * Like `checkGrad`, but throws a `GradientCheckError` describing the worst disagreement.
 * @example ad.assertGrad((x) => ad.sum(ad.exp(x)), [ad.tensor([0.5, 1])]);
 */
export function assertGrad<F extends TreeFunction>(f: F, args: CheckGradArgs<F>, options?: CheckGradOptions): void;
export function assertGrad<F extends TreeFunction>(f: F, args: CheckGradArgs<F>, options: CheckGradOptions = {}, ...extra: unknown[]): void {
  if (extra.length > 0) extraArguments('assertGrad', 'assertGrad(f, args, options?)', extra, options);
  const r = checkGrad(f, args, options);
  if (r.ok) return;
  const worst = r.checks.filter((c) => !c.ok).sort((a, b) => b.relativeError - a.relativeError)[0]!;
  const what = worst.kind === 'reverse' ? 'reverse mode vs centered differences' : 'forward mode vs reverse mode';
  throw new GradientCheckError(
    `assertGrad: order-${worst.order} derivative check failed (${what}): got ${worst.value}, expected ${worst.reference} ` +
      `(relative error ${worst.relativeError.toExponential(2)}; ${r.checks.filter((c) => !c.ok).length} of ${r.checks.length} checks failed). ` +
      `If this is your customVjp rule, compare it against the function's own derivative; at a kink (abs, relu, max) move the point.`,
  );
}
