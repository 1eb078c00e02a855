/**
 * @file Whether models should compute with their generic op programs rather than their kernels.
 *
 * Some structured models run as kernels in the log semiring (Eisner's algorithm, the semi-Markov
 * CRF, CTC): primitives of their own, with no ONNX form. The ONNX exporter turns this on while it
 * records a function, and the models then take the semiring programs those kernels stand for —
 * the same values to rounding, written with ops that have an ONNX form — so a model that uses them
 * still exports. Nothing else sets it.
 */

/** On while the ONNX exporter records (src/onnx/export.ts). @internal */
export const genericPrograms = { on: false };
