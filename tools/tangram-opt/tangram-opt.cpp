//===- tangram-opt.cpp - mlir-opt with Tangram's dialects and passes ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Registers only what Tangram uses: its own dialects and passes plus the
// upstream dialects and passes its pipelines are built from.
//
//===----------------------------------------------------------------------===//
#include "Graph/GraphDialect.h"
#include "tangram/Conversion/Passes.h"
#include "tangram/Pipelines/Pipelines.h"
#include "tangram/Schedule/Passes.h"
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Transforms/Passes.h"
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::tangram::tg::TGDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::tensor::TensorDialect,
                  mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::scf::SCFDialect, mlir::memref::MemRefDialect,
                  mlir::cf::ControlFlowDialect>();
  mlir::tangram::registerTransformsPasses();
  mlir::tangram::registerSchedulePasses();
  mlir::tangram::registerConversionPasses();
  mlir::tangram::registerCPUPasses();
  mlir::tangram::registerTangramPipelines();
  // The pipelines reach bufferization, LLVM and the rest of the CPU stack.
  mlir::tangram::registerCPUTargetDialects(registry);
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  // Upstream steps of the CPU pipeline, to replay them one at a time.
  mlir::memref::registerResolveRankedShapeTypeResultDimsPass();
  mlir::bufferization::registerEmptyTensorEliminationPass();
  mlir::bufferization::registerOneShotBufferizePass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Tangram optimizer driver\n", registry));
}
