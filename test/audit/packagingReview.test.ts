/**
 * @file Packaging review: what a user meets when the package lands somewhere unusual — a host that
 * looks like Node but lacks its worker built-ins, README claims measured against the package.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { setPlatform } from '../../src/tensor/threads/pool.js';

describe('a Node-like host without worker_threads (an edge runtime’s Node layer)', () => {
  const real = process.getBuiltinModule;
  const product = () => {
    const a = ad.random.normal([200, 200], 3);
    return ad.matmul(a, a).toFloat64Array(); // 200³ multiply-adds: above the threads' threshold
  };
  /** Makes process.getBuiltinModule fail for the worker modules as `how` says; the host is detected again. */
  const hostWithout = (how: 'throws' | 'undefined' | 'no os') => {
    process.getBuiltinModule = ((id: string) => {
      if (how === 'no os' ? id === 'node:os' : id === 'node:worker_threads') {
        if (how === 'throws') throw new Error(`No such built-in module: ${id}`);
        return undefined;
      }
      return real.call(process, id);
    }) as typeof process.getBuiltinModule;
    setPlatform(null);
  };
  afterEach(() => {
    process.getBuiltinModule = real;
    setPlatform(null);
    ad.config({ threads: 'auto' });
  });

  it.each(['throws', 'undefined'] as const)('getBuiltinModule %s: threads: 1 computes, and the default falls back to one thread with the reason', (how) => {
    ad.config({ threads: 1 });
    const want = product();
    hostWithout(how);
    // threads: 1 asks nothing of the host (it threw "No such built-in module" from every large op).
    expect(product()).toEqual(want);
    expect(ad.backendInfo()).toMatchObject({ threads: 1, threadsReason: 'threads: 1 is set' });
    ad.config({ threads: 'auto' });
    expect(product()).toEqual(want);
    expect(ad.backendInfo().threads).toBe(1);
    expect(ad.backendInfo().threadsReason).toMatch(how === 'throws' ? /no worker_threads \(No such built-in module: node:worker_threads\)/ : /gives no worker_threads\.Worker/);
  });

  it('no node:os: the core count comes from elsewhere, and threads still run', () => {
    ad.config({ threads: 1 });
    const want = product();
    hostWithout('no os');
    ad.config({ threads: 2 });
    expect(product()).toEqual(want);
    expect(ad.backendInfo()).toMatchObject({ threads: 2 });
  });
});
