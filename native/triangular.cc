// adjoint's native triangular solve against one vector (src/tensor/kernels/linalg/triangular.ts's
// substituteVector computes the same in JavaScript, with the same bits):
//   substituteVector(a, x, args = [aOff, n, transposeA, forward, unitDiagonal, xOff, r0, r1]):
//   op(A) x = b for rows [r0, r1) of x (b in x, from xOff), op(A)(i, p) = a[aOff + i·n + p], or
//   a[aOff + p·n + i] with transposeA; forward where op(A) is lower triangular. Each x_i takes the
//   solved x_p out in the order they were solved, x_i −= op(A)(i, p)·x_p, skipping a zero
//   op(A)(i, p), then divides by the diagonal (not with unitDiagonal): the JavaScript loop's steps
//   (-ffp-contract=off: no fused multiply-add).
// op(A)'s rows along A's rows: four rows at once, each its own running sum over the rows solved
// before the four, then the four among themselves in order — where one row at a time waits on its
// subtraction every step. op(A)'s rows down A's columns: by columns, each x_p once solved taken out
// of every x_i still to come along A's row p (contiguous).
#include <node_api.h>

#include <cmath>
#include <cstdint>

// The call's Float64Arrays, checked (native/rows.cc).
bool adjointArrays(napi_env env, napi_callback_info info, size_t count, size_t numbers, double** data, size_t* length);

namespace {

// By rows: x_i −= Σ a[i·n + p] x_p over the rows p solved before i, in the order they were solved
// (forward: p = r0 … i − 1; backward: p = r1 − 1 … i + 1). Step s solves row(s); four rows at once,
// each its own running sum over the rows solved before the four, then the four among themselves.
template <bool Forward>
void rows(const double* a, int64_t n, bool unit, double* x, int64_t r0, int64_t r1) {
  constexpr int64_t d = Forward ? 1 : -1;
  const auto row = [&](int64_t s) { return Forward ? r0 + s : r1 - 1 - s; };
  const int64_t count = r1 - r0;
  int64_t s = 0;
  for (; s + 4 <= count; s += 4) {
    const int64_t i = row(s);
    const double *a0 = a + i * n, *a1 = a0 + d * n, *a2 = a1 + d * n, *a3 = a2 + d * n;
    double s0 = x[i], s1 = x[i + d], s2 = x[i + 2 * d], s3 = x[i + 3 * d];
    for (int64_t q = 0; q < s; q++) {
      const int64_t p = row(q);
      const double xp = x[p];
      if (a0[p] != 0) s0 -= a0[p] * xp;
      if (a1[p] != 0) s1 -= a1[p] * xp;
      if (a2[p] != 0) s2 -= a2[p] * xp;
      if (a3[p] != 0) s3 -= a3[p] * xp;
    }
    const int64_t i1 = i + d, i2 = i + 2 * d, i3 = i + 3 * d;
    x[i] = s0 = unit ? s0 : s0 / a0[i];
    if (a1[i] != 0) s1 -= a1[i] * s0;
    x[i1] = s1 = unit ? s1 : s1 / a1[i1];
    if (a2[i] != 0) s2 -= a2[i] * s0;
    if (a2[i1] != 0) s2 -= a2[i1] * s1;
    x[i2] = s2 = unit ? s2 : s2 / a2[i2];
    if (a3[i] != 0) s3 -= a3[i] * s0;
    if (a3[i1] != 0) s3 -= a3[i1] * s1;
    if (a3[i2] != 0) s3 -= a3[i2] * s2;
    x[i3] = unit ? s3 : s3 / a3[i3];
  }
  for (; s < count; s++) {
    const int64_t i = row(s);
    const double* ai = a + i * n;
    double t = x[i];
    for (int64_t q = 0; q < s; q++)
      if (ai[row(q)] != 0) t -= ai[row(q)] * x[row(q)];
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
    if (forward) {
      for (int64_t i = p + 1; i < r1; i++)
        if (ap[i] != 0) x[i] -= ap[i] * xp;
    } else {
      for (int64_t i = p - 1; i >= r0; i--)
        if (ap[i] != 0) x[i] -= ap[i] * xp;
    }
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
