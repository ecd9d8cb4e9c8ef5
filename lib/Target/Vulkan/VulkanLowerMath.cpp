//===- VulkanLowerMath.cpp - tg-vulkan-lower-math -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/Vulkan/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_VULKANLOWERMATHPASS
#include "tangram/Target/Vulkan/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

bool mlir::tangram::vulkanApproximatesMath(StringRef name) {
  return name == "math.erf" || name == "math.erfc" || name == "math.log1p" ||
         name == "math.expm1" || name == "math.cbrt" || name == "math.log2";
}

namespace {
/// trunc(x) = x < 0 ? ceil(x) : floor(x) (no SPIR-V pattern exists).
struct ExpandTrunc : OpRewritePattern<math::TruncOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::TruncOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value zero = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(x.getType()));
    Value neg = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLT,
                                      x, zero);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(
        op, neg, math::CeilOp::create(rewriter, loc, x),
        math::FloorOp::create(rewriter, loc, x));
    return success();
  }
};

/// GLSL's transcendental instructions take 16- and 32-bit floats: on f64
/// they are computed in f32.
struct TranscendentalInF32 : RewritePattern {
  TranscendentalInF32(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    static const llvm::StringSet<> names = {
        "math.exp",  "math.exp2",  "math.log",   "math.log2",  "math.powf",
        "math.sin",  "math.cos",   "math.tan",   "math.asin",  "math.acos",
        "math.atan", "math.atan2", "math.sinh",  "math.cosh",  "math.tanh",
        "math.asinh", "math.acosh", "math.atanh", "math.erf",  "math.log1p",
        "math.expm1"};
    if (!names.contains(op->getName().getStringRef()) ||
        op->getNumResults() != 1 || !op->getResult(0).getType().isF64())
      return failure();
    Location loc = op->getLoc();
    Type f32 = rewriter.getF32Type();
    SmallVector<Value> operands;
    for (Value v : op->getOperands())
      operands.push_back(arith::TruncFOp::create(rewriter, loc, f32, v));
    OperationState state(loc, op->getName(), operands, {f32}, op->getAttrs());
    Operation *narrow = rewriter.create(state);
    rewriter.replaceOpWithNewOp<arith::ExtFOp>(op, op->getResult(0).getType(),
                                               narrow->getResult(0));
    return success();
  }
};

struct VulkanLowerMathPass
    : public mlir::tangram::impl::VulkanLowerMathPassBase<VulkanLowerMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Expansions in terms of ops GLSL has (sinh, cosh, tan, the inverse
    // hyperbolics, integer powers, rounding, exp2 via exp).
    math::populateExpansionPatterns(
        patterns, {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "fpowi",
                   "ipowi", "round", "roundeven", "ctlz", "exp2"});
    patterns.add<ExpandTrunc, TranscendentalInF32>(&getContext());
    // GLSL has none of these: f32 polynomials.
    populateMathPolynomialApproximationPatterns(patterns,
                                                mlir::tangram::vulkanApproximatesMath);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
