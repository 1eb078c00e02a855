// adjoint's native transpose for Node (src/tensor/kernels/layout.ts's transposeKernel computes the same
// in JavaScript), in the same addon as the matrix product (registered by native/gemmCalls.cc):
//   transpose(out, x, args = [batch, rows, cols, threads]): out[b][j][i] = x[b][i][j] for each of
//   `batch` matrices of rows × cols stored one after another (a matrix's transpose, batch 1; or the
//   last two axes of a stack swapped), matrices or bands of rows split over the threads.
// Copies only, so the values are the JavaScript loop's. V8's loop reloads each typed array's length
// and data pointer per entry (a 128 × 256 transpose took 0.41 ms there, 0.04 here); the tiles keep
// both sides' cache lines in use: TILE rows read along, TILE columns written along.
#include <node_api.h>

#include <algorithm>
#include <cstdint>

// The call's Float64Arrays and numbers, checked (native/rows.cc), and the team's threads (native/gemm.cc).
bool adjointArrays(napi_env env, napi_callback_info info, size_t count, size_t numbers, double** data, size_t* length);
bool adjointWholeNumbers(napi_env env, const double* args, int count, const char* message);
void adjointRunOnTeam(int threads, void (*fn)(void*, int, int), void* context);

namespace {

constexpr int64_t TILE = 16;  // 16 × 16 doubles: 2 kB read and 2 kB written per tile

struct TransposeJob {
  double* out;
  const double* x;
  int64_t batch, rows, cols;
};

// Rows [r0, r1) of matrix b, every column: out[b][j][i] = x[b][i][j].
void transposeBand(const TransposeJob& job, int64_t b, int64_t r0, int64_t r1) {
  const int64_t rows = job.rows, cols = job.cols;
  const double* x = job.x + b * rows * cols;
  double* out = job.out + b * rows * cols;
  for (int64_t i0 = r0; i0 < r1; i0 += TILE) {
    const int64_t i1 = std::min(r1, i0 + TILE);
    for (int64_t j0 = 0; j0 < cols; j0 += TILE) {
      const int64_t j1 = std::min(cols, j0 + TILE);
      for (int64_t j = j0; j < j1; j++)
        for (int64_t i = i0; i < i1; i++) out[j * rows + i] = x[i * cols + j];
    }
  }
}

// Thread t's share: whole matrices where there are at least as many as threads, else bands of rows
// (whole tiles) of each matrix.
void transposeRun(void* context, int t, int threads) {
  const TransposeJob& job = *static_cast<const TransposeJob*>(context);
  if (job.batch >= threads) {
    for (int64_t b = job.batch * t / threads; b < job.batch * (t + 1) / threads; b++) transposeBand(job, b, 0, job.rows);
    return;
  }
  const int64_t tiles = (job.rows + TILE - 1) / TILE;
  const int64_t r0 = std::min(job.rows, tiles * t / threads * TILE), r1 = std::min(job.rows, tiles * (t + 1) / threads * TILE);
  for (int64_t b = 0; b < job.batch; b++) transposeBand(job, b, r0, r1);
}

// transpose(out, x, args = [batch, rows, cols, threads]).
napi_value Transpose(napi_env env, napi_callback_info info) {
  double* data[3];
  size_t length[3];
  if (!adjointArrays(env, info, 3, 4, data, length)) return nullptr;
  const double* args = data[2];
  if (!adjointWholeNumbers(env, args, 3, "transpose: batch, rows and cols must be whole numbers >= 0")) return nullptr;
  const int64_t batch = static_cast<int64_t>(args[0]), rows = static_cast<int64_t>(args[1]), cols = static_cast<int64_t>(args[2]);
  // batch·rows·cols ≤ both arrays' lengths, checked without overflow.
  const int64_t shorter = static_cast<int64_t>(std::min(length[0], length[1]));
  if (batch > 0 && rows > 0 && (cols > shorter / batch / rows)) {
    napi_throw_range_error(env, nullptr, "transpose: the arrays are shorter than batch, rows and cols need");
    return nullptr;
  }
  if (batch == 0 || rows == 0 || cols == 0) return nullptr;
  TransposeJob job{data[0], data[1], batch, rows, cols};
  const int asked = static_cast<int>(std::max(1.0, std::min(args[3], 64.0)));
  const int64_t parts = batch > 1 ? batch : (rows + TILE - 1) / TILE;
  if (asked <= 1 || parts < 2) transposeRun(&job, 0, 1);
  else adjointRunOnTeam(static_cast<int>(std::min<int64_t>(asked, parts)), transposeRun, &job);
  return nullptr;
}

}  // namespace

// Adds transpose to the addon's exports (called by native/gemmCalls.cc's module init).
void adjointRegisterTranspose(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "transpose", NAPI_AUTO_LENGTH, Transpose, nullptr, &fn);
  napi_set_named_property(env, exports, "transpose", fn);
}
