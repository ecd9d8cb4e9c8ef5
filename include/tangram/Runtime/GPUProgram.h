//===- GPUProgram.h - running a GPU code object's host program --*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A GPU code object has no host code: each export carries a program
// (docs/BundleFormat.md, "GPU programs") that every GPU device interprets
// at a launch before its dispatches. This is that interpreter.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_RUNTIME_GPUPROGRAM_H
#define TANGRAM_RUNTIME_GPUPROGRAM_H

#include "tangram/Bundle/Manifest.h"
#include "tangram/Runtime/Executable.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tangram {

/// Evaluates the program of export `x` for `args`: every value (`values`,
/// by id), the checks (a failing one is "the model failed at run time:
/// ..."), and the results, allocated in host memory with their dims in
/// `outputs` (checked against `results`). `shapes` gets every buffer's
/// dims, args then results.
bool prepareGPULaunch(const ExportDesc &x,
                      const std::vector<const Buffer *> &args,
                      const std::vector<ResultSpec> &results,
                      std::vector<Buffer> &outputs,
                      std::vector<int64_t> &values, std::vector<Shape> &shapes,
                      std::string &error);

/// Dispatch `k`'s params (32-bit: kernels index with 32 bits) from the
/// program's `values` into `dst`; a value that does not fit is an error.
bool kernelParams(const KernelDispatch &k, const std::vector<int64_t> &values,
                  int32_t *dst, std::string &error);

} // namespace tangram

#endif // TANGRAM_RUNTIME_GPUPROGRAM_H
