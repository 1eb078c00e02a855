// adjoint's native backward pass of a matrix chain whose output cotangent has rank one
// (src/tensor/kernels/chainRankOne.ts computes the same in JavaScript, with the same bits):
//   rankOneChain(mats, outs, u, v, args = [n, first, then per factor: at, rows, cols, outAt]):
//   with Ḡ = u vᵀ, M̄_i = a_i b_iᵀ, a_0 = u, a_i = M_{i−1}ᵀ a_{i−1}; b_{n−1} = v, b_i = M_{i+1} b_{i+1},
//   written into outs[i] from element outAt for i ≥ first (outAt −1, or a null or undefined
//   outs[i], for a factor not needed). mats and outs hold an array per factor, or one array (one
//   element) for all of them at their offsets.
// mats[i] holds M_i row-major from element `at` (a stacked chain's factors share one buffer).
// Each entry is the JavaScript loop's sum in its order, each step a product rounded then a sum
// rounded (-ffp-contract=off: no fused multiply-add), so the same bits:
//   a_i[k] = (((0 + x_0·M[0,k]) + x_1·M[1,k]) + …)   (the rows in order, vectorised over k);
//   b_i[j] = (((0 + M[j,0]·x_0) + M[j,1]·x_1) + …)   (a dot product in order: four rows at once);
//   M̄_i[j,k] = a_i[j]·b_i[k].
#include <node_api.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <vector>

// The Float64Array `value` (its data and length), or false where it is not one (native/rows.cc).
bool adjointFloats(napi_env env, napi_value value, double*& data, size_t& length);

namespace {

typedef double v4d __attribute__((vector_size(32)));
typedef double v4du __attribute__((vector_size(32), aligned(8)));  // unaligned loads and stores

struct Factor {
  const double* m;
  int64_t rows, cols;
};

// W·4 columns of y = Mᵀx from k: W four-lane running sums held in registers over all the rows.
template <int W>
void columnSums(const Factor& f, const double* x, double* y, int64_t k) {
  v4d s[W];
  for (int w = 0; w < W; w++) s[w] = v4d{0, 0, 0, 0};
  for (int64_t j = 0; j < f.rows; j++) {
    const double xj = x[j];
    const v4d xv = {xj, xj, xj, xj};
    const v4du* row = reinterpret_cast<const v4du*>(f.m + j * f.cols + k);
    for (int w = 0; w < W; w++) s[w] = s[w] + xv * row[w];
  }
  for (int w = 0; w < W; w++) reinterpret_cast<v4du*>(y + k)[w] = s[w];
}

// y = Mᵀx: y[k] = Σ_j x_j · M[j,k], rows in order (each y[k] its own running sum from +0), in
// blocks of sixteen, eight or four columns whose sums stay in registers over all the rows (GCC kept
// a loop over y in memory scalar, guarding against overlap: with `outer` it took 30% of a chain's
// value and gradient at 8×8; four columns at a time through memory, each row's sums then waited on
// a store and a load). Lane by lane the same product and sum, so the same bits.
void transposedTimes(const Factor& f, const double* x, double* y) {
  int64_t k = 0;
  for (; k + 16 <= f.cols; k += 16) columnSums<4>(f, x, y, k);
  if (k + 8 <= f.cols) columnSums<2>(f, x, y, k), k += 8;
  if (k + 4 <= f.cols) columnSums<1>(f, x, y, k), k += 4;
  for (; k < f.cols; k++) {
    double s = 0;
    for (int64_t j = 0; j < f.rows; j++) s = s + x[j] * f.m[j * f.cols + k];
    y[k] = s;
  }
}

// y = M x: y[j] = Σ_k M[j,k] · x_k in order, eight rows' sums interleaved (independent chains:
// each sum's additions wait on the one before; eight in flight cover the adders' latency, where
// four could not — a reading of the latencies, not a measurement: the chains timed level at 8×8).
void times(const Factor& f, const double* x, double* y) {
  const int64_t n = f.cols;
  int64_t j = 0;
  for (; j + 8 <= f.rows; j += 8) {
    const double* r = f.m + j * n;
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (int64_t k = 0; k < n; k++) {
      const double xk = x[k];
      s0 = s0 + r[k] * xk;
      s1 = s1 + r[n + k] * xk;
      s2 = s2 + r[2 * n + k] * xk;
      s3 = s3 + r[3 * n + k] * xk;
      s4 = s4 + r[4 * n + k] * xk;
      s5 = s5 + r[5 * n + k] * xk;
      s6 = s6 + r[6 * n + k] * xk;
      s7 = s7 + r[7 * n + k] * xk;
    }
    y[j] = s0, y[j + 1] = s1, y[j + 2] = s2, y[j + 3] = s3, y[j + 4] = s4, y[j + 5] = s5, y[j + 6] = s6, y[j + 7] = s7;
  }
  for (; j < f.rows; j++) {
    const double* r = f.m + j * n;
    double s = 0;
    for (int64_t k = 0; k < n; k++) s = s + r[k] * x[k];
    y[j] = s;
  }
}

// out = x yᵀ, rows × cols, row-major (four columns at a time).
void outer(const double* x, int64_t rows, const double* y, int64_t cols, double* out) {
  const int64_t n4 = cols / 4 * 4;
  for (int64_t j = 0; j < rows; j++) {
    const double xj = x[j];
    const v4d xv = {xj, xj, xj, xj};
    double* o = out + j * cols;
    for (int64_t k = 0; k < n4; k += 4) *reinterpret_cast<v4du*>(o + k) = xv * *reinterpret_cast<const v4du*>(y + k);
    for (int64_t k = n4; k < cols; k++) o[k] = xj * y[k];
  }
}

bool whole(double x, double most) {
  return x >= 0 && x <= most && x == static_cast<double>(static_cast<int64_t>(x));
}

napi_value Fail(napi_env env, const char* message) {
  napi_throw_range_error(env, nullptr, message);
  return nullptr;
}

// rankOneChain(mats, outs, u, v, args): see the top of this file.
napi_value RankOneChainUnguarded(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  size_t argc = 5;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 5) {
    napi_throw_type_error(env, nullptr, "rankOneChain: wrong number of arguments");
    return nullptr;
  }
  double *u, *v, *args;
  size_t uLength, vLength, argsLength;
  if (!adjointFloats(env, argv[4], args, argsLength)) {
    napi_throw_type_error(env, nullptr, "rankOneChain: u, v and args must be Float64Arrays");
    return nullptr;
  }
  if (argsLength < 2 || !whole(args[0], 1e9) || !whole(args[1], 1e9)) return Fail(env, "rankOneChain: args starts with n and first, whole numbers");
  const int64_t n = static_cast<int64_t>(args[0]), first = static_cast<int64_t>(args[1]);
  if (n < 1 || first >= n || argsLength < static_cast<size_t>(2 + 4 * n)) return Fail(env, "rankOneChain: args holds at, rows, cols and outAt for each of n factors, first < n");
  // Reading an element of `mats` or `outs` may run JavaScript (a getter), which could detach or free
  // a buffer already looked at: the numbers are copied out of args first, then every element needed
  // is fetched, and only then are the arrays' memory and lengths read (no JavaScript after that).
  const std::vector<double> numbers(args + 2, args + 2 + 4 * n);
  uint32_t matCount = 0, outCount = 0;
  if (napi_get_array_length(env, argv[0], &matCount) != napi_ok || napi_get_array_length(env, argv[1], &outCount) != napi_ok ||
      matCount == 0 || outCount == 0) {
    napi_throw_type_error(env, nullptr, "rankOneChain: mats and outs must be non-empty arrays");
    return nullptr;
  }
  // One array in `mats` (or `outs`) holds every factor (every cotangent), at its offset: one element
  // read for the chain, where 200 of them took about as long as the arithmetic at 8×8.
  std::vector<napi_value> matValues(matCount > 1 ? n : 1), outValues(outCount > 1 ? n : 1, nullptr);
  for (int64_t i = 0; i < n; i++) {
    const double* f = numbers.data() + 4 * i;
    if (!whole(f[0], 9007199254740991.0) || !whole(f[1], 1e9) || !whole(f[2], 1e9) || !(f[3] == -1 || whole(f[3], 9007199254740991.0))) {
      return Fail(env, "rankOneChain: at, rows and cols must be whole numbers >= 0, and outAt too or -1");
    }
    if ((i == 0 || matCount > 1) && napi_get_element(env, argv[0], static_cast<uint32_t>(matCount > 1 ? i : 0), &matValues[matCount > 1 ? i : 0]) != napi_ok) {
      return nullptr;  // a getter threw: its error stands
    }
    const size_t o = outCount > 1 ? i : 0;
    if (i >= first && f[3] >= 0 && outValues[o] == nullptr && napi_get_element(env, argv[1], static_cast<uint32_t>(o), &outValues[o]) != napi_ok) return nullptr;
  }
  if (!adjointFloats(env, argv[2], u, uLength) || !adjointFloats(env, argv[3], v, vLength)) {
    napi_throw_type_error(env, nullptr, "rankOneChain: u, v and args must be Float64Arrays");
    return nullptr;
  }
  std::vector<Factor> fs(n);
  std::vector<double*> outs(n, nullptr);
  int64_t vectors = 0;
  double *data = nullptr, *outData = nullptr;
  size_t length = 0, outLength = 0;
  for (int64_t i = 0; i < n; i++) {
    const double* f = numbers.data() + 4 * i;
    if ((i == 0 || matCount > 1) && !adjointFloats(env, matValues[matCount > 1 ? i : 0], data, length)) {
      napi_throw_type_error(env, nullptr, "rankOneChain: mats must be an array of Float64Arrays");
      return nullptr;
    }
    const int64_t at = static_cast<int64_t>(f[0]), rows = static_cast<int64_t>(f[1]), cols = static_cast<int64_t>(f[2]);
    if (at > static_cast<int64_t>(length) || rows * cols > static_cast<int64_t>(length) - at) return Fail(env, "rankOneChain: a factor reaches past its array");
    if (i > 0 && fs[i - 1].cols != rows) return Fail(env, "rankOneChain: the factors do not line up");
    fs[i] = Factor{data + at, rows, cols};
    vectors += rows;
    if (i < first || f[3] < 0) continue;
    if (outData == nullptr || outCount > 1) {
      napi_value out = outValues[outCount > 1 ? i : 0];
      napi_valuetype kind;
      napi_typeof(env, out, &kind);
      if (kind == napi_null || kind == napi_undefined) continue;
      if (!adjointFloats(env, out, outData, outLength)) return Fail(env, "rankOneChain: each needed out must be a Float64Array");
    }
    const int64_t outAt = static_cast<int64_t>(f[3]);
    if (outAt > static_cast<int64_t>(outLength) || rows * cols > static_cast<int64_t>(outLength) - outAt) {
      return Fail(env, "rankOneChain: each needed out must be a Float64Array with rows·cols entries from outAt");
    }
    outs[i] = outData + outAt;
  }
  if (static_cast<int64_t>(uLength) < fs[0].rows || static_cast<int64_t>(vLength) < fs[n - 1].cols) return Fail(env, "rankOneChain: u and v are shorter than the chain's rows and columns");
  // a_i for every i (a_0 = u), one after another; then b, carried down from v.
  std::vector<double> a(vectors);
  std::vector<int64_t> aAt(n);
  for (int64_t k = 0; k < fs[0].rows; k++) a[k] = u[k];
  for (int64_t i = 1, at = fs[0].rows; i < n; at += fs[i].rows, i++) {
    aAt[i] = at;
    transposedTimes(fs[i - 1], a.data() + aAt[i - 1], a.data() + at);
  }
  int64_t widest = 0;
  for (const Factor& f : fs) widest = std::max(widest, std::max(f.rows, f.cols));
  std::vector<double> b(widest), next(widest);
  for (int64_t k = 0; k < fs[n - 1].cols; k++) b[k] = v[k];
  for (int64_t i = n - 1; i >= first; i--) {
    const Factor& f = fs[i];
    if (outs[i] != nullptr) outer(a.data() + aAt[i], f.rows, b.data(), f.cols, outs[i]);
    if (i > first) {
      times(f, b.data(), next.data());
      b.swap(next);
    }
  }
  return nullptr;
}

// rankOneChain, with a failed allocation (numbers past memory) a RangeError, not an abort.
napi_value RankOneChain(napi_env env, napi_callback_info info) {
  try {
    return RankOneChainUnguarded(env, info);
  } catch (const std::bad_alloc&) {
    return Fail(env, "rankOneChain: not enough memory for the chain's vectors");
  }
}

}  // namespace

// Adds rankOneChain to the addon's exports (called by native/gemmCalls.cc's module init).
void adjointRegisterChain(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "rankOneChain", NAPI_AUTO_LENGTH, RankOneChain, nullptr, &fn);
  napi_set_named_property(env, exports, "rankOneChain", fn);
}
