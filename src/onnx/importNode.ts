/**
 * @file What an operator of the importer sees: a node's attributes read and checked at import time,
 * the values flowing along the graph's edges (an adjoint tensor and the ONNX element kind it
 * stands for), and the helpers every operator group shares.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { AttributeType, DataType, tensorValues, type AttributeProto, type GraphProto, type NodeProto, type TensorProto } from './proto.js';
import { outerNames } from './importScope.js';
import { everyExample, isBatched } from '../transforms/vmap.js';
import { noteLibraryRead } from '../jit/valueReads.js';

/**
 * The element kind a value stands for. adjoint computes in float64 throughout; integers and
 * booleans are float64 tensors of whole numbers and of 0/1, and the kind says which ONNX type they
 * carry, so that integer Div truncates and Cast knows where it starts.
 */
export type Kind = 'float' | 'int' | 'bool';

/** A value on an edge of the graph. */
export interface Value {
  readonly tensor: Tensor;
  readonly kind: Kind;
}

/**
 * The operator's run: one value per input (undefined for an omitted optional input) to one per
 * output. `known[i]` says input i is known before the run (computed from constants and shapes
 * only), so its numbers may be read.
 */
export type Run = (inputs: ReadonlyArray<Value | undefined>, known: readonly boolean[]) => Value[];

/** One operator of the table. */
export interface OperatorDef {
  /** The attributes it understands; any other attribute on a node is an import-time error. */
  readonly attributes: readonly string[];
  /**
   * The inputs whose values must be known before the run (shapes, axes, pads, …): computed from
   * constants and from other values' shapes only, never from the graph inputs' values.
   */
  readonly staticInputs?: readonly number[];
  /** Its output is known from its input's shape alone (Shape, Size). */
  readonly shapeOnly?: boolean;
  /** Reads and checks the attributes once, at import, and returns the run. */
  compile(node: NodeContext): Run;
}

/**
 * A graph attribute compiled (an If's branch, a Loop's or Scan's body): it runs on its declared
 * inputs and on the values of the enclosing scopes it reads by name (ONNX IR: a subgraph may refer
 * to any name visible in its enclosing graphs).
 */
export interface Subgraph {
  /** The enclosing scopes' values it reads by name, its own nested subgraphs' included. */
  readonly outer: readonly string[];
  /** Those of them its operators need known before the run (shapes, axes…): name → the node that needs it. */
  readonly neededOuter: ReadonlyMap<string, string>;
  /** The names of its declared inputs (none for an If's branches). */
  readonly inputNames: readonly string[];
  /** The number of its outputs. */
  readonly outputCount: number;
  /** Each output's declared element kind and shape, where its ValueInfo gives every dim as a number. */
  readonly outputTypes: ReadonlyArray<{ readonly kind: Kind; readonly shape: readonly number[] } | null>;
  /** Runs it without inputs: `outer` holds the values it reads, `known` those of them known before the run. */
  run(outer: ReadonlyMap<string, Value>, known: ReadonlySet<string>): Value[];
  /** Runs it on its declared inputs `args` (`argsKnown[k]`: args[k] is known before the run); says which outputs are known. */
  runWith(
    outer: ReadonlyMap<string, Value>, known: ReadonlySet<string>, args: readonly Value[], argsKnown: readonly boolean[],
  ): { values: Value[]; known: boolean[] };
}

/**
 * The enclosing scopes' values a node's graph attributes read (its `captured` inputs, from index
 * `first` of the run's inputs) by name, and those of them known before the run: what a Subgraph runs on.
 */
export function capturedScope(node: NodeContext, inputs: ReadonlyArray<Value | undefined>, known: readonly boolean[], first: number) {
  const outer = new Map<string, Value>(), knownOuter = new Set<string>();
  node.captured.forEach((name, j) => {
    const v = inputs[first + j];
    if (v !== undefined) outer.set(name, v);
    if (known[first + j]) knownOuter.add(name);
  });
  return { outer, knownOuter };
}

/** Compiles a graph attribute of `owner` (kept apart so that this file does not import the operator table). */
export type SubgraphCompiler = (graph: GraphProto, owner: NodeContext, attribute: string) => Subgraph;

/** The kind of an ONNX element type. */
export function kindOf(dataType: number): Kind | null {
  switch (dataType) {
    case DataType.FLOAT: case DataType.DOUBLE: case 10 /* FLOAT16 */: case 16 /* BFLOAT16 */:
      return 'float';
    case DataType.BOOL:
      return 'bool';
    case DataType.UINT8: case DataType.INT8: case 4 /* UINT16 */: case 5 /* INT16 */: case DataType.INT32: case DataType.INT64:
    case 12 /* UINT32 */: case 13 /* UINT64 */:
      return 'int';
    default:
      return null;
  }
}

/** The constant in a TensorProto (an initializer or an attribute) as a value. */
export function constantValue(t: TensorProto, where: string): Value {
  const kind = kindOf(t.dataType ?? 0);
  if (kind === null) {
    throw new InvalidArgumentError(
      `onnx.importModel: ${where} has element type ${t.dataType}, which adjoint does not read (float, double, float16, integer and bool tensors are read).`,
    );
  }
  const dims = t.dims ?? [];
  return { tensor: new Tensor(tensorValues(t), [...dims]), kind };
}

/** A node with its attributes, as an operator's compile step sees it. */
export class NodeContext {
  readonly name: string;
  readonly opType: string;
  /**
   * The node's inputs, then the values of this scope that its graph attributes read by name (its
   * `captured` ones): a run gets them all, in this order, so the order of the nodes, what is known
   * before the run and what is folded at import see a branch's reads as inputs of its node.
   */
  readonly inputs: readonly string[];
  /** The names its graph attributes read from the enclosing scopes (none for most operators). */
  readonly captured: readonly string[];
  readonly outputs: readonly string[];
  private readonly attrs = new Map<string, AttributeProto>();
  private readonly compiled = new Map<string, Subgraph>();

  constructor(
    node: NodeProto,
    index: number,
    /** The default domain's opset the model imports. */
    readonly opset: number,
    /** How its graph attributes compile (absent where none may appear). */
    private readonly compileGraph?: SubgraphCompiler,
  ) {
    this.opType = node.opType ?? '';
    this.name = node.name || `#${index} (${this.opType})`;
    // Trailing empty names are omitted inputs as much as missing ones are.
    const inputs = [...(node.input ?? [])];
    while (inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
    this.outputs = node.output ?? [];
    for (const a of node.attribute ?? []) this.attrs.set(a.name ?? '', a);
    const graphs = (node.attribute ?? []).flatMap((a) => (a.g === undefined ? [] : [a.g]));
    this.captured = [...new Set(graphs.flatMap(outerNames))];
    this.inputs = [...inputs, ...this.captured];
  }

  /** The graph attribute `name` compiled (once), or an import-time error if the node has none. */
  subgraph(name: string): Subgraph {
    const known = this.compiled.get(name);
    if (known !== undefined) return known;
    const g = this.get(name, AttributeType.GRAPH)?.g ?? this.fail(`attribute ${name} (a graph) is required.`);
    if (this.compileGraph === undefined) this.fail(`graph attribute ${name} cannot be compiled here.`);
    const compiled = this.compileGraph(g, this, name);
    this.compiled.set(name, compiled);
    return compiled;
  }

  /** Every graph attribute of the node, compiled. */
  subgraphs(): Subgraph[] {
    return [...this.attrs.values()].filter((a) => a.g !== undefined).map((a) => this.subgraph(a.name ?? ''));
  }

  /** An import-time error naming this node and its operator. */
  fail(message: string): never {
    throw new InvalidArgumentError(`onnx.importModel: node '${this.name}' (${this.opType}, opset ${this.opset}): ${message}`);
  }

  has(name: string): boolean {
    return this.attrs.has(name);
  }

  attributeNames(): string[] {
    return [...this.attrs.keys()];
  }

  private get(name: string, type: number): AttributeProto | undefined {
    const a = this.attrs.get(name);
    if (a === undefined) return undefined;
    // Old writers leave `type` unset; the field present says what it is.
    if (a.type !== undefined && a.type !== 0 && a.type !== type) this.fail(`attribute '${name}' has type ${a.type}, expected ${type}.`);
    return a;
  }

  int(name: string, fallback: number): number {
    return this.get(name, AttributeType.INT)?.i ?? fallback;
  }

  float(name: string, fallback: number): number {
    return this.get(name, AttributeType.FLOAT)?.f ?? fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.get(name, AttributeType.INTS);
    return a === undefined ? undefined : (a.ints ?? []);
  }

  floats(name: string): number[] | undefined {
    const a = this.get(name, AttributeType.FLOATS);
    return a === undefined ? undefined : (a.floats ?? []);
  }

  string(name: string, fallback: string): string {
    const s = this.get(name, AttributeType.STRING)?.s;
    return s === undefined ? fallback : new TextDecoder().decode(s);
  }

  strings(name: string): string[] | undefined {
    const a = this.get(name, AttributeType.STRINGS);
    return a === undefined ? undefined : (a.strings ?? []).map((s) => new TextDecoder().decode(s));
  }

  tensor(name: string): TensorProto | undefined {
    return this.get(name, AttributeType.TENSOR)?.t;
  }

  /** An attribute that must take one of `allowed` values (a mode adjoint does not implement is an error now, not at the run). */
  oneOf<T extends string | number>(name: string, value: T, allowed: readonly T[]): T {
    if (!allowed.includes(value)) this.fail(`attribute ${name} = ${JSON.stringify(value)} is not supported (supported: ${allowed.map((a) => JSON.stringify(a)).join(', ')}).`);
    return value;
  }

  /** A run-time error naming this node (shapes that do not fit the operator). */
  runError(message: string): never {
    throw new InvalidArgumentError(`onnx model: node '${this.name}' (${this.opType}): ${message}`);
  }
}

/**
 * The values of a tensor under vmap when every example holds the same ones (one example's worth), or
 * null where they differ.
 */
export function sharedByBatch(t: Tensor, reason: string): Float64Array | null {
  const all = everyExample(t, reason), size = t.size;
  for (let i = size; i < all.length; i++) if (!Object.is(all[i], all[i % size]) && all[i] !== all[i % size]) return null;
  return all.slice(0, size);
}

/**
 * A static input (a shape, axes, pads…) that is not known before the run, being computed from the
 * values of the model's inputs (the offsets of PyTorch's EmbeddingBag slice the indices): its
 * numbers are read as they are — a value read a running jit recording sees (it then runs as
 * written, never replaying numbers read for other inputs). Under vmap, numbers every example shares
 * are read once; numbers that differ across the batch are an error (each example's output would
 * have its own shape). Returns the value the operator reads.
 */
export function readStaticInput(node: NodeContext, k: number, v: Value): Value {
  const what = `input ${k} of ONNX node '${node.name}' (${node.opType}), read as numbers`;
  if (isBatched(v.tensor)) {
    const shared = sharedByBatch(v.tensor, what);
    if (shared === null) {
      node.runError(`input ${k} ('${node.inputs[k]}') is read as numbers (a shape, axes, pads…), but under vmap it differs across the batch; ` +
        'map the examples one at a time (their outputs may differ in shape).');
    }
    return { tensor: new Tensor(shared, [...v.tensor.shape]), kind: v.kind };
  }
  noteLibraryRead(v.tensor, what);
  return v;
}

/** The values of a value known before the run (a static input), as numbers. */
export function numbers(v: Value): number[] {
  return Array.from(v.tensor.values);
}

/** A value known before the run that must be one number. */
export function oneNumber(node: NodeContext, v: Value, what: string): number {
  if (v.tensor.size !== 1) node.runError(`${what} must hold one value, got shape ${formatShape(v.tensor.shape)}.`);
  return v.tensor.values[0]!;
}

export const floatValue = (tensor: Tensor): Value => ({ tensor, kind: 'float' });
export const same = (v: Value, tensor: Tensor): Value => ({ tensor, kind: v.kind });
