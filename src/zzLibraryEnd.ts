/**
 * @file The end marker of the library's code (see core/libraryFrames.ts): the last module `index.ts`
 * imports, so its body is the last of the library's modules where a bundler emits them in execution
 * order, and named to sort after every other file of dist/, so it is also last where a bundler emits
 * them by path (webpack's development builds, whose module ids are paths).
 */
import { markLibraryEnd } from './core/libraryFrames.js';

markLibraryEnd(new Error().stack ?? '');
