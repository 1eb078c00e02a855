/**
 * @file Structures mapped by vmap — the per-example loss JAX users write, vmap(lambda e, y:
 * crf(e).log_prob(y)) — against the loop over examples: tags, heads, alignment states and HMM
 * observations as mapped tensors (each example's structure is read per example), values and
 * gradients through the vmap.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const grid = (shape: number[], salt: number) => ad.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(0.7 * i + salt)), shape);
const close = (a: Tensor, b: Tensor) => {
  const x = a.toFloat64Array(), y = b.toFloat64Array();
  expect(a.shape).toEqual(b.shape);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(y[i]!))));
};
/** vmap(f)(xs, ys) against stacking f on each example, and the gradient in xs through both. */
function againstLoop(f: (x: Tensor, y: Tensor) => Tensor, xs: Tensor, ys: Tensor): void {
  const B = xs.shape[0]!;
  const loop = (x: Tensor) => ad.stack(Array.from({ length: B }, (_, b) => f(ad.take(x, b, 0), ad.take(ys, b, 0))), 0);
  close(ad.vmap(f)(xs, ys) as Tensor, loop(xs));
  close(ad.grad((x: Tensor) => ad.sum(ad.square(ad.vmap(f)(x, ys) as Tensor)))(xs), ad.grad((x: Tensor) => ad.sum(ad.square(loop(x))))(xs));
  // Derivatives inside the vmap, each example's own (vmap(grad(score)) of mapped tags gave zeros:
  // the per-example results were boxed at the batch, under grad's boxes): grad, jvp, jit of both.
  const loss = (x: Tensor, y: Tensor) => ad.sum(ad.square(f(x, y)));
  const each = (d: (x: Tensor, y: Tensor) => Tensor) => ad.stack(Array.from({ length: B }, (_, b) => d(ad.take(xs, b, 0), ad.take(ys, b, 0))), 0);
  const perExampleGrad = each((x, y) => ad.grad((z: Tensor) => loss(z, y))(x));
  close(ad.vmap(ad.grad(loss))(xs, ys) as Tensor, perExampleGrad);
  close(ad.jit(ad.vmap(ad.grad(loss)))(xs, ys) as Tensor, perExampleGrad);
  const tangent = (x: Tensor) => ad.cos(ad.mul(x, 3));
  const jvpOf = (x: Tensor, y: Tensor) => ad.jvp((z: Tensor) => loss(z, y), [x], [tangent(x)])[1] as Tensor;
  close(ad.vmap(jvpOf)(xs, ys) as Tensor, each(jvpOf));
}

describe('structures mapped by vmap, against the loop', () => {
  it('forward mode over a vmap with shared transitions carrying the tangent (logMatmul\'s JVP against a shared operand)', () => {
    const E = grid([2, 3, 2], 9), T = grid([2, 2], 10), V = grid([2, 2], 11);
    const lz = (e: Tensor, t: Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: t }).logPartition();
    const loop = (t: Tensor) => ad.stack([0, 1].map((b) => lz(ad.take(E, b, 0), t)), 0);
    close(ad.jvp((t: Tensor) => ad.vmap(lz, [0, null])(E, t) as Tensor, [T], [V])[1] as Tensor, ad.jvp(loop, [T], [V])[1] as Tensor);
    close(ad.hvp((t: Tensor) => ad.sum(ad.vmap(lz, [0, null])(E, t) as Tensor), T, V) as Tensor, ad.hvp((t: Tensor) => ad.sum(loop(t)), T, V) as Tensor);
  });

  it('per example of the vmap that maps the structure: under jacfwd\'s own vmap, and nested vmaps', () => {
    const E = grid([2, 3, 2], 7), T = grid([2, 2], 8), Y = ad.tensor([[0, 1, 1], [1, 1, 0]]);
    const score = (e: Tensor, y: Tensor, t: Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: t }).logProbability(y);
    const each = (f: (e: Tensor, y: Tensor) => Tensor) => ad.stack([0, 1].map((b) => f(ad.take(E, b, 0), ad.take(Y, b, 0))), 0);
    // jacfwd maps its basis tangents by a vmap of its own, inside the one mapping the tags (it read them whole and threw).
    close(ad.vmap(ad.jacfwd(score, 2), [0, 0, null])(E, Y, T) as Tensor, each((e, y) => ad.jacfwd(score, 2)(e, y, T) as Tensor));
    close(ad.vmap(ad.jacrev(score, 2), [0, 0, null])(E, Y, T) as Tensor, each((e, y) => ad.jacrev(score, 2)(e, y, T) as Tensor));
    // Tags mapped by two vmaps: each level per example.
    const E2 = ad.stack([E, ad.neg(E)]), Y2 = ad.stack([Y, ad.tensor([[1, 0, 0], [0, 0, 1]])]);
    const nested = (f: (e: Tensor, y: Tensor, t: Tensor) => Tensor) => ad.vmap(ad.vmap(f, [0, 0, null]), [0, 0, null])(E2, Y2, T) as Tensor;
    const loop2 = (f: (e: Tensor, y: Tensor, t: Tensor) => Tensor) =>
      ad.stack([0, 1].map((a) => ad.stack([0, 1].map((b) => f(ad.take(ad.take(E2, a, 0), b, 0), ad.take(ad.take(Y2, a, 0), b, 0), T)), 0)), 0);
    close(nested(score), loop2(score));
    const gradT = (e: Tensor, y: Tensor, t: Tensor) => ad.grad(score, 2)(e, y, t) as Tensor;
    close(nested(gradT), loop2(gradT));
  });

  it('LinearChainCRF.logProbability and score with mapped tags', () => {
    const T = grid([3, 3], 1);
    const crf = (e: Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: T });
    const tags = ad.tensor([[0, 1, 2, 0], [1, 1, 0, 2], [2, 2, 2, 1]]);
    againstLoop((e, y) => crf(e).logProbability(y), grid([3, 4, 3], 2), tags);
    againstLoop((e, y) => crf(e).score(y), grid([3, 4, 3], 3), tags);
    // A mapped batch of models (one example = a batch of 2 sequences), tags [2, 4] per example.
    againstLoop((e, y) => ad.sum(crf(e).logProbability(y)), grid([2, 2, 4, 3], 4), ad.tensor([[[0, 1, 2, 0], [1, 0, 0, 2]], [[2, 1, 1, 0], [0, 0, 2, 2]]]));
  });

  it('HigherOrderCRF (the tag models) and DependencyCRF with mapped tags and heads', () => {
    const T2 = grid([2, 2, 2], 5);
    againstLoop((e, y) => new ad.HigherOrderCRF({ emissions: e, transitions: T2 }).logProbability(y), grid([2, 4, 2], 6), ad.tensor([[0, 1, 1, 0], [1, 1, 0, 0]]));
    for (const projective of [true, false]) {
      // Heads of words 1…3 (0 is the root): a projective tree in each example.
      againstLoop((s, h) => new ad.DependencyCRF({ arcScores: s, projective, singleRoot: true }).logProbability(h), grid([2, 4, 4], 7), ad.tensor([[2, 0, 2], [0, 1, 2]]));
    }
  });

  it('Alignment states and HMM observations and states, mapped', () => {
    againstLoop((s, a) => new ad.Alignment({ scores: s }).logProbability(a), grid([2, 5, 3], 8), ad.tensor([[0, 1, 1, 2, 2], [0, 0, 1, 1, 2]]));
    const hmm = (e: Tensor) => new ad.HMM({
      initial: ad.logSoftmax(grid([2], 9), -1), transition: ad.logSoftmax(grid([2, 2], 10), -1), emission: ad.logSoftmax(e, -1),
    });
    const xs = ad.tensor([[0, 1, 2, 1], [2, 2, 0, 1]]), zs = ad.tensor([[0, 1, 1, 0], [1, 0, 0, 1]]);
    againstLoop((e, x) => hmm(e).logLikelihood(x), ad.stack([grid([2, 3], 11), grid([2, 3], 12)], 0), xs);
    // Both the states and the observations mapped.
    const e = grid([2, 3], 13);
    const joint = ad.vmap((z: Tensor, x: Tensor) => hmm(e).logJoint(z, x))(zs, xs) as Tensor;
    close(joint, ad.stack([0, 1].map((b) => hmm(e).logJoint(ad.take(zs, b, 0), ad.take(xs, b, 0))), 0));
  });
});
