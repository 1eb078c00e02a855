// The JavaScript peers (TensorFlow.js with its cpu and wasm backends, jax-js), loaded one group per process by child.mjs: a peer that is missing or fails to start becomes a note, not a crash.

/** Peer groups, each run in its own process: [group, module path, load options, impl names it provides]. */
const GROUPS = [
  ['tfjs-cpu', './tfjs.mjs', { backend: 'cpu' }, ['tfjs-cpu']],
  ['tfjs-wasm', './tfjs.mjs', { backend: 'wasm' }, ['tfjs-wasm']],
  ['jax-js', './jaxjs.mjs', {}, ['jax-js', 'jax-js-jit']],
];

export const PEER_GROUPS = GROUPS.map(([group]) => group);

/**
 * Imports one group's module and calls its `load(options)`, which returns [{ impl, rows(w) }]:
 * rows(w) gives the alternatives ({ impl, f, vg, prepare?, tol?, note? } or { impl, skip }) a peer
 * offers for workload w. Returns { forWorkload(w), status: [lines for the log] }.
 */
export async function loadPeerGroup(group) {
  const entry = GROUPS.find(([g]) => g === group);
  if (!entry) throw new Error(`unknown peer group ${group}; known: ${PEER_GROUPS.join(', ')}`);
  const [, path, options, names] = entry;
  const peers = [];
  const status = [];
  try {
    const mod = await import(path);
    for (const p of await mod.load(options)) {
      peers.push(p);
      status.push(`${p.impl}: ${p.skip ? p.skip : 'ready'}`);
    }
  } catch (e) {
    const skip = `skipped: could not load (${String(e?.message ?? e).split('\n')[0].slice(0, 120)})`;
    for (const impl of names) {
      peers.push({ impl, skip });
      status.push(`${impl}: ${skip}`);
    }
  }
  return {
    status,
    forWorkload(w) {
      const out = [];
      for (const p of peers) {
        if (p.skip) {
          out.push({ impl: p.impl, peer: true, skip: p.skip });
          continue;
        }
        let rows;
        try {
          rows = p.rows(w);
        } catch (e) {
          rows = [{ impl: p.impl, skip: `failed: ${e?.message ?? e}` }];
        }
        for (const r of rows) out.push({ ...r, peer: true });
      }
      return out;
    },
  };
}
