/**
 * @file The subtraction-free (GTH) elimination of matrixTree.ts as primitives: log det of each
 * sentence's Laplacian minor from the typed-array loops of gthKernel.ts, and its first-order
 * cotangent by their adjoint, one kernel call each instead of a dozen ops per eliminated word.
 * Higher derivatives differentiate the generic program below (the same ops, reverse mode through
 * them) twice, so every order stays exact.
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { Tensor } from '../tensor/tensor.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { log } from '../ops/unary.js';
import { logsumexp, sum } from '../ops/reduce.js';
import { logaddexp } from '../ops/logspace.js';
import { where } from '../ops/select.js';
import { concat, reshape, slice } from '../ops/shape.js';
import { hvp } from '../transforms/jvp.js';
import { everyExample } from '../transforms/vmap.js';
import { gthAdjointKernel, gthForwardKernel, RANGE_SLOT, tapeSize, TINY } from './gthKernel.js';
import { foldedBatch } from './batch.js'; // the vmap rule: the vmapped axis joins the batch axis

/** Whether the root takes exactly one dependent (rows then carry σ: R = 2). */
interface GthParams { readonly singleRoot: boolean }

/**
 * The operations GTH's elimination takes, on the weights themselves or on their logs. Being
 * subtraction-free, the elimination carries over term by term: a sum becomes logsumexp (logaddexp
 * for two), a product a sum, a quotient a difference, and a zeroed self-loop −∞.
 */
interface Semiring {
  /** Σ over the rows (axis 1, kept): a column's total, the pivot. */
  total(column: Tensor): Tensor;
  over(a: Tensor, p: Tensor): Tensor;
  times(a: Tensor, b: Tensor): Tensor;
  plus(a: Tensor, b: Tensor): Tensor;
  /** x with the word rows' diagonal (mask 0) emptied: no self-loops. */
  offDiagonal(x: Tensor, mask: Tensor): Tensor;
  /** The log of the pivots. */
  logOf(pivots: Tensor): Tensor;
}

const weights: Semiring = {
  total: (c) => sum(c, 1, true), over: (a, p) => div(a, p), times: (a, b) => mul(a, b), plus: (a, b) => add(a, b),
  offDiagonal: (x, mask) => mul(x, mask), logOf: (t) => log(t),
};

const logWeights: Semiring = {
  total: (c) => logsumexp(c, 1, true), over: (a, p) => sub(a, p), times: (a, b) => add(a, b), plus: (a, b) => logaddexp(a, b),
  offDiagonal: (x, mask) => where(mask, x, -Infinity), logOf: (t) => t,
};

/**
 * log det [B] by the elimination of gthKernel.ts's layout, in ops over `s`: rows [B, n + R, n]
 * (weights, or their logs). Each step takes the first word's column total as the pivot p, scales
 * its row by 1/p, and adds column × scaled row into the rest; log det = Σ log p (and σ).
 */
function eliminate(rows0: Tensor, singleRoot: boolean, s: Semiring): Tensor {
  const [B, H, n] = rows0.shape as [number, number, number];
  const R = H - n;
  let rows = rows0;
  const pivots: Tensor[] = [];
  const steps = singleRoot ? n - 1 : n;
  for (let k = 0; k < steps; k++) {
    const m = n - k; // words left; eliminate the first
    const column = slice(rows, [0, 0, 0], [B, m + R, 1]); // W[i, k] of every row (W[k, k] = 0)
    const p = s.total(slice(column, [0, 0, 0], [B, m + 1, 1])); // [B, 1, 1]: the word rows and the excess
    pivots.push(p);
    if (m === 1) break;
    const scaled = s.over(slice(rows, [0, 0, 1], [B, 1, m - 1]), p); // W[k, j] / p
    const fill = s.times(slice(column, [0, 1, 0], [B, m - 1 + R, 1]), scaled);
    rows = s.offDiagonal(s.plus(slice(rows, [0, 1, 1], [B, m - 1 + R, m - 1]), fill), offDiagonal(m - 1, R));
  }
  // One root dependent: σ of the word left is Σ_r s[r] · (its minor) over the pivots taken.
  if (singleRoot) pivots.push(slice(rows, [0, R, 0], [B, 1, 1]));
  return sum(s.logOf(concat(pivots, 2)), [1, 2]);
}

/**
 * log det [B] by the elimination of gthKernel.ts's layout, in ops: rows [B, n + R, n]. What the
 * primitives compute, to the bit, and what their higher derivatives differentiate.
 */
export function gthLogDetOps(rows0: Tensor, singleRoot: boolean): Tensor {
  return eliminate(rows0, singleRoot, weights);
}

/**
 * The same elimination in log space, for rows whose elimination leaves floating point's range
 * (gthKernel.ts, Range): logRows [B, n + R, n] holds the log of every entry (−∞ for 0), and
 * every log stays finite for any finite scores (a path's weight is a sum of its scores), so log Z
 * and its gradient, reverse mode through these ops, keep full accuracy. Ops only (about ten per
 * eliminated word): this route is taken only past the range, and differentiates to every order.
 */
export function gthLogDetLogOps(logRows0: Tensor, singleRoot: boolean): Tensor {
  return eliminate(logRows0, singleRoot, logWeights);
}

/**
 * [m + R, m]: 0 on the diagonal of the word rows, 1 elsewhere (the excess rows below). One per size,
 * the OFF_DIAGONALS most recent (sentences of every length up to M kept ~M³/3 float64s unbounded).
 */
const offDiagonals = new Map<string, Tensor>();
const OFF_DIAGONALS = 64;
function offDiagonal(m: number, R: number): Tensor {
  const key = `${m},${R}`;
  let t = offDiagonals.get(key);
  if (t === undefined) {
    t = new Tensor(Float64Array.from({ length: (m + R) * m }, (_, i) => (Math.floor(i / m) === i % m ? 0 : 1)), [m + R, m]);
    if (offDiagonals.size >= OFF_DIAGONALS) offDiagonals.delete(offDiagonals.keys().next().value!);
    offDiagonals.set(key, t);
  }
  return t;
}

const genericLogDet = (rows: Tensor, p: GthParams) => sum(gthLogDetOps(rows, p.singleRoot));

const dims = (rows: Tensor, singleRoot: boolean) => {
  const [B, , n] = rows.shape as [number, number, number];
  return { B, n, R: singleRoot ? 2 : 1 };
};

// The elimination: rows [B, n + R, n] → tapes [B, tapeSize] (gthKernel.ts). Passed on only as
// values, like linalg's factorisations: no derivative of its own, never recorded.
const tapeP: Primitive<GthParams> = definePrimitive<GthParams>({
  name: 'gthTape',
  saves: 'none',
  forward: ([rows], { singleRoot }) => {
    const { B, n, R } = dims(rows!, singleRoot);
    const T = tapeSize(n, R);
    return new Tensor(gthForwardKernel(rows!.values, B, n, R, allocF64(B * T)), [B, T]);
  },
  vjp: null,
  jvp: null,
  batch: foldedBatch(() => tapeP),
});

// ∂ log det / ∂ rows [B, n + R, n] (rows, tape), a cotangent of 1 per sentence. Its derivative is
// the Hessian H of Σ log det, symmetric, so both rules are H·v, forward-over-reverse through the ops.
const adjointP: Primitive<GthParams> = definePrimitive<GthParams>({
  name: 'gthAdjoint',
  saves: 'inputs',
  forward: ([rows, tape], { singleRoot }) => {
    const { B, n, R } = dims(rows!, singleRoot);
    return new Tensor(gthAdjointKernel(tape!.values, new Float64Array(B).fill(1), B, n, R, allocF64(rows!.size)), rows!.shape);
  },
  vjp: (g, r, params) => [hvp((a: Tensor) => genericLogDet(a, params), r.inputs[0]!, g) as Tensor, null],
  jvp: ([t], [rows], _out, params) => (t === null ? null : (hvp((a: Tensor) => genericLogDet(a, params), rows!, t) as Tensor)),
  batch: foldedBatch(() => adjointP),
});

// log det [B] (rows, tape), read from the tapes. At first order the VJP is one pass of the adjoint
// kernel, scaled by the cotangent as it goes.
const logDetP: Primitive<GthParams> = definePrimitive<GthParams>({
  name: 'gthLogDet',
  saves: 'inputs',
  forward: ([rows, tape], { singleRoot }) => {
    const { B, n, R } = dims(rows!, singleRoot);
    const T = tapeSize(n, R), out = allocF64(B);
    for (let b = 0; b < B; b++) out[b] = tape!.values[b * T]!;
    return new Tensor(out, [B]);
  },
  vjp: (g, r, params) => [mul(reshape(g, [g.size, 1, 1]), apply(adjointP, [r.inputs[0]!, r.inputs[1]!], params)), null],
  fusedVjp: (g, r, { singleRoot }) => {
    const [rows, tape] = r.inputs as [Tensor, Tensor];
    const { B, n, R } = dims(rows, singleRoot);
    return [new Tensor(gthAdjointKernel(tape.values, g.values, B, n, R, allocF64(rows.size)), rows.shape), null];
  },
  jvp: ([t], [rows, tape], _out, params) => (t === null ? null : sum(mul(apply(adjointP, [rows!, tape!], params), t), [1, 2])),
  batch: foldedBatch(() => logDetP),
});

/**
 * log det [B] of the Laplacian minors held in GTH form by rows [B, n + R, n] (gthKernel.ts's
 * layout; R = 2 with one root dependent), differentiable to every order.
 */
export function gthLogDet(rows: Tensor, singleRoot: boolean): Tensor {
  const params: GthParams = { singleRoot };
  return apply(logDetP, [rows, apply(tapeP, [rows], params)], params);
}

/**
 * gthLogDet, or null when some sentence's elimination (of any example, under vmap) left the range
 * where it keeps full accuracy (a pivot or fill below gthKernel.ts's TINY): then the caller takes
 * gthLogDetLogOps. The flag is read off the tape, a value read like the route's in matrixTree.ts.
 *
 * `logRows`, when given, are the logs of `rows` where some weights rounded below TINY (arcs masked
 * with −1e9, as is common, or scores spread over thousands of nats): the kernels then ran without
 * them, and their result stands if they could not have mattered. log Z is linear in each column's
 * weights, so a weight w carries the share w·∂ log Z/∂w of Z, read off the adjoint of the
 * elimination at w ≈ 0 (to first order; products of two shares are far smaller): if every
 * sentence's shares sum below 2^−60, log Z errs by less and each marginal by less absolutely.
 * Otherwise (a cycle whose only ways out are such arcs) null. One more adjoint pass, where the
 * log-space route costs ten to twenty.
 */
export function gthLogDetInRange(rows: Tensor, singleRoot: boolean, logRows: Tensor | null = null): Tensor | null {
  const params: GthParams = { singleRoot };
  const tape = apply(tapeP, [rows], params);
  const T = tape.shape[1]!;
  const values = everyExample(tape, "DependencyCRF's Matrix-Tree range check");
  for (let at = RANGE_SLOT; at < values.length; at += T) if (values[at] !== 0) return null;
  if (logRows !== null && !droppedWeightsNegligible(values, everyExample(logRows, "DependencyCRF's Matrix-Tree range check"), rows.shape as [number, number, number], singleRoot)) return null;
  return apply(logDetP, [rows, tape], params);
}

/** Whether the weights below TINY (finite logs in `logs`) carry less than 2^−60 of each sentence's Z (gthLogDetInRange). */
function droppedWeightsNegligible(tape: Float64Array, logs: Float64Array, [, H, n]: [number, number, number], singleRoot: boolean): boolean {
  const R = singleRoot ? 2 : 1, size = H * n, B = logs.length / size;
  const gradient = gthAdjointKernel(tape, new Float64Array(B).fill(1), B, n, R, allocF64(logs.length)); // ∂ log det / ∂ rows
  const LOG_TINY = Math.log(TINY);
  for (let b = 0; b < B; b++) {
    let share = 0;
    for (let i = b * size; i < (b + 1) * size; i++) {
      const x = logs[i]!;
      if (x === -Infinity || x >= LOG_TINY) continue;
      const g = gradient[i]!;
      if (!(g >= 0 && g < Infinity)) return false;
      share += Math.exp(x + Math.log(g));
    }
    if (!(share <= 2 ** -60)) return false;
  }
  return true;
}
