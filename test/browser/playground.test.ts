/**
 * @file The playground in Debian's chromium: `scripts/playground.mjs` builds and serves
 * playground/, the page loads under its own Content-Security-Policy with both backends on, and
 * every preset is picked from the list and run with the Run button. What each prints must equal
 * what the same code prints in Node with dist/ (and, for the README's samples, the README's
 * `// =>` values); every picture must be drawn (not one flat colour) and is saved as a screenshot
 * in test/.generated/playground/. Any console error, page error, failed request or CSP violation
 * fails. Without chromium the tests are skipped, and say why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumMissing, chromiumPath } from './chromium.mjs';

interface Preset { id: string; title: string; group: string; origin: string; code: string; expected: string[] }
interface RunError { name: string; message: string; adjoint: boolean; line: number | null }
interface Run { values: unknown[]; error: RunError | null }
interface LastRun extends Run { id: string; pictures: number; ms: number }
type RunCode = (ad: unknown, code: string) => Run;

const root = fileURLToPath(new URL('../../', import.meta.url));
const shots = join(root, 'test', '.generated', 'playground');
const missing = chromiumMissing();
if (missing !== null) console.warn(`playground browser tests skipped: ${missing}`);

let server: ChildProcess | null = null;
let url = '';
let browser: Browser | null = null;
let page: Page | null = null;
let presets: Preset[] = [];
let runInNode: (code: string) => Run = () => { throw new Error('not loaded'); };
const errors: string[] = [];
const timings: string[] = [];

/** Starts `node scripts/playground.mjs` on a free port (it builds first); resolves its URL. */
function startServer(): Promise<string> {
  const child = spawn(process.execPath, [join(root, 'scripts', 'playground.mjs')], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  let log = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(log);
      if (m) resolve(m[0]);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`scripts/playground.mjs exited (${code}) before serving:\n${log}`)));
  });
}

beforeAll(async () => {
  if (missing !== null) return;
  url = await startServer();
  // The same library the page runs (the server script built dist/ and bundled it), and the same runner.
  const ad = await import(pathToFileURL(join(root, 'dist', 'index.js')).href);
  const { runCode } = (await import(pathToFileURL(join(root, 'playground', 'run.js')).href)) as { runCode: RunCode };
  presets = ((await import(pathToFileURL(join(root, 'playground', 'build', 'presets.js')).href)) as { presets: Preset[] }).presets;
  runInNode = (code) => runCode(ad, code);
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => void (m.type() === 'error' && errors.push(`console: ${m.text()}`)));
  page.on('pageerror', (e) => void errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => void errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => void (r.status() >= 400 && errors.push(`HTTP ${r.status()}: ${r.url()}`)));
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const started = Date.now();
  await page.goto(url);
  // The first preset runs as the page loads.
  await page.waitForFunction(() => (window as unknown as { playground?: { lastRun: unknown } }).playground?.lastRun, undefined, { timeout: 30_000 });
  timings.push(`page loaded and ran its first preset in ${Date.now() - started} ms`);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
  if (timings.length > 0) console.log(`playground timings:\n  ${timings.join('\n  ')}\n  screenshots: ${shots}`);
});

/** Numbers equal to 1e-9 relative (the WebAssembly and JavaScript matmul may round differently), the rest exactly. */
function expectSame(actual: unknown, expected: unknown, where: string): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected)) return void expect(actual, where).toBeNaN();
    if (actual !== expected) expect(Math.abs(actual - expected), where).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual) && actual.length, `${where}: length`).toBe(expected.length);
    expected.forEach((e, i) => expectSame((actual as unknown[])[i], e, `${where}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object), `${where}: keys`).toEqual(Object.keys(expected));
    for (const [k, e] of Object.entries(expected)) expectSame((actual as Record<string, unknown>)[k], e, `${where}.${k}`);
  } else {
    expect(actual, where).toEqual(expected);
  }
}

/** Clicks Run (or presses Ctrl+Enter in the editor) and returns the page's record of the run. */
async function runInPage(p: Page, how: 'button' | 'keys' = 'button'): Promise<LastRun> {
  await p.evaluate(() => void ((window as unknown as { playground: { lastRun: unknown } }).playground.lastRun = null));
  if (how === 'button') await p.click('#run');
  else await p.press('#code', 'Control+Enter');
  await p.waitForFunction(() => (window as unknown as { playground: { lastRun: unknown } }).playground.lastRun !== null, undefined, { timeout: 60_000 });
  return (await p.evaluate(() => (window as unknown as { playground: { lastRun: unknown } }).playground.lastRun)) as LastRun;
}

/** The number of distinct colours in each canvas of the output (a blank canvas has one). */
const canvasColours = (p: Page) => p.$$eval('#output canvas', (canvases) => canvases.map((c) => {
  const { data } = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height);
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += 4) seen.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
  return seen.size;
}));

describe.skipIf(missing !== null)(`playground in Chromium (${missing === null ? chromiumPath : `skipped: ${missing}`})`, () => {
  it('loads under its own CSP with WebAssembly and generated code on, every preset listed', async () => {
    const p = page!;
    expect(await p.$$eval('#preset option', (o) => o.map((e) => (e as HTMLOptionElement).value))).toEqual(presets.map((q) => q.id));
    expect(presets.filter((q) => q.group === 'Pictures').map((q) => q.id)).toEqual(['derivatives', 'crf-marginals', 'checkpointing', 'hypergradient']);
    // Every TypeScript sample of the README is a preset.
    const samples = readFileSync(join(root, 'README.md'), 'utf8').split('\n').filter((l) => l.trim() === '```ts').length;
    expect(presets.filter((q) => q.group === 'README examples').length).toBe(samples);
    expect(samples).toBeGreaterThanOrEqual(15);
    // Relative addresses only, so the folder works at any path of any static host.
    const html = readFileSync(join(root, 'playground', 'index.html'), 'utf8');
    const addresses = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    for (const f of readdirSync(join(root, 'playground')).filter((n) => n.endsWith('.js'))) {
      addresses.push(...[...readFileSync(join(root, 'playground', f), 'utf8').matchAll(/^import .* from '([^']*)';$/gm)].map((m) => m[1]!));
    }
    expect(addresses.length).toBeGreaterThan(5);
    for (const a of addresses) expect(a, a).toMatch(/^(\.\/|data:)|^[\w-]+\.(css|js)$/);
    const first = (await p.evaluate(() => (window as unknown as { playground: { lastRun: unknown } }).playground.lastRun)) as LastRun;
    expect(first).toMatchObject({ id: presets[0]!.id, error: null });
    expect(await p.getAttribute('#status', 'data-state')).toBe('done');
    await p.screenshot({ path: join(shots, 'page.png') });
    expect(await p.evaluate(() => (window as unknown as { playground: { ad: { backendInfo(): unknown } } }).playground.ad.backendInfo())).toMatchObject({ threads: 1, wasm: true, codegen: true });
    expect(await p.textContent('#backend')).toMatch(/WebAssembly matmul on, generated jit loops on/);
    expect(errors).toEqual([]);
  });

  // One page runs every preset in turn, as a visitor would.
  it.each(['derivatives', 'crf-marginals', 'checkpointing', 'hypergradient', 'readme'])('runs the %s preset(s): outputs equal Node\'s', async (which) => {
    const p = page!;
    const chosen = presets.filter((q) => (which === 'readme' ? q.group === 'README examples' : q.id === which));
    expect(chosen.length).toBeGreaterThan(0);
    for (const preset of chosen) {
      await p.selectOption('#preset', preset.id);
      expect(await p.inputValue('#code'), preset.id).toBe(preset.code);
      const started = Date.now();
      const run = await runInPage(p);
      const node = runInNode(preset.code);
      expect(node.error, `${preset.id} in Node`).toBeNull();
      expect(run.error, `${preset.id} in the page`).toBeNull();
      expect(run.id).toBe(preset.id);
      expect(run.values.length, `${preset.id}: prints`).toBeGreaterThan(0);
      expectSame(run.values, node.values, preset.id);
      // A README sample prints each `// =>` line: the README's own value must come out.
      preset.expected.forEach((e, i) => expectSame(run.values[i], new Function(`return (${e});`)(), `${preset.origin} // => ${e}`));
      if (preset.group !== 'Pictures') expect(run.values.length, `${preset.id}: one print per // =>`).toBe(preset.expected.length);
      if (preset.group === 'Pictures') {
        expect(run.pictures, preset.id).toBeGreaterThan(0);
        const colours = await canvasColours(p);
        expect(colours.length).toBe(run.pictures);
        for (const n of colours) expect(n, `${preset.id}: colours in a canvas`).toBeGreaterThan(8);
        const file = join(shots, `${preset.id}.png`);
        await (await p.$('.results'))!.screenshot({ path: file });
        expect(statSync(file).size).toBeGreaterThan(5_000);
      }
      timings.push(`${preset.id}: run ${run.ms.toFixed(0)} ms in the page (${Date.now() - started} ms with the check)`);
    }
    expect(await p.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows an AdjointError as such, with its line; Ctrl+Enter runs; ad.config works; Tab indents and Esc, Tab leaves', async () => {
    const p = page!;
    await p.fill('#code', 'const a = ad.ones([2, 3]);\nprint(a.shape);\nad.add(a, ad.ones([4]));');
    const run = await runInPage(p, 'keys');
    const node = runInNode('ad.add(ad.ones([2, 3]), ad.ones([4]));');
    expect(run.values).toEqual([[2, 3]]);
    expect(run.error).toEqual({ name: 'ShapeError', message: node.error!.message, adjoint: true, line: 3 });
    expect(await p.textContent('#output pre.error')).toBe(`ShapeError — an AdjointError from adjoint (line 3):\n${node.error!.message}`);
    expect(await p.getAttribute('#status', 'data-state')).toBe('error');

    await p.fill('#code', 'print(1 +);');
    expect((await runInPage(p)).error).toMatchObject({ name: 'SyntaxError', adjoint: false });

    // ad.config works from the editor, and the footer follows it.
    await p.fill('#code', 'ad.config({ wasm: false });\nprint(ad.backendInfo(), ad.matmul(ad.ones([20, 20]), ad.ones([20, 20])).sum());');
    expect((await runInPage(p)).values).toEqual([[{ threads: 1, threadsReason: expect.stringMatching(/WebAssembly/), wasm: false, codegen: true }, 8000]]);
    expect(await p.textContent('#backend')).toMatch(/WebAssembly matmul off, generated jit loops on/);
    await p.fill('#code', 'ad.config({ wasm: true });');
    await runInPage(p);
    expect(await p.textContent('#backend')).toMatch(/WebAssembly matmul on/);

    await p.fill('#code', 'x');
    await p.focus('#code');
    await p.keyboard.press('End');
    await p.keyboard.press('Tab');
    expect(await p.inputValue('#code')).toBe('x  ');
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('code');
    await p.keyboard.press('Escape');
    await p.keyboard.press('Tab');
    expect(await p.inputValue('#code')).toBe('x  ');
    expect(await p.evaluate(() => document.activeElement?.id)).not.toBe('code');
    expect(errors).toEqual([]);
  });
});
