/**
 * @file How this host starts worker threads, found at run time with no import of Node built-ins
 * (the file is the same in browser bundles): Node's `worker_threads` through
 * `process.getBuiltinModule` (Node 20.16+, 22.3+), a browser's Web Workers from a Blob URL when the
 * page is cross-origin isolated — or the reason neither works, and the caller stays on one thread.
 *
 * Shared memory is what threads need: a `SharedArrayBuffer` reaches a browser worker only in a
 * cross-origin isolated page (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`); elsewhere `crossOriginIsolated` is false and
 * nothing is attempted (so no CSP violation is reported either).
 */
import { transientFailure } from '../../core/transient.js';

/** A started worker: post it one message, stop it, hear of its failure. */
export interface WorkerHandle {
  post(message: unknown): void;
  terminate(): void;
}

/** What the host offers: a way to start workers from source, its core count, and whether this thread may block. */
export interface Platform {
  /** Starts a worker running `source` (a classic script); `onError` hears of a failure to start or run it. Throws where the host refuses (a CSP without `worker-src blob:`). */
  spawn(source: string, onError: (message: string) => void): WorkerHandle;
  /** Logical processors (os.availableParallelism, navigator.hardwareConcurrency). */
  cores: number;
  /** Whether Atomics.wait may block this thread (not on a browser's main thread). */
  canWait: boolean;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
  unref(): void;
  on(event: 'error', listener: (e: Error) => void): void;
}
interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}

/** Whether Atomics.wait may block here: a browser's main thread throws for any call, even one that would not wait. */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // 'not-equal' at once where allowed
    return true;
  } catch {
    return false;
  }
}

/** This host's way to start workers, or why there is none. */
export function detectPlatform(): Platform | string {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is unavailable: in a browser, serve the page cross-origin isolated ' +
      '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)';
  }
  const g = globalThis as { process?: NodeProcess; crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  const nodeProcess = g.process;
  if (nodeProcess !== undefined && typeof (nodeProcess as { versions?: { node?: string } }).versions?.node === 'string') {
    if (typeof nodeProcess.getBuiltinModule !== 'function') return 'worker threads need Node 20.16+ or 22.3+ (process.getBuiltinModule)';
    // A host that looks like Node but lacks these modules (an edge runtime's Node compatibility
    // layer) throws or gives undefined: that is a reason for one thread, never an error of the op
    // that asked (nor of backendInfo).
    let threads: { Worker?: new (src: string, opts: object) => NodeWorker } | undefined;
    let os: { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
    try {
      threads = nodeProcess.getBuiltinModule('node:worker_threads') as typeof threads;
      os = nodeProcess.getBuiltinModule('node:os') as typeof os;
    } catch (e) {
      if (transientFailure(e)) throw e; // a stack overflow, not a missing module: the caller does not cache it
      return `this host has no worker_threads (${e instanceof Error ? e.message : String(e)})`;
    }
    const WorkerClass = threads?.Worker;
    if (typeof WorkerClass !== 'function') return "this host's process.getBuiltinModule gives no worker_threads.Worker";
    return {
      cores: os?.availableParallelism?.() ?? os?.cpus?.().length ?? g.navigator?.hardwareConcurrency ?? 1,
      canWait: true,
      spawn(source, onError) {
        const worker = new WorkerClass(source, { eval: true });
        worker.unref(); // an idle pool never keeps the process alive
        worker.on('error', (e) => onError(e.message));
        return { post: (m) => worker.postMessage(m), terminate: () => void worker.terminate() };
      },
    };
  }
  if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL === 'undefined' || typeof URL.createObjectURL !== 'function') {
    return 'this host has no Web Workers';
  }
  if (g.crossOriginIsolated !== true) {
    return 'the page is not cross-origin isolated, so SharedArrayBuffer cannot reach a worker ' +
      '(serve it with Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)';
  }
  return {
    cores: g.navigator?.hardwareConcurrency ?? 1,
    canWait: mayBlock(),
    spawn(source, onError) {
      // The URL lives as long as the worker: revoking it at once may race the worker's load.
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      let worker: Worker;
      try {
        worker = new Worker(url); // a CSP without worker-src blob: throws here (or reports an error event)
      } catch (e) {
        URL.revokeObjectURL(url);
        throw e;
      }
      worker.onerror = (e) => {
        e.preventDefault();
        onError(e.message || 'the worker failed to load (a Content-Security-Policy without worker-src blob:?)');
      };
      // Chromium creates a worker that a CSP forbids and reports a violation event (then, maybe, an
      // error on the worker): either says the pool cannot run.
      const target = (globalThis as { document?: EventTarget }).document ?? globalThis;
      const violation = (e: Event) => {
        const v = e as SecurityPolicyViolationEvent;
        if (v.blockedURI === url || v.blockedURI === 'blob') onError(`the Content-Security-Policy's ${v.effectiveDirective} forbids a worker from a blob: URL`);
      };
      target.addEventListener?.('securitypolicyviolation', violation);
      return {
        post: (m) => worker.postMessage(m),
        terminate: () => {
          target.removeEventListener?.('securitypolicyviolation', violation);
          worker.terminate();
          URL.revokeObjectURL(url);
        },
      };
    },
  };
}
