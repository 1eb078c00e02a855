/** @file Brute-force oracle for PCFGs: enumerate every labelled binary tree of a sentence. */

/** terminals U[i][A], rules R[A][B][C], root[A], as plain numbers. */
export interface GrammarProblem { U: number[][]; R: number[][][]; root: number[] }

export interface Tree { label: number; start: number; end: number; children?: [Tree, Tree] }

/** Every labelled binary tree over words i … j − 1 with labels 0 … N − 1. */
export function treesOver(i: number, j: number, N: number): Tree[] {
  const out: Tree[] = [];
  for (let A = 0; A < N; A++) {
    if (j - i === 1) { out.push({ label: A, start: i, end: j }); continue; }
    for (let k = i + 1; k < j; k++) {
      for (const l of treesOver(i, k, N)) for (const r of treesOver(k, j, N)) out.push({ label: A, start: i, end: j, children: [l, r] });
    }
  }
  return out;
}

/** Visits every node of a tree. */
export function nodes(t: Tree, visit: (t: Tree) => void): void {
  visit(t);
  if (t.children) { nodes(t.children[0], visit); nodes(t.children[1], visit); }
}

/** score(t) summed node by node, root score included. */
export function scoreOf(p: GrammarProblem, t: Tree): number {
  let s = p.root[t.label]!;
  nodes(t, (u) => {
    if (!u.children) s += p.U[u.start]![u.label]!;
    else s += p.R[u.label]![u.children[0].label]![u.children[1].label]!;
  });
  return s;
}

function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  return m === -Infinity ? -Infinity : m + Math.log(xs.reduce((acc, x) => acc + Math.exp(x - m), 0));
}

/** log Z, span marginals [n][n+1][N], expected rule counts [N][N][N], entropy and the best tree, by enumeration. */
export function bruteForce(p: GrammarProblem) {
  const n = p.U.length, N = p.root.length;
  const all = treesOver(0, n, N).map((tree) => ({ tree, s: scoreOf(p, tree) }));
  const logZ = logSumExp(all.map((a) => a.s));
  const spans = Array.from({ length: n }, () => Array.from({ length: n + 1 }, () => new Array<number>(N).fill(0)));
  const rules = Array.from({ length: N }, () => Array.from({ length: N }, () => new Array<number>(N).fill(0)));
  let entropy = 0;
  let best = all[0]!;
  for (const a of all) {
    if (a.s > best.s) best = a;
    if (logZ === -Infinity) continue;
    const pr = Math.exp(a.s - logZ);
    if (pr === 0) continue;
    entropy -= pr * (a.s - logZ);
    nodes(a.tree, (u) => {
      spans[u.start]![u.end]![u.label]! += pr;
      if (u.children) rules[u.label]![u.children[0].label]![u.children[1].label]! += pr;
    });
  }
  return { logZ, spans, rules, entropy, best, all };
}
