/** @file ad.config turns the WebAssembly kernel and jit's generated loops off and on; ad.backendInfo says what is in use. */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const loss = (w: ad.Tensor, steps: number) => {
  let x = ad.scalar(1);
  for (let t = 0; t < steps; t++) x = ad.tanh(ad.add(ad.mul(w, x), 0.5));
  return x;
};

afterEach(() => void ad.config({ wasm: true, codegen: true }));

describe('ad.config and ad.backendInfo', () => {
  it('report both backends in use by default, and each can be turned off alone', () => {
    // (threads: test/threads.test.ts; here the count is whatever this machine gives.)
    const threads = expect.any(Number);
    expect(ad.backendInfo()).toMatchObject({ threads, wasm: true, codegen: true });
    expect(ad.config({ wasm: false })).toEqual({ threads: 'auto', wasm: false, codegen: true, autoJit: false });
    expect(ad.backendInfo()).toMatchObject({ threads: 1, wasm: false, codegen: true });
    expect(ad.config({ codegen: false })).toEqual({ threads: 'auto', wasm: false, codegen: false, autoJit: false });
    expect(ad.config()).toEqual({ threads: 'auto', wasm: false, codegen: false, autoJit: false });
    expect(ad.config({ wasm: true })).toEqual({ threads: 'auto', wasm: true, codegen: false, autoJit: false });
    expect(ad.backendInfo()).toMatchObject({ threads, wasm: true, codegen: false });
  });

  it('codegen: false makes jit interpret its loops, with the same numbers bit for bit', () => {
    const results = [true, false].map((codegen) => {
      ad.config({ codegen });
      const step = ad.jit(ad.valueAndGrad(loss));
      step(ad.scalar(0.8), 200);
      const [value, gradient] = step(ad.scalar(-0.3), 200);
      return { value: value.item(), gradient: gradient.item(), loops: step.cacheInfo()[0]!.loops };
    });
    expect(results[0]!.loops).toBeGreaterThan(0);
    expect(results[1]!.loops).toBe(0);
    expect(results[1]!.value).toBe(results[0]!.value);
    expect(results[1]!.gradient).toBe(results[0]!.gradient);
  });

  it('wasm: false runs the JavaScript kernel, equal to the WebAssembly one within rounding', () => {
    const a = ad.random.normal([40, 36], 1), b = ad.random.normal([36, 44], 2);
    const withWasm = ad.matmul(a, b).toFloat64Array();
    ad.config({ wasm: false });
    const withJs = ad.matmul(a, b).toFloat64Array();
    withJs.forEach((v, i) => expect(v).toBeCloseTo(withWasm[i]!, 12));
  });

  it('rejects unknown options and values that are not booleans, naming the fix', () => {
    expect(() => ad.config({ thread: 2 } as ad.BackendConfig)).toThrow(/config: unknown option 'thread'. The options are threads \('auto' or a count\), wasm, codegen and autoJit/);
    expect(() => ad.config({ wasm: 'no' as unknown as boolean })).toThrow(ad.InvalidArgumentError);
    expect(() => ad.config({ wasm: 'no' as unknown as boolean })).toThrow(/wasm must be true or false, but it is 'no'/);
    expect(ad.backendInfo()).toMatchObject({ threads: expect.any(Number), wasm: true, codegen: true });
  });
});
