// Node resolve hook for the bench's TF.js peer: loads tfjs-core and its cpu and wasm backends as their ESM sources (one copy), whose imports omit '.js'.
const CORE_ESM = '@tensorflow/tfjs-core/dist/index.js';

export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (!/\/@tensorflow\/tfjs-(core|backend-cpu|backend-wasm)\/dist\//.test(parent)) return next(specifier, context);
  if (specifier === '@tensorflow/tfjs-core') return next(CORE_ESM, context);
  if (/^@tensorflow\/tfjs-(core|backend-cpu)\/dist\//.test(specifier) && !specifier.endsWith('.js')) return next(`${specifier}.js`, context);
  if (/^\.\.?\//.test(specifier) && !/\.(m?js|json)$/.test(specifier)) {
    try {
      return await next(`${specifier}.js`, context);
    } catch {
      return next(`${specifier}/index.js`, context);
    }
  }
  return next(specifier, context);
}
