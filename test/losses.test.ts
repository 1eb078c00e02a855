/** @file ad.losses against PyTorch 1.13 (values and autograd gradients, test/lossesReference.py), at logits of ±1e3, to second order, under vmap and jit, and its errors. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference as R } from './lossesReference.js';
import { expectAllClose } from './support/nnChecks.js';

const L = ad.losses;
const t = (v: unknown) => ad.tensor(v as number[][]);
const flat = (v: unknown) => (v as number[][]).flat() as number[];
const P = t(R.P), T = t(R.T), Z = t(R.Z), Zm = t(R.Zm), Yp = t(R.Yp), B = t(R.B), S = t(R.S), LP = t(R.LP);

/** The loss's value and the gradient of its sum in the first argument, against the reference pair. */
function against(f: (x: Tensor) => Tensor, x: Tensor, [value, gradient]: readonly [unknown, unknown], tol = 1e-12): void {
  const v = f(x), want = Array.isArray((value as unknown[])[0]) ? flat(value) : (value as number[]);
  expectAllClose(v, want, tol);
  expectAllClose(ad.grad((y: Tensor) => ad.sum(f(y)))(x), flat(gradient), tol);
}

describe('ad.losses against PyTorch 1.13', () => {
  const cases: Array<[string, (x: Tensor) => Tensor, Tensor, readonly [unknown, unknown]]> = [
    ['l2Loss', (p) => L.l2Loss(p, T), P, R.l2],
    ['squaredError (mse_loss)', (p) => L.squaredError(p, T), P, R.sq],
    ['huberLoss δ = 1 (huber_loss)', (p) => L.huberLoss(p, T), P, R.huber1],
    ['huberLoss δ = 0.7', (p) => L.huberLoss(p, T, 0.7), P, R.huber07],
    ['logCosh', (p) => L.logCosh(p, T), P, R.logcosh],
    ['softmaxCrossEntropy (cross_entropy, probabilities; logits ±1000)', (z) => L.softmaxCrossEntropy(z, Yp), Z, R.sce],
    ['softmaxCrossEntropyWithIntegerLabels (cross_entropy, indices; logits ±1000)', (z) => L.softmaxCrossEntropyWithIntegerLabels(z, R.I as unknown as number[]), Z, R.sceInt],
    ['sigmoidBinaryCrossEntropy (binary_cross_entropy_with_logits; ±1000)', (z) => L.sigmoidBinaryCrossEntropy(z, B), Z, R.bce],
    ['sigmoidFocalLoss α = 0.25, γ = 2', (z) => L.sigmoidFocalLoss(z, B, { alpha: 0.25 }), Zm, R.focal],
    ['sigmoidFocalLoss γ = 1.5, no α', (z) => L.sigmoidFocalLoss(z, B, { gamma: 1.5 }), Zm, R.focalNoAlpha],
    ['hingeLoss', (p) => L.hingeLoss(p, S), P, R.hinge],
    ['cosineSimilarity (cosine_similarity)', (p) => L.cosineSimilarity(p, T), P, R.cos],
    ['klDivergence (kl_div summed over the last axis)', (lp) => L.klDivergence(lp, Yp), LP, R.kl],
  ];
  it.each(cases)('%s', (_, f, x, ref) => against(f, x, ref));

  it('klDivergenceWithLogTargets is klDivergence (PyTorch gives NaN for the zero target; here it contributes 0)', () => {
    expect(R.klLog[0][0]).toBeNaN();
    const logT = ad.log(Yp);
    expectAllClose(L.klDivergenceWithLogTargets(LP, logT), R.kl[0] as unknown as number[], 1e-12);
    expectAllClose(ad.grad((lp: Tensor) => ad.sum(L.klDivergenceWithLogTargets(lp, logT)))(LP), flat(R.klLog[1]), 1e-12);
  });
});

describe('ad.losses: definitions', () => {
  it('cosineDistance is 1 − cosineSimilarity; smoothLabels mixes in the uniform distribution', () => {
    expectAllClose(L.cosineDistance(P, T), (R.cos[0] as readonly number[]).map((c) => 1 - c), 1e-12);
    expectAllClose(L.smoothLabels(ad.tensor([[1, 0, 0, 0]]), 0.2), [0.85, 0.05, 0.05, 0.05], 1e-15);
    expectAllClose(L.softmaxCrossEntropy(Z, L.smoothLabels(ad.oneHot(ad.tensor([1, 0, 2]), 4), 0)),
      [...L.softmaxCrossEntropyWithIntegerLabels(Z, [1, 0, 2]).toFloat64Array()], 1e-15);
  });

  it('targets default to zero (optax targets=None) and huber is l2 inside δ', () => {
    expect(L.squaredError(ad.tensor([3])).toArray()).toEqual([9]);
    expect(L.huberLoss(ad.tensor([0.3, -5]), null, 2).toArray()).toEqual([0.045, 2 * (5 - 1)]);
    expect(L.l2Loss(ad.tensor([0.3])).toArray()).toEqual(L.huberLoss(ad.tensor([0.3])).toArray());
  });

  it('epsilon: a zero vector is NaN with epsilon 0 (as optax), 0 with a positive epsilon, with a finite gradient', () => {
    expect(L.cosineSimilarity(ad.tensor([0, 0]), ad.tensor([1, 0])).item()).toBeNaN();
    expect(L.cosineSimilarity(ad.tensor([0, 0]), ad.tensor([1, 0]), { epsilon: 1e-8 }).item()).toBe(0);
    const g = ad.grad((p: Tensor) => L.cosineSimilarity(p, ad.tensor([1, 0]), { epsilon: 1e-8 }))(ad.tensor([0, 0]));
    expect(g.toArray()).toEqual([1e8, 0]);
  });
});

describe('ad.losses at extreme logits', () => {
  const big = ad.tensor([1000, -1000, 1000, -1000, 0]);
  const labels = ad.tensor([1, 1, 0, 0, 1]);
  it('binary losses: exact values, gradients σ(z) − y, nothing NaN or infinite', () => {
    expect(L.sigmoidBinaryCrossEntropy(big, labels).toArray()).toEqual([0, 1000, 1000, 0, Math.LN2]);
    expect(ad.grad((z: Tensor) => ad.sum(L.sigmoidBinaryCrossEntropy(z, labels)))(big).toArray()).toEqual([0, -1, 1, 0, -0.5]);
    // focal: (1 − pₜ) is 0 or 1 at ±1000, so the loss is 0 or the cross-entropy (times αₜ).
    expect(L.sigmoidFocalLoss(big, labels, { alpha: 0.25 }).toArray()).toEqual([0, 250, 750, 0, 0.25 * Math.LN2 / 4]);
    const g = ad.grad((z: Tensor) => ad.sum(L.sigmoidFocalLoss(z, labels, { alpha: 0.25 })))(big).toFloat64Array();
    expect([...g].every(Number.isFinite)).toBe(true);
    expect([g[0], g[1], g[2], g[3]]).toEqual([0, -0.25, 0.75, 0]);
  });

  it('softmax losses and logCosh: finite values and gradients at ±1000 and with a −∞ logit of label 0', () => {
    const z = ad.tensor([[1000, -1000, -Infinity], [-1000, -1000, 1000]]);
    const y = ad.tensor([[0, 1, 0], [0.5, 0, 0.5]]);
    expect(L.softmaxCrossEntropy(z, y).toArray()).toEqual([2000, 1000]);
    expect(ad.grad((w: Tensor) => ad.sum(L.softmaxCrossEntropy(w, y)))(z).toArray()).toEqual([[1, -1, 0], [-0.5, 0, 0.5]]);
    expect(L.softmaxCrossEntropyWithIntegerLabels(z, [1, 2]).toArray()).toEqual([2000, 0]);
    expect(L.logCosh(ad.tensor([-1000, 1000])).toArray()).toEqual([1000 - Math.LN2, 1000 - Math.LN2]);
    expect(ad.grad((e: Tensor) => ad.sum(L.logCosh(e)))(ad.tensor([-1000, 1000])).toArray()).toEqual([-1, 1]);
    expect(L.klDivergence(ad.tensor([0, -Infinity]), ad.tensor([1, 0])).item()).toBe(0);
  });
});

describe('ad.losses: derivatives in labels and targets of 0', () => {
  // −Σ y·logSoftmax(z) is linear in y and Σ t·(log t − log p) has ∂/∂(log p) = −t: a where around the
  // whole term had made both derivatives 0 where a label or target is 0.
  it('softmaxCrossEntropy: ∂/∂y = −logSoftmax(z) at every label, 0 included (PyTorch, optax)', () => {
    const z = ad.tensor([[2, 0, -1], [0.5, -3, 1]]), y = ad.tensor([[1, 0, 0], [0, 0.25, 0.75]]);
    const want = ad.neg(ad.logSoftmax(z, -1)).toFloat64Array();
    expectAllClose(ad.grad((w: Tensor) => ad.sum(L.softmaxCrossEntropy(z, w)))(y), Array.from(want), 1e-15);
    const [, tangent] = ad.jvp((w: Tensor) => ad.sum(L.softmaxCrossEntropy(z, w)), [y], [ad.tensor([[0, 1, 0], [1, 0, 0]])]);
    expect(tangent.item()).toBeCloseTo(want[1]! + want[3]!, 14);
    // label smoothing's strength α: ∂L/∂α = Σ (y − 1/K)·(−logSoftmax) at α = 0 as just above it
    const smoothed = (a: Tensor) => ad.add(ad.mul(ad.sub(1, a), ad.tensor([[1, 0, 0]])), ad.div(a, 3));
    const dAlpha = (a: number) => ad.grad((al: Tensor) => ad.sum(L.softmaxCrossEntropy(ad.tensor([[2, 0, -1]]), smoothed(al))))(ad.tensor(a)).item();
    expect(dAlpha(0)).toBeCloseTo(dAlpha(1e-12), 9);
    expect(dAlpha(0)).toBeGreaterThan(1.6);
    // the mixed second derivative ∂²L/∂z∂y = −(I − softmax) per row, zero labels included
    const mixed = ad.grad((w: Tensor) => ad.sum(ad.mul(ad.grad((v: Tensor) => ad.sum(L.softmaxCrossEntropy(v, w)))(z), ad.tensor([[1, 0, 0], [0, 1, 0]]))))(y);
    const sm = ad.softmax(z, -1).toArray() as number[][];
    expectAllClose(mixed, [-1 + sm[0]![0]!, sm[0]![0]!, sm[0]![0]!, sm[1]![1]!, -1 + sm[1]![1]!, sm[1]![1]!], 1e-14);
  });

  it('softmaxCrossEntropy: a label of 0 on a −∞ logit still adds 0, its gradients finite', () => {
    const z = ad.tensor([[-Infinity, 0, 1]]), y = ad.tensor([[0, 0.5, 0.5]]);
    expect(Number.isFinite(L.softmaxCrossEntropy(z, y).item())).toBe(true);
    expect(ad.grad((w: Tensor) => ad.sum(L.softmaxCrossEntropy(w, y)))(z).toFloat64Array().every(Number.isFinite)).toBe(true);
    expect(ad.grad((w: Tensor) => ad.sum(L.softmaxCrossEntropy(z, w)))(y).toFloat64Array()[0]).toBe(0);
  });

  it('klDivergence: ∂/∂t = log t + 1 − log p (−∞ at t = 0, as PyTorch), ∂²/∂(log p)∂t = −1 everywhere', () => {
    const lp = ad.log(ad.tensor([[0.2, 0.3, 0.5]])), t0 = ad.tensor([[0.6, 0, 0.4]]);
    const g = ad.grad((w: Tensor) => ad.sum(L.klDivergence(lp, w)))(t0).toFloat64Array();
    expect(g[0]).toBeCloseTo(Math.log(0.6) + 1 - Math.log(0.2), 14);
    expect(g[1]).toBe(-Infinity);
    expect(g[2]).toBeCloseTo(Math.log(0.4) + 1 - Math.log(0.5), 14);
    const mixed = ad.grad((w: Tensor) => ad.sum(ad.grad((l: Tensor) => ad.sum(L.klDivergence(l, w)))(lp)))(t0);
    expect(mixed.toArray()).toEqual([[-1, -1, -1]]);
    expect(L.klDivergence(ad.tensor([[-Infinity, 0]]), ad.tensor([[0, 1]])).toArray()).toEqual([0]);
    expect(ad.grad((l: Tensor) => ad.sum(L.klDivergence(l, ad.tensor([[0, 1]]))))(ad.tensor([[-Infinity, 0]])).toArray()).toEqual([[0, -1]]);
  });
});

describe('ad.losses: second order, vmap and jit', () => {
  const labels = ad.tensor([1, 0, 2]);
  const smooth: Array<[string, (x: Tensor, y: Tensor) => Tensor, Tensor, Tensor]> = [
    ['l2Loss', (p, y) => L.l2Loss(p, y), P, T],
    ['logCosh', (p, y) => L.logCosh(p, y), P, T],
    ['softmaxCrossEntropy', (z, y) => L.softmaxCrossEntropy(z, y), Zm, Yp],
    ['softmaxCrossEntropyWithIntegerLabels', (z, y) => L.softmaxCrossEntropyWithIntegerLabels(z, y), Zm, labels],
    ['sigmoidBinaryCrossEntropy', (z, y) => L.sigmoidBinaryCrossEntropy(z, y), Zm, B],
    ['sigmoidFocalLoss', (z, y) => L.sigmoidFocalLoss(z, y, { alpha: 0.3, gamma: 2 }), ad.div(Zm, 10), B],
    ['cosineSimilarity', (p, y) => L.cosineSimilarity(p, y), P, T],
    ['klDivergence', (lp, y) => L.klDivergence(lp, y), LP, Yp],
    ['huberLoss (away from |e| = δ)', (p, y) => L.huberLoss(p, y, 0.5), P, T],
  ];
  it.each(smooth)('%s: checkGrad to second order', (_, f, x, y) => {
    expect(ad.checkGrad((v: Tensor) => f(v, y), [x], { order: 2 }).ok).toBe(true);
  });

  it.each(smooth)('%s: vmap over rows and jit equal eager', (_, f, x, y) => {
    const eager = f(x, y).toFloat64Array();
    expect(ad.jit(f)(x, y).toFloat64Array()).toEqual(eager);
    // Row losses (last axis reduced) and elementwise losses alike: one row at a time.
    expect(ad.vmap(f)(x, y).toFloat64Array()).toEqual(eager);
    const g = ad.grad((v: Tensor) => ad.sum(f(v, y)))(x).toFloat64Array();
    expect(ad.jit(ad.grad((v: Tensor, w: Tensor) => ad.sum(f(v, w))))(x, y).toFloat64Array()).toEqual(g);
  });

  it('integer labels traced under jit and batched under vmap', () => {
    const f = (z: Tensor, y: Tensor) => L.softmaxCrossEntropyWithIntegerLabels(z, y);
    const want = f(Z, ad.tensor([1, 0, 2])).toArray();
    expect(ad.jit(f)(Z, ad.tensor([1, 0, 2])).toArray()).toEqual(want);
    expect(ad.vmap(f)(Z, ad.tensor([1, 0, 2])).toArray()).toEqual(want);
  });
});

describe('ad.losses: errors name the op, the shapes and the fix', () => {
  it('shape mismatches', () => {
    expect(() => L.squaredError(ad.zeros([2, 3]), ad.zeros([3]))).toThrow(/squaredError: predictions of shape \[2,3\] and targets of shape \[3\] must have the same shape.*broadcastTo/);
    expect(() => L.sigmoidBinaryCrossEntropy(ad.zeros([2]), ad.zeros([3]))).toThrow(ad.ShapeError);
    expect(() => L.softmaxCrossEntropyWithIntegerLabels(ad.zeros([2, 3]), [0, 1, 2])).toThrow(/labels of shape \[3\] must be logits' shape \[2,3\] without its last.*\[2\]; for one-hot/);
    expect(() => L.softmaxCrossEntropy(ad.zeros([]), ad.zeros([]))).toThrow(/softmaxCrossEntropy: logits must have at least 1 axis/);
  });

  it('labels that are not class indices, eagerly and under jit', () => {
    expect(() => L.softmaxCrossEntropyWithIntegerLabels(ad.zeros([2, 3]), [0, 1.5])).toThrow(/softmaxCrossEntropyWithIntegerLabels: label 1.5 .*whole number in \[0, 2\]/);
    expect(() => L.softmaxCrossEntropyWithIntegerLabels(ad.zeros([2, 3]), [0, 3])).toThrow(ad.InvalidArgumentError);
    const jitted = ad.jit((z: Tensor, y: Tensor) => L.softmaxCrossEntropyWithIntegerLabels(z, y));
    jitted(ad.zeros([2, 3]), ad.tensor([0, 1]));
    expect(() => jitted(ad.zeros([2, 3]), ad.tensor([0, 7]))).toThrow(/softmaxCrossEntropyWithIntegerLabels/);
  });

  it('bad options', () => {
    expect(() => L.huberLoss(ad.zeros([1]), null, 0)).toThrow(/huberLoss: delta must be a finite number > 0/);
    expect(() => L.sigmoidFocalLoss(ad.zeros([1]), ad.zeros([1]), { alpha: 2 })).toThrow(/sigmoidFocalLoss: alpha must be a number in \[0, 1\]/);
    expect(() => L.sigmoidFocalLoss(ad.zeros([1]), ad.zeros([1]), { gama: 1 } as never)).toThrow(/sigmoidFocalLoss/);
    expect(() => L.smoothLabels(ad.zeros([2]), -1)).toThrow(/smoothLabels: alpha/);
  });

  it('ctcLoss is the same function as ad.ctcLoss (PyTorch layout)', () => {
    expect(L.ctcLoss).toBe(ad.ctcLoss);
  });
});
