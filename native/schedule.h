// A list's operations run on several threads at once where they touch no common memory
// (native/gemmCalls.cc's gemmMany: a chain's backward pass alternates two products per factor, R_{i−1} =
// R_i M_iᵀ and M̄_i = P_{i−1}ᵀ R_i, each too small to split but independent of the other). Included
// by gemm.cc only.
#ifndef ADJOINT_NATIVE_SCHEDULE_H
#define ADJOINT_NATIVE_SCHEDULE_H

#include "team.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <new>
#include <thread>

namespace adjoint_native {

// Memory from lo up to (not including) hi, in bytes; empty where lo = hi.
struct Span {
  uintptr_t lo = 0, hi = 0;
};
inline bool overlaps(const Span& a, const Span& b) { return a.lo < b.hi && b.lo < a.hi; }

// What an operation reads (up to three runs) and writes (one).
struct Footprint {
  Span reads[3];
  Span write;
};

// Whether q, later in the list, must wait for p: one writes memory the other reads or writes (read
// after write, write after read, write after write). Two reads never conflict.
inline bool conflicts(const Footprint& p, const Footprint& q) {
  if (overlaps(p.write, q.write)) return true;
  for (const Span& r : q.reads)
    if (overlaps(p.write, r)) return true;
  for (const Span& r : p.reads)
    if (overlaps(r, q.write)) return true;
  return false;
}

// Whether some operation of the list need not wait for the one before it (else the list is a
// chain, each reading what the last wrote: one thread runs it as fast as several).
inline bool anyIndependent(size_t count, const Footprint* footprints) {
  for (size_t q = 1; q < count; q++)
    if (!conflicts(footprints[q - 1], footprints[q])) return true;
  return false;
}

// Runs run(q) for q = 0 … count − 1 on `threads` of the team's threads (reserved first), each
// operation after every earlier one it conflicts with has finished: the same results as running
// them in order, whatever the threads' timing. Thread t runs operations t, t + threads, t + 2·threads …
// in order (a chain's backward pass, alternating its two products, keeps each product's operands
// in one core's cache: taking the next free operation instead moved them between cores every step,
// and the pass ran no faster on two threads than on one at 32×32). Before q, a thread waits until
// every operation before q − WINDOW has finished, then for each of q − WINDOW … q − 1 it conflicts
// with. The earliest unfinished operation never waits, so the list always advances.
// An exception from run (memory for a kernel's scratch) is rethrown on the calling thread as
// std::bad_alloc once every thread has stopped; what the list wrote by then is unspecified.
template <class Run>
void runConcurrently(size_t count, const Footprint* footprints, int threads, const Run& run) {
  constexpr size_t WINDOW = 8;
  // finished[u]: how many of thread u's operations (u, u + threads, …) have finished; a cache line
  // each, so that one thread's count does not move the line another is writing.
  struct alignas(64) Count {
    std::atomic<size_t> n{0};
  };
  std::unique_ptr<Count[]> finished(new Count[threads]);
  const size_t T = static_cast<size_t>(threads);
  const auto isDone = [&](size_t p) { return finished[p % T].n.load(std::memory_order_acquire) > p / T; };
  const auto waitFor = [&](size_t p) {
    for (int spins = 0; !isDone(p); spins++) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
      if ((spins & 1023) == 1023) std::this_thread::yield();  // a loaded machine's other threads get the core
    }
  };
  std::atomic<bool> failed{false};
  team().run(threads, [&](int t) {
    for (size_t q = static_cast<size_t>(t); q < count; q += T) {
      const size_t from = q > WINDOW ? q - WINDOW : 0;
      // Everything before the window: the last operation of each other thread there.
      for (size_t u = 0; from > 0 && u < T; u++) {
        if (u == static_cast<size_t>(t) || u >= from) continue;
        waitFor((from - 1 - u) / T * T + u);
      }
      for (size_t p = from; p < q; p++)
        if (p % T != static_cast<size_t>(t) && conflicts(footprints[p], footprints[q])) waitFor(p);
      try {
        if (!failed.load(std::memory_order_relaxed)) run(q);
      } catch (...) {
        failed.store(true, std::memory_order_relaxed);
      }
      finished[t].n.store(q / T + 1, std::memory_order_release);
    }
  });
  if (failed.load()) throw std::bad_alloc();
}

}  // namespace adjoint_native

#endif
