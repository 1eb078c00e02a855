/**
 * @file The code generator of jit's fused elementwise loops (elementwiseFusion.ts plans the
 * groups): one JavaScript function per group structure, with the expressions of the scalar ops
 * (`scalarExpression`), so a fused loop computes each element bit for bit as the kernels do.
 */
import { scalarExpression, scalarForward } from '../core/scalarOps.js';
import { rowSum } from '../tensor/kernels/rowSum.js';
import { transientFailure } from '../core/transient.js';

/** `where`'s code inside a group (the 0-d codes are below SCALAR_CODE_LIMIT, 48). */
export const WHERE = 64;
export type Reduction = 'sum' | 'max' | 'min' | 'logsumexp';
export const REDUCTIONS: ReadonlySet<string> = new Set(['sum', 'max', 'min', 'logsumexp']);
/** What a group ends in: nothing (its root is elementwise), a reduction, or logsumexp's fused VJP. */
export type Ending = { readonly kind: 'map' } | { readonly kind: Reduction | 'softmaxVjp'; readonly axes: readonly number[] };

/** exp over the first n entries of an array, in place, with Math.exp's values to the bit. */
export type VectorExp = (x: Float64Array, n: number) => void;

/**
 * A generated group body. L: the leaves' arrays; O: the kept members' outputs; P: sizes and
 * strides (see `generate`); R: the reduction's output (the VJP's: its g); Y: the VJP's y; S: sums;
 * W: a domain-sized scratch array (the VJP's output); vexp: a vector exp, or null for Math.exp;
 * Q: the epilogue's output.
 */
export type FusedFn = (
  L: Float64Array[], O: Float64Array[], P: Int32Array, R: Float64Array | null, Y: Float64Array | null, S: Float64Array | null,
  W: Float64Array | null, vexp: VectorExp | null, Q: Float64Array | null,
) => void;


/** What a group body's source depends on (its cache key). */
export interface Structure {
  readonly depth: number;
  /** Distinct stride rows, and the row of each array: leaves, kept members, r, w. */
  readonly pointers: number;
  readonly pointerOf: readonly number[];
  readonly nLeaves: number;
  readonly nodes: ReadonlyArray<{ readonly code: number; readonly ins: readonly string[] }>;
  /** The nodes written out, in order. */
  readonly kept: readonly number[];
  readonly ending: Ending['kind'];
  readonly operand: string | null;
  readonly scratch: boolean;
  readonly epilogue: Epilogue['op'] | null;
  /**
   * The VJP's sums and the epilogue's sum add contiguous rows of W (kernels/rowSum.ts), as the
   * eager kernels do where the reduced axes are followed only by length-1 axes.
   */
  readonly rows: boolean;
  readonly epilogueRows: boolean;
  /**
   * Where the loop nest's reduced axes begin when they are its innermost (no inner axes), else
   * −1: a reduction then folds each row into a local (a register, not R's memory), and a sum
   * collects the row's values into W (a row long) and adds them with rowSum, as the eager kernel.
   */
  readonly rowDepth: number;
  /**
   * Each pointer's stride along the innermost axis when it is 0 or 1 (−1: another): the innermost
   * loop then steps it by a constant, or not at all (about 15 % faster than a stride read from P).
   */
  readonly innerSteps: readonly number[];
}

/** A reduction of the softmax VJP's output folded into its last pass. */
export interface Epilogue {
  readonly slot: number;
  readonly op: 'sum' | 'max' | 'min';
  readonly axes: readonly number[];
}

/**
 * The source of one group structure. P holds the loop sizes n0…n(D−1), then each distinct stride
 * row: the strides of pointer k along axis d at P[D + k·D + d]. Arrays, in order: the leaves, the
 * kept nodes, r (the reduced layout: R, and the VJP's g and y) and w (the domain, row-major: W).
 */
export function generate(st: Structure): FusedFn | null | undefined {
  const { depth, pointerOf, nLeaves, nodes, kept, ending, operand, scratch, epilogue, rows, epilogueRows, rowDepth } = st;
  const nKept = kept.length;
  const ptr = (array: number) => pointerOf[array]!;
  const R_ = nLeaves + nKept, W_ = R_ + 1, E_ = W_ + 1;
  const head: string[] = [];
  for (let d = 0; d < depth; d++) head.push(`const n${d} = P[${d}];`);
  for (let k = 0; k < st.pointers; k++) for (let d = 0; d < depth; d++) head.push(`const p${k}s${d} = P[${depth + k * depth + d}];`);
  for (let i = 0; i < nLeaves; i++) head.push(`const L${i} = L[${i}];`);
  for (let i = 0; i < nKept; i++) head.push(`const O${i} = O[${i}];`);
  /** The innermost index of array `i`. */
  const at = (i: number) => `p${ptr(i)}_${depth - 1}`;
  /**
   * A loop nest over the axes moving the pointers of `arrays`, around `body`; `row`'s code, if
   * given, runs before and after the loops from axis rowDepth inwards (once per row).
   */
  const nest = (arrays: readonly number[], body: readonly string[], row?: { before: string; after: string }): string => {
    const ps = [...new Set(arrays.map(ptr))];
    let open = '', close = '';
    for (let d = 0; d < depth; d++) {
      const hook = row !== undefined && d === rowDepth;
      open += `${hook ? `${row.before}\n` : ''}${ps.map((k) => `let p${k}_${d} = ${d === 0 ? 0 : `p${k}_${d - 1}`};`).join(' ')}\nfor (let i${d} = 0; i${d} < n${d}; i${d}++) {\n`;
      const step = (k: number) => {
        const c = d === depth - 1 ? st.innerSteps[k]! : -1;
        return c === 0 ? '' : c === 1 ? `p${k}_${d}++;` : `p${k}_${d} += p${k}s${d};`;
      };
      close = `${ps.map(step).join(' ')}\n}\n${hook ? `${row.after}\n` : ''}` + close;
    }
    return `{\n${open}${body.join('\n')}\n${close}}`;
  };
  /** The reduced layout's index of the row a `row` hook is in. */
  const rowIndex = rowDepth <= 0 ? '0' : `p${ptr(nLeaves + nKept)}_${rowDepth - 1}`;
  // The elementwise part: leaves loaded once, each node by its kernel's expression, kept ones written.
  const leaves = Array.from({ length: nLeaves }, (_, i) => i);
  const values: string[] = leaves.map((i) => `const l${i} = L${i}[${at(i)}];`);
  nodes.forEach((x, j) => {
    const e = x.code === WHERE ? `(${x.ins[0]} !== 0 ? ${x.ins[1]} : ${x.ins[2]})` : scalarExpression(x.code, x.ins[0]!, x.ins[1] ?? x.ins[0]!);
    values.push(`const t${j} = ${e};`);
  });
  kept.forEach((j, i) => values.push(`O${i}[${at(nLeaves + i)}] = t${j};`));
  const first = [...leaves, ...kept.map((_, i) => nLeaves + i)];
  const src: string[] = [...head];
  const v = operand!;
  const r = at(R_), w = at(W_);
  /**
   * logsumexp's second pass: m + log Σ exp(x − m) per output with a finite maximum m (m − m === 0),
   * else m. The operand is W (scratch) or a kept node, laid out as W. With a vector exp, as
   * logsumexpVector: x − m (0 for a non-finite m) into W, exp over W, then the sums: the same
   * terms. With `row`, each row's sum in a local.
   */
  const logsumexpSums = (row: { before: string; after: string } | undefined): void => {
    const x = scratch ? 'W' : `O${kept.indexOf(Number(v.slice(1)))}`;
    const acc = row === undefined ? `S[${r}]` : 'a';
    src.push('if (vexp !== null) {');
    src.push(nest([R_, W_], [`{ const m = R[${r}]; W[${w}] = ${x}[${w}] - (m - m === 0 ? m : 0); }`]));
    src.push('vexp(W, W.length);');
    src.push(nest([R_, W_], [`${acc} += W[${w}];`], row));
    src.push('} else {');
    src.push(nest([R_, W_], [`{ const m = R[${r}]; if (m - m === 0) ${acc} += Math.exp(${x}[${w}] - m); }`], row));
    src.push('}');
    src.push('for (let q = 0; q < R.length; q++) { const m = R[q]; if (m - m === 0) R[q] = m + Math.log(S[q]); }');
  };
  if (ending === 'map') {
    src.push(nest(first, values));
  } else if (ending === 'softmaxVjp') {
    // kernels/reduce.ts softmaxVjp(Vector): e = exp(x − y) (−∞ read as 0), s = Σ e in order,
    // then g · e · (1/s) with the strong zero, an empty sum read as 1.
    // A +∞ row (y = +∞): exponent 0 at the entries at +∞ and −∞ elsewhere (kernels/reduce.ts infiniteShift).
    const shift = `const y = Y[${r}]; const d = y === Infinity ? (${v} === Infinity ? 0 : -Infinity) : ${v} - (y === -Infinity ? 0 : y);`;
    src.push('if (vexp !== null) {');
    src.push(nest([...first, R_, W_], [...values, `{ ${shift} W[${w}] = d; }`]));
    src.push('vexp(W, W.length);');
    if (!rows) src.push(nest([R_, W_], [`S[${r}] += W[${w}];`]));
    src.push('} else {');
    src.push(nest([...first, R_, W_], [...values, `{ ${shift} const e = Math.exp(d); W[${w}] = e;${rows ? '' : ` S[${r}] += e;`} }`]));
    src.push('}');
    if (rows) src.push(rowSums('S'));
    src.push('for (let q = 0; q < S.length; q++) S[q] = 1 / (S[q] === 0 ? 1 : S[q]);');
    const product = `const g = R[${r}]; const e = W[${w}] * S[${r}]; const o = g === 0 || e === 0 ? 0 : g * e; W[${w}] = o;`;
    if (epilogue === null || epilogueRows) src.push(nest([R_, W_], [`{ ${product} }`]));
    else {
      src.push(`Q.fill(${initial(epilogue)});`);
      src.push(nest([R_, W_, E_], [`{ ${product} ${fold(epilogue, 'Q', at(E_), 'o')} }`]));
    }
    if (epilogueRows) src.push(rowSums('Q'));
  } else if (ending === 'sum' && rowDepth >= 0) {
    // A sum over contiguous rows: each row's values into W, then added as the eager kernel adds them
    // (rowSum); rows shorter than 8, which rowSum adds left to right from 0, fold into a local.
    const rowLength = Array.from({ length: depth - rowDepth }, (_, j) => `n${rowDepth + j}`).join(' * ');
    src.push(`if (${rowLength} < 8) {`);
    src.push(nest([...first, R_], [...values, fold('sum', 'a', null, v)], { before: 'let a = 0;', after: `R[${rowIndex}] = a;` }));
    src.push('} else {');
    src.push(nest([...first, R_], [...values, `W[k++] = ${v};`], { before: 'let k = 0;', after: `R[${rowIndex}] = rowSum(W, 0, k);` }));
    src.push('}');
  } else if (rowDepth >= 0) {
    // Rows innermost: each row folded into a local, in the same order as into R.
    const row = { before: `let a = ${initial(ending)};`, after: `R[${rowIndex}] = a;` };
    src.push(nest(scratch ? [...first, R_, W_] : [...first, R_], [...values, fold(ending, 'a', null, v), ...(scratch ? [`W[${w}] = ${v};`] : [])], row));
    if (ending === 'logsumexp') logsumexpSums({ before: 'let a = 0;', after: `S[${rowIndex}] = a;` });
  } else {
    src.push(`R.fill(${initial(ending)});`);
    src.push(nest(scratch ? [...first, R_, W_] : [...first, R_], [...values, fold(ending, 'R', r, v), ...(scratch ? [`W[${w}] = ${v};`] : [])]));
    if (ending === 'logsumexp') logsumexpSums(undefined);
  }
  try {
    return new Function('sf', 'rowSum', `"use strict"; return function fusedLoop(L, O, P, R, Y, S, W, vexp, Q) {\n${src.join('\n')}\n};`)(
      scalarForward, rowSum) as FusedFn;
  } catch (e) {
    return transientFailure(e) ? undefined : null; // undefined: this moment's failure (../core/transient.ts), not cached
  }
}

/** `A[q]` = the sum of W's row q (A.length rows of equal length; W row-major over the domain). */
const rowSums = (A: string) =>
  `{ const N = ${A}.length === 0 ? 0 : W.length / ${A}.length; for (let q = 0; q < ${A}.length; q++) ${A}[q] = rowSum(W, q * N, N); }`;

/** The first value of a reduction's accumulator. */
const initial = (op: Reduction) => (op === 'sum' ? '0' : op === 'min' ? 'Infinity' : '-Infinity');

/**
 * Folds value `v` into `A[i]` (or the local `A` where i is null) as reduceKernel does: sum in
 * order; max and min keep a NaN once met (v !== v). logsumexp's first pass is max's.
 */
function fold(op: Reduction, A: string, i: string | null, v: string): string {
  const a = i === null ? A : `${A}[${i}]`;
  if (op === 'sum') return `${a} += ${v};`;
  return `{ const c = ${a}; if (${v} ${op === 'min' ? '<' : '>'} c || ${v} !== ${v}) ${a} = ${v}; }`;
}

