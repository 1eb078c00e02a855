/** @file ad.tree (jax.tree's map, leaves, structure, flatten, unflatten, reduce) against hand-built trees and a round-trip property. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';

describe('ad.tree', () => {
  const params = { w: ad.tensor([[1, 2], [3, 4]]), layers: [{ b: ad.tensor([0.5]) }, { b: ad.scalar(-1) }], scale: 2 };

  it('map over one tree keeps its structure; over several pairs leaves (object keys by name, in any order)', () => {
    const sizes = ad.tree.map((l) => ad.tensor(l).size, params);
    expect(sizes).toEqual({ w: 4, layers: [{ b: 1 }, { b: 1 }], scale: 1 });
    const grads = { scale: 1, layers: [{ b: ad.tensor([1]) }, { b: ad.scalar(2) }], w: ad.tensor([[1, 1], [1, 1]]) };
    const step = ad.tree.map((p: ad.Tensor | number, g: ad.Tensor | number) => ad.sub(p, ad.mul(0.5, g)), params, grads);
    expect(step.w.toArray()).toEqual([[0.5, 1.5], [2.5, 3.5]]);
    expect(step.layers[0]!.b.toArray()).toEqual([0]);
    expect(step.layers[1]!.b.item()).toBe(-2);
    expect(step.scale.item()).toBe(1.5);
    // Three trees at once, and an SGD step over a gradient from ad.grad.
    const f = (p: { a: ad.Tensor; b: ad.Tensor }) => ad.sum(ad.mul(p.a, p.b));
    const p = { a: ad.tensor([1, 2]), b: ad.tensor([3, 4]) };
    const g = ad.grad(f)(p);
    const m = ad.tree.map((x: ad.Tensor, gx: ad.Tensor, v: ad.Tensor) => ad.add(ad.sub(x, gx), v), p, g, p);
    expect([m.a.toArray(), m.b.toArray()]).toEqual([[-1, 0], [5, 6]]);
  });

  it('leaves and structure follow JAX\'s order (arrays by index, objects by sorted key)', () => {
    const ls = ad.tree.leaves(params);
    expect(ls.length).toBe(4);
    expect(ls[0]).toBe(params.layers[0]!.b);
    expect(ls[2]).toBe(2);
    expect(ls[3]).toBe(params.w);
    const s = ad.tree.structure(params);
    expect(String(s)).toBe('{layers: [{b: *}, {b: *}], scale: *, w: *}');
    expect(s.numLeaves).toBe(4);
    expect(ad.tree.leaves([])).toEqual([]);
    expect(String(ad.tree.structure(ad.scalar(1)))).toBe('*');
  });

  it('flatten then unflatten is the identity on structure, with any values as new leaves', () => {
    const [ls, s] = ad.tree.flatten({ a: 1, b: [2, { c: 3 }] });
    expect(ls).toEqual([1, 2, 3]);
    expect(ad.tree.unflatten(s, ['x', 'y', 'z'])).toEqual({ a: 'x', b: ['y', { c: 'z' }] });
    const leaf = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(ad.scalar(7)));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c', 'w'), tie('tree'), { maxKeys: 3 })),
    }));
    fc.assert(fc.property(tree, (t) => {
      const [l, st] = ad.tree.flatten(t);
      expect(ad.tree.unflatten(st, l)).toEqual(t);
      expect(ad.tree.map((x) => x, t)).toEqual(t);
      expect(st.numLeaves).toBe(ad.tree.leaves(t).length);
    }), { numRuns: 200, seed: 17 });
  });

  it('reduce folds the leaves in order', () => {
    expect(ad.tree.reduce((n: number, leaf) => n + ad.tensor(leaf).size, params, 0)).toBe(7);
    expect(ad.tree.reduce((s: string, leaf) => s + String(typeof leaf === 'number' ? leaf : leaf.size), params, '')).toBe('1124');
  });

  it('bad input: mismatched trees, a wrong number of leaves, a structure that is not one, non-tree leaves', () => {
    expect(() => ad.tree.map((a) => a, { a: 1 }, { b: 1 })).toThrow(/tree\.map: the tree at position 2 must have the same structure as the first tree.*\{b: \*\} for \{a: \*\}/);
    expect(() => ad.tree.map((a) => a, [1, 2], [1])).toThrow(ad.ShapeError);
    const s = ad.tree.structure({ a: 1, b: [2, 3] });
    expect(() => ad.tree.unflatten(s, [1])).toThrow(/tree\.unflatten: the structure \{a: \*, b: \[\*, \*\]\} has 3 leaves but 1 were given/);
    expect(() => ad.tree.unflatten({ numLeaves: 1 } as never, [1])).toThrow(/tree\.unflatten: the structure must come from ad\.tree\.structure/);
    expect(() => ad.tree.map(3 as never, { a: 1 })).toThrow(/tree\.map: the first argument must be a function/);
    expect(() => ad.tree.leaves({ a: 'x' } as never)).toThrow(/tree\.leaves: the leaf at \.a is/);
  });

  it('paths: mapWithPath, leavesWithPath, flattenWithPath and keystr, as jax.tree\'s *_with_path and keystr', () => {
    const tree = { w: ad.tensor([1, 2]), layers: [{ b: 3 }, null, { b: 4 }], 'a key': 5 };
    const pairs = ad.tree.leavesWithPath(tree);
    expect(pairs.map(([p]) => p)).toEqual([['a key'], ['layers', 0, 'b'], ['layers', 2, 'b'], ['w']]);
    expect(pairs.map(([p]) => ad.tree.keystr(p))).toEqual(['["a key"]', '.layers[0].b', '.layers[2].b', '.w']);
    expect(pairs.map(([, l]) => l)).toEqual(ad.tree.leaves(tree));
    const [withPath, structure] = ad.tree.flattenWithPath(tree);
    expect(String(structure)).toBe(String(ad.tree.structure(tree)));
    expect(ad.tree.unflatten(structure, withPath.map(([p]) => ad.tree.keystr(p)))).toEqual({ w: '.w', layers: [{ b: '.layers[0].b' }, null, { b: '.layers[2].b' }], 'a key': '["a key"]' });
    // Several trees, keys in any order, as map; the path comes first.
    const other = { 'a key': 50, layers: [{ b: 30 }, null, { b: 40 }], w: ad.tensor([10, 20]) };
    const seen: string[] = [];
    const sums = ad.tree.mapWithPath((path, a: ad.Tensor | number, b: ad.Tensor | number) => (seen.push(ad.tree.keystr(path)), ad.add(a, b)), tree, other);
    expect(seen).toEqual(['["a key"]', '.layers[0].b', '.layers[2].b', '.w']);
    expect(sums.w.toArray()).toEqual([11, 22]);
    expect(sums.layers[1]).toBeNull();
    // A dataclass's children are named by their fields; other registered nodes' by position.
    class Pair {
      constructor(readonly left: ad.Tensor | number, readonly right: ad.Tensor | number) {}
    }
    ad.tree.registerDataclass(Pair, ['left', 'right']);
    class Box {
      constructor(readonly inside: number) {}
    }
    ad.tree.registerPytreeNode(Box, (b) => [[b.inside], null], (_, [x]) => new Box(x as number));
    expect(ad.tree.leavesWithPath([new Pair(1, new Box(2) as never)]).map(([p]) => ad.tree.keystr(p))).toEqual(['[0].left', '[0].right[0]']);
    expect(() => ad.tree.keystr('w' as never)).toThrow(/array of keys/);
  });
});
