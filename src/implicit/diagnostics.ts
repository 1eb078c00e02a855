/** @file How argmin and root report what happened: an info object the caller passes in, and one console warning per kind of trouble. */

/** What the adjoint (or tangent) linear solve of a backward (or forward) pass reported. */
export interface LinearSolveInfo {
  /** 'cg', 'minres' or 'gmres'. */
  solver: string;
  iterations: number;
  residualNorm: number;
  converged: boolean;
  /** cg met a direction of non-positive curvature: the Hessian is not positive definite there. */
  negativeCurvature: boolean;
}

const warned = new Set<string>();

/**
 * Records `message` in `warnings` and prints it with console.warn, once per `kind` per process
 * (a loop of thousands of outer steps should not flood the console), unless `print` is false.
 */
export function warnOnce(warnings: string[], print: boolean, kind: string, message: string): void {
  warnings.push(message);
  if (!print || warned.has(kind)) return;
  warned.add(kind);
  console.warn(`adjoint: ${message} (printed once; pass { warn: false } to silence, and read the info option for details)`);
}
