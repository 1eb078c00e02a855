/**
 * @file Second review of products (docs/products.md): the second derivatives of `prod` where the
 * running products leave the float64 range, against exact rational arithmetic (Python fractions over
 * the float64 inputs, values pasted; the in-test oracle multiplies BigInts), and seeded properties
 * of what held: chainMatmul pullbacks kept across other chains and products, chainProduct with the
 * log semiring against the fold, SignedLog programs against plain arithmetic.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { mulberry, roundExact, split } from '../products/oracle.js';

const EPS = 2 ** -53;


/** (H v)_k = Σ_{j≠k} v_j Π_{i≠j,k} x_i exactly (BigInt mantissas), rounded once; finite non-zero x. */
function exactHv(x: readonly number[], v: readonly number[], k: number): number {
  const parts = x.map((xi) => split(xi));
  const terms: Array<[bigint, number]> = [];
  for (let j = 0; j < x.length; j++) {
    if (j === k || v[j] === 0) continue;
    let [m, e] = split(v[j]!);
    for (let i = 0; i < x.length; i++) if (i !== j && i !== k) { m *= parts[i]![0]; e += parts[i]![1]; }
    terms.push([m, e]);
  }
  if (terms.length === 0) return 0;
  const e0 = Math.min(...terms.map((t) => t[1]));
  let sum = 0n;
  for (const [m, e] of terms) sum += m << BigInt(e - e0);
  return roundExact(sum, e0);
}

const near = (got: number, want: number, ulps: number) =>
  got === want || Math.abs(got - want) <= ulps * EPS * Math.abs(want);

describe('prod at second order: H·v rounded once into range where the recurrences leave it', () => {
  // The Hessian-vector product ran the recurrences Ė_{k+1} = x_k Ė_k + t_k E_k (and Ṡ) as plain ops:
  // E overflowed where Ṡ underflowed, and E·Ṡ is O(1).
  it('the Hessian of [1e300, 1e300, 1e-300, 1e-300, 2] (H_24 = 1e300 came out non-finite, H_40 = 1e-300 as 0)', () => {
    const x = ad.tensor([1e300, 1e300, 1e-300, 1e-300, 2]);
    // Python: float(Fraction product of the others), ∞ where it overflows.
    const want = [
      [0, 0, 2, 2, 1e-300], [0, 0, 2, 2, 1e-300], [2, 2, 0, Infinity, 1.0000000000000002e300],
      [2, 2, Infinity, 0, 1.0000000000000002e300], [1e-300, 1e-300, 1.0000000000000002e300, 1.0000000000000002e300, 0],
    ];
    const f = (z: ad.Tensor) => ad.prod(z);
    for (const H of [ad.hessian(f)(x), ad.jacfwd(ad.grad(f))(x), ad.jacrev(ad.grad(f))(x)]) {
      const h = H.toArray() as number[][];
      h.forEach((row, i) => row.forEach((v, j) => expect(near(v, want[i]![j]!, 4), `H[${i}][${j}] = ${v}`).toBe(true)));
    }
  });

  // 10⁴ factors: 5000 near 1e5, then 5000 near 1e-5 (the product is O(1)); v = e₃ − e₉₀₀₀/2.
  const n = 10000;
  const xs = Array.from({ length: n }, (_, i) => (i < 5000 ? 1e5 : 1e-5) * (1 + (((i * 7919) % 1000) - 500) * 1e-6));
  const v = new Array<number>(n).fill(0);
  v[3] = 1; v[9000] = -0.5;
  // Python fractions: Σ_j v_j P / (x_j x_k), rounded once.
  const want: Record<number, number> = {
    0: -0.49779665998462336, 3: -0.4974199248333831, 4999: -0.49775632155336186,
    5000: -4977966599.846232, 9000: 0.9948398496667662, 9999: -4977563215.533619,
  };
  const f = (z: ad.Tensor) => ad.prod(z);

  it('hvp, jvp of grad and grad of grad (they gave ∞, 0 or NaN)', () => {
    const x = ad.tensor(xs), d = ad.tensor(v);
    const hvp = ad.hvp(f, x, d).toFloat64Array();
    const fwd = (ad.jvp(ad.grad(f), [x], [d]) as ad.Tensor[])[1]!.toFloat64Array();
    const rev = ad.grad((z: ad.Tensor) => ad.sum(ad.mul(ad.grad(f)(z), d)))(x).toFloat64Array();
    for (const [k, w] of Object.entries(want)) {
      for (const got of [hvp, fwd, rev]) expect(near(got[Number(k)]!, w, 4 * n), `(Hv)_${k} = ${got[Number(k)]}`).toBe(true);
    }
  });

  it('jit replays the same bits, and vmap over directions is the loop', () => {
    const x = ad.tensor(xs), d = ad.tensor(v);
    const h = (z: ad.Tensor, w: ad.Tensor) => ad.hvp(f, z, w);
    const eager = h(x, d).toFloat64Array();
    const jitted = ad.jit(h);
    for (let r = 0; r < 2; r++) expect(jitted(x, d).toFloat64Array()).toEqual(eager);
    const d2 = ad.tensor(v.map((_, i) => (i === 7 ? 2 : 0)));
    const batched = ad.vmap((w: ad.Tensor) => h(x, w))(ad.stack([d, d2], 0)).toFloat64Array();
    expect(batched.subarray(0, n)).toEqual(eager);
    expect(batched.subarray(n)).toEqual(h(x, d2).toFloat64Array());
  });

  it('seeded: rows of factors e^±700 and zeros, H·v against the exact sum (contiguous and strided)', () => {
    const rnd = mulberry(86);
    for (let c = 0; c < 60; c++) {
      const len = 2 + Math.floor(rnd() * 9);
      const x = Array.from({ length: len }, () => (rnd() < 0.1 ? 0 : (rnd() < 0.5 ? -1 : 1) * Math.exp((rnd() - 0.5) * 1400)));
      const w = Array.from({ length: len }, () => (rnd() < 0.3 ? 0 : rnd() - 0.5));
      const got = ad.hvp(f, ad.tensor(x), ad.tensor(w)).toFloat64Array();
      // The same row down a column of [len, 2] (beside a column of ones).
      const col = ad.hvp((z: ad.Tensor) => ad.sum(ad.prod(z, 0)), ad.tensor(x.map((e) => [1, e])), ad.tensor(w.map((e) => [0, e]))).toArray() as number[][];
      for (let k = 0; k < len; k++) {
        // Bound: 3(len + 2) roundings of each term; the terms' magnitudes bound the cancellation.
        const exact = exactHv(x, w, k);
        const scale = exactHv(x.map(Math.abs), w.map(Math.abs), k);
        const tol = 3 * (len + 2) * EPS * scale;
        const ok = (g: number) => g === exact || (Number.isFinite(exact) ? Math.abs(g - exact) <= tol || (scale < 3e-308 && Math.abs(g - exact) <= 1e-322 + tol) : g === exact);
        expect(ok(got[k]!), `x=${JSON.stringify(x)} w=${JSON.stringify(w)} k=${k}: ${got[k]} vs ${exact}`).toBe(true);
        expect(ok(col[k]![1]!), `strided k=${k}: ${col[k]![1]} vs ${exact}`).toBe(true);
      }
    }
  });
});

describe('seeded properties that held', () => {
  it('chainMatmul: pullbacks kept across other chains, matmuls and a thread change give the bits of a fresh grad', () => {
    const rnd = mulberry(7);
    const randT = (shape: number[], sc: number) => ad.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rnd() - 0.5) * sc), shape);
    const live: Array<{ pb: (g: ad.Tensor) => ad.Tensor[]; g: ad.Tensor; want: Float64Array[] }> = [];
    let checked = 0;
    for (let step = 0; step < 120; step++) {
      const r = rnd();
      if (r < 0.45 || live.length === 0) {
        const s = [4, 8, 12, 16, 5][Math.floor(rnd() * 5)]!, n = [2, 3, 10, 40][Math.floor(rnd() * 4)]!;
        const stacked = rnd() < 0.5;
        const ts = Array.from({ length: n }, () => randT([s, s], 3 / Math.sqrt(s)));
        const g = randT([s, s], 2);
        const args = stacked ? [ad.stack(ts, 0)] : ts;
        const chain = (...xs: ad.Tensor[]) => (stacked ? ad.chainMatmul(xs[0]!) : ad.chainMatmul(xs));
        const grads = ad.grad((...xs: ad.Tensor[]) => ad.sum(ad.mul(chain(...xs), g)), args.map((_, i) => i))(...args) as ad.Tensor[];
        const [, pb] = ad.vjp(chain, ...args);
        live.push({ pb, g, want: grads.map((t) => t.toFloat64Array()) });
      } else if (r < 0.8) {
        const j = Math.floor(rnd() * live.length), job = live[j]!;
        const got = job.pb(job.g);
        got.forEach((t, i) => expect(t.toFloat64Array()).toEqual(job.want[i]));
        checked++;
        if (rnd() < 0.5) live.splice(j, 1);
      } else if (r < 0.9) {
        ad.matmul(randT([64, 64], 1), randT([64, 64], 1));
      } else {
        ad.config({ threads: rnd() < 0.5 ? 1 : 'auto' });
      }
    }
    ad.config({ threads: 'auto' });
    expect(checked).toBeGreaterThan(20);
  });

  it('chainProduct with logMatmul (−∞ entries included): value and gradient as the fold of logMatmul', () => {
    const rnd = mulberry(11);
    for (let c = 0; c < 25; c++) {
      const n = 2 + Math.floor(rnd() * 5);
      const dims = Array.from({ length: n + 1 }, () => 1 + Math.floor(rnd() * 4));
      const xs = Array.from({ length: n }, (_, i) =>
        ad.tensor(Array.from({ length: dims[i]! }, () => Array.from({ length: dims[i + 1]! }, () => (rnd() < 0.15 ? -Infinity : (rnd() - 0.5) * 6)))));
      const g = ad.tensor(Array.from({ length: dims[0]! }, () => Array.from({ length: dims[n]! }, () => rnd() - 0.5)));
      const idx = xs.map((_, i) => i);
      const viaChain = ad.grad((...ys: ad.Tensor[]) => ad.sum(ad.mul(ad.chainProduct(ys, ad.logMatmul), g)), idx)(...xs) as ad.Tensor[];
      const viaFold = ad.grad((...ys: ad.Tensor[]) => ad.sum(ad.mul(ys.reduce((a, b) => ad.logMatmul(a, b)), g)), idx)(...xs) as ad.Tensor[];
      expect(ad.chainProduct(xs, ad.logMatmul).toArray()).toEqual(xs.reduce((a, b) => ad.logMatmul(a, b)).toArray());
      viaChain.forEach((t, i) => {
        const a = t.toFloat64Array(), b = viaFold[i]!.toFloat64Array();
        a.forEach((val, k) => expect(Math.abs(val - b[k]!)).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(b[k]!))));
      });
    }
  });

  it('SignedLog programs (zeros, cancellations) have the values, gradients and tangents of plain arithmetic', () => {
    const SL = ad.SignedLog;
    const at = (x: ad.Tensor, i: number) => SL.fromTensor(ad.take(x, i, 0));
    const progs: Array<[(x: ad.Tensor) => ad.Tensor, (x: ad.Tensor) => ad.Tensor]> = [
      [(x) => SL.fromTensor(x).sum().toTensor(), (x) => ad.sum(x)],
      [(x) => SL.fromTensor(x).prod().toTensor(), (x) => ad.prod(x)],
      [(x) => at(x, 0).mul(at(x, 1)).add(at(x, 2)).toTensor(), (x) => ad.add(ad.mul(ad.take(x, 0, 0), ad.take(x, 1, 0)), ad.take(x, 2, 0))],
      [(x) => at(x, 0).sub(at(x, 3)).toTensor(), (x) => ad.sub(ad.take(x, 0, 0), ad.take(x, 3, 0))],
      [(x) => at(x, 0).add(at(x, 1)).mul(at(x, 2).sub(at(x, 3))).toTensor(), (x) => ad.mul(ad.add(ad.take(x, 0, 0), ad.take(x, 1, 0)), ad.sub(ad.take(x, 2, 0), ad.take(x, 3, 0)))],
      [(x) => SL.fromTensor(x).mul(SL.fromTensor(x)).sum().toTensor(), (x) => ad.sum(ad.mul(x, x))],
    ];
    const rnd = mulberry(3);
    const menu = [0, 0, 1, -1, 2.5, -2.5, 0.5, 3, -3, 1e-3];
    const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
    for (let c = 0; c < 60; c++) {
      const x = ad.tensor(Array.from({ length: 4 }, () => menu[Math.floor(rnd() * menu.length)]!));
      const t = ad.tensor(Array.from({ length: 4 }, () => rnd() - 0.5));
      for (const [viaLog, plain] of progs) {
        expect(close(viaLog(x).item(), plain(x).item())).toBe(true);
        const g1 = ad.grad(viaLog)(x).toArray() as number[], g2 = ad.grad(plain)(x).toArray() as number[];
        g1.forEach((v, i) => expect(close(v, g2[i]!), `${x.toArray()}: ${g1} vs ${g2}`).toBe(true));
        const j1 = (ad.jvp(viaLog, [x], [t]) as ad.Tensor[])[1]!.item(), j2 = (ad.jvp(plain, [x], [t]) as ad.Tensor[])[1]!.item();
        expect(close(j1, j2)).toBe(true);
      }
    }
  });
});
