//===- Pipelines.cpp - graph-level pipelines ------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::tangram::buildImportCleanupPipeline(OpPassManager &pm) {
  // Each round folds one more layer of a Shape -> Gather -> Concat ->
  // Reshape chain and carries the result into the types.
  for (int round = 0; round < 3; ++round) {
    pm.addNestedPass<func::FuncOp>(createInferShapesPass());
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createInferDimBoundsPass());
  // What later stages rely on (docs/BackendContract.md), checked once here.
  pm.addPass(createVerifyBackendContractPass());
}

void mlir::tangram::buildBufferizationPipeline(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bo;
  bo.bufferizeFunctionBoundaries = true;
  bo.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bo.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(bufferization::createOneShotBufferizePass(bo));
}
