/** @file Op-table rows for the array helpers (src/ops/arrayHelpers.ts), composites of slice, reshape and mul: run by test/ops.test.ts to second order and exported to ONNX Runtime by test/onnx/exportTable.test.ts. */
import * as ad from 'adjoint';
import type { OpRow } from '../ops.table.js';

export const arrayHelperRows: OpRow[] = [
  { name: 'diff', covers: ['slice', 'sub'], fn: (x) => ad.diff(x), domains: ['real'], shapes: [[[4]], [[2, 3]]] },
  { name: 'diff (n 2, axis 0)', covers: ['slice', 'sub'], fn: (x) => ad.diff(x, 2, 0), domains: ['real'], shapes: [[[4]], [[4, 2]]] },
  {
    name: 'split', covers: ['slice'], domains: ['real'], shapes: [[[6]], [[2, 6]]],
    // Each part through a different function, so that a mix-up of the parts shows in the gradient.
    fn: (x) => { const [a, b, c] = ad.split(x, [1, 4], -1); return ad.concat([ad.square(a!), ad.sin(b!), ad.mul(3, c!)], -1); },
  },
  { name: 'split (sections, axis 0)', covers: ['slice'], fn: (x) => ad.mul(...(ad.split(x, 2, 0) as [ad.Tensor, ad.Tensor])), domains: ['real'], shapes: [[[4]], [[2, 3]]] },
  { name: 'kron', covers: ['reshape', 'mul'], fn: (a, b) => ad.kron(a, b), domains: ['real', 'real'], shapes: [[[2], [3]], [[2, 2], [3, 1]], [[3], [2, 2]]] },
];
