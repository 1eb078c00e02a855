// adjoint's native triangular solve against one vector (src/tensor/kernels/linalg/triangular.ts's
// substituteVector computes the same in JavaScript, with the same bits):
//   substituteVector(a, x, args = [aOff, n, transposeA, forward, unitDiagonal, xOff, r0, r1]):
//   op(A) x = b for rows [r0, r1) of x (b in x, from xOff), op(A)(i, p) = a[aOff + i·n + p], or
//   a[aOff + p·n + i] with transposeA; forward where op(A) is lower triangular. Each x_i takes the
//   solved x_p out in the order they were solved, x_i −= op(A)(i, p)·x_p, skipping a zero
//   op(A)(i, p), then divides by the diagonal (not with unitDiagonal): the JavaScript loop's steps
//   (-ffp-contract=off: no fused multiply-add).
// op(A)'s rows along A's rows: eight rows at once, each its own running sum over the rows solved
// before the eight, then the eight among themselves in order — where one row at a time waits on its
// subtraction every step. op(A)'s rows down A's columns: by columns, each x_p once solved taken out
// of every x_i still to come along A's row p (contiguous, on the vector lanes).
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstring>

// The call's Float64Arrays, checked (native/rows.cc).
bool adjointArrays(napi_env env, napi_callback_info info, size_t count, size_t numbers, double** data, size_t* length);

namespace {

// x − (a·y where a ≠ 0, else +0): the same as subtracting only where a ≠ 0 — x − (+0) is x for every
// x, −0 and NaN included — but without a branch, so the loops below keep their chains in flight
// (or, down A's rows, run on the vector lanes).
inline double minusNonzero(double x, double a, double y) { return x - (a != 0 ? a * y : 0.0); }

typedef double v4d __attribute__((vector_size(32)));
typedef long long v4i __attribute__((vector_size(32)));

// x[i] = minusNonzero(x[i], a[i], y) for i in [lo, hi), four at a time: the product's bits kept
// where a[i] ≠ 0 and +0 elsewhere, by a mask (the compiler leaves the scalar select a branch).
void minusNonzeroRun(double* x, const double* a, double y, int64_t lo, int64_t hi) {
  const v4d ys = {y, y, y, y}, zero = {0, 0, 0, 0};
  int64_t i = lo;
  for (; i + 4 <= hi; i += 4) {
    v4d av, xv;
    std::memcpy(&av, a + i, sizeof av);
    std::memcpy(&xv, x + i, sizeof xv);
    const v4i keep = av != zero;
    const v4d term = reinterpret_cast<v4d>(reinterpret_cast<v4i>(av * ys) & keep);
    xv = xv - term;
    std::memcpy(x + i, &xv, sizeof xv);
  }
  for (; i < hi; i++) x[i] = minusNonzero(x[i], a[i], y);
}

// By rows: x_i −= Σ a[i·n + p] x_p over the rows p solved before i, in the order they were solved
// (forward: p = r0 … i − 1; backward: p = r1 − 1 … i + 1). Step s solves row(s); eight rows at
// once, each its own running sum over the rows solved before the eight, then the eight among
// themselves in order. Each sum is a chain of dependent steps: eight in flight where one row at a
// time waits on its subtraction every step (at n = 256, four rows at once took 1.5× the time of eight).
template <bool Forward>
void rows(const double* a, int64_t n, bool unit, double* x, int64_t r0, int64_t r1) {
  constexpr int64_t d = Forward ? 1 : -1, B = 8;
  const auto row = [&](int64_t s) { return Forward ? r0 + s : r1 - 1 - s; };
  const int64_t count = r1 - r0;
  int64_t s = 0;
  for (; s + B <= count; s += B) {
    const int64_t i = row(s);
    const double* ar[B];
    double sum[B];
    for (int64_t r = 0; r < B; r++) {
      ar[r] = a + (i + r * d) * n;
      sum[r] = x[i + r * d];
    }
    for (int64_t q = 0; q < s; q++) {
      const int64_t p = row(q);
      const double xp = x[p];
      for (int64_t r = 0; r < B; r++) sum[r] = minusNonzero(sum[r], ar[r][p], xp);
    }
    for (int64_t r = 0; r < B; r++) {
      const int64_t ir = i + r * d;
      for (int64_t u = 0; u < r; u++) sum[r] = minusNonzero(sum[r], ar[r][i + u * d], sum[u]);
      sum[r] = unit ? sum[r] : sum[r] / ar[r][ir];
      x[ir] = sum[r];
    }
  }
  for (; s < count; s++) {
    const int64_t i = row(s);
    const double* ai = a + i * n;
    double t = x[i];
    for (int64_t q = 0; q < s; q++) t = minusNonzero(t, ai[row(q)], x[row(q)]);
    x[i] = unit ? t : t / ai[i];
  }
}

// By columns (op(A) = Aᵀ): x_p solved, then x_i −= a[p·n + i]·x_p for the rows after p in solving order.
void columns(const double* a, int64_t n, bool forward, bool unit, double* x, int64_t r0, int64_t r1) {
  for (int64_t step = r0; step < r1; step++) {
    const int64_t p = forward ? step : r1 - 1 - (step - r0);
    const double* ap = a + p * n;
    const double xp = unit ? x[p] : x[p] / ap[p];
    x[p] = xp;
    // Each x_i takes one step here, whatever the order of i: on the vector lanes.
    if (forward) minusNonzeroRun(x, ap, xp, p + 1, r1);
    else minusNonzeroRun(x, ap, xp, r0, p);
  }
}

// substituteVector(a, x, args): see the top of this file.
napi_value SubstituteVector(napi_env env, napi_callback_info info) {
  double* data[3];
  size_t length[3];
  if (!adjointArrays(env, info, 3, 8, data, length)) return nullptr;  // A, x, args
  double *a = data[0], *x = data[1], *args = data[2];
  const size_t aLength = length[0], xLength = length[1];
  bool whole = true;
  for (size_t t = 0; whole && t < 8; t++) whole = args[t] >= 0 && args[t] <= 9007199254740991.0 && args[t] == std::floor(args[t]);
  if (!whole) {
    napi_throw_range_error(env, nullptr, "substituteVector: args is [aOff, n, transposeA, forward, unitDiagonal, xOff, r0, r1], whole numbers >= 0");
    return nullptr;
  }
  const int64_t aOff = static_cast<int64_t>(args[0]), n = static_cast<int64_t>(args[1]), xOff = static_cast<int64_t>(args[5]);
  const int64_t r0 = static_cast<int64_t>(args[6]), r1 = static_cast<int64_t>(args[7]);
  // A's n×n block and x's n entries lie inside their arrays, and r0 ≤ r1 ≤ n.
  if (r0 > r1 || r1 > n || (n > 0 && (static_cast<double>(aOff) + static_cast<double>(n) * static_cast<double>(n) > static_cast<double>(aLength) ||
                                      xOff + n > static_cast<int64_t>(xLength)))) {
    napi_throw_range_error(env, nullptr, "substituteVector: A's n×n block or x's n entries reach past their arrays, or r0 ≤ r1 ≤ n fails");
    return nullptr;
  }
  const bool transposeA = args[2] != 0, forward = args[3] != 0, unit = args[4] != 0;
  if (transposeA) columns(a + aOff, n, forward, unit, x + xOff, r0, r1);
  else if (forward) rows<true>(a + aOff, n, unit, x + xOff, r0, r1);
  else rows<false>(a + aOff, n, unit, x + xOff, r0, r1);
  return nullptr;
}

}  // namespace

// Adds substituteVector to the addon's exports (called by native/gemmCalls.cc's module init).
void adjointRegisterTriangular(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "substituteVector", NAPI_AUTO_LENGTH, SubstituteVector, nullptr, &fn);
  napi_set_named_property(env, exports, "substituteVector", fn);
}
