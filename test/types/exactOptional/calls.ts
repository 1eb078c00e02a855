/**
 * @file Typical calls that forward optional settings (`T | undefined`) into adjoint's option
 * objects, compiled with `exactOptionalPropertyTypes` (each option accepts an explicit undefined,
 * which means its default; test/optionsUndefined.test.ts checks that at run time).
 */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

/** What a caller's own options look like: every field may be missing. */
export interface Settings {
  argnums?: number;
  hasAux?: boolean;
  checkpoints?: ad.Checkpoints;
  stats?: Partial<ad.ScanStats>;
  tol?: number;
  maxIter?: number;
  damping?: number;
  info?: Partial<ad.AdjointInfo>;
  warn?: boolean;
  lengths?: readonly number[];
  start?: Tensor;
  order?: number;
  seed?: number;
  wasm?: boolean;
  codegen?: boolean;
  descending?: boolean;
  keepdims?: boolean;
  lower?: boolean;
}

export function calls(s: Settings, x: Tensor, w: Tensor): unknown[] {
  const f = (t: Tensor) => ad.sum(ad.square(t));
  return [
    // grad, valueAndGrad, jacobian, hessian options
    ad.grad(f, { argnums: s.argnums, hasAux: s.hasAux }),
    ad.valueAndGrad(f, { argnums: s.argnums }),
    ad.jacobian(f, { argnums: s.argnums }),
    ad.hessian(f, { argnums: s.argnums }),
    // loops and checkpoints
    ad.scan((h: Tensor) => ad.tanh(ad.matmul(w, h)), x, { length: 3, checkpoints: s.checkpoints, stats: s.stats, xs: undefined }),
    ad.whileLoop((h: Tensor) => ad.sum(h).item() < 1, (h: Tensor) => ad.add(h, 1), x, { checkpoints: s.checkpoints, stats: s.stats, maxIterations: s.maxIter }),
    ad.customVjp((t: Tensor) => t, (g) => [g], { jvp: undefined }),
    ad.jit(f, { maxSignatures: s.maxIter }),
    ad.detectAnomalies(() => f(x), { strict: s.warn, nanOnly: s.warn, pass: undefined }),
    // solvers
    ad.cg((v) => ad.mul(v, 2), x, { tol: s.tol, atol: undefined, maxIter: s.maxIter, damping: s.damping, preconditioner: undefined, x0: undefined, info: s.info, warn: s.warn, throw: undefined }),
    ad.minres((v) => ad.mul(v, 2), x, { tol: s.tol, restart: undefined }),
    ad.argmin((t: Tensor) => f(ad.sub(t, 1)), x, { tol: s.tol, maxIter: s.maxIter, method: undefined, memory: undefined, hvp: undefined, solver: undefined, damping: s.damping, solverTol: s.tol, solverMaxIter: s.maxIter, preconditioner: undefined, info: undefined }),
    ad.root((t: Tensor) => ad.sub(t, 2), x, { tol: s.tol, maxIter: s.maxIter, solver: undefined, damping: s.damping, info: undefined }),
    ad.optimizers.adam({ lr: 0.1, b1: undefined, b2: undefined, eps: undefined }),
    ad.optimizers.momentum({ lr: 0.1, beta: undefined, nesterov: s.warn }),
    ad.checkGrad(f, [x], { order: s.order, modes: undefined, directions: undefined, eps: undefined, rtol: s.tol, atol: s.tol, seed: s.seed }),
    // structured models
    new ad.LinearChainCRF({ emissions: x, transitions: w, start: s.start, end: undefined, lengths: s.lengths, checkpoints: s.checkpoints }),
    new ad.SemiMarkovCRF({ segments: x, transitions: w, start: s.start, end: undefined, lengths: s.lengths, checkpoints: s.checkpoints }),
    new ad.HigherOrderCRF({ emissions: x, transitions: w, start: s.start, end: undefined, lengths: s.lengths, checkpoints: s.checkpoints }),
    new ad.PCFG({ terminals: x, rules: w, root: s.start, lengths: s.lengths }),
    new ad.DependencyCRF({ arcScores: x, projective: true, singleRoot: s.warn, lengths: s.lengths }),
    new ad.Alignment({ scores: x, lengths: s.lengths, states: undefined, skips: undefined, initialStates: undefined, finalStates: undefined, checkpoints: s.checkpoints }),
    ad.ctcLoss(x, [1], [2], [1], { blank: undefined, reduction: undefined, zeroInfinity: s.warn, checkpoints: s.checkpoints }),
    // ops with options
    ad.sort(x, -1, { descending: s.descending }),
    ad.variance(x, undefined, { ddof: undefined, keepdims: s.keepdims }),
    ad.pad(x, 1, { mode: undefined, value: undefined }),
    ad.cumprod(x, 0, { reverse: s.descending, exclusive: undefined }),
    ad.conv(x, w, { stride: undefined, padding: undefined, dilation: undefined, groups: undefined, bias: undefined }),
    ad.linalg.triangularSolve(w, x, { lower: s.lower, transposeA: undefined, unitDiagonal: undefined, left: undefined }),
    ad.random.categorical(s.seed ?? 0, x, { axis: undefined, shape: undefined }),
    // the backend
    ad.config({ wasm: s.wasm, codegen: s.codegen, threads: undefined }),
  ];
}
