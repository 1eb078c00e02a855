/**
 * @file ONNX's GridSample (opset 16 on; PyTorch's F.grid_sample exports to it) for 4-D inputs: the
 * node's attributes mapped onto adjoint's grid sampler (../ops/gridSampling.ts, shared with
 * `ad.gridSample`), differentiable in the input and in the grid, as PyTorch's. Opset 20's names
 * 'linear' and 'cubic' are 'bilinear' and 'bicubic'.
 */
import { sampleGrid, type GridPaddingMode, type GridSampleMode } from '../ops/gridSampling.js';
import { same, type OperatorDef } from './importNode.js';

/** The sampler's mode of each of GridSample's spellings (opset 20 renamed bilinear and bicubic). */
const MODES: Record<string, GridSampleMode> = { bilinear: 'bilinear', linear: 'bilinear', nearest: 'nearest', bicubic: 'bicubic', cubic: 'bicubic' };

const gridSample: OperatorDef = {
  attributes: ['align_corners', 'mode', 'padding_mode'],
  compile: (node) => {
    const modes = node.opset >= 20 ? ['linear', 'nearest', 'cubic'] : ['bilinear', 'nearest', 'bicubic'];
    const mode = node.oneOf('mode', node.string('mode', modes[0]!), modes);
    const padding = node.oneOf<GridPaddingMode>('padding_mode', node.string('padding_mode', 'zeros') as GridPaddingMode, ['zeros', 'border', 'reflection']);
    const alignCorners = node.oneOf('align_corners', node.int('align_corners', 0), [0, 1]) === 1;
    return ([x, grid]) => {
      const X = x!.tensor, G = grid!.tensor;
      if (X.ndim !== 4 || G.ndim !== 4 || G.shape[3] !== 2 || G.shape[0] !== X.shape[0]) {
        node.runError(`input [${X.shape}] and grid [${G.shape}] must be [N, C, H, W] and [N, H_out, W_out, 2] (only 4-D inputs are supported).`);
      }
      return [same(x!, sampleGrid(X, G, MODES[mode]!, padding, alignCorners))];
    };
  },
};

/** GridSample by ONNX name. */
export const GRID_SAMPLE: Record<string, OperatorDef> = { GridSample: gridSample };
