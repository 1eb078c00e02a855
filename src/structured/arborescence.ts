/**
 * @file The maximum spanning arborescence (Chu & Liu 1965; Edmonds 1967): the best non-projective
 * dependency tree. It is a greedy contraction algorithm, not a semiring dynamic program, so it
 * works on the arc scores' values and has no gradient (the score of the tree it returns does).
 */

/**
 * An arc weight: [major, minor], compared lexicographically and added componentwise (an ordered
 * abelian group, so Chu–Liu/Edmonds is exact over it). [−∞, −∞] is no arc.
 */
export type Weight = readonly [number, number];

const none: Weight = [-Infinity, -Infinity];
const greater = (a: Weight, b: Weight) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
const minus = (a: Weight, b: Weight): Weight => (a[0] === -Infinity ? none : [a[0] - b[0], a[1] - b[1]]);

/**
 * The best arborescence rooted at node 0 of a dense graph, `score(h, m)` the weight of the arc
 * h → m, as heads[m] for m = 1 … size − 1 (heads[0] = −1), or null when none exists. O(size³) per
 * contraction: each picks every node's best incoming arc, and a cycle among them is merged into one
 * node whose incoming arcs are rescored by the cycle arc they replace. With weights [0, score] it
 * is the best tree; with [−1, score] on the root's arcs, the best among those with the fewest root
 * dependents (one when possible), in one run instead of one per root dependent.
 */
export function maxArborescence(size: number, score: (h: number, m: number) => Weight): number[] | null {
  const heads = new Array<number>(size).fill(-1);
  for (let m = 1; m < size; m++) {
    let best = none;
    for (let h = 0; h < size; h++) if (h !== m && greater(score(h, m), best)) { best = score(h, m); heads[m] = h; }
    if (best[0] === -Infinity) return null;
  }
  const cycle = findCycle(heads);
  if (cycle === null) return heads;
  // Contract the cycle into one node: the others keep their order, the cycle becomes the last.
  const inCycle = new Set(cycle);
  const outside = Array.from({ length: size }, (_, v) => v).filter((v) => !inCycle.has(v)); // outside[0] = 0, the root
  const merged = outside.length;
  const enter = new Map<number, number>(); // outside node u → the cycle node its best arc enters
  const leave = new Map<number, number>(); // outside node w → the cycle node its best arc comes from
  const contractedScore = (h: number, m: number): Weight => {
    if (h === merged) {
      let best = none;
      for (const v of cycle) if (greater(score(v, outside[m]!), best)) { best = score(v, outside[m]!); leave.set(outside[m]!, v); }
      return best;
    }
    if (m === merged) {
      let best = none;
      for (const v of cycle) {
        const gain = minus(score(outside[h]!, v), score(heads[v]!, v));
        if (greater(gain, best)) { best = gain; enter.set(outside[h]!, v); }
      }
      return best;
    }
    return score(outside[h]!, outside[m]!);
  };
  // Score every contracted arc once, so that enter/leave hold each one's choice.
  const table = Array.from({ length: merged + 1 }, (_, h) => Array.from({ length: merged + 1 }, (_, m) => (h === m ? none : contractedScore(h, m))));
  const inner = maxArborescence(merged + 1, (h, m) => table[h]![m]!);
  if (inner === null) return null;
  const result = [...heads];
  for (let m = 1; m <= merged; m++) {
    const h = inner[m]!;
    if (m === merged) {
      const u = outside[h]!;
      result[enter.get(u)!] = u; // the arc into the cycle breaks it at the node it enters
    } else {
      result[outside[m]!] = h === merged ? leave.get(outside[m]!)! : outside[h]!;
    }
  }
  return result;
}

/** The nodes of a cycle in the graph of heads (head −1: none), or null. */
function findCycle(heads: readonly number[]): number[] | null {
  const state = new Array<number>(heads.length).fill(0); // 0 unvisited, 1 on the current walk, 2 done
  for (let start = 0; start < heads.length; start++) {
    const walk: number[] = [];
    let v = start;
    while (v >= 0 && state[v] === 0) { state[v] = 1; walk.push(v); v = heads[v]!; }
    if (v >= 0 && state[v] === 1) return walk.slice(walk.indexOf(v));
    for (const u of walk) state[u] = 2;
  }
  return null;
}
