/**
 * @file Fused elementwise loops in recorded programs: a chain of elementwise calls over tensors,
 * optionally ending in a reduction, runs as one generated JavaScript loop instead of one kernel
 * call (and one temporary tensor) per op.
 *
 * A *group* grows from a root — an elementwise call (an op with a 0-d code, or `where`) or a
 * reduction (sum, max, min, logsumexp over one axis or a trailing block of axes) — upwards through
 * the elementwise calls that make its operands, as long as each has the group's shape S (the
 * root's, or the reduction's input shape) and every reader outside the group comes after the root.
 * Everything else a member reads is a *leaf*: a tensor broadcast into S by strides (0 along
 * broadcast axes). Members read only inside the group are never materialised; one read later
 * (a residual the backward pass reads, an output of the program) is written out by the loop.
 * This is XLA's loop fusion (producer into consumer), restricted to what keeps every value the
 * same bit for bit as the unfused replay:
 *   - each element is computed by the expression its Float64Array kernel evaluates
 *     (`scalarExpression`, the same as the 0-d ops and the rolled loops of programLoops.ts);
 *   - a reduction visits the loop nest outer axes, reduced axes, inner axes in row-major order, so
 *     each output folds its terms in increasing index order, as reduceKernel's row and lane
 *     reductions do (which is why several reduced axes must be trailing: reduceKernel folds other
 *     sets one axis at a time); logsumexp takes the maximum in the first pass and
 *     m + log Σ exp(x − m) in the second, with a non-finite maximum as the result, as the kernel.
 * The generated source depends only on the group's structure (op codes, how members read each
 * other and the leaves, the loop depth and which axes reduce), not on sizes or strides, which are
 * passed in: one function serves every group of that structure, in every program (`compiled`).
 * Fusion is planned on a program's first replay (jit/program.ts), so the program itself — which
 * the ONNX exporter reads — keeps every call. Without code generation (ad.config({ codegen:
 * false }), or a CSP without 'unsafe-eval') nothing is fused and the calls run one by one.
 */
import { Tensor } from '../tensor/tensor.js';
import { allocF64 } from '../tensor/alloc.js';
import { sizeOf, type Shape } from '../tensor/shape.js';
import { Op, SCALAR_CONSTANT, scalarArity, SCALAR_CODE_LIMIT } from '../core/scalarOps.js';
import type { Primitive } from '../core/primitive.js';
import { codegenAvailable } from './programLoops.js';
import { VECTOR_MIN, vectorMath, vectorized } from '../tensor/kernels/wasm/vmath.js';
import { REDUCTIONS, WHERE, generate, type Ending, type Epilogue, type FusedFn, type Reduction, type Structure, type VectorExp } from './elementwiseCodegen.js';

/** What the pass reads of a finished program (jit/program.ts). */
export interface FusionSource {
  readonly code: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Per slot: its general call's index, or -1. */
  readonly callOf: Int32Array;
  readonly calls: ReadonlyArray<{ readonly prim: Primitive<any>; readonly params: unknown; readonly inputs: Int32Array; readonly shape: Shape }>;
  /** The slots the program returns. */
  readonly outputSlots: readonly number[];
  /** The shape of any slot's value (inputs, constants, 0-d values, calls). */
  shapeOf(slot: number): Shape;
}

/** Producers cheap enough to be computed again inside a group rather than read (one add per element). */
const COPIED: ReadonlySet<number> = new Set([Op.ADD, Op.SUB, Op.MUL, Op.NEG]);

/**
 * Ops whose kernels leave the scalar loop on long arrays: exp, log, log1p and tanh for the
 * WebAssembly vector kernels (kernels/wasm/vmath.ts; log1p's is within 1 ulp of Math.log1p, not
 * equal), sin, cos and expm1 for the worker threads (kernels/parallelMap.ts, from 16,384 elements). From
 * these lengths such a call stays out of groups: a loop calling Math.* would be slower, or differ.
 */
const LONG: ReadonlyMap<number, number> = new Map([
  [Op.EXP, VECTOR_MIN.exp], [Op.LOG, VECTOR_MIN.log], [Op.LOG1P, VECTOR_MIN.log1p],
  [Op.TANH, VECTOR_MIN.tanh], [Op.SIN, 16384], [Op.COS, 16384], [Op.EXPM1, 16384],
]);

/** Bounds on a group: members, leaves, and loop depth once axes are merged. */
const MAX_MEMBERS = 24;
/**
 * How far before the root a member may stand (in slots). A group reads its leaves when it runs:
 * a chain of accumulations (g₁ + g₂ + … with each gₖ made long before the next) fused into one
 * loop would read every gₖ cold from memory at the end, where each add alone reads its gₖ while
 * still in cache (measured slower on W3's rule gradients).
 */
const WINDOW = 16;
const MAX_LEAVES = 12;
const MAX_DEPTH = 6;

const vectorExp: VectorExp = (x, n) => vectorMath('exp', x, x, n);

/** One fused group of a program. */
export interface FusedGroup {
  /** The slot it runs at (its last member), and every member slot (the calls it replaces). */
  readonly root: number;
  readonly members: Int32Array;
  /** Slots it reads (for logsumexp's VJP, g and y come last). */
  readonly leaves: Int32Array;
  /**
   * Slots it writes (kept members; the root when it is a reduction or a VJP read outside; the
   * epilogue), what each is made from (O[i] for i ≥ 0, W −1, R −2, Q −3) and their shapes.
   */
  readonly outputs: Int32Array;
  readonly from: Int8Array;
  /** Elements of the epilogue's result (0 without one). */
  readonly epilogueSize: number;
  readonly shapes: readonly Shape[];
  readonly ending: Ending['kind'];
  /** Elements of the loop nest, and of the reduction's result (0 for a map). */
  readonly size: number;
  readonly reducedSize: number;
  /** Sizes and strides of the merged loop nest (see `generate`). */
  readonly params: Int32Array;
  /** Whether logsumexp needs a scratch copy of its operand (the operand is not kept). */
  readonly scratch: boolean;
  /** A sum over rows innermost: the row's length (W holds one row at a time), else 0. */
  readonly rowLength: number;
  readonly fn: FusedFn;
}

/** Compiled group bodies by structure, shared by all programs. */
const compiled = new Map<string, FusedFn | null>();
/** How many group bodies were compiled (a re-recorded program compiles none). @internal */
export const fusionStats = { compiled: 0 };

type Call = FusionSource['calls'][number];

/** How a group ends at `call`, or null if no group can end there. */
function endingOf(call: Call): Ending | null {
  if (REDUCTIONS.has(call.prim.name)) {
    const { axes } = call.params as { axes: readonly number[] };
    return axes.length > 0 ? { kind: call.prim.name as Reduction, axes } : null;
  }
  if (call.prim.name === 'logsumexp.fusedVjp' && call.inputs.length === 3) {
    // Recorded only where its kernel (kernels/reduce.ts, softmaxVjp) applies: g, x, y.
    const { params } = call.params as { params: { axes: readonly number[] } };
    return { kind: 'softmaxVjp', axes: params.axes };
  }
  return elementwiseCode(call) >= 0 ? { kind: 'map' } : null;
}

/**
 * Whether reduceKernel (and the softmax VJP) fold `axes` of an input of rank `ndim` in the order
 * of this pass's loop nest: one axis, or a block running to the last axis (one row, row-major).
 */
function foldsInOrder(axes: readonly number[], ndim: number): boolean {
  if (axes.length === 1) return true;
  const first = axes[0]!;
  return axes[axes.length - 1] === ndim - 1 && axes.length === ndim - first && axes.every((x, i) => x === first + i);
}

/**
 * The op code of an elementwise call, or -1: an op with a 0-d code and matching arity (not one of
 * LONG on an array that long), or `where`.
 */
function elementwiseCode(call: Call): number {
  const c = call.prim.scalarCode;
  if (c !== undefined && c !== SCALAR_CONSTANT && scalarArity(c) === call.inputs.length) {
    const long = LONG.get(c);
    return long !== undefined && sizeOf(call.shape) >= long ? -1 : c;
  }
  if (call.prim.name === 'where' && call.inputs.length === 3) return WHERE;
  return -1;
}

/** Row-major strides of `shape` seen from a loop over `domain` (right-aligned; 0 along broadcast axes). */
function stridesIn(shape: Shape, domain: Shape): number[] {
  const d = domain.length, off = d - shape.length;
  const st = new Array<number>(d).fill(0);
  let s = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    if (shape[j] !== 1) st[j + off] = s;
    s *= shape[j]!;
  }
  return st;
}

function sameShape(x: Shape, y: Shape): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * The fused groups of a program, newest root first ([] where code generation is unavailable).
 * Roots are taken newest first, so a producer goes to its last consumer's group. In a softmax
 * VJP's group, a cheap producer (COPIED) read before the root outside the group is computed
 * again inside it (its inputs become leaves), as XLA duplicates cheap producers into consumers:
 * the backward pass recomputes x = a + b from a and b instead of reading the forward pass's x,
 * which then needs no memory at all when the forward reduction absorbs it. (Elsewhere a copy
 * would only compute something twice.)
 */
export function findGroups(p: FusionSource): FusedGroup[] {
  if (!codegenAvailable()) return [];
  const { code, a, b, callOf, calls } = p;
  const n = code.length;
  // The readers of each slot (the program's length for an output), updated as copies replace reads.
  const readers: Array<Set<number>> = Array.from({ length: n }, () => new Set());
  for (let k = 0; k < n; k++) {
    const c = code[k]!;
    if (callOf[k]! >= 0) for (const s of calls[callOf[k]!]!.inputs) readers[s]!.add(k);
    else if (c < SCALAR_CODE_LIMIT && c !== SCALAR_CONSTANT) {
      readers[a[k]!]!.add(k);
      readers[b[k]!]!.add(k);
    }
  }
  for (const s of p.outputSlots) readers[s]!.add(n);
  const assigned = new Uint8Array(n);
  const groups: FusedGroup[] = [];
  for (let root = n - 1; root >= 0; root--) {
    if (callOf[root]! < 0 || assigned[root] === 1) continue;
    const call = calls[callOf[root]!]!;
    const ending = endingOf(call);
    if (ending === null) continue;
    const domain = ending.kind === 'map' || ending.kind === 'softmaxVjp' ? call.shape : p.shapeOf(call.inputs[0]!);
    if (domain.length === 0 || sizeOf(domain) === 0) continue;
    if (ending.kind !== 'map' && !foldsInOrder(ending.axes, domain.length)) continue;
    // Grow upwards through elementwise producers of the domain's shape: absorbed when every
    // reader is a member or comes after the root (then it is kept), else copied when cheap.
    const members = new Set<number>([root]);
    const copies = new Set<number>();
    const queue = ending.kind === 'map' ? [...call.inputs] : [call.inputs[ending.kind === 'softmaxVjp' ? 1 : 0]!];
    let reads = new Set<number>(call.inputs);
    while (queue.length > 0 && members.size + copies.size < MAX_MEMBERS) {
      const s = queue.shift()!;
      if (members.has(s) || copies.has(s) || callOf[s]! < 0) continue;
      const pc = calls[callOf[s]!]!;
      const c = elementwiseCode(pc);
      if (c < 0 || !sameShape(pc.shape, domain)) continue;
      // Stop growing where the group would read more than MAX_LEAVES slots.
      const grown = new Set(reads);
      grown.delete(s);
      for (const x of pc.inputs) if (!members.has(x) && !copies.has(x)) grown.add(x);
      if (grown.size > MAX_LEAVES) continue;
      // (A copy's own call still reads s where it stands, so a copy is not a member here.)
      if (assigned[s] === 0 && root - s <= WINDOW && [...readers[s]!].every((r) => members.has(r) || r > root)) {
        members.add(s);
        queue.push(...pc.inputs);
      } else if (COPIED.has(c) && ending.kind === 'softmaxVjp') {
        // Only where it saves the residual: the forward reduction then absorbs s unkept.
        copies.add(s);
      } else continue;
      reads = grown;
    }
    // The softmax VJP's output summed (or maximised) right away, as the backward pass of a
    // broadcast does (its cotangent summed back to the smaller shape), folds in its last pass.
    let epilogue: Epilogue | null = null;
    if (ending.kind === 'softmaxVjp') {
      for (const r of readers[root]!) {
        const rc = r < n && callOf[r]! >= 0 ? calls[callOf[r]!]! : null;
        const e = rc === null || assigned[r] === 1 ? null : endingOf(rc);
        if (e === null || (e.kind !== 'sum' && e.kind !== 'max' && e.kind !== 'min') || !foldsInOrder(e.axes, domain.length)) continue;
        epilogue = { slot: r, op: e.kind, axes: e.axes };
        members.add(r);
        break;
      }
    }
    if (members.size + copies.size < 2) continue;
    const group = buildGroup(p, [...members].sort((x, y) => x - y), [...copies], root, ending, domain, readers, epilogue);
    if (group === null) continue;
    for (const m of members) assigned[m] = 1;
    // A copy's readers in the group now read its inputs instead.
    for (const c of copies) {
      for (const r of [...readers[c]!]) if (members.has(r) || copies.has(r)) readers[c]!.delete(r);
      for (const s of calls[callOf[c]!]!.inputs) readers[s]!.add(root);
    }
    groups.push(group);
  }
  return groups;
}

/**
 * The group of `members` (sorted; `root` last) and `copies`, with its merged loop nest and
 * generated body; null if it does not fit the bounds.
 */
function buildGroup(
  p: FusionSource, members: readonly number[], copies: readonly number[], root: number, ending: Ending, domain: Shape,
  readers: ReadonlyArray<ReadonlySet<number>>, epilogue: Epilogue | null,
): FusedGroup | null {
  const { callOf, calls } = p;
  const rootCall = calls[callOf[root]!]!;
  const inGroup = (s: number) => members.includes(s) || copies.includes(s);
  // Elementwise nodes in program order (copies come before the members reading them).
  const elementwise = [...(ending.kind === 'map' ? members : members.filter((m) => m !== root && m !== epilogue?.slot)), ...copies].sort((x, y) => x - y);
  const position = new Map(elementwise.map((m, j) => [m, j]));
  const leaves: number[] = [];
  const leafOf = new Map<number, number>();
  /** An operand as 't<j>' (the j-th node) or 'l<i>' (the i-th leaf). */
  const ref = (s: number): string => {
    const j = position.get(s);
    if (j !== undefined) return `t${j}`;
    let l = leafOf.get(s);
    if (l === undefined) {
      l = leaves.push(s) - 1;
      leafOf.set(s, l);
    }
    return `l${l}`;
  };
  const nodes = elementwise.map((m) => {
    const c = calls[callOf[m]!]!;
    return { code: elementwiseCode(c), ins: Array.from(c.inputs, ref) };
  });
  const operand = ending.kind === 'map' ? null : ref(rootCall.inputs[ending.kind === 'softmaxVjp' ? 1 : 0]!);
  if (leaves.length > MAX_LEAVES) return null;
  // Kept: members (not copies) read outside the group — after the root, as findGroups checked.
  const kept = elementwise.filter((m) => members.includes(m) && [...readers[m]!].some((r) => !inGroup(r)));
  const d = domain.length;
  const cls = new Array<number>(d).fill(0); // 0 outer, 1 reduced, 2 inner
  if (ending.kind !== 'map') {
    for (const x of ending.axes) cls[x] = 1;
    for (let j = ending.axes[ending.axes.length - 1]! + 1; j < d; j++) cls[j] = 2;
  }
  // Stride rows: leaves, kept members, then the reduced layout r (0 along reduced axes) and the domain w.
  const rows: number[][] = leaves.map((s) => stridesIn(p.shapeOf(s), domain));
  for (let i = 0; i < kept.length; i++) rows.push(stridesIn(domain, domain));
  rows.push(stridesIn(domain.map((v, j) => (cls[j] === 1 ? 1 : v)), domain).map((v, j) => (cls[j] === 1 ? 0 : v)));
  rows.push(stridesIn(domain, domain));
  if (epilogue !== null) {
    const kept1 = domain.map((v, j) => (epilogue.axes.includes(j) ? 1 : v));
    rows.push(stridesIn(kept1, domain).map((v, j) => (epilogue.axes.includes(j) ? 0 : v)));
  }
  // Merge axes: drop length-1 axes, then join neighbours of one kind where every row is contiguous across them.
  const sizes: number[] = [], kinds: number[] = [], strides: number[][] = rows.map(() => []);
  for (let j = 0; j < d; j++) {
    if (domain[j] === 1) continue;
    const last = sizes.length - 1;
    if (last >= 0 && kinds[last] === cls[j] && rows.every((r, i) => strides[i]![last] === r[j]! * domain[j]!)) {
      sizes[last] *= domain[j]!;
      rows.forEach((r, i) => (strides[i]![last] = r[j]!));
      continue;
    }
    sizes.push(domain[j]!);
    kinds.push(cls[j]!);
    rows.forEach((r, i) => strides[i]!.push(r[j]!));
  }
  if (sizes.length === 0) {
    sizes.push(1);
    kinds.push(0);
    strides.forEach((s) => s.push(0));
  }
  if (sizes.length > MAX_DEPTH) return null;
  // Arrays with the same strides share one pointer.
  const pointerOf: number[] = [];
  const distinct: number[][] = [];
  for (const st of strides) {
    let k = distinct.findIndex((x) => x.every((v, i) => v === st[i]));
    if (k < 0) k = distinct.push(st) - 1;
    pointerOf.push(k);
  }
  const keptAt = kept.map((m) => position.get(m)!);
  const scratch = ending.kind === 'logsumexp' && !keptAt.some((j) => `t${j}` === operand);
  // A sum over axes followed only by length-1 axes adds contiguous rows, in NumPy's order
  // (kernels/rowSum.ts) where the eager kernels do: the group then sums rows of W after its loop.
  const rowsAfter = (axes: readonly number[]) => sizeOf(domain.slice(axes[axes.length - 1]! + 1)) === 1;
  const vjpRows = ending.kind === 'softmaxVjp' && rowsAfter(ending.axes);
  const epilogueRows = epilogue !== null && epilogue.op === 'sum' && rowsAfter(epilogue.axes);
  // Reduced axes innermost in the merged nest (none inner): rows folded one at a time (generate).
  const rowDepth = ending.kind !== 'map' && ending.kind !== 'softmaxVjp' && !kinds.includes(2) ? kinds.indexOf(1) : -1;
  const structure: Structure = {
    depth: sizes.length, pointers: distinct.length, pointerOf, nLeaves: leaves.length, nodes, kept: keptAt, ending: ending.kind, operand, scratch,
    epilogue: epilogue?.op ?? null, rows: vjpRows, epilogueRows, rowDepth,
    innerSteps: distinct.map((st) => (st[st.length - 1] === 0 ? 0 : st[st.length - 1] === 1 ? 1 : -1)),
  };
  const key = JSON.stringify(structure);
  let fn = compiled.get(key);
  if (fn === undefined) {
    fn = generate(structure);
    if (fn === undefined) return null; // a transient failure: unfused this time, not cached
    fusionStats.compiled++;
    if (compiled.size > 4096) compiled.clear();
    compiled.set(key, fn);
  }
  if (fn === null) return null;
  // What each output is made from: O[i] (i ≥ 0), W (−1), R (−2) or Q (−3, the epilogue's).
  const outputs: number[] = [...kept], from: number[] = kept.map((_, i) => i);
  if (ending.kind !== 'map' && (epilogue === null || [...readers[root]!].some((r) => r !== epilogue.slot))) {
    outputs.push(root);
    from.push(ending.kind === 'softmaxVjp' ? -1 : -2);
  }
  if (epilogue !== null) {
    outputs.push(epilogue.slot);
    from.push(-3);
  }
  return {
    root,
    members: Int32Array.from(members),
    leaves: Int32Array.from(ending.kind === 'softmaxVjp' ? [...leaves, rootCall.inputs[0]!, rootCall.inputs[2]!] : leaves),
    outputs: Int32Array.from(outputs),
    from: Int8Array.from(from),
    shapes: outputs.map((m) => calls[callOf[m]!]!.shape),
    epilogueSize: epilogue === null ? 0 : sizeOf(calls[callOf[epilogue.slot]!]!.shape),
    ending: ending.kind,
    size: sizeOf(domain),
    reducedSize: ending.kind === 'map' ? 0 : sizeOf(domain.filter((_, j) => cls[j] !== 1)),
    params: Int32Array.from([...sizes, ...distinct.flat()]),
    scratch,
    rowLength: ending.kind === 'sum' && rowDepth >= 0 ? sizes.slice(rowDepth).reduce((a, b) => a * b, 1) : 0,
    fn,
  };
}

/**
 * n float64s of a buffer reused across calls, for a W that is never an output: logsumexp's
 * shifted copy and exps, a sum's row (a fresh array each call paid the page faults of first
 * touching it, 8 MB for 10⁶ entries, where the eager kernels reuse theirs).
 */
let reused = new Float64Array(0);
function scratchOf(n: number): Float64Array {
  if (reused.length < n) reused = new Float64Array(Math.max(n, 2 * reused.length));
  return reused.subarray(0, n);
}

/**
 * Runs group `g` on a run's tensor table (as Program.run: a 0-d value read by a general call gets
 * its tensor here), writing its outputs' tensors (and the numbers of 0-d ones).
 */
export function runGroup(g: FusedGroup, tensors: Array<Tensor | null>, tensorOf: Int32Array, nums: Float64Array, scalar: Uint8Array): void {
  const { leaves, outputs, shapes, ending } = g;
  const arrays = new Array<Float64Array>(leaves.length);
  for (let i = 0; i < leaves.length; i++) {
    const s = leaves[i]!, ti = tensorOf[s]!;
    let x = tensors[ti];
    if (x == null) x = tensors[ti] = Tensor.scalar(nums[s]!);
    arrays[i] = x.values;
  }
  const vjp = ending === 'softmaxVjp';
  const L = vjp ? arrays.slice(0, arrays.length - 2) : arrays;
  const { from } = g;
  let nKept = 0;
  while (nKept < from.length && from[nKept]! >= 0) nKept++;
  const O = new Array<Float64Array>(nKept);
  for (let i = 0; i < nKept; i++) O[i] = allocF64(g.size);
  const exps = vjp || ending === 'logsumexp';
  const vector = exps && vectorized('exp', g.size);
  const R = vjp ? arrays[arrays.length - 2]! : ending === 'map' ? null : allocF64(g.reducedSize);
  const Y = vjp ? arrays[arrays.length - 1]! : null;
  const S = exps ? new Float64Array(g.reducedSize) : null;
  // The VJP's W is its output; logsumexp's and a sum's are scratch.
  const W = vjp ? allocF64(g.size) : g.scratch || vector ? scratchOf(g.size) : g.rowLength > 0 ? scratchOf(g.rowLength) : null;
  const Q = g.epilogueSize > 0 ? allocF64(g.epilogueSize) : null;
  g.fn(L, O, g.params, R, Y, S, W, vector ? vectorExp : null, Q);
  for (let i = 0; i < outputs.length; i++) {
    const s = outputs[i]!, f = from[i]!;
    const t = new Tensor(f >= 0 ? O[f]! : f === -1 ? W! : f === -2 ? R! : Q!, shapes[i]!);
    tensors[tensorOf[s]!] = t;
    if (scalar[s] === 1) nums[s] = t.first;
  }
}
