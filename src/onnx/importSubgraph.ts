/**
 * @file Compiling a graph attribute (an If's branches, a Loop's or Scan's body) into a function of
 * its declared inputs and of the enclosing scopes' values it reads, and looking up a node's
 * operator (shared with the model's graph in import.ts).
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { GraphProto, NodeProto } from './proto.js';
import { constantValue, kindOf, NodeContext, readStaticInput, type Kind, type OperatorDef, type Subgraph, type Value } from './importNode.js';
import type { ValueInfoProto } from './proto.js';
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

/** A body output's declared element kind and shape, where its ValueInfo states them (every dim a number), else null. */
function declaredType(info: ValueInfoProto): { kind: Kind; shape: number[] } | null {
  const t = info.type?.tensorType;
  const kind = t?.elemType === undefined ? null : kindOf(t.elemType);
  if (kind === null || t?.shape === undefined) return null;
  const dims = t.shape.dim ?? []; // a shape with no dims: a scalar
  if (!dims.every((d) => typeof d.dimValue === 'number')) return null;
  return { kind, shape: dims.map((d) => d.dimValue!) };
}

/**
 * `graph`, an attribute of `owner`, as a Subgraph. Its declared inputs are bound by the owner on
 * each run (a Loop's iteration number, condition and carried values; a Scan's states and slices);
 * its initializers and Constant nodes are constants; nothing is folded at import, since a branch
 * that is not taken may not fit the shapes of the run (PyTorch's diagonal guards a GatherND that
 * way). Its nodes compile now, so an unsupported operator or attribute anywhere in it is an
 * import-time error.
 */
export function compileSubgraph(graph: GraphProto, owner: NodeContext, attribute: string): Subgraph {
  const where = ` in the ${attribute} of node '${owner.name}' (${owner.opType})`;
  const inputNames = (graph.input ?? []).map((i) => i.name ?? '');
  const constants = new Map<string, Value>();
  for (const init of graph.initializer ?? []) constants.set(init.name ?? '', constantValue(init, `initializer '${init.name}'${where}`));
  const outer = outerNames(graph);
  const nodes = ordered(graph, new Set([...constants.keys(), ...inputNames, ...outer]), where);
  const contexts = nodes.map((n, i) => new NodeContext(n, i, owner.opset, compileSubgraph));
  const defs = contexts.map((node, i) => definitionOf(node, nodes[i]!));
  const outerSet = new Set(outer);
  const neededOuter = new Map([...neededBeforeRun(contexts, defs)].filter(([name]) => outerSet.has(name)).map(([name, why]) => [name, `${why}${where}`] as const));
  const steps = contexts.map((node, i) => ({ node, def: defs[i]!, run: defs[i]!.compile(node) }));
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');

  const runWith: Subgraph['runWith'] = (values, knownOuter, args, argsKnown) => {
    if (args.length !== inputNames.length) owner.runError(`its ${attribute} declares ${inputNames.length} inputs, but ${args.length} were given.`);
    const env = new Map(constants), known = new Set(constants.keys());
    inputNames.forEach((name, k) => {
      env.set(name, args[k]!);
      if (argsKnown[k]) known.add(name);
      else known.delete(name); // an input shadows a constant of the same name
    });
    const read = (x: string) => env.get(x) ?? values.get(x);
    const isKnown = (x: string) => x === '' || known.has(x) || (!env.has(x) && knownOuter.has(x));
    for (const { node, def, run } of steps) {
      const flags = node.inputs.map(isKnown);
      const inputs = node.inputs.map((x) => (x === '' ? undefined : read(x)));
      for (const k of def.staticInputs ?? []) if (!flags[k] && inputs[k] !== undefined) inputs[k] = readStaticInput(node, k, inputs[k]!);
      const outs = run(inputs, flags);
      const outputsKnown = def.shapeOnly === true || flags.every(Boolean);
      node.outputs.forEach((o, k) => {
        if (o === '' || outs[k] === undefined) return;
        env.set(o, outs[k]!);
        if (outputsKnown) known.add(o);
        else known.delete(o);
      });
    }
    return {
      values: outputs.map((o) => read(o) ?? owner.runError(`output '${o}' of its ${attribute} was not computed.`)),
      known: outputs.map(isKnown),
    };
  };

  return {
    outer,
    neededOuter,
    inputNames,
    outputCount: outputs.length,
    outputTypes: (graph.output ?? []).map(declaredType),
    runWith,
    run: (values, knownOuter) => runWith(values, knownOuter, [], []).values,
  };
}
