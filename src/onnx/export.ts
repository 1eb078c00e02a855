/**
 * @file `exportModel`: a function, recorded as `jit` records it, written as an ONNX model.
 *
 * The program `jit` records for `fn` at the example arguments (src/jit/) is a straight-line list
 * of slots; each becomes ONNX nodes in order: an argument tensor a graph input, a closed-over
 * tensor an initializer, a 0-d op of the recording's scalar code its primitive's ONNX form on 0-d
 * tensors, and a general primitive call its form from the export table (src/onnx/exportTable.ts).
 * `jit(valueAndGrad(f))` records the forward and the backward pass, so the model can be a whole
 * training step. The recording runs with fused VJP kernels off, so every call is a primitive with
 * an ONNX form; a call with none, or a read of a value computed from the arguments (the function
 * would then depend on it in a way no graph records), is an AdjointError naming the op and the
 * line of the user's code.
 */
import { Tensor } from '../tensor/tensor.js';
import { anyTraceRunning } from '../core/trace.js';
import type { Primitive } from '../core/primitive.js';
import { AdjointError, InvalidArgumentError } from '../core/errors.js';
import { captureSite } from '../core/anomaly.js';
import { genericPrograms } from '../core/genericPrograms.js';
import type { TreeDef } from '../core/pytree.js';
import { SCALAR_OPS, SCALAR_CONSTANT, scalarArity, SCALAR_CODE_LIMIT } from '../core/scalarOps.js';
import { recordProgram } from '../jit/jit.js';
import { CONSTANT, GENERAL, INPUT, type GeneralCall, type Program } from '../jit/program.js';
import { checkFunction } from '../transforms/args.js';
import { GraphBuilder, type ExportDtype, type Operand } from './graph.js';
import { exportRules, notExportable, tapeOnly } from './exportTable.js';
import { encodeModel, type ModelProto, type ValueInfoProto } from './proto.js';
import { extraArguments } from '../core/extraArguments.js';

/** The opset the exported graphs use: 18 is the first where every Reduce op takes its axes as an input. */
export const EXPORT_OPSET = 18;
const IR_VERSION = 8;
const PRODUCER_VERSION = '0.1.0';

export interface ExportOptions {
  /** Element type of the graph's inputs, outputs, constants and arithmetic (default 'float64'). */
  readonly dtype?: 'float64' | 'float32' | undefined;
  /** The graph's name (default 'adjoint'). */
  readonly name?: string | undefined;
  /** A description stored in the model (ModelProto.doc_string). */
  readonly docString?: string | undefined;
}

/** Thrown when a function cannot be written as an ONNX graph: the message names the op or the read, and where. */
export class ExportError extends AdjointError {
  static {
    this.prototype.name = 'ExportError';
  }
}

/**
 * Records `fn` at `exampleArgs` (as `ad.jit` would on its first call) and returns the ONNX model
 * (a serialized ModelProto, the bytes of a `.onnx` file) computing the same result for any
 * arguments of the same shapes. Inputs are named by their place in the arguments — `args.0`,
 * `args.1.W1`, `args.0.2` — and outputs by their place in the result — `out` for a single tensor,
 * `out.0`, `out.1.W1` otherwise. Numbers among the arguments are constants of the graph.
 * @example
 * const bytes = ad.onnx.exportModel((x) => ad.sum(ad.tanh(x)), [ad.zeros([3])]);
 * bytes instanceof Uint8Array; // => true
 */
export function exportModel(fn: (...args: never[]) => unknown, exampleArgs: readonly unknown[], options?: ExportOptions): Uint8Array;
export function exportModel(fn: (...args: never[]) => unknown, exampleArgs: readonly unknown[], options: ExportOptions = {}, ...extra: unknown[]): Uint8Array {
  if (extra.length > 0) extraArguments('onnx.exportModel', 'onnx.exportModel(fn, exampleArgs, options?)', extra, options);
  return encodeModel(exportModelProto(fn, exampleArgs, options));
}

/** The model `exportModel` encodes, as a ModelProto object. @internal */
export function exportModelProto(fn: (...args: never[]) => unknown, exampleArgs: readonly unknown[], options: ExportOptions = {}): ModelProto {
  checkFunction(fn, 'onnx.exportModel');
  if (anyTraceRunning()) {
    throw new InvalidArgumentError('onnx.exportModel: called inside a transformation (grad, vmap, …); export at the top level, with the transformation inside fn: exportModel(ad.grad(f), args).');
  }
  if (!Array.isArray(exampleArgs)) {
    throw new InvalidArgumentError('onnx.exportModel: exampleArgs must be an array of the arguments to record fn at, e.g. [W, x].');
  }
  const dtype: ExportDtype = options.dtype ?? 'float64';
  if (dtype !== 'float64' && dtype !== 'float32') {
    throw new InvalidArgumentError(`onnx.exportModel: dtype must be 'float64' or 'float32', got ${String(dtype)}.`);
  }
  // Where each non-exportable call was recorded (the first of each primitive), for the error.
  const sites = new Map<string, string>();
  // Kernels without an ONNX form (Eisner, semi-Markov, CTC) give way to their op programs meanwhile.
  const was = genericPrograms.on;
  genericPrograms.on = true;
  let rec: ReturnType<typeof recordProgram>;
  try {
    rec = recordProgram(fn as (...args: unknown[]) => unknown, [...exampleArgs], (trace) => {
      trace.fusedVjps = false;
      trace.guards = false; // a checked value stays a read: a graph holds no check
      trace.onCall = (prim) => {
        if (!(prim.name in exportRules) && !sites.has(prim.name)) sites.set(prim.name, captureSite());
      };
    });
  } finally {
    genericPrograms.on = was;
  }
  if (rec.program === null) {
    throw new ExportError(`onnx.exportModel: the function cannot be exported: ${rec.reason ?? 'it could not be recorded'}. ` +
      'A graph cannot depend on values read in JavaScript: compute with ops instead (ad.where for a branch on values).');
  }
  const g = new GraphBuilder(dtype);
  const inputNames = uniqueNames(rec.inputPaths.map((p) => `args.${dotted(p)}`), 'input');
  const names = writeProgram(g, rec.program, rec.inputs.map((t, i) => ({ name: inputNames[i]!, shape: t.shape })), sites);
  const outputs = uniqueNames(outputNames(rec.outDef!), 'output');
  // Outputs get their own names through Identity nodes (an input or a shared value may be several outputs).
  const graphOutputs: ValueInfoProto[] = [];
  rec.program.outputs.forEach((o, i) => {
    let source: string, shape: readonly number[];
    if ('slot' in o) {
      source = names[o.slot]!.name;
      shape = names[o.slot]!.shape;
    } else {
      const v = o.value instanceof Tensor ? o.value : Tensor.scalar(o.value as number);
      source = g.floats(v.values.slice(), v.shape);
      shape = v.shape;
    }
    g.nodes.push({ opType: 'Identity', input: [source], output: [outputs[i]!] });
    graphOutputs.push(valueInfo(outputs[i]!, shape, g.floatType));
  });
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: EXPORT_OPSET }],
    producerName: 'adjoint',
    producerVersion: PRODUCER_VERSION,
    ...(options.docString !== undefined ? { docString: options.docString } : {}),
    graph: {
      name: options.name ?? 'adjoint',
      node: g.nodes,
      initializer: g.initializers,
      input: rec.inputs.map((t, i) => valueInfo(inputNames[i]!, t.shape, g.floatType)),
      output: graphOutputs,
    },
  };
}

/**
 * The names as they are, if no two are the same: a key holding a dot ({ 'a.b': x } beside
 * { a: { b: y } }) would name two values alike, and ONNX Runtime refuses such a model.
 */
function uniqueNames(names: string[], what: 'input' | 'output'): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new ExportError(`onnx.exportModel: two ${what}s would both be named '${name}' (a key with a dot in it beside nested keys of the same spelling); ` +
        `rename the ${what === 'input' ? "arguments'" : "result's"} keys so that no key holds a dot.`);
    }
    seen.add(name);
  }
  return names;
}

/** `0[1].W1` (a path as jit's signature spells it) as `0.1.W1`. */
const dotted = (path: string) => path.replace(/\[(\d+)\]/g, '.$1');

/** Output names from the result's structure: `out` for a single leaf, else `out.` and the leaf's path (a null node has none). */
function outputNames(def: TreeDef): string[] {
  const names: string[] = [];
  const walk = (d: TreeDef, at: string) => {
    if (d.kind === 'leaf') names.push(at);
    else if (d.kind === 'array' || d.kind === 'node') d.children.forEach((c, i) => walk(c, `${at}.${i}`));
    else if (d.kind === 'object') d.children.forEach((c, i) => walk(c, `${at}.${d.keys[i]!}`));
  };
  walk(def, 'out');
  return names;
}

function valueInfo(name: string, shape: readonly number[], elemType: number): ValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}

/** Primitive name of each scalar op code (the 0-d ops of a recording). */
const SCALAR_NAMES: string[] = [];
for (const [name, { code }] of SCALAR_OPS) SCALAR_NAMES[code] = name;

/** Adds the nodes of every slot; returns each slot's value (name and shape). */
function writeProgram(g: GraphBuilder, program: Program, inputs: readonly Operand[], sites: ReadonlyMap<string, string>): Operand[] {
  const { code, a, b, calls, constants } = program;
  const values: Operand[] = new Array(code.length);
  const constantOf = new Map<number, number>();
  program.constantSlots.forEach((s, i) => constantOf.set(s, program.constantValues[i]!));
  for (let k = 0; k < code.length; k++) {
    const c = code[k]!;
    if (c === INPUT) values[k] = inputs[a[k]!]!;
    else if (c === CONSTANT) {
      const t = constants[a[k]!]!;
      values[k] = { name: g.floats(t.values.slice(), t.shape), shape: t.shape };
    } else if (c === SCALAR_CONSTANT) values[k] = { name: g.floats(constantOf.get(k)!), shape: [] };
    else if (c < SCALAR_CODE_LIMIT) {
      const ins = scalarArity(c) === 2 ? [values[a[k]!]!, values[b[k]!]!] : [values[a[k]!]!];
      values[k] = { name: exportRules[SCALAR_NAMES[c]!]!(g, ins, null, []), shape: [] };
    } else if (c === GENERAL) {
      const call = calls[a[k]!]!;
      values[k] = { name: lowerCall(g, call.prim, call.params, call.inputs, values, call, sites), shape: call.shape };
    }
  }
  return values;
}

/** The params of a fused accumulation (jit/programFusion.ts): x + inner(g), added in place on a replay. */
interface AccumulateParams {
  readonly inner: Primitive<unknown>;
  readonly params: unknown;
}

function lowerCall(
  g: GraphBuilder, prim: Primitive<any>, params: unknown, slots: Int32Array, values: readonly Operand[], call: GeneralCall,
  sites: ReadonlyMap<string, string>,
): string {
  const ins = Array.from(slots, (s) => values[s]!);
  if (prim.name === 'accumulateInto') {
    // x + P(g): the in-place accumulation's meaning, written densely.
    const { inner, params: p } = params as AccumulateParams;
    const dense = lowerCall(g, inner, p, Int32Array.of(slots[1]!), values, call, sites);
    return g.node('Add', [ins[0]!.name, dense]);
  }
  if (prim.name === 'addInPlace') {
    // x += s in place: the add it was.
    const { inner, params: p } = params as AccumulateParams;
    return lowerCall(g, inner, p, slots, values, call, sites);
  }
  const rule = exportRules[prim.name];
  if (rule !== undefined) return rule(g, ins, params, call.shape);
  const why = notExportable[prim.name] ??
    (tapeOnly.has(prim.name) ? 'a tape-only node that should not reach a recording' : 'a primitive the export table does not know');
  throw new ExportError(
    `onnx.exportModel: '${prim.name}' has no ONNX form (${why}); it was called at\n    ${sites.get(prim.name) ?? '(unknown location)'}\n` +
      'Compute it outside the exported function and pass the result in as an argument, or export the part of the function around it.',
  );
}
