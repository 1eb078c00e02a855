/**
 * @file importModel's If:
 * - against PyTorch (fixtures/if.json, make_loss_if_fixtures.py): a scripted model whose condition
 *   depends on the input's values (each branch taken in turn), nested Ifs, and torch.diagonal at
 *   opsets 13 and 17 (its condition computed from shapes) — PyTorch's float64 outputs and autograd
 *   gradients in the input and in a parameter read only inside the branches;
 * - one-node models against ONNX Runtime (fed, constant and nested conditions; a branch returning
 *   an outer value; a branch with its own initializer; two outputs), and checkGrad;
 * - under jit a value-dependent condition is a value read (never a replay down the wrong branch),
 *   one computed from shapes replays; under vmap each example takes its own branch;
 * - import-time errors for ill-formed branches, and no error from a branch that is not taken.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { AdjointError } from '../../src/core/errors.js';
import { importModel } from '../../src/onnx/import.js';
import { DataType, decodeModel, encodeModel, int64Bytes, type NodeProto, type ValueInfoProto } from '../../src/onnx/proto.js';
import { buildModel, compareWithOrt, floats, type Case } from './importOracle.js';
import { branch, graphAttr, IF_CASES } from './importLossIfCases.js';
import { asTensor, bytesOf, feedsOf, loadCases, relativeError } from './torchFixtures.js';

const TORCH = loadCases('if.json');
const opTypes = (bytes: Uint8Array) => (decodeModel(bytes).graph!.node ?? []).map((n) => n.opType);

describe('importModel on PyTorch models with If (value-dependent, nested, torch.diagonal)', () => {
  it('every fixture holds an If node', () => {
    for (const [name, c] of Object.entries(TORCH)) expect(opTypes(bytesOf(c)), name).toContain('If');
    expect(Object.keys(TORCH).filter((n) => n.startsWith('torch.diagonal')).length).toBe(6);
  });

  const runs = Object.entries(TORCH).flatMap(([name, c]) => c.runs.map((_, i) => [`${name}, run ${i}`, name, i] as const));
  it.each(runs)('%s: PyTorch\'s output, and its gradients in the input and the parameters, to 1e-12', (_, name, i) => {
    const c = TORCH[name]!, run = c.runs[i]!;
    const model = importModel<ad.Tensor>(bytesOf(c));
    const feeds = feedsOf(run);
    expect(relativeError(model(feeds), run.outputs.y!)).toBeLessThan(1e-12);
    const r = asTensor(run.cotangents.y!);
    const [gp, gx] = ad.grad((p: Record<string, ad.Tensor>, x: ad.Tensor) => ad.sum(ad.mul(model.apply(p, { x }), r)), [0, 1])(model.params, feeds.x!) as [Record<string, ad.Tensor>, ad.Tensor];
    expect(relativeError(gx, run.inputGradients.x!)).toBeLessThan(1e-12);
    const paramGradients = Object.entries(run.paramGradients);
    for (const [k, g] of paramGradients) expect(relativeError(gp[k]!, g), k).toBeLessThan(1e-12);
    if (name !== 'nested If' && !name.startsWith('torch.diagonal')) expect(paramGradients.map(([k]) => k)).toEqual(['w']);
  });

  it('the value-dependent fixture takes both branches (its two runs differ in which)', () => {
    const c = TORCH['value-dependent If']!;
    const sums = c.runs.map((r) => r.inputs.x!.data.reduce((a, b) => a + b, 0));
    expect(Math.sign(sums[0]!)).toBe(-Math.sign(sums[1]!));
    const nested = TORCH['nested If']!.runs.map((r) => [r.inputs.x!.data.reduce((a, b) => a + b, 0) > 0, r.inputs.x!.data[0]! > 0]);
    expect(nested).toEqual([[true, true], [true, false], [false, false]]);
  });
});

describe('If against ONNX Runtime, one node', () => {
  it.each(Object.keys(IF_CASES))('%s', async (name) => {
    const { precision, error, shapes, expectedShapes } = await compareWithOrt(IF_CASES[name]!);
    expect(precision).toBe('double');
    expect(shapes).toEqual(expectedShapes);
    expect(error).toBeLessThan(1e-12);
  });

  it.each(Object.keys(IF_CASES))('%s: checkGrad in x, to second order', (name) => {
    const c = IF_CASES[name]!;
    const model = importModel<ad.Tensor | Record<string, ad.Tensor>>(encodeModel(buildModel(c, 'double')));
    const fed = Object.fromEntries(c.inputs.filter((s) => s !== null && !s.init).map((s) => [s!.name, ad.tensor(Float64Array.from(s!.data), [...s!.shape])]));
    const loss = (x: ad.Tensor) => {
      const out = model({ ...fed, x });
      return (out instanceof ad.Tensor ? [out] : Object.values(out)).reduce((acc: ad.Tensor, y) => ad.add(acc, ad.sum(ad.mul(ad.sin(y), y))), ad.scalar(0));
    };
    expect(ad.checkGrad(loss, [fed.x!], { order: 2 }).ok).toBe(true);
  });
});

describe('If under jit and vmap', () => {
  const valueIf = importModel<ad.Tensor>(bytesOf(TORCH['value-dependent If']!));
  const x = asTensor(TORCH['value-dependent If']!.runs[0]!.inputs.x!);

  it('jit: a condition on the input\'s values is a value read, so no replay takes the recorded branch for other values', () => {
    const f = (x: ad.Tensor) => valueIf({ x });
    const jitted = ad.jit(f);
    for (const v of [x, ad.neg(x), x, ad.neg(x)]) expect(jitted(v).toArray()).toEqual(f(v).toArray());
    const [entry] = jitted.cacheInfo();
    expect(entry!.status).toBe('eager');
    expect(entry!.reason).toMatch(/^the condition of ONNX If node '.*' read the value of a tensor computed from the arguments/);
    const g = ad.grad((x: ad.Tensor) => ad.sum(f(x)));
    const jg = ad.jit(g);
    for (const v of [x, ad.neg(x)]) expect(jg(v).toArray()).toEqual(g(v).toArray());
  });

  it('jit: a condition computed from shapes (torch.diagonal) replays, with the gradient', () => {
    const c = TORCH['torch.diagonal offset 1 (opset 17)']!;
    const model = importModel<ad.Tensor>(bytesOf(c));
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.sin(model({ x }))));
    const jitted = ad.jit(g);
    const x0 = asTensor(c.runs[0]!.inputs.x!);
    for (const v of [x0, ad.mul(-2, x0)]) expect(jitted(v).toArray()).toEqual(g(v).toArray());
    expect(jitted.cacheInfo()[0]!.status).not.toBe('eager');
    expect(jitted.cacheInfo()[0]!.replays).toBe(1);
  });

  it('vmap: examples whose conditions differ each take their own branch, in value and gradient', () => {
    const xs = [x, ad.neg(x), ad.mul(0.5, x)];
    const f = (x: ad.Tensor) => valueIf({ x });
    const mapped = ad.vmap(f)(ad.stack(xs, 0));
    xs.forEach((v, i) => expect(ad.take(mapped, i, 0).toArray()).toEqual(f(v).toArray()));
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.square(f(x))));
    const gm = ad.vmap(g)(ad.stack(xs, 0));
    xs.forEach((v, i) => expect(ad.max(ad.abs(ad.sub(ad.take(gm, i, 0), g(v)))).item()).toBeLessThan(1e-15));
  });
});

/** A model of one If node over graph inputs c (bool) and x (double [6]), plus `extra` nodes, inputs and initializers. */
function ifModel(thenNodes: NodeProto[], thenOut: string[], elseNodes: NodeProto[], elseOut: string[], more: { inputs?: ValueInfoProto[]; constCondition?: 0 | 1 } = {}): Uint8Array {
  const info = (name: string, elemType: number, dims: number[]) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'if',
      node: [{ opType: 'If', name: 'the_If', input: ['c'], output: ['y'], attribute: [graphAttr('then_branch', branch('then', thenNodes, thenOut)), graphAttr('else_branch', branch('else', elseNodes, elseOut))] }],
      initializer: [
        { name: 'shape23', dims: [2], dataType: DataType.INT64, rawData: int64Bytes([2, 3]) },
        { name: 'shape5', dims: [1], dataType: DataType.INT64, rawData: int64Bytes([5]) },
        ...(more.constCondition === undefined ? [] : [{ name: 'c', dims: [], dataType: DataType.BOOL, rawData: Uint8Array.from([more.constCondition]) }]),
      ],
      input: [...(more.constCondition === undefined ? [info('c', DataType.BOOL, [])] : []), info('x', DataType.DOUBLE, [6]), ...(more.inputs ?? [])],
      output: [{ name: 'y', type: { tensorType: { elemType: DataType.DOUBLE } } }],
    },
  });
}
const reshapeTo = (shape: string): NodeProto => ({ opType: 'Reshape', input: ['x', shape], output: ['r'] });
const x6 = ad.tensor([1, -2, 3, 0.5, -1, 2]);

describe('If: what is checked at import, and what is not run', () => {
  it('a branch that is not taken is not run: a Reshape that could not fit is no error', () => {
    const bytes = ifModel([reshapeTo('shape5')], ['r'], [reshapeTo('shape23')], ['r'], { constCondition: 0 });
    expect(importModel<ad.Tensor>(bytes)({ x: x6 }).toArray()).toEqual([[1, -2, 3], [0.5, -1, 2]]);
    const fed = importModel<ad.Tensor>(ifModel([reshapeTo('shape5')], ['r'], [reshapeTo('shape23')], ['r']));
    expect(fed({ c: ad.tensor(0), x: x6 }).shape).toEqual([2, 3]);
    expect(() => fed({ c: ad.tensor(1), x: x6 })).toThrow(AdjointError); // the Reshape, taken, does not fit
  });

  it('a value a branch reads as numbers (a Reshape\'s shape) may depend on the values of an input: read at the run', () => {
    const n = { name: 'n', type: { tensorType: { elemType: DataType.INT64, shape: { dim: [{ dimValue: 2 }] } } } };
    const model = importModel<ad.Tensor>(ifModel([reshapeTo('n')], ['r'], [reshapeTo('shape23')], ['r'], { inputs: [n] }));
    expect(model({ c: ad.tensor(1), x: x6, n: ad.tensor([3, 2]) }).shape).toEqual([3, 2]);
    expect(model({ c: ad.tensor(1), x: x6, n: ad.tensor([1, 6]) }).shape).toEqual([1, 6]);
    expect(() => ad.vmap((n: ad.Tensor) => model({ c: ad.tensor(1), x: x6, n }))(ad.tensor([[3, 2], [2, 3]])))
      .toThrow(/node '#0 \(Reshape\)' \(Reshape\): input 1 \('n'\) is read as numbers/);
  });

  it('an unsupported operator or a missing name in a branch is an import-time error naming the branch', () => {
    expect(() => importModel(ifModel([{ opType: 'Unique', input: ['x'], output: ['r'] }], ['r'], [reshapeTo('shape23')], ['r'])))
      .toThrow(/node '#0 \(Unique\)' \(Unique, opset 17\): operator 'Unique' is not supported/);
    expect(() => importModel(ifModel([{ opType: 'Neg', input: ['nowhere'], output: ['r'] }], ['r'], [reshapeTo('shape23')], ['r'])))
      .toThrow(/reads 'nowhere', which no node, initializer or graph input provides/);
  });

  it('branches with a number of outputs other than the node\'s, or inputs of their own, are import-time errors', () => {
    expect(() => importModel(ifModel([reshapeTo('shape23')], ['r', 'x'], [reshapeTo('shape23')], ['r'])))
      .toThrow(/node 'the_If' \(If, opset 17\): then_branch has 2 outputs, but the node has 1; they must be equal/);
    const c = IF_CASES['If on a fed condition, true: then_branch reads x']!;
    const withInput: Case = { ...c, attributes: [graphAttr('then_branch', { ...branch('then', [], ['x']), input: [{ name: 'z' }] }), c.attributes![1]!] };
    expect(() => importModel(encodeModel(buildModel(withInput, 'double')))).toThrow(/then_branch declares inputs \(z\); an If branch takes none/);
  });

  it('a branch may return an outer value directly (ONNX Runtime asks for an Identity between): the same as with the Identity', () => {
    const c = IF_CASES['If whose branch output passes an outer value on; the other with an initializer of its own']!;
    const direct: Case = { ...c, attributes: [graphAttr('then_branch', branch('then', [], ['x'])), c.attributes![1]!] };
    const feeds = { c: ad.tensor([1]), x: ad.random.normal([2, 3], 3) };
    const [a, b] = [direct, c].map((k) => importModel<ad.Tensor>(encodeModel(buildModel(k, 'double')))(feeds));
    expect(a!.toArray()).toEqual(feeds.x.toArray());
    expect(b!.toArray()).toEqual(a!.toArray());
  });

  it('a condition of more than one value is an error at the run', () => {
    const c = IF_CASES['If on a fed condition, true: then_branch reads x']!;
    const model = importModel(encodeModel(buildModel({ ...c, inputs: [{ name: 'c', data: [1, 0], shape: [2], type: 'bool' }, floats('x', [2, 3])] }, 'double')));
    expect(() => model({ c: ad.tensor([1, 0]), x: ad.ones([2, 3]) })).toThrow(/node 'the_If' \(If\): the condition must hold one value, got shape \[2\]/);
  });
});
