/**
 * @file Eisner's algorithm in the log semiring as primitives: log Z of projective dependency trees
 * and the arc marginals (its gradient) by the typed-array inside and outside passes of
 * eisnerKernel.ts, one kernel call each instead of a few dozen small ops per span width. Higher
 * derivatives (the marginals' own derivative, a Hessian) differentiate the semiring-generic
 * program of eisner.ts twice, so every order stays exact.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import { max, sum } from '../ops/reduce.js';
import { isfinite } from '../ops/predicates.js';
import { stopGradient, where } from '../ops/select.js';
import { reshape } from '../ops/shape.js';
import { hvp } from '../transforms/jvp.js';
import { log } from './semirings.js';
import { eisner } from './eisner.js';
import { foldedBatch } from './batch.js';
import { chartSize, eisnerAdjointKernel, eisnerInsideKernel, eisnerReadLogZ } from './eisnerKernel.js';

/** Each sentence's length in words, and whether the root takes exactly one dependent. */
interface EisnerParams { readonly lengths: readonly number[]; readonly singleRoot: boolean }

/**
 * 0 on the arcs sentence b can use, −∞ on arcs into the root (column 0), self-loops and positions
 * past its length: [B, N, N], added to the arc scores of the semiring-generic program.
 */
export function arcMask(lengths: readonly number[], N: number): Tensor {
  const mask = new Float64Array(lengths.length * N * N).fill(-Infinity);
  lengths.forEach((len, b) => {
    for (let h = 0; h <= len; h++) for (let m = 1; m <= len; m++) if (h !== m) mask[(b * N + h) * N + m] = 0;
  });
  return new Tensor(mask, [lengths.length, N, N]);
}

/**
 * The arc scores [B, N, N] less c_m, the best score into each word m that `mask` allows (held
 * constant; 0 where none is finite), and shift = Σ_m c_m [B]. Every tree has exactly one arc into
 * each word, so log Z(s) = log Z(s − c) + shift and the marginals and the entropy are those of
 * s − c, whose log-space sums add numbers near 0 (eisnerKernel.ts does the same in its loops).
 */
export function centredArcs(arcs: Tensor, mask: Tensor): { centred: Tensor; shift: Tensor } {
  const [B, N] = arcs.shape as [number, number, number];
  const best = stopGradient(max(add(arcs, mask), 1)); // [B, N]; −∞ in column 0 and past each sentence
  const c = where(isfinite(best), best, 0);
  return { centred: sub(arcs, reshape(c, [B, 1, N])), shift: sum(c, 1) };
}

/**
 * Σ_b log Z_b by the semiring-generic program (on the centred arcs, as the kernels): what the
 * primitives compute, differentiated twice for their higher derivatives. No sentences (a vmap of 0
 * examples folded into the batch axis) sum to 0, with derivative 0: the program itself needs at
 * least one (its charts are concatenated per sentence).
 */
const genericLogZ = (arcs: Tensor, p: EisnerParams) => {
  if (arcs.shape[0] === 0) return sum(arcs);
  const mask = arcMask(p.lengths, arcs.shape[1]!);
  const { centred, shift } = centredArcs(arcs, mask);
  return add(sum(eisner(log, add(centred, mask), p.lengths, p.singleRoot)), sum(shift));
};

/**
 * The vmap rule of all three primitives (batch.ts): the vmapped axis V joins the batch axis B, each
 * item keeping its length.
 */
const batchRule = (self: () => Primitive<EisnerParams>) =>
  foldedBatch(self, (p, V): EisnerParams => ({ lengths: Array.from({ length: V }, () => p.lengths).flat(), singleRoot: p.singleRoot }));

// The inside pass: arcs [B, N, N] → packed charts [B, chartSize(N)] (eisnerKernel.ts). Passed on
// only as values, like linalg's factorisations: no derivative of its own, never recorded.
const chartsP: Primitive<EisnerParams> = definePrimitive<EisnerParams>({
  name: 'eisnerCharts',
  saves: 'none',
  forward: ([arcs], { lengths, singleRoot }) => {
    const [B, N] = arcs!.shape as [number, number, number];
    return new Tensor(eisnerInsideKernel(arcs!.values, B, N, lengths, singleRoot, allocF64(B * chartSize(N))), [B, chartSize(N)]);
  },
  vjp: null,
  jvp: null,
  batch: batchRule(() => chartsP),
});

// The arc marginals μ = ∂ log Z / ∂ arcs [B, N, N] (arcs, charts): the adjoint of the inside pass with
// a cotangent of 1 per item. Their derivative is the Hessian H of Σ log Z, symmetric, so both rules
// are the Hessian-vector product H·v, forward-over-reverse through eisner.ts.
const marginalsP: Primitive<EisnerParams> = definePrimitive<EisnerParams>({
  name: 'eisnerMarginals',
  saves: 'inputs',
  forward: ([arcs, charts], { lengths, singleRoot }) => {
    const [B, N] = arcs!.shape as [number, number, number];
    return new Tensor(eisnerAdjointKernel(arcs!.values, charts!.values, new Float64Array(B).fill(1), B, N, lengths, singleRoot, allocF64(B * N * N)), arcs!.shape);
  },
  vjp: (g, r, params) => [hvp((a: Tensor) => genericLogZ(a, params), r.inputs[0]!, g) as Tensor, null],
  jvp: ([t], [arcs], _out, params) => (t === null ? null : (hvp((a: Tensor) => genericLogZ(a, params), arcs!, t) as Tensor)),
  batch: batchRule(() => marginalsP),
});

// log Z [B] (arcs, charts), read from the charts. d log Z = Σ μ ⊙ d arcs: the VJP scales the
// marginals by the cotangent, the JVP contracts them with the tangent. At first order the VJP is
// one pass of the adjoint kernel over the saved charts, scaled as it goes (the rule's numbers to rounding).
const logZP: Primitive<EisnerParams> = definePrimitive<EisnerParams>({
  name: 'eisnerLogZ',
  saves: 'inputs',
  forward: ([arcs, charts]) => {
    const [B, N] = arcs!.shape as [number, number, number];
    return new Tensor(eisnerReadLogZ(charts!.values, B, N, allocF64(B)), [B]);
  },
  vjp: (g, r, params) => [mul(reshape(g, [g.size, 1, 1]), apply(marginalsP, [r.inputs[0]!, r.inputs[1]!], params)), null],
  fusedVjp: (g, r, { lengths, singleRoot }) => {
    const [arcs, charts] = r.inputs as [Tensor, Tensor];
    const [B, N] = arcs.shape as [number, number, number];
    return [new Tensor(eisnerAdjointKernel(arcs.values, charts.values, g.values, B, N, lengths, singleRoot, allocF64(B * N * N)), arcs.shape), null];
  },
  jvp: ([t], [arcs, charts], _out, params) => (t === null ? null : sum(mul(apply(marginalsP, [arcs!, charts!], params), t), [1, 2])),
  batch: batchRule(() => logZP),
});

/**
 * log Z [B] over the projective trees of each sentence of arcs [B, N, N] ([head, child], 0 the
 * root; sentence b has words 1 … lengths[b]; entries it cannot use are ignored, with gradient 0),
 * with one root dependent or several: eisner(log, …) of eisner.ts as one kernel, differentiable to
 * every order.
 */
export function eisnerLogPartition(arcs: Tensor, lengths: readonly number[], singleRoot: boolean): Tensor {
  const params: EisnerParams = { lengths, singleRoot };
  return apply(logZP, [arcs, apply(chartsP, [arcs], params)], params);
}
