import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import {
  AttributeType,
  DataType,
  decodeModel,
  encodeModel,
  float64Bytes,
  tensorValues,
  type ModelProto,
} from '../../src/onnx/proto.js';

const require = createRequire(import.meta.url);
type Ort = typeof import('onnxruntime-node');
const ort: Ort = require('onnxruntime-node');

function vector(name: string, n: number) {
  return { name, type: { tensorType: { elemType: DataType.DOUBLE, shape: { dim: [{ dimValue: n }] } } } };
}

/** y = (x + c) · 2, reduced with ReduceSum over axis 0 with keepdims = 0 (an INT attribute). */
function smallModel(): ModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'adjoint-test',
    graph: {
      name: 'g',
      node: [
        { opType: 'Add', input: ['x', 'c'], output: ['s'] },
        { opType: 'Mul', input: ['s', 'two'], output: ['m'] },
        {
          opType: 'ReduceSum',
          input: ['m', 'axes'],
          output: ['y'],
          attribute: [{ name: 'keepdims', type: AttributeType.INT, i: 0 }],
        },
      ],
      initializer: [
        { name: 'c', dims: [3], dataType: DataType.DOUBLE, rawData: float64Bytes([0.5, -1.25, 1e-300]) },
        { name: 'two', dims: [], dataType: DataType.DOUBLE, doubleData: [2] },
        { name: 'axes', dims: [1], dataType: DataType.INT64, int64Data: [-1] },
      ],
      input: [vector('x', 3)],
      output: [{ name: 'y', type: { tensorType: { elemType: DataType.DOUBLE, shape: { dim: [] } } } }],
    },
  };
}

describe('onnx wire format', () => {
  it('round-trips a model through bytes, negative int64 included', () => {
    const model = smallModel();
    const back = decodeModel(encodeModel(model));
    expect(back.irVersion).toBe(8);
    expect(back.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(back.graph?.node?.map((n) => n.opType)).toEqual(['Add', 'Mul', 'ReduceSum']);
    expect(back.graph?.node?.[2]?.attribute?.[0]).toEqual({ name: 'keepdims', type: AttributeType.INT, i: 0 });
    const init = back.graph!.initializer!;
    expect(Array.from(tensorValues(init[0]!))).toEqual([0.5, -1.25, 1e-300]);
    expect(Array.from(tensorValues(init[1]!))).toEqual([2]);
    expect(Array.from(tensorValues(init[2]!))).toEqual([-1]);
  });

  it('varints are exact up to 2^53 and for large negatives', () => {
    for (const i of [0, 1, 127, 128, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, -1, -2, -(2 ** 40) - 3, -(2 ** 53) + 1]) {
      const model: ModelProto = { irVersion: 8, graph: { node: [{ attribute: [{ name: 'a', type: AttributeType.INT, i }] }] } };
      expect(decodeModel(encodeModel(model)).graph?.node?.[0]?.attribute?.[0]?.i).toBe(i);
    }
  });

  it('skips unknown fields and rejects truncated bytes', () => {
    const bytes = encodeModel(smallModel());
    // Field 99 (a varint) prepended: unknown, skipped.
    const extra = new Uint8Array([0x98, 0x06, 0x01, ...bytes]);
    expect(decodeModel(extra).graph?.node?.length).toBe(3);
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 3))).toThrow(/cannot decode/);
  });

  it('ONNX Runtime loads and runs the encoded model', async () => {
    const session = await ort.InferenceSession.create(encodeModel(smallModel()));
    const x = new ort.Tensor('float64', Float64Array.from([1, 2, 3]), [3]);
    const out = await session.run({ x });
    expect(out.y!.data[0]).toBe(((1 + 0.5) + (2 - 1.25) + (3 + 1e-300)) * 2);
  });
});
