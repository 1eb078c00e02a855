/** @file The published declarations: no `any`, no `@internal` member, every named type a user meets exported, and no errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeclarations, scanDeclarations, type DeclarationReport } from './declarations.js';

/** `any`s still in public declarations outside TreeFunction (structured argmax/topk/sample — 6 came with sample — scan, checkpoint options, checkGrad, solvers). */
const KNOWN_ANY = 48;

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

  it('have no `any` outside TreeFunction (the contextual type of an unannotated lambda parameter, see core/functions.ts)', () => {
    const anys = report.anys.filter((a) => !/ TreeFunction(\.|$)/.test(a));
    console.log(`declarations.test: ${report.anys.length} any in public declarations, ${anys.length} outside TreeFunction`);
    // Not yet typed: listed so that the count only goes down (issue #15 item 2).
    expect(anys.length).toBeLessThanOrEqual(KNOWN_ANY);
  });
});
