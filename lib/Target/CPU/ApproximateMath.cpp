//===- ApproximateMath.cpp - f32 math functions as polynomials ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/TargetInfo.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using mlir::tangram::cpuTargetInfo;

namespace {
struct ApproximateMathPass
    : public mlir::tangram::impl::ApproximateMathPassBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // The upstream patterns match f32 scalars and vectors only.
    // The predicate sees operation names ("math.exp").
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return cpuTargetInfo().approximatesMath(name);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
