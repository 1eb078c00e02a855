/**
 * @file importModel's contract: inputs by name or position, outputs, params and apply (partial,
 * checked), initializers listed as inputs (defaults), dim_params, values known before the run, and
 * import-time errors for what it does not support; second-order checkGrad through the operators
 * whose derivatives are compositions (pooling, strided slices, pads, gathers, normalisations); vmap
 * with indices computed per example.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { importModel } from '../../src/onnx/import.js';
import { DataType, encodeModel, float64Bytes, int64Bytes, type ModelProto, type NodeProto, type TensorProto } from '../../src/onnx/proto.js';
import { attr, buildModel, floats, ints, type Case } from './importOracle.js';
import { ort, run, session } from './ortSupport.js';

const vector = (name: string, dims: Array<number | string>, elemType: number = DataType.DOUBLE) => ({
  name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});
const doubles = (name: string, dims: number[], values: number[]): TensorProto => ({ name, dims, dataType: DataType.DOUBLE, rawData: float64Bytes(values) });
const ints64 = (name: string, values: number[]): TensorProto => ({ name, dims: [values.length], dataType: DataType.INT64, rawData: int64Bytes(values) });

function graphModel(nodes: NodeProto[], extra: Partial<NonNullable<ModelProto['graph']>> = {}, opset = 17): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: 'g', node: nodes, input: [vector('x', ['n', 3])], output: [vector('y', [])], ...extra },
  });
}

describe('importModel: calling conventions', () => {
  // y = x·W + b, z = sum(y); W and b are initializers, b also a graph input (an old exporter's default).
  const bytes = graphModel(
    [{ opType: 'MatMul', input: ['x', 'W'], output: ['xw'] }, { opType: 'Add', input: ['xw', 'b'], output: ['y'] }, { opType: 'ReduceSum', input: ['y'], output: ['z'], attribute: [attr.int('keepdims', 0)] }],
    {
      initializer: [doubles('W', [3, 2], [1, 2, 3, 4, 5, 6]), doubles('b', [2], [0.5, -1])],
      input: [vector('x', ['n', 3]), vector('b', [2])],
      output: [vector('y', ['n', 2]), vector('z', [])],
    },
  );
  const model = importModel<Record<string, ad.Tensor>>(bytes);
  const x = ad.tensor([[1, 0, 0], [0, 1, 1]]);

  it('takes inputs by name or by position and returns outputs by name', () => {
    expect(model.inputNames).toEqual(['x']);
    expect(model.outputNames).toEqual(['y', 'z']);
    expect(model({ x }).y!.toArray()).toEqual([[1.5, 1], [8.5, 9]]);
    expect(model(x).z!.item()).toBe(20);
    expect(model([[1, 0, 0]]).y!.toArray()).toEqual([[1.5, 1]]);
  });

  it('an initializer listed as an input is a default that a call may replace', () => {
    expect(model({ x, b: ad.tensor([0, 0]) }).y!.toArray()).toEqual([[1, 2], [8, 10]]);
  });

  it('params and apply: a pure function of the weights, any subset replaced', () => {
    expect(Object.keys(model.params)).toEqual(['W', 'b']);
    expect(model.apply({ b: ad.tensor([1, 1]) }, { x }).y!.toArray()).toEqual([[2, 3], [9, 11]]);
    // ∂z/∂W = Σ_rows xᵀ·1, ∂z/∂b = n.
    const g = ad.grad((p: typeof model.params) => model.apply(p, { x }).z!)(model.params);
    expect(g.W!.toArray()).toEqual([[1, 1], [1, 1], [1, 1]]);
    expect(g.b!.toArray()).toEqual([2, 2]);
  });

  it('checks shapes and names with errors that say what the model wants', () => {
    expect(() => model({ x: ad.ones([2, 4]) })).toThrow(/input 'x' has shape \[2,4\], but the model declares \[n,3\]/);
    expect(() => model({ y: x })).toThrow(/has no input 'y'/);
    expect(() => model({})).toThrow(/input 'x' is missing/);
    expect(() => model(x, x)).toThrow(/takes 1 inputs \(x\), got 2/);
    expect(() => model.apply({ V: x }, { x })).toThrow(/no parameter 'V'/);
    expect(() => model.apply({ W: ad.ones([2, 3]) }, { x })).toThrow(/parameter 'W' has shape \[2,3\], but the model's is \[3,2\]/);
  });

  it('binds a dim_param to one size across inputs', () => {
    const two = graphModel([{ opType: 'Add', input: ['x', 'u'], output: ['y'] }], { input: [vector('x', ['n', 3]), vector('u', ['n', 3])], output: [vector('y', ['n', 3])] });
    const f = importModel<ad.Tensor>(two);
    expect(f({ x: ad.ones([2, 3]), u: ad.ones([2, 3]) }).shape).toEqual([2, 3]);
    expect(() => f({ x: ad.ones([2, 3]), u: ad.ones([1, 3]) })).toThrow(/with n = 2/);
  });
});

describe('importModel: import-time errors', () => {
  it('an unsupported operator, named with its node', () => {
    const bytes = graphModel([{ opType: 'NonMaxSuppression', name: 'nms', input: ['x'], output: ['y'] }]);
    expect(() => importModel(bytes)).toThrow(ad.AdjointError);
    expect(() => importModel(bytes)).toThrow(/node 'nms' \(NonMaxSuppression, opset 17\): operator 'NonMaxSuppression' is not supported/);
  });

  it('an operator of another domain, an unknown attribute, an unsupported mode', () => {
    expect(() => importModel(graphModel([{ opType: 'FusedGemm', domain: 'com.microsoft', input: ['x'], output: ['y'] }]))).toThrow(/domain 'com.microsoft'/);
    expect(() => importModel(graphModel([{ opType: 'Relu', name: 'r', input: ['x'], output: ['y'], attribute: [attr.int('inplace', 1)] }]))).toThrow(/node 'r' \(Relu.*attribute 'inplace' is not supported/);
    expect(() => importModel(graphModel([{ opType: 'Gelu', input: ['x'], output: ['y'], attribute: [attr.string('approximate', 'erf')] }], {}, 20))).toThrow(/approximate = "erf" is not supported/);
    expect(() => importModel(graphModel([{ opType: 'BatchNormalization', input: ['x'], output: ['y'], attribute: [attr.int('training_mode', 1)] }]))).toThrow(/training_mode = 1 is not supported/);
    expect(() => importModel(graphModel([{ opType: 'MaxPool', input: ['x'], output: ['y', 'i'], attribute: [attr.ints('kernel_shape', [2])] }]))).toThrow(/Indices output is not supported/);
    expect(() => importModel(graphModel([{ opType: 'Cast', input: ['x'], output: ['y'], attribute: [attr.int('to', 8)] }]))).toThrow(/casting to element type 8/);
  });

  it('a shape that depends on the input values is read from them at the run: a value read under jit, an error under vmap where it differs', () => {
    // y = reshape(x, [x[0,0], −1]): the target's first extent is x's first value
    const bytes = graphModel([
      { opType: 'Cast', input: ['x'], output: ['xi'], attribute: [attr.int('to', 7)] },
      { opType: 'Slice', input: ['xi', 'zeros', 'ones'], output: ['corner'] },
      { opType: 'Reshape', input: ['corner', 'one'], output: ['first'] },
      { opType: 'Concat', input: ['first', 'minusOne'], output: ['s'], attribute: [attr.int('axis', 0)] },
      { opType: 'Reshape', name: 'rs', input: ['x', 's'], output: ['y'] },
    ], { initializer: [ints64('zeros', [0, 0]), ints64('ones', [1, 1]), ints64('one', [1]), ints64('minusOne', [-1])] });
    const model = importModel<ad.Tensor>(bytes);
    const x = ad.tensor([[2, 1, 0], [3, 4, 5]]);
    expect(model({ x }).shape).toEqual([2, 3]);
    expect(model({ x: ad.tensor([[6, 1, 0], [3, 4, 5]]) }).shape).toEqual([6, 1]);
    expect(ad.grad((x: ad.Tensor) => ad.sum(ad.square(model({ x }))))(x).toArray()).toEqual([[4, 2, 0], [6, 8, 10]]);
    const jitted = ad.jit((x: ad.Tensor) => model({ x }));
    expect(jitted(x).shape).toEqual([2, 3]);
    expect(jitted(ad.tensor([[3, 1, 0], [3, 4, 5]])).shape).toEqual([3, 2]);
    expect(jitted.cacheInfo()[0]!.status).toBe('eager');
    expect(jitted.cacheInfo()[0]!.reason).toMatch(/^input 1 of ONNX node 'rs' \(Reshape\), read as numbers/);
    expect(() => ad.vmap((x: ad.Tensor) => model({ x }))(ad.stack([x, ad.tensor([[3, 1, 0], [3, 4, 5]])])))
      .toThrow(/node 'rs' \(Reshape\): input 1 \('s'\) is read as numbers \(a shape, axes, pads…\), but under vmap it differs across the batch/);
  });

  it('Pad\'s constant value and Range\'s start and delta fed from inputs are values: differentiated, not read as constants', () => {
    const padModel = importModel<ad.Tensor>(graphModel([{ opType: 'Pad', input: ['x', 'pads', 'v'], output: ['y'] }], {
      initializer: [ints64('pads', [0, 1, 0, 2])], input: [vector('x', [2, 3]), vector('v', [])],
    }));
    const x = ad.ones([2, 3]);
    expect(padModel({ x, v: ad.tensor(7) }).toArray()).toEqual([[7, 1, 1, 1, 7, 7], [7, 1, 1, 1, 7, 7]]);
    expect(ad.grad((v: ad.Tensor) => ad.sum(padModel({ x, v })))(ad.tensor(7)).item()).toBe(6); // the padded entries (it was 0)
    expect(ad.vmap((v: ad.Tensor) => padModel({ x, v }))(ad.tensor([1, 2])).shape).toEqual([2, 2, 6]);
    const rangeModel = importModel<ad.Tensor>(graphModel([{ opType: 'Range', input: ['s', 'limit', 'd'], output: ['y'] }], {
      initializer: [doubles('limit', [], [10])], input: [vector('s', []), vector('d', [])],
    }));
    expect(rangeModel({ s: ad.tensor(1), d: ad.tensor(3) }).toArray()).toEqual([1, 4, 7]);
    const [gs, gd] = ad.grad((s: ad.Tensor, d: ad.Tensor) => ad.sum(rangeModel({ s, d })), [0, 1])(ad.tensor(1), ad.tensor(3)) as [ad.Tensor, ad.Tensor];
    expect([gs.item(), gd.item()]).toEqual([3, 3]); // Σ (s + i·d): 3 terms, Σ i = 3 (both were 0)
  });

  it('ReduceMean over an empty axis is 0, as ONNX Runtime (PyTorch\'s EmbeddingBag exports an empty bag\'s mean through it)', () => {
    const model = importModel<ad.Tensor>(graphModel([{ opType: 'ReduceMean', input: ['x', 'axes'], output: ['y'], attribute: [attr.int('keepdims', 0)] }], {
      initializer: [ints64('axes', [0])], input: [vector('x', [0, 3])],
    }, 18));
    expect(model({ x: ad.zeros([0, 3]) }).toArray()).toEqual([0, 0, 0]);
  });

  it('an input nothing provides, and an opset outside 7–22', () => {
    expect(() => importModel(graphModel([{ opType: 'Add', name: 'a', input: ['x', 'nowhere'], output: ['y'] }]))).toThrow(/reads 'nowhere', which no node, initializer or graph input provides/);
    expect(() => importModel(graphModel([{ opType: 'Relu', input: ['x'], output: ['y'] }], {}, 5))).toThrow(/opset 5 is outside/);
    expect(() => importModel(new Uint8Array([1, 2, 3]))).toThrow(/cannot decode/);
  });
});

describe('importModel: Cast to a narrower type, as ONNX Runtime', () => {
  // x (int64) → the narrow integer type (the low bits: the spec's 200 → −56 in int8) → double.
  const narrowInt = (to: number) => graphModel([
    { opType: 'Cast', input: ['x'], output: ['n'], attribute: [attr.int('to', to)] },
    { opType: 'Cast', input: ['n'], output: ['y'], attribute: [attr.int('to', DataType.DOUBLE)] },
  ], { input: [vector('x', ['n'], DataType.INT64)], output: [vector('y', ['n'])] });
  const cases: Array<[string, number, number[], number[]]> = [
    ['int8', DataType.INT8, [200, -129, 300, -1000, 127, -128], [-56, 127, 44, 24, 127, -128]],
    ['uint8', DataType.UINT8, [256, -1, 1000, 255], [0, 255, 232, 255]],
    ['int16', 5, [32768, -32769, 70000], [-32768, 32767, 4464]],
    ['uint16', 4, [65536, -1], [0, 65535]],
    ['int32', DataType.INT32, [2 ** 31, 2 ** 32 + 7, -(2 ** 31) - 1], [-(2 ** 31), 7, 2 ** 31 - 1]],
    ['uint32', 12, [-1, 2 ** 32 + 3], [2 ** 32 - 1, 3]],
  ];
  it.each(cases)('int64 → %s keeps the low bits', async (_, to, x, want) => {
    const bytes = narrowInt(to);
    expect(importModel<ad.Tensor>(bytes)(ad.tensor(x)).toArray()).toEqual(want);
    const s = await session(bytes);
    const out = await s.run({ x: new ort.Tensor('int64', BigInt64Array.from(x, BigInt), [x.length]) });
    expect(Array.from(out.y!.data as Float64Array)).toEqual(want);
  });

  it('double → float, float16, bfloat16 rounds to the format (±∞ past its range), with derivative 1', async () => {
    const x = [1e300, -1e300, 3.5e38, 1e-50, 0.1, 16777217, 65520, 1 / 3];
    for (const [to, dtype] of [[DataType.FLOAT, 'float32'], [10, 'float16'], [16, 'bfloat16']] as const) {
      const bytes = graphModel([
        { opType: 'Cast', input: ['x'], output: ['f'], attribute: [attr.int('to', to)] },
        { opType: 'Cast', input: ['f'], output: ['y'], attribute: [attr.int('to', DataType.DOUBLE)] },
      ], { input: [vector('x', ['n'])], output: [vector('y', ['n'])] });
      const model = importModel<ad.Tensor>(bytes);
      const got = model(ad.tensor(x)).toArray();
      expect(got).toEqual(ad.astype(ad.tensor(x), dtype).toArray());
      if (to === DataType.FLOAT) {
        expect(got).toEqual(x.map(Math.fround));
        const [ort] = await run(await session(bytes), [ad.tensor(x)]);
        expect(Array.from(ort!.data)).toEqual(got);
      }
      expect(ad.grad((t: ad.Tensor) => ad.sum(model(t)))(ad.tensor([0.1, 2])).toArray()).toEqual([1, 1]);
    }
  });
});

describe('importModel: values known before the run', () => {
  it('Reshape by a shape computed from Shape → Gather → Unsqueeze → Concat, with a dim_param', () => {
    const bytes = graphModel(
      [
        { opType: 'Shape', input: ['x'], output: ['s'] },
        { opType: 'Gather', input: ['s', 'zero'], output: ['n'] },
        { opType: 'Unsqueeze', input: ['n', 'axes'], output: ['n1'] },
        { opType: 'Concat', input: ['n1', 'minus1', 'one'], output: ['shape'], attribute: [attr.int('axis', 0)] },
        { opType: 'Reshape', input: ['x', 'shape'], output: ['y'] },
      ],
      {
        input: [vector('x', ['n', 3])],
        initializer: [
          { name: 'zero', dims: [], dataType: DataType.INT64, int64Data: [0] },
          { name: 'axes', dims: [1], dataType: DataType.INT64, int64Data: [0] },
          { name: 'minus1', dims: [1], dataType: DataType.INT64, int64Data: [-1] },
          { name: 'one', dims: [1], dataType: DataType.INT64, int64Data: [1] },
        ],
        output: [vector('y', ['n', 3, 1])],
      },
    );
    const f = importModel<ad.Tensor>(bytes);
    expect(f({ x: ad.ones([4, 3]) }).shape).toEqual([4, 3, 1]);
    // The shape subgraph runs on shapes only, so grad and jit see just the Reshape.
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.square(f({ x }))))(ad.tensor([[1, 2, 3]]));
    expect(g.toArray()).toEqual([[2, 4, 6]]);
    expect(ad.jit((x: ad.Tensor) => f({ x }))(ad.ones([2, 3])).shape).toEqual([2, 3, 1]);
  });

  it('a float initializer used as a shape stays a constant, not a parameter', () => {
    const bytes = graphModel(
      [{ opType: 'Cast', input: ['fshape'], output: ['shape'], attribute: [attr.int('to', 7)] }, { opType: 'Reshape', input: ['x', 'shape'], output: ['y'] }],
      { initializer: [doubles('fshape', [1], [-1]), doubles('unused', [1], [2])] },
    );
    const f = importModel<ad.Tensor>(bytes);
    expect(Object.keys(f.params)).toEqual(['unused']);
    expect(f({ x: ad.ones([2, 3]) }).shape).toEqual([6]);
  });

  it('Gather with indices the model computes: differentiable, and per example under vmap', () => {
    // y = take(table, argmax(x, 1), 0) · x[:, 0]: the indices depend on x's values.
    const bytes = graphModel(
      [
        { opType: 'ArgMax', input: ['x'], output: ['i'], attribute: [attr.int('axis', 1), attr.int('keepdims', 0)] },
        { opType: 'Gather', input: ['table', 'i'], output: ['rows'] },
        { opType: 'Mul', input: ['rows', 'x'], output: ['y'] },
      ],
      { initializer: [doubles('table', [3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9])], output: [vector('y', ['n', 3])] },
    );
    const f = importModel<ad.Tensor>(bytes);
    const x = ad.tensor([[0, 5, 1], [9, 1, 2], [0, 1, 7]]);
    expect(f({ x }).toArray()).toEqual([[0, 25, 6], [9, 2, 6], [0, 8, 63]]);
    const perRow = ad.vmap((row: ad.Tensor) => ad.squeeze(f({ x: ad.expandDims(row, 0) }), 0))(x);
    expect(perRow.toArray()).toEqual(f({ x }).toArray());
    const g = ad.grad((t: ad.Tensor) => ad.sum(f.apply({ table: t }, { x })))(f.params.table!);
    expect(g.toArray()).toEqual([[9, 1, 2], [0, 5, 1], [0, 1, 7]]);
  });
});

/** Second order through operators whose derivative is a composition of adjoint's ops. */
const GRAD_CASES: Record<string, Case> = {
  'MaxPool 3×3 stride 2 pads 1': { op: 'MaxPool', inputs: [floats('x', [1, 2, 5, 5])], attributes: [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])] },
  'AveragePool ceil_mode, pads': { op: 'AveragePool', inputs: [floats('x', [1, 1, 6, 5])], attributes: [attr.ints('kernel_shape', [3, 2]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 0, 1, 1]), attr.int('ceil_mode', 1)] },
  'Conv groups, strides, SAME_LOWER': { op: 'Conv', inputs: [floats('x', [1, 4, 5, 5]), floats('w', [2, 2, 3, 2], 2, { init: true }), floats('b', [2], 3, { init: true })], attributes: [attr.int('group', 2), attr.ints('strides', [2, 1]), attr.string('auto_pad', 'SAME_LOWER')] },
  'Slice with a negative step': { op: 'Slice', inputs: [floats('x', [5, 6]), ints('s', [-1, 4]), ints('e', [-100, 0]), ints('a', [0, 1]), ints('t', [-2, -3])] },
  'Pad reflect with a crop': { op: 'Pad', inputs: [floats('x', [4, 5]), ints('p', [2, -1, 1, 3])], attributes: [attr.string('mode', 'reflect')] },
  'GatherElements': { op: 'GatherElements', inputs: [floats('x', [3, 4]), ints('i', [3, 0, -1, 1, 1, 2], [2, 3])], attributes: [attr.int('axis', 1)] },
  'CumSum exclusive reverse': { op: 'CumSum', inputs: [floats('x', [3, 4]), ints('a', [1], [])], attributes: [attr.int('exclusive', 1), attr.int('reverse', 1)] },
  'LayerNormalization': { op: 'LayerNormalization', inputs: [floats('x', [2, 5]), floats('s', [5], 2, { init: true }), floats('b', [5], 3, { init: true })] },
  'BatchNormalization': { op: 'BatchNormalization', inputs: [floats('x', [2, 3, 2]), floats('s', [3], 2, { init: true }), floats('b', [3], 3, { init: true }), floats('m', [3], 4, { init: true }), { ...floats('v', [3], 5), data: [0.5, 1, 2], init: true }] },
  'Softmax (opset 11)': { op: 'Softmax', inputs: [floats('x', [2, 3, 2])], opset: 11 },
  'Gelu': { op: 'Gelu', inputs: [floats('x', [2, 3])], opset: 20 },
  'Selu': { op: 'Selu', inputs: [floats('x', [2, 3])] },
  'Gemm transposed': { op: 'Gemm', inputs: [floats('a', [3, 2]), floats('b', [4, 3], 2, { init: true }), floats('c', [4], 3, { init: true })], attributes: [attr.int('transA', 1), attr.int('transB', 1), attr.float('alpha', 0.5)] },
  'ReduceLogSumExp': { op: 'ReduceLogSumExp', inputs: [floats('x', [3, 4])], attributes: [attr.ints('axes', [1])] },
  'Einsum': { op: 'Einsum', inputs: [floats('a', [2, 3]), floats('b', [3, 2], 2, { init: true })], attributes: [attr.string('equation', 'ij,jk->ik')] },
};

describe('importModel: checkGrad to second order through composed derivatives', () => {
  it.each(Object.keys(GRAD_CASES))('%s', (name) => {
    const c = GRAD_CASES[name]!;
    const model = importModel(encodeModel(buildModel(c, 'double')));
    const input = c.inputs[0]!;
    const x = ad.tensor(Float64Array.from(input.data), [...input.shape]);
    const r = ad.random.normal((model({ [input.name]: x }) as ad.Tensor).shape, 7);
    const check = ad.checkGrad((x: ad.Tensor) => ad.sum(ad.mul(model({ [input.name]: x }) as ad.Tensor, r)), [x], { order: 2 });
    expect(check.ok, JSON.stringify(check.checks.filter((k) => !k.ok))).toBe(true);
    // And in the weights, where the operator has any.
    const params = Object.keys(model.params);
    if (params.length > 0) {
      const inW = ad.checkGrad((p: Record<string, ad.Tensor>) => ad.sum(ad.mul(model.apply(p, { [input.name]: x }) as ad.Tensor, r)), [model.params], { order: 2 });
      expect(inW.ok).toBe(true);
    }
  });
});
