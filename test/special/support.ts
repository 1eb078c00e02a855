/** @file Helpers for test/special and test/stats: relative error and elementwise evaluation of ad.special functions at points. */
import * as ad from 'adjoint';

/** |got − want| / |want| (absolute error when want = 0). */
export function relErr(got: number, want: number): number {
  if (got === want) return 0;
  return want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
}

/** The gradient of a scalar function of several numbers, one number per argument. */
export function gradAt(f: (...xs: ad.Tensor[]) => ad.Tensor, args: number[], argnum: number): number {
  return (ad.grad((...xs: ad.Tensor[]) => f(...xs), argnum)(...args.map((v) => ad.scalar(v))) as ad.Tensor).item();
}
