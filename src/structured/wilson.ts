/**
 * @file Exact samples of non-projective dependency trees by Wilson's algorithm (Wilson 1996,
 * "Generating random spanning trees more quickly than the cover time", RandomTreeWithRoot): random
 * walks from each word towards the root, each step to a head drawn in proportion to exp(arc score),
 * with their loops erased. The Matrix-Tree model is a determinant, not a semiring program, so it
 * has no forward filtering to sample through; Wilson's walks need only the arc weights.
 */
import { foldIn, type Key } from '../random/key.js';
import { unitSample } from '../random/continuous.js';
import { reachesAllWords } from './reach.js';

/** Unit uniforms from a key, drawn in blocks: block i from foldIn(key, i), so one key gives one fixed stream. */
class UniformStream {
  private block: Float64Array = new Float64Array(0);
  private at = 0;
  private blocks = 0;
  constructor(private readonly key: Key, private readonly size: number) {}
  next(): number {
    if (this.at === this.block.length) {
      this.block = unitSample('DependencyCRF.sample', foldIn(this.key, this.blocks++), [this.size]);
      this.at = 0;
    }
    return this.block[this.at++]!;
  }
}

/**
 * The heads each word may walk to, as running sums of their weights: for word m, heads
 * `heads[m]` (h ≠ m; the root 0 included or not) with cumulative weights `cumulative[m]`, the
 * weights exp(score[h, m] − max_h score[h, m]) of the arcs of finite score.
 */
interface HeadTables { heads: Int32Array[]; cumulative: Float64Array[] }

function headTables(n: number, score: (h: number, m: number) => number, withRoot: boolean): HeadTables {
  const heads: Int32Array[] = [], cumulative: Float64Array[] = [];
  for (let m = 0; m <= n; m++) {
    const hs: number[] = [];
    for (let h = withRoot ? 0 : 1; h <= n; h++) if (h !== m && m > 0 && score(h, m) > -Infinity) hs.push(h);
    const top = Math.max(...hs.map((h) => score(h, m)));
    const c = new Float64Array(hs.length);
    let acc = 0;
    hs.forEach((h, k) => (c[k] = acc += Math.exp(score(h, m) - top)));
    heads.push(Int32Array.from(hs));
    cumulative.push(c);
  }
  return { heads, cumulative };
}

/** A head of word m drawn from its table: the first running sum above u · total. */
function drawHead(tables: HeadTables, m: number, u: number): number {
  const c = tables.cumulative[m]!;
  const x = u * c[c.length - 1]!;
  let k = 0;
  while (k < c.length - 1 && c[k]! <= x) k++;
  return tables.heads[m]![k]!;
}

/**
 * One tree by RandomTreeWithRoot: the root (and, with one root dependent, the word r under it) is
 * in the tree; from each word in turn, a random walk to heads drawn from `tables` until it hits the
 * tree, each word's last exit kept (the loop erasure), then the walk's path joins the tree. The tree
 * has probability ∝ Π over its arcs of the walk's step probabilities, which is ∝ Π exp(score):
 * each word's normaliser appears once in every tree. Returns heads[i] = the head of word i + 1.
 */
function wilsonTree(n: number, tables: HeadTables, root: number, uniforms: UniformStream): number[] {
  const inTree = new Uint8Array(n + 1);
  const next = new Int32Array(n + 1);
  inTree[root] = 1;
  inTree[0] = 1; // the root position (with one root dependent r = root, its head: 0)
  for (let i = 1; i <= n; i++) {
    let u = i;
    while (!inTree[u]) u = next[u] = drawHead(tables, u, uniforms.next());
    for (u = i; !inTree[u]; u = next[u]!) inTree[u] = 1;
  }
  return Array.from({ length: n }, (_, i) => (i + 1 === root ? 0 : next[i + 1]!));
}

/** The tree argmax and sample return when no tree has a finite score: word 1 on the root, every other word on word 1. */
export function someTree(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1));
}

/**
 * `count` trees over words 1 … n drawn exactly from p(tree) ∝ exp(Σ arc scores) by Wilson's
 * algorithm. `score(h, m)` is the arc score (−∞ where forbidden); sample s draws from the stream of
 * foldIn(key, s). Several root dependents: the walks end at the root. One root dependent: word r
 * goes under the root with probability `rootMarginal(r)` = p(arc 0 → r) (each such tree has one root
 * arc, so that is the probability that r is the root's dependent), then the other words walk among
 * the words to r — the trees with root dependent r have probability ∝ exp(score(0, r)) times the
 * product over the word arcs, so given r they are the arborescences of the words rooted at r. When
 * no tree has a finite score, every sample is `someTree(n)`.
 */
export function wilsonSamples(
  n: number, score: (h: number, m: number) => number, singleRoot: boolean, rootMarginal: (r: number) => number, count: number, key: Key,
): number[][] {
  const tables = headTables(n, score, !singleRoot);
  const finite = (h: number, m: number) => score(h, m) > -Infinity;
  const out: number[][] = [];
  if (!singleRoot) {
    if (!reachesAllWords(n, [0], finite)) return Array.from({ length: count }, () => someTree(n));
    for (let s = 0; s < count; s++) out.push(wilsonTree(n, tables, 0, new UniformStream(foldIn(key, s), 4 * n)));
    return out;
  }
  // The root dependents r that can carry a tree (a marginal that rounding left above 0 for an r with
  // no tree is not drawn: that tree has probability 0).
  const weights = Array.from({ length: n + 1 }, (_, r) => (r > 0 && finite(0, r) && reachesAllWords(n, [r], finite) ? Math.max(rootMarginal(r), 0) : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return Array.from({ length: count }, () => someTree(n));
  for (let s = 0; s < count; s++) {
    const uniforms = new UniformStream(foldIn(key, s), 4 * n);
    let x = uniforms.next() * total, r = 0;
    for (let k = 1; k <= n; k++) {
      if (weights[k] === 0) continue;
      r = k; // the last possible one, should rounding leave x above every running sum
      if (x < weights[k]!) break;
      x -= weights[k]!;
    }
    out.push(wilsonTree(n, tables, r, uniforms));
  }
  return out;
}
