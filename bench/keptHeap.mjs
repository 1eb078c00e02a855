// W4 under a glibc that keeps freed memory: the same rows, adjoint and PyTorch, each in a process started with
// MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set, so both sides meet the same allocator.
//
// Why: W4's value and gradient at n = 10⁵ spends most of its time in page faults. Each call returns a fresh
// 0.8 MB gradient; glibc serves it from the top of its heap, and when the garbage collector frees a batch of
// old gradients at once the top grows past the trim threshold (twice the largest block freed so far) and is
// handed back to the kernel — so the next gradients first-touch fresh pages, ~200 faults a call at ~2.5 µs
// each on the bench VM (process.resourceUsage().minorPageFault). PyTorch's CPU tensors come from the same
// malloc and fault the same way in a process whose heap is shaped alike. Whether a given process settles
// into reusing or trimming is a matter of its history, so the default rows move 3× between processes on
// both sides; with the thresholds raised neither returns memory and both reuse it.

/** glibc's tunables, read at process start: blocks up to 32 MiB from the heap, which is trimmed only past 256 MiB free. */
export const KEPT_HEAP_ENV = { ...process.env, MALLOC_MMAP_THRESHOLD_: String(32 << 20), MALLOC_TRIM_THRESHOLD_: String(256 << 20) };

/** Whether this Node runs on glibc (the variables mean nothing to musl, macOS or Windows). */
export function keptHeapAvailable() {
  return Boolean(process.report?.getReport?.().header?.glibcVersionRuntime);
}

/** The rows relabelled: impl `<impl>-kept-heap`, and the note says what was set. */
export function keptHeapRows(rows) {
  const note = `glibc MALLOC_MMAP_THRESHOLD_=32 MiB, MALLOC_TRIM_THRESHOLD_=256 MiB (freed blocks reused, not returned)`;
  return rows.map((r) => ({ ...r, impl: `${r.impl}-kept-heap`, note: r.note ? `${note}; ${r.note}` : note }));
}
