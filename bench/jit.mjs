// Bench rows for ad.jit: a jitted function that remembers how long its recording call took, and the row that reports it.
import * as ad from 'adjoint';

/** ad.jit(fn), remembering the duration of the call that recorded (reported in the row's note, not timed). */
export function timedJit(fn) {
  const jitted = ad.jit(fn);
  let recorded = false; // cacheInfo() counts the program's calls: asked until the recording, not on every timed call
  const wrapped = (...args) => {
    if (recorded) return jitted(...args);
    recorded = true;
    const recording = jitted.cacheInfo().length === 0;
    const t0 = performance.now();
    const out = jitted(...args);
    if (recording) wrapped.recordMs = performance.now() - t0;
    return out;
  };
  wrapped.recordMs = NaN;
  wrapped.cacheInfo = () => jitted.cacheInfo();
  return wrapped;
}

/** The 'adjoint-jit' implementation of a workload: f and vg as given; its note names the recording time. */
export function jitRow(vg, { f, vg: vgRow, label = 'ad.jit(ad.valueAndGrad(...))' }) {
  return {
    impl: 'adjoint-jit',
    f,
    vg: vgRow,
    get note() {
      const [entry] = vg.cacheInfo();
      const status = entry?.status === 'replayed' ? '' : `; NOT REPLAYED: ${entry?.reason}`;
      return `${label}; first call (recording) ${vg.recordMs.toFixed(0)} ms, not in the median${status}`;
    },
  };
}
