// The package's runtime surface, for packaging.test.ts to hold against its declarations: the keys
// of the module namespace and of every plain object under it (ad.linalg, ad.random.…, ad.semirings.log),
// as { "": [...], "linalg": [...], … }.
import * as ad from 'adjoint';

const surface = {};
const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && [Object.prototype, null].includes(Object.getPrototypeOf(v));
const walk = (object, path) => {
  surface[path] = Object.keys(object).sort();
  for (const key of surface[path]) if (plain(object[key])) walk(object[key], path === '' ? key : `${path}.${key}`);
};
walk(ad, '');
console.log(JSON.stringify(surface));
