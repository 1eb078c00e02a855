/** @file How a value a user passed appears in an error message: its kind and, briefly, what it holds. */
/**
 * `number 3`, `string '3'` (quoted, so `'3'` and `3` read differently), `undefined`,
 * `an array of length 2`, `a tensor of shape [2,3]`, `an object (Map)`. Never converts an object
 * to text: a tensor's text would read its values (a value read under `jit`) and could print a
 * million numbers.
 */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `string ${quote(v)}`;
  if (typeof v === 'bigint') return `bigint ${v}n`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (isTensorLike(v)) return `a tensor of shape [${v.shape.join(',')}]`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

/**
 * One entry of a shape or a short list as written in a message: numbers as they are, strings
 * quoted, anything else described (`[2,'a']`, `[2,undefined]`).
 */
export function formatEntry(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return quote(v);
  return describe(v);
}

/** A string as a single-quoted literal, cut short if long. */
function quote(s: string): string {
  const shown = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `'${shown.replace(/'/g, "\\'")}'`;
}

/**
 * A tensor, recognised by its shape and size rather than by `instanceof`: importing the Tensor
 * class here would tie this leaf module (which shape.ts uses) into a cycle with tensor.ts.
 */
function isTensorLike(v: unknown): v is { shape: readonly number[] } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { shape?: unknown }).shape) &&
    typeof (v as { size?: unknown }).size === 'number' && typeof (v as { item?: unknown }).item === 'function';
}

/**
 * A value the user passed, written out as JSON for an error message (`[0, 2, 1]`, `"r"`), where
 * `JSON.stringify` itself would throw or say nothing: a BigInt shows as `10n`, anything else it
 * cannot write (a cycle, undefined, a function) as `describe` says it.
 */
export function literal(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? describe(v);
  } catch {
    return describe(v);
  }
}
