/**
 * @file ONNX's GridSample (opset 16 on; PyTorch's F.grid_sample exports to it) for 4-D inputs, in
 * adjoint's ops: differentiable in the input and in the grid, as PyTorch's.
 *
 * X [N, C, H, W] is sampled at grid [N, H_out, W_out, 2], whose last axis holds (x, y) in [−1, 1].
 * A coordinate g becomes a pixel position ((g + 1)/2)(size − 1) with align_corners, else
 * ((g + 1)·size − 1)/2 (pixel centres); padding 'border' clamps it into the image, 'reflection'
 * reflects it off the edges (PyTorch's reflect_coordinates) and clamps, 'zeros' leaves it and reads
 * 0 outside. Bilinear mode mixes the four neighbours with weights linear in the position (so the
 * grid gets a gradient); bicubic the sixteen around it with Keys' weights (a = −0.75), padding each
 * tap's pixel instead of the position, as PyTorch; nearest takes the pixel at the position rounded
 * half to even (no grid gradient). Each tap is one `gather` from the flattened image.
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, greaterEqual, lessEqual, mul, sub } from '../ops/binary.js';
import { abs } from '../ops/unary.js';
import { clip, stopGradient, where } from '../ops/select.js';
import { floor, fmod, round } from '../ops/rounding.js';
import { reshape, slice } from '../ops/shape.js';
import { gather } from '../ops/gather.js';
import { same, type OperatorDef } from './importNode.js';

type Padding = 'zeros' | 'border' | 'reflection';

/**
 * x reflected into [low, high] (PyTorch's reflect_coordinates, given twice the bounds): the
 * distance from low folded by the span, every other fold mirrored.
 */
function reflect(x: Tensor, twiceLow: number, twiceHigh: number): Tensor {
  if (twiceLow === twiceHigh) return mul(x, 0);
  const low = twiceLow / 2, span = (twiceHigh - twiceLow) / 2;
  const d = abs(sub(x, low));
  const extra = fmod(d, span), flips = floor(div(stopGradient(d), span));
  const even = lessEqual(fmod(flips, 2), 0.5);
  return add(where(even, extra, sub(span, extra)), low);
}

/** A grid coordinate g ∈ [−1, 1] as a pixel position along an axis of `size` pixels. */
function unnormalize(g: Tensor, size: number, alignCorners: boolean): Tensor {
  return alignCorners ? mul(add(g, 1), (size - 1) / 2) : div(sub(mul(add(g, 1), size), 1), 2);
}

/** A pixel position padded as asked: reflected off the edges and/or clamped into the image ('zeros' leaves it). */
function padded(p: Tensor, size: number, alignCorners: boolean, padding: Padding): Tensor {
  if (padding === 'reflection') p = alignCorners ? reflect(p, 0, 2 * (size - 1)) : reflect(p, -1, 2 * size - 1);
  return padding === 'zeros' ? p : clip(p, 0, size - 1);
}

/** Keys' cubic convolution weights (a = −0.75, PyTorch's) of the taps ⌊p⌋ − 1 … ⌊p⌋ + 2 for the fractional part t of p. */
function cubicWeights(t: Tensor): Tensor[] {
  const a = -0.75;
  const far = (s: Tensor) => sub(mul(add(mul(sub(mul(a, s), 5 * a), s), 8 * a), s), 4 * a); // 1 ≤ |s| < 2
  const near = (s: Tensor) => add(mul(mul(sub(mul(a + 2, s), a + 3), s), s), 1); //             |s| < 1
  const u = sub(1, t);
  return [far(add(t, 1)), near(t), near(u), far(add(u, 1))];
}

const gridSample: OperatorDef = {
  attributes: ['align_corners', 'mode', 'padding_mode'],
  compile: (node) => {
    const modes = node.opset >= 20 ? ['linear', 'nearest', 'cubic'] : ['bilinear', 'nearest', 'bicubic'];
    const mode = node.oneOf('mode', node.string('mode', modes[0]!), modes);
    const padding = node.oneOf<Padding>('padding_mode', node.string('padding_mode', 'zeros') as Padding, ['zeros', 'border', 'reflection']);
    const alignCorners = node.oneOf('align_corners', node.int('align_corners', 0), [0, 1]) === 1;
    return ([x, grid]) => {
      const X = x!.tensor, G = grid!.tensor;
      if (X.ndim !== 4 || G.ndim !== 4 || G.shape[3] !== 2 || G.shape[0] !== X.shape[0]) {
        node.runError(`input [${X.shape}] and grid [${G.shape}] must be [N, C, H, W] and [N, H_out, W_out, 2] (only 4-D inputs are supported).`);
      }
      const [n, c, h, w] = X.shape as [number, number, number, number];
      const [, ho, wo] = G.shape as [number, number, number];
      const points = ho * wo;
      const cubic = mode === 'cubic' || mode === 'bicubic';
      // Bicubic pads each tap (as PyTorch's get_value_bounded); the other modes pad the position.
      const coordinate = (k: number, size: number) => {
        const p = reshape(unnormalize(slice(G, [0, 0, 0, k], [n, ho, wo, 1]), size, alignCorners), [n, 1, points]);
        return cubic ? p : padded(p, size, alignCorners, padding);
      };
      const px = coordinate(0, w), py = coordinate(1, h);
      const flat = reshape(X, [n, c, h * w]);
      // The pixel (xi, yi) of every image, 0 outside it.
      const tap = (xi: Tensor, yi: Tensor) => {
        const inside = mul(mul(greaterEqual(xi, 0), lessEqual(xi, w - 1)), mul(greaterEqual(yi, 0), lessEqual(yi, h - 1)));
        const index = add(mul(clip(yi, 0, h - 1), w), clip(xi, 0, w - 1));
        return mul(gather(flat, index, 2), inside);
      };
      let out: Tensor;
      if (mode === 'nearest') out = tap(round(px), round(py));
      else if (cubic) {
        const x0 = floor(stopGradient(px)), y0 = floor(stopGradient(py));
        const cx = cubicWeights(sub(px, x0)), cy = cubicWeights(sub(py, y0));
        const terms: Tensor[] = [];
        for (let j = 0; j < 4; j++) {
          const yj = padded(add(y0, j - 1), h, alignCorners, padding);
          for (let i = 0; i < 4; i++) terms.push(mul(tap(padded(add(x0, i - 1), w, alignCorners, padding), yj), mul(cx[i]!, cy[j]!)));
        }
        out = terms.reduce((acc, term) => add(acc, term));
      } else {
        const x0 = floor(stopGradient(px)), y0 = floor(stopGradient(py));
        const wx = sub(px, x0), wy = sub(py, y0); // weights of the right and lower neighbours
        const x1 = add(x0, 1), y1 = add(y0, 1);
        out = add(
          add(mul(tap(x0, y0), mul(sub(1, wx), sub(1, wy))), mul(tap(x1, y0), mul(wx, sub(1, wy)))),
          add(mul(tap(x0, y1), mul(sub(1, wx), wy)), mul(tap(x1, y1), mul(wx, wy))),
        );
      }
      return [same(x!, reshape(out, [n, c, ho, wo]))];
    };
  },
};

/** GridSample by ONNX name. */
export const GRID_SAMPLE: Record<string, OperatorDef> = { GridSample: gridSample };
