/**
 * @file stack and concat pull back in one pass (src/ops/shape.ts joinedParts): at first order the
 * parts' cotangents are cut out of the output's in one kernel, each into a buffer of its own.
 * Checked against the same gradients written without stack (sums of weighted parts), with leaves
 * reached twice, at higher order, under jit and vmap; and a small part's gradient does not keep
 * the large cotangent it was cut from.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const key = ad.random.key(7);
const parts = (n: number, shape: number[]) => Array.from({ length: n }, (_, i) => ad.random.normal(ad.random.foldIn(key, i), shape));
/** The bytes of the buffer behind a tensor's values (what keeping it keeps alive). */
const bufferBytes = (t: Tensor) => (t as unknown as { values: Float64Array }).values.buffer.byteLength;
const close = (a: Tensor, b: Tensor) => expect(Array.from(a.data)).toEqual(Array.from(b.data).map((v) => expect.closeTo(v, 12)));

describe('stack and concat cotangents', () => {
  for (const [axis, shape] of [[0, [2, 3]], [1, [2, 3]], [-1, [2, 3]], [0, [4]], [0, []]] as Array<[number, number[]]>) {
    it(`stack along axis ${axis} of ${JSON.stringify(shape)}: each part's gradient, a leaf reached twice`, () => {
      const xs = parts(5, shape);
      const w = ad.random.normal(ad.random.foldIn(key, 99), ad.stack(xs, axis).shape);
      const wParts = ad.unstack(w, axis < 0 ? axis + shape.length + 1 : axis);
      // f reads xs[2] a second time: its cotangent is the view plus 3·sin'(x) (a fresh sum).
      const f = (ys: Tensor[]) => ad.add(ad.sum(ad.mul(ad.stack(ys, axis), w)), ad.sum(ad.mul(3, ad.sin(ys[2]!))));
      const g = ad.grad(f)(xs);
      g.forEach((gi, i) => close(gi, i === 2 ? ad.add(wParts[i]!, ad.mul(3, ad.cos(xs[i]!))) : wParts[i]!));
      // The gradients do not share writable state: reading one after another's use leaves both intact.
      const again = ad.grad(f)(xs);
      again.forEach((gi, i) => close(gi, g[i]!));
    });
  }

  it('concat along the leading axis (views) and an inner axis (copies)', () => {
    const a = ad.random.normal(key, [2, 3]), b = ad.random.normal(ad.random.foldIn(key, 1), [1, 3]);
    const c = ad.random.normal(ad.random.foldIn(key, 2), [2, 2]);
    const w0 = ad.random.normal(ad.random.foldIn(key, 3), [3, 3]), w1 = ad.random.normal(ad.random.foldIn(key, 4), [2, 5]);
    const [ga, gb] = ad.grad((p: Tensor, q: Tensor) => ad.sum(ad.mul(ad.concat([p, q], 0), w0)), [0, 1])(a, b);
    close(ga!, ad.slice(w0, [0, 0], [2, 3]));
    close(gb!, ad.slice(w0, [2, 0], [1, 3]));
    const [ga2, gc] = ad.grad((p: Tensor, q: Tensor) => ad.sum(ad.mul(ad.concat([p, q], 1), w1)), [0, 1])(a, c);
    close(ga2!, ad.slice(w1, [0, 0], [2, 3]));
    close(gc!, ad.slice(w1, [0, 3], [2, 2]));
  });

  it("a small part's gradient is not a view of a large cotangent, nor of a slab", () => {
    const big = ad.random.normal(key, [20000, 8]);
    const g = ad.grad((t: Tensor) => ad.sum(ad.sin(ad.concat([t, big], 0))))(ad.zeros([1, 8]));
    expect(bufferBytes(g)).toBeLessThan(8 * 8 * 100);
    const gs = ad.grad((ys: Tensor[]) => ad.sum(ad.sin(ad.stack(ys))))(parts(64, []));
    for (const gi of gs) expect(bufferBytes(gi)).toBeLessThan(8 * 64 * 4);
  });

  it('second order, forward mode, jit and vmap agree with the parts written out', () => {
    const xs = parts(4, [3]);
    const cube = (ys: Tensor[]) => ad.sum(ad.mul(ad.stack(ys, 1), ad.stack(ys, 1)).pow(ad.scalar(1.5)));
    const plain = (ys: Tensor[]) => ys.reduce((acc, y) => ad.add(acc, ad.sum(ad.mul(y, y).pow(ad.scalar(1.5)))), ad.scalar(0));
    const hv = (f: (ys: Tensor[]) => Tensor) => ad.grad((ys: Tensor[]) => ad.sum(ad.stack(ad.grad(f)(ys), 0)))(xs);
    hv(cube).forEach((h, i) => close(h, hv(plain)[i]!));
    const tangents = parts(4, [3]).map((t) => ad.mul(t, 0.5));
    const [, t1] = ad.jvp((...ys: Tensor[]) => ad.stack(ys, 0), xs, tangents);
    close(t1, ad.stack(tangents, 0));
    const jitted = ad.jit(ad.grad(cube));
    jitted(xs);
    jitted(xs).forEach((g, i) => close(g, ad.grad(plain)(xs)[i]!));
    const batch = ad.random.normal(key, [6, 3]);
    const perExample = ad.vmap((x: Tensor) => ad.grad((y: Tensor) => ad.sum(ad.stack([y, ad.mul(2, y), ad.sin(y)], 0).pow(ad.scalar(2))))(x))(batch);
    close(perExample, ad.mul(2, ad.add(ad.mul(5, batch), ad.mul(ad.sin(batch), ad.cos(batch)))));
  });
});
