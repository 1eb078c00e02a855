/**
 * @file Regressions found by a differential harness of vmap against a per-example loop stacked with
 * ad.stack (every op-table row and the ops beyond it, random in/out axes, nested vmaps, vmap of grad
 * and grad of vmap, jit of vmap): each test fails on the code before its fix.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** f over each example along `axis`, stacked along 0. */
const loop = (f: (x: Tensor) => Tensor, xs: Tensor, axis = 0) => ad.stack(Array.from({ length: xs.shape[axis]! }, (_, b) => f(ad.take(xs, b, axis))), 0);

describe('HMM under vmap', () => {
  const hmm = (e: Tensor) => new ad.HMM({
    initial: ad.log(ad.tensor([0.6, 0.4])),
    transition: ad.log(ad.tensor([[0.7, 0.3], [0.4, 0.6]])),
    emission: ad.logSoftmax(e, -1),
  });
  const logits = ad.tensor([[[0.1, 0.5, -1], [2, 0, 0.3]], [[1, 1, 1], [0, -2, 0.5]], [[-1, 0.2, 0.7], [0.4, 0.4, -3]]]);

  it('batched parameters: the check that rows are normalised reads every example (it read a box and threw)', () => {
    const ll = (e: Tensor) => hmm(e).logLikelihood([0, 2, 1, 1]);
    expect(arr(ad.vmap(ll, 1)(ad.transpose(logits, [1, 0, 2])) as Tensor)).toEqual(arr(loop(ll, logits)));
    const near = (got: Tensor, want: Tensor) => arr(want).forEach((v, i) => expect(arr(got)[i]).toBeCloseTo(v, 14));
    near(ad.vmap(ad.grad(ll))(logits) as Tensor, loop(ad.grad(ll), logits));
    const unary = (e: Tensor) => hmm(e).posterior([1, 0]).marginals().unary;
    near(ad.vmap(unary)(logits) as Tensor, loop(unary, logits));
  });

  it('an unnormalised example in the batch is still refused, naming the row and the example', () => {
    const emission = ad.stack([ad.logSoftmax(ad.take(logits, 0, 0), -1), ad.take(logits, 1, 0)], 0);
    const make = (e: Tensor) => new ad.HMM({ initial: ad.log(ad.tensor([0.6, 0.4])), transition: ad.log(ad.tensor([[0.7, 0.3], [0.4, 0.6]])), emission: e }).logLikelihood([0]);
    expect(() => ad.vmap(make)(emission)).toThrow(/HMM: emission must hold log-probabilities.*row 0 of example 1 \(under vmap\)/);
  });
});

describe('errors inside vmap name the shapes of one example', () => {
  // The batching rules see the batch's shapes (the batch axis in front, or folded into the rows of
  // a product), which are not the shapes the function written for one example handles.
  it('a shape mismatch names the example shapes, not the batch\'s (or a folded product\'s)', () => {
    expect(() => ad.vmap(ad.matmul, [0, null])(ad.ones([2, 3, 4]), ad.ones([5, 6])))
      .toThrow(/^matmul: shapes \[3,4\] and \[5,6\] do not line up.*\(in example 0 of a vmap batch of 2\)$/);
    expect(() => ad.vmap(ad.add)(ad.ones([2, 3]), ad.ones([2, 4]))).toThrow(/^add: shapes \[3\] and \[4\] cannot be broadcast together/);
    expect(() => ad.vmap(ad.vmap((a: Tensor, b: Tensor) => ad.where(ad.greater(a, 0), a, b)), [1, 0])(ad.ones([3, 2, 2]), ad.ones([2, 3, 5])))
      .toThrow(/^where: shapes \[2\] and \[2\] and \[5\] cannot be broadcast together/);
  });

  it('an index out of range names the example it is in', () => {
    const pick = (x: Tensor, i: Tensor) => ad.take(x, i, 0);
    expect(() => ad.vmap(pick)(ad.ones([3, 4]), ad.tensor([0, 3, 4])))
      .toThrow(/^take: index 4 .*out of range for axis 0 of length 4 \(x of shape \[4\]\).*\(in example 2 of a vmap batch of 3\)$/);
    expect((ad.vmap(pick)(ad.tensor([[1, 2], [3, 4]]), ad.tensor([1, -2])) as Tensor).toArray()).toEqual([2, 3]);
  });
});

describe('random.foldIn under vmap', () => {
  const { random } = ad;
  it('folds in a mapped integer (JAX folds in a traced int32): example i draws with foldIn(key, i)', () => {
    const key = random.key(3);
    const draw = (i: Tensor) => random.normal(random.foldIn(key, i), [2]);
    const got = ad.vmap(draw)(ad.tensor([0, 5, 2])) as Tensor;
    expect(arr(got)).toEqual(arr(ad.stack([0, 5, 2].map((i) => random.normal(random.foldIn(key, i), [2])), 0)));
    // A mapped key and a mapped step, and nested: the key words of each pair.
    const keys = random.keyData(random.split(random.key(1), 2));
    const words = ad.vmap(ad.vmap((k: Tensor, i: Tensor) => random.foldIn(k, i), [null, 0]), [0, null])(keys, ad.tensor([7, 8, 9])) as Tensor;
    expect(words.shape).toEqual([2, 3, 2]);
    expect(words.toArray()).toEqual(random.split(random.key(1), 2).map((k) => [7, 8, 9].map((i) => random.foldIn(k, i).words)));
    expect(random.foldIn(key, ad.tensor(4)).toArray()).toEqual(random.foldIn(key, 4).words);
  });

  it('data given as a tensor must be one integer per example', () => {
    expect(() => random.foldIn(random.key(0), ad.tensor([1, 2]))).toThrow(/^random\.foldIn: data given as a tensor must be 0-d .*got shape \[2\]/);
    expect(() => ad.vmap((i: Tensor) => random.foldIn(random.key(0), i))(ad.tensor([1, 2.5]))).toThrow(/^random\.foldIn: data must be an integer in \[0, 2\^32\), got number 2\.5/);
  });
});

describe('non-projective DependencyCRF under vmap', () => {
  // The Matrix-Tree route (LU or the subtraction-free elimination), the elimination order and the
  // sentences without a tree are read off the scores: per example under vmap (it read a box and threw).
  const close = (got: Tensor, want: Tensor) => {
    expect(got.shape).toEqual(want.shape);
    arr(want).forEach((v, i) => (Number.isFinite(v) ? expect(Math.abs(arr(got)[i]! - v)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(v))) : expect(arr(got)[i]).toBe(v)));
  };
  const base = ad.tensor([[0, 0.5, -0.3, 0.2], [0, 0, 1.1, -0.4], [0, 0.7, 0, 0.9], [0, -0.2, 0.3, 0]]);
  // Example 1: root arcs 40 nats below the word arcs (the elimination route, not LU); example 2: no
  // finite root arc (no tree: log Z = −∞); example 3: word 1 only reachable from the root.
  const rootShift = ad.tensor([[0, 0, 0, 0], [0, -40, -40, -40], [0, -Infinity, -Infinity, -Infinity], [0, 2, -1, 0.5]]);
  const cut = ad.tensor([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  const arcs = ad.stack([0, 1, 2, 3].map((e) => {
    const shiftRow = ad.reshape(ad.take(rootShift, e, 0), [1, 4]);
    const rows = ad.concat([ad.add(ad.slice(base, [0, 0], [1, 4]), shiftRow), ad.slice(base, [1, 0], [3, 4])], 0);
    return e === 3 ? ad.where(ad.tensor([[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]]), -Infinity, ad.add(rows, cut)) : rows;
  }), 0);
  const examples = (f: (a: Tensor) => Tensor, xs: Tensor) => ad.stack([0, 1, 2, 3].map((e) => f(ad.take(xs, e, 0))), 0);

  it.each([false, true])('log Z, marginals and the gradient of a sum, singleRoot %s, against the examples one by one', (singleRoot) => {
    const crf = (a: Tensor) => new ad.DependencyCRF({ arcScores: a, projective: false, singleRoot });
    const logZ = (a: Tensor) => crf(a).logPartition();
    close(ad.vmap(logZ)(arcs) as Tensor, examples(logZ, arcs));
    close(ad.vmap((a: Tensor) => crf(a).marginals(), 2, 1)(ad.transpose(arcs, [1, 2, 0])) as Tensor, ad.transpose(examples((a) => crf(a).marginals(), arcs), [1, 0, 2]));
    const finite = ad.take(arcs, [0, 1, 3], 0);
    close(ad.grad((a: Tensor) => ad.sum(ad.vmap(logZ)(a) as Tensor))(finite), ad.stack([0, 1, 2].map((e) => ad.grad(logZ)(ad.take(finite, e, 0))), 0));
    // Two vmaps over a [2, 2] grid of examples, and jit of vmap.
    const grid = ad.reshape(arcs, [2, 2, 4, 4]);
    close(ad.reshape(ad.vmap(ad.vmap(logZ), 1)(ad.transpose(grid, [1, 0, 2, 3])) as Tensor, [4]), examples(logZ, arcs));
    close(ad.jit(ad.vmap(logZ))(arcs) as Tensor, examples(logZ, arcs));
  });

  it('a batch of sentences (with lengths) per example', () => {
    const pairs = ad.stack([ad.take(arcs, [0, 1], 0), ad.take(arcs, [3, 2], 0)], 0); // [2 examples, 2 sentences, 4, 4]
    const logZ = (a: Tensor) => new ad.DependencyCRF({ arcScores: a, projective: false, singleRoot: true, lengths: [3, 2] }).logPartition();
    close(ad.vmap(logZ)(pairs) as Tensor, ad.stack([logZ(ad.take(pairs, 0, 0)), logZ(ad.take(pairs, 1, 0))], 0));
    close(ad.vmap(ad.grad((a: Tensor) => ad.sum(logZ(a))))(ad.take(pairs, [0], 0)) as Tensor, ad.stack([ad.grad((a: Tensor) => ad.sum(logZ(a)))(ad.take(pairs, 0, 0))], 0));
  });
});

describe('vmap(f, { inAxes, outAxes }): the axes as an options object (JAX\'s keywords)', () => {
  const xs = ad.tensor([[1, 2, 3], [4, 5, 6]]);
  it('reads inAxes and outAxes from it, each defaulting to 0 (the object was read as an axis spec and refused)', () => {
    expect((ad.vmap((x: Tensor) => ad.sum(x), { inAxes: 1 })(xs) as Tensor).toArray()).toEqual([5, 7, 9]);
    expect((ad.vmap((x: Tensor) => ad.mul(x, 2), { inAxes: -1, outAxes: -1 })(xs) as Tensor).toArray()).toEqual([[2, 4, 6], [8, 10, 12]]);
    expect((ad.vmap((x: Tensor) => ad.mul(x, 2), { outAxes: 1 })(xs) as Tensor).toArray()).toEqual([[2, 8], [4, 10], [6, 12]]);
    const affine = (w: Tensor, x: Tensor) => ad.dot(w, x);
    expect((ad.vmap(affine, { inAxes: [null, 0] })(ad.tensor([1, -1, 0]), xs) as Tensor).toArray()).toEqual([-1, -1]);
    // null keeps its meaning: an unmapped argument, an output returned as is.
    const [y, c] = ad.vmap((x: Tensor) => [ad.neg(x), ad.tensor(7)], { outAxes: [0, null] })(xs) as Tensor[];
    expect([y!.shape, c!.toArray()]).toEqual([[2, 3], 7]);
    expect(ad.vmap(ad.grad((x: Tensor) => ad.sum(ad.square(x))), { inAxes: 1, outAxes: 1 })(xs).toArray()).toEqual([[2, 4, 6], [8, 10, 12]]);
  });

  it('with a third argument the object is an axis spec, as before', () => {
    const f = (p: { inAxes: Tensor; outAxes: Tensor }) => ad.add(p.inAxes, p.outAxes);
    const p = { inAxes: ad.ones([2, 3]), outAxes: ad.ones([3, 2]) };
    expect((ad.vmap(f, { inAxes: 0, outAxes: 1 }, 0)(p) as Tensor).toArray()).toEqual([[2, 2, 2], [2, 2, 2]]);
  });
});

describe('a batch of 0 examples', () => {
  it('reaching a solver that runs one example at a time is an AdjointError naming it (it was a TypeError)', () => {
    const fit = (t: Tensor) => ad.argmin((th: Tensor) => ad.sum(ad.square(ad.sub(th, t))), ad.zeros([3]));
    expect(() => ad.vmap(fit)(ad.zeros([0, 3]))).toThrow(ad.AdjointError);
    expect(() => ad.vmap(fit)(ad.zeros([0, 3]))).toThrow(/^vmap: a batch of 0 examples reaches argmin, which runs one example at a time.*skip the call/);
    expect(() => ad.vmap((d: Tensor) => ad.cg((v: Tensor) => ad.mul(d, v), ad.ones([3])).x)(ad.zeros([0, 3]))).toThrow(/^vmap: a batch of 0 examples reaches cg/);
    // What batches by primitives maps an empty batch as JAX does.
    expect((ad.vmap((x: Tensor) => ad.whileLoop((y: Tensor) => ad.greater(ad.sum(y), 1), (y: Tensor) => ad.div(y, 2), x))(ad.zeros([0, 3])) as Tensor).shape).toEqual([0, 3]);
  });
});

describe('structured methods that return JavaScript numbers, under vmap', () => {
  const E = ad.tensor([[[1, 0, 0.5], [0, 2, 0.1], [0.3, 0.2, 0]], [[0, 1, 0], [1, 0, 0], [0, 0, 3]]]);
  const T = ad.tensor([[0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]]);
  const crf = (e: Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: T });

  it('argmax, topk and sample name the method and what batches instead (the error named no method)', () => {
    expect(() => ad.vmap((e: Tensor) => ad.tensor(crf(e).argmax().score))(E))
      .toThrow(/^LinearChainCRF\.argmax: under vmap the model's scores differ per example.*ad\.semirings\.max/);
    expect(() => ad.vmap((e: Tensor) => ad.tensor(crf(e).topk(2).score))(E)).toThrow(/^LinearChainCRF\.topk: under vmap/);
    expect(() => ad.vmap((e: Tensor) => ad.tensor(crf(e).sample(2, 0)[0]!))(E)).toThrow(/^LinearChainCRF\.sample: under vmap/);
    expect(() => ad.vmap((a: Tensor) => ad.tensor(new ad.DependencyCRF({ arcScores: a, projective: true }).argmax().score))(ad.zeros([2, 3, 3])))
      .toThrow(/^DependencyCRF\.argmax: under vmap/);
    const hmm = (e: Tensor) => new ad.HMM({ initial: ad.log(ad.tensor([0.5, 0.5])), transition: ad.log(ad.full([2, 2], 0.5)), emission: ad.logSoftmax(e, -1) });
    expect(() => ad.vmap((e: Tensor) => ad.tensor(hmm(e).viterbi([0, 1]).score))(ad.zeros([2, 2, 3]))).toThrow(/^HMM\.viterbi: under vmap/);
    // What the message points to: the max semiring's sum is the best score, per example.
    const best = ad.vmap((e: Tensor) => crf(e).sum(ad.semirings.max))(E) as Tensor;
    arr(best).forEach((v, b) => expect(v).toBeCloseTo(crf(ad.take(E, b, 0)).argmax().score as number, 12));
    // Unmapped models, and transformations other than vmap, are as before.
    expect(ad.vmap((x: Tensor) => ad.mul(x, crf(ad.take(E, 0, 0)).argmax().score as number))(ad.tensor([1, 2])).toArray()).toEqual([1, 2].map((x) => x * (crf(ad.take(E, 0, 0)).argmax().score as number)));
  });
});

describe('random.key under vmap', () => {
  const { random } = ad;
  it('takes its seed as a 0-d tensor (JAX takes a traced seed): example b gets key(seeds[b])', () => {
    const draw = (s: Tensor) => random.normal(random.key(s), [3]);
    const seeds = [0, 7, -1, 2 ** 40];
    expect(arr(ad.vmap(draw)(ad.tensor(seeds)) as Tensor)).toEqual(arr(ad.stack(seeds.map((s) => random.normal(random.key(s), [3])), 0)));
    expect(random.key(ad.tensor(42)).toArray()).toEqual(random.key(42).words);
    expect(() => random.key(ad.tensor([1, 2]))).toThrow(/^random\.key: the seed given as a tensor must be 0-d/);
    expect(() => ad.vmap((s: Tensor) => random.key(s))(ad.tensor([1, 0.5]))).toThrow(/^random\.key: seed must be an integer, got number 0\.5/);
  });
});

describe('ctcLoss under vmap with targets and lengths that differ per example', () => {
  // Each example's lattice (extended targets, frames, states) folds into the kernels' sequence axis
  // with that example's sequences (it read the mapped targets' values and threw).
  const lp = ad.logSoftmax(ad.random.normal([3, 6, 2, 4], 1), -1); // 3 examples of T 6, N 2, C 4
  const targets = ad.tensor([[[1, 2, 0], [3, 3, 1]], [[2, 0, 0], [1, 2, 3]], [[3, 1, 2], [1, 0, 0]]]);
  const targetLengths = ad.tensor([[2, 3], [1, 3], [3, 1]]);
  const inputLengths = ad.tensor([[6, 5], [4, 6], [6, 6]]);
  const one = (b: number, l: Tensor = ad.take(lp, b, 0), reduction: 'none' | 'mean' = 'mean') =>
    ad.ctcLoss(l, ad.take(targets, b, 0), ad.take(inputLengths, b, 0), ad.take(targetLengths, b, 0), { reduction });
  const near = (got: Tensor, want: Tensor) => {
    expect(got.shape).toEqual(want.shape);
    arr(want).forEach((v, i) => expect(Math.abs(arr(got)[i]! - v)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(v))));
  };

  it('the losses, their gradient (vmap of grad and grad of vmap) and jvp equal the examples one by one', () => {
    const loss = (l: Tensor, t: Tensor, n: Tensor, u: Tensor) => ad.ctcLoss(l, t, n, u, { reduction: 'none' });
    near(ad.vmap(loss)(lp, targets, inputLengths, targetLengths) as Tensor, ad.stack([0, 1, 2].map((b) => one(b, undefined, 'none')), 0));
    const mean = (l: Tensor, t: Tensor, n: Tensor, u: Tensor) => ad.ctcLoss(l, t, n, u);
    near(ad.vmap(mean)(lp, targets, inputLengths, targetLengths) as Tensor, ad.stack([0, 1, 2].map((b) => one(b)), 0));
    const perExample = ad.stack([0, 1, 2].map((b) => ad.grad((l: Tensor) => one(b, l))(ad.take(lp, b, 0))), 0);
    near(ad.vmap(ad.grad(mean))(lp, targets, inputLengths, targetLengths) as Tensor, perExample);
    near(ad.grad((l: Tensor) => ad.sum(ad.vmap(mean)(l, targets, inputLengths, targetLengths) as Tensor))(lp), perExample);
    near(ad.jvp((l: Tensor) => ad.vmap(mean)(l, targets, inputLengths, targetLengths), [lp], [lp])[1] as Tensor,
      ad.stack([0, 1, 2].map((b) => ad.jvp((l: Tensor) => one(b, l), [ad.take(lp, b, 0)], [ad.take(lp, b, 0)])[1] as Tensor), 0));
    // logProbs shared, targets mapped; two vmaps; jit of vmap.
    const shared = ad.take(lp, 0, 0);
    near(ad.vmap(mean, [null, 0, 0, 0])(shared, targets, inputLengths, targetLengths) as Tensor, ad.stack([0, 1, 2].map((b) => one(b, shared)), 0));
    const grid = (x: Tensor) => ad.reshape(ad.concat([x, x], 0), [2, 3, ...x.shape.slice(1)]);
    near(ad.reshape(ad.vmap(ad.vmap(mean))(grid(lp), grid(targets), grid(inputLengths), grid(targetLengths)) as Tensor, [6]),
      ad.stack([0, 1, 2, 0, 1, 2].map((b) => one(b)), 0));
    near(ad.jit(ad.vmap(mean))(lp, targets, inputLengths, targetLengths) as Tensor, ad.stack([0, 1, 2].map((b) => one(b)), 0));
    // An empty batch maps to no losses.
    expect((ad.vmap(loss)(ad.zeros([0, 6, 2, 4]), ad.zeros([0, 2, 3]), ad.zeros([0, 2]), ad.zeros([0, 2])) as Tensor).shape).toEqual([0, 2]);
  });

  it('bad targets name their example; second derivatives, which one lattice program holds, are refused', () => {
    const bad = ad.tensor([[[1, 2, 0], [3, 3, 1]], [[2, 0, 0], [1, 2, 3]], [[3, 0, 2], [1, 0, 0]]]);
    expect(() => ad.vmap((l: Tensor, t: Tensor) => ad.ctcLoss(l, t, [6, 6], [2, 1]))(lp, bad))
      .toThrow(/^ctcLoss: targets of sequence 0 has 0 at position 1, .*\(in example 1 of a vmap batch of 3\)$/);
    const loss = (l: Tensor, t: Tensor, n: Tensor, u: Tensor) => ad.ctcLoss(l, t, n, u);
    expect(() => ad.vmap((l: Tensor, t: Tensor, n: Tensor, u: Tensor) => ad.hvp((x: Tensor) => loss(x, t, n, u), l, l))(lp, targets, inputLengths, targetLengths))
      .toThrow(/^ctcLoss: under vmap with targets or lengths that differ per example, .*second derivatives/);
  });
});
