/**
 * native/heap.cc: on glibc the addon sets malloc's mmap and trim thresholds to the ceilings glibc's
 * own adaptation reaches (32 and 64 MiB), so results freed in a garbage collector's batch are reused
 * instead of handed back to the kernel and faulted in again; never where the environment already set
 * malloc's parameters, never off glibc, and not with ADJOINT_KEEP_HEAP=0. Each case runs in a child
 * Node: the thresholds are the process's.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ad from 'adjoint';
import { nativeHeapInfo, nativeKernelInfo } from '../src/tensor/kernels/native/nativeGemm.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'native/build/adjoint-native.node');
const glibc = typeof (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime === 'string';
const procStat = existsSync('/proc/self/stat');

/** The environment without malloc's own settings (the test's runner may have some). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const k of ['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'MALLOC_TOP_PAD_', 'MALLOC_MMAP_MAX_', 'GLIBC_TUNABLES', 'ADJOINT_KEEP_HEAP'])
    if (!(k in extra)) delete env[k];
  return env;
}

/** Runs `script` (CommonJS, `addon` bound to the build) in a child Node; its printed lines. */
function child(script: string, env: NodeJS.ProcessEnv, flags: string[] = []): string[] {
  const r = spawnSync(process.execPath, [...flags, '-e', `const addon = require(${JSON.stringify(build)});\n${script}`], { encoding: 'utf8', env, timeout: 60000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
}

describe.skipIf(!existsSync(build))('the native addon keeps freed heap memory for reuse (native/heap.cc)', () => {
  it.runIf(glibc)('sets the thresholds on glibc, once, where the environment has not', () => {
    expect(child('console.log(addon.keepHeap()); console.log(addon.keepHeap());', cleanEnv())).toEqual(['kept', 'kept']);
    // Tunables of another namespace are not malloc's.
    expect(child('console.log(addon.keepHeap())', cleanEnv({ GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F' }))).toEqual(['kept']);
  });

  it.runIf(glibc).each([
    ['MALLOC_TRIM_THRESHOLD_', '1048576'],
    ['MALLOC_MMAP_THRESHOLD_', '131072'],
    ['MALLOC_TOP_PAD_', '0'],
    ['MALLOC_MMAP_MAX_', '65536'],
    ['GLIBC_TUNABLES', 'glibc.malloc.trim_threshold=1048576'],
  ])('leaves malloc alone where the environment sets %s', (name, value) => {
    expect(child('console.log(addon.keepHeap())', cleanEnv({ [name]: value }))).toEqual(["the environment's settings"]);
  });

  it.runIf(glibc && procStat)('reads the environment the process started with, which glibc read, not the one it has now', () => {
    // Set after start: glibc never saw it, so the thresholds are still to be set.
    expect(child("process.env.MALLOC_TOP_PAD_ = '0'; console.log(addon.keepHeap())", cleanEnv())).toEqual(['kept']);
    // Given at start and removed since: glibc applied it, so it is left alone.
    expect(child('delete process.env.MALLOC_TRIM_THRESHOLD_; console.log(addon.keepHeap())', cleanEnv({ MALLOC_TRIM_THRESHOLD_: '1048576' }))).toEqual([
      "the environment's settings",
    ]);
  });

  it.runIf(!glibc)('says so where the C library is not glibc', () => {
    expect(child('console.log(addon.keepHeap())', cleanEnv())).toEqual(['not glibc']);
  });

  // The effect: batches of 4 MB results freed by the collector. glibc's adaptation trims the heap's
  // top after each batch (48 MB freed, past twice the largest block), so the next batch faults its
  // pages in again (about 5,000–6,000 faults a batch where measured); kept, under 120.
  it.runIf(glibc && procStat)('a batch of results freed by the collector is reused, not faulted in again', () => {
    const script = (keep: boolean) => `
      ${keep ? 'addon.keepHeap();' : ''}
      const minflt = () => Number(require('fs').readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[7]);
      const batch = () => { for (let i = 0; i < 12; i++) new Float64Array(Buffer.allocUnsafeSlow(1 << 22).buffer).fill(1); gc(); };
      batch(); batch();
      const before = minflt();
      for (let b = 0; b < 10; b++) batch();
      console.log((minflt() - before) / 10);`;
    const trimmed = Number(child(script(false), cleanEnv(), ['--expose-gc'])[0]);
    const kept = Number(child(script(true), cleanEnv(), ['--expose-gc'])[0]);
    expect(trimmed).toBeGreaterThan(1000); // 12 × 1,024 pages a batch; fewer where the collector frees late
    expect(kept).toBeLessThan(trimmed / 5);
  });

  it('the library calls it as the addon loads, unless ADJOINT_KEEP_HEAP=0', () => {
    ad.matmul(ad.ones([200, 200]), ad.ones([200, 200])); // loads the addon
    if (!nativeKernelInfo().available) return; // turned off in this run (ADJOINT_NATIVE=0)
    const expected = process.env.ADJOINT_KEEP_HEAP === '0' ? ['off'] : ['kept', "the environment's settings", 'not glibc'];
    expect(expected).toContain(nativeHeapInfo());
  });

  it.runIf(glibc)('ADJOINT_KEEP_HEAP=0 keeps it from being called', () => {
    const dist = join(root, 'dist/tensor/kernels/native/nativeGemm.js');
    if (!existsSync(dist) || !readFileSync(dist, 'utf8').includes('nativeHeapInfo')) return; // the built library predates it
    const script = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['--input-type=module', '-e', `
      import * as ad from ${JSON.stringify(join(root, 'dist/index.js'))};
      import { nativeHeapInfo } from ${JSON.stringify(dist)};
      ad.matmul(ad.ones([200, 200]), ad.ones([200, 200]));
      console.log(nativeHeapInfo());`], { encoding: 'utf8', env, timeout: 60000 }).stdout.trim();
    expect(script(cleanEnv({ ADJOINT_KEEP_HEAP: '0' }))).toBe('off');
    expect(script(cleanEnv())).toBe('kept');
  });
});
