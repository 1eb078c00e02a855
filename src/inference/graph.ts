/**
 * @file The graph of a pairwise MRF as index arrays over directed edges (for gathers and
 * scatter-adds that update every message at once), and the default edge appearance
 * probabilities of tree-reweighted BP (an average of spanning forests).
 */
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';

/**
 * Edge e = (s, t) is read in both directions: directed edge d = e goes s → t and d = E + e goes
 * t → s. A message m_d lives on d's target; `reverse[d]` is the other direction of the same edge.
 */
export interface MRFGraph {
  /** Variables and undirected edges. */
  readonly V: number;
  readonly E: number;
  /** Per directed edge (length 2E): its source and target variable, and its reverse. */
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly reverse: Int32Array;
  /**
   * For K states, [K, 2E] tensors of the sources, targets and reverses (each row the same): the
   * indices of gathers and scatter-adds along axis 1 of state-major [K, ·] arrays.
   */
  indexRows(K: number): { source: Tensor; target: Tensor; reverse: Tensor };
  /** Edge e's endpoints, s = edges[e][0] and t = edges[e][1] (length E each). */
  readonly first: Int32Array;
  readonly second: Int32Array;
  /** The edges as the caller gave them (a key for caches). */
  readonly edges: object;
}

/** The edge list [E, 2] (a tensor of integer values or nested arrays) of a graph on V variables, checked. */
export function buildGraph(edges: unknown, V: number, op: string): MRFGraph {
  const usage = 'pass edges as an [E, 2] tensor (or array of [s, t] pairs) of variable indices, e.g. [[0, 1], [1, 2]]';
  let flat: ArrayLike<number>;
  let E: number;
  if (edges instanceof Tensor) {
    if (opaqueTrace(edges) !== null) {
      throw new InvalidArgumentError(
        `${op}: edges ${formatShape(edges.shape)} differ per example under vmap, but the graph is shared by the batch; ` +
          'pass edges from outside the mapped function (closed over, or with inAxes null), and map only the scores.',
      );
    }
    if (edges.ndim !== 2 || edges.shape[1] !== 2) {
      throw new ShapeError(`${op}: edges must have shape [E, 2], got ${formatShape(edges.shape)}; ${usage}.`);
    }
    E = edges.shape[0]!;
    flat = edges.values.slice();
  } else if (Array.isArray(edges)) {
    E = edges.length;
    const out = new Float64Array(2 * E);
    edges.forEach((pair: unknown, e) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new ShapeError(`${op}: edges[${e}] is ${describe(pair)}, not a pair [s, t]; ${usage}.`);
      }
      const odd = pair.findIndex((v: unknown) => typeof v !== 'number');
      if (odd >= 0) throw new InvalidArgumentError(`${op}: edges[${e}][${odd}] is ${describe(pair[odd])}, not a variable index (a number); ${usage}.`);
      out[2 * e] = pair[0] as number;
      out[2 * e + 1] = pair[1] as number;
    });
    flat = out;
  } else {
    throw new InvalidArgumentError(`${op}: edges must be an [E, 2] tensor or an array of pairs, got ${describe(edges)}; ${usage}.`);
  }
  const first = new Int32Array(E), second = new Int32Array(E);
  const seen = new Map<number, number>(); // min(s, t)·V + max(s, t) → the edge that joined them
  for (let e = 0; e < E; e++) {
    const s = flat[2 * e]!, t = flat[2 * e + 1]!;
    for (const v of [s, t]) {
      if (!Number.isInteger(v) || v < 0 || v >= V) {
        throw new InvalidArgumentError(`${op}: edges[${e}] = [${s}, ${t}] holds ${v}, not a variable index in 0 … ${V - 1} (unary has V = ${V} rows); ${usage}.`);
      }
    }
    if (s === t) throw new InvalidArgumentError(`${op}: edges[${e}] = [${s}, ${t}] joins a variable to itself; put a self-score into unary instead.`);
    // A repeated pair is a loop of two edges to BP: both messages carry the same evidence and each
    // counts the other's, so a chain with one edge given twice had beliefs and log Z off by ~0.2.
    const key = Math.min(s, t) * V + Math.max(s, t);
    const before = seen.get(key);
    if (before !== undefined) {
      throw new InvalidArgumentError(
        `${op}: edges[${e}] = [${s}, ${t}] joins the same variables as edges[${before}] = [${first[before]}, ${second[before]}]; ` +
          'give each pair once, with the sum of its pairwise scores (transposed if the order is reversed).',
      );
    }
    seen.set(key, e);
    first[e] = s;
    second[e] = t;
  }
  const source = new Int32Array(2 * E), target = new Int32Array(2 * E), reverse = new Int32Array(2 * E);
  for (let e = 0; e < E; e++) {
    source[e] = first[e]!;
    target[e] = second[e]!;
    source[E + e] = second[e]!;
    target[E + e] = first[e]!;
    reverse[e] = E + e;
    reverse[E + e] = e;
  }
  const rows = new Map<number, { source: Tensor; target: Tensor; reverse: Tensor }>();
  const repeat = (ix: Int32Array, K: number) => {
    const out = new Float64Array(K * ix.length);
    for (let k = 0; k < K; k++) for (let d = 0; d < ix.length; d++) out[k * ix.length + d] = ix[d]!;
    return new Tensor(out, [K, ix.length]);
  };
  const indexRows = (K: number) => {
    let r = rows.get(K);
    if (r === undefined) rows.set(K, (r = { source: repeat(source, K), target: repeat(target, K), reverse: repeat(reverse, K) }));
    return r;
  };
  return { V, E, source, target, reverse, indexRows, first, second, edges: edges as object };
}

/**
 * The edges, least used first; ties in an order scrambled per round (a multiplicative hash), so that
 * no edge always comes first. One numeric sort of keys (uses, hash) · E + e.
 */
function byUse(uses: Int32Array, round: number): Int32Array {
  const E = uses.length;
  const keys = new Float64Array(E);
  for (let e = 0; e < E; e++) {
    const tie = (Math.imul(e + 1, 0x9e3779b1) ^ Math.imul(round + 1, 0x85ebca6b)) >>> 12; // 20 bits
    keys[e] = (uses[e]! * 2 ** 20 + tie) * E + e;
  }
  keys.sort();
  return Int32Array.from(keys, (k) => k % E);
}

/**
 * ρ per edge list (the user's edges object): a training loop makes a new model from the same edges
 * each step. Kept with the pairs it was built for and checked against them, since an array can be
 * changed in place (a stale ρ gave NaN once an edge was pushed, and a "bound" below log Z once one
 * was replaced).
 */
const cache = new WeakMap<object, { V: number; first: Int32Array; second: Int32Array; rho: Float64Array }>();

const sameInts = (a: Int32Array, b: Int32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Default edge appearance probabilities ρ for tree-reweighted BP: the fraction of T spanning
 * forests that contain each edge, the forests built by Kruskal's algorithm taking the least used
 * edges first, until every edge has been used and T ≥ `minForests`. An average of spanning forests
 * lies in the spanning-tree polytope, which is what the TRW bound needs (Wainwright, Jaakkola &
 * Willsky 2005, §4); taking the least used edges first spreads ρ evenly, near the uniform
 * (V − 1)/E of an edge-symmetric graph; an edge in every forest (a bridge, or any edge of a tree)
 * gets ρ = 1, where TRW reduces to BP.
 */
export function spanningForestWeights(graph: MRFGraph, minForests = 20): Float64Array {
  const known = cache.get(graph.edges);
  if (known !== undefined && known.V === graph.V && sameInts(known.first, graph.first) && sameInts(known.second, graph.second)) return known.rho;
  const { V, E, first, second } = graph;
  const uses = new Int32Array(E);
  const parent = new Int32Array(V);
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]!]!; // path halving
      v = parent[v]!;
    }
    return v;
  };
  let forests = 0;
  let unused = E;
  while (unused > 0 || forests < minForests) {
    for (let v = 0; v < V; v++) parent[v] = v;
    for (const e of byUse(uses, forests)) {
      const a = find(first[e]!), b = find(second[e]!);
      if (a === b) continue;
      parent[a] = b;
      if (uses[e] === 0) unused--;
      uses[e]!++;
    }
    forests++;
  }
  const rho = Float64Array.from(uses, (u) => u / forests);
  cache.set(graph.edges, { V: graph.V, first, second, rho });
  return rho;
}
