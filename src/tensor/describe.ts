/** @file How a value a user passed appears in an error message: its kind and, briefly, what it holds. */
/**
 * `number 3`, `string '3'` (quoted, so `'3'` and `3` read differently), `undefined`,
 * `an array of length 2`, `an object (Map)`. Never converts an object to text: a tensor's text
 * would read its values (a value read under `jit`) and could print a million numbers.
 */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `string ${quote(v)}`;
  if (typeof v === 'bigint') return `bigint ${v}n`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

/**
 * One entry of a shape or a short list as written in a message: numbers as they are, strings
 * quoted, objects by their class, anything else described (`[2,'a']`, `[2,undefined]`, `[2,Tensor]`).
 */
export function formatEntry(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return quote(v);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return (v as object).constructor?.name ?? 'Object';
  return describe(v);
}

/** A string as a single-quoted literal, cut short if long. */
function quote(s: string): string {
  const shown = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `'${shown.replace(/'/g, "\\'")}'`;
}
