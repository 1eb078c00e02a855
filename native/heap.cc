// keepHeap(): glibc's malloc told to keep freed blocks for reuse, as its own adaptive thresholds end
// up doing in a process that frees large blocks one at a time. Registered by native/gemmCalls.cc;
// called once by src/tensor/kernels/native/nativeGemm.ts when the addon loads (ADJOINT_KEEP_HEAP=0: not).
//
// Why: a result of more than 128 kB is a malloc of its own. glibc serves blocks from 128 kB up by
// mmap until one such block is freed; then its thresholds adapt (M_MMAP_THRESHOLD to the size of the
// block freed, up to 32 MiB; M_TRIM_THRESHOLD to twice that), and later blocks come from the heap,
// whose freed top is handed back to the kernel only past the trim threshold. A program that frees
// each result as it drops it (C, C++, PyTorch) settles there: its next gradient reuses the last one's
// pages. V8 frees array buffers in batches, when the garbage collector runs: a batch of old results
// leaves the heap's top past the threshold, glibc trims it, and every fresh result first-touches new
// pages (about 2.5 µs per 4 kB page; 0.4 ms of a 5 ms MLP gradient step whose weight gradient is 1.6 MB).
// Setting the two thresholds to the ceilings the adaptation reaches (32 MiB, and 64 MiB to trim:
// glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit and twice it) gives every process the state a
// process that once freed a 32 MiB block is in: at most 64 MiB of freed memory kept at the heap's
// top for reuse. The adaptation is off once a threshold is set, as it would be under the environment
// variables below.
//
// Left alone where the process's owner already chose: MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_,
// MALLOC_TOP_PAD_ or MALLOC_MMAP_MAX_ in the environment the process started with (glibc reads them
// then, not later), or glibc.malloc tunables in GLIBC_TUNABLES;
// and where the C library is not glibc (musl, macOS, Windows: their allocators do not trim this way).
// Returns what it did: "kept", "the environment's settings", "not glibc" or "refused" (mallopt failed).
#include <node_api.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

constexpr int MMAP_THRESHOLD = 32 << 20;  // glibc's DEFAULT_MMAP_THRESHOLD_MAX (64-bit)
constexpr int TRIM_THRESHOLD = 64 << 20;  // twice it: where the adaptation puts the trim threshold

#if defined(__GLIBC__)
// Whether one NAME=value entry of an environment sets malloc's parameters.
bool setsMalloc(const std::string& entry) {
  const size_t eq = entry.find('=');
  const std::string name = entry.substr(0, eq);
  for (const char* variable : {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_"})
    if (name == variable) return true;
  return name == "GLIBC_TUNABLES" && eq != std::string::npos && entry.find("glibc.malloc.", eq) != std::string::npos;
}

// Whether the process STARTED with malloc's parameters in its environment: glibc reads them only then,
// so the environment as it is now (which a program may have changed since) is not the question. On
// Linux the starting environment is /proc/self/environ (NUL-separated entries); elsewhere (or
// unreadable) the current one.
bool startedWithMallocSettings() {
  std::string environ;
  if (FILE* f = std::fopen("/proc/self/environ", "rb")) {
    char chunk[4096];
    for (size_t got; (got = std::fread(chunk, 1, sizeof chunk, f)) > 0;) environ.append(chunk, got);
    std::fclose(f);
  } else {
    for (const char* name : {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_", "GLIBC_TUNABLES"})
      if (const char* value = std::getenv(name)) environ.append(name).append("=").append(value).push_back('\0');
  }
  for (size_t at = 0; at < environ.size();) {
    const size_t end = std::min(environ.find('\0', at), environ.size());
    if (setsMalloc(environ.substr(at, end - at))) return true;
    at = end + 1;
  }
  return false;
}
#endif

const char* keep() {
#if defined(__GLIBC__)
  // Once per process, decided by the first caller (a function's static: thread-safe where Worker
  // threads load the addon at once).
  static const char* const outcome = startedWithMallocSettings() ? "the environment's settings"
                                     : mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 && mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 ? "kept"
                                                                                                                                      : "refused";
  return outcome;
#else
  return "not glibc";
#endif
}

napi_value KeepHeap(napi_env env, napi_callback_info) {
  napi_value result;
  napi_create_string_utf8(env, keep(), NAPI_AUTO_LENGTH, &result);
  return result;
}

}  // namespace

void adjointRegisterHeap(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "keepHeap", NAPI_AUTO_LENGTH, KeepHeap, nullptr, &fn);
  napi_set_named_property(env, exports, "keepHeap", fn);
}
