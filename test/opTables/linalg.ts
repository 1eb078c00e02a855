/** @file Op-table rows for ad.linalg (solve, cholesky, triangularSolve, eigh, qr, svd, ...): one row per op, run by test/ops.test.ts to second order. */
import type { OpRow } from '../ops.table.js';

export const linalgRows: OpRow[] = [];
