/**
 * @file Tensor contents of ONNX initializers and constants: float64/float32/int64 values as
 * TensorProto.raw_data (fixed-width little-endian, as onnx.proto requires), and any stored
 * tensor's values back as float64.
 */
import { DataType, ProtoDecodeError, type TensorProto } from './protoMessages.js';

/** Little-endian bytes of a float64 array (TensorProto.raw_data for DOUBLE). */
export function float64Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i]!, true);
  return out;
}

/** Little-endian bytes of a float32 array (TensorProto.raw_data for FLOAT). */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return out;
}

/** Little-endian bytes of int64 values (TensorProto.raw_data for INT64). */
export function int64Bytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]!), true);
  return out;
}

/**
 * The values of a TensorProto as float64, whatever its element type and storage (typed field or
 * raw_data). Integer and boolean tensors come back as float64 integers, as adjoint's index tensors are.
 */
export function tensorValues(t: TensorProto): Float64Array {
  const size = (t.dims ?? []).reduce((a, b) => a * b, 1);
  const type = t.dataType ?? 0;
  const raw = t.rawData;
  if (raw !== undefined && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float64Array(size);
    const width = bytesPerElement(type);
    if (raw.length !== size * width) {
      throw new ProtoDecodeError(`tensor ${t.name ?? ''} has ${raw.length} bytes of raw data for ${size} elements of type ${type}`);
    }
    for (let i = 0; i < size; i++) out[i] = readElement(view, i * width, type);
    return out;
  }
  const list = t.doubleData ?? t.floatData ?? t.int64Data ?? t.int32Data ?? [];
  if (list.length !== size) {
    throw new ProtoDecodeError(`tensor ${t.name ?? ''} has ${list.length} values for ${size} elements`);
  }
  return Float64Array.from(list);
}

function bytesPerElement(type: number): number {
  switch (type) {
    case DataType.DOUBLE:
    case DataType.INT64:
      return 8;
    case DataType.FLOAT:
    case DataType.INT32:
      return 4;
    case DataType.UINT8:
    case DataType.INT8:
    case DataType.BOOL:
      return 1;
    default:
      throw new ProtoDecodeError(`tensor element type ${type} is not supported (float32, float64, int8/uint8/int32/int64 and bool are)`);
  }
}

function readElement(view: DataView, offset: number, type: number): number {
  switch (type) {
    case DataType.DOUBLE:
      return view.getFloat64(offset, true);
    case DataType.FLOAT:
      return view.getFloat32(offset, true);
    case DataType.INT64:
      return Number(view.getBigInt64(offset, true));
    case DataType.INT32:
      return view.getInt32(offset, true);
    case DataType.INT8:
      return view.getInt8(offset);
    default:
      return view.getUint8(offset);
  }
}
