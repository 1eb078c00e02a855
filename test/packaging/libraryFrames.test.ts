/** @file Which stack frames are adjoint's own (unbundled here; bundles are tested in packaging.test.ts). */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { isLibraryFrame, userFrames } from '../../src/core/libraryFrames.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
const here = fileURLToPath(import.meta.url);

describe('library frames', () => {
  it('are the frames under the library folder, in V8 and Firefox formats, as paths or URLs', () => {
    expect(isLibraryFrame(`    at unary (${src}ops/unary.ts:10:3)`)).toBe(true);
    expect(isLibraryFrame(`    at ${src}core/trace.ts:7:1`)).toBe(true);
    expect(isLibraryFrame(`    at userModel (${here}:3:4)`)).toBe(false);
    expect(isLibraryFrame(`userModel@${here}:3:4`)).toBe(false);
    expect(isLibraryFrame(`    at Object.<anonymous> (${here}:3:4)`)).toBe(false); // a CommonJS module body
  });

  it('include every frame without a position of its own: builtins, node internals, generated code', () => {
    expect(isLibraryFrame('    at Array.map (<anonymous>)')).toBe(true);
    expect(isLibraryFrame('    at Module._compile (node:internal/modules/cjs/loader:1554:14)')).toBe(true);
    expect(isLibraryFrame(`    at eval (eval at compileLoop (${src}jit/programLoops.ts:1:2), <anonymous>:3:4)`)).toBe(true);
  });

  it("leave the user's frames of a real stack, innermost first", () => {
    const frames = userFrames(new Error().stack ?? '');
    expect(frames[0]).toMatch(/libraryFrames\.test\.ts:\d+:\d+\)?$/);
    expect(frames.every((f) => !f.includes(src) && !f.startsWith('node:'))).toBe(true);
  });
});
