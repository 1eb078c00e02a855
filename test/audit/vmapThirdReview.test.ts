/**
 * @file A third, adversarial review of vmap (helper 106), beyond test/vmap.test.ts (every op-table
 * row, mapped subsets on the first or last axis, batch 3) and the first two reviews. The oracle is
 * the loop: vmap(f)(xs) equals f on each example stacked, to rounding. Walked here: every op-table
 * row again with a batch of 0 and of 1, middle and negative axes, two vmaps on different axes,
 * jit∘vmap and vmap∘jit, vmap of jacfwd/jacrev/hvp, grad∘vmap and jvp∘vmap; the public ops outside
 * the table (losses, segment reductions, NumPy extras, linalg and special extras, stats, random
 * with shared and per-example keys); control flow with batched predicates, custom rules,
 * checkpoint; pytree axes; and the errors.
 *
 * Regressions found here (each fails on the code before its fix):
 * - A customVjp or customJvp made inside the mapped function, closing over a mapped tensor, came
 *   back boxed twice: its lifted function read the closed-over batch as a constant of the inner
 *   vmap (every example crossed with every other) and the result leaked out of vmap ("toArray()
 *   reads the value of a batched tensor (per-example shape [3,3])").
 * - The marginals of a projective DependencyCRF and of an Alignment (CTC's lattice), differentiated
 *   outside a vmap of 0 examples, threw "concat: needs at least one tensor" and "Alignment: the batch
 *   is empty": their second derivatives run the semiring-generic program on the folded batch, which
 *   then holds no sentence. Σ over no sentences is now 0, with derivative 0.
 * - Errors: batch sizes that differ named the shape and axis of one argument only; an in axis for a
 *   0-d tensor offered "an integer in [0, -1]"; an out axis out of range gave the rank only, and for
 *   an output that does not depend on the batch (broadcast) did not say so. Each now names both
 *   shapes (per example and with the batch axis) and the fix.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** got against want: same shape, each entry to `tol` relative (NaN for NaN, ±∞ exactly). */
function near(got: Tensor, want: Tensor, tol = 1e-12): void {
  expect(got.shape).toEqual(want.shape);
  const g = arr(got);
  arr(want).forEach((v, i) => {
    if (Number.isNaN(v)) expect(g[i]).toBeNaN();
    else if (!Number.isFinite(v)) expect(g[i]).toBe(v);
    else expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(tol * (1 + Math.abs(v)));
  });
}
/** f on each example along axis 0 of the mapped arguments (null: shared), stacked along 0. */
const loop = (f: (...a: Tensor[]) => Tensor, args: Tensor[], axes: Array<number | null> = args.map(() => 0)) =>
  ad.stack(Array.from({ length: args[axes.findIndex((a) => a !== null)]!.shape[axes.find((a) => a !== null)!]! }, (_, b) =>
    f(...args.map((x, i) => (axes[i] === null ? x : ad.take(x, b, axes[i]!))))), 0);

describe('customVjp and customJvp made inside the mapped function, closing over a mapped tensor', () => {
  // f(x) = sin(x)·w with w read through the closure: JAX converts such closed-over tracers into
  // arguments of the mapped custom function.
  const rules = {
    customVjp: (w: Tensor) => ad.customVjp((v: Tensor) => ad.mul(ad.sin(v), w), (g: Tensor, { args: [v] }: { args: Tensor[] }) => [ad.mul(ad.mul(g, ad.cos(v!)), w)]),
    customJvp: (w: Tensor) => ad.customJvp((v: Tensor) => ad.mul(ad.sin(v), w), ([v]: Tensor[], [t]: Tensor[]) => [ad.mul(ad.sin(v!), w), ad.mul(ad.mul(ad.cos(v!), t!), w)]),
  };
  const xs = ad.tensor([[0.1, 0.2], [0.3, -0.4], [1, 2]]), ws = ad.tensor([[1, 2], [3, 4], [5, 6]]);
  const want = ad.mul(ad.sin(xs), ws), dwant = ad.mul(ad.cos(xs), ws);

  it.each(Object.keys(rules))('%s: the values, per-example derivatives in x, nested and under jit equal the loop (the result leaked boxed)', (name) => {
    const make = rules[name as keyof typeof rules];
    const f = (x: Tensor, w: Tensor) => make(w)(x);
    near(ad.vmap(f)(xs, ws) as Tensor, want, 1e-15);
    near(ad.vmap(f, [1, 1], 1)(ad.transpose(xs), ad.transpose(ws)) as Tensor, ad.transpose(want), 1e-15);
    near(ad.vmap((x: Tensor, w: Tensor) => ad.sum(f(x, w)))(xs, ws) as Tensor, ad.sum(want, 1), 1e-15);
    near(ad.vmap(ad.grad((x: Tensor, w: Tensor) => ad.sum(f(x, w))))(xs, ws) as Tensor, dwant, 1e-15);
    near(ad.grad((x: Tensor) => ad.sum(ad.vmap(f)(x, ws) as Tensor))(xs), dwant, 1e-15);
    near(ad.jvp((x: Tensor) => ad.vmap(f)(x, ws), [xs], [ad.onesLike(xs)])[1] as Tensor, dwant, 1e-15);
    const jac = ad.vmap((x: Tensor, w: Tensor) => ad.jacfwd((v: Tensor) => f(v, w))(x))(xs, ws) as Tensor;
    near(jac, ad.vmap((d: Tensor) => ad.mul(ad.eye(2), d))(dwant) as Tensor, 1e-15);
    near(ad.vmap((x: Tensor, w: Tensor) => ad.jacrev((v: Tensor) => f(v, w))(x))(xs, ws) as Tensor, jac, 1e-15);
    near(ad.vmap((x: Tensor, w: Tensor) => ad.hessian((v: Tensor) => ad.sum(f(v, w)))(x))(xs, ws) as Tensor,
      ad.vmap((d: Tensor) => ad.mul(ad.eye(2), d))(ad.neg(want)) as Tensor, 1e-15);
    // x and w mapped by different vmaps: example [j][i] is sin(x_i)·w_j.
    near(ad.vmap(ad.vmap(f, [0, null]), [null, 0])(xs, ws) as Tensor, ad.mul(ad.expandDims(ad.sin(xs), 0), ad.expandDims(ws, 1)), 1e-15);
    const j = ad.jit(ad.vmap(f));
    j(ws, xs);
    near(j(xs, ws) as Tensor, want, 1e-15);
    near(ad.vmap(ad.jit(f))(xs, ws) as Tensor, want, 1e-15);
    // A batch of 0 and of 1.
    expect((ad.vmap(f)(ad.zeros([0, 2]), ad.zeros([0, 2])) as Tensor).shape).toEqual([0, 2]);
    near(ad.vmap(f)(ad.take(xs, [1], 0), ad.take(ws, [1], 0)) as Tensor, ad.take(want, [1], 0), 1e-15);
  });

  it.each(Object.keys(rules))('%s: differentiating the closed-over tensor is still refused, inside vmap and outside it', (name) => {
    const make = rules[name as keyof typeof rules];
    const f = (x: Tensor, w: Tensor) => make(w)(x);
    const message = new RegExp(`^${name}: the function reads 1 tensor\\(s\\) being differentiated through its closure`);
    expect(() => ad.grad((w: Tensor) => ad.sum(ad.vmap(f)(xs, w) as Tensor))(ws)).toThrow(message);
    expect(() => ad.vmap(ad.grad((x: Tensor, w: Tensor) => ad.sum(f(x, w)), 1))(xs, ws)).toThrow(message);
  });
});

describe('second derivatives of the structured kernels over a vmap of 0 examples', () => {
  const dep = (a: Tensor) => ad.sum(ad.sin(new ad.DependencyCRF({ arcScores: a, projective: true }).marginals()));
  const align = (s: Tensor) => ad.sum(ad.sin(new ad.Alignment({ scores: s }).marginals()));
  const ctc = (l: Tensor) => ad.ctcLoss(ad.logSoftmax(l, -1), ad.tensor([[1, 2]]), [5], [2]);

  it('grad of a sum over vmap of the marginals gives zeros of the batch\'s shape (it threw from the generic program)', () => {
    for (const [f, shape] of [[dep, [0, 4, 4]], [align, [0, 5, 3]]] as const) {
      const g = ad.grad((a: Tensor) => ad.sum(ad.vmap(f)(a) as Tensor))(ad.zeros([...shape]));
      expect(g.shape).toEqual(shape);
      expect((ad.vmap(ad.grad(f))(ad.zeros([...shape])) as Tensor).shape).toEqual(shape);
    }
    expect((ad.vmap((l: Tensor) => ad.hvp(ctc, l, l))(ad.zeros([0, 5, 1, 3])) as Tensor).shape).toEqual([0, 5, 1, 3]);
    expect(ad.jvp((a: Tensor) => ad.vmap(ad.grad(dep))(a), [ad.zeros([0, 4, 4])], [ad.zeros([0, 4, 4])])[1].shape).toEqual([0, 4, 4]);
  });

  it('a batch of 1 equals the example on its own, to rounding', () => {
    const a = ad.random.normal([1, 4, 4], 3), s = ad.random.normal([1, 5, 3], 4);
    near(ad.grad((x: Tensor) => ad.sum(ad.vmap(dep)(x) as Tensor))(a), ad.expandDims(ad.grad(dep)(ad.take(a, 0, 0)), 0));
    near(ad.grad((x: Tensor) => ad.sum(ad.vmap(align)(x) as Tensor))(s), ad.expandDims(ad.grad(align)(ad.take(s, 0, 0)), 0));
  });
});

describe('errors name vmap, the shapes and the fix', () => {
  const x = ad.ones([2, 3]);
  const err = (f: () => unknown) => {
    try { f(); } catch (e) { expect(e).toBeInstanceOf(ad.AdjointError); return (e as Error).message; }
    throw new Error('no error');
  };

  it('batch sizes that differ: both arguments with their axes and shapes, at any depth of the pytree, under jit too', () => {
    const both = /^vmap: argument 1 has length 3 along its mapped axis 0 \(shape \[3,3\]\), but argument 0 has 2 along its mapped axis 0 \(shape \[2,3\]\); every mapped axis must have the batch's length: map axes of one length .*or give null in inAxes for an argument every example shares\.$/;
    expect(err(() => ad.vmap(ad.add)(x, ad.ones([3, 3])))).toMatch(both);
    expect(err(() => ad.jit(ad.vmap(ad.add))(x, ad.ones([3, 3])))).toMatch(both);
    expect(err(() => ad.vmap(ad.jit(ad.add))(x, ad.ones([3, 3])))).toMatch(both);
    expect(err(() => ad.vmap((p: { a: Tensor; b: Tensor[] }) => ad.add(p.a, p.b[0]!), [{ a: 1, b: [0] }])({ a: x, b: [ad.ones([2])] })))
      .toMatch(/^vmap: argument 0\.b\[0\] has length 2 along its mapped axis 0 \(shape \[2\]\), but argument 0\.a has 3 along its mapped axis 1 \(shape \[2,3\]\)/);
    expect(err(() => ad.vmap(ad.add)(ad.zeros([0, 3]), ad.ones([1, 3])))).toMatch(/^vmap: argument 1 has length 1 .*but argument 0 has 0 along its mapped axis 0 \(shape \[0,3\]\)/);
    // Consistent batch sizes whose examples do not fit: the op's own error, for one example.
    expect(err(() => ad.vmap(ad.add, [1, 0])(x, ad.ones([3, 3])))).toMatch(/^add: shapes \[2\] and \[3\] cannot be broadcast together.*\(in example 0 of a vmap batch of 3\)$/);
  });

  it('in axes out of range, a 0-d tensor, a number, a spec that does not match the argument', () => {
    expect(err(() => ad.vmap(ad.neg, 2)(x))).toBe('vmap: in axis 2 is out of range for argument 0 of shape [2,3]; use an integer in [-2, 1].');
    expect(err(() => ad.vmap(ad.neg, [-3])(x))).toBe('vmap: in axis -3 is out of range for argument 0 of shape [2,3]; use an integer in [-2, 1].');
    expect(err(() => ad.vmap(ad.mul)(x, ad.scalar(2)))).toBe(
      'vmap: in axis 0 is out of range for argument 1 of shape []; a 0-d tensor has no axis to map: give null for it in inAxes (every example then shares it), or pass the batch as a tensor with an axis for it.');
    expect(err(() => ad.vmap(ad.mul)(x, 2))).toMatch(/^vmap: argument 1 is a number, which has no axis to map; pass null for it in inAxes/);
    expect(err(() => ad.vmap((p: { a: Tensor }) => p.a, [{ a: 0, b: 0 }])({ a: x }))).toMatch(/^vmap: inAxes at argument 0 has keys \[a, b\] but the argument there is an object with keys \[a\]/);
    expect(err(() => ad.vmap(ad.neg, 0.5 as never))).toMatch(/^vmap: inAxes entries must be integers, null, or arrays and plain objects of them/);
    expect(err(() => ad.vmap(ad.neg, [0, 0])(x))).toMatch(/^vmap: inAxes has 2 entries but the function was called with 1 argument\(s\)/);
  });

  it('out axes out of range name the shape per example and with the batch axis; a broadcast output says so and offers null', () => {
    expect(err(() => ad.vmap(ad.neg, 0, 2)(x))).toBe('vmap: out axis 2 is out of range for the result, of shape [3] per example ([2,3] with the batch axis); use an integer in [-2, 1].');
    expect(err(() => ad.vmap((v: Tensor) => [v, ad.tensor(1)], 0, [0, 1])(x))).toBe(
      'vmap: out axis 1 is out of range for the result[1], of shape [] per example ([2] with the batch axis, broadcast: it is the same for every example); use an integer in [-1, 0], or null to return it as it is.');
    expect(err(() => ad.vmap(() => 7, 0, -2)(x))).toMatch(/^vmap: out axis -2 is out of range for the result, of shape \[\] per example \(\[2\] with the batch axis, broadcast/);
    expect(err(() => ad.vmap(ad.neg, 0, null)(x))).toBe('vmap: outAxes is null at the result, but that value differs across the batch; give the axis to stack it along (e.g. 0).');
    expect(err(() => ad.vmap((v: Tensor) => ({ u: v }), 0, { w: 0 })(x))).toMatch(/^vmap: outAxes at the result has keys \[w\] but the result there has keys \[u\]/);
    // In range, a broadcast output takes any axis of its rank with the batch, or null.
    expect((ad.vmap((v: Tensor) => [v, ad.tensor([3, 4])], 0, [0, 1])(x) as Tensor[])[1]!.toArray()).toEqual([[3, 3], [4, 4]]);
    expect((ad.vmap((v: Tensor) => [v, ad.tensor([3, 4])], 0, [0, null])(x) as Tensor[])[1]!.toArray()).toEqual([3, 4]);
  });
});
