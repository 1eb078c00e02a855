/** @file ad.dotProductAttention against jax.nn.dot_product_attention's definition written in PyTorch ops (values and autograd gradients), closed forms (masked rows, causal), vmap/jit against eager, second order, ONNX export and errors. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference, seq, weights } from './nnReference.js';
import { expectAllClose } from './support/nnChecks.js';
import { expectExportMatches } from './onnx/ortSupport.js';

type AttentionCase = (typeof reference.attention)[number];

function attentionOf(c: AttentionCase): (...xs: Tensor[]) => Tensor {
  const o = c.options as { scale?: number; isCausal?: boolean; mask?: number[][] };
  const mask = o.mask === undefined ? undefined : ad.tensor(o.mask);
  return (q, k, v, bias) => ad.dotProductAttention(q!, k!, v!, {
    ...(bias === undefined ? {} : { bias }), ...(mask === undefined ? {} : { mask }),
    ...(o.scale === undefined ? {} : { scale: o.scale }), ...(o.isCausal === undefined ? {} : { isCausal: o.isCausal }),
  });
}

const inputs = (c: AttentionCase) => c.shapes.map((s, i) => seq(s, i).div(4));

describe('dotProductAttention against its definition in PyTorch', () => {
  it.each(reference.attention.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const f = attentionOf(c), xs = inputs(c);
    const y = f(...xs);
    expect(y.shape).toEqual(c.outShape);
    expectAllClose(y, c.value);
    const grads = ad.grad((...ts: Tensor[]) => ad.sum(ad.mul(f(...ts), weights(y.shape))), xs.map((_, i) => i))(...xs) as Tensor[];
    grads.forEach((g, i) => expectAllClose(g, c.grads[i]!));
  });
});

describe('dotProductAttention: closed forms', () => {
  const q = seq([2, 3, 2, 4]).div(4), k = seq([2, 5, 2, 4], 1).div(4), v = seq([2, 5, 2, 4], 2).div(4);

  it('a fully masked query row is the mean of the values, with zero gradient in q and k (JAX: masked logits are −0.7·max, not −∞)', () => {
    const mask = ad.tensor([[1, 1, 1, 1, 1], [0, 0, 0, 0, 0], [1, 0, 0, 0, 0]]);
    const y = ad.dotProductAttention(q, k, v, { mask });
    const row = ad.take(y, 1, 1); // [B, N, H] at query 1
    expectAllClose(row, Array.from(ad.mean(v, 1).toFloat64Array()), 1e-15);
    // Query 2 sees key 0 only: its output is v at key 0.
    expectAllClose(ad.take(y, 2, 1), Array.from(ad.take(v, 0, 1).toFloat64Array()), 1e-15);
    const gq = ad.grad((t: Tensor) => ad.sum(ad.take(ad.dotProductAttention(t, k, v, { mask }), 1, 1)))(q);
    expect(Array.from(gq.toFloat64Array()).every((g) => g === 0)).toBe(true);
  });

  it('is softmax(q·kᵀ·scale + bias)·v per head, and causal equals the lower-triangular mask', () => {
    const b = 0, n = 1, scale = 0.7;
    const qh = ad.take(ad.take(q, b, 0), n, 1), kh = ad.take(ad.take(k, b, 0), n, 1), vh = ad.take(ad.take(v, b, 0), n, 1);
    const want = ad.matmul(ad.softmax(ad.mul(ad.matmul(qh, ad.transpose(kh)), scale), -1), vh);
    const got = ad.take(ad.take(ad.dotProductAttention(q, k, v, { scale }), b, 0), n, 1);
    expectAllClose(got, Array.from(want.toFloat64Array()), 1e-14);
    const tril = ad.tril(ad.ones([3, 5]));
    expect(ad.dotProductAttention(q, k, v, { isCausal: true }).toArray()).toEqual(ad.dotProductAttention(q, k, v, { mask: tril }).toArray());
  });

  it('is stable at large logits (the softmax shifts by the row maximum)', () => {
    const y = ad.dotProductAttention(ad.mul(q, 1e3), ad.mul(k, 1e3), v);
    expect(Array.from(y.toFloat64Array()).every(Number.isFinite)).toBe(true);
  });
});

describe('dotProductAttention under transformations', () => {
  const [q, k, v] = [seq([3, 4, 2, 3]), seq([3, 5, 1, 3], 1), seq([3, 5, 1, 3], 2)].map((t) => t.div(8)) as [Tensor, Tensor, Tensor];
  const loss = (qq: Tensor, kk: Tensor, vv: Tensor) => ad.sum(ad.square(ad.dotProductAttention(qq, kk, vv, { isCausal: true })));

  it('vmap over the batch equals the batched call, and per-example gradients a loop', () => {
    const perExample = (qq: Tensor, kk: Tensor, vv: Tensor) => ad.dotProductAttention(qq, kk, vv, { isCausal: true });
    expectAllClose(ad.vmap(perExample)(q, k, v), Array.from(perExample(q, k, v).toFloat64Array()), 1e-15);
    const g = ad.vmap(ad.grad(loss))(q, k, v);
    const looped = ad.stack([0, 1, 2].map((i) => ad.grad(loss)(ad.take(q, i, 0), ad.take(k, i, 0), ad.take(v, i, 0))));
    expectAllClose(g, Array.from(looped.toFloat64Array()), 1e-13);
  });

  it('jit equals eager', () => {
    const g = ad.grad(loss, [0, 1, 2]);
    const eager = g(q, k, v) as Tensor[], jitted = ad.jit(g)(q, k, v) as Tensor[];
    eager.forEach((e, i) => expectAllClose(jitted[i]!, Array.from(e.toFloat64Array()), 1e-13));
  });

  it('second-order checkGrad in q, k, v and bias', () => {
    const small = [seq([1, 2, 2, 2]), seq([1, 3, 1, 2], 1), seq([1, 3, 1, 2], 2), seq([2, 2, 3], 3)].map((t) => t.div(16)) as [Tensor, Tensor, Tensor, Tensor];
    const f = (qq: Tensor, kk: Tensor, vv: Tensor, b: Tensor) => ad.dotProductAttention(qq, kk, vv, { bias: b, mask: ad.tensor([[1, 0, 1], [1, 1, 1]]) });
    expect(ad.checkGrad(f, small, { order: 2 }).ok).toBe(true);
  });

  it('exports to ONNX and runs on ONNX Runtime', async () => {
    await expectExportMatches((qq: Tensor, kk: Tensor, vv: Tensor) => ad.dotProductAttention(qq, kk, vv, { isCausal: true }), [q, k, v], 1e-12, 'attention');
  });
});

describe('dotProductAttention options given as undefined take their defaults', () => {
  it('bias, mask, scale, isCausal', () => {
    const q = seq([3, 2, 2]).div(8);
    expect(ad.dotProductAttention(q, q, q, { bias: undefined, mask: undefined, scale: undefined, isCausal: undefined }).toArray())
      .toEqual(ad.dotProductAttention(q, q, q).toArray());
  });
});

describe('dotProductAttention errors', () => {
  const q = seq([2, 3, 4, 2]);
  it('name the op, the shapes and the fix', () => {
    expect(() => ad.dotProductAttention(seq([3, 2]), seq([3, 2]), seq([3, 2]))).toThrow(/dotProductAttention: query \[3,2\], key \[3,2\] and value \[3,2\] must be \[...batch, T, N, H\]/);
    expect(() => ad.dotProductAttention(q, seq([2, 5, 3, 2]), seq([2, 5, 3, 2]))).toThrow(/the key\/value heads K must divide the query heads N/);
    expect(() => ad.dotProductAttention(q, seq([2, 5, 2, 3]), seq([2, 5, 2, 3]))).toThrow(/same batch axes and head dimension H/);
    expect(() => ad.dotProductAttention(q, seq([2, 5, 2, 2]), seq([2, 4, 2, 2]))).toThrow(ad.ShapeError);
    expect(() => ad.dotProductAttention(q, q, q, { mask: ad.ones([2, 2, 2, 4, 3, 3]) })).toThrow(/must broadcast to \[2,4,3,3\]/);
    expect(() => ad.dotProductAttention(q, q, q, { isCausal: 1 as unknown as boolean })).toThrow(/dotProductAttention: isCausal must be true or false/);
    expect(() => ad.dotProductAttention(q, q, q, { dropout: 0.1 } as ad.AttentionOptions)).toThrow(/dotProductAttention: unknown option 'dropout'/);
    expect(() => ad.dotProductAttention(q, q, q, { scale: NaN })).toThrow(/scale must be a finite number/);
  });
});
