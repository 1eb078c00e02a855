/** @file The assertion behind a docs sample's `// => value` comment: tensors compare by toArray(), numbers to 1e-9 relative. */
import { Tensor } from '../../src/index.js';

function same(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isNaN(expected)) return Number.isNaN(actual);
    return actual === expected || Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length === actual.length && expected.every((e, i) => same(actual[i], e));
  }
  return actual === expected;
}

export function __check(value: unknown, expected: unknown, where: string): void {
  const actual = value instanceof Tensor ? value.toArray() : value;
  if (!same(actual, expected)) {
    throw new Error(`${where}: the sample says ${JSON.stringify(expected)} but it gives ${JSON.stringify(actual)}`);
  }
}
