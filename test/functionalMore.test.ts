/**
 * @file linear, bilinear, embedding, embeddingBag, instanceNorm, localResponseNorm, affineGrid, gridSample,
 * pdist, channelShuffle, maxPool's indices, maxUnpool and avgPool's divisorOverride against PyTorch 1.13
 * (functionalMoreReference.py): values (and pool indices, exactly) and the gradients of sum(r · output) in
 * every float input, to 1e-12 relative; checkGrad to second order on a few; vmap, jit and ONNX export. Errors are in
 * functionalMoreErrors.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ad from '../src/index.js';

type Json = number | string | boolean | null | Json[] | { [k: string]: Json };
interface Stored { shape: number[]; data: Array<number | string> }
interface Case {
  fn: string;
  inputs: Record<string, Stored>;
  consts: Record<string, Json>;
  options: Record<string, Json>;
  value: Stored; indices?: Stored; r: Stored;
  grads: Record<string, Stored> | null;
}
type Output = ad.Tensor | { values: ad.Tensor; indices: ad.Tensor };

const CASES = JSON.parse(readFileSync(new URL('./functionalMoreReference.json', import.meta.url), 'utf8')) as Record<string, Case>;
const t = (s: Stored) => ad.tensor(Float64Array.from(s.data, Number), s.shape);
/** A stored number that may be a string (Infinity), or a stored tensor, or a list, as the call takes it. */
const arg = (v: Json | undefined): never => (v === null || v === undefined ? undefined : typeof v === 'string' && /^-?Infinity$/.test(v) ? Number(v)
  : typeof v === 'object' && !Array.isArray(v) && 'shape' in v ? t(v as unknown as Stored) : v) as never;
const options = (c: Case) => Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, arg(v)]));

/** Each function called as the case's PyTorch call was, from its float inputs. */
const CALLS: Record<string, (i: Record<string, ad.Tensor>, c: Case) => Output> = {
  linear: (i) => ad.linear(i.input!, i.weight!, i.bias),
  bilinear: (i) => ad.bilinear(i.input1!, i.input2!, i.weight!, i.bias),
  embedding: (i, c) => ad.embedding(arg(c.consts.indices), i.weight!, options(c)),
  embeddingBag: (i, c) => ad.embeddingBag(arg(c.consts.indices), i.weight!, { ...options(c), offsets: arg(c.consts.offsets), perSampleWeights: i.perSampleWeights }),
  instanceNorm: (i, c) => ad.instanceNorm(i.input!, { ...options(c), weight: i.weight, bias: i.bias, runningMean: arg(c.consts.runningMean), runningVar: arg(c.consts.runningVar) }),
  localResponseNorm: (i, c) => ad.localResponseNorm(i.input!, arg(c.consts.size), options(c)),
  affineGrid: (i, c) => ad.affineGrid(i.theta!, arg(c.consts.size), options(c)),
  gridSample: (i, c) => ad.gridSample(i.input!, i.grid!, options(c)),
  spatialTransformer: (i, c) => ad.gridSample(i.input!, ad.affineGrid(i.theta!, arg(c.consts.size))),
  pdist: (i, c) => ad.pdist(i.input!, arg(c.consts.p)),
  channelShuffle: (i, c) => ad.channelShuffle(i.input!, arg(c.consts.groups)),
  maxPool: (i, c) => ad.maxPool(i.input!, arg(c.consts.window), { ...options(c), returnIndices: true }),
  maxUnpool: (i, c) => ad.maxUnpool(i.input!, arg(c.consts.indices), arg(c.consts.kernelSize),
    { stride: arg(c.consts.stride), padding: arg(c.consts.padding), outputSize: arg(c.consts.outputSize) }),
  avgPool: (i, c) => ad.avgPool(i.input!, arg(c.consts.window), options(c)),
};

/** max |a − b| / max |b| (equal non-finite entries agree), the shapes equal. */
function relErr(a: ad.Tensor, b: Stored): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFloat64Array(), want = Float64Array.from(b.data, Number);
  let err = 0, scale = 0;
  want.forEach((v, k) => {
    if (Object.is(v, x[k]) || v === x[k]) return;
    err = Math.max(err, Math.abs(x[k]! - v));
    if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  });
  return err === 0 ? 0 : err / scale;
}

const valuesOf = (out: Output) => (out instanceof ad.Tensor ? out : out.values);
const worst = { value: 0, gradient: 0 };

describe('against PyTorch 1.13: values and gradients of sum(r · output) in every float input', () => {
  it.each(Object.keys(CASES))('%s', (name) => {
    const c = CASES[name]!;
    const call = CALLS[c.fn]!;
    const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, t(v)]));
    const out = call(inputs, c);
    const valueErr = relErr(valuesOf(out), c.value);
    worst.value = Math.max(worst.value, valueErr);
    expect(valueErr, 'value').toBeLessThanOrEqual(1e-12);
    if (c.indices) expect((out as { indices: ad.Tensor }).indices.toArray()).toEqual(t(c.indices).toArray());
    if (c.grads === null) return;
    const r = t(c.r);
    const grads = ad.grad((i: Record<string, ad.Tensor>) => ad.sum(ad.mul(valuesOf(call(i, c)), r)))(inputs);
    for (const k of Object.keys(c.inputs)) {
      const err = relErr(grads[k]!, c.grads[k]!);
      worst.gradient = Math.max(worst.gradient, err);
      expect(err, `gradient in ${k}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('covers every function and the edge cases the brief lists', () => {
    const names = Object.keys(CASES), count = (re: RegExp) => names.filter((n) => re.test(n)).length;
    expect(new Set(Object.values(CASES).map((c) => c.fn))).toEqual(new Set(Object.keys(CALLS)));
    expect(count(/paddingIdx/)).toBeGreaterThanOrEqual(5);
    expect(count(/maxNorm (hit|not hit)/)).toBe(2);
    expect(count(/empty bag/)).toBeGreaterThanOrEqual(4);
    expect(count(/gridSample 4-D \w+ \w+ alignCorners \w+$/)).toBe(18); // 3 modes × 3 paddings × alignCorners both ways
    expect(count(/on the edges/)).toBe(6);
    expect(count(/maxPool.*ties/)).toBe(3);
    console.log(`functionalMore vs PyTorch: ${names.length} cases, worst relative error ${worst.value.toExponential(2)} (values), ${worst.gradient.toExponential(2)} (gradients)`);
  });
});

describe('under the transformations', () => {
  it('checkGrad to second order: gridSample (bilinear, bicubic) with affineGrid, embeddingBag, instanceNorm, localResponseNorm, bilinear, pdist', () => {
    const image = ad.random.normal([1, 2, 4, 5], 1), theta = ad.tensor([[[0.9, -0.3, 0.1], [0.25, 1.1, -0.05]]]);
    for (const mode of ['bilinear', 'bicubic'] as const) {
      const f = (x: ad.Tensor, th: ad.Tensor) => ad.sum(ad.sin(ad.gridSample(x, ad.affineGrid(th, [1, 2, 3, 4]), { mode, paddingMode: 'border' })));
      expect(ad.checkGrad(f, [image, theta], { order: 2 }).ok, mode).toBe(true);
    }
    const table = ad.random.normal([6, 3], 2), psw = ad.random.normal([5], 3);
    const bag = (w: ad.Tensor, p: ad.Tensor) => ad.sum(ad.square(ad.embeddingBag([0, 2, 5, 2, 1], w, { offsets: [0, 2, 2], mode: 'sum', perSampleWeights: p, paddingIdx: 1 })));
    expect(ad.checkGrad(bag, [table, psw], { order: 2 }).ok).toBe(true);
    const x = ad.random.normal([2, 3, 4], 4), w = ad.random.normal([3], 5);
    expect(ad.checkGrad((a: ad.Tensor, b: ad.Tensor) => ad.sum(ad.sin(ad.instanceNorm(a, { weight: b }))), [x, w], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((a: ad.Tensor) => ad.sum(ad.sin(ad.localResponseNorm(a, 2, { alpha: 0.5 }))), [x], { order: 2 }).ok).toBe(true);
    const bw = ad.random.normal([2, 3, 4], 6);
    expect(ad.checkGrad((a: ad.Tensor, b: ad.Tensor, k: ad.Tensor) => ad.sum(ad.sin(ad.bilinear(a, b, k))), [ad.random.normal([2, 3], 7), ad.random.normal([2, 4], 8), bw], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((a: ad.Tensor) => ad.sum(ad.pdist(a, 3)), [ad.random.normal([4, 3], 9)], { order: 2 }).ok).toBe(true);
  });

  it('vmap over a batch of images equals the per-image calls (gridSample, maxPool indices, embedding); jit replays', () => {
    const images = ad.random.normal([3, 2, 4, 5], 10), grids = ad.random.uniform(ad.random.key(11), [3, 3, 2, 2], -1.2, 1.2);
    const one = (x: ad.Tensor, g: ad.Tensor) => ad.gridSample(ad.expandDims(x, 0), ad.expandDims(g, 0), { paddingMode: 'reflection' });
    const mapped = ad.vmap(one)(images, grids);
    for (let b = 0; b < 3; b++) expect(ad.take(mapped, b, 0).toArray()).toEqual(one(ad.take(images, b, 0), ad.take(grids, b, 0)).toArray());
    const pooled = ad.vmap((x: ad.Tensor) => ad.maxPool(x, [2, 2], { returnIndices: true }).indices)(images);
    expect(pooled.toArray()).toEqual(ad.maxPool(images, [2, 2], { returnIndices: true }).indices.toArray());
    const tokens = ad.tensor([[0, 3, 3], [5, 1, 0]]), table = ad.random.normal([6, 4], 12);
    expect(ad.vmap((i: ad.Tensor) => ad.embedding(i, table, { paddingIdx: 3 }))(tokens).toArray()).toEqual(ad.embedding(tokens, table, { paddingIdx: 3 }).toArray());
    const g = ad.grad((w: ad.Tensor) => ad.sum(ad.sin(ad.embeddingBag([0, 2, 5, 2], w, { offsets: [0, 1], mode: 'max' }))));
    const jitted = ad.jit(g);
    expect(jitted(table).toArray()).toEqual(g(table).toArray());
    expect(jitted(ad.mul(2, table)).toArray()).toEqual(g(ad.mul(2, table)).toArray());
    expect(jitted.cacheInfo()[0]!.replays).toBe(1);
  });
});

describe('ONNX export', () => {
  it('exports and imports back with the same values: gridSample, embeddingBag, maxPool indices into maxUnpool', () => {
    const image = ad.random.normal([1, 2, 4, 5], 13), grid = ad.random.uniform(ad.random.key(14), [1, 3, 3, 2], -1.2, 1.2), table = ad.random.normal([6, 3], 15);
    const programs: Array<[(...a: ad.Tensor[]) => ad.Tensor, ad.Tensor[]]> = [
      [(x, g) => ad.gridSample(x, g, { mode: 'bicubic', paddingMode: 'reflection', alignCorners: true }), [image, grid]],
      [(w) => ad.embeddingBag([0, 2, 5, 2], w, { offsets: [0, 1, 1], mode: 'max', maxNorm: 1 }), [table]],
      [(x) => { const { values, indices } = ad.maxPool(x, [2, 2], { returnIndices: true }); return ad.maxUnpool(values, indices, [2, 2], { outputSize: [4, 5] }); }, [image]],
    ];
    for (const [f, args] of programs) {
      const imported = ad.onnx.importModel<ad.Tensor>(ad.onnx.exportModel(f, args));
      expect(imported(...args).toArray()).toEqual(f(...args).toArray());
    }
  });
});

describe('conventions', () => {
  it('embedding: the padding row is read but gets no gradient; maxNorm scales the output, not the gradient (PyTorch\'s)', () => {
    const table = ad.tensor([[3, 4], [0.3, 0.4]]);
    expect(ad.embedding([0, 1], table, { paddingIdx: 1 }).toArray()).toEqual([[3, 4], [0.3, 0.4]]);
    expect(ad.grad((w: ad.Tensor) => ad.sum(ad.embedding([0, 1, 1], w, { paddingIdx: 1 })))(table).toArray()).toEqual([[1, 1], [0, 0]]);
    expect(ad.grad((w: ad.Tensor) => ad.sum(ad.embedding([0, 0], w, { maxNorm: 1 })))(table).toArray()).toEqual([[2, 2], [0, 0]]);
    expect(table.toArray()).toEqual([[3, 4], [0.3, 0.4]]); // not renormalised in place
  });

  it('maxUnpool keeps the last of values sharing an index; the gradient goes to the kept one', () => {
    const out = ad.maxUnpool(ad.tensor([[[1, 2]]]), [[[1, 1]]], [2]);
    expect(out.toArray()).toEqual([[[0, 2, 0, 0]]]);
    expect(ad.grad((v: ad.Tensor) => ad.sum(ad.maxUnpool(v, [[[1, 1]]], [2])))(ad.tensor([[[1, 2]]])).toArray()).toEqual([[[0, 1]]]);
  });

  it('maxPool without returnIndices and avgPool without divisorOverride are unchanged', () => {
    const x = ad.reshape(ad.arange(16), [1, 1, 4, 4]);
    expect(ad.maxPool(x, [2, 2]).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(ad.maxPool(x, [2, 2], { returnIndices: false }).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(ad.avgPool(x, [2, 2]).toArray()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
  });
});
