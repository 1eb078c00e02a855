/** @file The catalogue of bad inputs: one assertion that a misuse gets an AdjointError naming the op and a fix. */
import { expect } from 'vitest';
import * as ad from 'adjoint';

export interface ClearError {
  /** The op or transformation the message must name (as written in the message). */
  op: string;
  /** Words of the fix the message must carry ("use vjp", "pass an array", ...). */
  fix: RegExp;
  /** The error class expected, when it is more specific than AdjointError. */
  type?: new (...args: never[]) => Error;
}

/** Asserts that `run` throws an AdjointError whose message names `op` and matches `fix`. */
export function expectClearError(run: () => unknown, expected: ClearError): void {
  let thrown: unknown;
  try {
    run();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error(`expected an AdjointError naming ${expected.op}, got no error`);
  if (!(thrown instanceof ad.AdjointError)) {
    throw new Error(`expected an AdjointError naming ${expected.op}, got ${String(thrown)}`);
  }
  if (expected.type !== undefined) expect(thrown).toBeInstanceOf(expected.type);
  expect(thrown.message).toContain(expected.op);
  expect(thrown.message).toMatch(expected.fix);
}

/** The same for an async function. */
export async function expectClearErrorAsync(run: () => Promise<unknown>, expected: ClearError): Promise<void> {
  let thrown: unknown;
  try {
    await run();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error(`expected an AdjointError naming ${expected.op}, got no error`);
  if (!(thrown instanceof ad.AdjointError)) {
    throw new Error(`expected an AdjointError naming ${expected.op}, got ${String(thrown)}`);
  }
  expect(thrown.message).toContain(expected.op);
  expect(thrown.message).toMatch(expected.fix);
}
