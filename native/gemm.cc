// adjoint's optional native matrix product for Node: C (+)= op(A)·op(B) in float64, blocked for
// the caches (GotoBLAS's loop nest: B in blocks of KC rows × NC columns packed once for all the
// threads, A in blocks of MC rows packed by each, a 6×8, 12×16 or 8×16 register tile) with four- or
// eight-lane vectors where the WebAssembly kernel has two. Built at install where a C++ compiler and Node's headers exist
// (scripts/build-native.mjs); loaded by src/tensor/kernels/native/nativeGemm.ts (its threads: native/team.h), which falls back
// to WebAssembly without it; its register tiles: native/tiles.h; its N-API entry points (gemm,
// gemmMany) and the addon's exports: native/gemmCalls.cc.
//
// Every element of C is one running sum in order: s = +0, then s = s + A[i,p]·B[p,j] for p = 0 …
// k−1, then C = s (a fresh C) or C = C + s. Blocking the depth only pauses that sum: a partial s is
// stored exactly and resumed, never added to another partial. Which thread computes a row, and how
// many threads there are, changes nothing. Two ways to form a step, chosen per call (the last
// number of `args`): separate, the product rounded and then the sum (the build turns contraction
// off, -ffp-contract=off), which is what the WebAssembly and JavaScript kernels compute, so the
// results are theirs to the bit; or fused, s = fma(A[i,p], B[p,j], s) with one rounding (x86's
// FMA3, where the CPU has it: `fma` on the exports), about 1.4× faster on this loop — the separate
// step issues twelve multiplies and twelve adds where the fused one issues twelve. Fused steps run
// on AVX-512's eight lanes where the CPU has them (`avx512` on the exports; a 12×16 tile, 8×16 for
// up to 128 rows where it pads fewer: 1.8–1.9×
// the four-lane tile's speed on a Sapphire Rapids core, 47–60 GFLOP/s at 128×784×256 and 512³), the
// same sums step for step, so the same bits as on four lanes.
#include <node_api.h>

#include "gemm.h"
#include "team.h"
#include "tiles.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace adjoint_gemm {

using adjoint_native::Barrier;
using adjoint_native::fusedSupported;
using adjoint_native::MR256;
using adjoint_native::MR512;
using adjoint_native::MR512S;
using adjoint_native::MRMAX;
using adjoint_native::NR256;
using adjoint_native::NR512;
using adjoint_native::NRMAX;
using adjoint_native::Tile;
using adjoint_native::TileIO;
using adjoint_native::tile;
using adjoint_native::tileFused;
using adjoint_native::tileFused512;
using adjoint_native::tileFused512x8;
using adjoint_native::tileFused512x8Rows;
using adjoint_native::v4d;
using adjoint_native::team;
using adjoint_native::v4du;
using adjoint_native::wideSupported;

// Block sizes: on the bench machine (Zen 2: 32 kB L1, 512 kB L2) KC 128…512, MC 48…144 and NC
// 256…1024 measured within noise of each other; the tile's loop is what bounds the speed.
constexpr int64_t KC = 256;  // depth of a block: a panel of A and a strip of B (KC×16: 32 kB) in L1
constexpr int64_t MC = 96;  // rows of A packed at a time (MC×KC in L2)
constexpr int64_t NC = 1024;  // columns of B packed at a time (KC×NC in L2/L3)

inline int64_t roundUp(int64_t x, int64_t q) { return (x + q - 1) / q * q; }


// The packing's moves: four doubles at a time where the build has AVX (copy4), and a 4×4 block
// transposed in registers (transpose4: d[q·ld + r] = s[r·ls + q] for r, q < 4; two unpacks and two
// lane permutes per pair of outputs, against sixteen scalar loads and stores, which bound the
// packing of a transposed operand). Copies only: the packed values, so the products' bits, are the same.
#if defined(__AVX__)
inline void copy4(double* d, const double* s) { _mm256_storeu_pd(d, _mm256_loadu_pd(s)); }
inline void transpose4(const double* s, int64_t ls, double* d, int64_t ld) {
  const __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + ls), r2 = _mm256_loadu_pd(s + 2 * ls), r3 = _mm256_loadu_pd(s + 3 * ls);
  const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);  // [r0₀ r1₀ r0₂ r1₂], [r0₁ r1₁ r0₃ r1₃]
  const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
  _mm256_storeu_pd(d, _mm256_permute2f128_pd(t0, t2, 0x20));
  _mm256_storeu_pd(d + ld, _mm256_permute2f128_pd(t1, t3, 0x20));
  _mm256_storeu_pd(d + 2 * ld, _mm256_permute2f128_pd(t0, t2, 0x31));
  _mm256_storeu_pd(d + 3 * ld, _mm256_permute2f128_pd(t1, t3, 0x31));
}
#else
inline void copy4(double* d, const double* s) { d[0] = s[0], d[1] = s[1], d[2] = s[2], d[3] = s[3]; }
inline void transpose4(const double* s, int64_t ls, double* d, int64_t ld) {
  for (int64_t q = 0; q < 4; q++)
    for (int64_t r = 0; r < 4; r++) d[q * ld + r] = s[r * ls + q];
}
#endif

// Rows p0 + lo … p0 + hi − 1 of the block op(B)[p0 : p0 + kc, j0 : j0 + nc], packed into strips of
// NR columns, the tile's (strip s/NR at dst + s·kc, its row p at + p·NR), columns past nc as zeros
// (computed, never stored). B is read along its stored rows, each in one pass: a strip at a time would read
// one cache line from each of kc rows a row length apart. A transposed B (stored [n, k]) goes by
// 4×4 blocks: four of its rows, four steps of each.
// With P.directB the full strips are left out (the tiles read them in B).
template <int64_t NR>
void packB(const Product& P, int64_t p0, int64_t kc, int64_t lo, int64_t hi, int64_t j0, int64_t nc, double* dst) {
  const int64_t strips = roundUp(nc, NR) / NR, full = nc / NR;
  if (!P.transB && P.directB && full == strips) return;  // every strip read in B: nothing to pack
  if (!P.transB) {
    for (int64_t p = lo; p < hi; p++) {
      const double* src = P.b + (p0 + p) * P.ldb + j0;
      for (int64_t s = 0; s < (P.directB ? 0 : full); s++)
        for (int64_t q = 0; q < NR; q += 4) copy4(dst + s * NR * kc + p * NR + q, src + s * NR + q);
      if (full < strips) {
        double* d = dst + full * NR * kc + p * NR;
        for (int64_t q = 0; q < NR; q++) d[q] = full * NR + q < nc ? src[full * NR + q] : 0;
      }
    }
  } else {  // B stored [n, k]: its row j is column j of op(B)
    const int64_t nc4 = nc / 4 * 4, hi4 = lo + (hi - lo) / 4 * 4;
    for (int64_t j = 0; j < strips * NR; j += 4) {
      double* d = dst + (j / NR) * NR * kc + j % NR;  // four columns of a strip (NR is a multiple of 4)
      const double* src = P.b + (j0 + j) * P.ldb + p0;
      if (j < nc4) {
        for (int64_t p = lo; p < hi4; p += 4) transpose4(src + p, P.ldb, d + p * NR, NR);
        for (int64_t p = hi4; p < hi; p++)
          for (int64_t r = 0; r < 4; r++) d[p * NR + r] = src[r * P.ldb + p];
      } else {  // the last columns, some past nc
        for (int64_t p = lo; p < hi; p++)
          for (int64_t r = 0; r < 4; r++) d[p * NR + r] = j + r < nc ? src[r * P.ldb + p] : 0;
      }
    }
  }
}

// op(A)[i0 + r0 + r, p0 + p] into panels of MR rows (the tile's): panel r0/MR at dst + r0·kc, step
// p at + p·MR. A stored by rows is read by 4×4 blocks (four rows, four steps of each) and written
// along the panel; a transposed A (stored [k, m]) is a run of MR of its row at each step (with
// P.directA its full panels are left out: the tiles read them in A).
template <int64_t MR>
void packA(const Product& P, int64_t i0, int64_t mc, int64_t p0, int64_t kc, double* dst) {
  static_assert(MR % 4 == 0 || MR == 6, "panels of whole 4-row blocks, or the 6-row tile's");
  for (int64_t r0 = 0; r0 < mc; r0 += MR) {
    const int64_t h = std::min(MR, mc - r0);
    double* d = dst + r0 * kc;
    if (!P.transA && h == MR && P.directRowsA) {
      continue;
    } else if (!P.transA) {
      const double* src = P.a + (i0 + r0) * P.lda + p0;
      if (h == MR && MR % 4 == 0) {
        const int64_t kc4 = kc / 4 * 4;
        for (int64_t p = 0; p < kc4; p += 4)
          for (int64_t g = 0; g < MR; g += 4) transpose4(src + g * P.lda + p, P.lda, d + p * MR + g, MR);
        for (int64_t p = kc4; p < kc; p++)
          for (int64_t r = 0; r < MR; r++) d[p * MR + r] = src[r * P.lda + p];
      } else if (h == MR) {
        for (int64_t p = 0; p < kc; p++)
          for (int64_t r = 0; r < MR; r++) d[p * MR + r] = src[r * P.lda + p];
      } else {  // the last rows: the panel zeroed at once, then the rows there are (a per-step fill of the rest
                // became a `rep stos` of a few doubles a step, a fifth of the packing at 32³)
        std::memset(d, 0, kc * MR * sizeof(double));
        for (int64_t r = 0; r < h; r++)
          for (int64_t p = 0; p < kc; p++) d[p * MR + r] = src[r * P.lda + p];
      }
    } else if (h == MR && P.directA) {
      continue;
    } else if (h == MR && MR % 4 == 0) {
      for (int64_t p = 0; p < kc; p++) {
        const double* src = P.a + (p0 + p) * P.lda + i0 + r0;
        for (int64_t r = 0; r < MR; r += 4) copy4(d + p * MR + r, src + r);
      }
    } else {
      if (h < MR) std::memset(d, 0, kc * MR * sizeof(double));
      for (int64_t p = 0; p < kc; p++) {
        const double* src = P.a + (p0 + p) * P.lda + i0 + r0;
        for (int64_t r = 0; r < h; r++) d[p * MR + r] = src[r];
      }
    }
  }
}

// Grow-only buffers of this thread's (slot 0: the packed B a product's threads share; slot 1: a
// thread's packed A and partial sums), 32-byte aligned and uninitialised: no allocation (and no
// fresh pages to fault in) per product once they have grown.
double* scratch(int slot, size_t doubles) {
  thread_local std::unique_ptr<v4d[]> buffer[2];
  thread_local size_t capacity[2] = {0, 0};
  if (capacity[slot] < doubles) {
    capacity[slot] = std::max(doubles, capacity[slot] * 2);
    buffer[slot].reset(new v4d[(capacity[slot] + 3) / 4]);
  }
  return reinterpret_cast<double*>(buffer[slot].get());
}

// Rows of C handled together: their partial sums between depth blocks stay in each thread's scratch
// (MB/threads rows × NC columns), and B is packed once per (MB rows, KC depth, NC columns) block.
constexpr int64_t MB = 768;

// Thread t of `threads` computing its share of the product: in each block of columns (NC), rows (MB)
// and depth (KC), the threads pack B's block together (thread t a t-th run of its rows) into one of
// two shared buffers (alternating, so one barrier a block suffices: a thread packing block b + 1 has
// passed the barrier after block b's packing, which its partners passed only after computing block
// b − 1), then each multiplies its rows (whole panels of MR rows) with its own packed A.
template <int64_t MR, int64_t NR>
void shareTiles(const Product& P, int t, int threads, double* const packedB[2], Barrier& barrier) {
  const int64_t blocks = (P.k + KC - 1) / KC, kcMax = (P.k + blocks - 1) / blocks;  // even blocks
  const int64_t ncMax = roundUp(std::min(NC, P.n), NR);
  const int64_t perMax = roundUp((std::min(MB, P.m) + threads - 1) / threads, MR);  // rows of a thread in a block of MB
  const int64_t sizeA = roundUp(roundUp(std::min(MC, perMax), MR) * kcMax, 4), sizeSums = blocks > 1 ? perMax * ncMax : 0;
  double* const packedA = scratch(1, sizeA + sizeSums);
  double* const sums = packedA + sizeA;  // [row panel][strip][MR·NR], 32-byte aligned (sizeA and MR·NR multiples of 4)
  bool sense = false;
  int phase = 0;
  for (int64_t jc = 0; jc < P.n; jc += NC) {
    const int64_t nc = std::min(NC, P.n - jc), strips = roundUp(nc, NR) / NR;
    for (int64_t mb = 0; mb < P.m; mb += MB) {
      const int64_t mbRows = std::min(MB, P.m - mb), per = roundUp((mbRows + threads - 1) / threads, MR);
      const int64_t r0 = mb + std::min(mbRows, t * per), r1 = mb + std::min(mbRows, (t + 1) * per);
      for (int64_t blk = 0, pc = 0; pc < P.k; blk++, pc += kcMax, phase ^= 1) {
        const int64_t kc = std::min(kcMax, P.k - pc);
        const bool first = blk == 0, last = pc + kc >= P.k;
        double* const bBlock = packedB[phase];
        packB<NR>(P, pc, kc, kc * t / threads, kc * (t + 1) / threads, jc, nc, bBlock);  // each thread a run of the block's rows
        barrier.wait(sense);
        for (int64_t ic = r0; ic < r1; ic += MC) {
          const int64_t mc = std::min(MC, r1 - ic), panels = roundUp(mc, MR) / MR;
          packA<MR>(P, ic, mc, pc, kc, packedA);
          for (int64_t s = 0; s < strips; s++) {
            const bool inB = P.directB && s < nc / NR;  // a full strip, read in B
            const double* bp = inB ? P.b + pc * P.ldb + jc + s * NR : bBlock + s * NR * kc;
            const int64_t bStep = inB ? P.ldb : NR;
            for (int64_t q = 0; q < panels; q++) {
              const int64_t i = ic + q * MR, j = jc + s * NR;
              double* partial = sums + (((i - r0) / MR) * strips + s) * MR * NR;
              const double* start = first ? nullptr : partial;
              const bool inA = (P.directA || P.directRowsA) && (q + 1) * MR <= mc;  // a full panel, read in A
              const double* ap = !inA ? packedA + q * MR * kc : P.transA ? P.a + pc * P.lda + i : P.a + i * P.lda + pc;
              const int64_t aStep = inA ? P.lda : MR;
              const Tile kernel = inA && !P.transA ? P.tileRows : P.tile;
              if (!last) {  // a partial sum, kept for the next depth block
                kernel(kc, ap, aStep, bp, bStep, TileIO{start, partial, NR, false});
                continue;
              }
              const int64_t h = std::min(MR, P.m - i), w = std::min(NR, P.n - j);
              double* c = P.c + i * P.ldc + j;
              if (h == MR && w == NR) {  // straight into C
                kernel(kc, ap, aStep, bp, bStep, TileIO{start, c, P.ldc, !P.fresh});
              } else {  // C's edge: the whole tile aside, then its part inside C
                alignas(64) double acc[MRMAX * NRMAX];
                kernel(kc, ap, aStep, bp, bStep, TileIO{start, acc, NR, false});
                const int64_t w4 = w / 4 * 4;
                for (int64_t r = 0; r < h; r++) {
                  double* out = c + r * P.ldc;
                  const double* sum = acc + r * NR;
                  if (P.fresh) {
                    for (int64_t x = 0; x < w4; x += 4) copy4(out + x, sum + x);
                    for (int64_t x = w4; x < w; x++) out[x] = sum[x];
                  } else {
                    for (int64_t x = 0; x < w; x++) out[x] = out[x] + sum[x];
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}

// share with the product's tile.
void share(const Product& P, int t, int threads, double* const packedB[2], Barrier& barrier) {
  if (P.mr == MR512 && P.nr == NR512) shareTiles<MR512, NR512>(P, t, threads, packedB, barrier);
  else if (P.mr == MR512S && P.nr == NR512) shareTiles<MR512S, NR512>(P, t, threads, packedB, barrier);
  else shareTiles<MR256, NR256>(P, t, threads, packedB, barrier);
}

// Two buffers for blocks of P's packed B (they alternate: one barrier a block), in the calling
// thread's scratch.
void packedBBuffers(const Product& P, double* packedB[2]) {
  const int64_t blocks = (P.k + KC - 1) / KC, kcMax = (P.k + blocks - 1) / blocks;
  const int64_t sizeB = roundUp(std::min(NC, P.n), P.nr) * kcMax;
  packedB[0] = scratch(0, 2 * sizeB);
  packedB[1] = packedB[0] + sizeB;
}

// The whole product on the calling thread, B packed into its own scratch.
void alone(const Product& P) {
  double* packedB[2];
  packedBBuffers(P, packedB);
  Barrier one(1);
  share(P, 0, 1, packedB, one);
}

// Operands whose stored rows span at most this many entries are read where they lie wherever their
// layout lets the tile read them (Product's directA, directB): packing pays for itself by the reuse
// of the packed panel, which a small operand, in L1 or L2 anyway, does not need. Paired against
// packing, one thread, fused steps: a transposed A 0.74–0.93 of the time at 20³–160³ (1.08 at 256³,
// 1.22 at 512³, where a panel's steps lie 2–4 kB apart in few cache sets), B 0.86–0.98 at 20³–96³
// (1.02–1.04 at 128³–160³). Bounded by the span, not the extents: a block of a 512-wide matrix
// read in place would step 4 kB at a time. An untransposed A goes in place too where the 8-row
// tile has a loop over its rows (tileFused512x8Rows: eight rows read side by side, a step apart):
// single products paired against packing, whole processes, 0.85–0.93 of the time at 32³, 64³,
// 128³, 16×256×64, 64×256×64, 16×1024×64 and 8×512×64; a chain's value 0.85 at 16×16 and 32×32.
constexpr int64_t DIRECT_A_MAX = 160 * 160, DIRECT_B_MAX = 96 * 96;

// Two ways to share a product among threads. By columns: each thread multiplies A by its own run
// of B's 8-column strips, a product of its own with B packed privately — no barriers and an even
// split to a strip, but every thread packs all of A. By rows (share): each thread takes a run of
// C's rows, B packed once for all, a barrier per block of B. Columns won wherever C is not much
// taller than wide (measured two threads, fused steps: 128×784×256 0.73 ms against 0.90 by rows,
// 64×512×1024 0.94 against 1.69, 128³ 0.088 against 0.102, 512³ 3.3 against 3.55; level at
// 784×128×256 and 384×512×256); rows won on tall products (1024×256×64 0.45 against 0.56,
// 2000×100×100 0.56 against 0.70), where a thread's strips are few and packing A is most of its work.
// The whole product on `threads` threads (fewer where C has fewer strips of columns or panels of rows).
void multiply(const Product& given, int threads) {
  Product P = given;
  P.directA = P.transA && P.k * P.lda <= DIRECT_A_MAX;  // the stored rows' span: a small block of a wide matrix is read packed
  P.directB = !P.transB && P.k * P.ldb <= DIRECT_B_MAX;
  P.directRowsA = !P.transA && P.tileRows != nullptr && P.m * P.lda <= DIRECT_A_MAX;
  const int64_t MR = P.mr, NR = P.nr;
  if (threads > 1 && P.m <= 2 * P.n && P.n >= 2 * NR) {
    const int64_t strips = roundUp(P.n, NR) / NR;
    threads = static_cast<int>(std::min<int64_t>(threads, strips));
    threads = team().reserve(threads);
    team().run(threads, [&](int t) {
      const int64_t j0 = std::min(P.n, strips * t / threads * NR), j1 = std::min(P.n, strips * (t + 1) / threads * NR);
      if (j1 <= j0) return;
      Product Q = P;
      Q.n = j1 - j0;
      Q.b = P.transB ? P.b + j0 * P.ldb : P.b + j0;
      Q.c = P.c + j0;
      alone(Q);
    });
    return;
  }
  threads = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, roundUp(std::min(MB, P.m), MR) / MR)));
  if (threads > 1) threads = team().reserve(threads);
  if (threads == 1) {
    alone(P);
    return;
  }
  double* packedB[2];
  packedBBuffers(P, packedB);  // the caller's scratch, shared by the threads
  Barrier barrier(threads);
  team().run(threads, [&](int t) { share(P, t, threads, packedB, barrier); });
}

// The register tile for a product of m rows on `steps` (0 separate, 1 fused on the widest vectors,
// 2 fused on four lanes): its rows, columns and loop. On eight lanes, up to 128 rows, the 8-row tile
// where it pads fewer rows than the 12-row one (16, 32, 64, 128 rows: the 12-row tile computed 24,
// 36, 72, 132). Paired, one thread: 0.85 of the time at 16³, 0.87 at 32³, 0.93 at 64³, 0.97–1.0 at
// 128³; on larger products the padding is a few percent and the 8-row tile's extra loads of B cost
// about as much (512³ and W1's 784×128×256 1.02, within the noise). The same sums either way, so
// the same bits.
TileChoice tileFor(int64_t m, int64_t steps) {
  static const bool wide = fusedSupported() && wideSupported();
  if (steps == 1 && wide) {
    const bool eight = m <= 128 && roundUp(m, MR512S) - m < roundUp(m, MR512) - m;
    return eight ? TileChoice{MR512S, NR512, tileFused512x8, tileFused512x8Rows} : TileChoice{MR512, NR512, tileFused512, nullptr};
  }
  return TileChoice{MR256, NR256, steps != 0 ? tileFused : tile, nullptr};
}

}  // namespace adjoint_gemm

using adjoint_gemm::multiply;
using adjoint_gemm::Product;
using adjoint_gemm::TileChoice;
using adjoint_gemm::tileFor;
using adjoint_native::fusedSupported;
using adjoint_native::team;

// C[m,n] += A·B for A, B and C stored by rows with row lengths lda, ldb, ldc, for the addon's other
// kernels (native/lu.cc): steps as `gemm`'s (0 separate, 1 fused on the widest vectors, 2 fused
// on four lanes; fused where the CPU has FMA3 only), the rows of C split over `threads`.
void adjointMultiplyAdd(const double* a, int64_t lda, const double* b, int64_t ldb, double* c, int64_t ldc, int64_t m, int64_t k, int64_t n,
                        int steps, int threads) {
  static const bool canFuse = fusedSupported();
  if (m == 0 || n == 0 || k == 0) return;
  const TileChoice t = tileFor(m, canFuse ? steps : 0);
  const Product P{a, b, c, m, k, n, lda, ldb, ldc, false, false, false, t.mr, t.nr, t.tile, t.tileRows};
  multiply(P, std::max(1, std::min(threads, 64)));
}

// The team for the addon's other kernels (native/rows.cc): fn(context, t, threads) for t < threads,
// threads reserved first (fewer where the system refuses one).
void adjointRunOnTeam(int threads, void (*fn)(void*, int, int), void* context) {
  threads = team().reserve(threads);
  if (threads <= 1) {
    fn(context, 0, 1);
    return;
  }
  team().run(threads, [&](int t) { fn(context, t, threads); });
}
