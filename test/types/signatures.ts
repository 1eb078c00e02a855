/**
 * @file Type-level tests of the public signatures, checked by `npm run typecheck` (this file is
 * in tsconfig.json's `include`, and its types come from the built declarations as a user's do).
 * Each `expectType<T>()(value)` fails to compile unless `value`'s type is exactly `T`.
 */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <Want>() => <Got>(value: Got & (Equal<Got, Want> extends true ? unknown : never)): Got => value;

declare const x: Tensor;
interface Params { w: Tensor; b: Tensor }
declare const params: Params;
const loss = (p: Params, data: Tensor) => ad.sum(ad.add(ad.mul(p.w, data), p.b));

export function signatures(): void {
  // grad: one argument, an index, an array of indices, { argnums, hasAux }.
  expectType<Params>()(ad.grad(loss)(params, x));
  expectType<Tensor>()(ad.grad(loss, 1)(params, x));
  expectType<[Params, Tensor]>()(ad.grad(loss, [0, 1])(params, x));
  const withAux = (p: Params) => [ad.sum(p.w), { n: 3 }] as const;
  expectType<[Params, { readonly n: 3 }]>()(ad.grad(withAux, { hasAux: true })(params));
  expectType<[Tensor, Params]>()(ad.valueAndGrad(loss)(params, x));
  expectType<[[Tensor, { readonly n: 3 }], Params]>()(ad.valueAndGrad(withAux, { hasAux: true })(params));
  // Numbers where tensors are declared (Loosen).
  expectType<Tensor>()(ad.grad((t: Tensor) => ad.sin(t))(2));

  // vjp and its pullback: typed from f.
  const [out, pullback] = ad.vjp(loss, params, x);
  expectType<Tensor>()(out);
  expectType<[Params, Tensor]>()(pullback(1));
  const [y, back, aux] = ad.vjpWithAux((t: Tensor) => [ad.mul(t, t), 'note'] as const, x);
  expectType<Tensor>()(y);
  expectType<[Tensor]>()(back(ad.tensor(1)));
  expectType<'note'>()(aux);

  // Forward mode.
  const pair = (t: Tensor) => ({ s: ad.sin(t), c: [ad.cos(t)] as [Tensor] });
  const [primalOut, tangentOut] = ad.jvp(pair, [x], [1]);
  expectType<{ s: Tensor; c: [Tensor] }>()(primalOut);
  expectType<{ s: Tensor; c: [Tensor] }>()(tangentOut);
  const [lin, jvpFn] = ad.linearize(pair, x);
  expectType<{ s: Tensor; c: [Tensor] }>()(lin);
  expectType<{ s: Tensor; c: [Tensor] }>()(jvpFn(x));
  expectType<[Tensor]>()(ad.linearTranspose((t: Tensor) => ad.mul(t, 2), x)(ad.tensor(1)));

  // Dense derivatives: the output's structure outside, the argument's inside.
  expectType<Tensor>()(ad.jacobian((t: Tensor) => ad.exp(t))(x));
  expectType<{ s: Tensor; c: [Tensor] }>()(ad.jacobian(pair)(x));
  expectType<Params>()(ad.jacobian(loss)(params, x));
  expectType<{ w: Params; b: Params }>()(ad.hessian(loss)(params, x));
  expectType<Tensor>()(ad.hessian((t: Tensor) => ad.sum(ad.exp(t)))(x));

  // hvp keeps x's type.
  expectType<Params>()(ad.hvp((p: Params) => loss(p, x), params, params));

  // Optimizers take params declared as an interface (no index signature needed).
  const opt = ad.optimizers.adam({ lr: 0.1 });
  const [next] = opt.step(params, ad.grad(loss)(params, x), opt.init(params));
  expectType<Params>()(next);
}
