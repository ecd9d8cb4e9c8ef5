//===- VulkanLowerMath.cpp - tg-vulkan-lower-math -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/Vulkan/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_VULKANLOWERMATHPASS
#include "tangram/Target/Vulkan/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct VulkanLowerMathPass
    : public mlir::tangram::impl::VulkanLowerMathPassBase<VulkanLowerMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Expansions in terms of ops GLSL has (sinh, cosh, tan, the inverse
    // hyperbolics, integer powers, rounding, exp2 via exp).
    math::populateExpansionPatterns(
        patterns, {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "fpowi",
                   "ipowi", "round", "roundeven", "ctlz", "exp2"});
    // GLSL has none of these: f32 polynomials.
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return name == "math.erf" || name == "math.erfc" ||
             name == "math.log1p" || name == "math.expm1" ||
             name == "math.cbrt" || name == "math.log2";
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
