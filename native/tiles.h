// The register tiles of native/gemm.cc's product: the innermost loop, a tile of C's running sums
// carried through a block's depth over a packed panel of A and strip of B — separate steps on four
// lanes (the build's vectors), fused steps on four (AVX2 and FMA3) or eight (AVX-512), the wider
// ones compiled for their instruction sets whatever the build's flags and chosen at run time
// (fusedSupported, wideSupported). Included by gemm.cc only.
#ifndef ADJOINT_NATIVE_TILES_H
#define ADJOINT_NATIVE_TILES_H

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include <cstdint>

namespace adjoint_native {

typedef double v4d __attribute__((vector_size(32)));
typedef double v4du __attribute__((vector_size(32), aligned(8)));  // unaligned loads and stores

// The register tiles: 6 rows × 8 columns (twelve 4-lane accumulators) for AVX2, 12 × 16
// (twenty-four 8-lane accumulators: AVX-512 has 32 vector registers) where the CPU has AVX-512.
constexpr int64_t MR256 = 6, NR256 = 8;
constexpr int64_t MR512 = 12, NR512 = 16;
constexpr int64_t MR512S = 8;  // the 8-row tile (tileFused512x8), same columns
constexpr int64_t MRMAX = 12, NRMAX = 16;

// Where a register tile's running sums (mr rows × nr columns of C) start and go: from zeros (in =
// null) or from in[r·nr + x], a partial sum stored after an earlier depth block; to out[r·ldo + x],
// replacing it (a partial sum, a fresh C), or with add, as out + sum (C = C + s: one addition of the
// finished sum). in and out may be the same.
struct TileIO {
  const double* in;
  double* out;
  int64_t ldo;
  bool add;
};

// tile(kc, ap, aStep, bp, bStep, io): the tile's sums carried through kc steps of a panel of A and
// a strip of B — step p's MR entries of A at ap + p·aStep, its NR of B at bp + p·bStep: a packed
// panel and strip (aStep = MR, bStep = NR), or the operands where they lie (a transposed A's
// stored rows, aStep its row length; B's stored rows, bStep its row length).
typedef void (*Tile)(int64_t kc, const double* ap, int64_t aStep, const double* bp, int64_t bStep, const TileIO& io);

// The 6×8 tile's running sums over kc steps of a packed panel of A and strip of B: twelve four-lane
// accumulators (row r's low and high halves lr, hr), B's row in two registers, A's entries broadcast
// one at a time.
#define ADJOINT_ROWS6(X) X(0) X(1) X(2) X(3) X(4) X(5)
inline void tile(int64_t kc, const double* __restrict ap, int64_t aStep, const double* __restrict bp, int64_t bStep, const TileIO& io) {
  const v4d zero = {0, 0, 0, 0};
#define ADJOINT_LOAD(r)                                                           \
  v4d l##r = io.in ? *reinterpret_cast<const v4du*>(io.in + 8 * r) : zero;       \
  v4d h##r = io.in ? *reinterpret_cast<const v4du*>(io.in + 8 * r + 4) : zero;
  ADJOINT_ROWS6(ADJOINT_LOAD)
#undef ADJOINT_LOAD
  for (int64_t p = 0; p < kc; p++) {
    v4d b0 = *reinterpret_cast<const v4du*>(bp), b1 = *reinterpret_cast<const v4du*>(bp + 4);
#if defined(__AVX__)
    asm("" : "+x"(b0), "+x"(b1));  // held in registers: as memory operands they were loaded once per row (6 loads, not 1)
#endif
#define ADJOINT_STEP(r)                             \
  {                                                 \
    const v4d a = {ap[r], ap[r], ap[r], ap[r]};     \
    l##r = l##r + a * b0;                           \
    h##r = h##r + a * b1;                           \
  }
    ADJOINT_ROWS6(ADJOINT_STEP)
#undef ADJOINT_STEP
    ap += aStep;
    bp += bStep;
  }
#define ADJOINT_STORE(r)                                                    \
  {                                                                         \
    v4du* o = reinterpret_cast<v4du*>(io.out + r * io.ldo);                 \
    o[0] = io.add ? o[0] + l##r : l##r;                                     \
    o[1] = io.add ? o[1] + h##r : h##r;                                     \
  }
  ADJOINT_ROWS6(ADJOINT_STORE)
#undef ADJOINT_STORE
}

// Fused steps need x86, GCC's or clang's target attribute and __builtin_cpu_supports. A compiler
// that says it lacks the builtin (__has_builtin: GCC 10+, clang) gets separate steps only, not a
// build error — which would lose the whole addon (the row kernels and tanh too); GCC before 10 has it.
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#if defined(__has_builtin)
#if __has_builtin(__builtin_cpu_supports)
#define ADJOINT_FUSED 1
#endif
#else
#define ADJOINT_FUSED 1
#endif
#endif

#if defined(ADJOINT_FUSED)
// The same tile with fused steps, acc = fma(a, b, acc): compiled for AVX2 and FMA3 whatever the
// build's flags, and called only where the CPU has both (fusedSupported).
__attribute__((target("avx2,fma"))) inline void tileFused(int64_t kc, const double* __restrict ap, int64_t aStep, const double* __restrict bp, int64_t bStep, const TileIO& io) {
#define ADJOINT_LOAD(r)                                                         \
  __m256d l##r = io.in ? _mm256_loadu_pd(io.in + 8 * r) : _mm256_setzero_pd();  \
  __m256d h##r = io.in ? _mm256_loadu_pd(io.in + 8 * r + 4) : _mm256_setzero_pd();
  ADJOINT_ROWS6(ADJOINT_LOAD)
#undef ADJOINT_LOAD
  for (int64_t p = 0; p < kc; p++) {
    const __m256d b0 = _mm256_loadu_pd(bp), b1 = _mm256_loadu_pd(bp + 4);
#define ADJOINT_STEP(r)                          \
  {                                              \
    const __m256d a = _mm256_broadcast_sd(ap + r); \
    l##r = _mm256_fmadd_pd(a, b0, l##r);         \
    h##r = _mm256_fmadd_pd(a, b1, h##r);         \
  }
    ADJOINT_ROWS6(ADJOINT_STEP)
#undef ADJOINT_STEP
    ap += aStep;
    bp += bStep;
  }
#define ADJOINT_STORE(r)                                                                  \
  {                                                                                       \
    double* o = io.out + r * io.ldo;                                                      \
    if (io.add) {                                                                         \
      l##r = _mm256_add_pd(_mm256_loadu_pd(o), l##r);                                     \
      h##r = _mm256_add_pd(_mm256_loadu_pd(o + 4), h##r);                                 \
    }                                                                                     \
    _mm256_storeu_pd(o, l##r);                                                            \
    _mm256_storeu_pd(o + 4, h##r);                                                        \
  }
  ADJOINT_ROWS6(ADJOINT_STORE)
#undef ADJOINT_STORE
}

inline bool fusedSupported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// The fused steps on AVX-512's eight lanes: a 12×16 tile, each of its 12 rows two 8-lane
// accumulators (24 of the 32 registers), B's row in two, A's entries broadcast one at a time — per
// step 24 fused multiply-adds against 14 loads, so the two FMA pipes, not the loads, set the pace.
// The same sums, step for step, as the 6×8 tile: only the width differs, not the bits.
// tileFused512x8 is the same loop over 8 rows (16 multiply-adds against 10 loads: still the FMA
// pipes' pace, and 16 accumulators cover their latency), for products of up to 128 rows where it
// pads fewer rows than the 12-row tile (16, 32, 64, 128 among them): 16 rows took two panels of
// 12, a third of the tile's work spent on padding (gemm.cc's tileFor chooses).
#define ADJOINT_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
#define ADJOINT_ROWS8(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define ADJOINT_TILE512(NAME, ROWS)                                                                                     \
  __attribute__((target("avx512f"))) inline void NAME(int64_t kc, const double* __restrict ap, int64_t aStep,           \
                                                      const double* __restrict bp, int64_t bStep, const TileIO& io) {  \
    ROWS(ADJOINT_LOAD)                                                                                                  \
    for (int64_t p = 0; p < kc; p++) {                                                                                  \
      const __m512d b0 = _mm512_loadu_pd(bp), b1 = _mm512_loadu_pd(bp + 8);                                            \
      ROWS(ADJOINT_STEP)                                                                                                \
      ap += aStep;                                                                                                      \
      bp += bStep;                                                                                                      \
    }                                                                                                                   \
    ROWS(ADJOINT_STORE)                                                                                                 \
  }
#define ADJOINT_LOAD(r)                                                           \
  __m512d l##r = io.in ? _mm512_loadu_pd(io.in + 16 * r) : _mm512_setzero_pd();  \
  __m512d h##r = io.in ? _mm512_loadu_pd(io.in + 16 * r + 8) : _mm512_setzero_pd();
#define ADJOINT_STEP(r)                       \
  {                                           \
    const __m512d a = _mm512_set1_pd(ap[r]);  \
    l##r = _mm512_fmadd_pd(a, b0, l##r);      \
    h##r = _mm512_fmadd_pd(a, b1, h##r);      \
  }
#define ADJOINT_STORE(r)                                    \
  {                                                         \
    double* o = io.out + r * io.ldo;                        \
    if (io.add) {                                           \
      l##r = _mm512_add_pd(_mm512_loadu_pd(o), l##r);       \
      h##r = _mm512_add_pd(_mm512_loadu_pd(o + 8), h##r);   \
    }                                                       \
    _mm512_storeu_pd(o, l##r);                              \
    _mm512_storeu_pd(o + 8, h##r);                          \
  }
ADJOINT_TILE512(tileFused512, ADJOINT_ROWS)
ADJOINT_TILE512(tileFused512x8, ADJOINT_ROWS8)
// The 8-row tile over A stored by rows where it lies (gemm.cc's directRowsA): row r's entry at step
// p is ap[r·aStep + p], aStep A's row length — no panel packed (a transpose of A's block, which at
// 16³–32³ cost about a fifth of the product). The same steps in the same order, so the same bits.
#define ADJOINT_STEP_ROWS(r)                          \
  {                                                   \
    const __m512d a = _mm512_set1_pd(ap[r * aStep]);  \
    l##r = _mm512_fmadd_pd(a, b0, l##r);              \
    h##r = _mm512_fmadd_pd(a, b1, h##r);              \
  }
__attribute__((target("avx512f"))) inline void tileFused512x8Rows(int64_t kc, const double* __restrict ap, int64_t aStep, const double* __restrict bp,
                                                                  int64_t bStep, const TileIO& io) {
  ADJOINT_ROWS8(ADJOINT_LOAD)
  for (int64_t p = 0; p < kc; p++) {
    const __m512d b0 = _mm512_loadu_pd(bp), b1 = _mm512_loadu_pd(bp + 8);
    ADJOINT_ROWS8(ADJOINT_STEP_ROWS)
    ap += 1;
    bp += bStep;
  }
  ADJOINT_ROWS8(ADJOINT_STORE)
}
#undef ADJOINT_STEP_ROWS
#undef ADJOINT_LOAD
#undef ADJOINT_STEP
#undef ADJOINT_STORE
#undef ADJOINT_TILE512
#undef ADJOINT_ROWS8
#undef ADJOINT_ROWS

// AVX-512 (its foundation, with the operating system saving the wide registers: the builtin checks
// both) for the 12×16 and 8×16 tiles.
inline bool wideSupported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}
#else
inline void tileFused(int64_t kc, const double* ap, int64_t aStep, const double* bp, int64_t bStep, const TileIO& io) { tile(kc, ap, aStep, bp, bStep, io); }  // never called
inline void tileFused512(int64_t kc, const double* ap, int64_t aStep, const double* bp, int64_t bStep, const TileIO& io) { tile(kc, ap, aStep, bp, bStep, io); }  // never called
inline void tileFused512x8(int64_t kc, const double* ap, int64_t aStep, const double* bp, int64_t bStep, const TileIO& io) { tile(kc, ap, aStep, bp, bStep, io); }  // never called
inline void tileFused512x8Rows(int64_t kc, const double* ap, int64_t aStep, const double* bp, int64_t bStep, const TileIO& io) { tile(kc, ap, aStep, bp, bStep, io); }  // never called
inline bool fusedSupported() { return false; }
inline bool wideSupported() { return false; }
#endif
#undef ADJOINT_ROWS6

}  // namespace adjoint_native

#endif
