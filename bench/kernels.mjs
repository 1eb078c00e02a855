// Kernel speed (issue 7, item 3): matmul GFLOP/s of adjoint against plain JavaScript loops (the i-k-j loop and a 4×4 register-blocked loop), and elementwise and reduction throughput against plain loops over the same Float64Arrays.
import * as ad from 'adjoint';
import { measure } from './timing.mjs';
// The same module instance as the package's own (dist/index.js imports this file): turns the native
// product off and on, so that the table gives the WebAssembly kernel's rate beside it.
import { nativeKernelInfo, useNativeKernel } from '../dist/tensor/kernels/native/nativeGemm.js';

/** C = A·B by the i-k-j loop (what most hand-written JavaScript does). */
function matmulIKJ(a, b, m, k, n) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += x * b[p * n + j];
    }
  }
  return c;
}

/** C = A·B with 4×4 blocks of C in 16 locals over the whole k loop (m and n multiples of 4): the register-blocked reference. */
function matmulBlocked(a, b, m, k, n) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let j = 0; j < n; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        c00 += x0 * b0; c01 += x0 * b1; c02 += x0 * b2; c03 += x0 * b3;
        c10 += x1 * b0; c11 += x1 * b1; c12 += x1 * b2; c13 += x1 * b3;
        c20 += x2 * b0; c21 += x2 * b1; c22 += x2 * b2; c23 += x2 * b3;
        c30 += x3 * b0; c31 += x3 * b1; c32 += x3 * b2; c33 += x3 * b3;
      }
      let o = i * n + j;
      c[o] = c00; c[o + 1] = c01; c[o + 2] = c02; c[o + 3] = c03; o += n;
      c[o] = c10; c[o + 1] = c11; c[o + 2] = c12; c[o + 3] = c13; o += n;
      c[o] = c20; c[o + 1] = c21; c[o + 2] = c22; c[o + 3] = c23; o += n;
      c[o] = c30; c[o + 1] = c31; c[o + 2] = c32; c[o + 3] = c33;
    }
  }
  return c;
}

const fill = (len, seed) => Float64Array.from({ length: len }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));

/** Rows { kernel, size, unit, plain, plainBlocked?, adjoint } of throughputs (higher is faster). */
export function runKernels({ quick }) {
  const settings = quick
    ? { warmupRuns: 2, warmupMs: 50, rounds: 1, budgetMs: 150, minRuns: 3, maxRuns: 200 }
    : { warmupRuns: 3, warmupMs: 200, rounds: 3, budgetMs: 900, minRuns: 6, maxRuns: 2000 };
  const rows = [];
  for (const [m, k, n] of [[16, 16, 16], [128, 784, 256], [256, 256, 256]]) {
    const a = fill(m * k, 1), b = fill(k * n, 2);
    const A = ad.tensor(a, [m, k]), B = ad.tensor(b, [k, n]);
    const native = nativeKernelInfo().available;
    const wasmOnly = () => {
      useNativeKernel(false);
      try {
        return ad.matmul(A, B);
      } finally {
        useNativeKernel(true);
      }
    };
    const t = measure({ ikj: () => matmulIKJ(a, b, m, k, n), blocked: () => matmulBlocked(a, b, m, k, n), adjoint: () => ad.matmul(A, B), ...(native ? { wasm: wasmOnly } : {}) }, settings);
    const gflops = (x) => (2 * m * k * n) / x.ms / 1e6;
    rows.push({
      kernel: native ? 'matmul (native)' : 'matmul', size: `${m}x${k}x${n}`, unit: 'GFLOP/s', plain: gflops(t.ikj), plainBlocked: gflops(t.blocked), adjoint: gflops(t.adjoint),
      ...(native ? { adjointWasm: gflops(t.wasm) } : {}),
    });
  }
  const N = 1e6;
  const x = fill(N, 3), y = fill(N, 4);
  const X = ad.tensor(x, [N]), Y = ad.tensor(y, [N]);
  const gb = (bytes) => (r) => bytes / r.ms / 1e6;
  const elementwise = [
    ['add', 3 * 8 * N, () => { const o = new Float64Array(N); for (let i = 0; i < N; i++) o[i] = x[i] + y[i]; return o; }, () => ad.add(X, Y)],
    ['mul (broadcast scalar)', 2 * 8 * N, () => { const o = new Float64Array(N); for (let i = 0; i < N; i++) o[i] = x[i] * 2.5; return o; }, () => ad.mul(X, 2.5)],
    ['exp', 2 * 8 * N, () => { const o = new Float64Array(N); for (let i = 0; i < N; i++) o[i] = Math.exp(x[i]); return o; }, () => ad.exp(X)],
    ['sum', 8 * N, () => { let s = 0; for (let i = 0; i < N; i++) s += x[i]; return s; }, () => ad.sum(X)],
    ['logsumexp', 8 * N, () => { let m = -Infinity; for (let i = 0; i < N; i++) if (x[i] > m) m = x[i]; let s = 0; for (let i = 0; i < N; i++) s += Math.exp(x[i] - m); return m + Math.log(s); }, () => ad.logsumexp(X)],
  ];
  for (const [name, bytes, plain, adj] of elementwise) {
    const t = measure({ plain, adjoint: adj }, settings);
    rows.push({ kernel: name, size: 'n=1e6', unit: 'GB/s', plain: gb(bytes)(t.plain), adjoint: gb(bytes)(t.adjoint) });
  }
  return rows;
}

/** The kernel table as text. */
export function formatKernels(rows) {
  const head = ['kernel', 'size', 'unit', 'plain loop', 'plain blocked', 'adjoint', 'adjoint WebAssembly', 'adjoint / best plain'];
  const body = rows.map((r) => {
    const best = Math.max(r.plain, r.plainBlocked ?? 0);
    const opt = (v) => (v === undefined ? '-' : v.toFixed(2));
    return [r.kernel, r.size, r.unit, r.plain.toFixed(2), opt(r.plainBlocked), r.adjoint.toFixed(2), opt(r.adjointWasm), (r.adjoint / best).toFixed(2)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
