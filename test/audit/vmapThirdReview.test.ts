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
 * - The same functions called on an argument not mapped by the vmap whose value they read (an
 *   ensemble's weights mapped, the input shared) and differentiated outside it — grad, jvp,
 *   jacfwd/jacrev, hessian, or an outer vmap of the input — leaked a box ("a tensor computed inside
 *   vmap was used after vmap returned"): the call was handled at the argument's level, below the
 *   vmap, with the vmap's values inside it. It is now lifted into that vmap (its arguments
 *   broadcast there), as JAX batches the tracers a custom function closes over.
 * - The marginals of a projective DependencyCRF and of an Alignment (CTC's lattice), differentiated
 *   outside a vmap of 0 examples, threw "concat: needs at least one tensor" and "Alignment: the batch
 *   is empty": their second derivatives run the semiring-generic program on the folded batch, which
 *   then holds no sentence. Σ over no sentences is now 0, with derivative 0.
 * - Errors: batch sizes that differ named the shape and axis of one argument only; an in axis for a
 *   0-d tensor offered "an integer in [0, -1]"; an out axis out of range gave the rank only, and for
 *   an output that does not depend on the batch (broadcast) did not say so. Each now names both
 *   shapes (per example and with the batch axis) and the fix. An outAxes array for an object result
 *   (or an object for an array) was handed down whole and refused at a leaf as "a tree, but the
 *   result there is a single value"; it is refused where the structures differ.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { opTable, sample, type Domain } from '../ops.table.js';

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

describe('customVjp and customJvp reading a mapped tensor through the closure, called on an argument the vmap does not map', () => {
  const rules = {
    customVjp: (w: Tensor) => ad.customVjp((v: Tensor) => ad.mul(ad.sin(v), w), (g: Tensor, { args: [v] }: { args: Tensor[] }) => [ad.mul(ad.mul(g, ad.cos(v!)), w)]),
    customJvp: (w: Tensor) => ad.customJvp((v: Tensor) => ad.mul(ad.sin(v), w), ([v]: Tensor[], [t]: Tensor[]) => [ad.mul(ad.sin(v!), w), ad.mul(ad.mul(ad.cos(v!), t!), w)]),
    'the same without a custom rule': (w: Tensor) => (v: Tensor) => ad.mul(ad.sin(v), w),
  };
  const xs = ad.tensor([[0.1, 0.2], [0.3, -0.4], [1, 2]]), ws = ad.tensor([[1, 2], [3, 4]]), x = ad.take(xs, 0, 0);
  const jac = (v: Tensor) => ad.mul(ad.expandDims(ad.cos(v), 0), ws); // d(sin(v)·w_j)/dv, diagonal per j

  it.each(Object.keys(rules))('%s: gradients, tangents, Jacobians and second derivatives in the shared input (they leaked a box)', (name) => {
    const make = rules[name as keyof typeof rules];
    const ensemble = (v: Tensor) => ad.vmap((w: Tensor) => make(w)(v))(ws) as Tensor; // [2 members, 2]
    near(ensemble(x), ad.mul(ad.expandDims(ad.sin(x), 0), ws), 1e-15);
    near(ad.grad((v: Tensor) => ad.sum(ensemble(v)))(x), ad.sum(jac(x), 0), 1e-15);
    near(ad.jvp(ensemble, [x], [ad.ones([2])])[1] as Tensor, jac(x), 1e-15);
    const full = ad.vmap((row: Tensor) => ad.mul(ad.eye(2), row))(jac(x)) as Tensor;
    near(ad.jacfwd(ensemble)(x), full, 1e-15);
    near(ad.jacrev(ensemble)(x), full, 1e-15);
    near(ad.hessian((v: Tensor) => ad.sum(ensemble(v)))(x), ad.mul(ad.eye(2), ad.mul(ad.neg(ad.sin(x)), ad.sum(ws, 0))), 1e-15);
    near(ad.grad((v: Tensor) => ad.sum(ad.grad((u: Tensor) => ad.sum(ensemble(u)))(v)))(x), ad.mul(ad.neg(ad.sin(x)), ad.sum(ws, 0)), 1e-15);
    const j = ad.jit(ad.grad((v: Tensor) => ad.sum(ensemble(v))));
    j(ad.take(xs, 1, 0));
    near(j(x), ad.sum(jac(x), 0), 1e-15);
    // The input mapped by an outer vmap, the weights by the inner one, and the other way round.
    const grid = ad.mul(ad.expandDims(ad.sin(xs), 1), ad.expandDims(ws, 0)); // [3 inputs, 2 members, 2]
    near(ad.vmap(ensemble)(xs) as Tensor, grid, 1e-15);
    near(ad.grad((v: Tensor) => ad.sum(ad.vmap(ensemble)(v) as Tensor))(xs), ad.mul(ad.cos(xs), ad.sum(ws, 0)), 1e-15);
    near(ad.jvp((v: Tensor) => ad.vmap(ensemble)(v), [xs], [ad.onesLike(xs)])[1] as Tensor, ad.mul(ad.expandDims(ad.cos(xs), 1), ad.expandDims(ws, 0)), 1e-15);
    near(ad.grad((v: Tensor) => ad.sum(ad.vmap((w: Tensor) => ad.vmap((u: Tensor) => make(w)(u))(v))(ws) as Tensor))(xs), ad.mul(ad.cos(xs), ad.sum(ws, 0)), 1e-15);
    near(ad.vmap(ad.grad((v: Tensor) => ad.sum(ensemble(v))))(xs) as Tensor, ad.mul(ad.cos(xs), ad.sum(ws, 0)), 1e-15);
    // An empty ensemble.
    near(ad.grad((v: Tensor) => ad.sum(ad.vmap((w: Tensor) => make(w)(v))(ad.zeros([0, 2])) as Tensor))(x), ad.zeros([2]));
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
    expect(err(() => ad.vmap(ad.neg, 0.5 as never))).toMatch(/^vmap: inAxes entries must be integers, null, or arrays, plain objects and registered nodes of them/);
    expect(err(() => ad.vmap(ad.neg, [0, 0])(x))).toMatch(/^vmap: inAxes has 2 entries but the function was called with 1 argument\(s\)/);
  });

  it('out axes out of range name the shape per example and with the batch axis; a broadcast output says so and offers null', () => {
    expect(err(() => ad.vmap(ad.neg, 0, 2)(x))).toBe('vmap: out axis 2 is out of range for the result, of shape [3] per example ([2,3] with the batch axis); use an integer in [-2, 1].');
    expect(err(() => ad.vmap((v: Tensor) => [v, ad.tensor(1)], 0, [0, 1])(x))).toBe(
      'vmap: out axis 1 is out of range for the result[1], of shape [] per example ([2] with the batch axis, broadcast: it is the same for every example); use an integer in [-1, 0], or null to return it as it is.');
    expect(err(() => ad.vmap((_v: Tensor) => 7, 0, -2)(x))).toMatch(/^vmap: out axis -2 is out of range for the result, of shape \[\] per example \(\[2\] with the batch axis, broadcast/);
    expect(err(() => ad.vmap(ad.neg, 0, null)(x))).toBe('vmap: outAxes is null at the result, but that value differs across the batch; give the axis to stack it along (e.g. 0).');
    expect(err(() => ad.vmap((v: Tensor) => ({ u: v }), 0, { w: 0 })(x))).toMatch(/^vmap: outAxes at the result has keys \[w\] but the result there has keys \[u\]/);
    // A tree of axes whose structure differs where the result branches is refused there (it was handed down and refused at a leaf).
    expect(err(() => ad.vmap((v: Tensor) => ({ y: v }), 0, [0])(x))).toBe(
      "vmap: outAxes at the result is an array of 1 but the result there is an object with keys [y]; give outAxes the result's structure (or one number or null for all of it).");
    expect(err(() => ad.vmap((v: Tensor) => ({ y: [v] }), 0, { y: { z: 0 } })(x))).toMatch(/^vmap: outAxes at the result\.y is an object with keys \[z\] but the result there is an array of 1/);
    // In range, a broadcast output takes any axis of its rank with the batch, or null.
    expect((ad.vmap((v: Tensor) => [v, ad.tensor([3, 4])], 0, [0, 1])(x) as Tensor[])[1]!.toArray()).toEqual([[3, 3], [4, 4]]);
    expect((ad.vmap((v: Tensor) => [v, ad.tensor([3, 4])], 0, [0, null])(x) as Tensor[])[1]!.toArray()).toEqual([3, 4]);
  });
});

// ———————————————————————————————————————— the walks ————————————————————————————————————————

/** Differences of got from want (shape, then each entry to 1e-11 relative, NaN for NaN), or null. */
function differs(got: Tensor, want: Tensor, tol = 1e-11): string | null {
  if (got.shape.join() !== want.shape.join() || got.ndim !== want.ndim) return `shape [${got.shape}] for [${want.shape}]`;
  const g = got.toFloat64Array(), w = want.toFloat64Array();
  for (let i = 0; i < w.length; i++) {
    const a = g[i]!, b = w[i]!;
    if (Number.isNaN(b) ? !Number.isNaN(a) : !(a === b || Math.abs(a - b) <= tol * (1 + Math.abs(b)))) return `entry ${i}: ${a} for ${b}`;
  }
  return null;
}
/** The tensor leaves of a result (numbers as 0-d tensors), in order. */
const leavesOf = (x: unknown): Tensor[] =>
  (x instanceof ad.Tensor ? [x] : typeof x === 'number' ? [ad.scalar(x)] : x !== null && typeof x === 'object' ? Object.values(x).flatMap(leavesOf) : []);
/** got's leaves against each example's leaves stacked along `axis` (negative: from the end of the stacked rank). */
function differsStacked(got: unknown, perExample: unknown[], axis = 0, tol?: number): string | null {
  const g = leavesOf(got), per = perExample.map(leavesOf);
  if (per.length === 0) return null;
  if (g.length !== per[0]!.length) return `${g.length} leaves for ${per[0]!.length}`;
  for (let k = 0; k < g.length; k++) {
    const d = differs(g[k]!, ad.stack(per.map((p) => p[k]!), axis < 0 ? per[0]![k]!.ndim + 1 + axis : axis), tol);
    if (d !== null) return `leaf ${k}: ${d}`;
  }
  return null;
}
/** Runs each check, collecting 'label: difference' or 'label: threw …'. */
function collect(checks: Array<[string, () => string | null]>): string[] {
  const found: string[] = [];
  for (const [label, check] of checks) {
    try {
      const d = check();
      if (d !== null) found.push(`${label}: ${d}`);
    } catch (e) {
      found.push(`${label}: threw ${(e as Error).constructor.name}: ${(e as Error).message.slice(0, 240)}`);
    }
  }
  return found;
}

describe('every op-table row: batches of 0 and 1, middle and negative axes, two vmaps, jit; vmap of jacfwd/jacrev, grad and jvp of vmap', () => {
  /** B copies of x along `axis`, perturbed so examples differ (integers stay integers); B = 0 an empty batch. */
  const batchOf = (x: Tensor, axis: number, seed: number, domain: Domain, B: number): Tensor => {
    if (B === 0) return ad.moveaxis(ad.zeros([0, ...x.shape]), 0, axis);
    const example = (b: number) => (b === 0 ? x : domain === 'index' ? ad.add(x, b % 2) : ad.add(x, ad.mul(0.1 * b, ad.random.uniform([...x.shape], seed + b))));
    return ad.stack(Array.from({ length: B }, (_, b) => example(b)), axis);
  };
  const perExample = (f: (...a: Tensor[]) => Tensor, args: Tensor[], axes: Array<number | null>, B: number) =>
    Array.from({ length: B }, (_, b) => f(...args.map((x, i) => (axes[i] === null ? x : ad.take(x, b, axes[i]!)))));
  const cases = opTable.flatMap((row) => row.shapes.map((shapes, k) => ({ row, shapes, k, name: `${row.name} ${JSON.stringify(shapes)}` })));

  it.each(cases)('$name', ({ row, shapes, k }) => {
    const f = row.fn, d = row.domains;
    const args = shapes.map((s, i) => sample(d[i]!, s, 31 * k + 7 * i + 1));
    const y = f(...args);
    const n = args.length;
    const differentiable = !row.zeroGradient && d[0] !== 'index';
    const s = (...a: Tensor[]) => ad.sum(ad.sin(f(...a)));
    const shapeIs = (t: Tensor, want: number[]) => (t.shape.join() === want.join() && t.ndim === want.length ? null : `shape [${t.shape}] for [${want}]`);
    const empty = (i: number) => batchOf(args[i]!, 0, 0, d[i]!, 0);
    const checks: Array<[string, () => string | null]> = [
      ['batch 0', () => shapeIs(ad.vmap(f)(...args.map((_, i) => empty(i))) as Tensor, [0, ...y.shape])],
      ['batch 0 of the first argument on its last axis, out -1', () =>
        shapeIs(ad.vmap(f, args.map((_, i) => (i === 0 ? -1 : null)), -1)(...args.map((a, i) => (i === 0 ? batchOf(a, a.ndim, 0, d[0]!, 0) : a))) as Tensor, [...y.shape, 0])],
      ['batch 0 under jit', () => shapeIs(ad.jit(ad.vmap(f))(...args.map((_, i) => empty(i))) as Tensor, [0, ...y.shape])],
      ['batch 0 inside a vmap of 2', () => shapeIs(ad.vmap(ad.vmap(f))(...args.map((a, i) => batchOf(empty(i), 0, 0, d[i]!, 2))) as Tensor, [2, 0, ...y.shape])],
    ];
    if (differentiable) {
      checks.push(['batch 0: vmap(grad)', () => shapeIs(ad.vmap(ad.grad(s))(...args.map((_, i) => empty(i))) as Tensor, [0, ...args[0]!.shape])]);
      checks.push(['batch 0: grad(vmap)', () => {
        const e = args.map((_, i) => empty(i));
        return shapeIs(ad.grad((x: Tensor) => ad.sum(ad.vmap(s)(x, ...e.slice(1)) as Tensor))(e[0]!), [0, ...args[0]!.shape]);
      }]);
    }
    // Batches of 1 and 2 on a middle axis written negative (the last argument shared), out axis in the middle.
    const inAxes = args.map((a, i) => (i === n - 1 && n > 1 ? null : -(1 + Math.floor((a.ndim + 1) / 2))));
    const at = inAxes.map((ax, i) => (ax === null ? null : ax + args[i]!.ndim + 1));
    const outAxis = Math.floor((y.ndim + 1) / 2);
    checks.push([`batch 1, inAxes ${JSON.stringify(inAxes)}, outAxes ${outAxis}`, () => {
      const xs = args.map((a, i) => (at[i] === null ? a : batchOf(a, at[i]!, 100 + i, d[i]!, 1)));
      return differsStacked(ad.vmap(f, inAxes, outAxis)(...xs), perExample(f, xs, at, 1), outAxis);
    }]);
    checks.push(['vmap(vmap): the first argument mapped by both (inner axis 0, outer its last), the others by the outer on axis 0; out axes -1 and 1', () => {
      const inner = args.map((_, i) => (i === 0 ? 0 : null)), outer = args.map((a, i) => (i === 0 ? a.ndim + 1 : 0));
      const all = [batchOf(batchOf(args[0]!, 0, 7, d[0]!, 3), args[0]!.ndim + 1, 9, d[0]!, 2), ...args.slice(1).map((a, i) => batchOf(a, 0, 50 + i, d[i + 1]!, 2))];
      const want = ad.stack([0, 1].map((o) => ad.stack(perExample(f, all.map((x, i) => ad.take(x, o, outer[i]!)), inner, 3), -1)), 1);
      return differs(ad.vmap(ad.vmap(f, inner, -1), outer, 1)(...all) as Tensor, want);
    }]);
    // A 0-d argument after the first given as a plain number (null in inAxes), the others mapped.
    // (Not the attention row, whose function reads its fourth argument's rank to pick the call.)
    const numbers = args.map((a, i) => i > 0 && a.ndim === 0 && !row.name.startsWith('dotProductAttention'));
    if (numbers.some((b) => b)) {
      checks.push(['0-d arguments as plain numbers', () => {
        const xs = args.map((a, i) => (numbers[i] ? a.item() : batchOf(a, 0, 700 + i, d[i]!, 2)));
        const one = f as (...a: Array<Tensor | number>) => Tensor;
        return differs(ad.vmap(one, args.map((_, i) => (numbers[i] ? null : 0)))(...xs) as Tensor,
          ad.stack([0, 1].map((b) => one(...xs.map((x, i) => (numbers[i] ? x : ad.take(x as Tensor, b, 0))))), 0));
      }]);
    }
    checks.push(['jit(vmap), called again on other values', () => {
      const j = ad.jit(ad.vmap(f));
      j(...args.map((a, i) => batchOf(a, 0, 300 + i, d[i]!, 3)));
      const xs = args.map((a, i) => batchOf(a, 0, 400 + i, d[i]!, 3));
      return differsStacked(j(...xs), perExample(f, xs, xs.map(() => 0), 3));
    }]);
    checks.push(['vmap(jit) of the first argument on axis -1', () => {
      const j = ad.jit(f);
      j(...args);
      const xs = args.map((a, i) => (i === 0 ? batchOf(a, a.ndim, 500, d[0]!, 3) : a));
      return differsStacked(ad.vmap(j, args.map((_, i) => (i === 0 ? -1 : null)))(...xs), perExample(f, xs, args.map((a, i) => (i === 0 ? a.ndim : null)), 3));
    }]);
    // The derivatives (to keep the walk's time) on the first shapes of each row, jacfwd and jacrev in turn.
    if (differentiable && k === 0) {
      const [name, J] = ([['jacfwd', ad.jacfwd], ['jacrev', ad.jacrev]] as const)[opTable.indexOf(row) % 2]!;
      checks.push([`vmap(${name})`, () => {
        const xs = args.map((a, i) => batchOf(a, 0, 600 + i, d[i]!, 2));
        return differsStacked(ad.vmap(J(f))(...xs), perExample(J(f) as (...a: Tensor[]) => Tensor, xs, xs.map(() => 0), 2));
      }]);
      checks.push(['grad(vmap) of the first argument on a middle axis', () => {
        const ax = Math.floor(args[0]!.ndim / 2);
        const x = batchOf(args[0]!, ax, 800, d[0]!, 2), rest = args.slice(1);
        const got = ad.grad((v: Tensor) => ad.sum(ad.vmap(s, args.map((_, i) => (i === 0 ? ax : null)))(v, ...rest) as Tensor))(x);
        return differs(got, ad.stack([0, 1].map((b) => ad.grad(s)(ad.take(x, b, ax), ...rest)), ax));
      }]);
      checks.push(['jvp(vmap)', () => {
        const x = batchOf(args[0]!, 0, 902, d[0]!, 2), t = batchOf(args[0]!, 0, 903, d[0]!, 2);
        const g = (p: Tensor) => ad.vmap(f, args.map((_, i) => (i === 0 ? 0 : null)))(p, ...args.slice(1)) as Tensor;
        const one = (p: Tensor) => f(p, ...args.slice(1));
        return differs(ad.jvp(g, [x], [t])[1] as Tensor, ad.stack([0, 1].map((b) => ad.jvp(one, [ad.take(x, b, 0)], [ad.take(t, b, 0)])[1] as Tensor), 0));
      }]);
    }
    expect(collect(checks)).toEqual([]);
  });
});

/** A seeded generator (mulberry32) of examples. */
function rng(seed: number) {
  let st = seed | 0;
  const next = () => { st = (st + 0x6d2b79f5) | 0; let t = Math.imul(st ^ (st >>> 15), 1 | st); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const fill = (shape: number[], g: () => number) => ad.tensor(Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, g), shape);
  return {
    next, int: (n: number) => Math.floor(next() * n),
    real: (shape: number[]) => fill(shape, () => 2 * next() - 1),
    pos: (shape: number[]) => fill(shape, () => 0.2 + 2 * next()),
    prob: (shape: number[]) => fill(shape, () => 0.05 + 0.9 * next()),
    ints: (shape: number[], n: number) => fill(shape, () => Math.floor(next() * n)),
  };
}
type R = ReturnType<typeof rng>;
type Gen = (r: R) => Tensor;
interface Probe {
  /** Argument indices shared by every example (null in inAxes); the others mapped. */
  shared?: number[];
  /** Check vmap(grad) and grad(vmap) in argument 0. */
  grad?: boolean;
  tol?: number;
  /** A batch of 0 is refused with an AdjointError matching this (a per-example sampler or solver), not run. */
  emptyRefused?: RegExp;
}

/**
 * f mapped against the loop over examples drawn from `gens`: batches of 3 and 1 on axis 0, 2 on each
 * argument's last axis with out axis −1, 0 (shapes), two vmaps (inner axis 0, outer the last), jit of
 * vmap called twice, vmap of jit; with `grad`, vmap(grad) and grad(vmap) in argument 0 of a scalar of
 * the result. The differences found, as strings.
 */
function probe(name: string, f: (...a: any[]) => unknown, gens: Gen[], opts: Probe = {}): string[] {
  const r = rng([...name].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
  const mapped = gens.map((_, i) => !(opts.shared ?? []).includes(i));
  const base = gens.map((g) => g(r));
  const draw = (B: number) => Array.from({ length: B }, () => gens.map((g, i) => (mapped[i] ? g(r) : base[i]!)));
  const stacked = (exs: Tensor[][], i: number, axis: number) =>
    (exs.length === 0 ? ad.moveaxis(ad.zeros([0, ...base[i]!.shape]), 0, axis) : ad.stack(exs.map((e) => e[i]!), axis));
  const batch = (exs: Tensor[][], axis: (i: number) => number = () => 0) => base.map((x, i) => (mapped[i] ? stacked(exs, i, axis(i)) : x));
  const axes0 = base.map((_, i) => (mapped[i] ? 0 : null));
  const tol = opts.tol;
  const checks: Array<[string, () => string | null]> = [];
  for (const B of [3, 1]) {
    checks.push([`batch ${B}`, () => { const exs = draw(B); return differsStacked(ad.vmap(f, axes0)(...batch(exs)), exs.map((e) => f(...e)), 0, tol); }]);
  }
  checks.push(['batch 2 on the last axes, out axis -1', () => {
    const exs = draw(2);
    return differsStacked(ad.vmap(f, base.map((_, i) => (mapped[i] ? -1 : null)), -1)(...batch(exs, (i) => base[i]!.ndim)), exs.map((e) => f(...e)), -1, tol);
  }]);
  checks.push(['batch 0', () => {
    const want = leavesOf(f(...base));
    if (opts.emptyRefused !== undefined) {
      try { ad.vmap(f, axes0)(...batch([])); } catch (e) { return e instanceof ad.AdjointError && opts.emptyRefused.test((e as Error).message) ? null : `refused with ${(e as Error).message}`; }
      return 'not refused';
    }
    const got = leavesOf(ad.vmap(f, axes0)(...batch([])));
    const bad = want.findIndex((w, k) => got[k]?.shape.join() !== [0, ...w.shape].join());
    return bad < 0 && got.length === want.length ? null : `leaf ${bad} of shape [${got[bad]?.shape}] for [0,${want[bad]?.shape}]`;
  }]);
  checks.push(['vmap(vmap)', () => {
    const exs = [draw(3), draw(3)];
    const args = base.map((x, i) => (mapped[i] ? ad.stack(exs.map((e) => stacked(e, i, 0)), x.ndim + 1) : x));
    const inner = ad.vmap(f, axes0) as (...a: Tensor[]) => unknown;
    const got = leavesOf(ad.vmap(inner, base.map((_, i) => (mapped[i] ? -1 : null)))(...args));
    const per = exs.map((e) => e.map((ee) => leavesOf(f(...ee))));
    for (let k = 0; k < got.length; k++) {
      const d = differs(got[k]!, ad.stack(per.map((w) => ad.stack(w.map((p) => p[k]!), 0)), 0), tol);
      if (d !== null) return `leaf ${k}: ${d}`;
    }
    return null;
  }]);
  checks.push(['jit(vmap), called again', () => {
    const j = ad.jit(ad.vmap(f, axes0));
    j(...batch(draw(3)));
    const exs = draw(3);
    return differsStacked(j(...batch(exs)), exs.map((e) => f(...e)), 0, tol);
  }]);
  checks.push(['vmap(jit)', () => {
    const j = ad.jit(f);
    j(...base);
    const exs = draw(3);
    return differsStacked(ad.vmap(j, axes0)(...batch(exs)), exs.map((e) => f(...e)), 0, tol);
  }]);
  if (opts.grad) {
    const s = (...a: Tensor[]): Tensor => leavesOf(f(...a)).reduce((acc: Tensor, t, k) => ad.add(acc, ad.sum(ad.mul(ad.sin(t), 1 + k))), ad.scalar(0));
    const g = ad.grad(s) as (...a: Tensor[]) => Tensor;
    checks.push(['vmap(grad)', () => { const exs = draw(2); return differsStacked(ad.vmap(g, axes0)(...batch(exs)), exs.map((e) => g(...e)), 0, tol); }]);
    checks.push(['grad(vmap)', () => {
      const exs = draw(2), args = batch(exs);
      const got = ad.grad((x: Tensor) => ad.sum(ad.vmap(s, axes0)(x, ...args.slice(1)) as Tensor))(args[0]!);
      const per = exs.map((e) => g(...e));
      return mapped[0] ? differs(got, ad.stack(per, 0), tol) : differs(got, per.reduce((a, b) => ad.add(a, b)), tol);
    }]);
  }
  return collect(checks).map((m) => `${name}, ${m}`);
}

describe('public ops outside the op table, against the loop', () => {
  const K = ad.random.key(5);
  const L = ad.linalg, S = ad.special, St = ad.stats, R = ad.random;
  const spd = (a: Tensor) => ad.add(ad.matmul(a, ad.transpose(a)), ad.eye(a.shape[0]!));
  const nanAbove = (x: Tensor, c: number) => ad.where(ad.greater(x, c), NaN, x);
  const cases: Array<[string, (...a: any[]) => unknown, Gen[], Probe?]> = [
    // ad.losses
    ['losses.l2Loss', ad.losses.l2Loss, [(r) => r.real([3]), (r) => r.real([3])], { grad: true }],
    ['losses.squaredError (no targets)', (a: Tensor) => ad.losses.squaredError(a), [(r) => r.real([2, 3])], { grad: true }],
    ['losses.huberLoss', (a: Tensor, b: Tensor) => ad.losses.huberLoss(a, b, 0.5), [(r) => r.real([4]), (r) => r.real([4])], { grad: true }],
    ['losses.logCosh', ad.losses.logCosh, [(r) => r.real([4]), (r) => r.real([4])], { grad: true }],
    ['losses.softmaxCrossEntropy', ad.losses.softmaxCrossEntropy, [(r) => r.real([2, 3]), (r) => ad.softmax(r.real([2, 3]), -1)], { grad: true }],
    ['losses.softmaxCrossEntropyWithIntegerLabels', ad.losses.softmaxCrossEntropyWithIntegerLabels, [(r) => r.real([2, 3]), (r) => r.ints([2], 3)], { grad: true }],
    ['losses.softmaxCrossEntropyWithIntegerLabels (labels shared)', ad.losses.softmaxCrossEntropyWithIntegerLabels, [(r) => r.real([2, 3]), (r) => r.ints([2], 3)], { grad: true, shared: [1] }],
    ['losses.softmaxCrossEntropyWithIntegerLabels (labels mapped only)', ad.losses.softmaxCrossEntropyWithIntegerLabels, [(r) => r.real([2, 3]), (r) => r.ints([2], 3)], { shared: [0] }],
    ['losses.sigmoidBinaryCrossEntropy', ad.losses.sigmoidBinaryCrossEntropy, [(r) => r.real([4]), (r) => r.prob([4])], { grad: true }],
    ['losses.sigmoidFocalLoss', (a: Tensor, b: Tensor) => ad.losses.sigmoidFocalLoss(a, b, { alpha: 0.25, gamma: 2 }), [(r) => r.real([4]), (r) => r.prob([4])], { grad: true }],
    ['losses.hingeLoss', ad.losses.hingeLoss, [(r) => r.real([4]), (r) => ad.sign(r.real([4]))], { grad: true }],
    ['losses.cosineSimilarity', ad.losses.cosineSimilarity, [(r) => r.real([2, 3]), (r) => r.real([2, 3])], { grad: true }],
    ['losses.cosineDistance', ad.losses.cosineDistance, [(r) => r.real([3]), (r) => r.real([3])], { grad: true }],
    ['losses.klDivergence', ad.losses.klDivergence, [(r) => ad.logSoftmax(r.real([4]), -1), (r) => ad.softmax(r.real([4]), -1)], { grad: true }],
    ['losses.klDivergenceWithLogTargets', ad.losses.klDivergenceWithLogTargets, [(r) => ad.logSoftmax(r.real([4]), -1), (r) => ad.logSoftmax(r.real([4]), -1)], { grad: true }],
    ['losses.smoothLabels', (a: Tensor) => ad.losses.smoothLabels(a, 0.1), [(r) => ad.oneHot(r.ints([2], 3), 3)], { grad: true }],
    // segment reductions: constant ids, ids mapped with the data, ids mapped alone
    ...(['segmentSum', 'segmentMean', 'segmentMax', 'segmentMin', 'segmentProd'] as const).flatMap((op): Array<[string, (...a: any[]) => unknown, Gen[], Probe?]> => [
      [`${op} (constant ids)`, (x: Tensor) => ad[op](x, [0, 2, 0, 1], { numSegments: 3 }), [(r) => r.real([4, 2])], { grad: true }],
      [`${op} (ids mapped, some out of range)`, (x: Tensor, ids: Tensor) => ad[op](x, ids, { numSegments: 3 }), [(r) => r.real([4, 2]), (r) => r.ints([4], 4)], { grad: true }],
      [`${op} (ids mapped alone)`, (x: Tensor, ids: Tensor) => ad[op](x, ids, { numSegments: 3 }), [(r) => r.real([4]), (r) => r.ints([4], 3)], { shared: [0] }],
    ]),
    // NumPy extras beyond the table
    ['fmax', ad.fmax, [(r) => nanAbove(r.real([3]), 0.6), (r) => r.real([3])]],
    ['floorDivide, divmod, modf, frexp', (a: Tensor, b: Tensor) => [ad.floorDivide(a, b), ad.divmod(a, b), ad.modf(a), ad.frexp(a)], [(r) => r.real([3]), (r) => r.pos([3])]],
    ['ldexp', ad.ldexp, [(r) => r.real([3]), (r) => r.ints([3], 4)], { grad: true }],
    ['nextafter', ad.nextafter, [(r) => r.real([3]), (r) => r.real([3])]],
    ['gcd, lcm', (a: Tensor, b: Tensor) => [ad.gcd(a, b), ad.lcm(a, b)], [(r) => r.ints([3], 20), (r) => r.ints([3], 20)]],
    ['rot90, fliplr, rollaxis', (x: Tensor) => [ad.rot90(x, 1), ad.fliplr(x), ad.rollaxis(ad.reshape(x, [1, 2, 3]), 2)], [(r) => r.real([2, 3])], { grad: true }],
    ['nanToNum', (x: Tensor) => ad.nanToNum(ad.log(x)), [(r) => r.real([4])]],
    ['diagflat', (x: Tensor) => ad.diagflat(x, 1), [(r) => r.real([3])], { grad: true }],
    ['arraySplit, hsplit', (x: Tensor, y: Tensor) => [ad.arraySplit(x, 3), ad.hsplit(y, 2)], [(r) => r.real([5]), (r) => r.real([2, 4])], { grad: true }],
    ['append', (x: Tensor, v: Tensor) => [ad.append(x, v), ad.append(x, ad.reshape(ad.slice(v, [0], [2]), [1, 2]), 0)], [(r) => r.real([2, 2]), (r) => r.real([3])], { grad: true }],
    ['insert, delete', (x: Tensor, v: Tensor) => [ad.insert(x, [1, 2], v), ad.delete(x, [0, 2])], [(r) => r.real([4]), (r) => r.real([2])], { grad: true }],
    ['unravelIndex, ravelMultiIndex', (i: Tensor, j: Tensor) => [ad.unravelIndex(ad.add(ad.mul(i, 4), j), [3, 4]), ad.ravelMultiIndex([i, j], [3, 4])], [(r) => r.ints([2], 3), (r) => r.ints([2], 4)]],
    ['trilIndicesFrom', (x: Tensor) => ad.trilIndicesFrom(x), [(r) => r.real([3, 3])]],
    ['histogram (range), histogram2d, histogramdd', (x: Tensor, y: Tensor) => [ad.histogram(x, 4, { range: [-1, 1] }), ad.histogram2d(x, y, 3, { range: [[-1, 1], [-1, 1]] })[0], ad.histogramdd(ad.stack([x, y], 1), 3, { range: [[-1, 1], [-1, 1]] })[0]], [(r) => r.real([6]), (r) => r.real([6])]],
    ['histogram (tensor bins)', (x: Tensor) => ad.histogram(x, ad.tensor([-1, 0, 0.5, 1]))[0], [(r) => r.real([6])]],
    ['bincount (length)', (x: Tensor, w: Tensor) => [ad.bincount(x, { length: 5 }), ad.bincount(x, { weights: w, length: 5 })], [(r) => r.ints([6], 5), (r) => r.real([6])]],
    ['digitize', (x: Tensor, b: Tensor) => [ad.digitize(x, ad.tensor([-0.5, 0, 0.5])), ad.digitize(x, ad.sort(b), true)], [(r) => r.real([5]), (r) => r.real([3])]],
    ['isin, lexsort', (a: Tensor, b: Tensor) => [ad.isin(a, b), ad.lexsort([a, b])], [(r) => r.ints([5], 6), (r) => r.ints([5], 3)]],
    ['diagonal, trace', (x: Tensor) => [ad.diagonal(x, 1), ad.trace(x, -1)], [(r) => r.real([3, 4])], { grad: true }],
    ['floatPower', ad.floatPower, [(r) => r.pos([3]), (r) => r.real([3])], { grad: true }],
    ['broadcastArrays', (a: Tensor, b: Tensor) => ad.broadcastArrays(a, b), [(r) => r.real([3, 1]), (r) => r.real([2])], { grad: true }],
    ['nanprod, nancumsum, nancumprod, nanMaxIndex', (x: Tensor) => [ad.nanprod(nanAbove(x, 0.8), 0), ad.nancumsum(nanAbove(x, 0.8), 1), ad.nancumprod(nanAbove(x, 0.8)), ad.nanMaxIndex(x, 0)], [(r) => r.real([3, 2])], { grad: true }],
    ['ediff1d', (x: Tensor, e: Tensor) => ad.ediff1d(x, e, ad.tensor([9])), [(r) => r.real([4]), (r) => r.real([2])], { grad: true }],
    ['gradient (spacing a number, a tensor)', (x: Tensor, h: Tensor) => [ad.gradient(ad.outer(x, x), 0.5), ad.gradient(x, h, { axis: 0 })], [(r) => r.real([4]), (r) => ad.cumsum(r.pos([4]), 0)], { grad: true }],
    ['unwrap', (x: Tensor) => ad.unwrap(ad.mul(x, 6)), [(r) => r.real([5])], { grad: true }],
    ['select', (c: Tensor, a: Tensor, b: Tensor) => ad.select([ad.greater(c, 0), ad.less(c, -0.5)], [a, b], 7), [(r) => r.real([4]), (r) => r.real([4]), (r) => r.real([4])]],
    ['piecewise (functions, constants)', (x: Tensor) => [ad.piecewise(x, [ad.greater(x, 0)], [(v: Tensor) => ad.square(v), (v: Tensor) => ad.neg(v)]), ad.piecewise(x, [ad.greater(x, 0), ad.less(x, -0.5)], [1, 2, 3])], [(r) => r.real([5])], { grad: true }],
    ['choose (raise, clip)', (a: Tensor, b: Tensor, c: Tensor) => [ad.choose(ad.minimum(a, 1), [b, c]), ad.choose(a, [b, c], 'clip')], [(r) => r.ints([4], 4), (r) => r.real([4]), (r) => r.real([4])]],
    ['compress, resize', (a: Tensor) => [ad.compress(ad.tensor([1, 0, 1]), a, 0), ad.resize(a, [2, 4])], [(r) => r.real([3, 2])], { grad: true }],
    ['polyadd, polymul, polydiv, polyder, polyint', (p: Tensor, q: Tensor, k: Tensor) => [ad.polyadd(p, q), ad.polymul(p, q), ad.polydiv(p, ad.add(q, ad.tensor([2, 0]))), ad.polyder(p, 2), ad.polyint(p, 1, k)], [(r) => r.real([4]), (r) => r.real([2]), (r) => r.real([])], { grad: true }],
    ['polyfit, vander, poly', (x: Tensor, y: Tensor) => [ad.polyfit(ad.add(ad.arange(5), x), y, 2), ad.vander(x, 3), ad.poly(ad.slice(x, [0], [3]))], [(r) => r.real([5]), (r) => r.real([5])], { grad: true, tol: 1e-9 }],
    ['kaiser, i0', (b: Tensor, x: Tensor) => [ad.kaiser(5, b), ad.i0(x)], [(r) => r.pos([]), (r) => r.real([3])], { grad: true }],
    ['applyAlongAxis', (x: Tensor) => ad.applyAlongAxis((v: Tensor) => ad.cumsum(ad.square(v), 0), 1, x), [(r) => r.real([2, 3])], { grad: true }],
    ['block', (a: Tensor, b: Tensor) => ad.block([[a, b], [b, a]]), [(r) => r.real([2, 2]), (r) => r.real([2, 2])], { grad: true }],
    ['takeAlongAxis, putAlongAxis', (x: Tensor, i: Tensor, v: Tensor) => [ad.takeAlongAxis(x, i, 1), ad.putAlongAxis(x, ad.tensor([[0], [2]]), v, 1)], [(r) => r.real([2, 3]), (r) => r.ints([2, 2], 3), (r) => r.real([2, 1])], { grad: true }],
    ['median, quantile, nanquantile, nanmedian, nanvar', (x: Tensor, q: Tensor) => [ad.median(x, 0), ad.quantile(x, q, 0), ad.nanquantile(nanAbove(x, 0.7), 0.3, 0), ad.nanmedian(nanAbove(x, 0.7)), ad.nanvar(nanAbove(x, 0.7), 0)], [(r) => r.real([5, 2]), (r) => r.prob([2])], { grad: true }],
    ['cov, corrcoef, average', (x: Tensor, w: Tensor) => [ad.cov(x), ad.corrcoef(x), ad.average(x, 1, { weights: w })], [(r) => r.real([2, 4]), (r) => r.pos([4])], { grad: true }],
    ['interp, searchsorted', (x: Tensor, xp: Tensor, fp: Tensor) => [ad.interp(x, ad.sort(xp), fp), ad.searchsorted(ad.sort(xp), x)], [(r) => r.real([4]), (r) => r.real([5]), (r) => r.real([5])], { grad: true }],
    ['convolve, correlate', (a: Tensor, b: Tensor) => [ad.convolve(a, b), ad.correlate(a, b, 'same')], [(r) => r.real([5]), (r) => r.real([3])], { grad: true }],
    ['einsum, tensordot, kron, cross', (a: Tensor, b: Tensor) => [ad.einsum('ij,jk->ik', a, ad.transpose(b)), ad.einsum('ii->', ad.slice(a, [0, 0], [2, 2])), ad.tensordot(a, ad.transpose(b), 1), ad.kron(a, b), ad.cross(ad.take(a, 0, 0), ad.take(b, 1, 0))], [(r) => r.real([2, 3]), (r) => r.real([2, 3])], { grad: true }],
    ['meshgrid, oneHot, repeat, tile, roll', (a: Tensor, i: Tensor) => [ad.meshgrid(a, ad.slice(a, [0], [2])), ad.oneHot(i, 4), ad.repeat(a, 2, 0), ad.tile(a, [2, 1]), ad.roll(a, 1, 0)], [(r) => r.real([3]), (r) => r.ints([3], 4)], { grad: true }],
    ['pad (reflect), tril', (x: Tensor) => [ad.pad(x, [[1, 0], [0, 2]], { mode: 'reflect' }), ad.tril(x, -1)], [(r) => r.real([3, 3])], { grad: true }],
    ['countNonzero, all, any, isclose', (x: Tensor, y: Tensor) => [ad.countNonzero(ad.greater(x, 0), 0), ad.all(ad.greater(x, -0.9)), ad.any(ad.greater(x, 0.9), 1), ad.isclose(x, y, { atol: 0.3 })], [(r) => r.real([3, 2]), (r) => r.real([3, 2])]],
    ['standardize, layerNorm, batchNorm (training), groupNorm', (x: Tensor, w: Tensor) => [ad.standardize(x, -1), ad.layerNorm(x, [3], { weight: w, bias: w }), ad.batchNorm(x, null, null, { training: true }), ad.groupNorm(ad.reshape(x, [1, 2, 3]), 2)], [(r) => r.real([2, 3]), (r) => r.real([3])], { grad: true }],
    ['sort descending, topk, gather, scatter', (x: Tensor, i: Tensor) => [ad.sort(x, -1, { descending: true }), ad.topk(x, 2), ad.gather(x, i, 0), ad.scatter(x, i, ad.neg(ad.slice(x, [0], [3])), 0)], [(r) => r.real([5]), (r) => r.ints([3], 5)], { grad: true }],
    ['nonzero and unique with a size', (x: Tensor) => [ad.nonzero(x, { size: 3, fillValue: -1 }), ad.unique(x, { size: 3, fillValue: -1 })], [(r) => r.ints([5], 3)]],
    // linalg, special, stats beyond the table
    ['linalg.expmFrechet', L.expmFrechet, [(r) => r.real([2, 2]), (r) => r.real([2, 2])], { grad: true }],
    ['linalg.matrixRank, cond', (a: Tensor) => [L.matrixRank(a), L.cond(a)], [(r) => r.real([3, 3])]],
    ['linalg.blockDiag, toeplitz', (a: Tensor, c: Tensor) => [L.blockDiag(a, c), L.toeplitz(c, ad.flip(c, 0))], [(r) => r.real([2, 2]), (r) => r.real([3])], { grad: true }],
    ['linalg.choFactor/choSolve, luFactor/luSolve, lu', (a: Tensor, b: Tensor) => [L.choSolve(L.choFactor(spd(a)), b), L.luSolve(L.luFactor(spd(a)), b), L.lu(a)], [(r) => r.real([3, 3]), (r) => r.real([3])], { grad: true, tol: 1e-10 }],
    ['linalg.polar, sqrtm, solveSylvester', (a: Tensor, c: Tensor) => [L.polar(ad.add(a, ad.mul(2, ad.eye(2)))), L.sqrtm(spd(a)), L.solveSylvester(ad.add(a, ad.mul(3, ad.eye(2))), ad.add(c, ad.mul(3, ad.eye(2))), a)], [(r) => r.real([2, 2]), (r) => r.real([2, 2])], { grad: true, tol: 1e-10 }],
    ['linalg.schur, hessenberg', (a: Tensor) => [L.schur(spd(a)), L.hessenberg(a)], [(r) => r.real([3, 3])]],
    ['linalg.multiDot, tensorsolve, vectorNorm, matrixNorm', (a: Tensor, b: Tensor) => [L.multiDot([ad.take(a, 0, 0), a, b]), L.tensorsolve(ad.reshape(ad.add(ad.kron(a, a), ad.mul(4, ad.eye(4))), [2, 2, 4]), ad.reshape(ad.concat([b, b], 0), [2, 2])), L.vectorNorm(b, 3), L.matrixNorm(a, 2)], [(r) => r.real([2, 2]), (r) => r.real([2])], { grad: true, tol: 1e-10 }],
    ['special.gammainc, betainc, multigammaln, polygamma, i1e', (a: Tensor, b: Tensor, p: Tensor) => [S.gammainc(a, b), S.betainc(a, b, p), S.multigammaln(ad.add(a, 2), 3), S.polygamma(2, a), S.i1e(p)], [(r) => r.pos([3]), (r) => r.pos([3]), (r) => r.prob([3])], { grad: true }],
    ['special.zeta (in q)', (q: Tensor, s: Tensor) => S.zeta(s, q), [(r) => r.pos([3]), (r) => ad.add(r.pos([3]), 1.2)], { grad: true }],
    ['special.logsumexp with weights', (x: Tensor, b: Tensor) => S.logsumexp(x, 0, { b }), [(r) => r.real([3]), (r) => r.pos([3])], { grad: true }],
    ['stats.norm, gamma, dirichlet, mvn, t logpdf', (x: Tensor, m: Tensor, c: Tensor) => [St.norm.logpdf(x, m, ad.exp(m)), St.gamma.logpdf(ad.exp(x), ad.exp(m)), St.dirichlet.logpdf(ad.softmax(x, -1), ad.exp(m)), St.multivariateNormal.logpdf(ad.slice(x, [0], [2]), ad.slice(m, [0], [2]), spd(c)), St.t.logpdf(x, ad.add(ad.exp(m), 1))], [(r) => r.real([3]), (r) => r.real([3]), (r) => r.real([2, 2])], { grad: true }],
    ['stats.binom, poisson (counts)', (k: Tensor, p: Tensor) => [St.binom.logpmf(k, 5, p), St.poisson.cdf(k, ad.add(p, 1))], [(r) => r.ints([3], 6), (r) => r.prob([3])]],
    // random: one key, mapped parameters (samplers that read their parameters run per example; refuse a batch of 0)
    ['random.normal (mean mapped)', (m: Tensor) => R.normal(K, [3], m, 2), [(r) => r.real([3])], { grad: true }],
    ['random.multivariateNormal', (m: Tensor, c: Tensor) => R.multivariateNormal(K, m, spd(c), [2]), [(r) => r.real([2]), (r) => r.real([2, 2])], { grad: true }],
    ['random.weibullMin, wald', (s: Tensor, c: Tensor) => [R.weibullMin(K, s, c, [2]), R.wald(K, s, [2])], [(r) => r.pos([2]), (r) => r.pos([2])], { grad: true }],
    ['random.choice (a, without replacement), permutation (x)', (a: Tensor) => [R.choice(K, a, [2], { replace: false }), R.permutation(K, ad.reshape(a, [2, 2]))], [(r) => r.real([4])], { grad: true }],
    ['random.triangular, ball, orthogonal', (l: Tensor) => [R.triangular(K, l, ad.add(l, 1), ad.add(l, 2), [2]), ad.mul(R.ball(K, 3), l), ad.mul(R.orthogonal(K, 3), l)], [(r) => r.real([])], { grad: true }],
    ...([
      ['gamma', (a: Tensor) => R.gamma(K, a, [2])], ['beta', (a: Tensor) => R.beta(K, a, ad.add(a, 1))], ['dirichlet', (a: Tensor) => R.dirichlet(K, a)],
      ['truncatedNormal', (l: Tensor) => R.truncatedNormal(K, l, ad.add(l, 1), [2])], ['t', (d: Tensor) => R.t(K, ad.add(d, 1), [2])],
    ] as const).map(([n, f]): [string, (...a: any[]) => unknown, Gen[], Probe?] => [`random.${n} (parameter mapped)`, f, [(r) => r.pos([2])], { grad: true, emptyRefused: /^vmap: a batch of 0 examples reaches a sampler/ }]),
    ['random.poisson, binomial, geometric, bernoulli, multinomial, categorical, choice (p)', (p: Tensor) => [R.poisson(K, ad.mul(p, 5), [3]), R.binomial(K, 4, p, [3]), R.geometric(K, p, [3]), R.bernoulli(K, p, [3]), R.multinomial(K, 5, ad.softmax(p, -1)), R.categorical(K, p, { shape: [2] }), R.choice(K, 3, [2], { p: ad.softmax(p, -1) })], [(r) => r.prob([3])], { emptyRefused: /^vmap: a batch of 0 examples reaches a sampler/ }],
    // random: a key per example (split keys as a tensor of their words): the loop's draws with each key
    ['random (keys mapped): normal, uniform, gumbel, bits, randint, split, foldIn, split then draw', (k: Tensor) => [R.normal(k, [3]), R.uniform(k, [2, 2], -1, 1), R.gumbel(k, [3]), R.bits(k, [3]), R.randint(k, [3], 0, 10), R.split(k, 3), R.foldIn(k, 7), R.normal(ad.take(R.split(k, 2), 1, 0), [2]), R.exponential(k, [3]), R.laplace(k, [3]), R.rademacher(k, [3])], [(r) => ad.tensor(R.keyData(R.key(r.int(1000))))]],
    ['random (keys mapped): samplers that read their key per example', (k: Tensor) => [R.gamma(k, 2.5, [3]), R.poisson(k, 3, [3]), R.truncatedNormal(k, -1, 1, [3]), R.categorical(k, ad.tensor([0.1, 0.5, -1]), { shape: [4] }), R.choice(k, 5, [3], { replace: false }), R.permutation(k, 5), R.beta(k, 2, 3, [2]), R.dirichlet(k, ad.tensor([1, 2, 3])), R.binomial(k, 10, 0.3, [3]), R.multinomial(k, 5, ad.tensor([0.2, 0.3, 0.5])), R.multivariateNormal(k, ad.zeros([2]), ad.eye(2), [2]), R.orthogonal(k, 3), R.ball(k, 3), R.t(k, 3, [2]), R.chisquare(k, 3, [2]), R.loggamma(k, 0.5, [2]), R.lognormal(k, 1, [2]), R.wald(k, 1, [2]), R.f(k, 3, 4, [2]), R.weibullMin(k, 1, 2, [2]), R.triangular(k, 0, 1, 2, [2])], [(r) => ad.tensor(R.keyData(R.key(r.int(1000))))], { emptyRefused: /^vmap: a batch of 0 examples reaches a sampler/ }],
    ['random (keys and parameters mapped)', (k: Tensor, m: Tensor) => [R.normal(k, [3], m), R.gamma(k, ad.exp(m), [3])], [(r) => ad.tensor(R.keyData(R.key(r.int(1000)))), (r) => r.real([3])], { emptyRefused: /^vmap: a batch of 0 examples reaches a sampler/ }],
    ['random.key of a mapped seed', (s: Tensor) => R.normal(R.key(s), [2]), [(r) => ad.scalar(r.int(100))]],
  ];

  it.each(cases.map(([name, f, gens, opts]) => ({ name, f, gens, opts })))('$name', ({ name, f, gens, opts }) => {
    expect(probe(name, f, gens, opts)).toEqual([]);
  });

  it('what has no one shape under vmap is refused, naming the op and the static-size form', () => {
    const xs = ad.tensor([[0, 1, 1], [2, 0, 0]]);
    expect(() => ad.vmap((x: Tensor) => ad.bincount(x))(xs)).toThrow(/^bincount: under vmap the length of the result depends on each example's values.*pass \{ length \}/);
    expect(() => ad.vmap((x: Tensor) => ad.unique(x))(xs)).toThrow(/^unique: under vmap the length of the result depends on each example's values.*pass \{ size \}/);
    expect(() => ad.vmap((x: Tensor) => ad.trimZeros(x))(xs)).toThrow(/^trimZeros: under vmap the length of the result depends on each example's values/);
  });
});

describe('control flow, custom rules, checkpoint and transformations inside vmap, against the loop', () => {
  const vjpSin = ad.customVjp((x: Tensor) => ad.sin(x), (g: Tensor, { args: [x] }: { args: Tensor[] }) => [ad.mul(g, ad.cos(x!))]);
  const jvpExp = ad.customJvp((x: Tensor) => ad.exp(x), ([x]: Tensor[], [t]: Tensor[]) => { const y = ad.exp(x!); return [y, ad.mul(y, t!)]; });
  type Pair = { a: Tensor; b: Tensor[] };
  const cases: Array<[string, (...a: any[]) => unknown, Gen[], Probe?]> = [
    // cond and switch with a batched predicate: each example takes its own branch
    ['cond, predicate and operand mapped', (p: Tensor, x: Tensor) => ad.cond(ad.greater(p, 0), (v: Tensor) => ad.exp(v), (v: Tensor) => ad.sin(v), x), [(r) => r.real([]), (r) => r.real([3])], { grad: true }],
    ['cond, predicate mapped alone', (x: Tensor, p: Tensor) => ad.cond(ad.greater(p, 0), (v: Tensor) => ad.exp(v), (v: Tensor) => ad.sin(v), x), [(r) => r.real([3]), (r) => r.real([])], { grad: true, shared: [0] }],
    ['cond, a branch returning a constant', (x: Tensor) => ad.cond(ad.greater(ad.sum(x), 0), (v: Tensor) => ad.mul(v, 2), () => ad.zeros([3]), x), [(r) => r.real([3])], { grad: true }],
    ['cond, pytree operands and results', (x: Tensor, y: Tensor) => ad.cond(ad.greater(ad.sum(x), 0),
      (o: Pair) => ({ u: ad.mul(o.a, o.b[0]!), w: [o.a] }), (o: Pair) => ({ u: ad.sub(o.a, o.b[0]!), w: [ad.neg(o.a)] }), { a: x, b: [y] }), [(r) => r.real([2]), (r) => r.real([2])], { grad: true }],
    ['cond, branches reading the operands through their closure', (x: Tensor, y: Tensor) => ad.cond(ad.greater(ad.sum(y), 0), () => ad.exp(x), () => ad.cos(x)), [(r) => r.real([2]), (r) => r.real([2])], { grad: true }],
    ['cond, a NaN in the branch not taken', (x: Tensor) => ad.cond(ad.greater(x, 0), (v: Tensor) => ad.log(v), (v: Tensor) => ad.neg(v), x), [(r) => r.real([])], { grad: true }],
    ['switch, index and operand mapped', (k: Tensor, x: Tensor) => ad.switch(k, [(v: Tensor) => ad.exp(v), (v: Tensor) => ad.sin(v), (v: Tensor) => ad.square(v)], x), [(r) => ad.sub(r.ints([], 5), 1), (r) => r.real([2])]],
    ['switch, index mapped alone', (x: Tensor, k: Tensor) => ad.switch(k, [(v: Tensor) => ad.exp(v), (v: Tensor) => ad.sin(v), (v: Tensor) => ad.square(v)], x), [(r) => r.real([2]), (r) => r.ints([], 3)], { grad: true, shared: [0] }],
    // loops
    ['whileLoop, pytree carry, a count bound read from a mapped value', (x: Tensor, w: Tensor) => ad.whileLoop((c: { i: Tensor; v: Tensor }) => ad.less(c.i, ad.mul(ad.sum(ad.abs(w)), 3)),
      (c: { i: Tensor; v: Tensor }) => ({ i: ad.add(c.i, 1), v: ad.mul(c.v, ad.cos(w)) }), { i: ad.scalar(0), v: x }), [(r) => r.real([2]), (r) => r.real([2])], { grad: true }],
    ['whileLoop, a carry leaf the batch does not reach', (x: Tensor) => ad.whileLoop((c: Tensor[]) => ad.greater(ad.sum(ad.abs(c[0]!)), 0.1), (c: Tensor[]) => [ad.mul(c[0]!, 0.5), ad.add(c[1]!, 1)], [x, ad.scalar(0)]), [(r) => r.real([2])], { grad: true }],
    ['whileLoop, checkpointed', (x: Tensor) => ad.whileLoop((c: Tensor) => ad.greater(ad.sum(ad.abs(c)), 0.1), (c: Tensor) => ad.mul(ad.sin(c), 0.6), x, { checkpoints: 2 }), [(r) => r.real([3])], { grad: true }],
    ['foriLoop', (x: Tensor) => ad.foriLoop(0, 4, (i: number, c: Tensor) => ad.add(ad.mul(c, 0.9), ad.sin(ad.mul(c, i))), x), [(r) => r.real([3])], { grad: true }],
    ['scan, xs mapped and init shared', (xs: Tensor, h: Tensor) => ad.scan((c: Tensor, x: Tensor) => [ad.tanh(ad.add(c, x)), ad.mul(c, x)] as const, h, { xs }), [(r) => r.real([4, 2]), (r) => r.real([2])], { grad: true }],
    ['scan, init mapped and xs shared', (h: Tensor, xs: Tensor) => ad.scan((c: Tensor, x: Tensor) => [ad.tanh(ad.add(c, x)), ad.mul(c, x)] as const, h, { xs }), [(r) => r.real([2]), (r) => r.real([4, 2])], { grad: true, shared: [1] }],
    ['scan, a mapped weight read through the closure, checkpointed', (w: Tensor) => ad.scan((c: Tensor) => [ad.sin(ad.mul(c, w)), c] as const, ad.ones([2]), { length: 3, checkpoints: 2 }), [(r) => r.real([2])], { grad: true }],
    ['scan, pytree xs and ys, no ys', (a: Tensor, b: Tensor) => [ad.scan((c: Tensor, x: { a: Tensor; b: Tensor }) => [ad.add(c, ad.mul(x.a, x.b)), { s: ad.sin(c) }] as const, ad.scalar(0), { xs: { a, b } }),
      ad.scan((c: Tensor, x: Tensor) => [ad.add(c, x), null] as const, ad.scalar(0), { xs: a })[0]], [(r) => r.real([3]), (r) => r.real([3])], { grad: true }],
    ['associativeScan, pytree elements', (a: Tensor, b: Tensor) => ad.associativeScan((p: { a: Tensor; b: Tensor }, q: { a: Tensor; b: Tensor }) => ({ a: ad.mul(p.a, q.a), b: ad.add(ad.mul(q.a, p.b), q.b) }), { a, b }), [(r) => r.real([4]), (r) => r.real([4])], { grad: true }],
    // custom rules, checkpoint, jit inside
    ['customVjp, customJvp', (x: Tensor) => [vjpSin(x), jvpExp(x)], [(r) => r.real([3])], { grad: true }],
    ['customVjp and customJvp made inside, closing over a mapped tensor', (x: Tensor, w: Tensor) => [ad.customVjp((v: Tensor) => ad.mul(v, w), (g: Tensor) => [ad.mul(g, w)])(x),
      ad.customJvp((v: Tensor) => ad.mul(ad.sin(v), w), ([v]: Tensor[], [t]: Tensor[]) => [ad.mul(ad.sin(v!), w), ad.mul(ad.mul(ad.cos(v!), t!), w)])(x)], [(r) => r.real([3]), (r) => r.real([3])], { grad: true }],
    ['checkpoint, its function reading a mapped tensor through the closure', (x: Tensor, w: Tensor) => [ad.checkpoint((v: Tensor, u: Tensor) => ad.sum(ad.exp(ad.mul(ad.sin(v), u))))(x, w), ad.checkpoint((v: Tensor) => ad.mul(ad.exp(v), w))(x)], [(r) => r.real([3]), (r) => r.real([3])], { grad: true }],
    ['jit inside, its function reading a mapped tensor through the closure', (x: Tensor, w: Tensor) => [ad.jit((v: Tensor, u: Tensor) => ad.tanh(ad.mul(v, u)))(x, w), ad.jit((v: Tensor) => ad.tanh(ad.mul(v, w)))(x)], [(r) => r.real([3]), (r) => r.real([3])], { grad: true }],
    // transformations inside
    ['jacfwd, jacrev, hessian inside', (x: Tensor) => [ad.jacfwd((v: Tensor) => ad.sin(ad.mul(v, ad.sum(v))))(x), ad.jacrev((v: Tensor) => ad.sin(ad.mul(v, ad.sum(v))))(x), ad.hessian((v: Tensor) => ad.sum(ad.exp(ad.mul(v, ad.sum(v)))))(x)], [(r) => r.real([2])], { grad: true }],
    ['jvp, vjp, linearize, valueAndGrad inside', (x: Tensor, t: Tensor) => [ad.jvp((v: Tensor) => ad.sin(v), [x], [t]), ad.vjp((v: Tensor) => ad.sin(ad.mul(v, v)), x)[1](t), ad.linearize((v: Tensor) => ad.exp(ad.sin(v)), x)[1](t), ad.valueAndGrad((v: Tensor) => ad.sum(ad.exp(v)))(x)], [(r) => r.real([3]), (r) => r.real([3])], { grad: true }],
    ['vmap inside: a mapped closure, out axis 1', (x: Tensor, w: Tensor) => [ad.vmap((v: Tensor) => ad.mul(v, w))(x), ad.vmap((v: Tensor) => ad.stack([v, ad.sin(v)], 0), 0, 1)(x)], [(r) => r.real([2, 3]), (r) => r.real([3])], { grad: true }],
    ['root with a shared start', (a: Tensor) => ad.root((x: Tensor) => ad.sub(ad.pow(x, 3), a), ad.tensor(1.5)), [(r) => r.pos([])], { grad: true, tol: 1e-9, emptyRefused: /^vmap: a batch of 0 examples reaches root/ }],
  ];
  it.each(cases.map(([name, f, gens, opts]) => ({ name, f, gens, opts })))('$name', ({ name, f, gens, opts }) => {
    expect(probe(name, f, gens, opts)).toEqual([]);
  });
});

describe('structured models: log-partitions, marginals, entropies, against the loop', () => {
  const lc = (e: Tensor, t: Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: t });
  const hmm = (e: Tensor, t: Tensor) => new ad.HMM({ initial: ad.logSoftmax(ad.zeros([2]), -1), transition: ad.logSoftmax(t, -1), emission: ad.logSoftmax(e, -1) });
  const cases: Array<[string, (...a: any[]) => unknown, Gen[], Probe?]> = [
    ['LinearChainCRF logPartition, marginals, entropy, max semiring, crossEntropy', (e: Tensor, t: Tensor) => [lc(e, t).logPartition(), lc(e, t).marginals(), lc(e, t).entropy(), lc(e, t).sum(ad.semirings.max), lc(e, t).crossEntropy(lc(ad.mul(e, 2), t))], [(r) => r.real([4, 3]), (r) => r.real([3, 3])], { grad: true }],
    ['LinearChainCRF, a batch with lengths per example', (e: Tensor, t: Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: t, lengths: [3, 1] }).marginals(), [(r) => r.real([2, 3, 2]), (r) => r.real([2, 2])], { grad: true }],
    ['LinearChainCRF, k-best scores', (e: Tensor, t: Tensor) => lc(e, t).sum(ad.semirings.kmax(2)), [(r) => r.real([4, 3]), (r) => r.real([3, 3])]],
    ['HigherOrderCRF, VariableOrderCRF', (e: Tensor, t: Tensor, w: Tensor) => [new ad.HigherOrderCRF({ emissions: e, transitions: t }).marginals(), new ad.VariableOrderCRF({ emissions: e, contexts: [[0], [1], [0, 1], [1, 1, 0]], weights: w }).logPartition()], [(r) => r.real([4, 2]), (r) => r.real([2, 2, 2]), (r) => r.real([4])], { grad: true }],
    ['SemiMarkovCRF', (s: Tensor, t: Tensor) => new ad.SemiMarkovCRF({ segments: s, transitions: t }).marginals(), [(r) => r.real([4, 2, 2]), (r) => r.real([2, 2])], { grad: true }],
    ['PCFG, TreeCRF', (t: Tensor, g: Tensor, sp: Tensor) => [new ad.PCFG({ terminals: t, rules: g }).logPartition(), new ad.TreeCRF({ spans: sp }).marginals()], [(r) => r.real([3, 2]), (r) => r.real([2, 2, 2]), (r) => r.real([3, 3, 1])], { grad: true }],
    ['DependencyCRF projective and not, a batch with lengths', (a: Tensor, b: Tensor) => [new ad.DependencyCRF({ arcScores: a, projective: true }).marginals(), new ad.DependencyCRF({ arcScores: a, projective: false }).marginals(), new ad.DependencyCRF({ arcScores: b, projective: true, lengths: [3, 2] }).logPartition()], [(r) => r.real([4, 4]), (r) => r.real([2, 4, 4])], { grad: true }],
    ['Alignment, ctcLoss', (s: Tensor, l: Tensor) => [new ad.Alignment({ scores: s }).marginals(), ad.ctcLoss(ad.logSoftmax(l, -1), ad.tensor([[1, 2]]), [5], [2])], [(r) => r.real([5, 3]), (r) => r.real([5, 1, 3])], { grad: true }],
    ['HMM logLikelihood, posterior marginals', (e: Tensor, t: Tensor) => [hmm(e, t).logLikelihood([0, 2, 1]), hmm(e, t).posterior([0, 2, 1]).marginals().unary], [(r) => r.real([2, 3]), (r) => r.real([2, 2])], { grad: true }],
    ['PairwiseMRF, loopy BP', (u: Tensor, p: Tensor) => new ad.PairwiseMRF({ unary: u, edges: [[0, 1], [1, 2], [2, 0]], pairwise: p }).logPartition({ method: 'bp', tol: 1e-12 }), [(r) => r.real([3, 2]), (r) => r.real([2, 2])], { grad: true, tol: 1e-8 }],
  ];
  it.each(cases.map(([name, f, gens, opts]) => ({ name, f, gens, opts })))('$name', ({ name, f, gens, opts }) => {
    expect(probe(name, f, gens, opts)).toEqual([]);
  });
});

describe('pytree axes: nested dicts and arrays, null and numbers among the leaves, outputs broadcast', () => {
  const A = ad.tensor([[1, 2, 3], [4, 5, 6]]);
  type P = { w: Tensor; b: [Tensor, { c: Tensor }] };
  const f = (p: P, x: Tensor, k: number) => ({ y: ad.add(ad.mul(p.w, x), p.b[1].c), z: [ad.sum(p.b[0]), k], n: null });
  const p: P = { w: ad.tensor([1, 10, 100]), b: [ad.tensor([[1, 2], [3, 4], [5, 6]]), { c: ad.tensor([7, 8, 9]) }] };
  const example = (i: number) => f({ w: p.w, b: [ad.take(p.b[0], i, 1), p.b[1]] }, ad.take(A, i, 0), 5);

  it('inAxes per leaf (null, 1, a number argument) and outAxes per leaf (1, 0, null) equal the loop', () => {
    const got = ad.vmap(f, [{ w: null, b: [1, { c: null }] }, 1, null], { y: 1, z: [0, null], n: 0 })(p, ad.transpose(A), 5) as { y: Tensor; z: [Tensor, number]; n: null };
    near(got.y, ad.stack([0, 1].map((i) => example(i).y), 1));
    near(got.z[0], ad.stack([0, 1].map((i) => example(i).z[0] as Tensor), 0));
    expect(got.z[1]).toBe(5); // null: returned as it is
    expect(got.n).toBeNull();
    // A null or a number standing for a whole subtree; the same box returned twice along two axes.
    const whole = ad.vmap(f, [{ w: null, b: null }, 0, null], { y: 0, z: -1, n: 0 })(p, A, 5);
    expect((whole as { z: Tensor[] }).z.map((t) => t.toArray())).toEqual([[21, 21], [5, 5]]);
    const [u, v] = ad.vmap((x: Tensor) => { const y = ad.mul(x, 2); return [y, y]; }, 0, [0, 1])(A) as Tensor[];
    expect(ad.transpose(u!).toArray()).toEqual(v!.toArray());
  });

  it('outputs that do not depend on the batch are broadcast at their out axis; one argument aliased on two axes', () => {
    const [x, c, n] = ad.vmap((v: Tensor) => [v, ad.tensor([3, 4]), 7], 0, [0, 1, -1])(A) as Tensor[];
    expect([x!.shape, c!.toArray(), n!.toArray()]).toEqual([[2, 3], [[3, 3], [4, 4]], [7, 7]]);
    expect((ad.vmap((_v: Tensor) => A, 0)(ad.zeros([3])) as Tensor).shape).toEqual([3, 2, 3]);
    const S = ad.tensor([[1, 2], [3, 4]]);
    expect((ad.vmap((a: Tensor, b: Tensor) => ad.sub(a, b), [0, 1])(S, S) as Tensor).toArray()).toEqual([[0, -1], [1, 0]]);
    expect((ad.vmap((q: Tensor[]) => ad.add(q[0]!, q[1]!), [[0, 1]])([S, S]) as Tensor).toArray()).toEqual([[2, 5], [5, 8]]);
    // Empty subtrees pass through.
    const empty = ad.vmap((e: Record<string, never>, a: [], x: Tensor) => ({ e, a, x: ad.neg(x) }))({}, [], A) as { e: object; a: []; x: Tensor };
    expect([empty.e, empty.a, empty.x.toArray()]).toEqual([{}, [], ad.neg(A).toArray()]);
  });

  it('jit of vmap reused across batch sizes (3, 0, 1, 3) and axes gives the loop each time', () => {
    const f = (p: { a: Tensor; b: Tensor }, x: Tensor) => ad.add(ad.mul(p.a, ad.sin(x)), ad.sum(p.b));
    const j = ad.jit(ad.vmap(f, [{ a: null, b: 1 }, -1], -1));
    const a = ad.tensor([1, 2]);
    for (const B of [3, 0, 1, 3]) {
      const b = ad.random.normal([4, B], B + 1), x = ad.random.normal([2, B], B + 7);
      const want = B === 0 ? ad.zeros([2, 0]) : ad.stack(Array.from({ length: B }, (_, i) => f({ a, b: ad.take(b, i, 1) }, ad.take(x, i, 1))), -1);
      near(j({ a, b }, x) as Tensor, want);
    }
  });

  it('per-example keys along any axis and through two vmaps draw what the loop draws', () => {
    const R = ad.random;
    const keys = R.split(R.key(0), 6), words = ad.tensor(R.keyData(keys));
    const draw = (k: Tensor) => [R.normal(k, [2]), R.normal(ad.take(R.split(k, 2), 1, 0), [2]), R.bernoulli(R.foldIn(k, 3), 0.5, [4])];
    const loopDraws = keys.map((k) => [R.normal(k, [2]), R.normal(R.split(k, 2)[1]!, [2]), R.bernoulli(R.foldIn(k, 3), 0.5, [4])]);
    const want = [0, 1, 2].map((j) => ad.stack(loopDraws.map((d) => d[j]!), 0));
    (ad.vmap(draw)(words) as Tensor[]).forEach((t, j) => expect(arr(t)).toEqual(arr(want[j]!)));
    (ad.vmap(draw, 1)(ad.transpose(words)) as Tensor[]).forEach((t, j) => expect(arr(t)).toEqual(arr(want[j]!)));
    (ad.vmap(ad.vmap(draw))(ad.reshape(words, [2, 3, 2])) as Tensor[]).forEach((t, j) => expect(arr(t)).toEqual(arr(want[j]!)));
  });
});
