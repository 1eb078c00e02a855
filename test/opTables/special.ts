/** @file Op-table rows for elementwise special functions, trigonometry and log-space helpers: one row per op, run by test/ops.test.ts to second order. */
import type { OpRow } from '../ops.table.js';

export const specialRows: OpRow[] = [];
