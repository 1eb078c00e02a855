/**
 * @file `ad.onnx`: ONNX models from adjoint functions and back. `exportModel` writes the program
 * `jit` records as an ONNX graph (src/onnx/export.ts); the wire format is src/onnx/proto.ts.
 */
export { exportModel, ExportError, type ExportOptions } from './export.js';
export { importModel, type ImportedModel, type ModelInputs, type ModelOutputs } from './import.js';
