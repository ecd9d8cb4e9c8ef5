//===- ApproximateMath.cpp - f32 math functions as polynomials ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct ApproximateMathPass
    : public mlir::tangram::impl::ApproximateMathPassBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // The upstream patterns match f32 scalars and vectors only.
    // The predicate sees operation names ("math.exp").
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return name.consume_front("math.") &&
             llvm::is_contained({"exp", "expm1", "log", "log1p", "log2",
                                 "tanh", "erf"},
                                name);
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
