// The native product's N-API entry points — gemm (one product) and gemmMany (a list of them, in
// one call) — with their checks of every number and array before any memory is touched, and the
// addon's exports (NAPI_MODULE_INIT). The product itself: native/gemm.cc (native/gemm.h).
#include <node_api.h>

#include "gemm.h"
#include "schedule.h"
#include "team.h"
#include "tiles.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

// The call's Float64Arrays, checked (native/rows.cc).
bool adjointArrays(napi_env env, napi_callback_info info, size_t count, size_t numbers, double** data, size_t* length);
// The Float64Array `value` (its data and length), or false where it is not one (native/rows.cc).
bool adjointFloats(napi_env env, napi_value value, double*& data, size_t& length);

namespace adjoint_gemm {
namespace {

using adjoint_native::anyIndependent;
using adjoint_native::Footprint;
using adjoint_native::fusedSupported;
using adjoint_native::runConcurrently;
using adjoint_native::Span;
using adjoint_native::team;

// The last element each operand reaches, off + (rows − 1)·ld + cols − 1, must lie inside it; a row
// length must hold a row. Checked without forming that sum: (rows − 1)·ld of numbers up to 2^53
// overflows 64 bits (rows = ld = 2^32 + 1 wrapped to a few elements and passed, then the product
// read and wrote gigabytes past the arrays): off + cols ≤ len, then rows − 1 ≤ (len − off − cols) / ld.
bool fits(int64_t off, int64_t rows, int64_t cols, int64_t ld, size_t len) {
  if (cols > ld) return false;
  if (rows == 0 || cols == 0) return true;
  const uint64_t size = len, start = static_cast<uint64_t>(off), row = static_cast<uint64_t>(cols);
  if (start > size || row > size - start) return false;
  return static_cast<uint64_t>(rows - 1) <= (size - start - row) / static_cast<uint64_t>(ld);  // ld ≥ cols > 0
}

// gemm's thirteen numbers as whole numbers ≥ 0 into v, or false.
bool wholeNumbers(const double* x, size_t count, int64_t* v) {
  for (size_t t = 0; t < count; t++) {
    if (!(x[t] >= 0 && x[t] <= 9007199254740991.0) || x[t] != static_cast<double>(static_cast<int64_t>(x[t]))) return false;
    v[t] = static_cast<int64_t>(x[t]);
  }
  return true;
}

// Steps: 0 separate; 1 fused, on the widest vectors the CPU has (AVX-512's where it has them);
// 2 fused on AVX2's four lanes (the same bits as 1: tests and timings compare the two). The error
// for steps this CPU cannot take, else null.
const char* stepsError(int64_t steps) {
  static const bool canFuse = fusedSupported();
  if (steps > 2) return "gemm: the steps are 0 (separate), 1 (fused, widest vectors) or 2 (fused, four lanes)";
  if (steps != 0 && !canFuse) return "gemm: fused steps asked for, but this CPU (or build) has no FMA3: see the exports' fma";
  return nullptr;
}

// The product of gemm's numbers v (aOff, lda, bOff, ldb, cOff, ldc, m, k, n, transA, transB, fresh)
// over a, b, c of the given lengths, with the tile of `steps` (checked by stepsError); false where an
// operand is shorter than its offset, row length and extents need.
bool checkedProduct(const int64_t* v, double* const* data, const size_t* length, int64_t steps, Product& P) {
  const int64_t aOff = v[0], lda = v[1], bOff = v[2], ldb = v[3], cOff = v[4], ldc = v[5], m = v[6], k = v[7], n = v[8];
  const bool transA = v[9] != 0, transB = v[10] != 0, fresh = v[11] != 0;
  if (!fits(aOff, transA ? k : m, transA ? m : k, lda, length[0]) || !fits(bOff, transB ? n : k, transB ? k : n, ldb, length[1]) ||
      !fits(cOff, m, n, ldc, length[2])) {
    return false;
  }
  const TileChoice t = tileFor(m, steps);
  P = Product{data[0] + aOff, data[1] + bOff, data[2] + cOff, m, k, n, lda, ldb, ldc, transA, transB, fresh, t.mr, t.nr, t.tile, t.tileRows};
  return true;
}

// The memory a checked product reads (op(A), op(B) as stored, and C where it adds to C) and writes (C).
Span spanOf(const double* at, int64_t rows, int64_t cols, int64_t ld) {
  if (rows == 0 || cols == 0) return Span{};
  const uintptr_t lo = reinterpret_cast<uintptr_t>(at);
  return Span{lo, lo + static_cast<uintptr_t>((rows - 1) * ld + cols) * sizeof(double)};
}
Footprint footprintOf(const Product& P) {
  Footprint f;
  if (P.m == 0 || P.n == 0) return f;  // nothing runs
  if (P.k == 0) {  // a fresh C is zeroed, else left
    if (P.fresh) f.write = spanOf(P.c, P.m, P.n, P.ldc);
    return f;
  }
  f.write = spanOf(P.c, P.m, P.n, P.ldc);
  f.reads[0] = P.transA ? spanOf(P.a, P.k, P.m, P.lda) : spanOf(P.a, P.m, P.k, P.lda);
  f.reads[1] = P.transB ? spanOf(P.b, P.n, P.k, P.ldb) : spanOf(P.b, P.k, P.n, P.ldb);
  if (!P.fresh) f.reads[2] = f.write;
  return f;
}

// A checked product on `threads` threads (1…64); an empty sum (k = 0) makes a fresh C zero.
void run(const Product& P, int64_t threads) {
  if (P.m == 0 || P.n == 0) return;
  if (P.k == 0) {
    if (P.fresh) for (int64_t i = 0; i < P.m; i++) std::fill(P.c + i * P.ldc, P.c + i * P.ldc + P.n, 0.0);
    return;
  }
  multiply(P, static_cast<int>(std::min<int64_t>(std::max<int64_t>(threads, 1), 64)));
}

const char* const NUMBERS_ERROR = "gemm: offsets, row lengths, extents, flags and threads must be whole numbers ≥ 0";
const char* const SHORT_ERROR = "gemm: an operand is shorter than its offset, row length and extents need";

// gemm(a, b, c, args): Float64Arrays (over an ArrayBuffer or a SharedArrayBuffer: a WebAssembly
// memory's view is one) and the product's numbers as one more Float64Array — aOff, lda, bOff, ldb,
// cOff, ldc (element offsets and row lengths), m, k, n, transA, transB, fresh (0 or 1) and the
// thread count (one array, checked in one loop; sixteen separate arguments measured the same per
// call). C[m,n] (+)= op(A)·op(B), the rows of C split over the threads (the caller's among them).
napi_value Gemm(napi_env env, napi_callback_info info) {
  constexpr size_t NUMBERS = 13, MOST = 14;  // the 14th, the steps (below), may be left off: separate
  double* data[4];
  size_t length[4];
  if (!adjointArrays(env, info, 4, NUMBERS, data, length)) return nullptr;  // a, b, c, args
  int64_t v[MOST] = {};
  if (!wholeNumbers(data[3], std::min(MOST, length[3]), v)) {
    napi_throw_range_error(env, nullptr, NUMBERS_ERROR);
    return nullptr;
  }
  if (const char* error = stepsError(v[13])) {
    napi_throw_range_error(env, nullptr, error);
    return nullptr;
  }
  Product P;
  if (!checkedProduct(v, data, length, v[13], P)) {
    napi_throw_range_error(env, nullptr, SHORT_ERROR);
    return nullptr;
  }
  run(P, v[12]);
  return nullptr;
}

// gemmMany(arrays, args[, threads]): a list of products in one call, as if in order (a later one may
// read what an earlier one wrote: a chain's prefixes, its backward sweep). `arrays` is an array of Float64Arrays;
// args is a Float64Array: the count, the steps (as gemm's), then per product sixteen numbers —
// the index in `arrays` of A, then aOff, lda; B's index, bOff, ldb; C's index, cOff, ldc; m, k, n,
// transA, transB, fresh and threads. Each product is gemm's with those numbers, so the same bits as
// one call each; a call into the addon costs about as much as a 16³ product's arithmetic (0.3–0.4 µs
// of the 1.6 µs of a 32³ product), which a chain of 200 factors paid 600 times in its value and gradient.
// Every product is checked before the first runs. With `threads` above 1 (a whole number up to 64)
// and every product on one thread of its own, products that touch no common memory run at once on
// that many threads (native/schedule.h: each waits only for earlier ones whose memory it shares —
// a chain's two products per factor in its backward pass run side by side); the same results.
//
// Reading an element of `arrays` may run JavaScript (a getter), which could detach or free any
// buffer already looked at: so the numbers are copied out of args first, the elements the products
// name are fetched next (each once, only those), and only then are the arrays' memory and lengths
// read, with no JavaScript after that.
napi_value GemmMany(napi_env env, napi_callback_info info) {
  constexpr size_t EACH = 16;
  napi_value argv[3];
  size_t argc = 3, argsLength = 0;
  double* args = nullptr;
  bool isArray = false;
  uint32_t count = 0;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 2 || argc > 3 || napi_is_array(env, argv[0], &isArray) != napi_ok ||
      !isArray || napi_get_array_length(env, argv[0], &count) != napi_ok || !adjointFloats(env, argv[1], args, argsLength)) {
    napi_throw_type_error(env, nullptr, "gemmMany: pass an array of Float64Arrays and the numbers as a Float64Array");
    return nullptr;
  }
  double concurrent = 1;
  if (argc == 3 && (napi_get_value_double(env, argv[2], &concurrent) != napi_ok || !(concurrent >= 1 && concurrent <= 64) ||
                    concurrent != static_cast<double>(static_cast<int>(concurrent)))) {
    napi_throw_range_error(env, nullptr, "gemmMany: threads is a whole number from 1 to 64");
    return nullptr;
  }
  int64_t head[2];
  if (argsLength < 2 || !wholeNumbers(args, 2, head) || head[0] > static_cast<int64_t>((argsLength - 2) / EACH)) {
    napi_throw_range_error(env, nullptr, "gemmMany: args holds the count, the steps and sixteen whole numbers ≥ 0 per product");
    return nullptr;
  }
  if (const char* error = stepsError(head[1])) {
    napi_throw_range_error(env, nullptr, error);
    return nullptr;
  }
  const size_t products = static_cast<size_t>(head[0]);
  try {
    std::unique_ptr<int64_t[]> v(new int64_t[EACH * products]);  // every one written by wholeNumbers
    if (!wholeNumbers(args + 2, EACH * products, v.get())) {
      napi_throw_range_error(env, nullptr, NUMBERS_ERROR);
      return nullptr;
    }
    // The indices the products name, ascending, each once, and each index's place among them: by a
    // table over the arrays where they are few against the products (a chain names five arrays
    // 1,800 times; sorting the names cost 2% of its value), else by sorting.
    std::vector<int64_t> used;
    std::vector<uint32_t> place;
    for (size_t q = 0; q < products; q++) {
      for (const size_t at : {EACH * q, EACH * q + 3, EACH * q + 6}) {
        if (v[at] >= static_cast<int64_t>(count)) {
          napi_throw_range_error(env, nullptr, "gemmMany: an operand's index lies past the arrays");
          return nullptr;
        }
      }
    }
    if (count <= 3 * products) {
      place.assign(count, UINT32_MAX);
      for (size_t q = 0; q < products; q++)
        for (const size_t at : {EACH * q, EACH * q + 3, EACH * q + 6}) place[v[at]] = 0;
      for (uint32_t i = 0; i < count; i++)
        if (place[i] == 0) place[i] = static_cast<uint32_t>(used.size()), used.push_back(i);
    } else {
      used.reserve(3 * products);
      for (size_t q = 0; q < products; q++)
        for (const size_t at : {EACH * q, EACH * q + 3, EACH * q + 6}) used.push_back(v[at]);
      std::sort(used.begin(), used.end());
      used.erase(std::unique(used.begin(), used.end()), used.end());
    }
    std::vector<napi_value> elements(used.size());
    for (size_t j = 0; j < used.size(); j++) {
      if (napi_get_element(env, argv[0], static_cast<uint32_t>(used[j]), &elements[j]) != napi_ok) return nullptr;  // a getter threw: its error stands
    }
    std::vector<double*> data(used.size());
    std::vector<size_t> length(used.size());
    for (size_t j = 0; j < used.size(); j++) {
      if (!adjointFloats(env, elements[j], data[j], length[j])) {
        napi_throw_type_error(env, nullptr, "gemmMany: every array a product names must be a Float64Array");
        return nullptr;
      }
    }
    const auto slot = [&](int64_t index) {
      return place.empty() ? static_cast<size_t>(std::lower_bound(used.begin(), used.end(), index) - used.begin()) : static_cast<size_t>(place[index]);
    };
    std::unique_ptr<Product[]> list(new Product[products]);  // each assigned by checkedProduct
    for (size_t q = 0; q < products; q++) {
      const int64_t* w = v.get() + EACH * q;
      // gemm's numbers in gemm's order (aOff, lda, bOff, ldb, cOff, ldc, m, k, n, flags).
      const int64_t numbers[12] = {w[1], w[2], w[4], w[5], w[7], w[8], w[9], w[10], w[11], w[12], w[13], w[14]};
      const size_t a = slot(w[0]), b = slot(w[3]), c = slot(w[6]);
      double* const operands[3] = {data[a], data[b], data[c]};
      const size_t lengths[3] = {length[a], length[b], length[c]};
      if (!checkedProduct(numbers, operands, lengths, head[1], list[q])) {
        napi_throw_range_error(env, nullptr, SHORT_ERROR);
        return nullptr;
      }
    }
    bool alone = concurrent > 1 && products > 1;  // every product on one thread (one inside another's team job would wait forever)
    for (size_t q = 0; alone && q < products; q++) alone = v[EACH * q + 15] <= 1;
    std::vector<Footprint> footprints(alone ? products : 0);
    for (size_t q = 0; q < footprints.size(); q++) footprints[q] = footprintOf(list[q]);
    const int wanted = static_cast<int>(std::min<double>(concurrent, static_cast<double>(products)));  // no helper without a product
    const int threads = alone && anyIndependent(products, footprints.data()) ? team().reserve(wanted) : 1;
    if (threads > 1) runConcurrently(products, footprints.data(), threads, [&](size_t q) { run(list[q], 1); });
    else for (size_t q = 0; q < products; q++) run(list[q], v[EACH * q + 15]);
  } catch (const std::bad_alloc&) {
    napi_throw_range_error(env, nullptr, "gemmMany: not enough memory for the list of products");
  }
  return nullptr;
}

}  // namespace
}  // namespace adjoint_gemm

void adjointRegisterRows(napi_env env, napi_value exports);  // native/rows.cc
void adjointRegisterVmath(napi_env env, napi_value exports);  // native/vmath.cc
void adjointRegisterChain(napi_env env, napi_value exports);  // native/chain.cc
void adjointRegisterLu(napi_env env, napi_value exports);  // native/lu.cc
void adjointRegisterTriangular(napi_env env, napi_value exports);  // native/triangular.cc
void adjointRegisterHeap(napi_env env, napi_value exports);  // native/heap.cc
void adjointRegisterTranspose(napi_env env, napi_value exports);  // native/transpose.cc
void adjointRegisterElementwise(napi_env env, napi_value exports);  // native/elementwise.cc

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, adjoint_gemm::Gemm, nullptr, &fn);
  napi_set_named_property(env, exports, "gemm", fn);
  napi_create_function(env, "gemmMany", NAPI_AUTO_LENGTH, adjoint_gemm::GemmMany, nullptr, &fn);
  napi_set_named_property(env, exports, "gemmMany", fn);
  napi_value concurrent;  // gemmMany takes its third argument, the threads (older builds take two)
  napi_get_boolean(env, true, &concurrent);
  napi_set_named_property(env, exports, "gemmManyThreads", concurrent);
  napi_value fma;
  napi_get_boolean(env, adjoint_native::fusedSupported(), &fma);
  napi_set_named_property(env, exports, "fma", fma);
  napi_value avx512;
  napi_get_boolean(env, adjoint_native::fusedSupported() && adjoint_native::wideSupported(), &avx512);
  napi_set_named_property(env, exports, "avx512", avx512);
  adjointRegisterRows(env, exports);
  adjointRegisterVmath(env, exports);
  adjointRegisterChain(env, exports);
  adjointRegisterLu(env, exports);
  adjointRegisterTriangular(env, exports);
  adjointRegisterHeap(env, exports);
  adjointRegisterTranspose(env, exports);
  adjointRegisterElementwise(env, exports);
  return exports;
}
