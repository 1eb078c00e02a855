/**
 * @file The end marker of the library's code: the last module `index.ts` imports, so its body is
 * the last of the library's modules in a bundle (see libraryFrames.ts).
 */
import { markLibraryEnd } from './libraryFrames.js';

markLibraryEnd(new Error().stack ?? '');
