/**
 * @file optimizers.amsgrad and optimizers.radam: trajectories against torch.optim.RAdam (PyTorch
 * 1.13, float64, eps 0 so that its eps placement does not matter) and against optax's recurrences
 * written here in plain loops; hypergradients through unrolled runs against centered differences.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const O = ad.optimizers;
// loss(p) = Σ sin(3p)·p + p², from p = [0.5, −1, 2].
const loss = (p: Tensor) => ad.sum(ad.add(ad.mul(ad.sin(ad.mul(3, p)), p), ad.square(p)));
const gradOf = (p: number[]) => p.map((x) => Math.sin(3 * x) + 3 * x * Math.cos(3 * x) + 2 * x);

function run(opt: ad.optimizers.Optimizer<any>, steps: number, start = [0.5, -1, 2]): number[][] {
  let p = ad.tensor(start), state = opt.init(p);
  const out: number[][] = [];
  for (let i = 0; i < steps; i++) {
    [p, state] = opt.step(p, ad.grad(loss)(p), state);
    out.push(Array.from(p.toFloat64Array()));
  }
  return out;
}

const gap = (a: number[][], b: number[][]) => Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - b[i]![j]!))));

describe('radam', () => {
  it('equals torch.optim.RAdam (lr 0.05, eps 0) over 12 steps: momentum alone for t ≤ 4, rectified from t = 5', () => {
    // torch.manual_seed(0); p = tensor([0.5, -1, 2], float64); RAdam([p], lr=0.05, betas=(0.9, 0.999), eps=0.0)
    const torch = [
      [0.3948199605447196, -1.0414428740870734, 1.5259196889148365], [0.2880968619836829, -1.0880135542823204, 1.2632909867791267],
      [0.18573821484516612, -1.1392761724599794, 1.1178358051824169], [0.09317815353815434, -1.1942780493690317, 1.0328960872659356],
      [0.014296056893589162, -1.2514550476746351, 0.9807510219923078], [0.013266884972680932, -1.2527557986747277, 0.980536204213431],
      [0.012105090134738615, -1.2544029365610305, 0.9803601042679708], [0.01086964354732851, -1.2563495641307132, 0.9802474526637869],
      [0.009597126155470823, -1.2585630879878555, 0.9802128387343813], [0.008312202603628154, -1.2610187997477624, 0.9802653192038098],
      [0.007032480516199004, -1.2636969195117365, 0.980410650063614], [0.005771089782033481, -1.2665809727575394, 0.980652510417352],
    ];
    expect(gap(run(O.radam({ lr: 0.05, eps: 0 }), 12), torch)).toBeLessThan(1e-13);
  });

  it("optax's recurrence with its threshold and eps inside: a plain loop agrees", () => {
    const lr = 0.03, b1 = 0.8, b2 = 0.95, eps = 1e-8, threshold = 4.5;
    let p = [0.5, -1, 2], m = [0, 0, 0], v = [0, 0, 0];
    const want: number[][] = [];
    const roInf = 2 / (1 - b2) - 1;
    for (let t = 1; t <= 15; t++) {
      const g = gradOf(p);
      m = m.map((mi, i) => (1 - b1) * g[i]! + b1 * mi);
      v = v.map((vi, i) => (1 - b2) * g[i]! ** 2 + b2 * vi);
      const ro = roInf - (2 * t * b2 ** t) / (1 - b2 ** t);
      const r = Math.sqrt(((ro - 4) * (ro - 2) * roInf) / ((roInf - 4) * (roInf - 2) * ro));
      p = p.map((pi, i) => {
        const mHat = m[i]! / (1 - b1 ** t), vHat = v[i]! / (1 - b2 ** t);
        return pi - lr * (ro >= threshold ? (r * mHat) / (Math.sqrt(vHat) + eps) : mHat);
      });
      want.push(p);
    }
    expect(gap(run(O.radam({ lr, b1, b2, eps, threshold }), 15), want)).toBeLessThan(1e-13);
  });
});

describe('amsgrad', () => {
  it("optax's recurrence: the maximum of the bias-corrected second moments, in a plain loop", () => {
    const lr = 0.05, b1 = 0.9, b2 = 0.99, eps = 1e-8;
    let p = [0.5, -1, 2], m = [0, 0, 0], v = [0, 0, 0], vMax = [0, 0, 0];
    const want: number[][] = [];
    for (let t = 1; t <= 20; t++) {
      const g = gradOf(p);
      m = m.map((mi, i) => (1 - b1) * g[i]! + b1 * mi);
      v = v.map((vi, i) => (1 - b2) * g[i]! ** 2 + b2 * vi);
      vMax = vMax.map((x, i) => Math.max(x, v[i]! / (1 - b2 ** t)));
      p = p.map((pi, i) => pi - (lr * (m[i]! / (1 - b1 ** t))) / (Math.sqrt(vMax[i]!) + eps));
      want.push(p);
    }
    const got = run(O.amsgrad({ lr, b1, b2, eps }), 20);
    expect(gap(got, want)).toBeLessThan(1e-13);
    // The maximum matters here: Adam's run differs once the gradients shrink.
    expect(gap(run(O.adam({ lr, b1, b2, eps }), 20), want)).toBeGreaterThan(1e-4);
  });

  it('hypergradients in lr through 6 unrolled steps of each, against centered differences', () => {
    for (const make of [(lr: Tensor | number) => O.amsgrad({ lr }), (lr: Tensor | number) => O.radam({ lr, threshold: 4.5 })]) {
      const final = (lr: Tensor | number) => {
        const opt = make(lr);
        let p = ad.tensor([0.5, -1, 2]), state = opt.init(p);
        for (let i = 0; i < 6; i++) [p, state] = opt.step(p, ad.grad(loss)(p), state);
        return loss(p);
      };
      const g = ad.grad(final)(ad.tensor(0.05)).item();
      // A small step: amsgrad's running maximum makes the loss sharply curved in lr (h = 1e-5 was 0.1 % off).
      const h = 1e-6, fd = (final(0.05 + h).item() - final(0.05 - h).item()) / (2 * h);
      expect(Math.abs(g - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });

  it('bad options name the optimizer', () => {
    expect(() => O.amsgrad({ lr: 0.1, b2: 1.5 })).toThrow(/amsgrad/);
    expect(() => O.radam({ lr: 0.1, threshold: 3 })).toThrow(/radam.*threshold.*4/);
  });
});
