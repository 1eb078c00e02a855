/**
 * @file Packaging review: what a user meets when the package lands somewhere unusual — a host that
 * looks like Node but lacks its worker built-ins, README claims measured against the package.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { setPlatform } from '../../src/tensor/threads/pool.js';
import { detectPlatform, type Platform } from '../../src/tensor/threads/platform.js';

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

describe("Node's permission model (node --permission without --allow-worker)", () => {
  afterEach(() => {
    setPlatform(null);
    ad.config({ threads: 'auto' });
  });

  it("the reason says to run node with --allow-worker, not to fix a Content-Security-Policy", () => {
    const real = detectPlatform() as Platform;
    // What node's Worker constructor throws there (node 20.20 with --experimental-permission).
    const denied = Object.assign(new Error('Access to this API has been restricted'), { code: 'ERR_ACCESS_DENIED', permission: 'WorkerThreads' });
    setPlatform({ ...real, spawn: () => { throw denied; } });
    ad.config({ threads: 2 });
    expect(ad.backendInfo().threads).toBe(1);
    const reason = ad.backendInfo().threadsReason!;
    expect(reason).toMatch(/starting worker threads failed \(Access to this API has been restricted\); Node's permission model forbids them: run node with --allow-worker, or set ad\.config\(\{ threads: 1 \}\)/);
    expect(reason).not.toMatch(/Content-Security-Policy/);
  });
});
