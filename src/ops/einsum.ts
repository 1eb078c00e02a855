/**
 * @file einsum with NumPy's subscripts, evaluated as a sequence of ordinary differentiable ops:
 * diagonals by `take`, lone subscripts by `sum`, pairwise contractions by transpose + reshape +
 * `matmul` (the SIMD gemm kernels) in a greedy order, so gradients and higher orders come free.
 */
import { transpose, reshape, take } from './shape.js';
import { mul } from './binary.js';
import { sum } from './reduce.js';
import { mm } from './linalg.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { parseEinsum, type Label } from './einsumSpec.js';
import { sublistSpec, type EinsumSublist } from './einsumSublist.js';
import { contractionPath, pathReport, type EinsumOptions, type EinsumPath } from './einsumPath.js';
import { knownOptions } from './optionChecks.js';
import { isPlainObject } from '../core/pytree.js';

/** An intermediate: a tensor and the label of each of its axes. */
interface Term { readonly t: Tensor; readonly labels: readonly Label[] }

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
const lengths = (term: Term, labels: readonly Label[]) => labels.map((l) => term.t.shape[term.labels.indexOf(l)]!);

/** `term` with its axes in the order of `labels` (a permutation of its own; no copy if already so). */
function arrange(term: Term, labels: readonly Label[]): Tensor {
  return transpose(term.t, labels.map((l) => term.labels.indexOf(l)));
}

/** A repeated label within one operand ('ii') takes the diagonal: both axes to the end, flattened, every (n+1)-th entry. */
function diagonals(term: Term): Term {
  let { t, labels } = term;
  for (let b = 1; b < labels.length; b++) {
    const a = labels.indexOf(labels[b]!);
    if (a === b) continue;
    const n = t.shape[a]!;
    const rest = labels.flatMap((_, k) => (k === a || k === b ? [] : [k]));
    const flat = reshape(transpose(t, [...rest, a, b]), [...rest.map((k) => t.shape[k]!), n * n]);
    t = take(flat, Int32Array.from({ length: n }, (_, i) => i * (n + 1)), -1);
    labels = [...rest.map((k) => labels[k]!), labels[a]!];
    b = 0; // the labels moved; look again from the start
  }
  return { t, labels };
}

/** Axes of length 1 whose label is longer elsewhere are broadcast: the operand is constant along them, so they go. */
function dropBroadcast(term: Term, sizes: ReadonlyMap<Label, number>): Term {
  const keep = term.labels.map((l, k) => term.t.shape[k] !== 1 || sizes.get(l) === 1);
  if (keep.every(Boolean)) return term;
  return { t: reshape(term.t, term.t.shape.filter((_, k) => keep[k])), labels: term.labels.filter((_, k) => keep[k]) };
}

/** Sums the labels of `terms[i]` that neither the output nor another term uses. */
function sumLoneLabels(terms: readonly Term[], i: number, output: readonly Label[]): Term {
  const term = terms[i]!;
  const used = (l: Label) => output.includes(l) || terms.some((other, k) => k !== i && other.labels.includes(l));
  const axes = term.labels.flatMap((l, k) => (used(l) ? [] : [k]));
  if (axes.length === 0) return term;
  return { t: sum(term.t, axes), labels: term.labels.filter((l) => used(l)) };
}

/** The labels the contraction of terms i and j must keep: those the output or another term uses. */
function keptLabels(terms: readonly Term[], i: number, j: number, output: readonly Label[]): Set<Label> {
  const keep = new Set<Label>();
  for (const l of [...terms[i]!.labels, ...terms[j]!.labels]) {
    if (output.includes(l) || terms.some((t, k) => k !== i && k !== j && t.labels.includes(l))) keep.add(l);
  }
  return keep;
}

/**
 * The pair to contract next among the first `among` terms (a step of the path), greedily: the one
 * whose result is smallest relative to its operands (result size − operand sizes), ties to the
 * fewer multiplications. Outer products grow the data and so come last.
 */
function nextPair(terms: readonly Term[], among: number, output: readonly Label[], sizes: ReadonlyMap<Label, number>): [number, number] {
  let best: [number, number] = [0, 1], bestCost = Infinity, bestFlops = Infinity;
  const size = (ls: Iterable<Label>) => product([...ls].map((l) => sizes.get(l)!));
  for (let i = 0; i < among; i++) {
    for (let j = i + 1; j < among; j++) {
      const cost = size(keptLabels(terms, i, j, output)) - terms[i]!.t.size - terms[j]!.t.size;
      const flops = size(new Set([...terms[i]!.labels, ...terms[j]!.labels]));
      if (cost < bestCost || (cost === bestCost && flops < bestFlops)) [best, bestCost, bestFlops] = [[i, j], cost, flops];
    }
  }
  return best;
}

/**
 * `term` as a batch of matrices [batch, rows, cols], or [batch, cols, rows] with the transpose
 * flag when that is already its layout (then no copy is made).
 */
function asMatrices(term: Term, batch: Label[], rows: Label[], cols: Label[]): [Tensor, boolean] {
  const plain = [...batch, ...rows, ...cols], swapped = [...batch, ...cols, ...rows];
  const trans = term.labels.some((l, k) => l !== plain[k]) && term.labels.every((l, k) => l === swapped[k]);
  const [r, c] = [product(lengths(term, rows)), product(lengths(term, cols))];
  const matrix = trans ? [c, r] : [r, c];
  return [reshape(arrange(term, trans ? swapped : plain), batch.length ? [product(lengths(term, batch)), ...matrix] : matrix), trans];
}

/** The labels' roles in the contraction of a and b, and the result's labels [batch, left, right]. */
function roles(a: Term, b: Term, keep: ReadonlySet<Label>) {
  const batch = a.labels.filter((l) => b.labels.includes(l) && keep.has(l));
  const summed = a.labels.filter((l) => b.labels.includes(l) && !keep.has(l));
  const left = a.labels.filter((l) => !b.labels.includes(l));
  const right = b.labels.filter((l) => !a.labels.includes(l));
  return { batch, summed, left, right, labels: [...batch, ...left, ...right] };
}

/**
 * Contracts two terms, keeping `keep`: shared kept labels are a batch, shared others are summed by
 * a matrix product, the rest are rows (of a) and columns (of b). Without a summed label it is a
 * broadcasting product.
 */
function contract(a: Term, b: Term, keep: ReadonlySet<Label>): Term {
  const { batch, summed, left, right, labels } = roles(a, b, keep);
  const [bs, ls, rs] = [lengths(a, batch), lengths(a, left), lengths(b, right)];
  if (summed.length === 0) {
    const x = reshape(arrange(a, [...batch, ...left]), [...bs, ...ls, ...rs.map(() => 1)]);
    const y = reshape(arrange(b, [...batch, ...right]), [...bs, ...ls.map(() => 1), ...rs]);
    return { t: mul(x, y), labels };
  }
  const [x, transA] = asMatrices(a, batch, left, summed);
  const [y, transB] = asMatrices(b, batch, summed, right);
  return { t: reshape(mm(x, y, transA, transB), [...bs, ...ls, ...rs]), labels };
}

/**
 * Einstein summation, as NumPy's `einsum`: `spec` lists one term of subscripts per operand,
 * separated by commas, then optionally `->` and the output's subscripts. Subscripts in several
 * places multiply; those not in the output are summed. Without `->` the output is the subscripts
 * used exactly once, in alphabetical (ASCII) order. `...` stands for broadcast axes (aligned on the
 * right, put first in an implicit output); a subscript repeated within one term takes a diagonal
 * (`'ii->i'`, `'ii'` is the trace); axes of length 1 broadcast. Several operands are contracted a
 * pair at a time, each pair by one `matmul`, in the order of NumPy's greedy path (`einsumPath`);
 * a trailing `{ optimize }` chooses another ('optimal', false, a memory limit, or a path).
 *
 * The sublist form (NumPy's, and jnp.einsum's) is `einsum(a, [0, 1], b, [1, 2], [0, 2])`: each
 * operand followed by its subscripts as integers in [0, 52), an optional output list last, and the
 * string '...' where NumPy writes `Ellipsis`; 0–51 read as 'A'–'Z', 'a'–'z', so an implicit output
 * is in integer order.
 * @example
 * const a = ad.tensor([[1, 2], [3, 4]]), b = ad.tensor([[5, 6], [7, 8]]);
 * ad.einsum('ij,jk->ik', a, b).toArray();    // => [[19, 22], [43, 50]]
 * ad.einsum('ii', a).item();                  // => 5
 * ad.einsum('ij->j', a).toArray();            // => [4, 6]
 * ad.einsum(a, [0, 1], b, [1, 2], [0, 2]).toArray(); // => [[19, 22], [43, 50]]
 */
export function einsum(spec: string, ...operands: TensorLike[]): Tensor;
export function einsum(spec: string, ...operandsThenOptions: [...TensorLike[], EinsumOptions]): Tensor;
export function einsum(...operandsAndSublists: Array<TensorLike | EinsumSublist | EinsumOptions>): Tensor;
export function einsum(spec: string | TensorLike | EinsumSublist | EinsumOptions, ...rest: Array<TensorLike | EinsumSublist | EinsumOptions>): Tensor {
  const { args, optimize } = withOptions('einsum', [spec, ...rest]);
  if (typeof args[0] === 'string') return einsumOf(args[0], args.slice(1) as TensorLike[], optimize);
  const sublists = sublistSpec(args);
  try {
    return einsumOf(sublists.spec, sublists.operands, optimize);
  } catch (e) { // the spec's message names letters the caller did not write: say how the sublists were read
    if (!(e instanceof ShapeError || e instanceof InvalidArgumentError)) throw e;
    throw new (e instanceof ShapeError ? ShapeError : InvalidArgumentError)(`${e.message} (The sublists were read as the spec '${sublists.spec}': 0–25 as 'A'–'Z', 26–51 as 'a'–'z'.)`);
  }
}

/** The arguments without a trailing options object (a plain object last), and its `optimize`. */
function withOptions(op: string, all: readonly unknown[]): { args: unknown[]; optimize: unknown } {
  const last = all[all.length - 1];
  if (all.length < 2 || !isPlainObject(last)) return { args: [...all], optimize: undefined };
  knownOptions(op, last, ['optimize'], "{ optimize: 'optimal' }");
  return { args: all.slice(0, -1), optimize: last['optimize'] };
}

function einsumOf(spec: string, operands: readonly TensorLike[], optimize: unknown): Tensor {
  if (operands.length === 0) {
    throw new InvalidArgumentError(`einsum: no operands for '${spec}'; pass the tensors after the spec, e.g. einsum('ij,jk->ik', a, b).`);
  }
  const ts = operands.map((x) => asTensor(x, 'einsum'));
  const { inputs, output, sizes } = parseEinsum(spec, ts.map((t) => t.shape));
  const path = contractionPath('einsum', { inputs, output, sizes }, optimize);
  let terms = ts.map((t, i) => dropBroadcast(diagonals({ t, labels: inputs[i]! }), sizes));
  terms = terms.map((_, i) => sumLoneLabels(terms, i, output));
  for (const step of path) {
    // The step's operands first, the others after; pairs taken among the step's (a step of more
    // than two: its products in the greedy pair order), the result appended, as NumPy's paths say.
    let group = step.map((p) => terms[p]!);
    const rest = terms.filter((_, k) => !step.includes(k));
    while (group.length > 1) {
      const all = [...group, ...rest];
      const [i, j] = nextPair(all, group.length, output, sizes);
      const keep = keptLabels(all, i, j, output);
      // The last product can often come out in the output's order if the other operand gives its rows.
      const inOrder = (x: Term, y: Term) => roles(x, y, keep).labels.every((l, k) => l === output[k]);
      const last = group.length === 2 && rest.length === 0;
      const swap = last && !inOrder(group[i]!, group[j]!) && inOrder(group[j]!, group[i]!);
      const joined = swap ? contract(group[j]!, group[i]!, keep) : contract(group[i]!, group[j]!, keep);
      group = [...group.filter((_, k) => k !== i && k !== j), joined];
    }
    terms = [...rest, group[0]!];
  }
  return arrange(terms[0]!, output);
}

/**
 * The contraction path einsum takes for these operands, and NumPy's report of it
 * (numpy.einsum_path, jnp.einsum_path): `[['einsum_path', ...steps], report]`, each step the
 * positions contracted among the operands left (the result appended at the end). The default is
 * NumPy's greedy strategy, which einsum itself follows, so the path is the one einsum runs; a
 * trailing `{ optimize }` asks for 'optimal' (NumPy's exhaustive search), false (one step) or a
 * memory limit, as in einsum. The path can be passed back: `einsum(spec, a, b, c, { optimize: path })`.
 * Spec and sublist forms as einsum's; only the operands' shapes are read.
 * @example
 * const a = ad.ones([2, 30]), b = ad.ones([30, 40]), c = ad.ones([40, 2]);
 * const [path] = ad.einsumPath('ij,jk,kl->il', a, b, c);
 * path; // => ['einsum_path', [1, 2], [0, 1]]
 */
export function einsumPath(spec: string, ...operands: TensorLike[]): [EinsumPath, string];
export function einsumPath(spec: string, ...operandsThenOptions: [...TensorLike[], EinsumOptions]): [EinsumPath, string];
export function einsumPath(...operandsAndSublists: Array<TensorLike | EinsumSublist | EinsumOptions>): [EinsumPath, string];
export function einsumPath(spec: string | TensorLike | EinsumSublist | EinsumOptions, ...rest: Array<TensorLike | EinsumSublist | EinsumOptions>): [EinsumPath, string] {
  const { args, optimize } = withOptions('einsumPath', [spec, ...rest]);
  const form = typeof args[0] === 'string' ? { spec: args[0], operands: args.slice(1) as TensorLike[] } : sublistSpec(args);
  if (form.operands.length === 0) {
    throw new InvalidArgumentError(`einsumPath: no operands for '${form.spec}'; pass the tensors after the spec, e.g. einsumPath('ij,jk,kl->il', a, b, c).`);
  }
  const shapes = form.operands.map((x) => asTensor(x, 'einsumPath').shape);
  const problem = parseEinsum(form.spec, shapes);
  const steps = contractionPath('einsumPath', problem, optimize);
  return [['einsum_path', ...steps], pathReport(problem, steps)];
}
