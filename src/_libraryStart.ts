/**
 * @file The start marker of the library's code (see core/libraryFrames.ts): imported first by the
 * first module `index.ts` imports, so its body is the first of the library's modules where a bundler
 * emits them in execution order, and named to sort before every other file of dist/ ('_' before the
 * lower-case letters), so it is also first where a bundler emits them by path (webpack's development
 * builds, whose module ids are paths).
 */

/** A stack captured in this module's body: its first frame is the marker's position. @internal */
export const libraryStartStack: string = new Error().stack ?? '';
