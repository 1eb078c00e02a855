/**
 * @file adjoint in a real browser: Debian's chromium (driven by playwright-core, never a
 * downloaded browser) loads the package as `<script type="module">` from a CDN-style path and runs
 * grad, hvp, jit (generated loops and the interpreter), the WebAssembly and JavaScript matmul, a
 * CRF, argmin and the training of a small CNN under three Content-Security-Policies (and worker
 * threads in a cross-origin isolated page, with and without a CSP that forbids them, and from an
 * esbuild bundle of the page); every number
 * must equal Node's, and any console error fails the test. Without chromium the tests are skipped, and say why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'esbuild';
import * as ad from 'adjoint';
import { buildPackage, repoRoot } from '../packaging/buildPackage.js';
import { chromiumArgs, chromiumMissing, chromiumPath } from './chromium.mjs';
import { workload } from './workload.mjs';

interface Results {
  values: Record<string, number[]>;
  backends: Record<string, { wasm?: boolean; codegen?: boolean; loops?: number }>;
  ms: Record<string, number>;
  cnn: { losses: number[]; msPerStep: number };
  backendInfo: { threads: number; threadsReason?: string; wasm: boolean; codegen: boolean };
  threads?: { crossOriginIsolated: boolean; before: Results['backendInfo']; after: Results['backendInfo']; same: boolean; workerChunks: number; ms: { one: number; two: number } };
  error?: string;
}

const missing = chromiumMissing();
if (missing !== null) console.warn(`browser tests skipped: ${missing}`);

const both = { codegen: [true, false], wasm: [true, false] };
const reference = workload(ad, both) as Results;

let project = '';
/** page.mjs with the package and workload.mjs bundled into one minified ES module by esbuild (the page's ?bundle). */
let bundle = '';
/** Requests for the package's files (a bundled page makes none). */
let packageRequests = 0;
let server: Server | null = null;
let origin = '';
let browser: Browser | null = null;
const timings: string[] = [];

const types: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json', '.ts': 'text/plain' };

beforeAll(async () => {
  if (missing !== null) return;
  const { project: dir, pkg } = buildPackage('adjoint-browser-');
  project = dir;
  const prefix = '/npm/adjoint@0.1.0/';
  const bundled = await build({
    entryPoints: [join(repoRoot, 'test/browser/page.mjs')], bundle: true, minify: true, format: 'esm', write: false, logLevel: 'silent',
    plugins: [{ name: 'page-urls', setup(b) {
      // The page's absolute URLs: the package's files, and the workload beside the page.
      b.onResolve({ filter: /^\// }, (a) => (a.kind === 'entry-point' ? undefined
        : { path: a.path.startsWith(prefix) ? join(pkg, a.path.slice(prefix.length)) : join(repoRoot, 'test/browser', a.path) }));
    } }],
  });
  bundle = bundled.outputFiles[0]!.text;
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(body);
    };
    if (url.pathname === '/page.html') {
      const csp = url.searchParams.get('csp');
      const script = url.searchParams.has('bundle') ? '/bundle.mjs' : '/page.mjs';
      const html = `<!doctype html><meta charset="utf-8"><title>adjoint</title><link rel="icon" href="data:,"><script type="module" src="${script}${url.search}"></script>`;
      // ?coi: cross-origin isolated (SharedArrayBuffer, so worker threads); every resource is same-origin.
      const isolated: Record<string, string> = url.searchParams.has('coi') ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
      const policy: Record<string, string> = csp ? { 'content-security-policy': csp } : {};
      return send(200, 'text/html', html, { ...policy, ...isolated });
    }
    if (url.pathname === '/bundle.mjs') return send(200, 'text/javascript', bundle);
    if (url.pathname === '/page.mjs' || url.pathname === '/workload.mjs') {
      return send(200, 'text/javascript', readFileSync(join(repoRoot, 'test/browser', url.pathname)));
    }
    const prefix = '/npm/adjoint@0.1.0/';
    if (url.pathname.startsWith(prefix)) packageRequests++;
    const file = normalize(join(pkg, url.pathname.slice(prefix.length)));
    if (url.pathname.startsWith(prefix) && file.startsWith(pkg) && existsSync(file) && statSync(file).isFile()) {
      return send(200, types[extname(file)] ?? 'application/octet-stream', readFileSync(file));
    }
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (project !== '') rmSync(project, { recursive: true, force: true });
  if (timings.length > 0) console.log(`browser timings (ms):\n  ${timings.join('\n  ')}`);
});

/** Loads the page under `csp` with `config` applied first; returns its results and console errors. */
async function visit(csp: string | null, config: object, variants: object, extra: Record<string, string> = {}) {
  const context = await browser!.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(`page error: ${e.message}`));
  const query = new URLSearchParams({ config: JSON.stringify(config), variants: JSON.stringify(variants), ...(csp ? { csp } : {}), ...extra });
  const started = Date.now();
  await page.goto(`${origin}/page.html?${query}`);
  await page.waitForFunction(() => (window as { __results?: unknown }).__results !== undefined, undefined, { timeout: 60_000 });
  await page.waitForTimeout(100); // CSP reports are queued as events
  const results = (await page.evaluate(() => (window as { __results?: unknown }).__results)) as Results;
  const violations = (await page.evaluate(() => (window as { __violations?: string[] }).__violations)) as string[];
  await context.close();
  return { results, errors, violations, seconds: (Date.now() - started) / 1000 };
}

/** Every number the browser computed equals Node's (the matmul kernels' sums may round differently). */
function expectValues(results: Results): void {
  expect(results.error).toBeUndefined();
  for (const [name, values] of Object.entries(results.values)) {
    const want = reference.values[name.replace(/Js$|Wasm$/, 'Js')] ?? reference.values[name]!;
    expect(values.length, name).toBe(want.length);
    values.forEach((v, i) => expect(Math.abs(v - want[i]!), `${name}[${i}]`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[i]!))));
  }
}

/**
 * The CNN trained in the page (workload.mjs: two ad.conv layers, Adam, 30 steps): its loss falls
 * to under a tenth, along Node's trajectory (to 1e-9: thirty steps of Adam may amplify the
 * last-bit differences of the matmul kernels a little), at under 250 ms a step (about 5 ms on the
 * bench machine): training runs at interactive speed in the browser.
 */
function expectCnnTrained(results: Results): string {
  const { losses, msPerStep } = results.cnn;
  const want = reference.cnn.losses;
  expect(losses.length).toBe(want.length);
  losses.forEach((v, i) => expect(Math.abs(v - want[i]!), `cnn loss ${i}`).toBeLessThanOrEqual(1e-9 * Math.abs(want[i]!)));
  expect(losses[0]).toBeGreaterThan(0.6); // about log 2: the untrained net guesses
  expect(losses.at(-1)!).toBeLessThan(losses[0]! / 10);
  expect(msPerStep).toBeGreaterThan(0);
  expect(msPerStep).toBeLessThan(250);
  return `cnn ${msPerStep.toFixed(2)} ms/step (loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(4)} in ${losses.length - 1} steps)`;
}

const SELF = "script-src 'self'";

describe.skipIf(missing !== null)(`in Chromium (${missing === null ? chromiumPath : `skipped: ${missing}`})`, () => {
  it('Node agrees with itself across backends (the reference is sound)', () => {
    expect(reference.backends.jitGenerated).toEqual({ codegen: true, loops: expect.any(Number) });
    expect(reference.backends.jitGenerated!.loops).toBeGreaterThan(0);
    expect(reference.backends.jitInterpreted).toEqual({ codegen: false, loops: 0 });
    expect(reference.values.jitGenerated).toEqual(reference.values.jitInterpreted);
    expect(reference.backends.matmulWasm).toEqual({ wasm: true });
    reference.values.matmulWasm!.forEach((v, i) => expect(v).toBeCloseTo(reference.values.matmulJs![i]!, 12));
    expect(reference.values.argminHypergradient![0]).toBeCloseTo(-31 / 225, 10);
  });

  it('no CSP: WebAssembly and generated code, both checked against their fallbacks', async () => {
    const { results, errors, violations, seconds } = await visit(null, {}, both);
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expectValues(results);
    expect(results.backends).toEqual({
      jitGenerated: { codegen: true, loops: reference.backends.jitGenerated!.loops },
      jitInterpreted: { codegen: false, loops: 0 },
      matmulWasm: { wasm: true },
      matmulJs: { wasm: false },
    });
    expect(results.backendInfo).toEqual({ threads: 1, threadsReason: expect.stringMatching(/cross-origin isolated/), wasm: true, codegen: true });
    const cnn = expectCnnTrained(results);
    timings.push(`no CSP: page ${seconds.toFixed(2)} s; ${Object.entries(results.ms).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}; ${cnn}`);
  });

  it(`${SELF} with ad.config({ wasm: false, codegen: false }): no violation reported`, async () => {
    const { results, errors, violations } = await visit(SELF, { wasm: false, codegen: false }, { codegen: [false], wasm: [false] });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expectValues(results);
    expect(results.backendInfo).toMatchObject({ threads: 1, wasm: false, codegen: false });
    const cnn = expectCnnTrained(results);
    timings.push(`${SELF}, both off: ${Object.entries(results.ms).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}; ${cnn}`);
  });

  it(`${SELF} without ad.config: both fall back with the right numbers; the browser reports the attempts as violations`, async () => {
    const { results, errors, violations } = await visit(SELF, {}, { codegen: [true], wasm: [true] });
    expectValues(results);
    expect(results.backends.jitGenerated).toEqual({ codegen: false, loops: 0 });
    expect(results.backends.matmulWasm).toEqual({ wasm: false });
    expect(results.backendInfo).toMatchObject({ threads: 1, wasm: false, codegen: false });
    // One report per backend tried (the WebAssembly compile and `new Function`), then no more attempts.
    expect(violations).toEqual(['script-src', 'script-src']);
    for (const e of errors) expect(e).toMatch(/Content Security Policy/);
  });

  it(`${SELF} 'wasm-unsafe-eval' with ad.config({ codegen: false }): WebAssembly runs, no violation`, async () => {
    const { results, errors, violations } = await visit(`${SELF} 'wasm-unsafe-eval'`, { codegen: false }, { codegen: [false], wasm: [true, false] });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expectValues(results);
    expect(results.backends.matmulWasm).toEqual({ wasm: true });
    expect(results.backendInfo).toEqual({ threads: 1, threadsReason: expect.stringMatching(/cross-origin isolated/), wasm: true, codegen: false });
    timings.push(`${SELF} 'wasm-unsafe-eval', codegen off: ${Object.entries(results.ms).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  });

  it('cross-origin isolated (COOP/COEP), no CSP: worker threads from a Blob URL, the same bits as one thread', async () => {
    const { results, errors, violations } = await visit(null, {}, both, { coi: '1', threads: '1' });
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expectValues(results);
    const t = results.threads!;
    expect(t.crossOriginIsolated).toBe(true);
    expect(t.before).toEqual({ threads: 2, wasm: true, codegen: true });
    expect(t.after).toEqual({ threads: 2, wasm: true, codegen: true });
    expect(t.same).toBe(true);
    expect(t.workerChunks).toBeGreaterThan(0); // the worker computed some of the ten products' chunks
    timings.push(`cross-origin isolated: 256³ matmul 1 thread ${t.ms.one.toFixed(2)} ms, 2 threads ${t.ms.two.toFixed(2)} ms`);
  });

  it('bundled by esbuild into one minified module, cross-origin isolated: the same numbers, and worker threads compute', async () => {
    const requestsBefore = packageRequests;
    const { results, errors, violations } = await visit(null, {}, both, { coi: '1', threads: '1', bundle: '1' });
    expect(packageRequests).toBe(requestsBefore); // the page ran the bundle, not the package's files
    expect(errors).toEqual([]);
    expect(violations).toEqual([]);
    expectValues(results);
    expectCnnTrained(results);
    const t = results.threads!;
    expect(t.before).toEqual({ threads: 2, wasm: true, codegen: true });
    expect(t.after).toEqual({ threads: 2, wasm: true, codegen: true });
    expect(t.same).toBe(true);
    expect(t.workerChunks).toBeGreaterThan(0);
  });

  it(`cross-origin isolated, ${SELF} 'wasm-unsafe-eval' (no worker-src blob:): with threads: 1 nothing is attempted; without, one thread and the reason`, async () => {
    const csp = `${SELF} 'wasm-unsafe-eval'`;
    const quiet = await visit(csp, { codegen: false, threads: 1 }, { codegen: [false], wasm: [true] }, { coi: '1' });
    expect(quiet.errors).toEqual([]);
    expect(quiet.violations).toEqual([]);
    expectValues(quiet.results);
    expect(quiet.results.backendInfo).toEqual({ threads: 1, threadsReason: 'threads: 1 is set', wasm: true, codegen: false });
    const tried = await visit(csp, { codegen: false }, { codegen: [false], wasm: [true] }, { coi: '1', threads: '1' });
    expectValues(tried.results);
    expect(tried.results.threads!.after).toMatchObject({ threads: 1, threadsReason: expect.stringMatching(/worker-src blob:/) });
    expect(tried.results.threads!.same).toBe(true);
    expect(tried.violations).toEqual(['worker-src']); // one attempt: a failure is not retried
  });
});
