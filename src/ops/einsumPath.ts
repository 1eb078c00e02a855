/**
 * @file The order in which einsum contracts its operands — a contraction path, as NumPy's
 * `einsum_path` computes and reports it: the 'greedy' and 'optimal' strategies of
 * numpy/core/einsumfunc.py (the same costs, memory limit, candidate order and tie-breaking, so the
 * same path), an explicit path, or none (left to right).
 *
 * A path is a list of steps; each step names positions in the current list of operands, which are
 * removed and contracted, the result appended at the end (NumPy's convention, and opt_einsum's).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { labelName, type Label } from './einsumSpec.js';

/** NumPy's form of a path: the tag 'einsum_path', then the steps' positions. */
export type EinsumPath = ['einsum_path', ...number[][]];

/**
 * How einsum chooses its path: 'greedy' (the default; NumPy's greedy), 'optimal' (NumPy's
 * exhaustive search: every order of pairs, for few operands), true ('greedy'), false (none: all
 * operands in one step, contracted left to right), a strategy with a memory limit
 * `['greedy', 1e6]` (no intermediate of more elements; NumPy's default limit is the largest
 * operand or output), or an explicit path (`['einsum_path', [0, 1], [0, 1]]`, or the steps alone).
 */
export type EinsumOptimize = boolean | 'greedy' | 'optimal' | readonly ['greedy' | 'optimal', number] | EinsumPath | ReadonlyArray<readonly number[]>;

/** einsum's options. */
export interface EinsumOptions {
  /** The contraction path, or how to choose it (default 'greedy'). */
  readonly optimize?: EinsumOptimize | undefined;
}

/** A problem for the strategies: each operand's labels, the output's, and every label's size. */
interface Problem {
  readonly inputs: readonly Label[][];
  readonly output: readonly Label[];
  readonly sizes: ReadonlyMap<Label, number>;
}

type Labels = ReadonlySet<Label>;

const sizeOf = (labels: Iterable<Label>, sizes: ReadonlyMap<Label, number>): number => {
  let n = 1;
  for (const l of labels) n *= sizes.get(l)!;
  return n;
};

/**
 * NumPy's flop count of one contraction: the size of every label it touches, times the number of
 * products per entry (terms − 1, at least 1), plus one where something is summed.
 */
function flopCount(touched: Labels, summed: boolean, terms: number, sizes: ReadonlyMap<Label, number>): number {
  return sizeOf(touched, sizes) * (Math.max(1, terms - 1) + (summed ? 1 : 0));
}

/** One contraction of `positions` among `sets`: the result's labels, the list after it (result last), what is summed, all labels touched. */
interface Contraction {
  readonly result: Set<Label>;
  readonly remaining: Set<Label>[];
  readonly removed: Set<Label>;
  readonly touched: Set<Label>;
}

function contraction(positions: readonly number[], sets: readonly Labels[], output: Labels): Contraction {
  const touched = new Set<Label>();
  const kept = new Set<Label>(output);
  const remaining: Set<Label>[] = [];
  sets.forEach((s, k) => {
    if (positions.includes(k)) for (const l of s) touched.add(l);
    else {
      remaining.push(new Set(s));
      for (const l of s) kept.add(l);
    }
  });
  const result = new Set([...touched].filter((l) => kept.has(l)));
  const removed = new Set([...touched].filter((l) => !result.has(l)));
  remaining.push(result);
  return { result, remaining, removed, touched };
}

/** A candidate of the greedy search: its sort key (−removed size, cost), its pair, and the list after it. */
interface Candidate {
  readonly key: readonly [number, number];
  readonly pair: readonly [number, number];
  readonly sets: Set<Label>[];
}

const before = (a: readonly [number, number], b: readonly [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/**
 * NumPy's greedy path: at each step, of the pairs sharing a label (all pairs where none do), the
 * one whose result removes the most elements (operands' sizes − result's size), ties to the fewer
 * flops and then to the earlier candidate; pairs whose result exceeds the memory limit, or whose
 * cost would bring the path's past the naive cost, are never taken. Candidates not involving the
 * contracted pair carry over to the next step (their positions moved as NumPy moves them), and
 * only pairs with the new result are added. Where no pair is allowed, one last step takes every
 * operand left.
 */
function greedyPath(inputSets: readonly Labels[], output: Labels, sizes: ReadonlyMap<Label, number>, limit: number): number[][] {
  if (inputSets.length === 1) return [[0]];
  if (inputSets.length === 2) return [[0, 1]];
  const all = contraction(inputSets.map((_, k) => k), inputSets, output);
  const naive = flopCount(all.touched, all.removed.size > 0, inputSets.length, sizes);
  let sets = inputSets.map((s) => new Set(s));
  let known: Candidate[] = [];
  let pathCost = 0;
  const path: number[][] = [];
  const consider = (i: number, j: number): void => {
    const c = contraction([i, j], sets, output);
    const size = sizeOf(c.result, sizes);
    if (size > limit) return;
    const removedSize = sizeOf(sets[i]!, sizes) + sizeOf(sets[j]!, sizes) - size;
    const cost = flopCount(c.touched, c.removed.size > 0, 2, sizes);
    if (pathCost + cost > naive) return;
    known.push({ key: [-removedSize, cost], pair: [i, j], sets: c.remaining });
  };
  const disjoint = (a: Labels, b: Labels) => ![...a].some((l) => b.has(l));
  let pairs: Array<[number, number]> = [];
  for (let i = 0; i < sets.length; i++) for (let j = i + 1; j < sets.length; j++) pairs.push([i, j]);
  for (let step = 0; step < inputSets.length - 1; step++) {
    for (const [i, j] of pairs) if (!disjoint(sets[i]!, sets[j]!)) consider(i, j);
    if (known.length === 0) {
      for (let i = 0; i < sets.length; i++) for (let j = i + 1; j < sets.length; j++) consider(i, j);
      if (known.length === 0) {
        path.push(sets.map((_, k) => k));
        break;
      }
    }
    let best = known[0]!;
    for (const c of known) if (before(c.key, best.key)) best = c;
    known = carriedOver(known, best);
    sets = best.sets;
    const last = sets.length - 1;
    pairs = Array.from({ length: last }, (_, i) => [i, last] as [number, number]);
    path.push([...best.pair]);
    pathCost += best.key[1];
  }
  return path;
}

/**
 * The candidates that survive contracting `best` (NumPy's _update_other_results): those not
 * involving its pair, with their lists and positions as they are once `best`'s pair is gone and
 * its result appended.
 */
function carriedOver(known: readonly Candidate[], best: Candidate): Candidate[] {
  const [bx, by] = best.pair;
  const made = best.sets[best.sets.length - 1]!;
  const out: Candidate[] = [];
  for (const { key, pair: [x, y], sets } of known) {
    if (x === bx || x === by || y === bx || y === by) continue;
    const moved = sets.slice();
    moved.splice(by - +(by > x) - +(by > y), 1);
    moved.splice(bx - +(bx > x) - +(bx > y), 1);
    moved.splice(moved.length - 1, 0, made);
    out.push({ key, pair: [x - +(x > bx) - +(x > by), y - +(y > bx) - +(y > by)], sets: moved });
  }
  return out;
}

/**
 * NumPy's optimal path: every sequence of pairwise contractions within the memory limit, the one
 * of least total flops (the first found among equals). Exhaustive — (n!)²/2ⁿ⁻¹/n sequences for n
 * operands: 2,700 at 6, 1.6 million at 8.
 */
function optimalPath(inputSets: readonly Labels[], output: Labels, sizes: ReadonlyMap<Label, number>, limit: number): number[][] {
  let full: Array<{ cost: number; path: number[][]; sets: Labels[] }> = [{ cost: 0, path: [], sets: inputSets.slice() }];
  for (let step = 0; step < inputSets.length - 1; step++) {
    const next: typeof full = [];
    const n = inputSets.length - step;
    for (const { cost, path, sets } of full) {
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const c = contraction([i, j], sets, output);
          if (sizeOf(c.result, sizes) > limit) continue;
          next.push({ cost: cost + flopCount(c.touched, c.removed.size > 0, 2, sizes), path: [...path, [i, j]], sets: c.remaining });
        }
      }
    }
    if (next.length === 0) return [...cheapest(full).path, Array.from({ length: n }, (_, k) => k)];
    full = next;
  }
  return cheapest(full).path;
}

const cheapest = <T extends { cost: number }>(xs: readonly T[]): T => xs.reduce((best, x) => (x.cost < best.cost ? x : best));

/** The steps of an explicit path, checked against the operand count (each step's positions distinct and present; one operand at the end). */
function explicitSteps(op: string, steps: readonly unknown[], operands: number): number[][] {
  let count = operands;
  const out = steps.map((step, s) => {
    if (!Array.isArray(step) || step.length === 0 || !step.every((p) => Number.isInteger(p) && p >= 0 && p < count) || new Set(step).size !== step.length) {
      throw new InvalidArgumentError(
        `${op}: step ${s} of the path is ${describe(step)}; each step lists distinct positions among the ${count} operand${count === 1 ? '' : 's'} left ` +
          `(contracted ones go, their result is appended), e.g. ['einsum_path', [0, 1], [0, 1]] for three operands.`,
      );
    }
    count -= step.length - 1;
    return step.map(Number);
  });
  if (count !== 1) {
    throw new InvalidArgumentError(`${op}: the path leaves ${count} operands uncontracted (NumPy: 'Invalid einsum_path is specified'); its steps must end with one.`);
  }
  return out;
}

/** The strategy and memory limit of `optimize`, or the explicit steps. */
function readOptimize(op: string, optimize: unknown): { strategy: 'greedy' | 'optimal' | 'none'; limit: number | null } | { steps: readonly unknown[] } {
  if (optimize === undefined || optimize === true || optimize === 'greedy') return { strategy: 'greedy', limit: null };
  if (optimize === false) return { strategy: 'none', limit: null };
  if (optimize === 'optimal') return { strategy: 'optimal', limit: null };
  if (Array.isArray(optimize)) {
    if (optimize[0] === 'einsum_path') return { steps: optimize.slice(1) };
    if (optimize.length === 2 && (optimize[0] === 'greedy' || optimize[0] === 'optimal') && typeof optimize[1] === 'number' && optimize[1] >= 0) {
      return { strategy: optimize[0], limit: Math.floor(optimize[1]) };
    }
    if (optimize.every((s) => Array.isArray(s))) return { steps: optimize };
  }
  throw new InvalidArgumentError(
    `${op}: optimize must be 'greedy', 'optimal', true, false, a strategy with a memory limit (['greedy', 1e6]) or a path ` +
      `(['einsum_path', [0, 1], [0, 1]]), got ${describe(optimize)}.`,
  );
}

/**
 * The contraction path for `problem` under `optimize` (NumPy's einsum_path): the strategies'
 * memory limit is by default the largest operand or the output (counted with repeated labels, as
 * NumPy counts them); with one or two operands, or nothing summed, the path is one step of all.
 */
export function contractionPath(op: string, problem: Problem, optimize: unknown): number[][] {
  const { inputs, output, sizes } = problem;
  const how = readOptimize(op, optimize);
  if ('steps' in how) return explicitSteps(op, how.steps, inputs.length);
  const inputSets = inputs.map((ls) => new Set(ls));
  const outputSet = new Set(output);
  const labels = new Set(inputs.flat());
  const everything = [inputs.map((_, k) => k)];
  if (how.strategy === 'none' || inputs.length <= 2 || [...labels].every((l) => outputSet.has(l))) return everything;
  const limit = how.limit ?? Math.max(...[...inputs, output].map((ls) => sizeOf(ls, sizes)));
  return how.strategy === 'greedy' ? greedyPath(inputSets, outputSet, sizes, limit) : optimalPath(inputSets, outputSet, sizes, limit);
}

/** A label's letter in the report: its own, or for a broadcast axis of '...' one the spec leaves unused. */
function letterer(problem: Problem): (l: Label) => string {
  const used = new Set(problem.inputs.flat().filter((l) => l >= 0));
  const spare = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((c) => !used.has(c.charCodeAt(0)));
  return (l) => (l >= 0 ? String.fromCharCode(l) : spare[-1 - l] ?? labelName(l));
}

/**
 * The decimal digits of a finite x ≥ 0 rounded to `places` after the point (negative: before it),
 * halves to even, as Python's '%f' and '%e' round (JavaScript's toFixed rounds halves up:
 * 21/16 = 1.3125 gives '1.313' there, '1.312' in NumPy's report). Returns the digits as an integer
 * string and the power of ten of its last digit.
 */
function roundHalfEven(x: number, places: number): { digits: string; exponent: number } {
  const exact = Number.isInteger(x) ? BigInt(x).toString() : x.toFixed(100); // the double's value, exactly (to 100 places)
  const [whole, fraction = ''] = exact.split('.');
  const all = whole! + fraction.padEnd(Math.max(places, 0), '0');
  const keep = whole!.length + places; // digits kept, counted from the left
  if (keep <= 0) return { digits: '0', exponent: -places };
  const kept = all.slice(0, keep), rest = all.slice(keep);
  const up = rest.length > 0 && (rest[0]! > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || Number(kept[kept.length - 1] ?? '0') % 2 === 1)));
  const digits = (BigInt(kept === '' ? '0' : kept) + (up ? 1n : 0n)).toString();
  return { digits, exponent: -places };
}

/** Python's '%.3f' of x ≥ 0. */
function fixed3(x: number): string {
  const { digits } = roundHalfEven(x, 3);
  const padded = digits.padStart(4, '0');
  return `${padded.slice(0, -3)}.${padded.slice(-3)}`;
}

/** Python's '%.3e' of x ≥ 0: three decimals, an exponent of at least two digits, halves to even. */
function sci(x: number): string {
  if (x === 0) return '0.000e+00';
  let e = Math.floor(Math.log10(x));
  let { digits } = roundHalfEven(x, 3 - e);
  if (digits.length > 4) {
    e += digits.length - 4; // log10's guess was low, or the rounding carried (9.9996e2 → 1.000e+03)
    digits = roundHalfEven(x, 3 - e).digits;
  } else if (digits.length < 4) {
    e -= 1;
    digits = roundHalfEven(x, 3 - e).digits;
  }
  return `${digits[0]}.${digits.slice(1)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/**
 * NumPy's report of a path (einsum_path's second result): the naive and optimized scaling and flop
 * counts, the largest intermediate, and each step's contraction with what is left after it. An
 * intermediate's subscripts are sorted by (size, letter), the last step's are the output's.
 */
export function pathReport(problem: Problem, steps: readonly number[][]): string {
  const { inputs, output, sizes } = problem;
  const letter = letterer(problem);
  const word = (ls: Iterable<Label>) => [...ls].map(letter).join('');
  const outputWord = word(output);
  const labels = new Set(inputs.flat());
  let sets: Labels[] = inputs.map((ls) => new Set(ls));
  const outputSet = new Set(output);
  const terms = inputs.map(word);
  const inner = inputs.reduce((n, ls) => n + new Set(ls).size, 0) - labels.size > 0;
  const naive = flopCount(labels, inner, inputs.length, sizes);
  const rows: string[] = [];
  let cost = 0, scaling = 0, largest = 0;
  steps.forEach((step, s) => {
    const positions = [...step].sort((a, b) => b - a);
    const c = contraction(positions, sets, outputSet);
    sets = c.remaining;
    cost += flopCount(c.touched, c.removed.size > 0, positions.length, sizes);
    scaling = Math.max(scaling, c.touched.size);
    largest = Math.max(largest, sizeOf(c.result, sizes));
    const taken = positions.map((p) => terms.splice(p, 1)[0]!);
    const result = s === steps.length - 1 ? outputWord : [...c.result].map((l) => [sizes.get(l)!, letter(l)] as const)
      .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map((x) => x[1]).join('');
    terms.push(result);
    rows.push(`\n${String(c.touched.size).padStart(4)}    ${`${taken.join(',')}->${result}`.padStart(24)} ${`${terms.join(',')}->${outputWord}`.padStart(40)}`);
  });
  const optimized = cost + 1;
  return (
    `  Complete contraction:  ${inputs.map(word).join(',')}->${outputWord}\n` +
    `         Naive scaling:  ${labels.size}\n` +
    `     Optimized scaling:  ${scaling}\n` +
    `      Naive FLOP count:  ${sci(naive)}\n` +
    `  Optimized FLOP count:  ${sci(optimized)}\n` +
    `   Theoretical speedup:  ${fixed3(naive / optimized)}\n` +
    `  Largest intermediate:  ${sci(largest)} elements\n` +
    `${'-'.repeat(74)}\n` +
    `${'scaling'.padStart(6)} ${'current'.padStart(24)} ${'remaining'.padStart(40)}\n` +
    `${'-'.repeat(74)}` +
    rows.join('')
  );
}
