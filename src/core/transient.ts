/**
 * @file Failures of a moment, not of the host: what a kernel's first use may meet inside a user's
 * deep recursion (a stack overflow) or under memory pressure (an allocation refused). A check that
 * caches its answer for the process — is WebAssembly SIMD here, may code be generated, do workers
 * start, does the native build load — must not cache these as "unavailable": one caught stack
 * overflow would otherwise turn the fast kernels off for good (a review found wasm, native and
 * threads all off after one, and the results' bits changed with them).
 */

/**
 * Whether `e` is a stack overflow or a refused allocation: a RangeError (V8's "Maximum call stack
 * size exceeded", "Array buffer allocation failed", WebAssembly.Memory's "could not allocate
 * memory") or Firefox's InternalError ("too much recursion"). A host without WebAssembly SIMD or
 * code generation fails with a CompileError, EvalError or TypeError instead.
 */
export function transientFailure(e: unknown): boolean {
  return e instanceof RangeError || (e instanceof Error && e.name === 'InternalError');
}
