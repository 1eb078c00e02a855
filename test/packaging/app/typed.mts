// An ES module in TypeScript: packaging.test.ts type-checks it against the package under each
// moduleResolution (nodenext, node16, bundler, node10), strict, exactOptionalPropertyTypes and
// skipLibCheck off, with no DOM or Node types: the declaration files must hold up on their own.
import * as ad from 'adjoint';
import { grad, tensor, type Tensor } from 'adjoint';

const f = (x: Tensor): Tensor => ad.sum(ad.mul(ad.sin(x), x));
const g: Tensor = grad(f)(tensor([0, 1, 2]));
const [value, gradient]: [Tensor, Tensor] = ad.valueAndGrad(f)(ad.tensor([1, 2]));
const info: ad.BackendInfo = ad.backendInfo();
const settings: Required<ad.BackendConfig> = ad.config({ threads: 1, wasm: true });
const tree = ad.grad((p: { w: Tensor; b: Tensor }) => ad.sum(ad.add(p.w, p.b)))({ w: ad.ones([2]), b: ad.zeros([2]) });
const b: Tensor = tree.b;
const crf = new ad.LinearChainCRF({ emissions: ad.zeros([3, 2]), transitions: ad.zeros([2, 2]) });
const logZ: Tensor = crf.logPartition();
const err: boolean = new ad.ShapeError('x') instanceof ad.AdjointError;
// @ts-expect-error: config takes booleans
ad.config({ wasm: 'yes' });
// @ts-expect-error: a tensor is not a number
export const n: number = ad.tensor([1]);
export const out = [g, value, gradient, info.threads, settings.codegen, b, logZ, err];
