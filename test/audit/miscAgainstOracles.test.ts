/**
 * @file Audit regressions for hypergradients, randomness, approximate inference and ONNX, each
 * against an exact or independent oracle (closed forms, numerical integration, finite differences).
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import * as ad from 'adjoint';

const { random } = ad;

/** Mean and variance of the standard normal truncated to (a, b), by the midpoint rule on exp(−(x² − c²)/2), c the bound nearer 0. */
function truncatedMoments(a: number, b: number): { mean: number; variance: number } {
  const c = a >= 0 ? a : b;
  const lo = Number.isFinite(a) ? a : b - 60 / Math.abs(b) - 10;
  const hi = Number.isFinite(b) ? b : a + 60 / Math.abs(a) + 10;
  let z = 0, m1 = 0, m2 = 0;
  const steps = 100_000;
  for (let i = 0; i < steps; i++) {
    const x = lo + ((hi - lo) * (i + 0.5)) / steps;
    const w = Math.exp(-(x * x - c * c) / 2);
    z += w;
    m1 += w * (x - c);
    m2 += w * (x - c) ** 2;
  }
  return { mean: m1 / z + c, variance: m2 / z - (m1 / z) ** 2 };
}

describe('random.truncatedNormal in the tails (erf has no digits left there)', () => {
  // JAX's recipe inverts erf between erf(a/√2) and erf(b/√2); past about 8σ both are ±1 and every
  // draw collapsed onto a bound: (9, ∞) gave 1.8e308, (−10, −9) gave −10, and the gradient was NaN.
  it.each([[9, Infinity], [-Infinity, -9], [-10, -9], [8.5, 9], [40, 41], [5, 5.5], [3, 4]])('(%d, %d): moments by numerical integration', (a, b) => {
    const n = 20_000;
    const x = Array.from(random.truncatedNormal(random.key(12), a, b, [n]).toFloat64Array());
    const { mean, variance } = truncatedMoments(a, b);
    const m = x.reduce((s, v) => s + v, 0) / n;
    const v = x.reduce((s, t) => s + (t - m) ** 2, 0) / (n - 1);
    expect(x.every((t) => t > a && t < b)).toBe(true);
    expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(v - variance) / variance).toBeLessThan(0.06);
  });

  it('the tail form takes over from JAX\'s recipe continuously at ±3 (same key, same uniform)', () => {
    const k = random.key(5);
    const gap = (p: ad.Tensor, q: ad.Tensor) => ad.max(ad.abs(ad.sub(p, q))).item();
    expect(gap(random.truncatedNormal(k, 3 - 1e-12, 4, [500]), random.truncatedNormal(k, 3, 4, [500]))).toBeLessThan(1e-10);
    expect(gap(random.truncatedNormal(k, -4, -3 + 1e-12, [500]), random.truncatedNormal(k, -4, -3, [500]))).toBeLessThan(1e-10);
  });

  it.each([[9, Infinity], [-Infinity, -9], [8.5, 9], [-6, -5.5]])('(%d, %d): d/dlower, d/dupper against finite differences with the same key', (a, b) => {
    const w = ad.tensor([1, 2, 3]);
    const k = random.key(13);
    const value = (lo: number, hi: number) => ad.sum(ad.mul(w, random.truncatedNormal(k, lo, hi, [3]))).item();
    const [ga, gb] = ad.grad((lo: ad.Tensor, hi: ad.Tensor) => ad.sum(ad.mul(w, random.truncatedNormal(k, lo, hi, [3]))), [0, 1])(ad.tensor(a), ad.tensor(b));
    const h = 1e-5;
    const fa = Number.isFinite(a) ? (value(a + h, b) - value(a - h, b)) / (2 * h) : 0;
    const fb = Number.isFinite(b) ? (value(a, b + h) - value(a, b - h)) / (2 * h) : 0;
    expect(Math.abs(ga!.item() - fa)).toBeLessThan(1e-6 * (1 + Math.abs(fa)));
    expect(Math.abs(gb!.item() - fb)).toBeLessThan(1e-6 * (1 + Math.abs(fb)));
  });
});

const ort: typeof import('onnxruntime-node') = createRequire(import.meta.url)('onnxruntime-node');

describe('ONNX export of elementwise functions: ONNX Runtime against Math.* at the edges', () => {
  /** Runs fn exported at x on ONNX Runtime (float64, basic optimisations) and returns [input, ORT, adjoint] triples that differ by more than 1e-12 relative. */
  async function mismatches(fn: (...xs: ad.Tensor[]) => ad.Tensor, inputs: number[][]): Promise<string[]> {
    const args = inputs.map((v) => ad.tensor(v));
    const session = await ort.InferenceSession.create(ad.onnx.exportModel(fn, args), { graphOptimizationLevel: 'basic', intraOpNumThreads: 1 });
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    session.inputNames.forEach((name, i) => { feeds[name] = new ort.Tensor('float64', args[i]!.toFloat64Array(), [...args[i]!.shape]); });
    const got = (await session.run(feeds))[session.outputNames[0]!]!.data as Float64Array;
    const want = fn(...args).toFloat64Array();
    const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
    const bad: string[] = [];
    want.forEach((w, i) => {
      const o = got[i]!;
      if (Object.is(o, w) || (Number.isNaN(o) && Number.isNaN(w)) || Math.abs(o - w) <= 1e-12 * Math.abs(w)) return;
      bad.push(`(${inputs.map((v) => show(v[i]!)).join(', ')}): ORT ${show(o)}, adjoint ${show(w)}`);
    });
    return bad;
  }

  const V = [0, 1e-300, 1e-20, 1e-8, 0.1, 0.47, 0.49, 0.5, 0.9, 0.999999, 1 - 1e-10, 1 - 2 ** -53, 1, 1.5, 2, 10, 30, 37, 40, 100, 709.5, 710, 710.4, 711, 2 ** 28 + 1, 1e160, 1e300, Infinity, NaN];
  const both = [...V, ...V.map((v) => -v)];

  // erf and erfc: every |x| in (0.46875, 0.5) computed erf(0.5) (1.7% off at 0.49; GELU at x ≈ 0.69).
  // sinh: (u + u/(u + 1))/2 with u = expm1(x) cancels for x < 0 (1.7e-4 off at −30, 60% at −37, −∞ below);
  // NaN past 709. cosh: ∞ on (709.78, 710.48). asinh, acosh: x² overflowed past 1e154 (NaN, ∞);
  // acosh(x < −2) gave −∞ or ∞, not NaN. atanh: 1.8% off at −(1 − 2⁻⁵³) (1 + 2x/(1 − x) cancels).
  // acos: π/2 − asin cancelled near 1 (1e-11). expm1: ∞ on (709.08, 709.78). log1p(−∞) gave −∞.
  it.each([
    ['erf', ad.erf], ['erfc', ad.erfc], ['sinh', ad.sinh], ['cosh', ad.cosh], ['asinh', ad.asinh], ['acosh', ad.acosh],
    ['atanh', ad.atanh], ['acos', ad.acos], ['asin', ad.asin], ['expm1', ad.expm1], ['log1p', ad.log1p],
  ] as Array<[string, (x: ad.Tensor) => ad.Tensor]>)('%s', async (_, fn) => {
    expect(await mismatches(fn, [both])).toEqual([]);
  });

  // float32 exports: e^{|x|} overflows float32 past 88.72 while sinh and cosh stay finite to 89.41,
  // so (88.72, 89.41) gave ∞ (the large-argument form switched in at 709, float64's threshold).
  it.each([['sinh', ad.sinh], ['cosh', ad.cosh]] as Array<[string, (x: ad.Tensor) => ad.Tensor]>)('%s in float32 near the overflow', async (_, fn) => {
    const xs = [80, 88, 88.5, 88.8, 89, 89.3, 89.4, 90, -88.8, -89.3];
    const x = ad.tensor(xs);
    const session = await ort.InferenceSession.create(ad.onnx.exportModel(fn, [x], { dtype: 'float32' }), { graphOptimizationLevel: 'basic', intraOpNumThreads: 1 });
    const got = (await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(xs), [xs.length]) }))[session.outputNames[0]!]!.data as Float32Array;
    xs.forEach((v, i) => {
      const want = Math.fround(fn(ad.tensor(Math.fround(v))).item()); // float64 value rounded to float32 (∞ past 89.41)
      if (!Number.isFinite(want)) expect(got[i], `x = ${v}`).toBe(want);
      else expect(Math.abs(got[i]! - want) / Math.abs(want), `x = ${v}`).toBeLessThan(4e-7);
    });
  });

  // atan2 lost the signs of zeros (atan2(−0, −1) gave π), gave NaN for two infinities, π/2 for (NaN, 0);
  // hypot(∞, ∞) gave NaN.
  it.each([['atan2', ad.atan2], ['hypot', ad.hypot]] as Array<[string, (a: ad.Tensor, b: ad.Tensor) => ad.Tensor]>)('%s on signed zeros, infinities and NaN', async (_, fn) => {
    const S = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-300, -1e300, 3, -2];
    const ys = S.flatMap((a) => S.map(() => a)), xs = S.flatMap(() => S);
    expect(await mismatches(fn, [ys, xs])).toEqual([]);
  });
});

describe('ONNX export of sort and argsort with NaN', () => {
  // TopK compares NaN as nothing: ONNX Runtime scattered NaNs among the values ([2, NaN, 1] sorted
  // to [NaN, 1, 2]); adjoint puts them last ascending and first descending, ties by position.
  it.each([false, true])('descending %s, along both axes, top-k included', async (descending) => {
    const x = ad.tensor([[3, 1, NaN, 2, NaN, 0], [NaN, 1, -Infinity, Infinity, 1, -0]]);
    for (const axis of [0, 1]) {
      for (const fn of [
        (v: ad.Tensor) => ad.sort(v, axis, { descending }),
        (v: ad.Tensor) => ad.argsort(v, axis, { descending }),
        (v: ad.Tensor) => (descending ? ad.topk(v, 1, axis).indices : ad.topk(v, 2, axis).values),
      ]) {
        const session = await ort.InferenceSession.create(ad.onnx.exportModel(fn, [x]), { graphOptimizationLevel: 'basic', intraOpNumThreads: 1 });
        const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float64', x.toFloat64Array(), [...x.shape]) });
        const got = Array.from(out[session.outputNames[0]!]!.data as Float64Array, (v) => (Number.isNaN(v) ? 'NaN' : String(v)));
        expect(got).toEqual(Array.from(fn(x).toFloat64Array(), (v) => (Number.isNaN(v) ? 'NaN' : String(v))));
      }
    }
  });
});

describe('ONNX export of max, min, logsumexp and their positions with NaN', () => {
  // ONNX Runtime's ReduceMax/ArgMax skip a NaN depending on where it sits: max([1, 5, NaN]) gave 5,
  // maxIndex gave 1 (adjoint: NaN, and the first NaN's position 2), logsumexp([∞, NaN]) gave ∞.
  const x = ad.tensor([[NaN, 1, 5], [1, 5, NaN], [Infinity, NaN, 0], [2, 2, -1], [-Infinity, -Infinity, -Infinity]]);
  it.each([
    ['max', (v: ad.Tensor) => ad.max(v, 1)], ['min', (v: ad.Tensor) => ad.min(v, 1)], ['logsumexp', (v: ad.Tensor) => ad.logsumexp(v, 1)],
    ['maxIndex', (v: ad.Tensor) => ad.maxIndex(v, 1)], ['minIndex', (v: ad.Tensor) => ad.minIndex(v, 1, true)],
    ['grad of max', ad.grad((v: ad.Tensor) => ad.sum(ad.max(v, 1)))],
  ] as Array<[string, (v: ad.Tensor) => ad.Tensor]>)('%s', async (_, fn) => {
    const session = await ort.InferenceSession.create(ad.onnx.exportModel(fn, [x]), { graphOptimizationLevel: 'basic', intraOpNumThreads: 1 });
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float64', x.toFloat64Array(), [...x.shape]) });
    const text = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isNaN(v) ? 'NaN' : String(v)));
    expect(text(out[session.outputNames[0]!]!.data as Float64Array)).toEqual(text(fn(x).toFloat64Array()));
  });
});

describe('argmin of a loss with no minimum', () => {
  // The stall message blamed floating-point precision ("the gradient is at the limit of
  // floating-point precision") for a linear loss whose minimiser runs off to infinity.
  it.each([
    ['a linear loss', (x: ad.Tensor) => ad.sum(ad.mul(x, ad.tensor([1, -1])))],
    ['a negative quadratic', (x: ad.Tensor) => ad.neg(ad.sum(ad.square(x)))],
  ] as Array<[string, (x: ad.Tensor) => ad.Tensor]>)('says the loss has no minimum: %s', (_, loss) => {
    for (const method of ['lbfgs', 'newton-cg'] as const) {
      const info: { converged?: boolean; message?: string } = {};
      ad.argmin(loss, ad.tensor([1, 2]), { info, method, warn: false, maxIter: 200 });
      expect(info.converged, method).toBe(false);
      expect(info.message, method).toMatch(/^the loss kept decreasing .* no minimum/);
    }
  });
});
