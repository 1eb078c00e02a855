/** @file chainMatmul and chainProduct against the O(n²) leave-one-out oracle, to second order; semiring chains against brute-force enumeration. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { chainGradient, chainHvp, chainRange, matMul, type Mat } from './oracle.js';
import { SEED, expectNear } from './cases.js';
import { reclaim } from '../../src/products/prefixPool.js';

const toMat = (t: Tensor) => t.toArray() as Mat;
const flat = (m: Mat) => m.flat();

/** ⟨W, chain(ms)⟩ for a chain function. */
const weighted = (chain: (ms: Tensor[]) => Tensor, w: Tensor) => (...ms: Tensor[]) => ad.sum(ad.mul(chain(ms), w));

/** Matrices of the given extents (k_0 × k_1, k_1 × k_2, …) from a seed, some entries zeroed. */
function chainOf(extents: number[], seed: number, zeroEvery = 0): Tensor[] {
  return extents.slice(1).map((c, i) => {
    const m = ad.random.normal([extents[i]!, c], seed + i);
    if (zeroEvery === 0) return m;
    return ad.tensor(m.toFloat64Array().map((v, j) => ((j + i) % zeroEvery === 0 ? 0 : v)), m.shape);
  });
}

function checkChain(chain: (ms: Tensor[]) => Tensor, ms: Tensor[], seed: number, what: string): void {
  const mats = ms.map(toMat);
  const rows = mats[0]!.length, cols = mats[mats.length - 1]![0]!.length;
  const value = chainRange(mats, 0, mats.length, rows);
  expectNear(chain(ms).toFloat64Array(), flat(value), 1e-12, flat(value).map(() => 1), `${what} value`);
  const w = ad.random.normal([rows, cols], seed + 100);
  const f = weighted(chain, w);
  const argnums = ms.map((_, i) => i);
  const grads = ad.grad(f, argnums)(...ms) as Tensor[];
  const oracle = chainGradient(mats, toMat(w));
  grads.forEach((g, i) => expectNear(g.toFloat64Array(), flat(oracle[i]!), 1e-11, flat(oracle[i]!).map(() => 1), `${what} grad ${i}`));
  // Under jvp the rule is traced (ops path): the same gradient, and the HVP through it.
  const vs = ms.map((m, i) => ad.random.normal(m.shape, seed + 200 + i));
  const [tracedGrads, hvps] = ad.jvp((...xs: Tensor[]) => ad.grad(f, argnums)(...xs), ms, vs) as [Tensor[], Tensor[]];
  const hvpOracle = chainHvp(mats, vs.map(toMat), toMat(w));
  tracedGrads.forEach((g, i) => expectNear(g.toFloat64Array(), flat(oracle[i]!), 1e-11, flat(oracle[i]!).map(() => 1), `${what} traced grad ${i}`));
  hvps.forEach((h, i) => expectNear(h.toFloat64Array(), flat(hvpOracle[i]!), 1e-11, flat(hvpOracle[i]!).map(() => 1), `${what} hvp ${i}`));
}

const chains: Array<[string, (ms: Tensor[]) => Tensor]> = [
  ['chainMatmul', (ms) => ad.chainMatmul(ms)],
  ['chainProduct(matmul)', (ms) => ad.chainProduct(ms, ad.matmul)],
  ['chainProduct(matmul, { recompute: false })', (ms) => ad.chainProduct(ms, ad.matmul, { recompute: false })],
];

describe.each(chains)('%s against the leave-one-out oracle', (_name, chain) => {
  it('square chains', () => checkChain(chain, chainOf([3, 3, 3, 3, 3, 3], 1), 1, 'square'));
  it('rectangular chains', () => checkChain(chain, chainOf([2, 4, 1, 3, 5, 2], 2), 2, 'rectangular'));
  it('chains with zero entries and a zero matrix', () => {
    const ms = chainOf([3, 3, 3, 3, 3], 3, 3);
    ms[2] = ad.zeros([3, 3]);
    checkChain(chain, ms, 3, 'zeros');
  });
  it('factors large enough for the blocked-kernel sweep (16×16 and rectangular, zeros included)', () => {
    checkChain(chain, chainOf([16, 16, 16, 16], 12), 12, 'square 16');
    checkChain(chain, chainOf([20, 24, 16, 28, 12], 13, 5), 13, 'rectangular 20…28');
  });
  it('two factors, and one', () => {
    checkChain(chain, chainOf([2, 3, 2], 4), 4, 'two');
    const m = ad.random.normal([2, 3], 9);
    expect(chain([m]).toArray()).toEqual(m.toArray());
  });
  it('random chains (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 7 }), fc.nat(1000), (extents, seed) => {
        checkChain(chain, chainOf(extents, seed, seed % 4), seed, JSON.stringify(extents));
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
});

describe('chainMatmul', () => {
  it('runs resident in WebAssembly memory when every extent is a multiple of 4, and agrees with the JavaScript kernels', () => {
    // Extents of 4…16 (the resident path), one chain with a 6 among them (the per-product path).
    for (const extents of [[8, 4, 12, 8, 16, 4, 8], [4, 4, 4], [8, 8, 6, 8]]) {
      const ms = chainOf(extents, 21, 7);
      checkChain((xs) => ad.chainMatmul(xs), ms, 21, JSON.stringify(extents));
      const w = ad.random.normal([extents[0]!, extents[extents.length - 1]!], 22);
      const f = weighted((xs) => ad.chainMatmul(xs), w);
      const some = ms.length > 2 ? [2, ms.length - 1] : [1]; // the sweep stops at the first factor asked for
      const run = () => [f(...ms), ...(ad.grad(f, ms.map((_, i) => i))(...ms) as Tensor[]), ...(ad.grad(f, some)(...ms) as Tensor[])];
      const withWasm = run();
      ad.config({ wasm: false });
      try {
        const withoutWasm = run();
        withWasm.forEach((t, i) => {
          const ref = withoutWasm[i]!.toFloat64Array();
          expectNear(t.toFloat64Array(), Array.from(ref), 1e-12, Array.from(ref, () => 1), `${JSON.stringify(extents)} output ${i}`);
        });
      } finally {
        ad.config({ wasm: true });
      }
    }
  });

  it('differentiates only the arguments asked for, and repeated matrices accumulate', () => {
    const [a, b, c] = chainOf([2, 3, 3, 2], 5);
    const w = ad.ones([2, 2]);
    const gb = ad.grad((x: Tensor) => ad.sum(ad.mul(ad.chainMatmul([a!, x, c!]), w)))(b!);
    const oracle = chainGradient([a!, b!, c!].map(toMat), toMat(w));
    expectNear(gb.toFloat64Array(), flat(oracle[1]!), 1e-12);
    // f(A) = sum(A A A): each occurrence contributes.
    const m = ad.random.normal([3, 3], 6);
    const g = ad.grad((x: Tensor) => ad.sum(ad.chainMatmul([x, x, x])))(m);
    const parts = chainGradient([m, m, m].map(toMat), toMat(ad.ones([3, 3])));
    expectNear(g.toFloat64Array(), flat(parts[0]!).map((v, i) => v + flat(parts[1]!)[i]! + flat(parts[2]!)[i]!), 1e-12);
  });

  it('agrees with a fold of matmul at second order (grad of grad)', () => {
    const ms = chainOf([2, 3, 2, 3], 7);
    const inner = (chain: (xs: Tensor[]) => Tensor) => (x: Tensor) => ad.sum(ad.square(ad.grad((y: Tensor) => ad.sum(ad.tanh(chain([y, ms[1]!, ms[2]!]))))(x)));
    const ours = ad.grad(inner(ad.chainMatmul))(ms[0]!);
    const fold = ad.grad(inner((xs) => xs.reduce((p, q) => ad.matmul(p, q))))(ms[0]!);
    expectNear(ours.toFloat64Array(), Array.from(fold.data), 1e-12, Array.from(fold.data).map(() => 1));
  });

  it('keeps only the prefix products for the backward pass (counted in memoryStats)', () => {
    const K = 8, ms = chainOf([K, K, K, K, K, K, K], 8); // six matrices: prefixes P_1 … P_4 are kept
    ad.resetPeakMemory();
    const base = ad.memoryStats().residualBytes;
    ad.grad((xs: Tensor[]) => ad.sum(ad.chainMatmul(xs)))(ms);
    expect(ad.memoryStats().peakResidualBytes - base).toBe(4 * K * K * 8);
    expect(ad.memoryStats().residualBytes).toBe(base);
  });

  it('reuses the prefix memory of a chain whose tape is released, never of one a kept pullback can still run', () => {
    const K = 5, w = ad.random.normal([K, K], 140);
    const chainAt = (seed: number) => chainOf([K, K, K, K, K, K, K], seed); // six matrices: four inner prefixes
    const expectOracle = (grads: Tensor[], ms: Tensor[], what: string) => {
      const oracle = chainGradient(ms.map(toMat), toMat(w));
      grads.forEach((g, i) => expectNear(g.toFloat64Array(), flat(oracle[i]!), 1e-12, flat(oracle[i]!).map(() => 1), `${what} ${i}`));
    };
    const gradOf = (ms: Tensor[]) => ad.grad((xs: Tensor[]) => ad.sum(ad.mul(ad.chainMatmul(xs), w)))(ms) as Tensor[];
    reclaim(); // end earlier loans
    const kept = chainAt(150);
    const [value, pullback] = ad.vjp((...xs: Tensor[]) => ad.chainMatmul(xs), ...kept);
    expect(reclaim(), 'a pullback that can still run keeps its chunks').toEqual([]);
    const again = chainAt(150);
    gradOf(again);
    expect(reclaim().length, 'grad releases its tape as it returns: its chunks come back').toBeGreaterThan(0);
    // Chains of the same shapes one after another: each reuses the chunks of the one before
    // (used memory, zeroed before the products accumulate into it), while the pullback is kept.
    for (let seed = 160; seed < 200; seed += 10) {
      const ms = chainAt(seed);
      expectOracle(gradOf(ms), ms, `chain ${seed}`);
    }
    expect(value.toFloat64Array()).toEqual(ad.chainMatmul(kept).toFloat64Array());
    expectOracle(pullback(w) as Tensor[], kept, 'the kept pullback');
  });

  it('says which matrices do not line up', () => {
    expect(() => ad.chainMatmul([ad.ones([2, 3]), ad.ones([2, 3])])).toThrow(/matrix 0 \(\[2,3\]\) and matrix 1 \(\[2,3\]\) do not line up/);
    expect(() => ad.chainMatmul([ad.ones([3])])).toThrow(ad.ShapeError);
    expect(() => ad.chainMatmul([])).toThrow(ad.InvalidArgumentError);
  });
});

describe('chainProduct with a semiring', () => {
  // log-semiring matrix product: (A ⊗ B)_ij = log Σ_k exp(A_ik + B_kj).
  const logMatmul = (a: Tensor, b: Tensor) => ad.logsumexp(ad.add(ad.expandDims(a, 2), ad.expandDims(b, 0)), 1);

  it('log-semiring: the gradient of log Z is the marginal probability of each edge (brute force over paths)', () => {
    const K = 3, steps = 4;
    const ms = Array.from({ length: steps }, (_, i) => ad.random.normal([K, K], 40 + i));
    const logZ = (...xs: Tensor[]) => ad.logsumexp(ad.chainProduct(xs, logMatmul));
    const grads = ad.grad(logZ, ms.map((_, i) => i))(...ms) as Tensor[];
    // Enumerate all K^(steps+1) paths s_0 … s_steps; a path's score is Σ_t M_t[s_t, s_{t+1}].
    const score = ms.map(toMat);
    const marg = ms.map(() => Array.from({ length: K }, () => new Array<number>(K).fill(0)));
    let Z = 0;
    const path = new Array<number>(steps + 1).fill(0);
    for (let code = 0; code < K ** (steps + 1); code++) {
      for (let t = 0, c = code; t <= steps; t++, c = Math.floor(c / K)) path[t] = c % K;
      let s = 0;
      for (let t = 0; t < steps; t++) s += score[t]![path[t]!]![path[t + 1]!]!;
      const p = Math.exp(s);
      Z += p;
      for (let t = 0; t < steps; t++) marg[t]![path[t]!]![path[t + 1]!]! += p;
    }
    expect(logZ(...ms).item()).toBeCloseTo(Math.log(Z), 12);
    grads.forEach((g, t) => expectNear(g.toFloat64Array(), marg[t]!.flat().map((v) => v / Z), 1e-11, marg[t]!.flat().map(() => 1)));
  });

  it('matches differentiating the fold, to second order', () => {
    const ms = [ad.random.normal([2, 3], 50), ad.random.normal([3, 3], 51), ad.random.normal([3, 2], 52)];
    const f = (chain: (xs: Tensor[]) => Tensor) => (...xs: Tensor[]) => ad.sum(ad.exp(chain(xs)));
    const ours = f((xs) => ad.chainProduct(xs, logMatmul));
    const fold = f((xs) => xs.reduce(logMatmul));
    const vs = ms.map((m, i) => ad.random.normal(m.shape, 60 + i));
    const a = ad.hvp((xs: Tensor[]) => ours(...xs), ms, vs) as Tensor[];
    const b = ad.hvp((xs: Tensor[]) => fold(...xs), ms, vs) as Tensor[];
    a.forEach((t, i) => expectNear(t.toFloat64Array(), Array.from(b[i]!.data), 1e-12, Array.from(b[i]!.data).map(() => 1)));
  });

  it('with recompute: false, matches the fold to second order, and a pullback may run twice', () => {
    const ms = [ad.random.normal([2, 3], 50), ad.random.normal([3, 3], 51), ad.random.normal([3, 2], 52)];
    const f = (chain: (xs: Tensor[]) => Tensor) => (...xs: Tensor[]) => ad.sum(ad.exp(chain(xs)));
    const kept = f((xs) => ad.chainProduct(xs, logMatmul, { recompute: false }));
    const fold = f((xs) => xs.reduce(logMatmul));
    const vs = ms.map((m, i) => ad.random.normal(m.shape, 60 + i));
    const a = ad.hvp((xs: Tensor[]) => kept(...xs), ms, vs) as Tensor[];
    const b = ad.hvp((xs: Tensor[]) => fold(...xs), ms, vs) as Tensor[];
    a.forEach((t, i) => expectNear(t.toFloat64Array(), Array.from(b[i]!.data), 1e-12, Array.from(b[i]!.data).map(() => 1)));
    const [, pullback] = ad.vjp((...xs: Tensor[]) => ad.chainProduct(xs, logMatmul, { recompute: false }), ...ms);
    const w = ad.random.normal([2, 2], 70);
    const once = pullback(w) as Tensor[], twice = pullback(w) as Tensor[];
    once.forEach((t, i) => expect(Array.from(twice[i]!.data)).toEqual(Array.from(t.data)));
    const grads = ad.grad((...xs: Tensor[]) => ad.sum(ad.mul(fold(...xs), 1)), [0, 1, 2])(...ms) as Tensor[];
    const keptGrads = ad.grad((...xs: Tensor[]) => kept(...xs), [0, 1, 2])(...ms) as Tensor[];
    keptGrads.forEach((t, i) => expectNear(t.toFloat64Array(), Array.from(grads[i]!.data), 1e-12, Array.from(grads[i]!.data).map(() => 1)));
  });

  it('holds less between the passes than differentiating the fold', () => {
    const K = 6, ms = Array.from({ length: 8 }, (_, i) => ad.random.normal([K, K], 80 + i));
    const peak = (chain: (xs: Tensor[]) => Tensor) => {
      ad.resetPeakMemory();
      const base = ad.memoryStats().residualBytes;
      ad.grad((xs: Tensor[]) => ad.sum(chain(xs)))(ms);
      return ad.memoryStats().peakResidualBytes - base;
    };
    const ours = peak((xs) => ad.chainProduct(xs, logMatmul));
    const fold = peak((xs) => xs.reduce(logMatmul));
    expect(ours).toBeLessThan(fold / 2);
  });

  it('keeps the forward tape when each step holds only its operands and result, recomputes the steps otherwise', () => {
    const K = 5, n = 7, ms = Array.from({ length: n }, (_, i) => ad.random.normal([K, K], 120 + i));
    const W = ad.random.normal([K, K], 130);
    const maxPlus = (a: Tensor, b: Tensor) => ad.max(ad.add(ad.expandDims(a, 2), ad.expandDims(b, 0)), 1);
    // [what, op, applications of op in a gradient, prefixes held between the passes]
    const ops: Array<[string, (a: Tensor, b: Tensor) => Tensor, number, number]> = [
      ['matmul (saves its operands)', ad.matmul, n - 1, n - 2],
      ['logMatmul (saves its operands and result)', ad.logMatmul, n - 1, n - 1],
      ['tanh of a product (saves the result)', (a, b) => ad.tanh(ad.matmul(a, b)), n - 1, n - 1],
      ['max-plus (saves the [i, k, j] sum)', maxPlus, 2 * (n - 1), n - 2],
      ['a product of a tanh (saves a fresh value)', (a, b) => ad.matmul(ad.tanh(a), b), 2 * (n - 1), n - 2],
      ['a nested chainMatmul (its prefix held by its rule)', (a, b) => ad.chainMatmul([a, W, b]), 2 * (n - 1), n - 2],
    ];
    for (const [what, op, calls, prefixes] of ops) {
      let count = 0;
      const counted = (a: Tensor, b: Tensor) => (count++, op(a, b));
      const f = (chain: (xs: Tensor[]) => Tensor) => (xs: Tensor[]) => ad.sum(ad.mul(chain(xs), W));
      const ours = ad.grad(f((xs) => ad.chainProduct(xs, counted)))(ms) as Tensor[];
      expect(count, what).toBe(calls);
      const fold = ad.grad(f((xs) => xs.reduce(op)))(ms) as Tensor[];
      ours.forEach((g, i) => expectNear(g.toFloat64Array(), Array.from(fold[i]!.data), 1e-12, Array.from(fold[i]!.data).map(() => 1), `${what} ${i}`));
      // Between the passes (a vjp's pullback kept): the prefixes P_1 … P_{n−2} the steps read, and
      // the chain's output P_{n−1} where a step saves its result; never a step's intermediates.
      const base = ad.memoryStats().residualBytes;
      const [, pullback] = ad.vjp((...xs: Tensor[]) => ad.chainProduct(xs, op), ...ms);
      const held = prefixes * K * K * 8;
      expect(ad.memoryStats().residualBytes - base, what).toBe(held);
      const cts = pullback(W) as Tensor[];
      cts.forEach((g, i) => expectNear(g.toFloat64Array(), Array.from(fold[i]!.data), 1e-12, Array.from(fold[i]!.data).map(() => 1), `${what} vjp ${i}`));
    }
  });

  it('{ recompute: false } counts its kept tape as long as the tape holding the chain: released as grad returns, held with a vjp pullback', () => {
    const K = 4, ms = Array.from({ length: 5 }, (_, i) => ad.random.normal([K, K], 150 + i));
    const maxPlus = (a: Tensor, b: Tensor) => ad.max(ad.add(ad.expandDims(a, 2), ad.expandDims(b, 0)), 1);
    const kept = (xs: Tensor[]) => ad.chainProduct(xs, maxPlus, { recompute: false });
    const base = ad.memoryStats().residualBytes;
    ad.resetPeakMemory();
    ad.grad((xs: Tensor[]) => ad.sum(kept(xs)))(ms);
    expect(ad.memoryStats().peakResidualBytes).toBeGreaterThan(base); // the [i, k, j] sums, counted while kept
    expect(ad.memoryStats().residualBytes).toBe(base); // and released on return, with no collection
    const [, pullback] = ad.vjp((...xs: Tensor[]) => kept(xs), ...ms);
    const held = ad.memoryStats().residualBytes - base;
    expect(held).toBeGreaterThanOrEqual(4 * K * K * K * 8); // four steps' sums at least, while the pullback can run
    const fold = ad.vjp((...xs: Tensor[]) => xs.reduce(maxPlus), ...ms)[1];
    const w = ad.random.normal([K, K], 160);
    (pullback(w) as Tensor[]).forEach((g, i) => expect(Array.from(g.data)).toEqual(Array.from((fold(w) as Tensor[])[i]!.data)));
  });

  it('differentiates an operator that closes over a tensor being differentiated', () => {
    // A tempered log-semiring: τ · logsumexp((a + b) / τ); d/dτ must reach through the operator.
    const ms = [ad.random.normal([2, 2], 70), ad.random.normal([2, 2], 71), ad.random.normal([2, 2], 72)];
    const f = (chain: (xs: Tensor[], op: (a: Tensor, b: Tensor) => Tensor) => Tensor) => (tau: Tensor) => {
      const op = (a: Tensor, b: Tensor) => ad.mul(tau, ad.logsumexp(ad.div(ad.add(ad.expandDims(a, 2), ad.expandDims(b, 0)), tau), 1));
      return ad.sum(chain(ms, op));
    };
    const ours = ad.grad(f((xs, op) => ad.chainProduct(xs, op)))(ad.tensor(0.7));
    const fold = ad.grad(f((xs, op) => xs.reduce(op)))(ad.tensor(0.7));
    expect(ours.item()).toBeCloseTo(fold.item(), 12);
  });

  it('max-plus: the gradient picks the best path', () => {
    const maxPlus = (a: Tensor, b: Tensor) => ad.max(ad.add(ad.expandDims(a, 2), ad.expandDims(b, 0)), 1);
    const a = ad.tensor([[0, 1]]), b = ad.tensor([[2], [0]]);
    expect(ad.chainProduct([a, b], maxPlus).toArray()).toEqual([[2]]);
    const [ga, gb] = ad.grad((x: Tensor, y: Tensor) => ad.sum(ad.chainProduct([x, y], maxPlus)), [0, 1])(a, b) as Tensor[];
    expect(ga!.toArray()).toEqual([[1, 0]]);
    expect(gb!.toArray()).toEqual([[1], [0]]);
  });

  it('rejects a bad operator or an empty chain', () => {
    expect(() => ad.chainProduct([], ad.matmul)).toThrow(ad.InvalidArgumentError);
    expect(() => ad.chainProduct([ad.ones([2, 2]), ad.ones([2, 2])], (() => 3) as unknown as typeof ad.matmul)).toThrow(/must return a Tensor/);
    expect(() => ad.chainProduct([ad.ones([2, 2]), ad.ones([2, 2])], ad.matmul, { recompute: 1 as unknown as boolean })).toThrow(/recompute\?: boolean/);
  });
});

it('the oracle itself: chainRange multiplies in order', () => {
  const a: Mat = [[1, 2]], b: Mat = [[3], [4]];
  expect(chainRange([a, b], 0, 2, 1)).toEqual(matMul(a, b));
});

describe('products inside checkpointed regions', () => {
  it('chainMatmul and chainProduct under checkpoint give the same gradients and HVPs', () => {
    const ms = chainOf([3, 3, 2, 3], 11);
    for (const chain of [(xs: Tensor[]) => ad.chainMatmul(xs), (xs: Tensor[]) => ad.chainProduct(xs, ad.matmul)]) {
      const f = (xs: Tensor[]) => ad.sum(ad.tanh(chain(xs)));
      const plain = ad.grad(f)(ms) as Tensor[];
      const ckpt = ad.grad(ad.checkpoint(f))(ms) as Tensor[];
      plain.forEach((g, i) => expectNear(ckpt[i]!.toFloat64Array(), Array.from(g.data), 1e-14, Array.from(g.data).map(() => 1)));
      const vs = ms.map((m, i) => ad.random.normal(m.shape, 90 + i));
      const h1 = ad.hvp(f, ms, vs) as Tensor[];
      const h2 = ad.hvp(ad.checkpoint(f), ms, vs) as Tensor[];
      h1.forEach((h, i) => expectNear(h2[i]!.toFloat64Array(), Array.from(h.data), 1e-13, Array.from(h.data).map(() => 1)));
    }
  });

  it('prod with zeros inside a scan step that closes over the factors', () => {
    const w = ad.tensor([1.5, 0, -2, 0.5]);
    const run = (checkpoints: ad.Checkpoints) => (x: Tensor) =>
      ad.sum(ad.scan((h: Tensor) => ad.add(ad.mul(h, 0.9), ad.prod(ad.add(x, h))), ad.tensor(0.1), { length: 20, checkpoints }));
    const all = ad.grad(run('all'))(w);
    const two = ad.grad(run(2))(w);
    expectNear(two.toFloat64Array(), Array.from(all.data), 1e-13, Array.from(all.data).map((v) => Math.max(1, Math.abs(v))));
  });
});
