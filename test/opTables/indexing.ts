/** @file Op-table rows for sorting, gathering, scattering, padding and rearranging ops, and einsum: one row per op, run by test/ops.test.ts to second order. */
import type { OpRow } from '../ops.table.js';

export const indexingRows: OpRow[] = [];
