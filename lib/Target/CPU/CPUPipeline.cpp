//===- CPUPipeline.cpp - linalg on tensors to the LLVM dialect ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/TargetInfo.h"
#include "tangram/Conversion/Passes.h"
#include "CPUTransforms.h"
#include "Microkernels.h"
#include "Microkernels/Layout.h"
#include "tangram/Target/CPU/Passes.h"
#include "tangram/Transforms/Passes.h"
#include "Graph/GraphDialect.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/TensorInferTypeOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::tangram;

void mlir::tangram::registerCPUTargetDialects(DialectRegistry &registry) {
  registry.insert<tg::TGDialect, func::FuncDialect, arith::ArithDialect,
                  math::MathDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, scf::SCFDialect,
                  bufferization::BufferizationDialect, memref::MemRefDialect,
                  cf::ControlFlowDialect, affine::AffineDialect,
                  index::IndexDialect, vector::VectorDialect,
                  LLVM::LLVMDialect, ub::UBDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  tensor::registerInferTypeOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void mlir::tangram::buildTGToLinalgPipeline(OpPassManager &pm) {
  pm.addPass(createLowerToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

namespace {
/// Runs `pm` on `module`, capturing the first error as `error`.
LogicalResult runCaptured(ModuleOp module, PassManager &pm, StringRef stage,
                          std::string &error) {
  std::string first;
  ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && first.empty())
      first = d.str();
    return success();
  });
  if (succeeded(pm.run(module)))
    return success();
  error = (stage + ": " + (first.empty() ? "pass pipeline failed" : first)).str();
  return failure();
}
} // namespace

void mlir::tangram::buildCPULoweringPipeline(OpPassManager &pm,
                                            const CPUOptions &options) {
  // Results go to caller-allocated buffers; run-time result sizes come from
  // a shape function stripped down to the size arithmetic.
  pm.addPass(createDestinationResultsPass());
  pm.addPass(memref::createResolveRankedShapeTypeResultDimsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.optLevel > 0)
    pm.addPass(createInterchangeContractionsPass());
  // The deallocation pipeline below frees what loops return.
  buildBufferizationPipeline(pm);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createFreshResultsPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createCanonicalizerPass());
  if (options.optLevel > 0) {
    pm.addPass(createWriteIntoCopiesPass());
    pm.addPass(createHoistBroadcastMathPass());
  }
  pm.addPass(createStridedCopiesPass());
  pm.addPass(createLowerAssertsPass());
  if (options.optLevel > 0) {
    pm.addPass(createUseMicrokernelsPass());
    pm.addPass(createFoldPaddingPass());
    pm.addPass(createFuseEpiloguesPass());
    PackWeightsPassOptions pack;
    pack.rows = microkernelRows(cpuFeatures(options));
    pack.columns = microkernelColumns(cpuFeatures(options));
    pack.depth = TG_KC_DEFAULT;
    pm.addPass(createPackWeightsPass(pack));
    pm.addPass(createReassociateReductionsPass());
    pm.addPass(createCollapseContiguousDimsPass());
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
    pm.addPass(createParallelizeLoopsPass());
  } else {
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  }
  pm.addPass(createShrinkBufferLifetimesPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  if (options.optLevel > 0)
    pm.addPass(createApproximateMathPass());
  if (cpuTargetInfo().expandsFloat8())
    pm.addPass(createExpandFloat8Pass());
  arith::ArithEmulateUnsupportedFloatsOptions eo;
  eo.sourceTypeStrs = {"bf16"};
  pm.addNestedPass<func::FuncOp>(arith::createArithEmulateUnsupportedFloats(eo));
  pm.addPass(createExpandBF16Pass());
  // aligned_alloc rather than malloc plus rounding the address up: LLVM
  // then sees each buffer as its own allocation (the rounding through an
  // integer hid that), so that a reduction's sum stays in a register
  // instead of being stored to its buffer at every step.
  FinalizeMemRefToLLVMConversionPassOptions memrefOptions;
  memrefOptions.useAlignedAlloc = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefOptions));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createByteBoolsPass());
  pm.addPass(createCanonicalizerPass());
}

LogicalResult mlir::tangram::lowerLinalgToLLVMDialect(ModuleOp module,
                                                      const CPUOptions &options,
                                                      std::string &error) {
  PassManager pm(module.getContext());
  buildCPULoweringPipeline(pm, options);
  return runCaptured(module, pm, "lowering for the CPU", error);
}
