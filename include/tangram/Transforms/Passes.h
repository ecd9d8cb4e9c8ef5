//===- Passes.h - tg graph passes -------------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TRANSFORMS_PASSES_H
#define TANGRAM_TRANSFORMS_PASSES_H

#include "Graph/GraphDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tangram {

#define GEN_PASS_DECL
#include "tangram/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tangram/Transforms/Passes.h.inc"

/// The import clean-up pipeline: shape inference and canonicalization,
/// repeated until shape computations have folded away.
void buildImportCleanupPipeline(OpPassManager &pm);

} // namespace mlir::tangram

#endif // TANGRAM_TRANSFORMS_PASSES_H
