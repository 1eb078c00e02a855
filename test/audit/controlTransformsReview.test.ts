/**
 * @file Regressions found by reviewing cond, switch, foriLoop, associativeScan, jacfwd/jacrev and
 * ad.tree against JAX's documented semantics (jax.lax.cond / switch / fori_loop / associative_scan,
 * jax.tree_util), with the same programs written as plain JavaScript loops and branches as oracles.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const arr = (t: ad.Tensor) => t.toArray() as number[];

describe('cond and switch under vmap with a one-element predicate or index per example', () => {
  // A predicate of per-example shape [1] (ad.greater of a [1] row) was used as is in the select, so
  // the branches' results were broadcast against it: [2, 1] out of vmap where the loop gives [2].
  it('cond keeps the branches\' shapes, as the loop over the batch does', () => {
    const f = (x: ad.Tensor) => ad.cond(ad.greater(x, 0), (v: ad.Tensor) => ad.sum(v), (v: ad.Tensor) => ad.neg(ad.sum(v)), x);
    const out = ad.vmap(f)(ad.tensor([[3], [-2]]));
    expect(out.shape).toEqual([2]);
    expect(arr(out)).toEqual([3, 2]);
    const g = (p: ad.Tensor, x: ad.Tensor) => ad.cond(p, (v: ad.Tensor) => v, (v: ad.Tensor) => ad.neg(v), x);
    const r = ad.vmap(g)(ad.tensor([[[1]], [[0]]]), ad.tensor([[1, 2], [3, 4]]));
    expect(r.toArray()).toEqual([g(ad.tensor([[1]]), ad.tensor([1, 2])).toArray(), g(ad.tensor([[0]]), ad.tensor([3, 4])).toArray()]);
  });

  it('switch keeps the branches\' shapes, as the loop over the batch does', () => {
    const f = (k: ad.Tensor, x: ad.Tensor) => ad.switch(k, [(v: ad.Tensor) => ad.sum(v), (v: ad.Tensor) => ad.neg(ad.sum(v)), (v: ad.Tensor) => ad.prod(v)], x);
    const ks = [[1], [0], [2]], xs = [[3, 4], [1, 2], [5, 6]];
    const out = ad.vmap(f)(ad.tensor(ks), ad.tensor(xs));
    expect(out.shape).toEqual([3]);
    expect(arr(out)).toEqual(ks.map((k, i) => f(ad.tensor(k), ad.tensor(xs[i]!)).item()));
  });

  it('switch names only what it takes when the index is of another type', () => {
    expect(() => ad.switch('1' as never, [(v: ad.Tensor) => v], ad.scalar(1))).toThrow(/^switch: the index must be a number or a single-element tensor, got string '1'\.$/);
  });
});

describe('foriLoop checks body\'s result against init itself', () => {
  // A body that returned a pair for a carry that is not one was read as scan's [carry, y]: foriLoop
  // returned [carry, stacked ys] with no error. JAX's fori_loop requires body to keep the carry's type.
  it('a pair returned for a single-tensor carry is an error, not [carry, ys]', () => {
    expect(() => ad.foriLoop(0, 2, (_i, c: ad.Tensor) => [ad.add(c, 1), c] as never, ad.scalar(1)))
      .toThrow(/^foriLoop: body must return the next carry in the structure of init, \*, but at i = 0 it returned \[\*, \*\]/);
    expect(() => ad.foriLoop(3, 5, (_i, c: ad.Tensor) => [ad.add(c, 1), ad.zeros([4])] as never, ad.scalar(1)))
      .toThrow(/foriLoop: .* at i = 3 it returned \[\*, \*\]/);
  });

  it('its errors name foriLoop (they named scan), with the structures or shapes', () => {
    expect(() => ad.foriLoop(0, 2, (_i, c: { a: ad.Tensor }) => ({ b: c.a }) as never, { a: ad.scalar(1) }))
      .toThrow(/^foriLoop: body must return the next carry in the structure of init, \{a: \*\}, but at i = 0 it returned \{b: \*\}/);
    expect(() => ad.foriLoop(0, 2, (_i, c: ad.Tensor) => ad.stack([c, c]), ad.scalar(1)))
      .toThrow(/^foriLoop: body must keep the carry's shapes, but at i = 0 it returned leaf 0 of shape \[2\] for \[\] in init/);
    expect(() => ad.vmap((x: ad.Tensor) => ad.foriLoop(0, 2, (_i, c: ad.Tensor) => ad.stack([c, c]), x))(ad.tensor([1, 2])))
      .toThrow(/^foriLoop: body must keep the carry's shapes/);
  });

  it('a fractional one-element tensor bound is reported with its value', () => {
    expect(() => ad.foriLoop(0, ad.scalar(2.5), (_i, c: ad.Tensor) => c, ad.scalar(0))).toThrow(/foriLoop: upper must be an integer .*got a tensor holding 2\.5/);
  });

  it('a bound that differs across a vmap batch is foriLoop\'s error, and the masked loop it suggests works', () => {
    const f = (n: ad.Tensor) => ad.foriLoop(0, n, (i, c: ad.Tensor) => ad.add(c, i), ad.scalar(0));
    expect(() => ad.vmap(f)(ad.tensor([2, 3]))).toThrow(/^foriLoop: upper differs across the vmap batch .*ad\.where\(ad\.less\(i, n\), next, carry\)/);
    const masked = (n: ad.Tensor) => ad.foriLoop(0, 5, (i, c: ad.Tensor) => ad.where(ad.less(i, n), ad.add(c, i), c), ad.scalar(0));
    expect(arr(ad.vmap(masked)(ad.tensor([2, 3, 0])))).toEqual([1, 3, 0]);
  });
});

describe('associativeScan checks what fn returns and what it is given', () => {
  // The check compared only ndim and size, so a result of another shape with as many elements (a
  // transpose, a reshape) passed and failed later inside take or reshape, with their messages.
  it('a result of another shape with the same size is associativeScan\'s error', () => {
    const x = ad.reshape(ad.arange(12), [4, 3]);
    expect(() => ad.associativeScan((a: ad.Tensor, b: ad.Tensor) => ad.reshape(ad.add(a, b), [a.shape[1]!, a.shape[0]!]), x))
      .toThrow(/^associativeScan: fn\(a, b\) must combine a and b elementwise along the scanned axis, returning leaf 0 of shape \[2,3\] as given, but it returned \[3,2\]/);
  });

  it('an argument past the options (JAX\'s positional reverse or axis) is an error, not ignored', () => {
    expect(() => (ad.associativeScan as (...a: unknown[]) => unknown)(ad.add, ad.tensor([[1, 2], [3, 4]]), {}, 1))
      .toThrow(/^associativeScan: takes fn, elems and options, associativeScan\(fn, elems, \{ reverse, axis \}\); got 1 more argument/);
  });
});

describe('ad.tree takes object keys in sorted order, as jax.tree_util flattens a dict', () => {
  // Keys were taken in insertion order, so two objects with the same keys built in another order had
  // different structures and leaf orders: unflatten(structure({ b, a }), leaves({ a: 1, b: 2 }))
  // gave { b: 1, a: 2 } without an error. JAX sorts dict keys, so both orders give a's leaf first.
  it('leaves, flatten, structure and reduce do not depend on the order the keys were written in', () => {
    const ab = { a: 1, b: [2, 3] }, ba = { b: [2, 3], a: 1 };
    expect(ad.tree.leaves(ba)).toEqual([1, 2, 3]);
    expect(ad.tree.leaves(ba)).toEqual(ad.tree.leaves(ab));
    expect(String(ad.tree.structure(ba))).toBe('{a: *, b: [*, *]}');
    expect(ad.tree.flatten(ba)[0]).toEqual([1, 2, 3]);
    expect(ad.tree.reduce((s: string, l) => s + String(l), ba, '')).toBe('123');
    expect(ad.tree.unflatten(ad.tree.structure({ b: 0, a: 0 }), ad.tree.leaves({ a: 1, b: 2 }))).toEqual({ a: 1, b: 2 });
  });

  it('map pairs keys by name and gives its result in sorted order', () => {
    const out = ad.tree.map((x: number, y: number) => x + y, { w: 1, b: 2 }, { b: 20, w: 10 });
    expect(out).toEqual({ b: 22, w: 11 });
    expect(Object.keys(out)).toEqual(['b', 'w']);
  });
});

describe('switch refuses a fractional index, as jax.lax.switch', () => {
  // It was truncated (1.7 took branch 1, -0.9 branch 0); JAX refuses a non-integer index (a float
  // dtype), and here every tensor is float64, so the value is what can be checked.
  it('a fractional or infinite number or one-element tensor is switch\'s error; integers are clamped', () => {
    const branches = [(v: ad.Tensor) => ad.neg(v), (v: ad.Tensor) => ad.square(v)];
    expect(() => ad.switch(1.7, branches, ad.scalar(3))).toThrow(/^switch: the index must be an integer, got 1\.7 .*ad\.floor\(k\).*clamped into \[0, 1\]/);
    expect(() => ad.switch(ad.tensor([-0.9]), branches, ad.scalar(3))).toThrow(/^switch: the index must be an integer, got -0\.9/);
    expect(() => ad.switch(Infinity, branches, ad.scalar(3))).toThrow(/^switch: the index must be an integer, got Infinity/);
    expect(ad.switch(ad.floor(ad.scalar(1.7)), branches, ad.scalar(3)).item()).toBe(9);
    expect(ad.switch(-4, branches, ad.scalar(3)).item()).toBe(-3);
    expect(ad.switch(1e9, branches, ad.scalar(3)).item()).toBe(9);
  });
});

describe('foriLoop\'s option and init errors name foriLoop', () => {
  // A bad checkpoints option was scan's error, and was not reported at all when no step ran; an
  // init that is not a tree was called a "branch result" when no step ran.
  it('checkpoints is checked by foriLoop, whether or not a step runs', () => {
    const id = (_i: number, c: ad.Tensor) => c;
    expect(() => ad.foriLoop(0, 3, id, ad.scalar(1), { checkpoints: 0 })).toThrow(/^foriLoop: checkpoints must be 'all', 'sqrt' or an integer ≥ 1/);
    expect(() => ad.foriLoop(2, 2, id, ad.scalar(1), { checkpoints: 'x' as never })).toThrow(/^foriLoop: checkpoints must be/);
  });

  it('an init that is not a tree is named init when no step runs', () => {
    expect(() => ad.foriLoop(3, 3, (_i, c) => c, 'a' as never)).toThrow(/^foriLoop \(init\): the leaf at the top is string 'a'/);
  });
});

describe('tree.reduce without an initial value, as jax.tree.reduce', () => {
  // Without `initial` the fold started from undefined: reduce(add, [1, 2]) was NaN. JAX's starts
  // from the first leaf (functools.reduce).
  it('the first leaf starts the fold; a tree without leaves is an error', () => {
    expect((ad.tree.reduce((a, l) => ad.add(a, l), { b: [2, 3], a: ad.scalar(1) }) as ad.Tensor).item()).toBe(6);
    expect(ad.tree.reduce((a, l) => ad.maximum(a, l), [ad.tensor([1, 5]), ad.tensor([3, 2])]).toArray()).toEqual([3, 5]);
    expect(ad.tree.reduce((a: string, l) => a + String(l), { b: 2, a: 1 }, '')).toBe('12');
    expect(() => ad.tree.reduce((a, l) => ad.add(a, l), [] as ad.Tensor[])).toThrow(/^tree\.reduce: the tree has no leaves and no initial value was given/);
  });
});

describe('the branches\' structure error under vmap says what to do', () => {
  it('names the op, both structures and the fix', () => {
    const f = (x: ad.Tensor) => ad.switch(ad.greater(x, 0), [(v: ad.Tensor) => [v], ((v: ad.Tensor) => ({ v })) as never], x);
    expect(() => ad.vmap(f)(ad.tensor([1, -1])))
      .toThrow(/^switch: under vmap every branch runs.*branches\[0\] returned \[\*\] but branches\[1\] returned \{v: \*\} \(\* a leaf\); make every branch return the same nesting \(as jax\.lax\.switch requires\)\.$/);
  });
});

describe('tree.map takes other trees that have the first as a prefix, as jax.tree.map', () => {
  // jax.tree.map's other trees each have the first tree's structure or have it as a prefix; a
  // prefix was refused as a structure mismatch.
  it('fn gets the whole subtree where the first tree has a leaf', () => {
    const calls: unknown[] = [];
    const out = ad.tree.map((x: number, y: unknown) => (calls.push(y), x * 10), [1, 2], [[1, 2], 3] as unknown as number[]);
    expect(out).toEqual([10, 20]);
    expect(calls).toEqual([[1, 2], 3]);
    // Per-parameter settings given as subtrees, keys matched by name in any order.
    const lr = ad.tree.map((p: number, cfg: unknown) => p * (cfg as { lr: number }).lr, { w: 2, b: 3 }, { b: { lr: 0.5 }, w: { lr: 4 } } as unknown as { w: number; b: number });
    expect(lr).toEqual({ b: 1.5, w: 8 });
  });

  it('a tree that is neither is still an error naming both structures', () => {
    expect(() => ad.tree.map((x) => x, [[1], 2], [1, 2])).toThrow(/^tree\.map: the tree at position 2 must have the same structure as the first tree, or have it as a prefix .*got \[\*, \*\] for \[\[\*\], \*\]/);
  });
});
