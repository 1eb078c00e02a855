/**
 * @file Packaging review: what a user meets when the package lands somewhere unusual — a host that
 * looks like Node but lacks its worker built-ins, README claims measured against the package.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ad from 'adjoint';
import { setPlatform } from '../../src/tensor/threads/pool.js';
import { detectPlatform, type Platform } from '../../src/tensor/threads/platform.js';
import { orphans } from '../../scripts/prune-dist.mjs';

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

describe('npm pack publishes no file of dist/ that src/ no longer makes', () => {
  const repo = fileURLToPath(new URL('../../', import.meta.url));

  it("prepack removes the orphans (a renamed module's old output), and nothing else", () => {
    // tsc never deletes outputs, and `files: ["dist"]` publishes all of dist/: a module renamed or
    // removed since the last build went out in the tarball beside its successor.
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['prepack']).toBe('node scripts/prune-dist.mjs');
    const root = mkdtempSync(join(tmpdir(), 'adjoint-prune-'));
    try {
      const put = (file: string) => { mkdirSync(dirname(join(root, file)), { recursive: true }); writeFileSync(join(root, file), ''); };
      mkdirSync(join(root, 'scripts'));
      copyFileSync(join(repo, 'scripts/prune-dist.mjs'), join(root, 'scripts/prune-dist.mjs'));
      for (const f of ['src/index.ts', 'src/ops/unary.ts', 'dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/ops/unary.js', 'dist/ops/unary.d.ts']) put(f);
      const stale = ['dist/ops/old.js', 'dist/ops/old.d.ts', 'dist/ops/old.js.map', 'dist/gone/mod.js'];
      for (const f of stale) put(f);
      expect(orphans(root)).toEqual([...stale].sort());
      const run = spawnSync(process.execPath, [join(root, 'scripts/prune-dist.mjs')], { encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(''); // npm pack --json's report shares stdout with the lifecycle scripts
      expect(run.stderr).toMatch(/removed 4 file\(s\) of dist\//);
      for (const f of stale) expect(existsSync(join(root, f)), f).toBe(false);
      for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/index.js.map', 'dist/ops/unary.js', 'dist/ops/unary.d.ts']) expect(existsSync(join(root, f)), f).toBe(true);
      expect(orphans(root)).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
