/** @file chainMatmul: the product of a chain of matrices, with its gradient from prefix and suffix products in O(n) matrix products. */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { chainCotangents, chainPrefixes, chainValue, prefixView, type Matrix, type OneBuffer, type Prefixes } from '../tensor/kernels/chain.js';
import { residentPlan, residentTape } from '../tensor/kernels/chainResident.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { matmul } from '../ops/linalg.js';
import { stack, take, transpose } from '../ops/shape.js';
import { asMatrix, chainPrimitive, runChain, stackedMatrices, type ChainForward } from './chainNode.js';
import { lend, reclaim, type Loan } from './prefixPool.js';
import type { Holder } from '../core/memory.js';
import { untraced } from './firstOrder.js';
import { extraArguments } from '../core/extraArguments.js';
import { recordedAtFirstOrder } from '../jit/recordTrace.js';
import { recordedForward, recordedValue } from './chainRecorded.js';

const chainMatmulP = chainPrimitive('chainMatmul');
/** The same node over one stacked [n, s, s] input (one leaf, one cotangent). */
const chainMatmulStackP = chainPrimitive('chainMatmulStack');


/** The prefix products P_0 … P_{n−1} as ordinary matmuls (traced: an outer transformation differentiates them). */
function tracedPrefixes(ms: readonly Tensor[]): Tensor[] {
  const out = [ms[0]!];
  for (let i = 1; i < ms.length; i++) out.push(matmul(out[i - 1]!, ms[i]!));
  return out;
}

/*
 * For P = M_0 M_1 ⋯ M_{n−1} with output cotangent Ḡ (Giles 2008 for one product, C = AB:
 * Ā = C̄ Bᵀ, B̄ = Aᵀ C̄; regrouped by associativity around each factor):
 *
 *   M̄_i = P_{i−1}ᵀ · Ḡ S_{i+1}ᵀ,   P_{i−1} = M_0 ⋯ M_{i−1} (prefix),  S_{i+1} = M_{i+1} ⋯ M_{n−1} (suffix).
 *
 * The suffix factor is accumulated with the cotangent already in it, R_i = Ḡ S_{i+1}ᵀ, from
 * R_{n−1} = Ḡ by R_{i−1} = R_i M_iᵀ; so the gradient costs 2(n − 1) matrix products after the
 * n − 1 of the forward pass (leave-one-out products, each formed anew, would cost O(n²)).
 * At first order (plain factors) the prefixes are plain arrays from one kernel and the products
 * of the rule run in the same blocked kernel as `matmul` (../tensor/kernels/chain.ts); under an
 * outer transformation the same formula runs as matmul and transpose ops, so it is
 * differentiated again.
 */
function chainForward(ms: readonly Tensor[], holder: Holder): ChainForward {
  if (untraced(...ms)) return plainForward(ms.map(asMatrix), () => ms, holder, listForm);
  if (!recordedAtFirstOrder(ms)) return tracedForward(ms, listForm);
  return recordedForward(ms, false, (g, needs, later) => listForm.traced(tracedRule(ms, [ms[0]!, ...later], g, listForm.factorNeeds(needs, ms.length)), needs));
}

/** The chain of plain factors `mats` (as tensors, `factors()`, only where an outer transformation traces the cotangent). */
function plainForward(mats: readonly Matrix[], factors: () => readonly Tensor[], holder: Holder, form: Form): ChainForward {
  const n = mats.length;
  const rows = mats[0]!.rows;
  let bytes = 0;
  for (let i = 1; i < n - 1; i++) bytes += rows * mats[i]!.cols * 8;
  // The prefixes: left in the kernel's memory where they fit (chainResident.ts), saved out into
  // chunks when something else needs that memory while this tape can still be pulled back;
  // else carved from chunks at once.
  let P: Prefixes | null = null;
  let loan: Loan | null = null;
  const keep = (p: Prefixes): Prefixes => {
    loan = lend(holder, p.chunks); // the chunks return to the pool when the tape is released
    return (P = p);
  };
  const plan = residentPlan(mats);
  const tape = plan === null ? null : residentTape(mats, plan, (t) => {
    if (holder.released !== true && P === null) keep(t.saveOut(reclaim()));
  });
  if (tape === null) keep(chainPrefixes(mats, reclaim()));
  const prefixes = (): Prefixes => P ?? keep(tape!.saveOut(reclaim()));
  const rule = (g: Tensor, needs: readonly boolean[]): Array<Tensor | null> => {
    const factorNeeds = form.factorNeeds(needs, n);
    if (untraced(g)) {
      const whole: OneBuffer | null = form.oneBuffer ? { array: null } : null;
      const cts = chainCotangents(mats, tape !== null && tape.present ? tape : prefixes(), g.values, factorNeeds, whole);
      return form.plain(cts, mats, needs, whole?.array ?? null);
    }
    const p = prefixes();
    loan!.escaped = true; // the prefixes become tensors an outer tape may keep
    const ms = factors();
    const traced = ms.slice(0, n - 1).map((m, i) => (i === 0 ? m : new Tensor(prefixView(p, i, rows * mats[i]!.cols), [rows, mats[i]!.cols])));
    return form.traced(tracedRule(ms, traced, g, factorNeeds), needs);
  };
  const value = tape !== null ? tape.value : prefixView(P!, n - 1, rows * mats[n - 1]!.cols);
  return { out: new Tensor(value, [rows, mats[n - 1]!.cols]), rule, residuals: [], residualBytes: bytes };
}

/** The chain of traced factors (an outer transformation differentiates it): prefixes and rule as ops. */
function tracedForward(ms: readonly Tensor[], form: Form): ChainForward {
  const P = tracedPrefixes(ms);
  const rule = (g: Tensor, needs: readonly boolean[]) => form.traced(tracedRule(ms, P, g, form.factorNeeds(needs, ms.length)), needs);
  return { out: P[ms.length - 1]!, rule, residuals: P.slice(0, ms.length - 1) };
}

/** How the node's inputs relate to the factors: one input per factor (the list form), or one stack of them. */
interface Form {
  /** Whether the factors' cotangents are wanted in one buffer, in order (where the kernels can leave them so). */
  oneBuffer: boolean;
  /** Which factors' cotangents the rule computes, from which inputs' are needed. */
  factorNeeds(needs: readonly boolean[], n: number): readonly boolean[];
  /** The inputs' cotangents from the factors' plain ones (or, `whole`, all of them in one array, in order). */
  plain(cts: ReadonlyArray<Float64Array | null>, mats: readonly Matrix[], needs: readonly boolean[], whole: Float64Array | null): Array<Tensor | null>;
  /** The inputs' cotangents from the factors' traced ones (ops an outer transformation records). */
  traced(cts: Array<Tensor | null>, needs: readonly boolean[]): Array<Tensor | null>;
}

const listForm: Form = {
  oneBuffer: false,
  factorNeeds: (needs) => needs,
  plain: (cts, mats) => cts.map((c, i) => (c === null ? null : new Tensor(c, [mats[i]!.rows, mats[i]!.cols]))),
  traced: (cts) => cts,
};

/** A stack [n, s, s]: every factor is needed when the stack is, and their cotangents are stacked (one copy). */
const stackForm: Form = {
  oneBuffer: true,
  factorNeeds: (needs, n) => new Array<boolean>(n).fill(Boolean(needs[0])),
  plain: (cts, mats, needs, whole) => {
    if (!needs[0]) return [null];
    const s = mats[0]!.rows, ss = s * s, n = cts.length;
    return [new Tensor(whole ?? inOrder(cts as readonly Float64Array[], n * ss) ?? concatenated(cts as readonly Float64Array[], ss), [n, s, s])];
  },
  traced: (cts, needs) => [needs[0] ? stack(cts as Tensor[], 0) : null],
};

/** The rule as matmul and transpose ops (differentiated again by an outer transformation). */
function tracedRule(ms: readonly Tensor[], P: readonly Tensor[], g: Tensor, needs: readonly boolean[]): Array<Tensor | null> {
  const n = ms.length;
  const cts = new Array<Tensor | null>(n).fill(null);
  const first = needs.findIndex(Boolean); // needs[i] is truthy, not necessarily `true`
  if (first < 0) return cts;
  let R = g;
  for (let i = n - 1; i >= Math.max(first, 1); i--) {
    if (needs[i]) cts[i] = matmul(transpose(P[i - 1]!), R);
    if (i - 1 >= first) R = matmul(R, transpose(ms[i]!));
  }
  if (first === 0) cts[0] = R;
  return cts;
}

function evaluate(ms: Tensor[]): Tensor {
  if (untraced(...ms)) {
    return new Tensor(chainValue(ms.map(asMatrix)), [ms[0]!.shape[0]!, ms[ms.length - 1]!.shape[1]!]);
  }
  if (recordedAtFirstOrder(ms)) return recordedValue(ms, false); // jit: one recorded call
  return ms.reduce((acc, m) => matmul(acc, m)); // forward mode: each product's JVP
}

/**
 * The product M_0 M_1 ⋯ M_{n−1} of 2-D matrices with matching inner extents, multiplied left to
 * right. Its gradient is one node whose rule uses prefix and suffix products: 2(n − 1) matrix
 * products, O(n), and differentiable again (`hvp`, `grad` of `grad`). Square factors of one size
 * may come as one tensor [n, s, s] (M_i = stack[i]; its gradient is then one [n, s, s] tensor).
 * @example
 * const a = ad.tensor([[1, 2]]), b = ad.tensor([[1], [1]]), c = ad.tensor([[3]]);
 * ad.chainMatmul([a, b, c]); // [[9]]
 * ad.chainMatmul(ad.stack([ad.eye(2), ad.eye(2)])); // [[1, 0], [0, 1]]
 */
export function chainMatmul(matrices: readonly TensorLike[] | Tensor): Tensor;
export function chainMatmul(matrices: readonly TensorLike[] | Tensor, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('chainMatmul', 'chainMatmul(matrices)', extra, matrices);
  if (matrices instanceof Tensor) return chainMatmulStacked(matrices);
  if (!Array.isArray(matrices) || matrices.length === 0) {
    throw new InvalidArgumentError('chainMatmul: pass a non-empty array of 2-D matrices, e.g. chainMatmul([A, B, C]).');
  }
  const ms = matrices.map((m, i) => (m instanceof Tensor ? m : asTensor(m, `chainMatmul (matrix ${i})`))); // the message only when needed
  ms.forEach((m, i) => {
    if (m.ndim !== 2) {
      throw new ShapeError(`chainMatmul: matrix ${i} has shape ${formatShape(m.shape)}; every factor must be 2-D (reshape vectors to [1,n] or [n,1]).`);
    }
    if (i > 0 && ms[i - 1]!.shape[1] !== m.shape[0]) {
      throw new ShapeError(
        `chainMatmul: matrix ${i - 1} (${formatShape(ms[i - 1]!.shape)}) and matrix ${i} (${formatShape(m.shape)}) do not line up: ` +
          `the columns of one must equal the rows of the next.`,
      );
    }
  });
  if (ms.length === 1) return ms[0]!;
  return runChain(chainMatmulP, ms, evaluate, chainForward);
}

/**
 * The cotangents as one array when they already are one, in order: the resident sweep, asked for
 * one buffer, leaves a chain's cotangents as views of it one after another (../tensor/kernels/chainResident.ts).
 */
function inOrder(cts: readonly Float64Array[], total: number): Float64Array | null {
  const buffer = cts[0]!.buffer;
  if (cts[0]!.byteOffset !== 0 || buffer.byteLength !== total * 8) return null;
  for (let i = 1, at = cts[0]!.length * 8; i < cts.length; at += cts[i]!.length * 8, i++) {
    if (cts[i]!.buffer !== buffer || cts[i]!.byteOffset !== at) return null;
  }
  return new Float64Array(buffer);
}

/** The cotangents copied one after another into a new array. */
function concatenated(cts: readonly Float64Array[], each: number): Float64Array {
  const out = new Float64Array(cts.length * each);
  for (let i = 0; i < cts.length; i++) out.set(cts[i]!, i * each);
  return out;
}

/** The factors of a stack as [s, s] tensors: views of its buffer where it is plain, else take ops (traced). */
function unstack(stackT: Tensor): Tensor[] {
  const [n, s] = stackT.shape as [number, number, number];
  if (untraced(stackT)) {
    const v = stackT.values;
    return Array.from({ length: n }, (_, i) => new Tensor(v.subarray(i * s * s, (i + 1) * s * s), [s, s]));
  }
  return Array.from({ length: n }, (_, i) => take(stackT, i, 0));
}

/**
 * chainMatmul of a stack [n, s, s]: M_0 ⋯ M_{n−1} with M_i = stack[i]. The same node and kernels
 * as the list form, reading the factors in place, with one input: its gradient is one [n, s, s]
 * tensor, and a function of the stack has one leaf under `grad` where the list form has n.
 */
function chainMatmulStacked(stackT: Tensor): Tensor {
  const [n, r, c] = stackT.shape;
  if (stackT.ndim !== 3 || r !== c || n === 0) {
    throw new ShapeError(
      `chainMatmul: a stacked chain is a tensor [n, s, s] of n ≥ 1 square matrices, got shape ${formatShape(stackT.shape)}; ` +
        `pass matrices of other shapes as an array, chainMatmul([A, B, C]).`,
    );
  }
  if (n === 1) return take(stackT, 0, 0);
  const evaluateStack = ([t]: Tensor[]): Tensor => {
    if (untraced(t!)) return new Tensor(chainValue(stackedMatrices(t!)), [r!, r!]);
    return recordedAtFirstOrder([t!]) ? recordedValue([t!], true) : evaluate(unstack(t!));
  };
  return runChain(chainMatmulStackP, [stackT], evaluateStack, ([t], holder) => {
    if (untraced(t!)) return plainForward(stackedMatrices(t!), () => unstack(t!), holder, stackForm);
    if (!recordedAtFirstOrder([t!])) return tracedForward(unstack(t!), stackForm);
    return recordedForward([t!], true, (g, needs, later) => {
      const ms = unstack(t!);
      return stackForm.traced(tracedRule(ms, [ms[0]!, ...later], g, stackForm.factorNeeds(needs, ms.length)), needs);
    });
  });
}
