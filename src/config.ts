/**
 * @file `ad.config` and `ad.backendInfo`: which backends adjoint may use — the WebAssembly matmul
 * kernel and generated JavaScript for jit loops — and which are in use.
 *
 * Both backends compile code at run time, which a page's Content-Security-Policy may forbid:
 * WebAssembly needs `'wasm-unsafe-eval'` in `script-src`, generated loops `'unsafe-eval'`. Where
 * forbidden, adjoint falls back (the JavaScript kernel, the jit interpreter: same results), but
 * the first attempt is reported as a CSP violation (a console error, a report to the site's
 * endpoint). A site under such a policy turns the backend off with `ad.config` before first use,
 * and nothing is attempted. Each is tried once, when first needed — never at load time.
 */
import { codegenAvailable, useCodegen } from './jit/programLoops.js';
import { InvalidArgumentError } from './core/errors.js';
import { useWasmKernels, wasmKernelsAvailable } from './tensor/kernels/wasm/gemm.js';

/** The backends adjoint may use; an omitted field keeps its current setting. */
export interface BackendConfig {
  /** The WebAssembly SIMD matmul kernel (default true; about 3× the JavaScript kernel's speed). */
  readonly wasm?: boolean | undefined;
  /** Generated JavaScript for the loops of jit programs (default true; else jit interprets them). */
  readonly codegen?: boolean | undefined;
}

/** What is in use: true where a backend is turned on and works here. */
export interface BackendInfo {
  /** The WebAssembly matmul kernel runs products of 16×16×16 multiply-adds and more. */
  readonly wasm: boolean;
  /** jit programs run repeating runs of 0-d ops as generated JavaScript loops. */
  readonly codegen: boolean;
}

const settings = { wasm: true, codegen: true };

/**
 * Turns backends on or off for everything computed from now on (jit programs already run keep
 * their generated loops), and returns the settings now in force.
 *
 * @example
 * import * as ad from 'adjoint';
 * // A page whose CSP has 'wasm-unsafe-eval' but not 'unsafe-eval':
 * ad.config({ codegen: false });
 * ad.backendInfo().codegen;   // => false
 * ad.config({ codegen: true });
 */
export function config(options: BackendConfig = {}): Required<BackendConfig> {
  for (const key of Object.keys(options) as Array<keyof BackendConfig>) {
    if (key !== 'wasm' && key !== 'codegen') {
      throw new InvalidArgumentError(`config: unknown option '${String(key)}'. The options are wasm and codegen (booleans).`);
    }
    const value = options[key];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new InvalidArgumentError(`config: ${key} must be true or false, but it is ${typeof value === 'string' ? `'${value}'` : String(value)}.`);
    }
  }
  if (options.wasm !== undefined) useWasmKernels((settings.wasm = options.wasm));
  if (options.codegen !== undefined) useCodegen((settings.codegen = options.codegen));
  return { ...settings };
}

/**
 * Which backends are in use. A backend that is turned on and not yet tried is tried now (under a
 * CSP that forbids it, that is reported as a violation: turn it off with `config` first).
 *
 * @example
 * import * as ad from 'adjoint';
 * ad.backendInfo();   // => { wasm: true, codegen: true }
 */
export function backendInfo(): BackendInfo {
  return { wasm: wasmKernelsAvailable(), codegen: codegenAvailable() };
}
