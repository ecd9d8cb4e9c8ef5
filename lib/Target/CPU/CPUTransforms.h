//===- CPUTransforms.h - C++ steps of the CPU pipeline ----------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_LIB_TARGET_CPU_CPUTRANSFORMS_H
#define TANGRAM_LIB_TARGET_CPU_CPUTRANSFORMS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include <string>

namespace mlir::tangram {

/// True if `op` is a contraction tg-cpu-use-microkernels turns into a call
/// (on tensors or buffers): interchanging it first would hide it.
bool hasMicrokernel(linalg::LinalgOp op);

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_CPU_CPUTRANSFORMS_H
