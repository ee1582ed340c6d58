// rt_check.cuh - error recording shared by every kernel family. Never exits the process.
#pragma once
#include <cstdio>
#include <cstring>
#include "../include/revtaf_kernels.h"

namespace rt {
// Records the last error (thread-local); returns the status so launchers can `return rt::fail(...)`.
int fail(int status, const char* op, const char* file, int line, const char* msg);
}  // namespace rt

#define RT_FAIL(status, op, msg) ::rt::fail((status), (op), __FILE__, __LINE__, (msg))
#define RT_REQUIRE(cond, op, msg) \
  do {                            \
    if (!(cond)) return RT_FAIL(1, (op), (msg)); \
  } while (0)
#define RT_CUDA(call, op)                                                        \
  do {                                                                           \
    cudaError_t e_ = (call);                                                     \
    if (e_ != cudaSuccess) return RT_FAIL(100 + (int)e_, (op), cudaGetErrorString(e_)); \
  } while (0)
#define RT_LAUNCHED(op) RT_CUDA(cudaGetLastError(), op)
