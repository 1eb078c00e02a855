/** @file The error hierarchy: every misuse throws an AdjointError subclass naming the op, the shapes and the fix. */

/** Base class of every error adjoint throws on purpose. */
export class AdjointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit: bad shape entries, ragged arrays, mismatched operands. */
export class ShapeError extends AdjointError {}

/** An argument of the wrong kind or value (an axis out of range, a non-numeric leaf). */
export class InvalidArgumentError extends AdjointError {}

/** `grad` of a function whose output is not a single element. */
export class NonScalarOutputError extends AdjointError {}

/** Anomaly mode found a NaN or ±Infinity in a forward value or a cotangent. */
export class AnomalyError extends AdjointError {
  constructor(
    message: string,
    /** The primitive whose value or cotangent was not finite. */
    readonly op: string,
    /** Where the user's code called the op (stack frames outside adjoint), if known. */
    readonly site: string,
  ) {
    super(message);
  }
}

/** `assertGrad` found a derivative that disagrees with its reference. */
export class GradientCheckError extends AdjointError {}
