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
function wilsonTree(n: number, tables: HeadTables, root: number, uniforms: UniformStream): number[] | null {
  const inTree = new Uint8Array(n + 1);
  const next = new Int32Array(n + 1);
  inTree[root] = 1;
  inTree[0] = 1; // the root position (with one root dependent r = root, its head: 0)
  let steps = 0;
  for (let i = 1; i <= n; i++) {
    let u = i;
    while (!inTree[u]) {
      u = next[u] = drawHead(tables, u, uniforms.next());
      if (++steps > WALK_STEPS) return null;
    }
    for (u = i; !inTree[u]; u = next[u]!) inTree[u] = 1;
  }
  return Array.from({ length: n }, (_, i) => (i + 1 === root ? 0 : next[i + 1]!));
}

/**
 * Steps of the walks after which a tree is drawn the other way (`conditionalTree`). Wilson's walks
 * take the mean hitting time of the tree, which is exponential in how strongly the arcs hold the
 * walk away from it: two words preferring each other by c nats over every other head circle for
 * about e^c steps (c = 25: about 10¹¹, a hang). Benign scores need a few steps a word.
 */
const WALK_STEPS = 100_000;

/**
 * One tree drawn word by word from exact conditional marginals: word m's head from p(h → m | the
 * heads drawn before), by `headMarginals(fixed)`, then fixed. The product of the conditionals is
 * p(tree), so the draw is exact; it costs a marginals computation a word (O(n⁴) in all), so it only
 * serves where the walks would not end. Returns heads[i] = the head of word i + 1.
 */
function conditionalTree(n: number, headMarginals: (fixed: Int32Array) => (h: number, m: number) => number, uniforms: UniformStream): number[] {
  const fixed = new Int32Array(n + 1).fill(-1);
  for (let m = 1; m <= n; m++) {
    const p = headMarginals(fixed);
    let total = 0;
    for (let h = 0; h <= n; h++) if (h !== m) total += Math.max(p(h, m), 0);
    let x = uniforms.next() * total, head = -1;
    for (let h = 0; h <= n; h++) {
      if (h === m || !(p(h, m) > 0)) continue;
      head = h; // the last possible one, should rounding leave x above every running sum
      if (x < p(h, m)) break;
      x -= p(h, m);
    }
    // A word of a sentence that has a tree always has a head of positive marginal (the marginals of the
    // Matrix-Tree route are accurate to rounding at any spread of scores); never return a non-tree.
    if (head < 0) throw new Error(`internal: DependencyCRF.sample found no head of positive marginal for word ${m}`);
    fixed[m] = head;
  }
  return Array.from(fixed.subarray(1));
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
 * no tree has a finite score, every sample is `someTree(n)`. A tree whose walks run past WALK_STEPS
 * is drawn again word by word from `headMarginals(fixed)` — the marginals p(h → m) of the model with
 * each fixed word's other heads forbidden (`conditionalTree`), exact too.
 */
export function wilsonSamples(
  n: number, score: (h: number, m: number) => number, singleRoot: boolean, rootMarginal: (r: number) => number, count: number, key: Key,
  headMarginals: (fixed: Int32Array) => (h: number, m: number) => number,
): number[][] {
  const tables = headTables(n, score, !singleRoot);
  const finite = (h: number, m: number) => score(h, m) > -Infinity;
  const out: number[][] = [];
  // Once a tree's walks have run past WALK_STEPS, the sentence's later trees are drawn word by word
  // at once (the walks would run as long again): sample s still depends on samples before it only
  // through that switch, so a shorter run of samples is the start of a longer one.
  let walks = true;
  const draw = (uniforms: UniformStream, root: number): number[] => {
    const tree = walks ? wilsonTree(n, tables, root, uniforms) : null;
    if (tree !== null) return tree;
    walks = false;
    return conditionalTree(n, headMarginals, uniforms);
  };
  if (!singleRoot) {
    if (!reachesAllWords(n, [0], finite)) return Array.from({ length: count }, () => someTree(n));
    for (let s = 0; s < count; s++) out.push(draw(new UniformStream(foldIn(key, s), 4 * n), 0));
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
    out.push(draw(uniforms, r));
  }
  return out;
}
