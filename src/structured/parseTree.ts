/** @file Labelled binary parse trees: the representation, validation, the parts a tree uses, and reading the best tree off the max semiring's gradient. */
import { InvalidArgumentError } from '../core/errors.js';

/**
 * A labelled binary tree over words start … end − 1: a leaf (end = start + 1, the nonterminal
 * over one word, scored by `terminals`) or a node with two children that split its span, scored
 * by the rule label → left.label right.label.
 */
export interface ParseTree {
  label: number;
  start: number;
  end: number;
  children?: [ParseTree, ParseTree];
}

/** The parts of a tree, as flat indices: terminals [n·N], rules [N·N·N], and the root label. */
export interface TreeParts {
  terminals: number[];
  rules: number[];
  root: number;
}

/**
 * Checks that `tree` is a labelled binary tree over the whole sentence of n words with labels in
 * 0 … N − 1, and lists its parts. Throws an InvalidArgumentError naming the faulty node.
 */
export function treeParts(tree: ParseTree, n: number, N: number, op: string): TreeParts {
  const parts: TreeParts = { terminals: [], rules: [], root: tree?.label };
  const fail = (path: string, why: string): never => {
    throw new InvalidArgumentError(`${op}: the tree's node ${path} ${why}. A tree is { label, start, end, children?: [left, right] } spanning words 0 … ${n}.`);
  };
  const visit = (t: ParseTree, start: number, end: number, path: string) => {
    if (t === null || typeof t !== 'object') fail(path, 'is not an object');
    if (t.start !== start || t.end !== end) fail(path, `spans (${t.start}, ${t.end}) where (${start}, ${end}) was expected`);
    if (!Number.isInteger(t.label) || t.label < 0 || t.label >= N) fail(path, `has label ${t.label}, not an integer in 0 … ${N - 1}`);
    if (end - start === 1) {
      if (t.children !== undefined) fail(path, 'covers one word but has children');
      parts.terminals.push(start * N + t.label);
      return;
    }
    const c = t.children;
    if (!Array.isArray(c) || c.length !== 2) fail(path, `covers ${end - start} words but does not have two children`);
    const [l, r] = c!;
    const split = l?.end;
    if (!Number.isInteger(split) || split <= start || split >= end) fail(`${path}.children[0]`, `ends at ${split}, not strictly inside (${start}, ${end})`);
    visit(l, start, split, `${path}.children[0]`);
    visit(r!, split, end, `${path}.children[1]`);
    parts.rules.push((t.label * N + l.label) * N + r!.label);
  };
  visit(tree, 0, n, 'root');
  return parts;
}

/**
 * The best tree, read off the max semiring's gradient `flow[i, j, A]` (∂ best score / ∂ score of
 * span (i, j) labelled A, flattened [n, n + 1, N]): 1 on the best tree's spans and 0 elsewhere, so
 * without ties the tree is exactly the spans with positive flow. Exact ties split the flow among
 * every best tree; then, top-down, each node takes among the splits and child labels with positive
 * flow one whose score `rules[A, B, C] + best(i, k, B) + best(k, j, C)` is highest, from the max
 * charts `best[w][i·N + A]`, so the result is always one of the best trees.
 */
export function treeFromFlow(
  flow: Float64Array, best: readonly Float64Array[], rules: Float64Array, root: Float64Array, n: number, N: number,
): ParseTree {
  const f = (i: number, j: number, A: number) => flow[(i * (n + 1) + j) * N + A]!;
  const v = (i: number, j: number, A: number) => best[j - i]![i * N + A]!;
  // Candidates are ranked by (positive flow first, then score); the first of equals wins.
  let label = 0, labelFlow = -1, labelScore = -Infinity;
  for (let A = 0; A < N; A++) {
    const positive = f(0, n, A) > 0 ? 1 : 0, score = root[A]! + v(0, n, A);
    if (positive > labelFlow || (positive === labelFlow && score > labelScore)) [label, labelFlow, labelScore] = [A, positive, score];
  }
  const build = (i: number, j: number, A: number): ParseTree => {
    if (j - i === 1) return { label: A, start: i, end: j };
    let split = i + 1, left = 0, right = 0, bestFlow = -1, bestScore = -Infinity;
    for (let k = i + 1; k < j; k++) {
      for (let B = 0; B < N; B++) {
        const leftPositive = f(i, k, B) > 0;
        for (let C = 0; C < N; C++) {
          const positive = leftPositive && f(k, j, C) > 0 ? 1 : 0;
          const score = rules[(A * N + B) * N + C]! + v(i, k, B) + v(k, j, C);
          if (positive > bestFlow || (positive === bestFlow && score > bestScore)) {
            [split, left, right, bestFlow, bestScore] = [k, B, C, positive, score];
          }
        }
      }
    }
    return { label: A, start: i, end: j, children: [build(i, split, left), build(split, j, right)] };
  };
  return build(0, n, label);
}
