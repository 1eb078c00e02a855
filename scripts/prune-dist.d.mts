/** @file Types of prune-dist.mjs (plain JavaScript, run by npm pack's prepack; a test imports it). */
export declare function orphans(root: string): string[];
