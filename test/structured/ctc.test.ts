/**
 * @file ctcLoss's log-semiring kernels (src/structured/ctcLog.ts, ctcKernel.ts): against every
 * frame labelling whose collapse is the target (tiny cases), against the Alignment program they
 * replace (values, gradients, JVPs, vmap, jit; 1e-12), with −∞ masks, empty targets, repeated
 * labels and α recomputed between checkpoints. Second order: the op table (test/opTables/structured.ts).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Checkpoints } from 'adjoint';
import { ctcAlignmentLogLikelihood, type CTCParams } from '../../src/structured/ctcLog.js';
import { internal } from '../support/internalTensor.js';
import { fill, seeded } from './draws.js';
import { allClose, close, product, summarize, values } from './structureOracle.js';

/** A batch: logProbs [T, N, C] as one flat array, each sequence's target and frames, and the blank. */
interface Batch { T: number; C: number; lp: number[]; targets: number[][]; frames: number[]; blank: number }

const logProbsOf = (p: Batch) => ad.tensor(p.lp, [p.T, p.targets.length, p.C]);
const loss = (p: Batch, checkpoints: Checkpoints = 'all') => (x: ad.Tensor) =>
  ad.ctcLoss(x, p.targets, p.frames, p.targets.map((y) => y.length), { blank: p.blank, reduction: 'none', checkpoints });
const total = (f: (x: ad.Tensor) => ad.Tensor) => (x: ad.Tensor) => ad.sum(f(x));

/** Merge repeats, then drop blanks: the target a frame labelling stands for. */
const collapse = (pi: number[], blank: number) => pi.filter((k, t) => t === 0 || k !== pi[t - 1]).filter((k) => k !== blank);

/**
 * Per sequence, −log p(target) and ∂/∂ logProbs [T·N·C] by the definition: the sum over every
 * labelling of its frames (C^T_b of them) whose collapse is the target.
 */
function bruteForce(p: Batch) {
  const N = p.targets.length;
  const gradient = new Array<number>(p.T * N * p.C).fill(0);
  const losses = p.targets.map((target, b) => {
    const fits = product(p.frames[b]!, p.C).filter((pi) => { const c = collapse(pi, p.blank); return c.length === target.length && c.every((k, u) => k === target[u]); });
    const cell = (pi: number[]) => pi.map((k, t) => (t * N + b) * p.C + k);
    const o = summarize(fits.map((x) => ({ x, s: cell(x).reduce((a, i) => a + p.lp[i]!, 0) })), cell, p.lp.length);
    o.marginals.forEach((m, i) => { gradient[i]! -= m; });
    return -o.logZ;
  });
  return { losses, gradient };
}

/** The semiring-generic program the kernels replace (ctcLoss's Alignment), as losses [N]. */
function generic(p: Batch, checkpoints: Checkpoints = 'all') {
  const S = 2 * Math.max(0, ...p.targets.map((y) => y.length)) + 1;
  const ext = new Int32Array(p.targets.length * S).fill(p.blank);
  p.targets.forEach((y, b) => y.forEach((k, u) => { ext[b * S + 2 * u + 1] = k; }));
  const params: CTCParams = { S, ext, frames: p.frames, states: p.targets.map((y) => 2 * y.length + 1), checkpoints };
  return (x: ad.Tensor) => ad.neg(ctcAlignmentLogLikelihood(internal(x), params) as unknown as ad.Tensor);
}

/** Random targets of 0 … maxU labels in 0 … C − 1 other than the blank, repeats likely when C is small. */
function batchOf(seed: number, T: number, N: number, C: number, maxU: number, blank: number, forbidden: number): Batch {
  const draw = seeded(seed, { forbidden, real: true });
  let r = seed;
  const next = (n: number) => (r = (r * 1103515245 + 12345) % 2147483648) % n;
  const labels = Array.from({ length: C }, (_, k) => k).filter((k) => k !== blank);
  const targets = Array.from({ length: N }, () => Array.from({ length: next(maxU + 1) }, () => labels[next(labels.length)]!));
  const frames = Array.from({ length: N }, (_, b) => (b === 0 ? T : 1 + next(T)));
  return { T, C, lp: fill(T * N * C, draw), targets, frames, blank };
}

/** The kernel against the program it replaces: losses, gradients and a JVP, to 1e-12. */
function agreesWithGeneric(p: Batch, checkpoints: Checkpoints = 'all') {
  const x = logProbsOf(p), [kernel, program] = [loss(p, checkpoints), generic(p, checkpoints)];
  allClose(values(kernel(x)), values(program(x)), 1e-12);
  allClose(values(ad.grad(total(kernel))(x)), values(ad.grad(total(program))(x)), 1e-12);
  const v = ad.random.normal(x.shape, 3);
  allClose(values(ad.jvp(kernel, [x], [v])[1] as ad.Tensor), values(ad.jvp(program, [x], [v])[1] as ad.Tensor), 1e-12);
}

describe('ctcLoss kernels against every frame labelling (T ≤ 6, C ≤ 3, U ≤ 3)', () => {
  it.each([
    [6, 3, 0, 0], [6, 3, 1, 0], [5, 3, 2, 1 / 8], [6, 2, 0, 0], [4, 3, 0, 1 / 5], [3, 3, 1, 0],
  ])('T=%i, C=%i, blank %i, −∞ with probability %d: a padded batch of 4, losses and gradients', (T, C, blank, forbidden) => {
    for (let seed = 1; seed <= 4; seed++) {
      const p = batchOf(seed * 31 + T * C, T, 4, C, 3, blank, forbidden);
      const o = bruteForce(p);
      for (const checkpoints of ['all', 2] as const) {
        const f = loss(p, checkpoints), x = logProbsOf(p);
        allClose(values(f(x)), o.losses, 1e-12);
        const g = values(ad.grad(total(f))(x));
        // Sequences with no alignment (+∞) have a zero gradient, as the definition's empty sum.
        expect(g.every((v) => Number.isFinite(v))).toBe(true);
        allClose(g, o.gradient, 1e-12);
      }
    }
  });

  it('repeated labels need a blank between them: [1, 1] in 2 frames is impossible (+∞, zero gradient), in 3 frames one alignment', () => {
    const lp = fill(3 * 2 * 3, seeded(5, { forbidden: 0, real: true }));
    const p: Batch = { T: 3, C: 3, lp, targets: [[1, 1], [1, 1]], frames: [2, 3], blank: 0 };
    const at = (t: number, k: number) => lp[(t * 2 + 1) * 3 + k]!;
    const losses = values(loss(p)(logProbsOf(p)));
    expect(losses[0]).toBe(Infinity);
    close(losses[1]!, -(at(0, 1) + at(1, 0) + at(2, 1)), 1e-15);
    const g = values(ad.grad(total(loss(p)))(logProbsOf(p)));
    const want = new Array<number>(18).fill(0);
    for (const [t, k] of [[0, 1], [1, 0], [2, 1]] as const) want[(t * 2 + 1) * 3 + k] = -1;
    allClose(g, want, 0);
    allClose(g, bruteForce(p).gradient, 0);
  });

  it('an empty target is the blank at every frame: log p = Σ_t logProbs[t, blank], gradient −1 there', () => {
    const lp = fill(5 * 2 * 3, seeded(8, { forbidden: 0, real: true }));
    const p: Batch = { T: 5, C: 3, lp, targets: [[], [2]], frames: [4, 5], blank: 1 };
    const losses = values(loss(p)(logProbsOf(p)));
    close(losses[0]!, -[0, 1, 2, 3].reduce((a, t) => a + lp[(t * 2) * 3 + 1]!, 0), 1e-15);
    const g = values(ad.grad(total(loss(p)))(logProbsOf(p)));
    allClose(Array.from({ length: 5 * 3 }, (_, i) => g[(Math.floor(i / 3) * 2) * 3 + (i % 3)]!), Array.from({ length: 5 * 3 }, (_, i) => (i < 12 && i % 3 === 1 ? -1 : 0)), 0);
  });
});

describe('ctcLoss kernels against the Alignment program they replace (values, gradients, JVPs to 1e-12)', () => {
  it('random padded batches (T = 40, C = 6, up to 12 labels with repeats), α kept at every frame or recomputed between checkpoints', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const p = batchOf(seed, 40, 3, 6, 12, seed % 3, 0);
      for (const checkpoints of ['all', 'sqrt', 7, 1] as const) agreesWithGeneric(p, checkpoints);
    }
  });

  it('log-softmax inputs of the bench\'s size (T = 150, C = 30, 40 labels): loss and gradient', () => {
    const T = 150, C = 30;
    const x = ad.logSoftmax(ad.random.normal([T, 1, C], 12), -1);
    const target = Array.from({ length: 40 }, (_, u) => 1 + ((u * 7) % 29));
    const p: Batch = { T, C, lp: values(x), targets: [target], frames: [T], blank: 0 };
    agreesWithGeneric(p);
  });

  it('−∞ masks: forbidden classes, a sequence with an all −∞ frame (log p −∞, zero gradient, no NaN) beside live ones', () => {
    const p = batchOf(11, 12, 4, 4, 4, 0, 1 / 6);
    p.frames[2] = 12;
    for (let k = 0; k < 4; k++) p.lp[(5 * 4 + 2) * 4 + k] = -Infinity; // frame 5 of sequence 2
    const x = logProbsOf(p);
    const losses = values(loss(p)(x));
    expect(losses[2]).toBe(Infinity);
    const g = values(ad.grad(total(loss(p)))(x));
    expect(g.some(Number.isNaN)).toBe(false);
    expect(g.filter((_, i) => Math.floor(i / 4) % 4 === 2).every((v) => v === 0)).toBe(true);
    agreesWithGeneric(p);
    agreesWithGeneric(p, 3);
  });

  it('under vmap (the mapped axis folded into the batch) and jit, equal to the calls one by one', () => {
    const p = batchOf(4, 10, 2, 4, 3, 0, 0);
    const x = logProbsOf(p), y = ad.mul(x, 0.5);
    const f = loss(p), g = ad.grad(total(f));
    allClose(values(ad.vmap(f)(ad.stack([x, y]))), [...values(f(x)), ...values(f(y))], 1e-12);
    allClose(values(ad.vmap(g)(ad.stack([x, y]))), [...values(g(x)), ...values(g(y))], 1e-12);
    const jitted = ad.jit(ad.valueAndGrad(total(f)));
    for (const z of [x, y, x]) {
      const [value, gradient] = jitted(z) as [ad.Tensor, ad.Tensor];
      close(value.item(), ad.sum(f(z)).item(), 1e-12);
      allClose(values(gradient), values(g(z)), 1e-12);
    }
  });
});
