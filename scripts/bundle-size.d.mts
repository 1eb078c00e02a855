/** @file Types of bundle-size.mjs (plain JavaScript, run by npm run size; the packaging test imports it). */
/** Sizes of a bundle: minified bytes and gzipped bytes. */
export interface BundleSize { bytes: number; gzip: number }
export declare const sideEffectFree: readonly string[];
export declare function measure(entry: string): Promise<{ gradTensor: BundleSize; whole: BundleSize; freeBytes: number }>;
