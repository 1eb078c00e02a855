// Worker threads from a bundle (packaging.test.ts bundles this as ESM, IIFE and CommonJS and runs
// each with node): a large product on 2 threads equals the one-thread product bit for bit, the
// pool's workers start from the bundled source (a worker that fails to load is reported by
// backendInfo once its error event arrives, so the product is repeated across turns of the event
// loop), the workers really computed chunks of it (the pool's count, read from the package's own
// module file, which the bundle shares with 'adjoint'), and the process exits on its own with the pool idle.
import * as ad from 'adjoint';
import { threadPool } from './node_modules/adjoint/dist/tensor/threads/pool.js';

const a = ad.random.normal([256, 256], 1), b = ad.random.normal([256, 256], 2);
ad.config({ threads: 1 });
const one = ad.matmul(a, b).toFloat64Array();
ad.config({ threads: 2 });
const before = ad.backendInfo();
let same = true;
let runs = 0;
const step = () => {
  const two = ad.matmul(a, b).toFloat64Array();
  same &&= two.every((v, i) => v === one[i]);
  if (++runs < 20) setTimeout(step, 25);
  else console.log(JSON.stringify({ before, after: ad.backendInfo(), same, workerChunks: threadPool()?.worked ?? 0 }));
};
step();
