/** @file Types of chromium.mjs (plain JavaScript, so scripts/ensure-chromium.mjs can import it). */
export declare const chromiumPath: string;
export declare const chromiumStatusFile: URL;
export declare function chromiumMissing(): string | null;
export declare const chromiumArgs: string[];
