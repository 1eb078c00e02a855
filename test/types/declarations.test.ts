/** @file The published declarations: no `any`, no `@internal` member, every named type a user meets exported, and no errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeclarations, scanDeclarations, type DeclarationReport } from './declarations.js';

describe('the declarations users see (dist/**/*.d.ts, built fresh)', () => {
  let report: DeclarationReport;
  beforeAll(() => {
    report = scanDeclarations(buildDeclarations());
  }, 180_000);

  it('type-check on their own (skipLibCheck off): stripInternal removed nothing they use', () => {
    expect(report.diagnostics).toEqual([]);
  });

  it('carry no @internal member (stripInternal)', () => {
    expect(report.internals).toEqual([]);
  });
});
