/** @file Reachability over arcs among the words of a dependency graph: whether a tree can exist at all. */

/**
 * Whether every word 1 … n is reached from the positions `from` by following arcs h → m for which
 * `arc(h, m)` holds (m a word, m ≠ h): a depth-first search over typed arrays, O(n²) arc tests.
 * From the root [0] along the arcs of finite score it says that a dependency tree of finite score
 * exists; from one word r, that a tree of the words rooted at r does.
 */
export function reachesAllWords(n: number, from: readonly number[], arc: (h: number, m: number) => boolean): boolean {
  const seen = new Uint8Array(n + 1);
  const todo = new Int32Array(n + 1);
  let top = 0, count = 0;
  for (const f of from) {
    if (seen[f]) continue;
    seen[f] = 1;
    todo[top++] = f;
    if (f > 0) count++;
  }
  while (top > 0) {
    const h = todo[--top]!;
    for (let m = 1; m <= n; m++) {
      if (seen[m] || m === h || !arc(h, m)) continue;
      seen[m] = 1;
      todo[top++] = m;
      count++;
    }
  }
  return count === n;
}
