/**
 * @file CTC's log-likelihood as primitives: log p(target | input) of each sequence and its
 * gradient (the state occupations summed per class) by the typed-array α and β recursions of
 * ctcKernel.ts, one kernel call each instead of about ten small ops per frame. Higher derivatives
 * differentiate the semiring-generic program, the Alignment the kernels replace, twice.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { Tensor } from '../tensor/tensor.js';
import { mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { broadcastTo, reshape, take, transpose } from '../ops/shape.js';
import { hvp } from '../transforms/jvp.js';
import type { Checkpoints } from '../transforms/scan.js';
import { InvalidArgumentError } from '../core/errors.js';
import { Alignment } from './alignment.js';
import { ctcAdjointKernel, ctcChartSize, ctcForwardKernel, ctcReadLogLikelihood, type CTCDims, type LatticeRules } from './ctcKernel.js';

/** The lattice of a batch: extended targets ext [N, S] (blank, l₁, blank, …, blank, then blanks), frames T_b and states S_b = 2U_b + 1. */
export interface CTCParams {
  readonly S: number;
  readonly ext: Int32Array;
  readonly frames: readonly number[];
  readonly states: readonly number[];
  /** As ad.scan's: the kernels keep α at about this many frames; the generic program checkpoints its loop with it. */
  readonly checkpoints: Checkpoints;
  /**
   * Under vmap with targets or lengths that differ per example (ctcLoss): the lattices of every
   * example (the vmaps' sizes, outermost first; ext, frames and states of each example's sequences,
   * example-major). The fields above hold example 0's; the vmap rule folds each example's own.
   */
  readonly mapped?: { readonly sizes: readonly number[]; readonly ext: Int32Array; readonly frames: readonly number[]; readonly states: readonly number[] } | undefined;
  /** An ad.Alignment's lattice (ctcKernel.ts's CTCDims.lattice: skips [N·S], initial and final states); absent for CTC's. */
  readonly lattice?: LatticeRules | undefined;
}

/**
 * Which frames' α the charts keep: every one for 'all'; for c checkpoints (⌈√T⌉ for 'sqrt') every
 * ⌈T / c⌉-th, so at most c rows, and the adjoint recomputes one block of ⌈T / c⌉ rows at a time.
 */
function strideOf(checkpoints: Checkpoints, T: number): number {
  if (checkpoints === 'all') return 1;
  const c = checkpoints === 'sqrt' ? Math.ceil(Math.sqrt(T)) : checkpoints;
  return Math.max(1, Math.ceil(T / c));
}

const dims = (logProbs: Tensor, p: CTCParams): CTCDims => {
  const [T, N, C] = logProbs.shape as [number, number, number];
  return { T, N, C, S: p.S, ext: p.ext, frames: p.frames, states: p.states, stride: strideOf(p.checkpoints, T), lattice: p.lattice };
};

/**
 * Σ_b log p_b by the semiring-generic program: the Alignment of the frames to each extended target
 * (alignment.ts), on the scores logProbs[t, b, l′_s] gathered by `take`. What the primitives
 * compute, differentiated twice for their higher derivatives.
 */
export function ctcAlignmentLogLikelihood(logProbs: Tensor, p: CTCParams): Tensor {
  if (p.mapped !== undefined) {
    // One lattice per call (the Alignment's lengths and skips are arrays), so not the examples' own.
    throw new InvalidArgumentError(
      'ctcLoss: under vmap with targets or lengths that differ per example, the loss and its gradient batch, but its second derivatives ' +
        '(and the ONNX export) go through the lattice program, which takes one lattice for the whole batch; map logProbs only, or loop over the examples.',
    );
  }
  const [T, N, C] = logProbs.shape as [number, number, number];
  const S = p.S;
  const index = new Int32Array(N * T * S);
  for (let b = 0; b < N; b++) for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) index[(b * T + t) * S + s] = (t * N + b) * C + p.ext[b * S + s]!;
  const scores = reshape(take(reshape(logProbs, [T * N * C]), index), [N, T, S]);
  const rules = p.lattice;
  // CTC's skip into s from s − 2: s a label (odd) other than the one before it.
  const skips = Array.from({ length: N }, (_, b) => Array.from({ length: S }, (_, s) =>
    (rules !== undefined ? rules.skip[b * S + s] === 1 : s % 2 === 1 && p.ext[b * S + s] !== p.ext[b * S + s - 2]) && s >= 2));
  return new Alignment({
    scores, lengths: p.frames, states: p.states, skips, initialStates: rules?.initial ?? 2, finalStates: rules?.final ?? 2, checkpoints: p.checkpoints,
  }).genericLogPartition();
}

/**
 * Σ_b log p_b by the lattice program, for the second derivatives. No sequences (a vmap of 0 examples
 * folded into the batch axis N) sum to 0, with derivative 0: an Alignment refuses an empty batch.
 */
const genericTotal = (p: CTCParams) => (logProbs: Tensor) => (logProbs.shape[1] === 0 ? sum(logProbs) : sum(ctcAlignmentLogLikelihood(logProbs, p)));

/**
 * The params of V copies of the batch side by side (vmap's mapped axis folded into the batch axis):
 * the same lattices V times, or with lattices per example (`mapped`, whose innermost vmap this is:
 * ctcLoss maps logProbs by the targets' vmaps as its innermost), each example's. Folding an inner
 * vmap of several keeps the rest for the outer folds, and meanwhile holds outer example 0's.
 */
function repeated(p: CTCParams, V: number): CTCParams {
  const m = p.mapped;
  if (m !== undefined && m.sizes.length > 0) {
    if (m.sizes[m.sizes.length - 1] !== V) throw new Error(`internal: ctc's per-example lattices are for a vmap of ${m.sizes.at(-1)}, folded by one of ${V}`);
    const sizes = m.sizes.slice(0, -1), n = V * p.frames.length; // sequences after this fold
    return {
      S: p.S, ext: m.ext.subarray(0, n * p.S), frames: m.frames.slice(0, n), states: m.states.slice(0, n), checkpoints: p.checkpoints,
      mapped: sizes.length === 0 ? undefined : { ...m, sizes },
    };
  }
  const tiled = <A extends Int32Array | Uint8Array>(a: A, into: A): A => {
    for (let v = 0; v < V; v++) into.set(a, v * a.length);
    return into;
  };
  const copies = <X>(xs: readonly X[]) => Array.from({ length: V }, () => xs).flat();
  const rules = p.lattice;
  return {
    S: p.S, ext: tiled(p.ext, new Int32Array(V * p.ext.length)), frames: copies(p.frames), states: copies(p.states), checkpoints: p.checkpoints,
    lattice: rules === undefined ? undefined : { ...rules, skip: tiled(rules.skip, new Uint8Array(V * rules.skip.length)) },
  };
}

/**
 * The vmap rule of all three primitives: the mapped axis V joins the sequence axis N, logProbs
 * [V, T, N, C] as [T, V·N, C] and charts [V, N, P] as [V·N, P], each sequence keeping its lattice;
 * shared inputs are broadcast first. Outputs are unfolded by rank: log p [V·N], charts [V·N, P],
 * occupations [T, V·N, C].
 */
function foldedBatch(self: () => Primitive<CTCParams>) {
  return (inputs: readonly Tensor[], batched: readonly boolean[], params: CTCParams, size: number): Tensor => {
    const V = size, N = params.frames.length;
    const [lp, charts] = inputs.map((x, i) => (batched[i] ? x : broadcastTo(reshape(x, [1, ...x.shape]), [V, ...x.shape])));
    const [, T, , C] = lp!.shape as [number, number, number, number];
    const folded = [reshape(transpose(lp!, [1, 0, 2, 3]), [T, V * N, C])];
    if (charts) folded.push(reshape(charts, [V * N, charts.shape[2]!]));
    const out = apply(self(), folded, repeated(params, V));
    if (out.ndim === 1) return reshape(out, [V, N]);
    if (out.ndim === 2) return reshape(out, [V, N, out.shape[1]!]);
    return transpose(reshape(out, [T, V, N, C]), [1, 0, 2, 3]);
  };
}

// The forward pass: logProbs [T, N, C] → charts [N, P], α's kept rows and log p (ctcKernel.ts).
// Passed on only as values, like linalg's factorisations: no derivative of its own, never recorded.
const chartsP: Primitive<CTCParams> = definePrimitive<CTCParams>({
  name: 'ctcCharts',
  saves: 'none',
  forward: ([logProbs], params) => {
    const d = dims(logProbs!, params), size = ctcChartSize(d.T, d.S, d.stride);
    return new Tensor(ctcForwardKernel(logProbs!.values, d, allocF64(d.N * size)), [d.N, size]);
  },
  vjp: null,
  jvp: null,
  batch: foldedBatch(() => chartsP),
});

// The occupations ∂ log p_b / ∂ logProbs[t, b, k] [T, N, C] (logProbs, charts): the adjoint pass
// with a cotangent of 1 per sequence. Sequence b reads only logProbs[·, b, ·], so this is the
// gradient of Σ_b log p_b; its derivative is that sum's Hessian H, symmetric, so both rules are the
// Hessian-vector product H·v, forward-over-reverse through the generic program.
const occupationsP: Primitive<CTCParams> = definePrimitive<CTCParams>({
  name: 'ctcOccupations',
  saves: 'inputs',
  forward: ([logProbs, charts], params) => {
    const d = dims(logProbs!, params);
    return new Tensor(ctcAdjointKernel(logProbs!.values, charts!.values, new Float64Array(d.N).fill(1), d, allocF64(logProbs!.size)), logProbs!.shape);
  },
  vjp: (g, r, params) => [hvp(genericTotal(params), r.inputs[0]!, g) as Tensor, null],
  jvp: ([t], [logProbs], _out, params) => (t === null ? null : (hvp(genericTotal(params), logProbs!, t) as Tensor)),
  batch: foldedBatch(() => occupationsP),
});

// log p [N] (logProbs, charts), read from the charts. d log p_b = Σ_{t,k} occupation[t, b, k] ·
// d logProbs[t, b, k]: the VJP scales the occupations by each sequence's cotangent, the JVP
// contracts them with the tangent. At first order the VJP is one adjoint pass over the saved
// charts, scaled as it goes.
const logLikelihoodP: Primitive<CTCParams> = definePrimitive<CTCParams>({
  name: 'ctcLogLikelihood',
  saves: 'inputs',
  forward: ([logProbs, charts], params) => {
    const d = dims(logProbs!, params);
    return new Tensor(ctcReadLogLikelihood(charts!.values, d, allocF64(d.N)), [d.N]);
  },
  vjp: (g, r, params) => [mul(reshape(g, [1, g.size, 1]), apply(occupationsP, [r.inputs[0]!, r.inputs[1]!], params)), null],
  fusedVjp: (g, r, params) => {
    const [logProbs, charts] = r.inputs as [Tensor, Tensor];
    const d = dims(logProbs, params);
    return [new Tensor(ctcAdjointKernel(logProbs.values, charts.values, g.values, d, allocF64(logProbs.size)), logProbs.shape), null];
  },
  jvp: ([t], [logProbs, charts], _out, params) => (t === null ? null : sum(mul(apply(occupationsP, [logProbs!, charts!], params), t), [0, 2])),
  batch: foldedBatch(() => logLikelihoodP),
});

/**
 * log p(target_b | input_b) [N] for log-probabilities [T, N, C] and the lattice of each sequence
 * (extended targets, frames, states): ctcAlignmentLogLikelihood as one kernel, differentiable to
 * every order. −∞ for a sequence no alignment fits, with a zero gradient.
 */
export function ctcLogLikelihood(logProbs: Tensor, params: CTCParams): Tensor {
  return apply(logLikelihoodP, [logProbs, apply(chartsP, [logProbs], params)], params);
}
