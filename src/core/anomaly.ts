/** @file Anomaly mode: every forward value and every cotangent checked for NaN and ±Infinity, blamed on the user's line that made it. */
import type { Tensor } from '../tensor/tensor.js';
import { AnomalyError } from './errors.js';

/** Global switch, read on the hot path (a single property load when off). @internal */
export const anomaly = { enabled: false, /** > 0 while a VJP rule runs: its intermediates are not user values */ inRule: 0 };

// This file's URL locates the library (src/ or dist/), so its own frames can be skipped.
const libraryRoot = (() => {
  const url = import.meta.url;
  const cut = url.lastIndexOf('/core/');
  return cut >= 0 ? url.slice(0, cut + 1) : url;
})();
const libraryPath = libraryRoot.replace(/^file:\/\//, '');

/** The first stack frames outside adjoint: where the user's code called the op. */
export function captureSite(): string {
  const limit = (Error as { stackTraceLimit?: number }).stackTraceLimit;
  (Error as { stackTraceLimit?: number }).stackTraceLimit = 60; // library frames come first
  const stack = new Error().stack ?? '';
  (Error as { stackTraceLimit?: number }).stackTraceLimit = limit;
  const frames = stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim().replace(/^at /, ''))
    .filter((l) => !l.includes(libraryRoot) && !l.includes(libraryPath) && !l.includes('node:internal'));
  return frames.slice(0, 3).join('\n    ') || '(unknown location)';
}

function firstBad(data: Float64Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** Throws if a user-visible forward value is not finite. @internal */
export function checkForward(op: string, out: Tensor): void {
  if (anomaly.inRule > 0) return;
  const i = firstBad(out.data);
  if (i < 0) return;
  const site = captureSite();
  throw new AnomalyError(
    `detectAnomalies: op '${op}' produced ${describeValue(out.data[i]!)} at flat index ${i} of its output ` +
      `(shape [${out.shape.join(',')}]).\n  called at ${site}\nCheck the op's inputs there (a log or sqrt of a non-positive number, ` +
      `a division by zero, an overflow).`,
    op,
    site,
  );
}

/** Throws if a cotangent flowing into input `index` of `op` is not finite. @internal */
export function checkCotangent(op: string, index: number, ct: Tensor, site: string | null): void {
  const i = firstBad(ct.data);
  if (i < 0) return;
  const where = site ?? '(site not recorded: the call was traced before detectAnomalies began)';
  throw new AnomalyError(
    `detectAnomalies: the backward pass of op '${op}' produced a cotangent with ${describeValue(ct.data[i]!)} ` +
      `(input ${index}, shape [${ct.shape.join(',')}], flat index ${i}).\n  the op was called at ${where}\n` +
      `The derivative is not finite there (e.g. sqrt or log at 0); guard the input, or use where() to select a safe branch.`,
    op,
    where,
  );
}

/**
 * Runs `fn` with anomaly checks on: every op's output in the forward pass and every cotangent in
 * the backward pass is checked for NaN and ±Infinity, and the first one found throws an
 * `AnomalyError` naming the op and the line of user code that called it. Slower; for debugging.
 * @example
 * const g = ad.grad((x) => ad.sqrt(x).sum());
 * ad.detectAnomalies(() => g(ad.tensor([1, 4]))); // fine
 * // ad.detectAnomalies(() => g(ad.tensor([0, 4]))); // AnomalyError: backward pass of op 'sqrt' produced Infinity
 */
export function detectAnomalies<T>(fn: () => T): T {
  const was = anomaly.enabled;
  anomaly.enabled = true;
  try {
    return fn();
  } finally {
    anomaly.enabled = was;
  }
}
