/**
 * @file Alignment's log semiring on the lattice kernels (ctcKernel.ts with an Alignment's own skips,
 * initial and final states) against the generic forward algorithm they stand for and against
 * enumeration: log Z, marginals, second derivatives, batches with per-item frames and states,
 * checkpoints, vmap and jit.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { fill, seeded } from './draws.js';
import { allClose, close, summarize, values } from './structureOracle.js';
import { alignments, type Lattice } from './enumerate.js';

interface Case { B: number; T: number; S: number; scores: number[]; lengths: number[]; states: number[]; skips: boolean[][]; initialStates: number; finalStates: number }

function randomCase(seed: number): Case {
  let r = seed * 2654435761 % 4294967296;
  const next = (n: number) => (r = (r * 1103515245 + 12345) % 2147483648) % n;
  const B = 1 + next(3), T = 1 + next(7), S = 1 + next(7);
  const draw = seeded(seed, { forbidden: seed % 3 === 0 ? 1 / 6 : 0, real: true });
  return {
    B, T, S, scores: fill(B * T * S, draw),
    lengths: Array.from({ length: B }, () => 1 + next(T)),
    states: Array.from({ length: B }, () => 1 + next(S)),
    skips: Array.from({ length: B }, () => Array.from({ length: S }, () => next(2) === 1)),
    initialStates: 1 + next(5), finalStates: 1 + next(5),
  };
}

const model = (c: Case, scores: ad.Tensor, checkpoints?: ad.Checkpoints) =>
  new ad.Alignment({ scores, lengths: c.lengths, states: c.states, skips: c.skips, initialStates: c.initialStates, finalStates: c.finalStates, checkpoints });
/** The generic program's log Z (an internal method: the declarations leave it out). */
const generic = (m: ad.Alignment) => (m as unknown as { genericLogPartition(): ad.Tensor }).genericLogPartition();
const tensorOf = (c: Case) => ad.tensor(c.scores, [c.B, c.T, c.S]);
const kernelLogZ = (c: Case, checkpoints?: ad.Checkpoints) => (x: ad.Tensor) => ad.sum(ad.where(ad.isfinite(model(c, x, checkpoints).logPartition()), model(c, x, checkpoints).logPartition(), 0));
const genericLogZ = (c: Case) => (x: ad.Tensor) => ad.sum(ad.where(ad.isfinite(generic(model(c, x))), generic(model(c, x)), 0));

describe("Alignment's log semiring: the lattice kernels against the generic program", () => {
  it('80 random lattices (batches, per-item frames and states, skips, 1–5 initial and final states, −∞ scores): log Z, marginals, HVP', () => {
    for (let seed = 1; seed <= 80; seed++) {
      const c = randomCase(seed), x = tensorOf(c);
      const kernel = values(model(c, x).logPartition()), genericZ = values(generic(model(c, x)));
      kernel.forEach((z, b) => (genericZ[b] === -Infinity ? expect(z).toBe(-Infinity) : close(z, genericZ[b]!, 1e-12)));
      allClose(values(model(c, x).marginals()), values(ad.grad(genericLogZ(c))(x) as ad.Tensor), 1e-12);
      const v = ad.tensor(fill(x.size, seeded(seed + 1000, { forbidden: 0, real: true })), x.shape);
      allClose(values(ad.hvp(kernelLogZ(c), x, v) as ad.Tensor), values(ad.hvp(genericLogZ(c), x, v) as ad.Tensor), 1e-10);
    }
  });

  it.each([1, 2, 3, 'sqrt'] as const)('checkpoints %s: the same log Z and marginals as keeping every frame', (checkpoints) => {
    for (let seed = 200; seed < 220; seed++) {
      const c = randomCase(seed), x = tensorOf(c);
      expect(values(model(c, x, checkpoints).logPartition())).toEqual(values(model(c, x).logPartition()));
      expect(values(ad.grad(kernelLogZ(c, checkpoints))(x) as ad.Tensor)).toEqual(values(ad.grad(kernelLogZ(c))(x) as ad.Tensor));
    }
  });

  it('four and five final and initial states (lse over more than three) against enumeration', () => {
    for (const [T, S, initialStates, finalStates] of [[3, 5, 4, 4], [4, 6, 5, 5], [2, 5, 5, 4]] as const) {
      const scores = fill(T * S, seeded(T * S + finalStates, { forbidden: 0, real: true }));
      const skips = Array.from({ length: S }, (_, s) => s % 2 === 0);
      const p: Lattice = { T, S, scores, skips, initialStates, finalStates };
      const all = alignments(p).map((a) => ({ x: a, s: a.reduce((acc, s, t) => acc + scores[t * S + s]!, 0) }));
      const o = summarize(all, (a) => a.map((s, t) => t * S + s), T * S);
      const m = new ad.Alignment({ scores: ad.tensor(scores, [T, S]), skips, initialStates, finalStates });
      close(m.logPartition().item(), o.logZ, 1e-12);
      allClose(values(m.marginals()), o.marginals, 1e-12);
    }
  });

  it('an impossible lattice: log Z = −∞ and a zero gradient, as the generic program', () => {
    const x = ad.tensor([[0, -Infinity, 1], [2, 3, -Infinity]]);
    const m = (y: ad.Tensor) => new ad.Alignment({ scores: y });
    expect(m(x).logPartition().item()).toBe(-Infinity);
    expect(values(ad.grad((y: ad.Tensor) => m(y).logPartition())(x) as ad.Tensor)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('under vmap (scores mapped, the lattice shared) and jit: the per-example values and marginals', () => {
    const c = { ...randomCase(7), B: 1 } as Case;
    const [T, S] = [c.T, c.S];
    const one = (x: ad.Tensor) => new ad.Alignment({ scores: x, skips: c.skips[0], initialStates: c.initialStates, finalStates: c.finalStates }).logPartition();
    const xs = ad.tensor(fill(4 * T * S, seeded(77, { forbidden: 0, real: true })), [4, T, S]);
    const mapped = values(ad.vmap(one)(xs) as ad.Tensor), grads = values(ad.vmap(ad.grad(one))(xs) as ad.Tensor);
    for (let e = 0; e < 4; e++) {
      const x = ad.take(xs, [e], 0).reshape([T, S]);
      close(mapped[e]!, one(x).item(), 1e-13);
      allClose(grads.slice(e * T * S, (e + 1) * T * S), values(ad.grad(one)(x) as ad.Tensor), 1e-13);
    }
    const x0 = ad.take(xs, [0], 0).reshape([T, S]);
    expect(values(ad.jit(ad.grad(one))(x0) as ad.Tensor)).toEqual(values(ad.grad(one)(x0) as ad.Tensor));
  });

  it('runs as the kernels (one primitive for log Z), not the generic program', () => {
    const x = ad.random.normal(ad.random.key(1), [40, 9]);
    const { profile } = ad.profile(() => new ad.Alignment({ scores: x }).logPartition());
    const ops = ad.formatProfile(profile);
    expect(ops).toMatch(/ctcLogLikelihood/);
    expect(ops).not.toMatch(/logsumexp/);
  });
});
