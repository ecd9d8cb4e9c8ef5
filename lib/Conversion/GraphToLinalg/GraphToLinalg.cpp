//===- GraphToLinalg.cpp - tg-lower-to-linalg -----------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "LoweringUtils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "tangram/Conversion/Passes.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_LOWERTOLINALGPASS
#include "tangram/Conversion/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {
struct LowerToLinalgPass
    : public tangram::impl::LowerToLinalgPassBase<LowerToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    TGTypeConverter tc;
    RewritePatternSet patterns(ctx);
    populateElementwiseLowering(tc, patterns);
    populateContractionLowering(tc, patterns);
    populatePoolingLowering(tc, patterns);
    populateReductionLowering(tc, patterns);
    populateDataMovementLowering(tc, patterns);
    populateResizeLowering(tc, patterns);
    populateScatterLowering(tc, patterns);
    populateTopKLowering(tc, patterns);
    populateDynamicAxesLowering(tc, patterns);
    populateRandomLowering(tc, patterns);
    populateControlFlowLowering(tc, patterns);
    populateGridSampleLowering(tc, patterns);
    populateDataDependentLowering(tc, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, tc);
    populateReturnOpTypeConversionPattern(patterns, tc);
    populateCallOpTypeConversionPattern(patterns, tc);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<tg::TGDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           scf::SCFDialect, cf::ControlFlowDialect,
                           memref::MemRefDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return tc.isSignatureLegal(f.getFunctionType()) &&
             tc.isLegal(&f.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return tc.isLegal(op); });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
