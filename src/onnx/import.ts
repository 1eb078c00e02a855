/**
 * @file `importModel`: an ONNX model as a function of tensors that runs its graph with adjoint's
 * ops, so grad, jvp, hvp, vmap and jit apply to it as to any function written by hand.
 *
 * Import reads the graph once and settles everything that does not depend on the inputs: each
 * node's operator and attributes (an unsupported one is an error now, not at the first call), the
 * order of the nodes, which values are known before a run — constants, and values computed from
 * constants and from other values' shapes (Shape → Gather → Concat → Reshape) — and which of those
 * can be folded right away. Values an operator needs as numbers (shapes, axes, pads) are known
 * before the run where they can be, and otherwise read from the run's values (a value read, as
 * `cond`'s predicate); a float initializer that feeds one stays a constant, the others are the
 * model's parameters. A run then walks the remaining nodes in order, on tensors.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { isPlainObject } from '../core/pytree.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, tensor, type TensorInput } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { decodeModel, type ModelProto, type ValueInfoProto } from './proto.js';
import { constantValue, kindOf, NodeContext, readStaticInput, type Kind, type Run, type Value } from './importNode.js';
import { neededBeforeRun, ordered } from './importScope.js';
import { compileSubgraph, definitionOf } from './importSubgraph.js';
import { extraArguments } from '../core/extraArguments.js';

/** The default domain's opsets the importer knows (each operator follows its definition at the model's opset). */
const OPSETS = { min: 7, max: 22 };

/** What a model's outputs come back as: the tensor of a one-output graph, otherwise an object by output name. */
export type ModelOutputs = Tensor | { [name: string]: Tensor };
/** A model's inputs: one object keyed by graph input name, or the inputs positionally in graph order. */
export type ModelInputs = [inputs: { readonly [name: string]: TensorInput }] | TensorInput[];

/** An imported ONNX model: call it on its inputs; `params` and `apply` expose its weights. */
export interface ImportedModel<Out extends ModelOutputs = ModelOutputs> {
  /** Runs the graph with the imported weights (constants to every transformation). */
  (...inputs: ModelInputs): Out;
  /**
   * Runs the graph with `params` in place of the weights of the same names (any subset; the rest
   * keep their imported values): a pure function of (params, inputs), as a JAX model's apply, so
   * `ad.grad((p) => loss(model.apply(p, x)))(model.params)` is the gradient for fine-tuning.
   */
  apply(params: { readonly [name: string]: Tensor }, ...inputs: ModelInputs): Out;
  /** The weights: every float initializer not used as a shape, by initializer name. */
  readonly params: { readonly [name: string]: Tensor };
  /** The graph inputs a call must give, in order (initializers listed as inputs are optional and not here). */
  readonly inputNames: readonly string[];
  /** The graph outputs, in order. */
  readonly outputNames: readonly string[];
  /** The default domain's opset the model imports. */
  readonly opset: number;
}

/** One node, compiled. */
interface Step {
  readonly node: NodeContext;
  readonly run: Run;
  /** Per input: known before the run. */
  readonly known: readonly boolean[];
  /** The static inputs (shapes, axes…) computed from the inputs' values, read as numbers during the run. */
  readonly reads: readonly number[];
}

const fail = (message: string): never => {
  throw new InvalidArgumentError(`onnx.importModel: ${message}`);
};

/** The default domain's opset of a model. */
function opsetOf(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  const version = entry?.version ?? fail('the model imports no opset of the default ONNX domain.');
  if (version < OPSETS.min || version > OPSETS.max) fail(`opset ${version} is outside the ${OPSETS.min}–${OPSETS.max} adjoint's importer knows.`);
  return version;
}

/** The ValueInfo's declared kind and shape (a dim_param or an unknown dim is null). */
function declared(info: ValueInfoProto): { kind: Kind; shape: Array<number | string | null> | null } {
  const t = info.type?.tensorType;
  const kind = t?.elemType === undefined ? 'float' : (kindOf(t.elemType) ?? fail(`input '${info.name}' has element type ${t.elemType}, which adjoint does not read.`));
  const shape = t?.shape === undefined ? null : (t.shape.dim ?? []).map((d) => d.dimValue ?? d.dimParam ?? null);
  return { kind, shape };
}

/**
 * An ONNX model (the bytes of a `.onnx` file) as a function of tensors, differentiable by every
 * transformation. Call it with an object keyed by graph input name (or the inputs positionally);
 * it returns the output tensor, or an object keyed by output name when the graph has several.
 * `model.params` holds the weights and `model.apply(params, inputs)` runs with others in their
 * place. Computes in float64 (float32 models too). See docs/onnx.md for the operators.
 * @example
 * const model = ad.onnx.importModel(bytes);
 * const y = model({ x: ad.tensor([[1, 2, 3]]) });
 * const g = ad.grad((p) => ad.sum(model.apply(p, { x })))(model.params);
 */
export function importModel<Out extends ModelOutputs = ModelOutputs>(bytes: Uint8Array): ImportedModel<Out>;
export function importModel<Out extends ModelOutputs = ModelOutputs>(bytes: Uint8Array, ...extra: unknown[]): ImportedModel<Out> {
  if (extra.length > 0) extraArguments('onnx.importModel', 'onnx.importModel(bytes)', extra, bytes);
  if (!(bytes instanceof Uint8Array)) fail(`expected the bytes of an .onnx file (a Uint8Array), got ${describe(bytes)}.`);
  const model = decodeModel(bytes);
  const graph = model.graph ?? fail('the model has no graph.');
  const opset = opsetOf(model);

  // Initializers: integer ones are constants; float ones are parameters unless a shape needs them.
  const initial = new Map<string, Value>();
  for (const init of graph.initializer ?? []) initial.set(init.name ?? '', constantValue(init, `initializer '${init.name}'`));
  const inputs = (graph.input ?? []).filter((i) => !initial.has(i.name ?? ''));
  const inputInfo = new Map((graph.input ?? []).map((i) => [i.name ?? '', declared(i)] as const));
  const nodes = ordered(graph, new Set([...initial.keys(), ...inputInfo.keys()]));

  // Compile every node: an unknown operator, domain or attribute is an error here.
  const contexts = nodes.map((n, i) => new NodeContext(n, i, opset, compileSubgraph));
  const defs = contexts.map((node, i) => definitionOf(node, nodes[i]!));

  // Which values are read as numbers (shapes, axes, pads…, and what they are computed from): those
  // computed from constants and shapes are known before the run; those computed from the inputs'
  // values are read during it (readStaticInput).
  const needed = neededBeforeRun(contexts, defs);
  const paramNames = [...initial.entries()].filter(([name, v]) => v.kind === 'float' && !needed.has(name)).map(([name]) => name);
  const params = new Set(paramNames);

  // Initializers listed as graph inputs are defaults a call may replace: not folded, unless needed
  // before the run (then fixed, and a feed for them is an error).
  const replaceable = new Set([...inputInfo.keys()].filter((name) => initial.has(name) && !needed.has(name)));

  // Known before the run: constants (folded now), and what shapes and constants compute (each run).
  const constants = new Map<string, Value>([...initial].filter(([name]) => !params.has(name) && !replaceable.has(name)));
  const defaultInputs = [...replaceable].filter((name) => !params.has(name));
  const known = new Set(constants.keys());
  const steps: Step[] = [];
  nodes.forEach((_, i) => {
    const node = contexts[i]!, def = defs[i]!;
    const run = def.compile(node);
    const knownInputs = node.inputs.map((x) => x === '' || known.has(x));
    if (def.shapeOnly || knownInputs.every(Boolean)) for (const o of node.outputs) known.add(o);
    if (!def.shapeOnly && node.inputs.every((x) => x === '' || constants.has(x))) {
      const outs = run(node.inputs.map((x) => (x === '' ? undefined : constants.get(x))), knownInputs);
      node.outputs.forEach((o, k) => o !== '' && outs[k] !== undefined && constants.set(o, outs[k]!));
      return;
    }
    const reads = (def.staticInputs ?? []).filter((k) => k < node.inputs.length && !knownInputs[k] && node.inputs[k] !== '');
    steps.push({ node, run, known: knownInputs, reads });
  });
  const outputNames = (graph.output ?? []).map((o) => o.name ?? '');
  const produced = new Set([...known, ...inputInfo.keys(), ...params, ...steps.flatMap((s) => s.node.outputs)]);
  for (const o of outputNames) if (!produced.has(o)) fail(`graph output '${o}' is produced by no node, initializer or input.`);
  const inputNames = inputs.map((i) => i.name ?? '');
  const defaults: Record<string, Tensor> = {};
  for (const name of paramNames) defaults[name] = initial.get(name)!.tensor;
  Object.freeze(defaults);

  /** The feeds of a call by input name, shapes checked against the declared ones (dim_params bound consistently). */
  function feeds(args: unknown[]): Map<string, Value> {
    const given = new Map<string, unknown>();
    if (args.length === 1 && isPlainObject(args[0])) {
      for (const [name, v] of Object.entries(args[0])) {
        if (!inputInfo.has(name)) fail(`the model has no input '${name}' (its inputs: ${[...inputInfo.keys()].join(', ')}).`);
        if (constants.has(name)) fail(`input '${name}' has an initializer that the model uses as a shape, axes or pads; it is fixed at import and cannot be fed.`);
        given.set(name, v);
      }
    } else {
      if (args.length !== inputNames.length) fail(`the model takes ${inputNames.length} inputs (${inputNames.join(', ')}), got ${args.length}; pass them in this order or as an object keyed by name.`);
      args.forEach((v, i) => given.set(inputNames[i]!, v));
    }
    const dims = new Map<string, number>();
    const out = new Map<string, Value>();
    for (const [name, v] of given) {
      const t = tensor(v as TensorInput);
      const { kind, shape } = inputInfo.get(name)!;
      if (shape !== null) {
        const bad = shape.length !== t.ndim || shape.some((d, i) => {
          if (typeof d === 'number' && d > 0) return d !== t.shape[i];
          if (typeof d !== 'string' || d === '') return false;
          const bound = dims.get(d);
          dims.set(d, bound ?? t.shape[i]!);
          return bound !== undefined && bound !== t.shape[i];
        });
        if (bad) {
          const want = `[${shape.map((d) => (d === null ? '?' : d)).join(',')}]`;
          throw new ShapeError(`onnx model: input '${name}' has shape ${formatShape(t.shape)}, but the model declares ${want}${dims.size ? ` (with ${[...dims].map(([k, n]) => `${k} = ${n}`).join(', ')})` : ''}.`);
        }
      }
      out.set(name, { tensor: t, kind });
    }
    for (const name of inputNames) if (!out.has(name)) fail(`input '${name}' is missing (the model's inputs: ${inputNames.join(', ')}).`);
    return out;
  }

  function run(overrides: { readonly [name: string]: Tensor }, args: unknown[]): Out {
    const env = new Map(constants);
    for (const name of paramNames) env.set(name, { tensor: defaults[name]!, kind: 'float' });
    for (const name of defaultInputs) env.set(name, initial.get(name)!);
    if (!isPlainObject(overrides)) fail(`apply takes the parameters as an object keyed by initializer name first, got ${describe(overrides)}.`);
    for (const [name, p] of Object.entries(overrides)) {
      if (!params.has(name)) fail(`the model has no parameter '${name}' (model.params lists them).`);
      const t = tensor(p as TensorInput);
      if (!shapesEqual(t.shape, defaults[name]!.shape)) throw new ShapeError(`onnx model: parameter '${name}' has shape ${formatShape(t.shape)}, but the model's is ${formatShape(defaults[name]!.shape)}.`);
      env.set(name, { tensor: t, kind: 'float' });
    }
    for (const [name, v] of feeds(args)) env.set(name, v);
    for (const { node, run: step, known: k, reads } of steps) {
      const values = node.inputs.map((x) => (x === '' ? undefined : env.get(x)));
      for (const r of reads) values[r] = readStaticInput(node, r, values[r]!);
      const outs = step(values, k);
      node.outputs.forEach((o, i) => o !== '' && outs[i] !== undefined && env.set(o, outs[i]!));
    }
    const result = outputNames.map((o) => env.get(o)?.tensor ?? fail(`graph output '${o}' was not computed.`));
    if (result.length === 1) return result[0] as Out;
    return Object.fromEntries(outputNames.map((o, i) => [o, result[i]!])) as Out;
  }

  const f = ((...args: unknown[]) => run({}, args)) as ImportedModel<Out>;
  return Object.assign(f, {
    apply: (p: { readonly [name: string]: Tensor }, ...args: unknown[]) => run(p, args),
    params: defaults,
    inputNames,
    outputNames,
    opset,
  });
}
