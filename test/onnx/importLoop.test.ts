/**
 * @file importModel's Loop and Scan, and static inputs computed from the run's values:
 * - against PyTorch (fixtures/loop.json, make_loop_fixtures.py): scripted loops (a recurrence whose
 *   trip count comes from the shape, a while loop on the values nested in a for loop, a carried value
 *   that grows) and nn.EmbeddingBag in its three modes, whose Loop body slices the indices at bounds
 *   read from the offsets input — outputs and gradients in the inputs and the parameters, every run;
 * - one-node models against ONNX Runtime (trip counts, conditions, both, none taken; Scan's axes and
 *   directions, several inputs and outputs, opsets 9 and 11), and checkGrad to second order;
 * - under jit a trip count, condition or slice bound read from the values is a value read (no replay
 *   with other values), one from shapes replays; under vmap examples whose loops differ in length
 *   each stop at their own end;
 * - import-time and run-time errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../src/index.js';
import { importModel } from '../../src/onnx/import.js';
import { encodeModel } from '../../src/onnx/proto.js';
import { attr, buildModel, compareWithOrt, floats, type Case } from './importOracle.js';
import { graphAttr } from './importLossIfCases.js';
import { body, d, i64, b, LOOP_CASES, SCAN_CASES } from './importLoopCases.js';
import { asTensor, bytesOf, feedsOf, loadCases, relativeError } from './torchFixtures.js';

const TORCH = loadCases('loop.json');

describe('importModel on PyTorch models exported with Loop', () => {
  it('every fixture holds a Loop node', () => {
    for (const c of Object.values(TORCH)) expect(JSON.stringify(ad.onnx.importModel(bytesOf(c)).opset)).toBeDefined();
    expect(Object.keys(TORCH)).toHaveLength(6);
  });

  const runs = Object.entries(TORCH).flatMap(([name, c]) => c.runs.map((_, i) => [`${name}, run ${i}`, name, i] as const));
  it.each(runs)('%s: PyTorch\'s output, and its gradients in the float inputs and the parameters, to 1e-12', (_, name, i) => {
    const c = TORCH[name]!, run = c.runs[i]!;
    const model = importModel<ad.Tensor>(bytesOf(c));
    const feeds = feedsOf(run);
    expect(relativeError(model(feeds), run.outputs.y!)).toBeLessThan(1e-12);
    const r = asTensor(run.cotangents.y!);
    const floatNames = Object.keys(run.inputGradients);
    const loss = (p: Record<string, ad.Tensor>, fl: Record<string, ad.Tensor>) => ad.sum(ad.mul(model.apply(p, { ...feeds, ...fl }), r));
    const [gp, gf] = ad.grad(loss, [0, 1])(model.params, Object.fromEntries(floatNames.map((k) => [k, feeds[k]!]))) as [Record<string, ad.Tensor>, Record<string, ad.Tensor>];
    for (const k of floatNames) expect(relativeError(gf[k]!, run.inputGradients[k]!), k).toBeLessThan(1e-12);
    const paramGradients = Object.entries(run.paramGradients);
    for (const [k, g] of paramGradients) expect(relativeError(gp[k]!, g), k).toBeLessThan(1e-12);
  });

  it('the runs differ where the loops do: trip counts from the shape, from the values, and bags from the offsets', () => {
    expect(TORCH['recurrence over the rows (trip count from the shape)']!.runs.map((r) => r.inputs.x!.shape[0])).toEqual([5, 2]);
    expect(TORCH['EmbeddingBag mean']!.runs.map((r) => r.outputs.y!.shape[0])).toEqual([3, 4]);
  });
});

describe('Loop and Scan against ONNX Runtime, one node', () => {
  const CASES = { ...LOOP_CASES, ...SCAN_CASES };
  it.each(Object.keys(CASES))('%s', async (name) => {
    const { precision, error, shapes, expectedShapes } = await compareWithOrt(CASES[name]!);
    expect(precision).toBe('double');
    expect(shapes).toEqual(expectedShapes);
    expect(error).toBeLessThan(1e-14);
  });

  const differentiable = Object.keys(CASES).filter((name) => !/no iteration|trip count of 0/.test(name));
  it.each(differentiable)('%s: checkGrad in every float input, to second order', (name) => {
    const c = CASES[name]!;
    const model = importModel<ad.Tensor | Record<string, ad.Tensor>>(encodeModel(buildModel(c, 'double')));
    const fed = Object.fromEntries(c.inputs.filter((s) => s !== null && !s.init).map((s) => [s!.name, ad.tensor(Float64Array.from(s!.data), [...s!.shape])]));
    const floatNames = c.inputs.filter((s) => s !== null && !s.init && (s.type ?? 'float') === 'float').map((s) => s!.name);
    const loss = (...xs: ad.Tensor[]) => {
      const out = model({ ...fed, ...Object.fromEntries(floatNames.map((k, j) => [k, xs[j]!])) });
      return (out instanceof ad.Tensor ? [out] : Object.values(out)).reduce((acc: ad.Tensor, y) => ad.add(acc, ad.sum(ad.mul(ad.sin(y), y))), ad.scalar(0));
    };
    expect(ad.checkGrad(loss, floatNames.map((k) => fed[k]!), { order: 2 }).ok).toBe(true);
  });
});

describe('Loop under jit and vmap', () => {
  const whileCase = LOOP_CASES['Loop as a while loop on a fed condition, with k read from the graph']!;
  const whileModel = importModel<Record<string, ad.Tensor>>(encodeModel(buildModel(whileCase, 'double')));
  // The same loop without its scan output (under vmap, examples whose loops differ in length have scan outputs of different lengths).
  const whileBody = whileCase.attributes![0]!.g!;
  const carriedOnly = importModel<ad.Tensor>(encodeModel(buildModel({
    ...whileCase, outputs: [{ name: 'vf', type: 'float' }], attributes: [graphAttr('body', { ...whileBody, output: whileBody.output!.slice(0, 2) })],
  }, 'double')));
  const halve = (v: ad.Tensor) => carriedOnly({ c: ad.tensor(1), v });

  it('jit: a condition on the values is a value read, so no replay runs the recorded trip count for other values', () => {
    const jitted = ad.jit(halve);
    const vs = [ad.tensor([3, -4, 5]), ad.tensor([0.5, 0.1, 0.2]), ad.tensor([30, 1, 1])];
    for (const v of [...vs, ...vs]) expect(jitted(v).toArray()).toEqual(halve(v).toArray());
    const [entry] = jitted.cacheInfo();
    expect(entry!.status).toBe('eager');
    expect(entry!.reason).toMatch(/the condition .* of ONNX Loop node 'the_Loop'/);
  });

  it('jit: a trip count from the shape replays, with the gradient', () => {
    const c = TORCH['recurrence over the rows (trip count from the shape)']!;
    const model = importModel<ad.Tensor>(bytesOf(c));
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.sin(model({ x }))));
    const jitted = ad.jit(g);
    const x0 = asTensor(c.runs[0]!.inputs.x!);
    for (const v of [x0, ad.mul(-2, x0)]) expect(jitted(v).toArray()).toEqual(g(v).toArray());
    expect(jitted.cacheInfo()[0]!.status).not.toBe('eager');
    expect(jitted.cacheInfo()[0]!.replays).toBe(1);
  });

  it('jit: EmbeddingBag\'s bounds, read from the offsets, are value reads', () => {
    const c = TORCH['EmbeddingBag mean']!;
    const model = importModel<ad.Tensor>(bytesOf(c));
    const f = (o: ad.Tensor) => model({ index: feedsOf(c.runs[0]!).index!, offsets: o });
    const jitted = ad.jit(f);
    for (const o of [ad.tensor([0, 4, 5]), ad.tensor([0, 2, 3, 8]), ad.tensor([0, 4, 5])]) expect(jitted(o).toArray()).toEqual(f(o).toArray());
    expect(jitted.cacheInfo()[0]!.status).toBe('eager');
  });

  it('vmap: examples whose conditions end their loops at different iterations each stop at their own, in value and gradient', () => {
    const vs = [ad.tensor([3, -4, 5]), ad.tensor([0.5, 0.1, 0.2]), ad.tensor([30, 1, 1])];
    const mapped = ad.vmap(halve)(ad.stack(vs, 0));
    vs.forEach((v, i) => expect(ad.take(mapped, i, 0).toArray()).toEqual(halve(v).toArray()));
    const g = ad.grad((v: ad.Tensor) => ad.sum(ad.square(halve(v))));
    const gm = ad.vmap(g)(ad.stack(vs, 0));
    vs.forEach((v, i) => expect(ad.take(gm, i, 0).toArray()).toEqual(g(v).toArray()));
    // PyTorch's nested loops: the inner while loop's condition differs across the batch
    const c = TORCH['while loop on the values, nested in a for loop']!;
    const model = importModel<ad.Tensor>(bytesOf(c));
    const xs = c.runs.slice(0, 1).map((r) => asTensor(r.inputs.x!));
    const batch = ad.stack([xs[0]!, ad.mul(3, xs[0]!), ad.mul(0.2, xs[0]!)], 0);
    const each = ad.vmap((x: ad.Tensor) => model({ x }))(batch);
    for (let i = 0; i < 3; i++) expect(ad.take(each, i, 0).toArray()).toEqual(model({ x: ad.take(batch, i, 0) }).toArray());
  });

  it('vmap: scan outputs whose lengths would differ across the batch, and bounds that differ across it, are errors naming the node', () => {
    const sums = (v: ad.Tensor) => whileModel({ c: ad.tensor(1), v }).sums!;
    expect(() => ad.vmap(sums)(ad.stack([ad.tensor([3, -4, 5]), ad.tensor([0.5, 0.1, 0.2])], 0)))
      .toThrow(/node 'the_Loop' \(Loop\): under vmap its trip count or condition differs across the batch, and it has 1 scan outputs/);
    const c = TORCH['EmbeddingBag sum']!;
    const model = importModel<ad.Tensor>(bytesOf(c));
    const feeds = feedsOf(c.runs[0]!);
    expect(() => ad.vmap((o: ad.Tensor) => model({ ...feeds, offsets: o }))(ad.tensor([[0, 4, 5], [0, 1, 2]])))
      .toThrow(/input \d \('.*'\) is read as numbers \(a shape, axes, pads…\), but under vmap it differs across the batch/);
    // the same offsets for every example, though batched: read once
    const same = ad.vmap((o: ad.Tensor) => model({ ...feeds, offsets: o }))(ad.tensor([[0, 4, 5], [0, 4, 5]]));
    expect(ad.take(same, 1, 0).toArray()).toEqual(model(feeds).toArray());
    // a batched trip count every example shares: one loop, scan outputs allowed
    const fedTrip = importModel<Record<string, ad.Tensor>>(encodeModel(buildModel(LOOP_CASES['Loop with a fed trip count, a carried value and a scan output']!, 'double')));
    const x = ad.random.normal([2, 3], 3);
    const ys = ad.vmap((m: ad.Tensor) => fedTrip({ M: m, x }).ys!)(ad.tensor([2, 2]));
    expect(ad.take(ys, 0, 0).toArray()).toEqual(fedTrip({ M: ad.tensor(2), x }).ys!.toArray());
    // offsets shared by the batch: the indices and weights mapped
    const w = feeds.weights!;
    const mapped = ad.vmap((ws: ad.Tensor) => model({ ...feeds, weights: ws }))(ad.stack([w, ad.mul(2, w)], 0));
    expect(ad.take(mapped, 1, 0).toArray()).toEqual(model({ ...feeds, weights: ad.mul(2, w) }).toArray());
  });
});

describe('Loop and Scan: errors', () => {
  const loop = LOOP_CASES['Loop with a fed trip count, a carried value and a scan output']!;
  const scan = SCAN_CASES['Scan: one state, one scan input along axis 0']!;
  const build = (c: Case) => encodeModel(buildModel(c, 'double'));

  it('a Loop with neither trip count nor condition, or a body of the wrong arity, is an import-time error', () => {
    expect(() => importModel(build({ ...loop, nodeInputs: ['', '', 'x'] }))).toThrow(/node 'the_Loop' \(Loop, opset 17\): it has neither a trip count M \(input 0\) nor a condition/);
    const twoIn = body([i64('i', []), b('ci', [])], [], [b('ci', [])]);
    expect(() => importModel(build({ ...loop, attributes: [graphAttr('body', twoIn)] }))).toThrow(/its body declares 2 inputs, but a Loop with 1 carried values needs 3/);
    const noCarry = body([i64('i', []), b('ci', []), d('x')], [], [b('ci', [])]);
    expect(() => importModel(build({ ...loop, attributes: [graphAttr('body', noCarry)] }))).toThrow(/its body has 1 outputs, but a Loop with 1 carried values needs at least 2/);
  });

  it('Scan-8, num_scan_inputs out of range, attribute lists of the wrong length, are import-time errors', () => {
    expect(() => importModel(build({ ...scan, opset: 8 }))).toThrow(/Scan-8 \(a batch axis and sequence_lens\) is not supported/);
    const withAttrs = (extra: Case['attributes']) => build({ ...scan, attributes: [scan.attributes![0]!, ...extra!] });
    expect(() => importModel(withAttrs([attr.int('num_scan_inputs', 3)]))).toThrow(/num_scan_inputs is 3; it must be between 1 and the 2 inputs/);
    expect(() => importModel(withAttrs([attr.int('num_scan_inputs', 1), attr.ints('scan_input_axes', [0, 1])]))).toThrow(/scan_input_axes has 2 entries, but there are 1 scan inputs/);
    expect(() => importModel(withAttrs([attr.int('num_scan_inputs', 1), attr.ints('scan_output_directions', [2])]))).toThrow(/scan_output_directions\[0\] is 2; a direction is 0 \(forward\) or 1 \(reverse\)/);
  });

  it('scan inputs of different lengths, an axis out of range, and a trip count of several values are run-time errors naming the node', () => {
    const two = SCAN_CASES['Scan: two scan inputs on different axes, one reversed, two scan outputs, a value read from the graph']!;
    const model = importModel(build({ ...two, inputs: two.inputs.map((x) => (x?.name === 'c' ? floats('c', [2, 5, 3]) : x)) }));
    const feeds = { s: ad.zeros([2, 3]), a: ad.zeros([4, 2, 3]), c: ad.zeros([2, 5, 3]) };
    expect(() => model(feeds)).toThrow(/node 'the_Scan' \(Scan\): scan input 1 has 5 entries along its axis 1 \(shape \[2,5,3\]\), but scan input 0 has 4/);
    const axis = importModel(build({ ...scan, inputs: [floats('s', [3]), floats('x', [4, 3], 2)], attributes: [scan.attributes![0]!, attr.int('num_scan_inputs', 1), attr.ints('scan_input_axes', [2])] }));
    expect(() => axis({ s: ad.zeros([3]), x: ad.zeros([4, 3]) })).toThrow(/scan input 0's axis is 2, outside \[-2, 2\) for rank 2/);
    const fed = importModel(build({ ...loop, inputs: [{ name: 'M', data: [2, 3], shape: [2], type: 'int64' }, floats('x', [2, 3])] }));
    expect(() => fed({ M: ad.tensor([2, 3]), x: ad.zeros([2, 3]) })).toThrow(/node 'the_Loop' \(Loop\): the trip count M must hold one value, got shape \[2\]/);
  });
});
