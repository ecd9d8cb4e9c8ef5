//===- Profile.h - Time per microkernel call -------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Profiling (SessionOptions::profile, `tangram-run --profile`): a CPU code
// object loaded with profiling on reports each call of its microkernels
// (convolutions, matrix products, pools) and of the parallel loops of its
// generated code, with the call's sizes and the time it took; the cuda and
// hip devices report each kernel dispatch, timed on the GPU by events.
// The records are process-wide: takeKernelProfile() returns what was
// recorded since it was last called.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_PROFILE_H
#define TANGRAM_RUNTIME_PROFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace tangram {

/// The calls of one kernel at one set of sizes.
struct KernelProfile {
  /// "conv", "depthwise_conv", "grouped_conv", "matmul", "batch_matmul",
  /// "max_pool", "sum_pool", or "loop" (a parallel loop of generated code).
  std::string kernel;
  /// The sizes, e.g. "1x64x56x56 -> 1x128x28x28 k3x3 s2" for a conv, or
  /// the body's symbol and trip count for a loop.
  std::string sizes;
  uint64_t calls = 0;
  double ms = 0;
};

/// What was recorded since the last call, most time first; starts over.
std::vector<KernelProfile> takeKernelProfile();

/// Records one call of `kind` at `sizes` (already described) that took
/// `ms`: how runtime devices that time their own kernels (the cuda and
/// hip devices, by events) report them.
void recordKernelCall(const std::string &kind, const std::string &sizes,
                      double ms);

/// The hooks a profiled code object gets (`tangram_set_profiler`, see
/// docs/BundleFormat.md): a monotonic clock in nanoseconds, and the record
/// of one call.
extern "C" int64_t tangram_profile_now();
extern "C" void tangram_profile_record(const char *kind, const int64_t *sizes,
                                       int64_t count, int64_t ns);

} // namespace tangram

#endif // TANGRAM_RUNTIME_PROFILE_H
