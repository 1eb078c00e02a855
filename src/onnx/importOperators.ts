/** @file The importer's operator table: every ONNX operator adjoint runs, by name, from the group files. */
import type { OperatorDef } from './importNode.js';
import { ELEMENTWISE } from './importElementwise.js';
import { SHAPE } from './importShape.js';
import { INDEXING } from './importIndexing.js';
import { REDUCE } from './importReduce.js';
import { NN } from './importNN.js';
import { UNARY } from './importUnary.js';
import { SCATTER } from './importScatter.js';
import { NORMALIZE } from './importNormalize.js';
import { SPATIAL } from './importSpatial.js';
import { RESIZE } from './importResize.js';
import { RECURRENT } from './importRecurrent.js';
import { GRID_SAMPLE } from './importGridSample.js';
import { LOSSES } from './importLosses.js';
import { CONTROL } from './importControl.js';
import { LOOPS } from './importLoop.js';

/** ONNX operator name → its definition (default domain, opsets 7–22 as each operator's notes say). */
export const OPERATORS: Readonly<Record<string, OperatorDef>> = { ...ELEMENTWISE, ...SHAPE, ...INDEXING, ...REDUCE, ...NN,
  ...UNARY, ...SCATTER, ...NORMALIZE, ...SPATIAL, ...RESIZE, ...GRID_SAMPLE, ...RECURRENT,
  ...LOSSES, ...CONTROL, ...LOOPS };
