/**
 * @file Review of the native matrix product (native/gemm.cc, scripts/build-native.mjs).
 *
 * The addon's bounds check formed off + (rows − 1)·ld + cols in 64-bit integers from numbers up to
 * 2^53: rows = ld = 2^32 + 1 (or 2^32 rows of row length 2^32) wrapped the sum to a few elements,
 * the check passed, and the product then read and wrote gigabytes past 4-element arrays (a
 * segmentation fault, found by calling the addon with adversarial numbers). Each call runs in a
 * child process, so a crash fails the assertion instead of the test worker.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const build = join(root, 'native/build/adjoint-native.node');

/** Calls the addon in a child Node with A, B, C of `len` elements and the 13 numbers; what it printed, and its exit status or signal. */
function callAddon(len: number, numbers: readonly number[]): { out: string; status: number | null; signal: string | null } {
  const script = `
    const addon = require(${JSON.stringify(build)});
    const [a, b, c] = [0, 1, 2].map(() => new Float64Array(${len}).fill(1));
    try { addon.gemm(a, b, c, Float64Array.from(${JSON.stringify(numbers)})); console.log('returned'); }
    catch (e) { console.log(e.constructor.name + ': ' + e.message); }`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15000 });
  return { out: r.stdout.trim(), status: r.status, signal: r.signal };
}

const G = 2 ** 32;

describe.skipIf(!existsSync(build))('the native product refuses extents whose reach overflows 64 bits', () => {
  // The 13 numbers: aOff, lda, bOff, ldb, cOff, ldc, m, k, n, transA, transB, fresh, threads.
  it.each([
    ['A and C with 2^32 + 1 rows of row length 2^32', [0, G, 0, 1, 0, G, G + 1, 1, 1, 0, 0, 1, 1]],
    ['Aᵀ and B 2^32 + 1 deep with row length 2^32', [0, G, 0, G, 0, 1, 1, G + 1, 1, 1, 0, 1, 1]],
    ['A and C with 2^24 + 1 rows of row length 2^40, on two threads', [0, 2 ** 40, 0, 4, 0, 2 ** 40, 2 ** 24 + 1, 1, 4, 0, 0, 0, 2]],
  ])('%s: a RangeError, not a crash', (_name, numbers) => {
    const r = callAddon(4, numbers);
    expect(r.signal).toBeNull();
    expect(r.out).toBe('RangeError: gemm: an operand is shorter than its offset, row length and extents need');
  });

  it('still accepts operands that end exactly at their arrays\' ends', () => {
    // C[2,2] with ldc 3 from offset 1 reaches element 1 + 3 + 2 − 1 = 5: the last of 6.
    expect(callAddon(6, [0, 1, 0, 2, 1, 3, 2, 1, 2, 0, 0, 1, 1]).out).toBe('returned');
    expect(callAddon(5, [0, 1, 0, 2, 1, 3, 2, 1, 2, 0, 0, 1, 1]).out).toMatch(/^RangeError/);
  });
});
