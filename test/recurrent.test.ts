/**
 * @file rnn, gru and lstm against PyTorch 1.13's nn.RNN, nn.GRU and nn.LSTM (recurrentReference.py):
 * outputs, final states and the gradients of sum(r·output) + sum(s·h) (+ sum(u·c)) in the input, the
 * initial states and every weight, over layers, directions, batch_first, no bias, packed sequences,
 * unbatched input and relu; checkGrad to second order; vmap and jit; errors.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ad from '../src/index.js';

interface Stored { shape: number[]; data: number[] }
interface Case {
  kind: 'rnn' | 'gru' | 'lstm';
  options: { batchFirst: boolean; lengths: number[] | null; nonlinearity: 'tanh' | 'relu' | null };
  input: Stored; h0: Stored | null; c0: Stored | null; params: Record<string, Stored>;
  output: Stored; h: Stored; c: Stored | null; r: Stored; s: Stored; u: Stored | null;
  grads: Record<string, Stored>;
}
const CASES = JSON.parse(readFileSync(new URL('./recurrentReference.json', import.meta.url), 'utf8')) as Record<string, Case>;
const t = (s: Stored) => ad.tensor(Float64Array.from(s.data), s.shape);
function relErr(a: ad.Tensor, b: Stored): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toFloat64Array();
  let err = 0, scale = 0;
  b.data.forEach((v, i) => ((err = Math.max(err, Math.abs(x[i]! - v))), (scale = Math.max(scale, Math.abs(v)))));
  return err / scale;
}

/** The layer of a case as a function of (input, h0, c0, params). */
function layer(c: Case) {
  return (x: ad.Tensor, h0: ad.Tensor | undefined, c0: ad.Tensor | undefined, params: Record<string, ad.Tensor>) => {
    const common = { batchFirst: c.options.batchFirst, ...(c.options.lengths ? { lengths: c.options.lengths } : {}), ...(h0 ? { h0 } : {}) };
    if (c.kind === 'lstm') return ad.lstm(x, params, { ...common, ...(c0 ? { c0 } : {}) });
    if (c.kind === 'gru') return ad.gru(x, params, common);
    return ad.rnn(x, params, { ...common, nonlinearity: c.options.nonlinearity ?? 'tanh' });
  };
}

describe('rnn, gru, lstm against PyTorch', () => {
  it.each(Object.keys(CASES))('%s: output, final states and every gradient, to 1e-13', (name) => {
    const c = CASES[name]!;
    const f = layer(c);
    const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, t(v)]));
    const h0 = c.h0 ? t(c.h0) : undefined, c0 = c.c0 ? t(c.c0) : undefined;
    const res = f(t(c.input), h0, c0, params);
    expect(relErr(res.output, c.output)).toBeLessThan(1e-13);
    expect(relErr(res.h, c.h)).toBeLessThan(1e-13);
    if (c.c) expect(relErr((res as ad.LstmResult).c, c.c)).toBeLessThan(1e-13);
    const loss = (x: ad.Tensor, h: ad.Tensor | undefined, cc: ad.Tensor | undefined, p: Record<string, ad.Tensor>) => {
      const out = f(x, h, cc, p);
      let l = ad.add(ad.sum(ad.mul(out.output, t(c.r))), ad.sum(ad.mul(out.h, t(c.s))));
      if (c.u) l = ad.add(l, ad.sum(ad.mul((out as ad.LstmResult).c, t(c.u))));
      return l;
    };
    const [gx, gh, gc, gp] = ad.grad((x: ad.Tensor, h: ad.Tensor, cc: ad.Tensor, p: Record<string, ad.Tensor>) => loss(x, c.h0 ? h : undefined, c.c0 ? cc : undefined, p), [0, 1, 2, 3])(
      t(c.input), h0 ?? ad.zeros([1]), c0 ?? ad.zeros([1]), params) as [ad.Tensor, ad.Tensor, ad.Tensor, Record<string, ad.Tensor>];
    expect(relErr(gx, c.grads.input!)).toBeLessThan(1e-13);
    if (c.h0) expect(relErr(gh, c.grads.h0!)).toBeLessThan(1e-13);
    if (c.c0) expect(relErr(gc, c.grads.c0!)).toBeLessThan(1e-13);
    for (const k of Object.keys(c.params)) expect(relErr(gp[k]!, c.grads[k]!), k).toBeLessThan(1e-13);
  });

  it('covers each kind with layers, directions, batch_first, no bias, packed lengths, unbatched input and relu', () => {
    expect(Object.keys(CASES).length).toBe(19);
    expect(Object.values(CASES).filter((c) => c.options.lengths !== null).length).toBe(6);
  });
});

describe('rnn, gru, lstm under the transformations', () => {
  const params = { weight_ih_l0: ad.random.normal([8, 2], 1), weight_hh_l0: ad.random.normal([8, 2], 2), bias_ih_l0: ad.random.normal([8], 3), bias_hh_l0: ad.random.normal([8], 4) };
  const x = ad.random.normal([4, 3, 2], 5);

  it('checkGrad to second order in the input, h0, c0 and the weights (packed lengths)', () => {
    const f = (xi: ad.Tensor, h0: ad.Tensor, c0: ad.Tensor, w: ad.Tensor) => {
      const r = ad.lstm(xi, { ...params, weight_hh_l0: w }, { h0, c0, lengths: [4, 2, 3] });
      return ad.add(ad.sum(ad.sin(r.output)), ad.sum(ad.mul(r.h, r.c)));
    };
    expect(ad.checkGrad(f, [x, ad.random.normal([1, 3, 2], 6), ad.random.normal([1, 3, 2], 7), params.weight_hh_l0], { order: 2 }).ok).toBe(true);
  });

  it('vmap over a batch of sequences equals the unbatched calls; jit replays', () => {
    const one = (xi: ad.Tensor) => ad.lstm(xi, params).output; // xi [T, I], unbatched
    const xs = ad.transpose(x, [1, 0, 2]); // [B, T, I]
    const mapped = ad.vmap(one)(xs);
    for (let b = 0; b < 3; b++) expect(ad.max(ad.abs(ad.sub(ad.take(mapped, b, 0), one(ad.take(xs, b, 0))))).item()).toBeLessThan(1e-15);
    const g = ad.grad((w: ad.Tensor) => ad.sum(ad.gru(x, { weight_ih_l0: ad.random.normal([6, 2], 8), weight_hh_l0: w }).output));
    const jitted = ad.jit(g);
    const w = ad.random.normal([6, 2], 9);
    expect(jitted(w).toArray()).toEqual(g(w).toArray());
    expect(jitted(ad.mul(2, w)).toArray()).toEqual(g(ad.mul(2, w)).toArray());
    expect(jitted.cacheInfo()[0]!.replays).toBe(1);
  });
});

describe('rnn, gru, lstm: errors', () => {
  const w = { weight_ih_l0: ad.zeros([4, 2]), weight_hh_l0: ad.zeros([4, 1]) };
  it('weights that do not fit the kind or each other, a projection, and bad inputs name the function and the fix', () => {
    expect(() => ad.gru(ad.zeros([3, 1, 2]), w)).toThrow(/gru: weight_ih_l0 has shape \[4,2\], but a GRU with hidden size 1 needs \[3,2\]/);
    expect(() => ad.lstm(ad.zeros([3, 1, 2]), { ...w, weight_hr_l0: ad.zeros([1, 1]) })).toThrow(/unknown weight 'weight_hr_l0' \(LSTM projections, proj_size, are not supported\)/);
    expect(() => ad.lstm(ad.zeros([3, 1, 2]), { ...w, bias_ih_l1: ad.zeros([4]) })).toThrow(/weight 'bias_ih_l1' does not fit the others/);
    expect(() => ad.lstm(ad.zeros([3, 1, 5]), w)).toThrow(/lstm: the input has shape \[3,1,5\]; it must be \[T, B, 2\]/);
    expect(() => ad.lstm(ad.zeros([3, 2, 2]), w, { lengths: [3, 0] })).toThrow(/lstm: lengths must be 2 integers in 1 … 3/);
    expect(() => ad.lstm(ad.zeros([3, 2, 2]), w, { h0: ad.zeros([1, 1, 1]) })).toThrow(/lstm: h0 has shape \[1,1,1\]; it must be \[num_layers·directions, batch, hidden\] = \[1,2,1\]/);
    expect(() => ad.rnn(ad.zeros([3, 1, 2]), { weight_ih_l0: ad.zeros([1, 2]), weight_hh_l0: ad.zeros([1, 1]) }, { nonlinearity: 'gelu' as never })).toThrow(/rnn: nonlinearity must be 'tanh' or 'relu'/);
    expect(() => ad.lstm(ad.zeros([3, 1, 2]), w, { dropout: 0.5 } as never)).toThrow(/lstm/);
  });
});
