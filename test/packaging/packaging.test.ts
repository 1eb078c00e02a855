/**
 * @file adjoint loads everywhere users put it: ESM import and require() on Node, a `.cts` file
 * and an ES module type-checked against the package (under each moduleResolution), and bundles by esbuild, Rollup, Rolldown (Vite 8's bundler, and
 * Vite itself) and webpack in ESM, IIFE and
 * CommonJS formats, minified and not — each built from the package as `npm pack` would publish it
 * and run; minified bundles keep the error names and anomaly mode's site in the user's code; the
 * declarations name exactly the runtime's exports; the README's bundle sizes are what
 * `npm run size` measures on that package.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import webpack from 'webpack';
import { rolldown } from 'rolldown';
import { build as viteBuild } from 'vite';
import ts from 'typescript';
import { buildPackage, repoRoot } from './buildPackage.js';
import { measure, sideEffectFree } from '../../scripts/bundle-size.mjs';

let project = '';
let files: string[] = [];

beforeAll(() => {
  ({ project, files } = buildPackage());
  for (const f of ['main.mjs', 'require.cjs', 'typed.cts', 'typed.mts', 'threads.mjs', 'exports.mjs']) copyFileSync(join(repoRoot, 'test/packaging/app', f), join(project, f));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'commonjs' }));
}, 120_000);

afterAll(() => {
  if (project !== '') rmSync(project, { recursive: true, force: true });
});

interface Report {
  grad: number[];
  hvp: number[];
  shapeError: { name: string; adjoint: boolean; shape: boolean };
  convergenceError: { name: string; adjoint: boolean };
  anomaly: { name: string; op: string; site: string };
  backend: { threads: number; threadsReason?: string; wasm: boolean; codegen: boolean };
}

const node = (file: string) => execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Runs a bundle: ESM and CommonJS as files in a Node process, IIFE as a plain script in a fresh vm context. */
function run(file: string, format: 'esm' | 'iife' | 'cjs'): Report {
  if (format === 'iife') {
    const lines: string[] = [];
    runInNewContext(readFileSync(file, 'utf8'), { console: { log: (s: string) => lines.push(s), warn: () => {} } }, { filename: file });
    return JSON.parse(lines.join('\n')) as Report;
  }
  return JSON.parse(node(file)) as Report;
}

/** What main.mjs must report, bundled or not; `file` is the bundle (the site must point into its user code). */
function expectReport(r: Report, file: string | null, minified: boolean): void {
  expect(r.grad).toEqual([0, 1.3817732906760363, 0.0770037537313969]);
  expect(r.hvp).toEqual([6, 0]);
  expect(r.shapeError).toEqual({ name: 'ShapeError', adjoint: true, shape: true });
  expect(r.convergenceError).toEqual({ name: 'ConvergenceError', adjoint: true });
  expect(r.anomaly.name).toBe('AnomalyError');
  expect(r.anomaly.op).toBe('sqrt');
  expect(r.backend).toMatchObject({ wasm: true, codegen: true });
  // Node has worker threads; a bare vm context (the IIFE runs) has none and says why.
  if (r.backend.threads === 1) expect(r.backend.threadsReason).toMatch(/no Web Workers/);
  const first = r.anomaly.site.split('\n')[0]!;
  if (!minified) expect(first).toMatch(/^userModel \(/);
  const m = /([^\s(]+):(\d+):(\d+)\)?$/.exec(first);
  expect(m, `site "${r.anomaly.site}"`).not.toBeNull();
  if (file === null) {
    expect(m![1]).toMatch(/main\.mjs$/);
    return;
  }
  // The site is in the bundle, after the library's code: in the user's module.
  expect(m![1]!.replace(/^file:\/\//, '')).toBe(file);
  const text = readFileSync(file, 'utf8');
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = lineStarts[Number(m![2]) - 1]! + Number(m![3]) - 1;
  expect(offset).toBeGreaterThan(text.indexOf('USER-CODE-BEGIN'));
}

describe('Node', () => {
  it('imports the ES module', () => {
    expectReport(JSON.parse(node('main.mjs')) as Report, null, false);
  });

  it("require('adjoint') loads it from CommonJS, with the same classes", () => {
    const out = execFileSync(process.execPath, ['require.cjs'], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(out)).toEqual({ grad: [0, 1.3817732906760363, 0.0770037537313969], tensorClass: true, version: '0.1.0' });
  });

  it('a .cts file type-checks against the package (module nodenext)', () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: [], lib: ['es2022', 'dom'] },
      files: ['typed.cts'],
    }));
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
    // And the check is real: a wrong type in it is an error.
    writeFileSync(join(project, 'bad.cts'), "import ad = require('adjoint');\nexport const n: number = ad.tensor([1]);\n");
    writeFileSync(join(project, 'tsconfig.bad.json'), JSON.stringify({ extends: './tsconfig.json', files: ['bad.cts'] }));
    let out = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.bad.json'], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    expect(out).toMatch(/bad\.cts.*TS2322/);
  });
});

describe('TypeScript, under each moduleResolution', () => {
  // strict, exactOptionalPropertyTypes, skipLibCheck off, no DOM or Node types; the expected
  // errors that typed.mts declares make loose types (any) an error too.
  const settings = [['nodenext', 'nodenext', 'typed.mts'], ['node16', 'node16', 'typed.mts'], ['esnext', 'bundler', 'typed.ts'], ['commonjs', 'node10', 'typed.ts']] as const;
  for (const [module, moduleResolution, file] of settings) {
    it(`moduleResolution ${moduleResolution} (module ${module})`, () => {
      if (file === 'typed.ts') copyFileSync(join(project, 'typed.mts'), join(project, file));
      const config = `tsconfig.${moduleResolution}.json`;
      writeFileSync(join(project, config), JSON.stringify({
        compilerOptions: { module, moduleResolution, target: 'es2022', strict: true, exactOptionalPropertyTypes: true, skipLibCheck: false, noEmit: true, types: [], lib: ['es2022'] },
        files: [file],
      }));
      const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
      let out = '';
      try {
        execFileSync(process.execPath, [tsc, '-p', config], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        out = (e as { stdout: string }).stdout;
      }
      expect(out).toBe('');
    });
  }
});

describe('the declarations match the runtime', () => {
  it('every key of the module and of its plain-object namespaces is declared, and every declared value exists', () => {
    const runtime = JSON.parse(node('exports.mjs')) as Record<string, string[]>;
    writeFileSync(join(project, 'surface.mts'), "import * as ad from 'adjoint';\nexport { ad };\n");
    const program = ts.createProgram([join(project, 'surface.mts')], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, types: [] });
    const checker = program.getTypeChecker();
    const file = program.getSourceFile(join(project, 'surface.mts'))!;
    const moduleSymbol = checker.getSymbolAtLocation((file.statements[0] as ts.ImportDeclaration).moduleSpecifier)!;
    const typeOnly = (s: ts.Symbol) => (s.declarations ?? []).some((d) => ts.isExportSpecifier(d) && (d.isTypeOnly || d.parent.parent.isTypeOnly));
    // The root's declared values (classes exported with `export type` are types only), then each path's properties.
    const root = checker.getExportsOfModule(moduleSymbol).filter((s) => !typeOnly(s) && ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0);
    const typeAt = (path: string) => path.split('.').reduce<ts.Type | null>((t, key, i) => {
      const symbol = i === 0 ? root.find((s) => s.name === key) : t?.getProperty(key);
      return symbol === undefined ? null : checker.getTypeOfSymbolAtLocation(symbol, file);
    }, null);
    const declared = (path: string): string[] => {
      if (path === '') return root.map((s) => s.name).sort();
      const properties = typeAt(path)?.getProperties() ?? [];
      // an optional member may be absent (semirings.max has no contract); a present one must be declared
      return properties.filter((p) => (p.flags & ts.SymbolFlags.Optional) === 0 || runtime[path]!.includes(p.name)).map((p) => p.name).sort();
    };
    expect(Object.keys(runtime).length).toBeGreaterThan(10);
    for (const path of Object.keys(runtime)) expect(declared(path), `ad${path === '' ? '' : '.' + path}`).toEqual(runtime[path]);
  });
});

const formats = ['esm', 'iife', 'cjs'] as const;
const ext = (format: string) => (format === 'esm' ? 'mjs' : format === 'cjs' ? 'cjs' : 'js');

describe('esbuild', () => {
  for (const format of formats) {
    for (const minify of [false, true]) {
      it(`${format}${minify ? ', minified' : ''}`, async () => {
        const outfile = join(project, `esbuild-${format}${minify ? '-min' : ''}.${ext(format)}`);
        const result = await build({ entryPoints: [join(project, 'main.mjs')], bundle: true, format, minify, outfile, platform: 'neutral', logLevel: 'silent' });
        expect(result.errors).toEqual([]);
        expect(result.warnings.map((w) => w.text)).toEqual([]);
        expectReport(run(outfile, format), outfile, minify);
      });
    }
  }
});

describe('Rollup', () => {
  for (const format of formats) {
    it(format, async () => {
      const warnings: string[] = [];
      const bundle = await rollup({ input: join(project, 'main.mjs'), plugins: [nodeResolve()], onwarn: (w) => {
        // The library's op modules import each other (rules written in the ops); ES module order handles it.
        if (w.code !== 'CIRCULAR_DEPENDENCY') warnings.push(w.message);
      } });
      const file = join(project, `rollup-${format}.${ext(format)}`);
      await bundle.write({ file, format, name: 'app' });
      await bundle.close();
      expect(warnings).toEqual([]);
      expectReport(run(file, format), file, false);
    });
  }
});

describe('Rolldown (Vite 8 bundles with it)', () => {
  // Rolldown initialised a namespace object (`import * as binary`) only after a module in the library's import
  // cycle (ops/methods.ts) had used it in its body: every Vite 8 bundle threw as it loaded.
  for (const format of formats) {
    for (const minify of [false, true]) {
      it(`${format}${minify ? ', minified' : ''}`, async () => {
        const bundle = await rolldown({ input: join(project, 'main.mjs'), logLevel: 'silent' });
        const file = join(project, `rolldown-${format}${minify ? '-min' : ''}.${ext(format)}`);
        await bundle.write({ file, format, name: 'app', minify });
        await bundle.close();
        expectReport(run(file, format), file, minify);
      });
    }
  }

  it('Vite 8, a production build of the program (ES module, minified)', async () => {
    await viteBuild({
      root: project, configFile: false, logLevel: 'silent',
      build: { outDir: join(project, 'vite-out'), emptyOutDir: true, minify: true, lib: { entry: join(project, 'main.mjs'), formats: ['es'], fileName: () => 'vite.mjs' } },
    });
    const file = join(project, 'vite-out', 'vite.mjs');
    expectReport(run(file, 'esm'), file, true);
  });
});

describe('webpack (production: minified by terser)', () => {
  for (const format of ['iife', 'cjs'] as const) {
    it(format, async () => {
      const filename = `webpack-${format}.${ext(format)}`;
      const stats = await new Promise<webpack.Stats>((resolve, reject) => {
        webpack({
          mode: 'production',
          context: project,
          entry: './main.mjs',
          target: format === 'cjs' ? 'node' : ['web', 'es2022'],
          output: { path: project, filename, ...(format === 'cjs' ? { library: { type: 'commonjs2' } } : {}) },
          performance: { hints: false },
        }, (err, s) => (err ? reject(err) : resolve(s!)));
      });
      expect(stats.toJson({ all: false, errors: true, warnings: true })).toMatchObject({ errors: [], warnings: [] });
      const file = join(project, filename);
      expectReport(run(file, format), file, true);
    });
  }
});

describe('webpack (development: modules emitted by path, each in its own function)', () => {
  // The library's modules are ordered by path here, not by execution; its markers' names sort first and last.
  const builds: Array<[string, webpack.Configuration]> = [
    ['devtool false', { mode: 'development', devtool: false }],
    ['inline-source-map (the guide\'s)', { mode: 'development', devtool: 'inline-source-map' }],
  ];
  for (const [name, config] of builds) {
    it(`${name}: the results, and anomaly mode's site is the user's line`, async () => {
      const filename = `webpack-dev-${name.split(' ')[0]}.cjs`;
      const stats = await new Promise<webpack.Stats>((resolve, reject) => {
        webpack({
          ...config, context: project, entry: './main.mjs', target: 'node',
          output: { path: project, filename, library: { type: 'commonjs2' } }, performance: { hints: false },
        }, (err, s) => (err ? reject(err) : resolve(s!)));
      });
      expect(stats.toJson({ all: false, errors: true })).toMatchObject({ errors: [] });
      const file = join(project, filename);
      const r = run(file, 'cjs');
      expect(r.grad).toEqual([0, 1.3817732906760363, 0.0770037537313969]);
      const first = r.anomaly.site.split('\n')[0]!;
      expect(first).toMatch(/^userModel \(/);
      const m = /:(\d+):\d+\)?$/.exec(first)!;
      expect(readFileSync(file, 'utf8').split('\n')[Number(m[1]) - 1]).toMatch(/return .*sqrt\(/); // userModel's own line
    });
  }
});

describe('worker threads from a bundle (esbuild), in Node', () => {
  for (const format of formats) {
    it(`${format}: 2 threads start and compute chunks, equal one thread bit for bit, and the process exits`, async () => {
      const outfile = join(project, `threads-${format}.${ext(format)}`);
      const result = await build({ entryPoints: [join(project, 'threads.mjs')], bundle: true, format, minify: true, outfile, platform: 'neutral', logLevel: 'silent' });
      expect(result.errors).toEqual([]);
      const out = execFileSync(process.execPath, [outfile], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
      const r = JSON.parse(out) as { before: Report['backend']; after: Report['backend']; same: boolean; workerChunks: number };
      expect(r.before).toEqual({ threads: 2, wasm: true, codegen: true });
      expect(r.after).toEqual({ threads: 2, wasm: true, codegen: true });
      expect(r.same).toBe(true);
      // The second thread did compute: chunks of the 20 products ran in the worker, not all on the caller.
      expect(r.workerChunks).toBeGreaterThan(0);
    });
  }
});

describe('the published files', () => {
  it("resolve the README's relative links, and hold LICENSE, CHANGELOG and the types", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) expect(files, `README link ${link}`).toContain(link.replace(/^\.\//, ''));
    for (const f of ['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']) expect(files).toContain(f);
    expect(existsSync(join(project, 'node_modules/adjoint/dist/index.d.ts'))).toBe(true);
  });

  it('declare no top-level module, exports or require, which a CommonJS wrapper (Parcel without scope hoisting, its dev server) binds', () => {
    // `let module` at the top of a module was a SyntaxError inside Parcel's function(require, module, exports) wrapper.
    const clashes = files.filter((f) => f.startsWith('dist/') && f.endsWith('.js')).flatMap((f) => {
      const text = readFileSync(join(project, 'node_modules/adjoint', f), 'utf8');
      return [...text.matchAll(/^(?:let|const|var|function\*?|class)\s+(module|exports|require|__filename|__dirname)\b/gm)].map((m) => `${f}: ${m[1]}`);
    });
    expect(clashes).toEqual([]);
  });
});

describe("the README's bundle sizes", () => {
  it('are what npm run size measures on the packed package (within 10%), for the folders package.json declares free of side effects', async () => {
    const pkgJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { sideEffects: string[] };
    const listed = pkgJson.sideEffects.map((p) => /^\.\/dist\/([^/*]+)\//.exec(p)?.[1]).filter((d): d is string => d !== undefined);
    const folders = readdirSync(join(project, 'node_modules/adjoint/dist'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.filter((d) => !listed.includes(d)).sort()).toEqual([...sideEffectFree].sort());

    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const quoted = /takes (\d+) kB \((\d+) kB gzipped\) of adjoint, the whole library (\d+) kB \((\d+) kB\)/.exec(readme);
    const free = /leaves them out \((\d+) kB of the whole\)/.exec(readme);
    expect(quoted, 'README: "takes N kB (M kB gzipped) of adjoint, the whole library N kB (M kB)"').not.toBeNull();
    expect(free, 'README: "leaves them out (N kB of the whole)"').not.toBeNull();
    const m = await measure(join(project, 'node_modules/adjoint/dist/index.js'));
    const measured = [m.gradTensor.bytes, m.gradTensor.gzip, m.whole.bytes, m.whole.gzip, m.freeBytes].map((b) => b / 1024);
    const said = [...quoted!.slice(1, 5), free![1]!].map(Number);
    const labels = ['grad + tensor', 'grad + tensor, gzipped', 'whole library', 'whole library, gzipped', 'side-effect-free part'];
    said.forEach((kb, i) => expect(Math.abs(kb - measured[i]!) / measured[i]!, `${labels[i]}: README says ${kb} kB, npm run size measures ${measured[i]!.toFixed(0)} kB`).toBeLessThanOrEqual(0.1));
  });
});
