// The native product's shared parts: a product's description, the choice of its register tile and
// the product itself — the kernel in native/gemm.cc, read by its N-API entry points in
// native/gemmCalls.cc. Included by those two only.
#ifndef ADJOINT_NATIVE_GEMM_H
#define ADJOINT_NATIVE_GEMM_H

#include "tiles.h"

#include <cstdint>

namespace adjoint_gemm {

// op(A)[i, p] is a[i·lda + p], or a[p·lda + i] with transA; op(B)[p, j] is b[p·ldb + j], or
// b[j·ldb + p] with transB; C[i, j] is c[i·ldc + j].
struct Product {
  const double* a;
  const double* b;
  double* c;
  int64_t m, k, n, lda, ldb, ldc;
  bool transA, transB, fresh;
  int64_t mr, nr;  // the register tile's rows and columns
  adjoint_native::Tile tile;
  adjoint_native::Tile tileRows;  // the tile over A stored by rows where it lies (its aStep A's row length), or null
  // Read where they lie, not packed (set by multiply): a transposed A's full panels (each step's MR
  // entries are consecutive in a stored row), B's full strips (each step's NR in a stored row).
  bool directA = false, directB = false;
  bool directRowsA = false;  // A stored by rows (not transposed), its full panels read in place by tileRows
};

// The register tile for a product of m rows on `steps` (0 separate, 1 fused on the widest vectors,
// 2 fused on four lanes): its rows, columns, loop and the loop over A's stored rows, or null
// (native/gemm.cc's tileFor says which and why).
struct TileChoice {
  int64_t mr, nr;
  adjoint_native::Tile tile, tileRows;
};
TileChoice tileFor(int64_t m, int64_t steps);

// The whole product on `threads` threads (fewer where C has fewer strips of columns or panels of rows).
void multiply(const Product& given, int threads);

}  // namespace adjoint_gemm

#endif
