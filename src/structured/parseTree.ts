/** @file Labelled binary parse trees: the representation, validation, the parts a tree uses, and reading the best tree off the argmax semiring's gradient. */
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
 * The tree whose labelled spans have positive `flow[i, j, A]` (flattened [n, n + 1, N]): the
 * argmax semiring's gradient with respect to the span scores, the indicator of one tree's spans.
 * Read top-down: the root is the label of span (0, n) with positive flow, and a node over (i, j)
 * has the split k and child labels B, C whose spans (i, k) and (k, j) both have positive flow
 * (spans of one tree nest or are disjoint, so exactly one such split and pair exists). For a batch
 * padded to `padded` words, sentence b's flow starts at `offset` (b · padded · (padded + 1) · N).
 */
export function treeFromFlow(flow: Float64Array, n: number, N: number, padded = n, offset = 0): ParseTree {
  const f = (i: number, j: number, A: number) => flow[offset + (i * (padded + 1) + j) * N + A]!;
  const labelOf = (i: number, j: number) => {
    for (let A = 0; A < N; A++) if (f(i, j, A) > 0) return A;
    return -1;
  };
  const build = (i: number, j: number, A: number): ParseTree => {
    if (j - i === 1) return { label: A, start: i, end: j };
    for (let k = i + 1; k < j; k++) {
      const B = labelOf(i, k), C = labelOf(k, j);
      if (B >= 0 && C >= 0) return { label: A, start: i, end: j, children: [build(i, k, B), build(k, j, C)] };
    }
    throw new Error(`internal: span (${i}, ${j}) of the argmax flow has no pair of children`);
  };
  const root = labelOf(0, n);
  if (root < 0) throw new Error('internal: the argmax flow has no root span');
  return build(0, n, root);
}
