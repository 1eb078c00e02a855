/**
 * @file Anomaly mode: a NaN or ±Infinity that reaches a result or a cotangent is flagged, blamed on
 * the op and the user's line that made it.
 *
 * By default a non-finite forward value is not an error where it is made: `where(z > 0, sqrt(z), 0)`
 * computes sqrt of a negative number on purpose, and a CRF's −∞ mask makes −∞ scores that the
 * log-partition absorbs. So every op output that is not finite is tagged with its *origin* (the op
 * and the call site that first made a bad value on its path), and the error comes when a bad value
 * reaches something the user sees — the function's return value, what a transformation returns, a
 * value read (`item()`, `toArray()`) — or when a cotangent is not finite, naming the origin. The
 * strict setting throws at the first non-finite intermediate instead, as PyTorch's anomaly mode does.
 */
import type { Tensor } from '../tensor/tensor.js';
import { AnomalyError } from './errors.js';
import { userFrames } from './libraryFrames.js';
import { valueReads } from '../jit/valueReads.js';

/** What `detectAnomalies` checks. */
export interface AnomalyOptions {
  /** Throw at the first op whose output is not finite, even if it never reaches a result (default false). */
  readonly strict?: boolean | undefined;
  /** Flag NaN only; ±Infinity is allowed (default false: both). */
  readonly nanOnly?: boolean | undefined;
  /** Which pass to check: forward values, backward cotangents, or both (default). */
  readonly pass?: 'both' | 'forward' | 'backward' | undefined;
}

/** Global switch and settings, read on the hot path (a single property load when off). @internal */
export const anomaly = {
  enabled: false,
  /** > 0 while a VJP rule runs: its intermediates are not user values */
  inRule: 0,
  strict: false,
  nanOnly: false,
  forward: true,
  backward: true,
};

/** Where a bad value came from: the op that first made one on its path, and the user's line. */
interface Origin { readonly op: string; readonly site: string; readonly value: number; readonly index: number }
const origins = new WeakMap<Tensor, Origin>();

/**
 * The first stack frames outside adjoint: where the user's code called the op. Library frames are
 * told apart by position, not by URL or name, so this works in bundles and minified code too
 * (see libraryFrames.ts).
 */
export function captureSite(): string {
  const limit = (Error as { stackTraceLimit?: number }).stackTraceLimit;
  (Error as { stackTraceLimit?: number }).stackTraceLimit = 60; // library frames come first
  const stack = new Error().stack ?? '';
  (Error as { stackTraceLimit?: number }).stackTraceLimit = limit;
  return userFrames(stack).slice(0, 3).join('\n    ') || '(unknown location)';
}

function firstNonFinite(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

/** The first flagged entry: NaN, or also ±Infinity unless `nanOnly`. */
function firstBad(data: Float64Array): number {
  if (anomaly.nanOnly) {
    for (let i = 0; i < data.length; i++) if (data[i] !== data[i]) return i;
    return -1;
  }
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** A boxed tensor's plain value at the bottom (where origins are kept). */
function plainOf(t: Tensor): Tensor {
  let p = t;
  while (p.trace !== null && p.primal !== null) p = p.primal;
  return p;
}

/**
 * Checks an op's output in the forward pass. Strict: throws at the first bad value. Otherwise:
 * tags the output with its origin (inherited from a bad input, else this op). @internal
 */
export function checkForward(op: string, out: Tensor, inputs: readonly Tensor[]): void {
  if (anomaly.inRule > 0 || !anomaly.forward) return;
  // Origins are tagged for every non-finite value (an outer mode without nanOnly may ask); what throws follows nanOnly.
  const i = firstNonFinite(out.values);
  if (i < 0) return;
  const j = anomaly.strict ? firstBad(out.values) : -1;
  if (j >= 0) {
    const site = captureSite();
    throw new AnomalyError(
      `detectAnomalies: op '${op}' produced ${describeValue(out.values[j]!)} at flat index ${j} of its output ` +
        `(shape [${out.shape.join(',')}]).\n  called at ${site}\nCheck the op's inputs there (a log or sqrt of a non-positive number, ` +
        `a division by zero, an overflow).`,
      op,
      site,
    );
  }
  // A NaN made from infinities (∞ − ∞) is this op's own; a NaN or an infinity passed on keeps its origin.
  const nan = out.values[i] !== out.values[i];
  for (const x of inputs) {
    const inherited = origins.get(plainOf(x));
    if (inherited !== undefined && (inherited.value !== inherited.value) === nan) {
      origins.set(out, inherited);
      return;
    }
  }
  origins.set(out, { op, site: captureSite(), value: out.values[i]!, index: i });
}

/**
 * Checks values that reach the user (`what` says which: "the result of grad", "a value read by
 * item()"): throws, naming the op that made a bad one. Arrays and plain objects are walked;
 * other leaves are ignored. @internal
 */
export function checkAnomalies(value: unknown, what: string): void {
  if (!anomaly.enabled || !anomaly.forward) return;
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (anomaly.nanOnly ? v !== v : !Number.isFinite(v)) throwAtResult(what, v, null, null);
    } else if (isTensor(v)) {
      const plain = plainOf(v);
      const i = firstBad(plain.values);
      if (i >= 0) throwAtResult(what, plain.values[i]!, plain, i);
    } else if (v !== null && typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      const proto = Object.getPrototypeOf(v);
      if (Array.isArray(v)) stack.push(...v);
      else if (proto === Object.prototype || proto === null) stack.push(...Object.values(v));
    }
  }
}

function isTensor(v: unknown): v is Tensor {
  return v !== null && typeof v === 'object' && 'shape' in v && 'buffer' in v && 'trace' in v;
}

function throwAtResult(what: string, value: number, t: Tensor | null, index: number | null): never {
  const origin = t === null ? undefined : origins.get(t);
  const at = t === null ? '' : ` (flat index ${index}, shape [${t.shape.join(',')}])`;
  if (origin === undefined) {
    throw new AnomalyError(
      `detectAnomalies: ${describeValue(value)} reached ${what}${at}, and no forward op inside detectAnomalies made it: ` +
        `it was given as an input, or made by a derivative rule in a backward pass (check cotangents too, with ` +
        `pass: 'both'). Check the data you pass in.`,
      '(input)',
      '(unknown location)',
    );
  }
  throw new AnomalyError(
    `detectAnomalies: ${describeValue(value)} reached ${what}${at}. It was made by op '${origin.op}' ` +
      `(${describeValue(origin.value)} at flat index ${origin.index} of its output)\n  called at ${origin.site}\n` +
      `Check the op's inputs there (a log or sqrt of a non-positive number, a division by zero, an overflow), or mask ` +
      `the value away with where().`,
    origin.op,
    origin.site,
  );
}

/** Throws if a cotangent flowing into input `index` of `op` is not finite. @internal */
export function checkCotangent(op: string, index: number, ct: Tensor, site: string | null): void {
  if (!anomaly.backward) return;
  const data = plainOf(ct).values; // a cotangent inside vmap(grad) is a batch box: check the whole batch
  const i = firstBad(data);
  if (i < 0) return;
  const where = site ?? '(site not recorded: the call was traced before detectAnomalies began)';
  throw new AnomalyError(
    `detectAnomalies: the backward pass of op '${op}' produced a cotangent with ${describeValue(data[i]!)} ` +
      `(input ${index}, shape [${ct.shape.join(',')}], flat index ${i}).\n  the op was called at ${where}\n` +
      `The derivative is not finite there (e.g. sqrt or log at 0); guard the input, or use where() to select a safe branch.`,
    op,
    where,
  );
}

/** Runs `fn` with anomaly mode on and `options` in force, restoring the previous settings after. @internal */
export function withAnomalyMode<T>(options: AnomalyOptions, fn: () => T): T {
  const saved = { ...anomaly };
  const savedRead = valueReads.result;
  valueReads.result = (t, how) => checkAnomalies(t, `a value read by ${how}`);
  const pass = options.pass ?? 'both';
  anomaly.enabled = true;
  anomaly.strict = options.strict ?? false;
  anomaly.nanOnly = options.nanOnly ?? false;
  anomaly.forward = pass !== 'backward';
  anomaly.backward = pass !== 'forward';
  try {
    return fn();
  } finally {
    Object.assign(anomaly, saved, { inRule: anomaly.inRule });
    valueReads.result = savedRead;
  }
}
