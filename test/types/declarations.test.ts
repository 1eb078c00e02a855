/** @file The published declarations: no `any`, no `@internal` member, every named type a user meets exported, no errors, and usable under exactOptionalPropertyTypes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeclarations, compileAgainst, compileSamples, repoRoot, scanDeclarations, type DeclarationReport } from './declarations.js';
import { collectSamples } from '../support/docs.js';
import { join, dirname } from 'node:path';
import { existsSync, readFileSync, readdirSync } from 'node:fs';

describe('the declarations users see (dist/**/*.d.ts, built fresh)', () => {
  let report: DeclarationReport;
  let dir: string;
  beforeAll(() => {
    dir = buildDeclarations();
    report = scanDeclarations(dir);
  }, 180_000);

  it('type-check on their own (skipLibCheck off): stripInternal removed nothing they use', () => {
    expect(report.diagnostics).toEqual([]);
  });

  it('carry no @internal member (stripInternal)', () => {
    expect(report.internals).toEqual([]);
  });

  it('have no `any` outside TreeFunction (the contextual type of an unannotated lambda parameter, see core/functions.ts)', () => {
    // Strict: a new `any` in a public signature fails here, named by file, line and owner (issue #15 item 2).
    expect(report.anys.filter((a) => !/ TreeFunction(\.|$)/.test(a))).toEqual([]);
  });

  it('name only types the package exports', () => {
    expect(report.unexported).toEqual([]);
  });

  it('compile a user project with exactOptionalPropertyTypes (the checkpointing guide, options forwarded as T | undefined)', () => {
    expect(compileAgainst(join(repoRoot, 'test/types/exactOptional'), dir)).toEqual([]);
  }, 120_000);

  it('type-check every TypeScript sample of README.md and docs/ under strict, as a user copies it (test/docs.test.ts runs them)', () => {
    const samples = collectSamples(repoRoot, { raw: true });
    expect(samples.length).toBeGreaterThan(100);
    expect(compileSamples(samples, dir)).toEqual([]);
  }, 180_000);
});

describe('declaration maps (dist/, as `npm run build` and npm install leave it)', () => {
  it('map every declaration file to its module in src/, which the package ships: an editor goes to the TypeScript source', () => {
    const dist = join(repoRoot, 'dist');
    const declarations = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(100);
    const broken = declarations.filter((file) => {
      const map = join(dist, `${file}.map`);
      if (!existsSync(map)) return true;
      if (!readFileSync(join(dist, file), 'utf8').includes(`//# sourceMappingURL=${file.split('/').pop()}.map`)) return true;
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      return sources.length !== 1 || !existsSync(join(dirname(map), sources[0]!)) || !join(dirname(map), sources[0]!).startsWith(join(repoRoot, 'src'));
    });
    expect(broken).toEqual([]);
  });
});
