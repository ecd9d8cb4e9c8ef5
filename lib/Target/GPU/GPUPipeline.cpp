//===- GPUPipeline.cpp - linalg on tensors to kernels, for every GPU ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/GPUTarget.h"
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/CPU/Passes.h"
#include "tangram/Target/GPU/Passes.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::tangram;

std::string mlir::tangram::missingElementType(const GPUDescription &d,
                                              Type t) {
  if (t.isF16())
    return d.f16 ? "" : "f16";
  if (t.isF64())
    return d.f64 ? "" : "f64";
  if (t.isInteger(8))
    return d.i8 ? "" : "i8";
  if (t.isInteger(16))
    return d.i16 ? "" : "i16";
  if (t.isInteger(64))
    return d.i64 ? "" : "i64";
  if (t.isF32() || t.isInteger(32) || t.isInteger(1) || t.isIndex())
    return "";
  // bf16, 8-bit floats: no GPU target computes with them yet.
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

bool GPUTargetBackend::supportsElementType(Type t) const {
  return missingElementType(description(TargetOptions()), t).empty();
}

bool GPUTargetBackend::supportsOp(Operation *op, llvm::StringRef features,
                                  std::string &why) const {
  TargetOptions options;
  options.features = features.str();
  GPUDescription d = description(options);
  WalkResult r = op->walk([&](Operation *nested) {
    StringRef name = nested->getName().getStringRef();
    // A kernel's grid and buffers are sized before it runs, from the input
    // dims and small integer inputs: results sized by the data, sequences
    // and loops over run-time trip counts stay on a host. (Random ops are
    // refused later, and only when their state is used: dropout with a
    // ratio of 0 folds it away.)
    if (llvm::is_contained({"tg.nonzero", "tg.unique", "tg.compress",
                            "tg.non_max_suppression"},
                           name)) {
      why = "'" + name.str() + "' sizes its result by the data";
      return WalkResult::interrupt();
    }
    if (name.starts_with("tg.sequence") ||
        llvm::is_contained({"tg.split_to_sequence", "tg.concat_from_sequence",
                            "tg.loop", "tg.image_decode"},
                           name)) {
      why = "'" + name.str() + "' runs only on a host";
      return WalkResult::interrupt();
    }
    for (TypeRange types : {TypeRange(nested->getOperandTypes()),
                            TypeRange(nested->getResultTypes())})
      for (Type t : types) {
        auto shaped = dyn_cast<ShapedType>(t);
        if (!shaped)
          continue;
        Type e = shaped.getElementType();
        // bf16 and 8-bit floats are stored as integers and widened.
        if (e.isBF16() || (isa<FloatType>(e) && e.getIntOrFloatBitWidth() == 8))
          continue;
        std::string missing = missingElementType(d, e);
        if (!missing.empty()) {
          why = "the device has no " + missing;
          return WalkResult::interrupt();
        }
      }
    return WalkResult::advance();
  });
  return !r.wasInterrupted();
}

void mlir::tangram::registerGPUTargetDialects(DialectRegistry &registry) {
  registerCPUTargetDialects(registry);
  registry.insert<gpu::GPUDialect, spirv::SPIRVDialect>();
}

void mlir::tangram::buildGPUKernelPipeline(OpPassManager &pm,
                                           const GPUDescription &d,
                                           StringRef precision) {
  // Caller-allocated results; result sizes as formulas of input dims.
  pm.addPass(createDestinationResultsPass());
  pm.addPass(memref::createResolveRankedShapeTypeResultDimsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createGPUResultShapesPass());
  // Reshapes by computed shapes as views: their sizes in one form first.
  pm.addNestedPass<func::FuncOp>(createGPUSimplifySizesPass());
  pm.addNestedPass<func::FuncOp>(createGPUReshapeViewsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createGPUSinkIntoBranchesPass());
  pm.addNestedPass<func::FuncOp>(createGPUFoldPadsPass());
  pm.addNestedPass<func::FuncOp>(createGPUSplitMergedLoopsPass());
  pm.addNestedPass<func::FuncOp>(createGPUFoldTransposesPass());
  pm.addNestedPass<func::FuncOp>(createGPUFuseElementwisePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createGPUUnshareFillsPass());
  // Identity layouts at the boundaries: kernels bind whole buffers.
  buildBufferizationPipeline(pm);
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createGPUCopiesToLinalgPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  // Views become offset/size/stride arithmetic the host program computes.
  pm.addNestedPass<func::FuncOp>(createGPUExpandShapeCastsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createGPUDropDataChecksPass());
  pm.addNestedPass<func::FuncOp>(createGPUSimplifyDimsPass());
  pm.addNestedPass<func::FuncOp>(createGPUSimplifySizesPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createGPUCollapseSplitViewsPass());
  pm.addNestedPass<func::FuncOp>(createGPUDropDeadWritesPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createGPUFoldFillsPass());
  pm.addNestedPass<func::FuncOp>(createGPUFuseEpiloguesPass());
  pm.addNestedPass<func::FuncOp>(createGPUFuseRowsPass());
  GPUBuildKernelsPassOptions ko;
  ko.workgroupSize = d.distributeWorkgroupSize;
  ko.maxWorkgroups = d.maxWorkgroups;
  ko.sharedMemoryBytes = d.sharedMemoryBytes;
  ko.maxSharedMemoryBytes = d.maxSharedMemoryBytes;
  ko.multiprocessors = d.multiprocessors;
  ko.subgroupReduce.assign(d.subgroupReduce.begin(), d.subgroupReduce.end());
  ko.matrixOps.assign(d.matrixOps.begin(), d.matrixOps.end());
  ko.precision = precision.str();
  pm.addPass(createGPUBuildKernelsPass(ko));
  // bf16 and 8-bit floats (stored as integers): arithmetic in f32, and the
  // conversions as integer arithmetic.
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  arith::ArithEmulateUnsupportedFloatsOptions eo;
  eo.sourceTypeStrs = {"bf16"};
  eo.targetTypeStr = "f32";
  kernels.addNestedPass<gpu::GPUFuncOp>(
      arith::createArithEmulateUnsupportedFloats(eo));
  arith::ArithExpandOpsPassOptions xo;
  xo.includeBf16 = true;
  kernels.addPass(arith::createArithExpandOpsPass(xo));
  pm.addPass(createExpandFloat8Pass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void GPUTargetBackend::buildPipeline(OpPassManager &pm,
                                     const TargetOptions &options) const {
  buildGPUKernelPipeline(pm, description(options), options.precision);
  addAttachTarget(pm, options);
  addMathLowering(pm);
  addFinalConversion(pm, options);
}

void GPUTargetBackend::buildKernelPipeline(
    OpPassManager &pm, const TargetOptions &options) const {
  buildGPUKernelPipeline(pm, description(options), options.precision);
}
