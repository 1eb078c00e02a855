/** @file How the solvers, argmin, root and reversibleMomentum report numerical trouble: an info object the caller passes in, one console warning per call site and kind, or a ConvergenceError on request. */
import { AdjointError } from '../core/errors.js';
import { userFrames } from '../core/libraryFrames.js';

/** What the adjoint (or tangent) linear solve of a backward (or forward-mode) pass reported. */
export interface LinearSolveInfo {
  /** 'cg', 'minres' or 'gmres'. */
  solver: string;
  iterations: number;
  residualNorm: number;
  converged: boolean;
  /** cg met a direction of non-positive curvature: the matrix is not positive definite there. */
  negativeCurvature: boolean;
}

/**
 * What the linear solves of the derivative passes reported: a backward pass solves Aᵀu = x̄ (the
 * adjoint solve), a forward-mode pass A ẋ = r (the tangent solve). Filled into the `info` option.
 */
export interface AdjointInfo {
  /** The last such solve; null until one runs (only a derivative runs one). */
  adjoint: LinearSolveInfo | null;
  /** How many ran (one per backward pass per reverse level, one per forward-mode pass). */
  adjointSolves: number;
  /** Every warning issued for this call, including those not printed. */
  warnings: string[];
}

/** The options every reporting op takes. */
export interface ReportOptions {
  /** Print a console warning on trouble, once per call site and kind. Default true. */
  warn?: boolean | undefined;
  /** Throw a ConvergenceError on trouble instead of warning and going on with an approximate result. Default false. */
  throw?: boolean | undefined;
}

/** A solve or an iteration did not converge (or broke down), and the caller passed `{ throw: true }`. */
export class ConvergenceError extends AdjointError {
  static {
    this.prototype.name = 'ConvergenceError'; // survives minification (see core/errors.ts)
  }

  constructor(
    message: string,
    /** The op that reported it ('cg', 'argmin', …). */
    readonly op: string,
    /** The linear solve at fault, when it was one. */
    readonly solve: LinearSolveInfo | null,
  ) {
    super(message);
  }
}

/** Resets `into` (or a fresh object) to an AdjointInfo with nothing reported yet, keeping any other fields. */
export function resetAdjointInfo<T extends AdjointInfo>(into: Partial<T> | undefined): T {
  const info = (into ?? {}) as T;
  Object.assign(info, { adjoint: null, adjointSolves: 0, warnings: [] });
  return info;
}

/** The first stack frame of `origin` outside adjoint: the line of the user's code that made the call. */
function callSite(origin: Error | null): string {
  return userFrames(origin?.stack ?? '')[0] ?? '(unknown location)';
}

/** Call sites whose warnings of a kind have been printed (per process). */
const printed = new Set<string>();

/**
 * One call's reporter. Built when the op is called, it keeps an Error whose stack names the
 * caller (formatted only if a warning is printed: capturing costs a microsecond or two, formatting
 * far more), since the trouble is often found later, in a backward pass whose stack does not
 * include the call.
 */
export class Reporter {
  private readonly origin: Error | null;

  constructor(readonly op: string, readonly info: Pick<AdjointInfo, 'warnings'> & Partial<AdjointInfo>, private readonly options: ReportOptions) {
    if (options.warn === false || options.throw === true) this.origin = null;
    else {
      const limit = (Error as { stackTraceLimit?: number }).stackTraceLimit;
      (Error as { stackTraceLimit?: number }).stackTraceLimit = 60; // library frames come first
      this.origin = new Error();
      (Error as { stackTraceLimit?: number }).stackTraceLimit = limit;
    }
  }

  /** Whether trouble throws (`{ throw: true }`). */
  get throws(): boolean {
    return this.options.throw === true;
  }

  /** Records a linear solve of a derivative pass in the info object. */
  solved(solve: LinearSolveInfo): void {
    this.info.adjoint = solve;
    this.info.adjointSolves = (this.info.adjointSolves ?? 0) + 1;
  }

  /**
   * Reports trouble of a `kind`: recorded in info.warnings, then thrown as a ConvergenceError with
   * `{ throw: true }`, or else printed with console.warn the first time this call site meets this
   * kind (a tuning loop of thousands of outer steps should not flood the console), unless
   * `{ warn: false }`.
   */
  report(kind: string, message: string, solve: LinearSolveInfo | null = null): void {
    this.info.warnings.push(message);
    if (this.throws) {
      throw new ConvergenceError(`${message} (Thrown because of { throw: true }; without it this is a warning and the result is approximate.)`, this.op, solve);
    }
    if (this.options.warn === false) return;
    const site = callSite(this.origin);
    const key = `${this.op}\n${kind}\n${site}`;
    if (printed.has(key)) return;
    printed.add(key);
    console.warn(
      `adjoint: ${message}\n  ${this.op} called at ${site}\n  (Printed once for this call site. Pass { warn: false } to silence it, ` +
        '{ throw: true } to throw a ConvergenceError instead, and an info object to read the statistics.)',
    );
  }
}
