// adjoint's native tanh over a Float64Array, in the same addon as the matrix product (native/gemm.cc
// registers it, and lends its threads):
//   tanh(out, x, args = [start, end, threads]): out[p] = tanh(x[p]) for p in [start, end), eight
//     lanes at a time where the CPU has AVX-512, else four (two with SSE2 only), split over the
//     threads, on the arrays in place. The lane code is native/tanhLanes.h, compiled for each width.
// The algorithm is src/tensor/kernels/wasm/transcendental.ts's tanhCode step for step — fdlibm's
// s_tanh.c over its s_expm1.c, as V8's Math.tanh computes them, every branch a lane-wise select —
// so the results are Math.tanh's to the bit (each lane's arithmetic is plain IEEE double
// arithmetic: built with -ffp-contract=off and without -ffast-math, no fused multiply-adds, no
// reassociation):
//   tanh x = x for |x| < 2^−28;  sign(x)·(1 − 2/(t + 2)), t = expm1(2|x|), for 1 ≤ |x| < 22;
//   sign(x)·(−t/(t + 2)), t = expm1(−2|x|), for |x| < 1;  ±1 from 22 on (and at ±∞); x's NaN, quieted, for NaN.
// expm1(u) there (2 ≤ u < 44, or −2 < u ≤ −2^−27): k = 0 for |u| below HIGH(0x3fd62e43), k = −1
// below HIGH(0x3ff0a2b2), else trunc(u/ln2 ± 1/2); hi = u − k·LN2_HI, lo = k·LN2_LO, r = hi − lo,
// c = (hi − r) − lo; hfx = r/2, hxs = r·hfx, r1 = 1 + hxs(Q1 + hxs(Q2 + hxs(Q3 + hxs(Q4 + hxs·Q5)))),
// t = 3 − r1·hfx, e = hxs·((r1 − t)/(6 − r·t)); by k: k = 0: r − (r·e − hxs); else with
// e' = (r(e − c) − c) − hxs: k = −1: (r − e')/2 − 1/2; k ≤ −2 or k > 56: (1 − (e' − r))·2^k − 1;
// k < 20: ((1 − 2^−k) − (e' − r))·2^k; else ((r − (e' + 2^−k)) + 1)·2^k.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__AVX__)
#include <immintrin.h>
#endif

void adjointRunOnTeam(int threads, void (*fn)(void*, int, int), void* context);  // native/gemm.cc
bool adjointArrays(napi_env env, napi_callback_info info, size_t count, size_t numbers, double** data, size_t* length);  // native/rows.cc
bool adjointRange(napi_env env, double s, double e, size_t length, int64_t& start, int64_t& end);  // native/rows.cc

namespace {

typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4i __attribute__((vector_size(32)));
typedef uint64_t v4u __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8i __attribute__((vector_size(64)));
typedef uint64_t v8u __attribute__((vector_size(64)));

#define ADJOINT_LANES_TARGET
namespace narrow {
#include "tanhLanes.h"
}  // namespace narrow
#undef ADJOINT_LANES_TARGET
using narrow::select;
using narrow::splat;

inline v4d tanh4(v4d x) { return narrow::tanhLanes(x); }

// Thread t's part of [start, end): whole runs of four entries (a vector's), the rest to the last thread.
void shareOf(int64_t start, int64_t end, int t, int threads, int64_t& lo, int64_t& hi) {
  const int64_t quads = (end - start) / 4;
  lo = start + quads * t / threads * 4;
  hi = t == threads - 1 ? end : start + quads * (t + 1) / threads * 4;
}

struct Job {
  double* out;
  const double* x;
  int64_t start, end;
};

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && defined(__has_builtin)
#if __has_builtin(__builtin_cpu_supports)
#define ADJOINT_WIDE_TANH 1
#endif
#endif

#if defined(ADJOINT_WIDE_TANH)
#define ADJOINT_LANES_TARGET __attribute__((target("avx512f,avx512dq")))
namespace wide {
#include "tanhLanes.h"
}  // namespace wide
#undef ADJOINT_LANES_TARGET

// Eight lanes at a time where the CPU has AVX-512 (its foundation and the int64 conversions of
// DQ): the same lane arithmetic, half the instructions an element (the divider's throughput per
// element is the same on either width). Whole pairs of vectors from p; returns where it stopped.
__attribute__((target("avx512f,avx512dq"))) int64_t tanhWide(const double* x, double* out, int64_t p, int64_t hi) {
  for (; p + 16 <= hi; p += 16) {
    v8d v, w;
    std::memcpy(&v, x + p, sizeof v);
    std::memcpy(&w, x + p + 8, sizeof w);
    v = wide::tanhLanes(v);
    w = wide::tanhLanes(w);
    std::memcpy(out + p, &v, sizeof v);
    std::memcpy(out + p + 8, &w, sizeof w);
  }
  return p;
}

bool wideTanhSupported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}
const bool WIDE_TANH = wideTanhSupported();
#endif

// A thread's run of [start, end): whole vectors, then the last few lanes through a padded vector.
void tanhRun(void* context, int t, int threads) {
  const Job& job = *static_cast<const Job*>(context);
  int64_t lo, hi;
  shareOf(job.start, job.end, t, threads, lo, hi);
  int64_t p = lo;
#if defined(ADJOINT_WIDE_TANH)
  if (WIDE_TANH) p = tanhWide(job.x, job.out, p, hi);
#endif
  for (; p + 8 <= hi; p += 8) {  // two vectors a step: the second's dependency chain overlaps the first's
    v4d v, w;
    std::memcpy(&v, job.x + p, sizeof v);
    std::memcpy(&w, job.x + p + 4, sizeof w);
    v = tanh4(v);
    w = tanh4(w);
    std::memcpy(job.out + p, &v, sizeof v);
    std::memcpy(job.out + p + 4, &w, sizeof w);
  }
  for (; p + 4 <= hi; p += 4) {
    v4d v;
    std::memcpy(&v, job.x + p, sizeof v);
    v = tanh4(v);
    std::memcpy(job.out + p, &v, sizeof v);
  }
  if (p < hi) {
    double lanes[4] = {0, 0, 0, 0};
    std::copy(job.x + p, job.x + hi, lanes);
    v4d v;
    std::memcpy(&v, lanes, sizeof v);
    v = tanh4(v);
    std::memcpy(lanes, &v, sizeof v);
    std::copy(lanes, lanes + (hi - p), job.out + p);
  }
}

// tanh's first-order VJP over [start, end): out[p] = g·(1 − y·y) with y = tanh(x) saved, as
// src/tensor/kernels/unary.ts's unaryVjpKernel computes it — the product y·y rounded, then the
// difference, then the product with g (no fused multiply-add: the build turns contraction off) —
// and its strong zero: 0 where g or 1 − y·y is 0 (a zero cotangent stays zero). The same bits.
struct VjpJob {
  double* out;
  const double* g;
  const double* y;
  int64_t start, end;
};

void tanhVjpRun(void* context, int t, int threads) {
  const VjpJob& job = *static_cast<const VjpJob*>(context);
  int64_t lo, hi;
  shareOf(job.start, job.end, t, threads, lo, hi);
  const v4d one = splat<v4d>(1), zero = splat<v4d>(0);
  int64_t p = lo;
  for (; p + 4 <= hi; p += 4) {
    v4d g, y;
    std::memcpy(&g, job.g + p, sizeof g);
    std::memcpy(&y, job.y + p, sizeof y);
    const v4d d = one - y * y;
    const v4d r = select(zero, g * d, (g == zero) | (d == zero));
    std::memcpy(job.out + p, &r, sizeof r);
  }
  for (; p < hi; p++) {
    const double g = job.g[p], y = job.y[p], d = 1 - y * y;
    job.out[p] = g == 0 || d == 0 ? 0 : g * d;
  }
}

napi_value TanhVjp(napi_env env, napi_callback_info info) {
  double* data[4];
  size_t length[4];
  if (!adjointArrays(env, info, 4, 3, data, length)) return nullptr;  // out, g, y, [start, end, threads]
  const double* args = data[3];
  int64_t start, end;
  if (!adjointRange(env, args[0], args[1], std::min(length[0], std::min(length[1], length[2])), start, end)) return nullptr;
  VjpJob job{data[0], data[1], data[2], start, end};
  const int threads = static_cast<int>(std::max(1.0, std::min(args[2], 64.0)));
  if (threads <= 1) tanhVjpRun(&job, 0, 1);
  else adjointRunOnTeam(threads, tanhVjpRun, &job);
  return nullptr;
}

napi_value Tanh(napi_env env, napi_callback_info info) {
  double* data[3];
  size_t length[3];
  if (!adjointArrays(env, info, 3, 3, data, length)) return nullptr;  // out, x, [start, end, threads]
  const double* args = data[2];
  int64_t start, end;
  if (!adjointRange(env, args[0], args[1], std::min(length[0], length[1]), start, end)) return nullptr;
  Job job{data[0], data[1], start, end};
  const int threads = static_cast<int>(std::max(1.0, std::min(args[2], 64.0)));
  if (threads <= 1) tanhRun(&job, 0, 1);
  else adjointRunOnTeam(threads, tanhRun, &job);
  return nullptr;
}

}  // namespace

// Adds tanh to the addon's exports (called by native/gemmCalls.cc's module init).
void adjointRegisterVmath(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "tanh", NAPI_AUTO_LENGTH, Tanh, nullptr, &fn);
  napi_set_named_property(env, exports, "tanh", fn);
  napi_create_function(env, "tanhVjp", NAPI_AUTO_LENGTH, TanhVjp, nullptr, &fn);
  napi_set_named_property(env, exports, "tanhVjp", fn);
}
