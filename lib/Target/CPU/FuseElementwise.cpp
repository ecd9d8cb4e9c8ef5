//===- FuseElementwise.cpp - elementwise fusion that keeps reshapes -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Upstream's linalg elementwise fusion pass also folds expand_shape and
// collapse_shape into generics "by expansion": a [B*S, N] matmul result
// viewed as [B, S, N] turns its consumers into rank-3 loops whose outer dim
// is the (often 1) batch, so the thread pool, which splits the outermost
// loop, has nothing to split (BERT-like: 1.35x slower measured). This pass
// fuses producers into consumers exactly as upstream does, and leaves the
// views where the lowering put them.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

void mlir::tangram::populateFuseElementwisePatterns(
    RewritePatternSet &patterns,
    std::function<bool(OpOperand *)> alsoRequire) {
  MLIRContext *ctx = patterns.getContext();
  // Fuse a producer only into its single consumer, and only where the
  // consumer reads each element once: no work is duplicated. A pooling
  // window (input map d2 * s + d4) reads each element up to KH x KW
  // times, and an activation fused into it was computed that often (and
  // kept the pool off its microkernel and the activation out of the
  // convolution's epilogue).
  linalg::ControlFusionFn singleUse = [alsoRequire](OpOperand *fused) {
    Operation *producer = fused->get().getDefiningOp();
    auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
    return producer && producer->hasOneUse() &&
           (!consumer ||
            consumer.getMatchingIndexingMap(fused).isProjectedPermutation()) &&
           (!alsoRequire || alsoRequire(fused));
  };
  linalg::populateElementwiseOpsFusionPatterns(patterns, singleUse);
  linalg::populateConstantFoldLinalgOperations(patterns, singleUse);
  linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
  ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
      patterns);
}

namespace {
struct FuseElementwisePass
    : public mlir::tangram::impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlir::tangram::populateFuseElementwisePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
