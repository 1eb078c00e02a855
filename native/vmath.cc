// adjoint's native tanh over a Float64Array, in the same addon as the matrix product (native/gemm.cc
// registers it, and lends its threads):
//   tanh(out, x, args = [start, end, threads]): out[p] = tanh(x[p]) for p in [start, end), four
//     lanes at a time (two with SSE2 only), split over the threads, on the arrays in place.
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

inline v4d splat(double v) { return (v4d){v, v, v, v}; }
inline v4d fromBits(uint64_t b) {
  double v;
  std::memcpy(&v, &b, sizeof v);
  return splat(v);
}
// WebAssembly's v128.bitselect(a, b, mask): a's bits where the mask is set, b's elsewhere.
inline v4d select(v4d a, v4d b, v4i mask) { return (v4d)(((v4i)a & mask) | ((v4i)b & ~mask)); }
inline v4d truncate(v4d v) {
#if defined(__AVX__)
  return (v4d)_mm256_round_pd((__m256d)v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
#else
  return (v4d){std::trunc(v[0]), std::trunc(v[1]), std::trunc(v[2]), std::trunc(v[3])};
#endif
}

const double INVLN2 = 1.44269504088896338700;
const double LN2_HI = 6.93147180369123816490e-1;  // 0x3fe62e42 fee00000
const double LN2_LO = 1.90821492927058770002e-10;
const double Q1 = -3.33333333333331316428e-2, Q2 = 1.58730158725481460165e-3, Q3 = -7.93650757867487942473e-5,
             Q4 = 4.00821782732936239552e-6, Q5 = -2.01099218183624371326e-7;
const double EXP_MAGIC = 4503599627371519.0;  // 2^52 + 1023: k added to it sits in the low bits, ready for the exponent field
const uint64_t SIGN = 0x8000000000000000ull;

// tanh of four lanes, the operations of tanhCode in its order.
__attribute__((always_inline)) inline v4d tanh4(v4d x) {
  const v4d HALF_LN2 = fromBits(0x3fd62e4300000000ull), THREE_HALVES_LN2 = fromBits(0x3ff0a2b200000000ull);
  const v4u sign = (v4u){SIGN, SIGN, SIGN, SIGN};
  const v4d a = (v4d)((v4u)x & ~sign);  // |x|
  const v4i b = a >= splat(1);
  const v4d u = select(a * splat(2), -(a * splat(2)), b);  // 2|x| from 1 on, −2|x| below
  // k: 0 below HALF_LN2, −1 below THREE_HALVES_LN2, else trunc(u/ln2 ± 1/2) (the half with u's sign)
  const v4d half = (v4d)(((v4u)u & sign) | (v4u)splat(0.5));
  v4d k = select(splat(-1), truncate(u * splat(INVLN2) + half), a * splat(2) < THREE_HALVES_LN2);
  k = select(k, splat(0), a * splat(2) >= HALF_LN2);
  v4d h = u - k * splat(LN2_HI);
  v4d c = k * splat(LN2_LO);
  const v4d r = h - c;
  c = (h - r) - c;
  h = r * splat(0.5);
  const v4d s = r * h;
  v4d e = s * splat(Q5) + splat(Q4);
  e = e * s + splat(Q3);
  e = e * s + splat(Q2);
  e = e * s + splat(Q1);
  e = e * s + splat(1);
  v4d y = splat(3) - e * h;
  e = s * ((e - y) / (splat(6) - r * y));
  v4d z = r - (r * e - s);
  e = ((r * (e - c)) - c) - s;
  // 2^k (w) and 2^−k (h) from the bits
  const v4d w = (v4d)((v4u)(k + splat(EXP_MAGIC)) << 52);
  h = (v4d)((v4u)(splat(EXP_MAGIC) - k) << 52);
  y = ((r - (e + h)) + splat(1)) * w;
  y = select(((splat(1) - h) - (e - r)) * w, y, k < splat(20));
  y = select(((splat(1) - (e - r)) * w) - splat(1), y, (k <= splat(-2)) | (k > splat(56)));
  y = select(splat(0.5) * (r - e) - splat(0.5), y, k == splat(-1));
  y = select(z, y, k == splat(0));
  // tanh |x|, then |x| itself below 2^−28, 1 from 22 on, and x's sign
  z = select(splat(1) - splat(2) / (y + splat(2)), -y / (y + splat(2)), b);
  z = select(a, z, a < splat(0x1p-28));
  z = select(splat(1), z, a >= splat(22));
  // NaN: x's own NaN, quieted — what Math.tanh returns (fdlibm's 1/x ± 1 passes x's payload and
  // sign through). Not left to the arithmetic above: which operand's NaN an instruction passes on is
  // the compiler's choice (clang's build returned −NaN for +NaN, through u = −2|x|).
  const v4u QUIET = (v4u){0x0008000000000000ull, 0x0008000000000000ull, 0x0008000000000000ull, 0x0008000000000000ull};
  z = select((v4d)((v4u)a | QUIET), z, a != a);
  return (v4d)(((v4u)x & sign) | (v4u)z);
}

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

// A thread's run of [start, end): whole vectors, then the last few lanes through a padded vector.
void tanhRun(void* context, int t, int threads) {
  const Job& job = *static_cast<const Job*>(context);
  int64_t lo, hi;
  shareOf(job.start, job.end, t, threads, lo, hi);
  int64_t p = lo;
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
  const v4d one = splat(1), zero = splat(0);
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
