/** @file The error hierarchy: every misuse throws an AdjointError subclass naming the op, the shapes and the fix. */

/**
 * Base class of every error adjoint throws on purpose.
 *
 * Each class names itself with a string (`static { this.prototype.name = '…' }`), not with
 * `new.target.name`: a minifier renames classes, and `e.name` must stay `'ShapeError'` in a
 * minified bundle too. A subclass defined elsewhere without a name of its own still gets its
 * class name (unminified code keeps it).
 */
export class AdjointError extends Error {
  static {
    this.prototype.name = 'AdjointError';
  }

  constructor(message: string) {
    super(message);
    const proto = new.target.prototype as Error;
    this.name = Object.prototype.hasOwnProperty.call(proto, 'name') ? proto.name : new.target.name;
  }
}

/** Shapes that do not fit: bad shape entries, ragged arrays, mismatched operands. */
export class ShapeError extends AdjointError {
  static {
    this.prototype.name = 'ShapeError';
  }
}

/** An argument of the wrong kind or value (an axis out of range, a non-numeric leaf). */
export class InvalidArgumentError extends AdjointError {
  static {
    this.prototype.name = 'InvalidArgumentError';
  }
}

/** `grad` of a function whose output is not a single element. */
export class NonScalarOutputError extends AdjointError {
  static {
    this.prototype.name = 'NonScalarOutputError';
  }
}

/** Anomaly mode found a NaN or ±Infinity in a forward value or a cotangent. */
export class AnomalyError extends AdjointError {
  static {
    this.prototype.name = 'AnomalyError';
  }

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
export class GradientCheckError extends AdjointError {
  static {
    this.prototype.name = 'GradientCheckError';
  }
}
