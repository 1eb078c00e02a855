/**
 * @file The scoping rules the importer applies to a graph and to the graphs nested in its nodes
 * (an If's branches): which names a graph reads from its enclosing scopes, an order of the nodes in
 * which every value is produced before it is read, and which values must be known before the run.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { GraphProto, NodeProto } from './proto.js';
import type { NodeContext, OperatorDef } from './importNode.js';

/**
 * The names `graph` reads but does not define — its nodes' inputs, its nested graphs' reads and its
 * outputs, less its inputs, initializers and node outputs. ONNX IR (§ Graphs, "Names Within a
 * Graph"): a graph used as an attribute may read any value of its enclosing graphs by name; those
 * are the values this lists, in first-read order.
 */
export function outerNames(graph: GraphProto): string[] {
  const defined = new Set<string>([
    ...(graph.input ?? []).map((i) => i.name ?? ''),
    ...(graph.initializer ?? []).map((t) => t.name ?? ''),
    ...(graph.node ?? []).flatMap((n) => n.output ?? []),
  ]);
  const reads = [...(graph.node ?? []).flatMap(nodeReads), ...(graph.output ?? []).map((o) => o.name ?? '')];
  return [...new Set(reads.filter((x) => x !== '' && !defined.has(x)))];
}

/** What a node reads: its inputs, and what its graph attributes read from outside themselves. */
export function nodeReads(node: NodeProto): string[] {
  const nested = (node.attribute ?? []).flatMap((a) => (a.g === undefined ? [] : outerNames(a.g)));
  return [...(node.input ?? []), ...nested];
}

/**
 * `graph`'s nodes in an order where every read is produced before it (ONNX asks writers for one;
 * this also mends those that did not). `defined`: the names available before any node runs;
 * `where` says which graph, for the error (empty for the model's).
 */
export function ordered(graph: GraphProto, defined: ReadonlySet<string>, where = ''): NodeProto[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o !== '' && producer.set(o, i)));
  const reads = nodes.map(nodeReads);
  const done = new Set(defined), out: NodeProto[] = [], placed = new Array<boolean>(nodes.length).fill(false);
  let progress = true;
  while (out.length < nodes.length && progress) {
    progress = false;
    nodes.forEach((n, i) => {
      if (placed[i] || !reads[i]!.every((x) => x === '' || done.has(x))) return;
      placed[i] = progress = true;
      out.push(n);
      for (const o of n.output ?? []) done.add(o);
    });
  }
  if (out.length < nodes.length) {
    const i = nodes.findIndex((_, k) => !placed[k]), n = nodes[i]!;
    const missing = reads[i]!.find((x) => x !== '' && !done.has(x))!;
    throw new InvalidArgumentError(
      `onnx.importModel: node '${n.name || n.opType}' (${n.opType})${where} reads '${missing}', which ` +
        `${producer.has(missing) ? 'is part of a cycle' : 'no node, initializer or graph input provides'}.`,
    );
  }
  return out;
}

/**
 * The values that must be known before the run, each with the node that needs it (for the error):
 * the static inputs of each node (shapes, axes, pads…), the enclosing-scope values a node's graph
 * attributes need so, and, walking back, everything those are computed from (a Shape or Size node
 * needs only its input's shape). `contexts` are in run order.
 */
export function neededBeforeRun(contexts: readonly NodeContext[], defs: readonly OperatorDef[]): Map<string, string> {
  const needed = new Map<string, string>();
  for (let i = contexts.length - 1; i >= 0; i--) {
    const node = contexts[i]!, def = defs[i]!;
    for (const k of def.staticInputs ?? []) {
      const name = node.inputs[k];
      if (name !== undefined && name !== '') needed.set(name, needed.get(name) ?? `input ${k} of node '${node.name}' (${node.opType})`);
    }
    for (const graph of node.subgraphs()) for (const [name, why] of graph.neededOuter) if (!needed.has(name)) needed.set(name, why);
    const why = node.outputs.map((o) => needed.get(o)).find((w) => w !== undefined);
    if (why !== undefined && !def.shapeOnly) for (const x of node.inputs) if (x !== '' && !needed.has(x)) needed.set(x, why);
  }
  return needed;
}
