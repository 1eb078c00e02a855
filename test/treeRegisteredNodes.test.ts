/**
 * @file Registered pytree nodes (ad.tree.registerPytreeNode, registerDataclass; JAX's
 * register_pytree_node, register_dataclass): instances of a registered class through every
 * transformation, each result checked against the same program written over plain objects (the
 * oracle: the library's own tested path), and the structure rules (class, auxiliary data, children).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

class Linear {
  constructor(readonly w: ad.Tensor, readonly b: ad.Tensor, readonly activation: 'tanh' | 'none') {}
  apply(x: ad.Tensor): ad.Tensor {
    const z = ad.add(ad.matmul(x, this.w), this.b);
    return this.activation === 'tanh' ? ad.tanh(z) : z;
  }
}
ad.tree.registerPytreeNode(
  Linear,
  (l) => [[l.w, l.b], l.activation],
  (activation, [w, b]) => new Linear(w as ad.Tensor, b as ad.Tensor, activation as 'tanh' | 'none'),
);

let mlpConstructed = 0;
class MLP {
  constructor(readonly layers: Linear[], readonly name: string) {
    mlpConstructed++;
  }
}
ad.tree.registerDataclass(MLP, ['layers'], ['name']);

// The registered classes, for the types: their instances are pytrees (ad.PytreeNodeTypes, by declaration merging).
declare module 'adjoint' {
  interface PytreeNodeTypes {
    linear: Linear;
    mlp: MLP;
    marker: Marker;
  }
}

/** A class with no fields: registered, it must not make every object type read as it (the types compare both ways). */
class Marker {}
ad.tree.registerPytreeNode(Marker, () => [[], undefined], () => new Marker());

const x = ad.random.normal([6, 3], 1), y = ad.random.normal([6, 2], 2);
const model = new MLP([new Linear(ad.random.normal([3, 4], 3), ad.random.normal([4], 4), 'tanh'), new Linear(ad.random.normal([4, 2], 5), ad.zeros([2]), 'none')], 'net');
const loss = (m: MLP, xs: ad.Tensor, ys: ad.Tensor) => ad.mean(ad.square(ad.sub(m.layers[1]!.apply(m.layers[0]!.apply(xs)), ys)));

/** The same parameters as a plain object, and the same loss over it: the oracle. */
type Plain = { w0: ad.Tensor; b0: ad.Tensor; w1: ad.Tensor; b1: ad.Tensor };
const toPlain = (m: MLP): Plain => ({ w0: m.layers[0]!.w, b0: m.layers[0]!.b, w1: m.layers[1]!.w, b1: m.layers[1]!.b });
const fromPlain = (p: Plain) => new MLP([new Linear(p.w0, p.b0, 'tanh'), new Linear(p.w1, p.b1, 'none')], 'net');
const plainLoss = (p: Plain, xs: ad.Tensor, ys: ad.Tensor) => loss(fromPlain(p), xs, ys);

function expectSameParams(got: unknown, want: Plain, tol = 0): void {
  expect(got).toBeInstanceOf(MLP);
  const m = got as MLP;
  expect(m.name).toBe('net');
  expect(m.layers[0]).toBeInstanceOf(Linear);
  expect(m.layers[0]!.activation).toBe('tanh');
  const g = toPlain(m);
  for (const k of ['w0', 'b0', 'w1', 'b1'] as const) {
    const a = g[k].toFloat64Array(), b = want[k].toFloat64Array();
    expect(g[k].shape).toEqual(want[k].shape);
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!))));
  }
}

const bits = (t: ad.Tensor) => Array.from(t.toFloat64Array());

describe('registered pytree nodes through the transformations', () => {
  const want = ad.grad(plainLoss)(toPlain(model), x, y);

  it('grad and valueAndGrad give an instance of the class, with the plain program\'s gradient', () => {
    expectSameParams(ad.grad(loss)(model, x, y), want);
    const [value, g] = ad.valueAndGrad(loss)(model, x, y);
    expect(value.item()).toBe(plainLoss(toPlain(model), x, y).item());
    expectSameParams(g, want);
  });

  it('registerDataclass rebuilds without calling the constructor', () => {
    const before = mlpConstructed;
    ad.grad(loss)(model, x, y);
    ad.tree.map((l) => l, model);
    expect(mlpConstructed).toBe(before);
  });

  it('jit records once per class, auxiliary data and shapes; replays with new values; a new auxiliary value records again', () => {
    const jg = ad.jit(ad.grad(loss));
    expectSameParams(jg(model, x, y), want, 1e-15);
    const x2 = ad.random.normal([6, 3], 9);
    expectSameParams(jg(model, x2, y), ad.grad(plainLoss)(toPlain(model), x2, y), 1e-15);
    // The activation is auxiliary data: part of the signature, so a different one is a different program.
    const act = ad.jit((l: Linear, xs: ad.Tensor) => l.apply(xs));
    const w = ad.random.normal([3, 4], 6), b = ad.zeros([4]);
    const tanhOut = act(new Linear(w, b, 'tanh'), x).toFloat64Array();
    const noneOut = act(new Linear(w, b, 'none'), x).toFloat64Array();
    expect(Array.from(tanhOut)).toEqual(Array.from(ad.tanh(ad.matmul(x, w)).toFloat64Array()));
    expect(Array.from(noneOut)).toEqual(Array.from(ad.matmul(x, w).toFloat64Array()));
    expect(Array.from(act(new Linear(w, b, 'tanh'), x).toFloat64Array())).toEqual(Array.from(tanhOut));
  });

  it('vmap maps instances in and out: per-example gradients, and a batch of models', () => {
    const perExample = ad.vmap((xi: ad.Tensor, yi: ad.Tensor) => ad.grad(loss)(model, ad.expandDims(xi, 0), ad.expandDims(yi, 0)))(x, y);
    const plainPerExample = ad.vmap((xi: ad.Tensor, yi: ad.Tensor) => ad.grad(plainLoss)(toPlain(model), ad.expandDims(xi, 0), ad.expandDims(yi, 0)))(x, y);
    expectSameParams(perExample, plainPerExample);
    const two = ad.tree.map((l: ad.Tensor) => ad.stack([l, ad.mul(2, l)]), model);
    expect(two).toBeInstanceOf(MLP);
    const losses = ad.vmap((m: MLP) => loss(m, x, y))(two).toArray() as number[];
    expect(losses[0]).toBe(loss(model, x, y).item());
    expect(losses[1]).toBeCloseTo(loss(ad.tree.map((l: ad.Tensor) => ad.mul(2, l), model), x, y).item(), 13);
  });

  it('jvp, hvp, hessian and linearize agree with the plain program', () => {
    const dir = ad.tree.map((l: ad.Tensor) => ad.onesLike(l), model);
    const [, t] = ad.jvp((m: MLP) => loss(m, x, y), [model], [dir]);
    const [, tp] = ad.jvp((p: Plain) => plainLoss(p, x, y), [toPlain(model)], [toPlain(dir)]);
    expect(t.item()).toBe(tp.item());
    expectSameParams(ad.hvp((m: MLP) => loss(m, x, y), model, dir), ad.hvp((p: Plain) => plainLoss(p, x, y), toPlain(model), toPlain(dir)), 1e-15);
    const [, lin] = ad.linearize((m: MLP) => loss(m, x, y), model);
    expect(lin(dir).item()).toBeCloseTo(tp.item(), 14);
    const h = ad.hessian((m: MLP) => loss(m, x, y))(model) as unknown as MLP;
    expect(h).toBeInstanceOf(MLP);
    const inner = h.layers[1]!.b as unknown as MLP; // d/d b1 of the gradient: a tree of the argument's structure at each output leaf
    expect(inner).toBeInstanceOf(MLP);
    expect(inner.layers[1]!.b.shape).toEqual([2, 2]);
  });

  it('loop carries, optimizers, argmin, customVjp and checkGrad take instances', () => {
    const halved = ad.scan((c: MLP) => ad.tree.map((l: ad.Tensor) => ad.mul(l, 0.5), c), model, { length: 3 });
    expect(halved).toBeInstanceOf(MLP);
    expect(halved.layers[0]!.w.toArray()).toEqual(ad.mul(model.layers[0]!.w, 0.125).toArray());
    const grown = ad.whileLoop((c: MLP) => ad.less(ad.sum(c.layers[1]!.b), 10), (c: MLP) => ad.tree.map((l: ad.Tensor) => ad.add(l, 1), c), model);
    expect(grown).toBeInstanceOf(MLP);
    expect(ad.sum(grown.layers[1]!.b).item()).toBe(10);
    const opt = ad.optimizers.adam({ lr: 0.01 });
    const [stepped] = opt.step(model, ad.grad(loss)(model, x, y), opt.init(model));
    const [plainStepped] = opt.step(toPlain(model), want, opt.init(toPlain(model)));
    expectSameParams(stepped, plainStepped);
    const target = ad.tensor([[1, 2], [3, 4], [5, 6]]);
    const fitted = ad.argmin((m: MLP) => ad.sum(ad.square(ad.sub(m.layers[0]!.w, ad.tile(target, [1, 2])))), model);
    expect(fitted).toBeInstanceOf(MLP);
    expect(Math.abs((fitted.layers[0]!.w.toArray() as number[][])[2]![1]! - 6)).toBeLessThan(1e-6);
    const straightThrough = ad.customVjp((m: MLP) => ad.sum(ad.round(m.layers[1]!.b)), (ct: ad.Tensor, { args }: { args: [MLP] }) => [ad.tree.map((l: ad.Tensor) => ad.mul(ct, ad.onesLike(l)), args[0])]);
    const g = ad.grad(straightThrough)(model);
    expect(g).toBeInstanceOf(MLP);
    expect(g.layers[1]!.b.toArray()).toEqual([1, 1]);
    expect(ad.checkGrad((m: MLP) => loss(m, x, y), [model]).ok).toBe(true);
  });

  it('vjp takes a cotangent of the output\'s class; the structure includes the auxiliary data', () => {
    const double = (l: Linear) => new Linear(ad.mul(l.w, 2), ad.mul(l.b, 3), l.activation);
    const lin = new Linear(ad.ones([2]), ad.ones([2]), 'tanh');
    const [out, pullback] = ad.vjp(double, lin);
    expect(out).toBeInstanceOf(Linear);
    const [ct] = pullback(new Linear(ad.ones([2]), ad.ones([2]), 'tanh'));
    expect(ct).toBeInstanceOf(Linear);
    expect([ct.w.toArray(), ct.b.toArray()]).toEqual([[2, 2], [3, 3]]);
    expect(() => pullback(new Linear(ad.ones([2]), ad.ones([2]), 'none'))).toThrow(/Linear\("none"\)\[\*, \*\] for Linear\("tanh"\)\[\*, \*\]/);
  });
});

describe('ad.tree over registered nodes', () => {
  it('flatten, structure, unflatten, leaves and map', () => {
    const tree = { z: 3, a: new Linear(ad.ones([1]), ad.zeros([1]), 'none') };
    const [leaves, structure] = ad.tree.flatten(tree);
    expect(leaves.length).toBe(3);
    expect(String(structure)).toBe('{a: Linear("none")[*, *], z: *}');
    const rebuilt = ad.tree.unflatten(structure, [10, 20, 30]) as { a: Linear; z: number };
    expect(rebuilt.a).toBeInstanceOf(Linear);
    expect([rebuilt.a.w, rebuilt.a.b, rebuilt.a.activation, rebuilt.z]).toEqual([10, 20, 'none', 30]);
    expect(ad.tree.leaves(new MLP([], 'empty'))).toEqual([]);
    // Meta fields compare by value: two equal arrays of options are one structure.
    class Conv {
      constructor(readonly w: ad.Tensor, readonly stride: number[]) {}
    }
    ad.tree.registerDataclass(Conv, ['w'], ['stride']);
    const sum = ad.tree.map((a: ad.Tensor | number, b: ad.Tensor | number) => ad.add(a, b), new Conv(ad.ones([2]), [1, 2]), new Conv(ad.ones([2]), [1, 2]));
    expect(sum).toBeInstanceOf(Conv);
    expect(sum.stride).toEqual([1, 2]);
    expect(() => ad.tree.map((a: ad.Tensor | number, b: ad.Tensor | number) => ad.add(a, b), new Conv(ad.ones([2]), [1, 2]), new Conv(ad.ones([2]), [2, 2])))
      .toThrow(/Conv\(stride=\[2,2\]\)\[\*\] for Conv\(stride=\[1,2\]\)\[\*\]/);
  });

  it('errors: unregistered classes say how to register; duplicates, subclasses and bad flatten results', () => {
    class Unregistered {
      constructor(readonly w: ad.Tensor) {}
    }
    expect(() => ad.grad((o: Unregistered) => ad.sum(o.w))(new Unregistered(ad.ones([2])))).toThrow(/registerPytreeNode/);
    expect(() => ad.tree.registerPytreeNode(Linear, (l) => [[l.w], 0], () => new Linear(ad.ones([1]), ad.ones([1]), 'none'))).toThrow(/registered already/);
    class Wider extends Linear {}
    expect(() => ad.tree.leaves(new Wider(ad.ones([1]), ad.ones([1]), 'none'))).toThrow(/object \(Wider\)/);
    class Bad {
      constructor(readonly w: ad.Tensor) {}
    }
    ad.tree.registerPytreeNode(Bad, (b) => b.w as never, () => new Bad(ad.ones([1])));
    expect(() => ad.tree.leaves(new Bad(ad.ones([1])))).toThrow(/must return \[children, aux\]/);
    expect(() => ad.tree.registerDataclass(class {}, ['a'] as never, ['a'] as never)).toThrow(/named once/);
    expect(() => ad.tree.registerPytreeNode((() => 0) as never, () => [[], 0], () => ({}))).toThrow(/must be a class/);
  });

  it('a diff review\'s cases: stopGradient of a node, jit keys auxiliary data by value, odd auxiliary data, clear errors, types', () => {
    const lin = new Linear(ad.tensor([1, 2]), ad.tensor([3]), 'none');
    const stopped = ad.stopGradient(lin);
    expect(stopped).toBeInstanceOf(Linear);
    expect(ad.grad((l: Linear) => ad.sum(ad.mul(l.w, ad.stopGradient(l).w)))(lin).w.toArray()).toEqual([1, 2]);
    // jit: −0 and 0, and a typed array changed in place, are different auxiliary data (the function may read them).
    class Scaled {
      constructor(readonly w: ad.Tensor, readonly by: { n: number } | Float64Array) {}
    }
    ad.tree.registerPytreeNode(Scaled, (s) => [[s.w], s.by], (by, [w]) => new Scaled(w as ad.Tensor, by as { n: number }));
    const inverse = ad.jit((s: Scaled) => ad.mul(s.w, 1 / (s.by instanceof Float64Array ? s.by[0]! : s.by.n)));
    expect(inverse(new Scaled(ad.tensor([1]), { n: 0 })).toArray()).toEqual([Infinity]);
    expect(inverse(new Scaled(ad.tensor([1]), { n: -0 })).toArray()).toEqual([-Infinity]);
    const by = new Float64Array([2]);
    expect(inverse(new Scaled(ad.tensor([1]), by)).toArray()).toEqual([0.5]);
    by[0] = 5;
    expect(inverse(new Scaled(ad.tensor([1]), by)).toArray()).toEqual([0.2]);
    // A symbol or a cyclic object as auxiliary data.
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const aux of [Symbol.for('x'), cyclic]) {
      const node = new Scaled(ad.tensor([4]), aux as never);
      expect(ad.jit((s: Scaled) => ad.mul(s.w, 2))(node).toArray()).toEqual([8]);
      expect(ad.tree.map((l: ad.Tensor | number) => l, node)).toBeInstanceOf(Scaled);
    }
    expect(String(ad.tree.structure(new Scaled(ad.tensor([1]), NaN as never)))).toBe('Scaled(NaN)[*]');
    // Tensors inside an auxiliary output node are released from the finished tape, as plain ones.
    const [, aux] = ad.grad((l: Linear) => [ad.sum(l.w), new Linear(ad.mul(l.w, 2), l.b, 'none')] as const, { hasAux: true })(lin);
    expect(aux).toBeInstanceOf(Linear);
    expect((aux.w as unknown as { trace: unknown }).trace).toBeNull();
    // Errors that say what is wrong.
    class Flat {
      constructor(readonly w: ad.Tensor) {}
    }
    ad.tree.registerPytreeNode(Flat, (f) => [{ w: f.w } as never, 0], () => new Flat(ad.ones([1])));
    expect(() => ad.tree.leaves(new Flat(ad.ones([1])))).toThrow(/whose children are an object \(Object\), not an array/);
    class ReadOnly {
      constructor(private readonly value: ad.Tensor) {}
      get w(): ad.Tensor {
        return this.value;
      }
    }
    ad.tree.registerDataclass(ReadOnly, ['w']);
    expect(() => ad.tree.map((l: ad.Tensor | number) => l, new ReadOnly(ad.ones([1])))).toThrow(/field 'w' cannot be assigned.*registerPytreeNode/);
    expect(() => ad.tree.registerPytreeNode(ad.Tensor, () => [[], 0], () => ad.ones([1]))).toThrow(/tensors are leaves already/);
    // Types: a registered class with no fields does not swallow other object types.
    const [ga] = ad.grad((xs: [ad.Tensor, ad.Tensor]) => ad.sum(ad.mul(xs[0], xs[1])))([ad.tensor([1]), ad.tensor([2])]);
    const typed: ad.Tensor = ga;
    expect(typed.toArray()).toEqual([2]);
  });

  it('vmap takes registered nodes of axes as inAxes and outAxes trees (a pytree prefix, as JAX)', () => {
    const lin = new Linear(ad.random.normal([5, 3], 1), ad.tensor([1, 2, 3]), 'none');
    const shifted = ad.vmap((l: Linear) => ad.add(l.w, l.b), [new Linear(0 as never, null as never, 'none')])(lin);
    expect(bits(shifted)).toEqual(bits(ad.add(lin.w, lin.b)));
    const made = ad.vmap((row: ad.Tensor) => new Linear(ad.mul(row, 2), ad.tensor([9]), 'tanh'), 0, new Linear(1 as never, null as never, 'tanh'))(ad.random.normal([5, 3], 2));
    expect(made).toBeInstanceOf(Linear);
    expect([made.w.shape, made.b.shape]).toEqual([[3, 5], [1]]);
    expect(() => ad.vmap((l: Linear) => l.w, [new Linear(0 as never, null as never, 'tanh')])(lin)).toThrow(/inAxes at argument 0 is a Linear\("tanh"\) of axes but the argument there is a Linear\("none"\)/);
  });
});
