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

/// Every memref a public function returns becomes a buffer of its own (the
/// caller frees it), never a view of an argument or a global.
void makeResultsFresh(ModuleOp module);

/// memref.copy between non-identity layouts would call a runtime helper
/// (`memrefCopy`) we do not ship: make them linalg.copy loops.
void rewriteStridedCopies(ModuleOp module);

/// Contractions (matmul, conv) run their reductions outside the loop over
/// the output's contiguous dim, so the innermost loop is a unit-stride
/// parallel loop that LLVM vectorizes (i-k-j order for matmul).
void interchangeContractions(ModuleOp module);

/// True if `op` is a contraction tg-cpu-use-microkernels turns into a call
/// (on tensors or buffers): interchanging it first would hide it.
bool hasMicrokernel(linalg::LinalgOp op);

} // namespace mlir::tangram

#endif // TANGRAM_LIB_TARGET_CPU_CPUTRANSFORMS_H
