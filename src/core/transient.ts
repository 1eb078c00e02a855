/**
 * @file Failures of a moment, not of the host: a stack overflow, which a kernel's first use may
 * meet inside a user's deep recursion. A check that caches its answer for the process — is
 * WebAssembly SIMD here, may code be generated, do workers start, does the native build load —
 * must not cache one as "unavailable": a single caught overflow would otherwise turn the fast
 * kernels off for good (a review found wasm, native and threads all off after one, and the
 * results' bits changed with them). A refused allocation is not one of these: under a capped
 * address space (`ulimit -v`, a 32-bit or mobile browser) `new WebAssembly.Memory` fails on every
 * try, and trying on every call made `exp` 780× slower (the diff review).
 */

let count = 0;

/**
 * Whether `e` is a stack overflow: V8's and JavaScriptCore's RangeError "Maximum call stack size
 * exceeded", SpiderMonkey's InternalError "too much recursion". (A host without WebAssembly SIMD or
 * code generation fails with a CompileError, EvalError or TypeError; refused memory with a
 * RangeError of another message.) Counts what it recognises: see `transientFailures`.
 */
export function transientFailure(e: unknown): boolean {
  const overflow = e instanceof Error && (
    (e instanceof RangeError && /call stack/i.test(e.message)) || (e.name === 'InternalError' && /recursion/i.test(e.message)));
  if (overflow) count++;
  return overflow;
}

/**
 * How many transient failures setup code has met so far: a jit program (jit/program.ts `run`)
 * compares it before and after making its plan and does not keep a plan made while code
 * generation failed for the moment (it would stay unfused for its whole life). @internal
 */
export function transientFailures(): number {
  return count;
}
