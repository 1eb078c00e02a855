/**
 * @file logMatmul against a float64 brute force (log Σ_j exp(a + b), max-shifted, per entry), with
 * wide spreads, underflowing sums, −∞ masks, +∞ and NaN entries; its gradients against the
 * broadcast form's (logsumexp over a[…, :, :, None] + b[…, None, :, :]); the fused first-order VJP
 * against the generic rule; shapes and errors. Second order, vmap and ONNX: the op-table row.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { logMatmulOf } from '../src/ops/logMatmul.js';
import { internal } from './support/internalTensor.js';

const EPS = 2 ** -52;

/** A seeded uniform stream (xorshift), so the cases are fixed. */
function stream(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

/** out[i, k] = log Σ_j exp(a[i, j] + b[j, k]) entry by entry (one matrix each), as a max-shifted float64 loop. */
function brute(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < n; c++) {
      let mx = -Infinity;
      for (let j = 0; j < k; j++) { const v = a[i * k + j]! + b[j * n + c]!; if (v > mx || v !== v) mx = v; }
      if (!Number.isFinite(mx)) { out[i * n + c] = mx; continue; }
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(a[i * k + j]! + b[j * n + c]! - mx);
      out[i * n + c] = mx + Math.log(s);
    }
  }
  return out;
}

/** The broadcast form the primitive stands for (a 1-D operand a vector, as in matmul). */
function broadcastForm(a: Tensor, b: Tensor): Tensor {
  const x = a.ndim === 1 ? ad.expandDims(a, 0) : a, y = b.ndim === 1 ? ad.expandDims(b, 1) : b;
  // x − (−y), not x + y: logsumexp of an add is itself computed as a logMatmul (ops/outerSum.ts).
  const out = ad.logsumexp(ad.sub(ad.expandDims(x, -1), ad.neg(ad.expandDims(y, -3))), -2);
  return b.ndim === 1 ? ad.squeeze(out, -1) : a.ndim === 1 ? ad.squeeze(out, -2) : out;
}

/** |got − want| ≤ tol·(1 + |want| + scale) entrywise; equal infinities and NaNs match exactly. */
function expectNear(got: Float64Array, want: Float64Array, tol: number, scale = 0): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w) + scale))) expect.fail(`entry ${i}: got ${g}, want ${w}`);
  }
}

function matrix(rows: number, cols: number, spread: number, seed: number, minusInf = 0): Float64Array {
  const u = stream(seed);
  return Float64Array.from({ length: rows * cols }, () => (u() < minusInf ? -Infinity : spread * (2 * u() - 1)));
}

describe('logMatmul values against a float64 brute force', () => {
  const shapes: Array<[number, number, number]> = [[1, 45, 45], [7, 5, 9], [20, 400, 20], [13, 29, 4], [4, 1, 3]];
  for (const [m, k, n] of shapes) {
    for (const spread of [1, 30, 1e4]) {
      it(`[${m}, ${k}] × [${k}, ${n}], entries in ±${spread}`, () => {
        const a = matrix(m, k, spread, m * 7 + k, 0.1), b = matrix(k, n, spread, n * 11 + k, 0.1);
        const got = ad.logMatmul(ad.tensor(a, [m, k]), ad.tensor(b, [k, n])).toFloat64Array();
        // The stated bound: (k + 2)·ε from the sum, and the rounding of ma + mb + log C (≈ ε·2·spread).
        expectNear(got, brute(a, b, m, k, n), (k + 8) * EPS, 4 * spread);
      });
    }
  }

  it('a stored transposed ([k, m], the internal transA form) gives the same values', () => {
    for (const [m, k, n] of [[20, 7, 20], [5, 45, 1], [9, 400, 3]] as const) {
      const a = matrix(m, k, 30, m + k, 0.1), b = matrix(k, n, 30, n + 3 * k, 0.1);
      const at = ad.transpose(ad.tensor(a, [m, k]));
      const got = logMatmulOf(internal(at), internal(ad.tensor(b, [k, n])), true).toFloat64Array();
      expectNear(got, brute(a, b, m, k, n), (k + 8) * EPS, 120);
    }
  });

  it('sums that underflow the shifted product are taken directly (the same bits as the brute force)', () => {
    // Entry (0, 0): its best pairing is −700 below ma + mb = 5, so C < 2⁻⁹⁶⁸ and it is taken directly.
    const a = Float64Array.from([0, -700, -700, 3, 2, 1]); // [2, 3]
    const b = Float64Array.from([-700, 0, 5, 0, -1400, 4]); // [3, 2]
    const got = ad.logMatmul(ad.tensor(a, [2, 3]), ad.tensor(b, [3, 2])).toFloat64Array();
    const want = brute(a, b, 2, 3, 2);
    expect(got[0]).toBe(want[0]); // direct: e^{−700}·e^{−5}-sized terms of C, below 2⁻⁹⁶⁸
    expect(got[0]).toBeCloseTo(-695 + Math.log1p(Math.exp(-5)), 12);
    expectNear(got, want, 8 * EPS, 1400);
  });

  it('−∞ masks: all −∞ rows and columns give −∞; +∞ and NaN entries as logsumexp of the broadcast sum', () => {
    const I = Infinity;
    const a = ad.tensor([[-I, -I, -I], [0, 1, -I], [I, 0, 0], [NaN, 0, 0], [0, 0, 0]]);
    const b = ad.tensor([[0, -I, 1, -I], [2, -I, 0, I], [0, -I, -I, -I]]);
    const got = ad.logMatmul(a, b).toFloat64Array();
    const want = broadcastForm(a, b).toFloat64Array();
    expect(got.length).toBe(want.length);
    got.forEach((g, i) => expect(Object.is(g, want[i]) || Math.abs(g - want[i]!) <= 4 * EPS * (1 + Math.abs(want[i]!))).toBe(true));
    expect(got[0]).toBe(-Infinity); // all −∞ row
    expect(got[4 + 1]).toBe(-Infinity); // all −∞ column
    expect(got[8]).toBe(Infinity); // +∞ + finite
    expect(got[9]).toBeNaN(); // +∞ + −∞ (column 1 is all −∞) is a NaN term
  });
});

describe('logMatmul gradients', () => {
  const cases: Array<[string, number[], number[]]> = [
    ['matrices', [6, 5], [5, 7]],
    ['a matrix times a vector', [4, 6], [6]],
    ['a vector times a matrix (the forward algorithm step)', [45], [45, 45]],
    ['batched, broadcast', [3, 1, 4, 5], [2, 5, 3]],
    ['the inside algorithm\'s rule sum', [10, 400], [400, 20]],
  ];
  it.each(cases)('%s: equal to the broadcast form\'s', (_name, sa, sb) => {
    const a = ad.mul(3, ad.random.normal(sa, 5)), b = ad.mul(3, ad.random.normal(sb, 6));
    const w = ad.random.normal([...ad.logMatmul(a, b).shape], 7);
    const loss = (f: (x: Tensor, y: Tensor) => Tensor) => (x: Tensor, y: Tensor) => ad.sum(ad.mul(f(x, y), w));
    const [ga, gb] = ad.grad(loss(ad.logMatmul), [0, 1])(a, b) as Tensor[];
    const [ha, hb] = ad.grad(loss(broadcastForm), [0, 1])(a, b) as Tensor[];
    expectNear(ga!.toFloat64Array(), ha!.toFloat64Array(), 1e-12);
    expectNear(gb!.toFloat64Array(), hb!.toFloat64Array(), 1e-12);
  });

  it('−∞ masks give zero gradients, never NaN; underflowing entries weigh as the broadcast form', () => {
    const I = Infinity;
    const a = ad.tensor([[-I, -I, -I], [0, 1, -I], [0, -700, -700]]);
    const b = ad.tensor([[0, -I, -700], [2, -I, 0], [0, -I, -1400]]);
    const w = ad.tensor([[1, 2, 3], [4, 0, 6], [7, 8, 9]]);
    const loss = (f: (x: Tensor, y: Tensor) => Tensor) => (x: Tensor, y: Tensor) => ad.sum(ad.mul(ad.where(ad.equal(f(x, y), -I), 0, f(x, y)), w));
    const [ga, gb] = ad.grad(loss(ad.logMatmul), [0, 1])(a, b) as Tensor[];
    const [ha, hb] = ad.grad(loss(broadcastForm), [0, 1])(a, b) as Tensor[];
    for (const g of [ga!, gb!]) expect(g.toFloat64Array().every((v) => Number.isFinite(v))).toBe(true);
    expect(Array.from(ga!.toFloat64Array().slice(0, 3))).toEqual([0, 0, 0]);
    expect(Array.from(gb!.toFloat64Array().filter((_, i) => i % 3 === 1))).toEqual([0, 0, 0]);
    expectNear(ga!.toFloat64Array(), ha!.toFloat64Array(), 1e-13);
    expectNear(gb!.toFloat64Array(), hb!.toFloat64Array(), 1e-13);
  });

  it('one row (a forward-algorithm step) with masks and underflow: gradients as the broadcast form\'s', () => {
    const I = Infinity;
    const a = ad.tensor([[0, -I, 2, -700]]);
    const b = ad.tensor([[1, -I, -700], [0, 3, 0], [-2, -I, -1400], [5, 0, 0]]);
    const w = ad.tensor([[1, 2, 3]]);
    const loss = (f: (x: Tensor, y: Tensor) => Tensor) => (x: Tensor, y: Tensor) => ad.sum(ad.mul(f(x, y), w));
    const [ga, gb] = ad.grad(loss(ad.logMatmul), [0, 1])(a, b) as Tensor[];
    const [ha, hb] = ad.grad(loss(broadcastForm), [0, 1])(a, b) as Tensor[];
    expectNear(ga!.toFloat64Array(), ha!.toFloat64Array(), 1e-13);
    expectNear(gb!.toFloat64Array(), hb!.toFloat64Array(), 1e-13);
    expect(ga!.toFloat64Array()[1]).toBe(0);
  });

  it('the fused first-order rule equals the generic one (traced under an outer jvp) to rounding', () => {
    const a = ad.mul(4, ad.random.normal([2, 6, 9], 8)), b = ad.mul(4, ad.random.normal([9, 5], 9));
    const w = ad.random.normal([2, 6, 5], 10);
    const loss = (x: Tensor, y: Tensor) => ad.sum(ad.mul(ad.logMatmul(x, y), w));
    const fused = ad.grad(loss, [0, 1])(a, b) as Tensor[];
    const generic = ad.jvp((x: Tensor, y: Tensor) => ad.grad(loss, [0, 1])(x, y) as Tensor[], [a, b], [ad.zeros([2, 6, 9]), ad.zeros([9, 5])])[0] as Tensor[];
    expectNear(fused[0]!.toFloat64Array(), generic[0]!.toFloat64Array(), 1e-13);
    expectNear(fused[1]!.toFloat64Array(), generic[1]!.toFloat64Array(), 1e-13);
  });

  it('a stored transposed: gradients (fused and generic) equal the broadcast form\'s', () => {
    const a = ad.mul(3, ad.random.normal([2, 7, 6], 15)), b = ad.mul(3, ad.random.normal([2, 7, 5], 16));
    const w = ad.random.normal([2, 6, 5], 17);
    const viaT = (x: Tensor, y: Tensor) => ad.sum(ad.mul(logMatmulOf(internal(x), internal(y), true), w));
    const viaForm = (x: Tensor, y: Tensor) => ad.sum(ad.mul(broadcastForm(ad.transpose(x, [0, 2, 1]), y), w));
    const fused = ad.grad(viaT, [0, 1])(a, b) as Tensor[];
    const generic = ad.jvp((x: Tensor, y: Tensor) => ad.grad(viaT, [0, 1])(x, y) as Tensor[], [a, b], [ad.zeros([2, 7, 6]), ad.zeros([2, 7, 5])])[0] as Tensor[];
    const want = ad.grad(viaForm, [0, 1])(a, b) as Tensor[];
    for (const i of [0, 1]) {
      expectNear(fused[i]!.toFloat64Array(), want[i]!.toFloat64Array(), 1e-12);
      expectNear(generic[i]!.toFloat64Array(), want[i]!.toFloat64Array(), 1e-12);
    }
  });

  it('the JVP is Σ_j P (ȧ + ḃ), as the broadcast form\'s', () => {
    const a = ad.random.normal([3, 4], 11), b = ad.random.normal([4, 2], 12);
    const ta = ad.random.normal([3, 4], 13), tb = ad.random.normal([4, 2], 14);
    const [, t] = ad.jvp(ad.logMatmul, [a, b], [ta, tb]);
    const [, u] = ad.jvp(broadcastForm, [a, b], [ta, tb]);
    expectNear((t as Tensor).toFloat64Array(), (u as Tensor).toFloat64Array(), 1e-13);
  });

  it.each([
    ['a batch of a against a shared b, b\'s tangent alone', [2, 3, 1, 4], [4, 2], 'b'],
    ['a batch of a against a shared b of one batch axis, b\'s tangent alone', [2, 1, 3, 4], [1, 4, 2], 'b'],
    ['a shared a against a batch of b, a\'s tangent alone', [3, 4], [2, 3, 4, 2], 'a'],
    ['a batch of a against a shared b, a\'s tangent alone', [2, 3, 1, 4], [4, 2], 'a'],
    ['a batch of a against a shared b, both tangents', [2, 3, 1, 4], [4, 2], 'ab'],
  ] as const)('the JVP with operands of different batch ranks: %s (its shape was wrong: summed over a batch axis)', (_name, sa, sb, which) => {
    const a = ad.random.normal([...sa], 21), b = ad.random.normal([...sb], 22);
    const ta = ad.random.normal([...sa], 23), tb = ad.random.normal([...sb], 24);
    const f = (g: (x: Tensor, y: Tensor) => Tensor) => which === 'a' ? ad.jvp((x: Tensor) => g(x, b), [a], [ta]) : which === 'b' ? ad.jvp((y: Tensor) => g(a, y), [b], [tb]) : ad.jvp(g, [a, b], [ta, tb]);
    const [y, t] = f(ad.logMatmul) as [Tensor, Tensor];
    const [, u] = f(broadcastForm) as [Tensor, Tensor];
    expect(t.shape).toEqual(y.shape);
    expectNear(t.toFloat64Array(), u.toFloat64Array(), 1e-13);
  });
});

describe('logMatmul shapes and errors', () => {
  it('follows matmul\'s shapes', () => {
    expect(ad.logMatmul(ad.zeros([2, 3]), ad.zeros([3, 4])).shape).toEqual([2, 4]);
    expect(ad.logMatmul(ad.zeros([3]), ad.zeros([3, 4])).shape).toEqual([4]);
    expect(ad.logMatmul(ad.zeros([5, 2, 3]), ad.zeros([3]))).toHaveProperty('shape', [5, 2]);
    expect(ad.logMatmul(ad.zeros([2, 1, 2, 3]), ad.zeros([4, 3, 1])).shape).toEqual([2, 4, 2, 1]);
    expect(ad.logMatmul(ad.zeros([2]), ad.zeros([2])).item()).toBeCloseTo(Math.log(2), 15);
  });

  it('an empty inner axis is an empty sum: −∞', () => {
    expect(Array.from(ad.logMatmul(ad.zeros([2, 0]), ad.zeros([0, 3])).toFloat64Array())).toEqual(new Array(6).fill(-Infinity));
  });

  it('mismatched inner axes and scalars are ShapeErrors naming the shapes', () => {
    expect(() => ad.logMatmul(ad.zeros([2, 3]), ad.zeros([4, 2]))).toThrow(ad.ShapeError);
    expect(() => ad.logMatmul(ad.zeros([2, 3]), ad.zeros([4, 2]))).toThrow(/\[2,3\] and \[4,2\]/);
    expect(() => ad.logMatmul(ad.zeros([2, 2, 3]), ad.zeros([3, 3, 2]))).toThrow(/batch axes/);
    expect(() => ad.logMatmul(1, ad.zeros([2]))).toThrow(/at least one axis/);
  });
});

describe('logMatmul: every mode weighs terms by the operands, not by their rounded sum', () => {
  // a[0, ·] = [0, 0.01] against b[·, 0] = 10¹⁷: a + b rounds both terms to 10¹⁷, but the exact
  // weights are 1/(1 + e^0.01) and e^0.01/(1 + e^0.01). The fused first-order VJP had them; the
  // generic rules (vmap, forward mode, second order) weighed both ½ (a differential review against
  // PyTorch found vmap(grad(f)) ≠ grad(f)).
  const p0 = 1 / (1 + Math.exp(0.01)), p1 = 1 - p0;
  const a = ad.tensor([[0, 0.01], [0.3, -0.2]]);
  const b = ad.tensor([[1e17, 0], [1e17, 1]]);
  const f = (x: Tensor) => ad.sum(ad.take(ad.logMatmul(x, b), [0], 1));
  const close = (got: ArrayLike<number>, want: number[], tol = 1e-15) => want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(tol));

  it('grad, vmap(grad), jit(grad) and jvp agree with the exact weights', () => {
    close(ad.grad(f)(a).toFloat64Array(), [p0, p1]);
    close((ad.vmap(ad.grad(f))(ad.expandDims(a, 0)) as Tensor).toFloat64Array(), [p0, p1]);
    close(ad.jit(ad.grad(f))(a).toFloat64Array(), [p0, p1]);
    const [, tangent] = ad.jvp(f, [a], [ad.tensor([[1, 0], [0, 0]])]);
    close([tangent.item()], [p0]);
  });

  it('where the shifted terms would round or overflow (the maxima at different j), every mode takes a + b as the kernel does', () => {
    // a + b = [0, 0.5] exactly, but the shifted terms are −2⁵³ − 0.5 and −2⁵³; a + b = [0, 0] with shifted terms −∞, −∞.
    for (const [A, B, want] of [
      [[[2 ** 53, 0]], [[-(2 ** 53)], [0.5]], [1 / (1 + Math.exp(0.5)), 1 - 1 / (1 + Math.exp(0.5))]],
      [[[1e308, -1e308]], [[-1e308], [1e308]], [0.5, 0.5]],
    ] as const) {
      const g = (x: Tensor) => ad.sum(ad.logMatmul(x, ad.tensor(B as unknown as number[][])));
      const x = ad.tensor(A as unknown as number[][]);
      for (const got of [ad.grad(g)(x), ad.jacrev(g)(x), ad.jacfwd(g)(x), (ad.vmap(ad.grad(g))(ad.expandDims(x, 0)) as Tensor)]) close(got.toFloat64Array(), [...want]);
    }
  });

  it('second order: the Hessian of log(e^(a₀ + B) + e^(a₁ + B)) is p(1 − p)[[1, −1], [−1, 1]] at B = 10¹⁷', () => {
    const h = p0 * p1;
    const g2 = ad.hessian((x: Tensor) => ad.sum(ad.logMatmul(ad.reshape(x, [1, 2]), ad.tensor([[1e17], [1e17]]))))(ad.tensor([0, 0.01]));
    close(g2.toFloat64Array(), [h, -h, -h, h], 1e-16);
  });

  it('the broadcast form over an outer sum (rewritten to logMatmul) gives grad(f) = vmap(grad(f))', () => {
    const x = ad.reshape(ad.mul(ad.arange(64), 0.01), [8, 8, 1]);
    const T = ad.tensor(Float64Array.from({ length: 64 }, (_, q) => (q === 0 || q === 8 ? 1e17 : 0)), [1, 8, 8]);
    const lse = (y: Tensor) => ad.sum(ad.take(ad.logsumexp(ad.add(y, T), 1), [0], 1));
    const direct = ad.grad(lse)(x).toFloat64Array();
    const mapped = (ad.vmap(ad.grad(lse))(ad.expandDims(x, 0)) as Tensor).toFloat64Array();
    close(direct, [p0, p1]);
    close(mapped, Array.from(direct));
  });
});
