// adjoint's native row kernels for a long product's value and gradient (src/tensor/kernels/products.ts),
// in the same addon as the matrix product (native/gemmCalls.cc registers them, native/gemm.cc lends its threads):
//   product(x, args = [start, end]): x[start] ⋯ x[end − 1] by eight interleaved chains, as
//     productChains in products.ts and productChainsVector in wasm/vmath.ts compute it — chain j
//     multiplies x[start + 8q + j] for q in order, the tail goes to chain 0, and the chains pair as
//     ((a0·a1)·(a2·a3))·((a4·a5)·(a6·a7)): the same bits (no reassociation: built without
//     -ffast-math);
//   divide(out, x, args = [c, start, end, threads]): out[p] = c / x[p] for p in [start, end), each
//     the correctly rounded IEEE quotient, split over the threads (each writes, and first touches,
//     its own part of out);
//   columnSums(out, x, args = [outer, n, inner, threads]): the sums over the middle axis of an
//     (outer, n, inner) array (reduce.ts's lane sums, below);
//   combineRows(out, full, row, args = [rows, n, op, rowFirst, threads]): a row combined with
//     every row of a matrix (binary.ts's loops, below);
//   negOuter(out, u, v, args = [m, n, threads]): the outer product −u vᵀ as linalg/solve.ts forms
//     a solve's Ā = −b̄ xᵀ (below);
//   combine(out, a, b, args = [n, op, scalar, threads]): two runs, or a run and a number, combined
//     entry by entry (binary.ts's arithmetic loops, below).
// Both read and write the JavaScript arrays in place: no copy into a kernel's memory and back.
#include <node_api.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

// Runs fn(context, t, threads) for t < threads on native/gemm.cc's threads (fewer where the system
// refuses one; `threads` is then the count that runs).
void adjointRunOnTeam(int threads, void (*fn)(void*, int, int), void* context);

// (Shared with native/gemm.cc, native/vmath.cc, native/lu.cc and native/triangular.cc.) The Float64Arrays of a call (`count` of them, at
// most 4; the last holds its numbers, at least `numbers`), or false with a type or range error thrown.
bool adjointArrays(napi_env env, napi_callback_info info, size_t count, size_t numbers, double** data, size_t* length) {
  napi_value argv[4];
  size_t argc = count;
  if (count > 4 || napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != count) {
    napi_throw_type_error(env, nullptr, "native kernels: wrong number of arguments");
    return false;
  }
  for (size_t t = 0; t < count; t++) {
    napi_typedarray_type type;
    void* ptr;
    if (napi_get_typedarray_info(env, argv[t], &type, &length[t], &ptr, nullptr, nullptr) != napi_ok ||
        type != napi_float64_array) {
      napi_throw_type_error(env, nullptr, "native kernels: the arguments must be Float64Arrays");
      return false;
    }
    data[t] = static_cast<double*>(ptr);
  }
  if (length[count - 1] < numbers) {
    napi_throw_range_error(env, nullptr, "native kernels: the numbers array is too short");
    return false;
  }
  return true;
}

// (Shared with native/chain.cc.) The Float64Array `value`
// (its data and length), or false where it is not one.
bool adjointFloats(napi_env env, napi_value value, double*& data, size_t& length) {
  napi_typedarray_type type;
  void* ptr;
  if (napi_get_typedarray_info(env, value, &type, &length, &ptr, nullptr, nullptr) != napi_ok || type != napi_float64_array) return false;
  data = static_cast<double*>(ptr);
  return true;
}

// A range [start, end) of an array of `length` from two numbers, or false (a range error thrown).
bool adjointRange(napi_env env, double s, double e, size_t length, int64_t& start, int64_t& end) {
  if (!(s >= 0 && e >= s && e <= static_cast<double>(length)) || s != static_cast<double>(static_cast<int64_t>(s)) ||
      e != static_cast<double>(static_cast<int64_t>(e))) {
    napi_throw_range_error(env, nullptr, "native kernels: the range must be whole numbers within the array");
    return false;
  }
  start = static_cast<int64_t>(s);
  end = static_cast<int64_t>(e);
  return true;
}

// (Shared with native/transpose.cc.) Whether args[0 … count) are whole numbers ≥ 0 (within 2⁵³); else
// false with `message` thrown as a range error.
bool adjointWholeNumbers(napi_env env, const double* args, int count, const char* message) {
  for (int k = 0; k < count; k++) {
    if (!(args[k] >= 0 && args[k] <= 9007199254740991.0) || args[k] != static_cast<double>(static_cast<int64_t>(args[k]))) {
      napi_throw_range_error(env, nullptr, message);
      return false;
    }
  }
  return true;
}

namespace {

napi_value Product(napi_env env, napi_callback_info info) {
  double* data[2];
  size_t length[2];
  if (!adjointArrays(env, info, 2, 2, data, length)) return nullptr;  // x, [start, end]
  int64_t start, end;
  if (!adjointRange(env, data[1][0], data[1][1], length[0], start, end)) return nullptr;
  const double* x = data[0];
  double a[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  int64_t p = start;
  for (const int64_t last = end - 7; p < last; p += 8) {
    for (int j = 0; j < 8; j++) a[j] *= x[p + j];
  }
  for (; p < end; p++) a[0] *= x[p];
  napi_value result;
  napi_create_double(env, ((a[0] * a[1]) * (a[2] * a[3])) * ((a[4] * a[5]) * (a[6] * a[7])), &result);
  return result;
}

struct Quotients {
  double* out;
  const double* x;
  double c;
  int64_t start, end;
};

void quotients(void* context, int t, int threads) {
  const Quotients& q = *static_cast<const Quotients*>(context);
  const int64_t n = q.end - q.start;
  const int64_t lo = q.start + n * t / threads, hi = q.start + n * (t + 1) / threads;
  for (int64_t p = lo; p < hi; p++) q.out[p] = q.c / q.x[p];
}

napi_value Divide(napi_env env, napi_callback_info info) {
  double* data[3];
  size_t length[3];
  if (!adjointArrays(env, info, 3, 4, data, length)) return nullptr;  // out, x, [c, start, end, threads]
  const double* args = data[2];
  int64_t start, end;
  if (!adjointRange(env, args[1], args[2], std::min(length[0], length[1]), start, end)) return nullptr;
  Quotients q{data[0], data[1], args[0], start, end};
  const int threads = static_cast<int>(std::max(1.0, std::min(args[3], 64.0)));
  if (threads <= 1) quotients(&q, 0, 1);
  else adjointRunOnTeam(threads, quotients, &q);
  return nullptr;
}

// Column sums: out[o·inner + c] = Σ_i x[(o·n + i)·inner + c], each a running sum from +0 in the
// order i = 0 … n − 1 — reduce.ts's reduceLanes, lane by lane, so the same bits — four columns to a
// vector, the columns split over the threads (a bias's gradient: the sum over a batch's rows).
struct SumJob {
  double* out;
  const double* x;
  int64_t outer, n, inner;
};

typedef double v4d __attribute__((vector_size(32)));

void columnSumsRun(void* context, int t, int threads) {
  const SumJob& job = *static_cast<const SumJob*>(context);
  const int64_t quads = (job.inner + 3) / 4, inner = job.inner;
  const int64_t c0 = std::min(inner, quads * t / threads * 4), c1 = t == threads - 1 ? inner : std::min(inner, quads * (t + 1) / threads * 4);
  for (int64_t o = 0; o < job.outer; o++) {
    const double* x = job.x + o * job.n * inner;
    double* out = job.out + o * inner;
    int64_t c = c0;
    for (; c + 16 <= c1; c += 16) {  // four vectors at once: four independent chains of adds
      v4d s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
      for (int64_t i = 0; i < job.n; i++) {
        const double* row = x + i * inner + c;
        v4d a, b, d, e;
        std::memcpy(&a, row, sizeof a);
        std::memcpy(&b, row + 4, sizeof b);
        std::memcpy(&d, row + 8, sizeof d);
        std::memcpy(&e, row + 12, sizeof e);
        s0 += a; s1 += b; s2 += d; s3 += e;
      }
      std::memcpy(out + c, &s0, sizeof s0);
      std::memcpy(out + c + 4, &s1, sizeof s1);
      std::memcpy(out + c + 8, &s2, sizeof s2);
      std::memcpy(out + c + 12, &s3, sizeof s3);
    }
    for (; c < c1; c++) {
      double s = 0;
      for (int64_t i = 0; i < job.n; i++) s += x[i * inner + c];
      out[c] = s;
    }
  }
}

// A row repeated down a matrix, combined with it: out[r·n + j] = a[r·n + j] ∘ row[j] (or row[j] ∘
// a[r·n + j] with rowFirst), ∘ one of + − × ÷ — a bias added to every row of a batch. Each entry
// the one IEEE operation, operands in the same order as binary.ts's loops: the same bits (a NaN's
// sign and payload aside, as combine's below).
struct RowsJob {
  double* out;
  const double* full;
  const double* row;
  int64_t rows, n;
  int op;  // 0 add, 1 sub, 2 mul, 3 div
  bool rowFirst;
};

template <int Op, bool RowFirst>
void combineRows(const RowsJob& job, int64_t r0, int64_t r1) {
  for (int64_t r = r0; r < r1; r++) {
    const double* a = job.full + r * job.n;
    double* out = job.out + r * job.n;
    for (int64_t j = 0; j < job.n; j++) {
      const double x = RowFirst ? job.row[j] : a[j], y = RowFirst ? a[j] : job.row[j];
      out[j] = Op == 0 ? x + y : Op == 1 ? x - y : Op == 2 ? x * y : x / y;
    }
  }
}

void rowsRun(void* context, int t, int threads) {
  const RowsJob& job = *static_cast<const RowsJob*>(context);
  const int64_t r0 = job.rows * t / threads, r1 = job.rows * (t + 1) / threads;
  const int which = job.op * 2 + (job.rowFirst ? 1 : 0);
  switch (which) {
    case 0: combineRows<0, false>(job, r0, r1); break;
    case 1: combineRows<0, true>(job, r0, r1); break;
    case 2: combineRows<1, false>(job, r0, r1); break;
    case 3: combineRows<1, true>(job, r0, r1); break;
    case 4: combineRows<2, false>(job, r0, r1); break;
    case 5: combineRows<2, true>(job, r0, r1); break;
    case 6: combineRows<3, false>(job, r0, r1); break;
    default: combineRows<3, true>(job, r0, r1);
  }
}


// fn over `rows` rows on the threads asked for (`threads` as passed: clamped to 1…64, and to the
// rows), or on this thread alone for one thread or one row.
void overRows(double threads, int64_t rows, void (*fn)(void*, int, int), void* job) {
  const int asked = static_cast<int>(std::max(1.0, std::min(threads, 64.0)));
  if (asked <= 1 || rows < 2) fn(job, 0, 1);
  else adjointRunOnTeam(static_cast<int>(std::min<int64_t>(asked, rows)), fn, job);
}

// combineRows(out, full, row, args = [rows, n, op, rowFirst, threads]).
napi_value CombineRows(napi_env env, napi_callback_info info) {
  double* data[4];
  size_t length[4];
  if (!adjointArrays(env, info, 4, 5, data, length)) return nullptr;
  const double* args = data[3];
  if (!adjointWholeNumbers(env, args, 2, "combineRows: rows and n must be whole numbers >= 0")) return nullptr;
  const int64_t rows = static_cast<int64_t>(args[0]), n = static_cast<int64_t>(args[1]);
  const int op = static_cast<int>(args[2]);
  if (!(args[2] == 0 || args[2] == 1 || args[2] == 2 || args[2] == 3)) {
    napi_throw_range_error(env, nullptr, "combineRows: op is 0 (add), 1 (sub), 2 (mul) or 3 (div)");
    return nullptr;
  }
  if (static_cast<int64_t>(length[2]) < n || (rows > 0 && (n > static_cast<int64_t>(std::min(length[0], length[1])) / rows))) {
    napi_throw_range_error(env, nullptr, "combineRows: the arrays are shorter than rows and n need");
    return nullptr;
  }
  RowsJob job{data[0], data[1], data[2], rows, n, op, args[3] != 0};
  overRows(args[4], rows, rowsRun, &job);
  return nullptr;
}

// Two runs combined entry by entry: out[p] = a[p] ∘ b[p], or a[p] ∘ b[0] (scalar), for p < n, ∘ one of
// + − × ÷ or the strong product (0 where either factor is zero, ±0, whatever the other — ∞ and NaN
// included — else a·b): binary.ts's arithmetic loops, each entry the one IEEE operation with the
// operands in the same order, so the same values and, but for NaN, the same bits (where both operands
// are NaN, or a NaN meets a NaN number, which operand's sign and payload the result carries is the
// compiler's choice here and V8's there: + and × commute). V8's loop reloads each typed array's length and data
// pointer per entry (about 4 ns an entry on a Zen 3 core, where this runs near memory speed).
// Ranges of whole cache lines split over the threads (each writes, and first touches, its own).
struct CombineJob {
  double* out;
  const double* a;
  const double* b;
  int64_t n;
  int op;  // 0 add, 1 sub, 2 mul, 3 div, 4 strong product
  bool scalar;
  double y;  // b[0], read once before any entry is written (out may be b)
};

template <int Op, bool Scalar>
void combineRange(const CombineJob& job, int64_t p0, int64_t p1) {
  const double* a = job.a;
  const double* b = job.b;
  double* out = job.out;
  for (int64_t p = p0; p < p1; p++) {
    const double x = a[p], y = Scalar ? job.y : b[p];
    out[p] = Op == 0 ? x + y : Op == 1 ? x - y : Op == 2 ? x * y : Op == 3 ? x / y : (x == 0 || y == 0 ? 0.0 : x * y);
  }
}

void combineRun(void* context, int t, int threads) {
  const CombineJob& job = *static_cast<const CombineJob*>(context);
  const int64_t lines = (job.n + 7) / 8;  // 8 doubles: a 64-byte line
  const int64_t p0 = std::min(job.n, lines * t / threads * 8), p1 = std::min(job.n, lines * (t + 1) / threads * 8);
  switch (job.op * 2 + (job.scalar ? 1 : 0)) {
    case 0: combineRange<0, false>(job, p0, p1); break;
    case 1: combineRange<0, true>(job, p0, p1); break;
    case 2: combineRange<1, false>(job, p0, p1); break;
    case 3: combineRange<1, true>(job, p0, p1); break;
    case 4: combineRange<2, false>(job, p0, p1); break;
    case 5: combineRange<2, true>(job, p0, p1); break;
    case 6: combineRange<3, false>(job, p0, p1); break;
    case 7: combineRange<3, true>(job, p0, p1); break;
    case 8: combineRange<4, false>(job, p0, p1); break;
    default: combineRange<4, true>(job, p0, p1);
  }
}

// combine(out, a, b, args = [n, op, scalar, threads]).
napi_value Combine(napi_env env, napi_callback_info info) {
  double* data[4];
  size_t length[4];
  if (!adjointArrays(env, info, 4, 4, data, length)) return nullptr;
  const double* args = data[3];
  if (!adjointWholeNumbers(env, args, 1, "combine: n must be a whole number >= 0")) return nullptr;
  const int64_t n = static_cast<int64_t>(args[0]);
  if (!(args[1] == 0 || args[1] == 1 || args[1] == 2 || args[1] == 3 || args[1] == 4)) {
    napi_throw_range_error(env, nullptr, "combine: op is 0 (add), 1 (sub), 2 (mul), 3 (div) or 4 (strong product)");
    return nullptr;
  }
  const bool scalar = args[2] != 0;
  if (static_cast<int64_t>(std::min(length[0], length[1])) < n || static_cast<int64_t>(length[2]) < (scalar ? (n > 0 ? 1 : 0) : n)) {
    napi_throw_range_error(env, nullptr, "combine: the arrays are shorter than n needs");
    return nullptr;
  }
  CombineJob job{data[0], data[1], data[2], n, static_cast<int>(args[1]), scalar, scalar && n > 0 ? data[2][0] : 0.0};
  overRows(args[3], (n + 7) / 8, combineRun, &job);
  return nullptr;
}

// The negated outer product out[i·n + j] = −(0 + u[i]·v[j]): the product, added to +0 (so a −0
// product gives +0 before the negation, as a matrix product's sum from +0 would), negated — the
// JavaScript expression's three steps in its order (built without -ffast-math: 0 + p is not folded
// to p), so its bits. Rows split over the threads (each writes, and first touches, its own rows).
struct OuterJob {
  double* out;
  const double* u;
  const double* v;
  int64_t m, n;
};

void negOuterRun(void* context, int t, int threads) {
  const OuterJob& job = *static_cast<const OuterJob*>(context);
  const int64_t r0 = job.m * t / threads, r1 = job.m * (t + 1) / threads;
  for (int64_t r = r0; r < r1; r++) {
    const double ur = job.u[r];
    double* out = job.out + r * job.n;
    for (int64_t j = 0; j < job.n; j++) out[j] = -(0.0 + ur * job.v[j]);
  }
}

// negOuter(out, u, v, args = [m, n, threads]).
napi_value NegOuter(napi_env env, napi_callback_info info) {
  double* data[4];
  size_t length[4];
  if (!adjointArrays(env, info, 4, 3, data, length)) return nullptr;
  const double* args = data[3];
  if (!adjointWholeNumbers(env, args, 2, "negOuter: m and n must be whole numbers >= 0")) return nullptr;
  const int64_t m = static_cast<int64_t>(args[0]), n = static_cast<int64_t>(args[1]);
  if (static_cast<int64_t>(length[1]) < m || static_cast<int64_t>(length[2]) < n || (m > 0 && n > static_cast<int64_t>(length[0]) / m)) {
    napi_throw_range_error(env, nullptr, "negOuter: out needs m·n entries, u m and v n");
    return nullptr;
  }
  OuterJob job{data[0], data[1], data[2], m, n};
  overRows(args[2], m, negOuterRun, &job);
  return nullptr;
}

// columnSums(out, x, args = [outer, n, inner, threads]).
napi_value ColumnSums(napi_env env, napi_callback_info info) {
  double* data[3];
  size_t length[3];
  if (!adjointArrays(env, info, 3, 4, data, length)) return nullptr;
  const double* args = data[2];
  if (!adjointWholeNumbers(env, args, 3, "columnSums: outer, n and inner must be whole numbers >= 0")) return nullptr;
  const int64_t outer = static_cast<int64_t>(args[0]), n = static_cast<int64_t>(args[1]), inner = static_cast<int64_t>(args[2]);
  // outer·n·inner ≤ x's length and outer·inner ≤ out's, checked without overflow.
  const auto fits = [](int64_t a, int64_t b, size_t len) { return a == 0 || b <= static_cast<int64_t>(len) / a; };
  if (!fits(outer, inner, length[0]) || !fits(outer, inner, length[1]) || (outer * inner > 0 && !fits(outer * inner, n, length[1]))) {
    napi_throw_range_error(env, nullptr, "columnSums: the arrays are shorter than outer, n and inner need");
    return nullptr;
  }
  SumJob job{data[0], data[1], outer, n, inner};
  const int threads = static_cast<int>(std::max(1.0, std::min(args[3], 64.0)));
  if (threads <= 1 || inner < 32) columnSumsRun(&job, 0, 1);
  else adjointRunOnTeam(threads, columnSumsRun, &job);
  return nullptr;
}

}  // namespace

// Adds product and divide to the addon's exports (called by native/gemmCalls.cc's module init).
void adjointRegisterRows(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "product", NAPI_AUTO_LENGTH, Product, nullptr, &fn);
  napi_set_named_property(env, exports, "product", fn);
  napi_create_function(env, "divide", NAPI_AUTO_LENGTH, Divide, nullptr, &fn);
  napi_set_named_property(env, exports, "divide", fn);
  napi_create_function(env, "columnSums", NAPI_AUTO_LENGTH, ColumnSums, nullptr, &fn);
  napi_set_named_property(env, exports, "columnSums", fn);
  napi_create_function(env, "combineRows", NAPI_AUTO_LENGTH, CombineRows, nullptr, &fn);
  napi_set_named_property(env, exports, "combineRows", fn);
  napi_create_function(env, "negOuter", NAPI_AUTO_LENGTH, NegOuter, nullptr, &fn);
  napi_set_named_property(env, exports, "negOuter", fn);
  napi_create_function(env, "combine", NAPI_AUTO_LENGTH, Combine, nullptr, &fn);
  napi_set_named_property(env, exports, "combine", fn);
}
