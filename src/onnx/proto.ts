/**
 * @file The ONNX wire format: a minimal Protocol Buffers encoder and decoder for the messages of
 * onnx.proto that models use (their object forms: protoMessages.ts; tensor contents: protoTensors.ts).
 *
 * ONNX models are `ModelProto` messages (onnx/onnx.proto, proto2 syntax). Writing our own codec
 * instead of taking protobufjs keeps the package free of runtime dependencies and browser-safe,
 * and the subset is small: six scalar kinds and nested messages. The codec is driven by a schema
 * table (`SCHEMA`): each message lists its fields as number → [name, kind, repeated?]. Field
 * numbers are those of onnx.proto; unknown fields are skipped on decoding (forward compatibility,
 * as protobuf requires), and repeated numeric fields are read both packed and unpacked (proto2
 * writers do either; ONNX marks TensorProto's data fields `[packed = true]`).
 *
 * Wire format (protobuf encoding guide): a field is a key varint (number << 3 | wireType) then its
 * payload: wire type 0 a varint, 1 eight little-endian bytes, 2 a length-delimited byte string
 * (strings, bytes, nested messages, packed repeated scalars), 5 four little-endian bytes.
 * int64 values are JavaScript numbers here: exact up to 2⁵³, which covers every dimension, axis
 * and attribute a model carries; negative ones are written as ten-byte two's complement varints.
 */
import { ProtoDecodeError, type ModelProto } from './protoMessages.js';

// The wire format's users import messages, codec and tensor contents from here.
export * from './protoMessages.js';
export * from './protoTensors.js';

type Scalar = 'string' | 'bytes' | 'int64' | 'int32' | 'float' | 'double';
type Kind = Scalar | MessageName;
type MessageName =
  | 'ModelProto'
  | 'OperatorSetIdProto'
  | 'StringStringEntryProto'
  | 'GraphProto'
  | 'NodeProto'
  | 'AttributeProto'
  | 'TensorProto'
  | 'ValueInfoProto'
  | 'TypeProto'
  | 'TypeProtoTensor'
  | 'TensorShapeProto'
  | 'DimensionProto';

/** number → [property name, kind, repeated]. Numbers from onnx/onnx.proto. */
type FieldTable = Record<number, readonly [string, Kind, boolean]>;

const SCHEMA: Record<MessageName, FieldTable> = {
  ModelProto: {
    1: ['irVersion', 'int64', false],
    8: ['opsetImport', 'OperatorSetIdProto', true],
    2: ['producerName', 'string', false],
    3: ['producerVersion', 'string', false],
    4: ['domain', 'string', false],
    5: ['modelVersion', 'int64', false],
    6: ['docString', 'string', false],
    7: ['graph', 'GraphProto', false],
    14: ['metadataProps', 'StringStringEntryProto', true],
  },
  OperatorSetIdProto: { 1: ['domain', 'string', false], 2: ['version', 'int64', false] },
  StringStringEntryProto: { 1: ['key', 'string', false], 2: ['value', 'string', false] },
  GraphProto: {
    1: ['node', 'NodeProto', true],
    2: ['name', 'string', false],
    5: ['initializer', 'TensorProto', true],
    10: ['docString', 'string', false],
    11: ['input', 'ValueInfoProto', true],
    12: ['output', 'ValueInfoProto', true],
    13: ['valueInfo', 'ValueInfoProto', true],
  },
  NodeProto: {
    1: ['input', 'string', true],
    2: ['output', 'string', true],
    3: ['name', 'string', false],
    4: ['opType', 'string', false],
    7: ['domain', 'string', false],
    5: ['attribute', 'AttributeProto', true],
    6: ['docString', 'string', false],
  },
  AttributeProto: {
    1: ['name', 'string', false],
    13: ['docString', 'string', false],
    20: ['type', 'int32', false],
    2: ['f', 'float', false],
    3: ['i', 'int64', false],
    4: ['s', 'bytes', false],
    5: ['t', 'TensorProto', false],
    6: ['g', 'GraphProto', false],
    7: ['floats', 'float', true],
    8: ['ints', 'int64', true],
    9: ['strings', 'bytes', true],
  },
  TensorProto: {
    1: ['dims', 'int64', true],
    2: ['dataType', 'int32', false],
    4: ['floatData', 'float', true],
    5: ['int32Data', 'int32', true],
    7: ['int64Data', 'int64', true],
    8: ['name', 'string', false],
    12: ['docString', 'string', false],
    9: ['rawData', 'bytes', false],
    10: ['doubleData', 'double', true],
  },
  ValueInfoProto: {
    1: ['name', 'string', false],
    2: ['type', 'TypeProto', false],
    3: ['docString', 'string', false],
  },
  TypeProto: { 1: ['tensorType', 'TypeProtoTensor', false] },
  TypeProtoTensor: { 1: ['elemType', 'int32', false], 2: ['shape', 'TensorShapeProto', false] },
  TensorShapeProto: { 1: ['dim', 'DimensionProto', true] },
  DimensionProto: { 1: ['dimValue', 'int64', false], 2: ['dimParam', 'string', false] },
};

/** Fields whose repeated values ONNX declares `[packed = true]`; other repeated scalars are written one key each (proto2's default). */
const PACKED = new Set(['floatData', 'int32Data', 'int64Data', 'doubleData']);

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

function wireType(kind: Kind): number {
  switch (kind) {
    case 'int64':
    case 'int32':
      return WIRE_VARINT;
    case 'double':
      return WIRE_FIXED64;
    case 'float':
      return WIRE_FIXED32;
    default:
      return WIRE_LENGTH;
  }
}

/** A growing byte buffer with the protobuf primitives. */
class Writer {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.reserve(1);
    this.bytes[this.length++] = b;
  }

  /** An unsigned or two's-complement varint of a safe integer. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`onnx: the integer ${value} is not exactly representable (|n| must be below 2^53)`);
    }
    if (value >= 0) {
      let v = value;
      while (v >= 0x80) {
        this.byte((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      this.byte(v);
      return;
    }
    // Negative: 64-bit two's complement, always ten bytes.
    let v = BigInt.asUintN(64, BigInt(value));
    for (let i = 0; i < 9; i++) {
      this.byte(Number(v & BigInt(0x7f)) | 0x80);
      v >>= BigInt(7);
    }
    this.byte(Number(v));
  }

  key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  float32(x: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, x, true);
    this.length += 4;
  }

  float64(x: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, x, true);
    this.length += 8;
  }

  raw(data: Uint8Array): void {
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

// Made on first use: a module that runs on load must not need TextEncoder (bare `vm` contexts and
// some embedded hosts lack it, and most users never touch ONNX).
let utf8Encoder: TextEncoder | null = null;
let utf8Decoder: TextDecoder | null = null;
const encodeUtf8 = (s: string): Uint8Array => (utf8Encoder ??= new TextEncoder()).encode(s);
const decodeUtf8 = (b: Uint8Array): string => (utf8Decoder ??= new TextDecoder('utf-8', { fatal: false })).decode(b);

function writeScalar(w: Writer, kind: Scalar, value: unknown): void {
  switch (kind) {
    case 'int64':
    case 'int32':
      w.varint(value as number);
      return;
    case 'float':
      w.float32(value as number);
      return;
    case 'double':
      w.float64(value as number);
      return;
    case 'string': {
      const bytes = encodeUtf8(value as string);
      w.varint(bytes.length);
      w.raw(bytes);
      return;
    }
    case 'bytes': {
      const bytes = value as Uint8Array;
      w.varint(bytes.length);
      w.raw(bytes);
      return;
    }
  }
}

function isScalar(kind: Kind): kind is Scalar {
  return kind === 'string' || kind === 'bytes' || kind === 'int64' || kind === 'int32' || kind === 'float' || kind === 'double';
}

function writeMessage(w: Writer, type: MessageName, message: object): void {
  const table = SCHEMA[type];
  const record = message as Record<string, unknown>;
  for (const numberKey of Object.keys(table)) {
    const field = Number(numberKey);
    const [name, kind, repeated] = table[field]!;
    const value = record[name];
    if (value === undefined || value === null) continue;
    const values = repeated ? (value as unknown[]) : [value];
    if (repeated && values.length === 0) continue;
    if (isScalar(kind) && repeated && PACKED.has(name)) {
      const inner = new Writer();
      for (const v of values) writeScalar(inner, kind, v);
      w.key(field, WIRE_LENGTH);
      w.varint(inner.length);
      w.raw(inner.finish());
      continue;
    }
    for (const v of values) {
      w.key(field, wireType(kind));
      if (isScalar(kind)) {
        writeScalar(w, kind, v);
      } else {
        const inner = new Writer();
        writeMessage(inner, kind, v as object);
        w.varint(inner.length);
        w.raw(inner.finish());
      }
    }
  }
}

/** A ModelProto as bytes (the content of a `.onnx` file). */
export function encodeModel(model: ModelProto): Uint8Array {
  const w = new Writer();
  writeMessage(w, 'ModelProto', model);
  return w.finish();
}

class Reader {
  pos: number;
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A varint as a number: exact for values below 2⁵³, and for negative int64 (ten bytes) as the signed value. */
  varint(): number {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    // The low 28 bits, then the rest as a second part, to stay exact in doubles.
    do {
      if (this.pos >= this.end) throw new ProtoDecodeError('a varint runs past the end of its message');
      b = this.bytes[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else hi += (b & 0x7f) * 2 ** (shift - 28);
      shift += 7;
      if (shift > 70) throw new ProtoDecodeError('a varint is longer than ten bytes');
    } while (b & 0x80);
    if (shift === 70 && hi >= 2 ** 35) {
      // A ten-byte varint with the top bit set: a negative int64 in two's complement.
      return Number(BigInt.asIntN(64, (BigInt(Math.floor(hi)) << BigInt(28)) | BigInt(lo >>> 0)));
    }
    return hi * 2 ** 28 + (lo >>> 0);
  }

  float32(): number {
    this.need(4);
    const x = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return x;
  }

  float64(): number {
    this.need(8);
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }

  need(n: number): void {
    if (this.pos + n > this.end) throw new ProtoDecodeError('a field runs past the end of its message');
  }

  slice(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LENGTH:
        this.slice(this.varint());
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtoDecodeError(`unsupported wire type ${wire}`);
    }
  }
}

function readScalar(r: Reader, kind: Scalar): unknown {
  switch (kind) {
    case 'int64':
    case 'int32':
      return r.varint();
    case 'float':
      return r.float32();
    case 'double':
      return r.float64();
    case 'string':
      return decodeUtf8(r.slice(r.varint()));
    case 'bytes':
      return r.slice(r.varint()).slice();
  }
}

function readMessage(bytes: Uint8Array, start: number, end: number, type: MessageName): Record<string, unknown> {
  const table = SCHEMA[type];
  const out: Record<string, unknown> = {};
  const r = new Reader(bytes, start, end);
  while (r.pos < end) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    const entry = table[field];
    if (entry === undefined) {
      r.skip(wire);
      continue;
    }
    const [name, kind, repeated] = entry;
    let value: unknown;
    if (isScalar(kind)) {
      if (repeated && wire === WIRE_LENGTH && kind !== 'string' && kind !== 'bytes') {
        // Packed repeated scalars.
        const length = r.varint();
        r.need(length);
        const inner = new Reader(bytes, r.pos, r.pos + length);
        const list = (out[name] as unknown[] | undefined) ?? [];
        while (inner.pos < inner.end) list.push(readScalar(inner, kind));
        out[name] = list;
        r.pos += length;
        continue;
      }
      if (wire !== wireType(kind)) throw new ProtoDecodeError(`${type}.${name} has wire type ${wire}`);
      value = readScalar(r, kind);
    } else {
      if (wire !== WIRE_LENGTH) throw new ProtoDecodeError(`${type}.${name} has wire type ${wire}`);
      const length = r.varint();
      r.need(length);
      value = readMessage(bytes, r.pos, r.pos + length, kind);
      r.pos += length;
    }
    if (repeated) {
      const list = (out[name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[name] = list;
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** The ModelProto in the bytes of a `.onnx` file. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return readMessage(bytes, 0, bytes.length, 'ModelProto') as ModelProto;
}

