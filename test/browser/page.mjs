// The browser test's page script: loads adjoint as <script type="module"> from a CDN-style path,
// applies ?config=, runs the workload with ?variants=, and leaves the results in window.__results.
import * as ad from '/npm/adjoint@0.1.0/dist/index.js';
// The pool's own module (the same URL the package imports, so the same instance): chunks its workers computed.
import { threadPool } from '/npm/adjoint@0.1.0/dist/tensor/threads/pool.js';
import { workload } from '/workload.mjs';

const params = new URLSearchParams(location.search);
const violations = (window.__violations = []); // CSP reports arrive as events, possibly after the results
document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
try {
  ad.config(JSON.parse(params.get('config') ?? '{}'));
  const results = workload(ad, JSON.parse(params.get('variants')));
  results.backendInfo = ad.backendInfo();
  if (params.has('threads')) results.threads = await threadsCheck();
  window.__results = results;
} catch (e) {
  window.__results = { error: `${e.name}: ${e.message}\n${e.stack}` };
}

/**
 * ?threads: a 256³ product on 2 threads against 1, bit for bit, repeated across turns of the event
 * loop (a worker that fails to load is reported by backendInfo once its error event arrives), and
 * the median time of each (the main thread spins while a worker finishes its chunk).
 */
async function threadsCheck() {
  const a = ad.random.normal([256, 256], 7);
  const time = (threads) => {
    ad.config({ threads });
    const ms = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      ad.matmul(a, a);
      ms.push(performance.now() - t0);
    }
    return ms.sort((p, q) => p - q)[3];
  };
  ad.config({ threads: 1 });
  const one = ad.matmul(a, a).toFloat64Array();
  ad.config({ threads: 2 });
  const before = ad.backendInfo();
  let same = true;
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    same &&= ad.matmul(a, a).toFloat64Array().every((v, j) => v === one[j]);
  }
  const workerChunks = threadPool()?.worked ?? 0;
  const ms = { one: time(1), two: time(2) };
  const after = ad.backendInfo();
  ad.config({ threads: 'auto' });
  return { crossOriginIsolated: self.crossOriginIsolated, before, after, same, workerChunks, ms };
}
