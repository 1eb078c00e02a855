// adjoint's native elementwise ops of one operand and their fused VJPs for Node (src/tensor/kernels/
// unary.ts computes the same in JavaScript, with the same bits), in the same addon as the matrix
// product (registered by native/gemmCalls.cc):
//   unary(out, x, args = [n, op, threads]): out[p] = f(x[p]) for p < n, f by op: 0 neg, 1 sqrt,
//     2 square, 3 abs, 4 sign, 5 relu, 6 step, 7 reciprocal;
//   unaryVjp(out, g, s, args = [n, op, threads]): out[p] = g[p]·f′ with the strong zero (0 where
//     g[p] or f′ is 0, whatever the other), f′ from the saved input or output s[p] by op: 0 exp (y),
//     1 square (2x), 2 sqrt (0.5/y), 3 sigmoid (y(1 − y)), 4 relu (x > 0), 5 reciprocal (−y²),
//     6 log1p (1/(x + 1)).
// Each entry the JavaScript expression's IEEE operations in its order (built with -ffp-contract=off
// and without -ffast-math: no fused multiply-add, no reassociation; sqrt is correctly rounded in
// both), so its bits. V8's loops reload each typed array's length and data pointer per entry (about
// 4 ns an entry on a Zen 3 core); these run near memory speed. Ranges of whole cache lines split over
// the threads (each writes, and first touches, its own).
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

// The call's Float64Arrays, checked (native/rows.cc), and the team's threads (native/gemm.cc).
bool adjointArrays(napi_env env, napi_callback_info info, size_t count, size_t numbers, double** data, size_t* length);
void adjointRunOnTeam(int threads, void (*fn)(void*, int, int), void* context);

namespace {

struct UnaryJob {
  double* out;
  const double* x;  // the operand (unary) or the cotangent g (unaryVjp)
  const double* s;  // the saved input or output (unaryVjp), else null
  int64_t n;
  int op;
};

// g·d with the strong zero, as unary.ts's `strong`.
inline double strong(double g, double d) { return g == 0 || d == 0 ? 0.0 : g * d; }

template <int Op>
void unaryRange(const UnaryJob& job, int64_t p0, int64_t p1) {
  const double* x = job.x;
  double* out = job.out;
  for (int64_t p = p0; p < p1; p++) {
    const double v = x[p];
    out[p] = Op == 0   ? -v
             : Op == 1 ? std::sqrt(v)
             : Op == 2 ? v * v
             : Op == 3 ? std::fabs(v)
             : Op == 4 ? (v > 0 ? 1.0 : v < 0 ? -1.0 : v)       // sign(±0) = ±0, sign(NaN) = NaN
             : Op == 5 ? (v > 0 ? v : v == v ? 0.0 : v)         // relu: +0 for ±0, NaN kept
             : Op == 6 ? (v > 0 ? 1.0 : v == v ? 0.0 : v)       // step
                       : 1 / v;                                 // reciprocal
  }
}

template <int Op>
void vjpRange(const UnaryJob& job, int64_t p0, int64_t p1) {
  const double* g = job.x;
  const double* s = job.s;
  double* out = job.out;
  for (int64_t p = p0; p < p1; p++) {
    const double y = s[p];
    out[p] = Op == 0   ? strong(g[p], y)
             : Op == 1 ? strong(g[p], 2 * y)
             : Op == 2 ? strong(g[p], 0.5 / y)
             : Op == 3 ? strong(g[p], y * (1 - y))
             : Op == 4 ? strong(g[p], y > 0 ? 1.0 : 0.0)
             : Op == 5 ? strong(g[p], -(y * y))
                       : strong(g[p], 1 / (y + 1));
  }
}

// Thread t's range: whole 64-byte lines (8 doubles).
void rangeOf(int64_t n, int t, int threads, int64_t& p0, int64_t& p1) {
  const int64_t lines = (n + 7) / 8;
  p0 = std::min(n, lines * t / threads * 8);
  p1 = std::min(n, lines * (t + 1) / threads * 8);
}

void unaryRun(void* context, int t, int threads) {
  const UnaryJob& job = *static_cast<const UnaryJob*>(context);
  int64_t p0, p1;
  rangeOf(job.n, t, threads, p0, p1);
  switch (job.op) {
    case 0: unaryRange<0>(job, p0, p1); break;
    case 1: unaryRange<1>(job, p0, p1); break;
    case 2: unaryRange<2>(job, p0, p1); break;
    case 3: unaryRange<3>(job, p0, p1); break;
    case 4: unaryRange<4>(job, p0, p1); break;
    case 5: unaryRange<5>(job, p0, p1); break;
    case 6: unaryRange<6>(job, p0, p1); break;
    default: unaryRange<7>(job, p0, p1);
  }
}

void vjpRun(void* context, int t, int threads) {
  const UnaryJob& job = *static_cast<const UnaryJob*>(context);
  int64_t p0, p1;
  rangeOf(job.n, t, threads, p0, p1);
  switch (job.op) {
    case 0: vjpRange<0>(job, p0, p1); break;
    case 1: vjpRange<1>(job, p0, p1); break;
    case 2: vjpRange<2>(job, p0, p1); break;
    case 3: vjpRange<3>(job, p0, p1); break;
    case 4: vjpRange<4>(job, p0, p1); break;
    case 5: vjpRange<5>(job, p0, p1); break;
    default: vjpRange<6>(job, p0, p1);
  }
}

// Shared by both calls: `count` arrays (out, then one or two operands, then the numbers [n, op,
// threads]) checked, op below `ops`, every operand at least n long; then the job on its threads.
napi_value runJob(napi_env env, napi_callback_info info, size_t count, int ops, void (*run)(void*, int, int), const char* name) {
  double* data[4];
  size_t length[4];
  if (!adjointArrays(env, info, count, 3, data, length)) return nullptr;
  const double* args = data[count - 1];
  if (!(args[0] >= 0 && args[0] <= 9007199254740991.0) || args[0] != static_cast<double>(static_cast<int64_t>(args[0])) ||
      !(args[1] >= 0 && args[1] < ops) || args[1] != static_cast<double>(static_cast<int>(args[1]))) {
    napi_throw_range_error(env, nullptr, name);
    return nullptr;
  }
  const int64_t n = static_cast<int64_t>(args[0]);
  for (size_t k = 0; k + 1 < count; k++) {
    if (static_cast<int64_t>(length[k]) < n) {
      napi_throw_range_error(env, nullptr, name);
      return nullptr;
    }
  }
  UnaryJob job{data[0], data[1], count == 4 ? data[2] : nullptr, n, static_cast<int>(args[1])};
  const int asked = static_cast<int>(std::max(1.0, std::min(args[2], 64.0)));
  const int64_t lines = (n + 7) / 8;
  if (asked <= 1 || lines < 2) run(&job, 0, 1);
  else adjointRunOnTeam(static_cast<int>(std::min<int64_t>(asked, lines)), run, &job);
  return nullptr;
}

napi_value Unary(napi_env env, napi_callback_info info) {
  return runJob(env, info, 3, 8, unaryRun, "unary: n must be a whole number >= 0 within the arrays, op 0-7");
}

napi_value UnaryVjp(napi_env env, napi_callback_info info) {
  return runJob(env, info, 4, 7, vjpRun, "unaryVjp: n must be a whole number >= 0 within the arrays, op 0-6");
}

}  // namespace

// Adds unary and unaryVjp to the addon's exports (called by native/gemmCalls.cc's module init).
void adjointRegisterElementwise(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "unary", NAPI_AUTO_LENGTH, Unary, nullptr, &fn);
  napi_set_named_property(env, exports, "unary", fn);
  napi_create_function(env, "unaryVjp", NAPI_AUTO_LENGTH, UnaryVjp, nullptr, &fn);
  napi_set_named_property(env, exports, "unaryVjp", fn);
}
