//===- Passes.h - tg graph passes -------------------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TRANSFORMS_PASSES_H
#define TANGRAM_TRANSFORMS_PASSES_H

#include "Graph/GraphDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// Bufferization as every target does it: empty-tensor elimination (the
/// op computing a result writes it straight into its destination), then
/// one-shot bufferization with identity layouts at function boundaries and
/// loops allowed to return allocations (tg.loop carries tensors the body
/// replaces, and scan accumulators that grow).
void buildBufferizationPipeline(OpPassManager &pm);

/// The attribute marking the `<name>_shapes` companion of an executable
/// (tg-destination-results).
inline constexpr llvm::StringLiteral kShapeFunctionAttr = "tg.shape_function";
/// How many trailing arguments of an executable are its results
/// (tg-destination-results).
inline constexpr llvm::StringLiteral kNumResultsAttr = "tg.num_results";
/// The name of an executable's shape function.
inline std::string shapeFunctionName(llvm::StringRef executable) {
  return (executable + "_shapes").str();
}

} // namespace mlir::tangram

#endif // TANGRAM_TRANSFORMS_PASSES_H
