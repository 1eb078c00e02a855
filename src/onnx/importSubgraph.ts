/**
 * @file Compiling a graph attribute (an If's then_branch or else_branch) into a function of the
 * enclosing scopes' values it reads, and looking up a node's operator (shared with the model's
 * graph in import.ts).
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { GraphProto, NodeProto } from './proto.js';
import { constantValue, NodeContext, type OperatorDef, type Subgraph, type Value } from './importNode.js';
import { OPERATORS } from './importOperators.js';
import { neededBeforeRun, ordered, outerNames } from './importScope.js';

/** The node's operator; an unknown operator, domain or attribute is an import-time error. */
export function definitionOf(node: NodeContext, proto: NodeProto): OperatorDef {
  if (node.opType === '') throw new InvalidArgumentError(`onnx.importModel: node '${node.name}' has no operator.`);
  const domain = proto.domain ?? '';
  if (domain !== '' && domain !== 'ai.onnx') node.fail(`operators of domain '${domain}' are not supported (only the default ONNX domain is).`);
  const def = OPERATORS[node.opType] ?? node.fail(`operator '${node.opType}' is not supported by adjoint's importer (docs/onnx.md lists those that are).`);
  for (const a of node.attributeNames()) if (!def.attributes.includes(a)) node.fail(`attribute '${a}' is not supported.`);
  return def;
}

/**
 * `graph`, an attribute of `owner`, as a Subgraph. Its initializers and Constant nodes are
 * constants; nothing is folded at import, since a branch that is not taken may not fit the shapes
 * of the run (PyTorch's diagonal guards a GatherND that way). Its nodes compile now, so an
 * unsupported operator or attribute in either branch is an import-time error.
 */
export function compileSubgraph(graph: GraphProto, owner: NodeContext, attribute: string): Subgraph {
  const where = ` in the ${attribute} of node '${owner.name}' (${owner.opType})`;
  // ONNX If: "then_branch: Graph to run if condition is true … has N outputs" and no inputs.
  if ((graph.input ?? []).length > 0) owner.fail(`${attribute} declares inputs (${(graph.input ?? []).map((i) => i.name).join(', ')}); an If branch takes none.`);
  const constants = new Map<string, Value>();
  for (const init of graph.initializer ?? []) constants.set(init.name ?? '', constantValue(init, `initializer '${init.name}'${where}`));
  const outer = outerNames(graph);
  const nodes = ordered(graph, new Set([...constants.keys(), ...outer]), where);
  const contexts = nodes.map((n, i) => new NodeContext(n, i, owner.opset, compileSubgraph));
  const defs = contexts.map((node, i) => definitionOf(node, nodes[i]!));
  const outerSet = new Set(outer);
  const neededOuter = new Map([...neededBeforeRun(contexts, defs)].filter(([name]) => outerSet.has(name)).map(([name, why]) => [name, `${why}${where}`] as const));
  const steps = contexts.map((node, i) => ({ node, def: defs[i]!, run: defs[i]!.compile(node) }));
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');

  return {
    outer,
    neededOuter,
    outputCount: outputs.length,
    run(values, knownOuter) {
      const env = new Map(constants), known = new Set(constants.keys());
      const read = (x: string) => env.get(x) ?? values.get(x);
      const isKnown = (x: string) => x === '' || known.has(x) || (!env.has(x) && knownOuter.has(x));
      for (const { node, def, run } of steps) {
        const flags = node.inputs.map(isKnown);
        for (const k of def.staticInputs ?? []) {
          // neededBeforeRun made the owner's import check these; a nested scope can still hand over an unknown one.
          if (k < node.inputs.length && !flags[k]) node.runError(`input ${k} ('${node.inputs[k]}') must be known before the run, but depends on the values of the model's inputs.`);
        }
        const outs = run(node.inputs.map((x) => (x === '' ? undefined : read(x))), flags);
        const outputsKnown = def.shapeOnly === true || flags.every(Boolean);
        node.outputs.forEach((o, k) => {
          if (o === '' || outs[k] === undefined) return;
          env.set(o, outs[k]!);
          if (outputsKnown) known.add(o);
        });
      }
      return outputs.map((o) => read(o) ?? owner.runError(`output '${o}' of its ${attribute} was not computed.`));
    },
  };
}
