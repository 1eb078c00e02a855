/**
 * @file Builds adjoint as npm would publish it — the files `npm pack` lists, with dist/ built fresh
 * from src/ — into <tmp>/node_modules/adjoint, so tests install nothing and read no stale dist/.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The files `npm pack` would publish (paths relative to the package root). */
export function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
}

/**
 * A fresh project directory holding the published package at node_modules/adjoint. `files` are
 * copied (dist/ excepted), dist/ is compiled by tsc; returns the project and package paths.
 */
export function buildPackage(prefix = 'adjoint-pkg-'): { project: string; pkg: string; files: string[] } {
  const project = mkdtempSync(join(tmpdir(), prefix));
  const pkg = join(project, 'node_modules', 'adjoint');
  const files = packedFiles();
  for (const f of files) {
    if (f.startsWith('dist/')) continue;
    mkdirSync(dirname(join(pkg, f)), { recursive: true });
    cpSync(join(repoRoot, f), join(pkg, f));
  }
  try {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(repoRoot, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')], { cwd: repoRoot, stdio: 'pipe', encoding: 'utf8' });
  } catch (e) {
    // tsc still emits on type errors; those are `npm run typecheck`'s to report, these tests check loading.
    if (!existsSync(join(pkg, 'dist', 'index.js'))) throw e;
    console.warn(`buildPackage: tsc reported errors (the package was emitted anyway):\n${(e as { stdout: string }).stdout}`);
  }
  return { project, pkg, files };
}
