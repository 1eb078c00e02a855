/**
 * @file `ad.config` and `ad.backendInfo`: which backends adjoint may use — worker threads for large
 * kernels, the WebAssembly matmul kernel and generated JavaScript for jit loops — and which are in use.
 *
 * Both backends compile code at run time, which a page's Content-Security-Policy may forbid:
 * WebAssembly needs `'wasm-unsafe-eval'` in `script-src`, generated loops `'unsafe-eval'`. Where
 * forbidden, adjoint falls back (the JavaScript kernel, the jit interpreter: same results), but
 * the first attempt is reported as a CSP violation (a console error, a report to the site's
 * endpoint). A site under such a policy turns the backend off with `ad.config` before first use,
 * and nothing is attempted. Each is tried once, when first needed — never at load time.
 *
 * Worker threads (src/tensor/threads/) start from a Blob URL in browsers, which a CSP without
 * `worker-src blob:` forbids; they are only tried in a cross-origin isolated page, and
 * `config({ threads: 1 })` keeps even those from trying.
 */
import { codegenAvailable, useCodegen } from './jit/programLoops.js';
import { autoJitSetting } from './jit/autoJit.js';
import { InvalidArgumentError } from './core/errors.js';
import { useWasmKernels, wasmKernelsAvailable } from './tensor/kernels/wasm/gemm.js';
import { setThreads, threadSetting, threadsInfo, type ThreadSetting } from './tensor/threads/pool.js';
import { extraArguments } from './core/extraArguments.js';

/** The backends adjoint may use; an omitted field keeps its current setting. */
export interface BackendConfig {
  /**
   * Threads for large kernels, the calling thread included: a count, or 'auto' (the default: the
   * machine's logical cores, at most 4). Matrix products of 128³ multiply-adds and more (and what
   * runs on them: batched products, convolution, the blocked factorizations) are split by rows
   * across worker threads; 1 keeps everything on the calling thread.
   */
  readonly threads?: number | 'auto' | undefined;
  /** The WebAssembly SIMD matmul kernel (default true; about 3× the JavaScript kernel's speed). */
  readonly wasm?: boolean | undefined;
  /** Generated JavaScript for the loops of jit programs (default true; else jit interprets them). */
  readonly codegen?: boolean | undefined;
  /**
   * Gradient functions (`grad`, `valueAndGrad`) whose call turns out to be a long run of 0-d ops
   * wrap themselves in `jit`: the next call records, later ones replay (default false; see
   * docs/jit.md, "autoJit": the caveats of jit then apply to them).
   */
  readonly autoJit?: boolean | undefined;
}

/** What is in use: true where a backend is turned on and works here. */
export interface BackendInfo {
  /** Threads large kernels run on (1: the calling thread only). */
  readonly threads: number;
  /** Where `threads` is 1: why (the setting, no shared memory, no workers, WebAssembly off). */
  readonly threadsReason?: string;
  /** The WebAssembly matmul kernel runs products of 16×16×16 multiply-adds and more. */
  readonly wasm: boolean;
  /** jit programs run repeating runs of 0-d ops as generated JavaScript loops. */
  readonly codegen: boolean;
}

const settings = { wasm: true, codegen: true, autoJit: false };

/** A valid thread setting, or an error naming the fix. */
function checkThreads(value: unknown): ThreadSetting {
  if (value === 'auto' || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 64)) return value;
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  throw new InvalidArgumentError(`config: threads must be 'auto' or a whole number from 1 to 64, but it is ${shown}.`);
}

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
export function config(options?: BackendConfig): Required<BackendConfig>;
export function config(options: BackendConfig = {}, ...extra: unknown[]): Required<BackendConfig> {
  if (extra.length > 0) extraArguments('config', 'config(options?)', extra, options);
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`config: options must be an object such as { threads: 1 }, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : `${typeof options} ${String(options)}`}; call config() to read the settings.`);
  }
  for (const key of Object.keys(options) as Array<keyof BackendConfig>) {
    if (key !== 'wasm' && key !== 'codegen' && key !== 'threads' && key !== 'autoJit') {
      throw new InvalidArgumentError(`config: unknown option '${String(key)}'. The options are threads ('auto' or a count), wasm, codegen and autoJit (booleans).`);
    }
    const value = options[key];
    if (key === 'threads') {
      if (value !== undefined) checkThreads(value);
      continue;
    }
    if (value !== undefined && typeof value !== 'boolean') {
      throw new InvalidArgumentError(`config: ${key} must be true or false, but it is ${typeof value === 'string' ? `'${value}'` : String(value)}.`);
    }
  }
  if (options.wasm !== undefined) useWasmKernels((settings.wasm = options.wasm));
  if (options.codegen !== undefined) useCodegen((settings.codegen = options.codegen));
  if (options.autoJit !== undefined) autoJitSetting.on = settings.autoJit = options.autoJit;
  if (options.threads !== undefined) setThreads(options.threads);
  return { threads: threadSetting(), ...settings };
}

/**
 * Which backends are in use. A backend that is turned on and not yet tried is tried now (under a
 * CSP that forbids it, that is reported as a violation: turn it off with `config` first).
 *
 * @example
 * import * as ad from 'adjoint';
 * ad.backendInfo().wasm;   // => true
 * ad.config({ threads: 1 });
 * ad.backendInfo().threads;   // => 1
 * ad.config({ threads: 'auto' });
 */
export function backendInfo(): BackendInfo;
export function backendInfo(...extra: unknown[]): BackendInfo {
  if (extra.length > 0) extraArguments('backendInfo', 'backendInfo()', extra);
  const wasm = wasmKernelsAvailable(), codegen = codegenAvailable();
  // The threads run the WebAssembly kernels, so without them there is one thread.
  const { threads, reason } = wasm ? threadsInfo() : { threads: 1, reason: 'the WebAssembly kernels are off or unavailable, and threads run them' };
  return reason === null ? { threads, wasm, codegen } : { threads, threadsReason: reason, wasm, codegen };
}
