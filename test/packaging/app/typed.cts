// A CommonJS TypeScript file: `import … = require('adjoint')` must type-check against the package.
import ad = require('adjoint');

const f = (x: ad.Tensor): ad.Tensor => ad.sum(ad.mul(ad.sin(x), x));
const g: ad.Tensor = ad.grad(f)(ad.tensor([0, 1, 2]));
const info: ad.BackendInfo = ad.backendInfo();
const settings: Required<ad.BackendConfig> = ad.config({ wasm: true });
// @ts-expect-error: config takes booleans
ad.config({ wasm: 'yes' });
export const out: [unknown, boolean, boolean] = [g.toArray(), info.wasm, settings.codegen];
