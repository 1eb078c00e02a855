// adjoint's native LU factorisation with partial pivoting, for the matrix kept in the WebAssembly
// kernel's memory by src/tensor/kernels/linalg/lu.ts (factorInMemory), which runs the same
// recursion in JavaScript where the addon is absent:
//   luFactor(v, perm, args = [ld, threads, steps]): the ld×ld matrix at the start of v (row length
//   ld, a multiple of 4, padded with the identity) factored in place, P A = L U, the multipliers
//   stored negated while it runs and negated back in the first args[5] rows at the end; perm (ld
//   entries, as float64s) permuted with the rows; args[3] set to det(P)'s sign and args[4] to 1
//   where a pivot was exactly zero.
// The same recursion (Toledo 1997, LAPACK's dgetrf2: left half of the columns, U12 = L11⁻¹ A12,
// A22 −= L21 U12, right half), the same split points and leaves (4 columns; triangular solves of
// 4 rows) and the same arithmetic in the same order as lu.ts's, each product as lu.ts's would run
// it: below 16³ multiply-adds with separate steps (the WebAssembly kernel's sums, whose bits those
// are), from there by native/gemm.cc with the given steps, on the threads from 16 rows and 128³. So
// the factors are lu.ts's to the bit; what goes is a call from JavaScript into the addon for every
// product and the JavaScript leaves (at n = 512 the leaves and calls took more time than the products).
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

void adjointMultiplyAdd(const double* a, int64_t lda, const double* b, int64_t ldb, double* c, int64_t ldc, int64_t m, int64_t k, int64_t n,
                        int steps, int threads);  // native/gemm.cc

// The call's Float64Arrays, checked (native/rows.cc).
bool adjointArrays(napi_env env, napi_callback_info info, size_t count, size_t numbers, double** data, size_t* length);

namespace {

constexpr int64_t PANEL_LEAF = 4, SOLVE_LEAF = 4;  // lu.ts's
constexpr int64_t NATIVE_MIN_WORK = 16 * 16 * 16;  // ../src/tensor/kernels/native/nativeGemm.ts
constexpr int64_t PARALLEL_ROWS = 16, NATIVE_PARALLEL_WORK = 128 * 128 * 128;  // wasm/gemm.ts's nativeThreads

typedef double v4d __attribute__((vector_size(32)));
inline v4d splat(double x) { return (v4d){x, x, x, x}; }
inline v4d load4(const double* p) {
  v4d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(double* p, v4d v) { std::memcpy(p, &v, sizeof v); }

struct Lu {
  double* v;
  int64_t ld;
  double* perm;
  int threads, steps;
  double sign;
  bool zero;
};

// C += A·B, the blocks of the matrix at element offsets a, b, c (row length ld).
void multiplyAdd(Lu& L, int64_t a, int64_t b, int64_t c, int64_t m, int64_t k, int64_t n) {
  const int64_t ld = L.ld;
  const double *A = L.v + a, *B = L.v + b;
  double* C = L.v + c;
  if (m * k * n < NATIVE_MIN_WORK && n == 4) {  // a leaf's update of the 4 columns to its right (the most frequent)
    const v4d b0 = load4(B), b1 = load4(B + ld), b2 = load4(B + 2 * ld), b3 = load4(B + 3 * ld);
    for (int64_t i = 0; i < m; i++) {
      const double* a = A + i * ld;
      v4d s = splat(0);  // the same steps as below, four columns at once
      for (int64_t p = 0; p < k; p++) s = s + splat(a[p]) * (p == 0 ? b0 : p == 1 ? b1 : p == 2 ? b2 : p == 3 ? b3 : load4(B + p * ld));
      store4(C + i * ld, load4(C + i * ld) + s);
    }
    return;
  }
  if (m * k * n < NATIVE_MIN_WORK) {  // each entry C + s, s the sum from +0 in order, separate steps
    thread_local std::vector<double> row;
    if (static_cast<int64_t>(row.size()) < n) row.resize(n);
    double* s = row.data();
    for (int64_t i = 0; i < m; i++) {  // a row of sums at once, along B's rows
      for (int64_t j = 0; j < n; j++) s[j] = 0;
      for (int64_t p = 0; p < k; p++) {
        const double a = A[i * ld + p];
        const double* b = B + p * ld;
        for (int64_t j = 0; j < n; j++) s[j] = s[j] + a * b[j];
      }
      double* c = C + i * ld;
      for (int64_t j = 0; j < n; j++) c[j] = c[j] + s[j];
    }
    return;
  }
  const int threads = m >= PARALLEL_ROWS && m * k * n >= NATIVE_PARALLEL_WORK ? L.threads : 1;
  adjointMultiplyAdd(A, ld, B, ld, C, ld, m, k, n, L.steps, threads);
}

// a[0 … n) and b[0 … n) exchanged, four at a time (one element at a time, with the panel's columns
// skipped inside the loop, the swaps took a tenth of the factorisation at n = 256).
inline void swapRuns(double* a, double* b, int64_t n) {
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const v4d x = load4(a + j), y = load4(b + j);
    store4(a + j, y);
    store4(b + j, x);
  }
  for (; j < n; j++) {
    const double s = a[j];
    a[j] = b[j];
    b[j] = s;
  }
}

// Unblocked LU of columns [k0, k1) over all rows below the diagonal (dgetf2), multipliers negated.
// The panel's entries (rows k0 …, its ≤ 4 columns) are worked on in a contiguous copy: down the
// matrix they lie a row length apart (4 kB at n = 512, one cache set for all of them), and each of
// the panel's columns walks them twice. The rows' swaps reach the other columns afterwards, in the
// same order; the same operations on the same values, so the same bits.
void factorPanel(Lu& L, int64_t k0, int64_t k1) {
  double* v = L.v;
  const int64_t ld = L.ld, rows = L.ld, w = k1 - k0, h = rows - k0;
  thread_local std::vector<double> panel;
  thread_local std::vector<int64_t> swaps;
  if (static_cast<int64_t>(panel.size()) < h * w) panel.resize(h * w);
  swaps.assign(w, -1);
  double* q = panel.data();  // q[(i − k0)·w + (j − k0)] = v[i·ld + j]
  for (int64_t i = 0; i < h; i++)
    for (int64_t j = 0; j < w; j++) q[i * w + j] = v[(k0 + i) * ld + k0 + j];
  for (int64_t k = 0; k < w; k++) {  // column k0 + k, whose diagonal is row k of the copy
    int64_t p = k;
    double best = std::fabs(q[k * w + k]);
    for (int64_t i = k + 1; i < h; i++) {
      const double x = std::fabs(q[i * w + k]);
      if (x > best) {
        best = x;
        p = i;
      }
    }
    double* rk = q + k * w;
    if (p != k) {
      double* rp = q + p * w;
      for (int64_t j = 0; j < w; j++) {
        const double s = rk[j];
        rk[j] = rp[j];
        rp[j] = s;
      }
      const double s = L.perm[k0 + k];
      L.perm[k0 + k] = L.perm[k0 + p];
      L.perm[k0 + p] = s;
      L.sign = -L.sign;
      swaps[k] = p;
    }
    const double pivot = rk[k];
    if (pivot == 0) {  // no multipliers: the column below kept as it is, negated like them
      L.zero = true;
      for (int64_t i = k + 1; i < h; i++) q[i * w + k] = -q[i * w + k];
      continue;
    }
    for (int64_t i = k + 1; i < h; i++) {
      double* ri = q + i * w;
      const double f = ri[k] / pivot;
      ri[k] = -1.0 * f;
      if (f == 0) continue;
      for (int64_t j = k + 1; j < w; j++) ri[j] -= f * rk[j];
    }
  }
  for (int64_t i = 0; i < h; i++)
    for (int64_t j = 0; j < w; j++) v[(k0 + i) * ld + k0 + j] = q[i * w + j];
  for (int64_t k = 0; k < w; k++) {  // the swaps, in order, on the columns outside the panel
    if (swaps[k] < 0) continue;
    double *a = v + (k0 + k) * ld, *b = v + (k0 + swaps[k]) * ld;
    swapRuns(a, b, k0);
    swapRuns(a + k1, b + k1, ld - k1);
  }
}

inline int64_t split(int64_t r0, int64_t r1, int64_t leaf) {
  return r0 + (r1 - r0 + 2 * leaf - 1) / (2 * leaf) * leaf;  // r0 + ⌈(r1 − r0)/2/leaf⌉·leaf
}

// Rows [r0, r1) of columns [j0, j1) overwritten by L⁻¹ times them (L unit lower, stored negated).
void solveUnitLower(Lu& L, int64_t r0, int64_t r1, int64_t j0, int64_t j1) {
  double* v = L.v;
  const int64_t ld = L.ld;
  if (r1 - r0 <= SOLVE_LEAF) {
    for (int64_t i = r0 + 1; i < r1; i++) {
      double* xi = v + i * ld;
      for (int64_t p = r0; p < i; p++) {
        const double f = xi[p];  // −l_ip
        if (f == 0) continue;
        const double* xp = v + p * ld;
        for (int64_t j = j0; j < j1; j++) xi[j] += f * xp[j];
      }
    }
    return;
  }
  const int64_t mid = split(r0, r1, SOLVE_LEAF);
  solveUnitLower(L, r0, mid, j0, j1);
  multiplyAdd(L, mid * ld + r0, r0 * ld + j0, mid * ld + j0, r1 - mid, mid - r0, j1 - j0);
  solveUnitLower(L, mid, r1, j0, j1);
}

// Columns [c0, c1), recursively.
void factorBlock(Lu& L, int64_t c0, int64_t c1) {
  if (c1 - c0 <= PANEL_LEAF) {
    factorPanel(L, c0, c1);
    return;
  }
  const int64_t ld = L.ld, mid = split(c0, c1, PANEL_LEAF);
  factorBlock(L, c0, mid);
  solveUnitLower(L, c0, mid, mid, c1);  // U12 = L11⁻¹ A12
  multiplyAdd(L, mid * ld + c0, c0 * ld + mid, mid * ld + mid, ld - mid, mid - c0, c1 - mid);  // A22 += (−L21) U12
  factorBlock(L, mid, c1);
}

// luFactor(v, perm, args): see the top of this file.
napi_value LuFactor(napi_env env, napi_callback_info info) {
  double* data[3];
  size_t length[3];
  if (!adjointArrays(env, info, 3, 5, data, length)) return nullptr;  // the matrix, the permutation, args
  double *v = data[0], *perm = data[1], *args = data[2];
  const size_t vLength = length[0], permLength = length[1], argsLength = length[2];
  if (!(args[0] >= 0 && args[0] <= 1e8) || args[0] != std::floor(args[0]) || static_cast<int64_t>(args[0]) % 4 != 0 ||
      !(args[2] == 0 || args[2] == 1 || args[2] == 2)) {
    napi_throw_range_error(env, nullptr, "luFactor: args is [ld (a multiple of 4), threads, steps (0, 1 or 2), sign, zero, rows to negate back]");
    return nullptr;
  }
  const int64_t ld = static_cast<int64_t>(args[0]);
  if (static_cast<double>(vLength) < static_cast<double>(ld) * static_cast<double>(ld) || static_cast<int64_t>(permLength) < ld) {
    napi_throw_range_error(env, nullptr, "luFactor: the matrix needs ld² entries and the permutation ld");
    return nullptr;
  }
  Lu L{v, ld, perm, static_cast<int>(std::fmax(1, std::fmin(args[1], 64))), static_cast<int>(args[2]), 1, false};
  if (ld > 0) factorBlock(L, 0, ld);
  // The multipliers of the first `n` rows back to their sign (args[5], where given).
  const int64_t n = argsLength >= 6 && args[5] >= 0 && args[5] <= args[0] ? static_cast<int64_t>(args[5]) : 0;
  for (int64_t i = 0; i < n; i++)
    for (int64_t j = 0; j < i; j++) v[i * ld + j] = -v[i * ld + j];
  args[3] = L.sign;
  args[4] = L.zero ? 1 : 0;
  return nullptr;
}

}  // namespace

// Adds luFactor to the addon's exports (called by native/gemmCalls.cc's module init).
void adjointRegisterLu(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "luFactor", NAPI_AUTO_LENGTH, LuFactor, nullptr, &fn);
  napi_set_named_property(env, exports, "luFactor", fn);
}
