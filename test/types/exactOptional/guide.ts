/**
 * @file The checkpointing guide's first sample (docs/checkpointing.md), as a user compiles it with
 * `exactOptionalPropertyTypes`: its `stats?` parameter is passed on as `{ stats }`, which is
 * `Partial<ScanStats> | undefined`.
 */
import * as ad from 'adjoint';

export function guide(): boolean {
  const W = ad.random.normal([16, 16], 1, 0, 0.25);
  const U = ad.random.normal([16, 4], 2, 0, 0.5);
  const xs = ad.random.normal([300, 4], 3);

  const loss = (checkpoints: ad.Checkpoints, stats?: Partial<ad.ScanStats>) => (w: ad.Tensor, u: ad.Tensor) => {
    const step = (h: ad.Tensor, x: ad.Tensor) => ad.tanh(ad.add(ad.matmul(w, h), ad.matmul(u, x)));
    return ad.sum(ad.scan(step, ad.zeros([16]), { xs, checkpoints, stats }));
  };

  const [gW, gU] = ad.grad(loss('all'), [0, 1])(W, U);
  const stats: Partial<ad.ScanStats> = {};
  const [cW, cU] = ad.grad(loss(8, stats), [0, 1])(W, U);
  return ad.max(ad.abs(ad.sub(cW, gW))).item() < 1e-12 && ad.max(ad.abs(ad.sub(cU, gU))).item() < 1e-12 && stats.peakStoredCarries === 8;
}
