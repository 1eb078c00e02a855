/**
 * @file The semi-Markov CRF in the log semiring as primitives: log Z and its gradients (segment
 * marginals, expected transition counts, start and end marginals) by the typed-array forward pass
 * and its adjoint (semiMarkovKernel.ts), one kernel call each instead of about ten small ops per
 * word. Higher derivatives differentiate the semiring-generic program of semiMarkovSum.ts twice.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { broadcastTo, concat, reshape, slice } from '../ops/shape.js';
import { grad, withVjp } from '../transforms/vjp.js';
import type { TreeFunction } from '../core/functions.js';
import { jvp } from '../transforms/jvp.js';
import { log } from './semirings.js';
import { semiMarkovSum } from './semiMarkovSum.js';
import {
  semiMarkovAdjointKernel, semiMarkovChartSize, semiMarkovForwardKernel, semiMarkovGradSize, type SemiMarkovDims,
} from './semiMarkovKernel.js';

/** Each sentence's length in words. */
interface Params { readonly lengths: readonly number[] }

/** Shapes of the inputs (segments [B, n, L, C]; transitions [C, C] or [B, C, C], start and end [C] or [B, C]). */
function dims(inputs: readonly Tensor[], lengths: readonly number[]): SemiMarkovDims {
  const [B, n, L, C] = inputs[0]!.shape as [number, number, number, number];
  return { B, n, L, C, lengths, tStride: inputs[1]!.ndim === 3 ? C * C : 0, sStride: inputs[2]!.ndim === 2 ? C : 0, eStride: inputs[3]!.ndim === 2 ? C : 0 };
}

/**
 * Each sentence's gradient of its own log Z in all four inputs, packed [B, semiMarkovGradSize]:
 * the generic program differentiated in one copy of the transitions, start and end per sentence
 * (broadcast inside, so derivatives of this function sum the copies back).
 */
function perSentenceGradients(lengths: readonly number[]) {
  return (segments: Tensor, transitions: Tensor, start: Tensor, end: Tensor): Tensor => {
    const [B, n, L, C] = segments.shape as [number, number, number, number];
    const each = (x: Tensor, shape: number[]) => broadcastTo(x.ndim === shape.length ? x : reshape(x, [1, ...shape.slice(1)]), shape);
    const copies = [each(transitions, [B, C, C]), each(start, [B, C]), each(end, [B, C])] as const;
    const total = (g: Tensor, t: Tensor, s: Tensor, e: Tensor) => sum(semiMarkovSum(log, g, t, s, e, lengths, 'all'));
    const [gG, gT, gS, gE] = grad(total, [0, 1, 2, 3])(segments, ...copies) as Tensor[];
    return concat([reshape(gG!, [B, n * L * C]), reshape(gT!, [B, C * C]), gS!, gE!], 1);
  };
}

/**
 * vmap of the three primitives: the mapped axis V joins the sentence axis (each keeps its length);
 * transitions, start and end shared within an example become one copy per sentence.
 */
function foldedBatch(self: () => Primitive<Params>) {
  return (inputs: readonly Tensor[], batched: readonly boolean[], params: Params, size: number): Tensor => {
    const V = size, B = params.lengths.length;
    const all = inputs.map((x, i) => (batched[i] ? x : broadcastTo(reshape(x, [1, ...x.shape]), [V, ...x.shape])));
    const [G, ...rest] = all as [Tensor, ...Tensor[]];
    const folded = [reshape(G, [V * B, ...G.shape.slice(2)])];
    rest.forEach((x, i) => {
      if (i === 3) return folded.push(reshape(x, [V * B, ...x.shape.slice(2)])); // the charts [V, B, P]
      const item = i === 0 ? 3 : 2; // an example's rank when it holds one copy per sentence
      const perSentence = x.ndim === item + 1 ? x : broadcastTo(reshape(x, [V, 1, ...x.shape.slice(1)]), [V, B, ...x.shape.slice(1)]);
      folded.push(reshape(perSentence, [V * B, ...perSentence.shape.slice(2)]));
    });
    const out = apply(self(), folded, { lengths: Array.from({ length: V }, () => params.lengths).flat() });
    return reshape(out, [V, B, ...out.shape.slice(1)]);
  };
}

// The forward pass: α, β and log Z packed per sentence (semiMarkovKernel.ts). Passed on only as
// values, like linalg's factorisations: no derivative of its own, never recorded.
const chartsP: Primitive<Params> = definePrimitive<Params>({
  name: 'semiMarkovCharts',
  saves: 'none',
  forward: (inputs, { lengths }) => {
    const [G, T, s, e] = inputs as [Tensor, Tensor, Tensor, Tensor];
    const d = dims(inputs, lengths);
    const P = semiMarkovChartSize(d.n, d.C);
    return new Tensor(semiMarkovForwardKernel(G.values, T.values, s.values, e.values, d, allocF64(d.B * P)), [d.B, P]);
  },
  vjp: null,
  jvp: null,
  batch: foldedBatch(() => chartsP),
});

/** The adjoint kernel over the inputs and their charts for cotangents g [B]: packed per-sentence gradients [B, Q]. */
function adjoint(inputs: readonly Tensor[], g: ArrayLike<number>, lengths: readonly number[]): Tensor {
  const [G, T, , e, charts] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor];
  const d = dims(inputs, lengths);
  const Q = semiMarkovGradSize(d.n, d.L, d.C);
  return new Tensor(semiMarkovAdjointKernel(G.values, T.values, e.values, charts.values, g, d, allocF64(d.B * Q)), [d.B, Q]);
}

// Each sentence's gradient of its log Z, packed [B, Q] (segments, transitions, start, end). Its
// derivative is a Hessian, by both rules through semiMarkovSum.ts (perSentenceGradients).
const marginalsP: Primitive<Params> = definePrimitive<Params>({
  name: 'semiMarkovMarginals',
  saves: 'inputs',
  forward: (inputs, { lengths }) => adjoint(inputs, new Float64Array(inputs[0]!.shape[0]!).fill(1), lengths),
  vjp: (ct, r, { lengths }) => {
    const [G, T, s, e] = r.inputs as [Tensor, Tensor, Tensor, Tensor];
    return withVjp(perSentenceGradients(lengths) as TreeFunction<unknown>, [G, T, s, e], (_, pullback) => [...(pullback(ct) as Tensor[]), null]);
  },
  jvp: (tangents, primals, _out, { lengths }) => {
    const xs = primals.slice(0, 4) as Tensor[];
    const ts = xs.map((x, i) => tangents[i] ?? new Tensor(new Float64Array(x.size), x.shape));
    return jvp(perSentenceGradients(lengths), xs as [Tensor, Tensor, Tensor, Tensor], ts as [Tensor, Tensor, Tensor, Tensor])[1] as Tensor;
  },
  batch: foldedBatch(() => marginalsP),
});

/** The parts of packed per-sentence gradients m [B, Q]: segments [B, n·L·C], transitions [B, C²], start [B, C], end [B, C]. */
function parts(m: Tensor, G: Tensor): Tensor[] {
  const [B, n, L, C] = G.shape as [number, number, number, number];
  const sizes = [n * L * C, C * C, C, C];
  let at = 0;
  return sizes.map((k) => {
    const part = slice(m, [0, at], [B, k]);
    at += k;
    return part;
  });
}

// log Z [B], read from the charts. d log Z_b = Σ (sentence b's gradient) · d inputs: the VJP scales
// each sentence's gradient by its cotangent (summed over sentences for shared inputs), the JVP
// contracts them with the tangents. At first order the VJP is one adjoint pass over the saved
// charts with the cotangents as the seeds.
const logZP: Primitive<Params> = definePrimitive<Params>({
  name: 'semiMarkovLogZ',
  saves: 'inputs',
  forward: (inputs, { lengths }) => {
    const d = dims(inputs, lengths);
    const P = semiMarkovChartSize(d.n, d.C), charts = inputs[4]!.values, out = allocF64(d.B);
    for (let b = 0; b < d.B; b++) out[b] = charts[b * P + P - 1]!;
    return new Tensor(out, [d.B]);
  },
  vjp: (g, r, params) => {
    const xs = r.inputs as Tensor[];
    const m = parts(apply(marginalsP, xs, params), xs[0]!);
    const B = g.size;
    return [
      ...m.map((part, i) => {
        const x = xs[i]!, scaled = mul(reshape(g, [B, 1]), part);
        return reshape(x.ndim === (i === 0 ? 4 : i === 1 ? 3 : 2) ? scaled : sum(scaled, 0), x.shape);
      }),
      null,
    ];
  },
  fusedVjp: (g, r, { lengths }) => {
    const xs = r.inputs as Tensor[];
    const d = dims(xs, lengths);
    const m = adjoint(xs, g.values, lengths).values;
    const Q = semiMarkovGradSize(d.n, d.L, d.C), nLC = d.n * d.L * d.C;
    const seg = allocF64(d.B * nLC);
    for (let b = 0; b < d.B; b++) seg.set(m.subarray(b * Q, b * Q + nLC), b * nLC);
    const rest = [[xs[1]!, nLC, d.C * d.C], [xs[2]!, nLC + d.C * d.C, d.C], [xs[3]!, nLC + d.C * d.C + d.C, d.C]] as const;
    return [
      new Tensor(seg, xs[0]!.shape),
      ...rest.map(([x, at, k]) => {
        const out = allocF64(x.size);
        const shared = x.size === k;
        for (let b = 0; b < d.B; b++) for (let j = 0; j < k; j++) out[(shared ? 0 : b * k) + j] += m[b * Q + at + j]!;
        return new Tensor(out, x.shape);
      }),
      null,
    ];
  },
  jvp: (tangents, primals, _out, params) => {
    const xs = primals as Tensor[];
    const B = xs[0]!.shape[0]!;
    const m = parts(apply(marginalsP, xs, params), xs[0]!);
    let total: Tensor | null = null;
    for (let i = 0; i < 4; i++) {
      const t = tangents[i], part = m[i]!;
      if (!t) continue;
      const k = part.shape[1]!;
      const term = sum(mul(part, reshape(t, [t.size === k ? 1 : B, k])), 1);
      total = total === null ? term : add(total, term);
    }
    return total;
  },
  batch: foldedBatch(() => logZP),
});

/**
 * log Z [B] of a batch of semi-Markov CRFs (segments [B, n, L, C], transitions [C, C], start and
 * end [C]; sentence b has lengths[b] words), by the kernels: semiMarkovSum(log, …) of
 * semiMarkovSum.ts as one call, differentiable to every order.
 */
export function semiMarkovLogPartition(segments: Tensor, transitions: Tensor, start: Tensor, end: Tensor, lengths: readonly number[]): Tensor {
  const params: Params = { lengths };
  const inputs = [segments, transitions, start, end];
  return apply(logZP, [...inputs, apply(chartsP, inputs, params)], params);
}
