/** @file The published declarations: no `any`, no `@internal` member, every named type a user meets exported, no errors, and usable under exactOptionalPropertyTypes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeclarations, compileAgainst, compileSamples, repoRoot, scanDeclarations, type DeclarationReport } from './declarations.js';
import { collectSamples } from '../support/docs.js';
import { join } from 'node:path';

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
