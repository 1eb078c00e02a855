/**
 * @file Building an ONNX graph node by node: fresh value names, nodes with typed attributes, and
 * constants as initializers (float ones in the export's element type, int64 ones for indices,
 * axes and shapes), each constant written once however often it is used.
 */
import { AttributeType, DataType, float32Bytes, float64Bytes, int64Bytes, type AttributeProto, type NodeProto, type TensorProto } from './proto.js';

/** The element type of an exported graph's float values. */
export type ExportDtype = 'float64' | 'float32';

/** An attribute value: an int, a float (`{ f }`), a string, or a list of ints. */
export type Attribute = number | { readonly f: number } | string | readonly number[];

/** A value of the graph under construction: its name and its (static) shape. */
export interface Operand {
  readonly name: string;
  readonly shape: readonly number[];
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private count = 0;
  private readonly constants = new Map<string, string>();

  constructor(readonly dtype: ExportDtype) {}

  /** The ONNX DataType of float values. */
  get floatType(): number {
    return this.dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
  }

  /** A new value name (`hint` keeps the graph readable in Netron). */
  fresh(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  /** Adds one node; returns its outputs' names (`outputs` of them). */
  nodeN(opType: string, input: readonly string[], attributes: Readonly<Record<string, Attribute>> = {}, outputs = 1): string[] {
    const output = Array.from({ length: outputs }, () => this.fresh(opType));
    const attribute = Object.entries(attributes).map(([name, v]) => attributeOf(name, v));
    this.nodes.push({ opType, input: [...input], output, ...(attribute.length > 0 ? { attribute } : {}) });
    return output;
  }

  /** Adds one node with one output; returns its name. */
  node(opType: string, input: readonly string[], attributes: Readonly<Record<string, Attribute>> = {}): string {
    return this.nodeN(opType, input, attributes)[0]!;
  }

  /** A boolean tensor as 0/1 in the export's float type (comparisons' results are 0/1 tensors in adjoint). */
  toFloat(condition: string): string {
    return this.node('Cast', [condition], { to: this.floatType });
  }

  /**
   * `x` reshaped to `shape` (static). A 0 in an ONNX Reshape's shape copies the input's dimension
   * unless `allowzero` is 1, so a shape with an empty axis (a [0, 3] or [1, 0] result) sets it.
   */
  reshape(x: string, shape: readonly number[]): string {
    return this.node('Reshape', [x, this.ints(shape)], shape.includes(0) ? { allowzero: 1 } : {});
  }

  /** Zeros of `shape` in the float type. */
  zeros(shape: readonly number[]): string {
    return this.node('Expand', [this.floats(0), this.ints(shape)]);
  }

  /** A float tensor constant in the export's element type (0-d for a number). */
  floats(values: ArrayLike<number> | number, shape: readonly number[] = []): string {
    const list = typeof values === 'number' ? [values] : values;
    const rawData = this.dtype === 'float64' ? float64Bytes(list) : float32Bytes(list);
    return this.constant('f', rawData, shape, this.floatType);
  }

  /** An int64 tensor constant (a 1-d list by default; `shape` [] for a single 0-d value). */
  ints(values: ArrayLike<number>, shape: readonly number[] = [values.length]): string {
    return this.constant('i', int64Bytes(values), shape, DataType.INT64);
  }

  /** An initializer, shared by every use of the same bytes, shape and type. */
  private constant(hint: string, rawData: Uint8Array, shape: readonly number[], dataType: number): string {
    // Small constants are keyed by their bytes; large ones (weights) are rarely repeated and are
    // not worth hashing.
    const key = rawData.length <= 256 ? `${dataType}|${shape.join(',')}|${Array.from(rawData).join(',')}` : null;
    const known = key === null ? undefined : this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.fresh(hint === 'i' ? 'const_i64' : 'const');
    this.initializers.push({ name, dims: [...shape], dataType, rawData });
    if (key !== null) this.constants.set(key, name);
    return name;
  }
}

/**
 * How one primitive becomes ONNX nodes: from its inputs (names and shapes), its params and its
 * output shape, it adds nodes to `g` and returns the name of the value equal to the output.
 */
export type Lowering<P = never> = (g: GraphBuilder, inputs: readonly Operand[], params: P, out: readonly number[]) => string;

/**
 * A family's lowerings, each typed by its own params, as one table of the exporter's type: the
 * exporter hands each rule the params its primitive recorded, so the types line up by name.
 */
export function rules(table: Readonly<Record<string, Lowering<never>>>): Record<string, Lowering<unknown>> {
  return table as Record<string, Lowering<unknown>>;
}

function attributeOf(name: string, v: Attribute): AttributeProto {
  if (typeof v === 'number') return { name, type: AttributeType.INT, i: v };
  if (typeof v === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttributeType.INTS, ints: [...(v as readonly number[])] };
  return { name, type: AttributeType.FLOAT, f: (v as { f: number }).f };
}
