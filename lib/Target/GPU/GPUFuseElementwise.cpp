//===- GPUFuseElementwise.cpp - tg-gpu-fuse-elementwise -------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Elementwise fusion for GPUs: tg-cpu-fuse-elementwise's, plus a cheap
// elementwise producer with several consumers computed again in each of
// them. On a GPU every generic left is a kernel that writes its result to
// global memory and another that reads it back; recomputing a few
// arithmetic ops per element is cheaper than both. Softmax's exp(x - max)
// feeds its sum and its division: fused into both, softmax is three
// kernels, not four.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUFUSEELEMENTWISEPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// The most ops (its yield aside) a producer's body may have to be
/// computed again by each consumer. It also bounds what chains of
/// recomputed producers can grow to: a fused body above it is not
/// recomputed any further.
constexpr size_t kMaxRecomputedOps = 16;

/// Gives each consumer of a cheap elementwise generic a copy of its own
/// when every consumer can fuse it and reads each of its elements once
/// (a permutation map: a broadcast read would compute an element once per
/// broadcast point). The single-use fusion then fuses each copy.
struct RecomputeCheapProducer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp producer,
                                PatternRewriter &rewriter) const override {
    if (producer->getNumResults() != 1 || !producer.hasPureTensorSemantics() ||
        producer.getNumLoops() != producer.getNumParallelLoops() ||
        producer.getBody()->getOperations().size() - 1 > kMaxRecomputedOps)
      return failure();
    for (OpOperand &init : producer.getDpsInitsMutable())
      if (producer.payloadUsesValueFromOperand(&init))
        return failure();
    Value result = producer->getResult(0);
    if (result.use_empty() || result.hasOneUse())
      return failure();
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : result.getUses()) {
      auto consumer = dyn_cast<linalg::GenericOp>(use.getOwner());
      if (!consumer || !consumer.isDpsInput(&use) ||
          !consumer.getMatchingIndexingMap(&use).isPermutation() ||
          !linalg::areElementwiseOpsFusable(&use))
        return failure();
      uses.push_back(&use);
    }
    rewriter.setInsertionPoint(producer);
    for (OpOperand *use : llvm::drop_begin(uses)) {
      Operation *copy = rewriter.clone(*producer);
      rewriter.modifyOpInPlace(use->getOwner(),
                               [&] { use->set(copy->getResult(0)); });
    }
    return success();
  }
};

/// Whether a consumer with a reduction reads the fused operand's elements
/// once each (a map over all its loops), or the producer reads one tensor
/// and only moves, casts or scales its elements (a slice, a broadcast, an
/// f16 to f32 extension, attention's query times 1 / sqrt(d): one arith
/// op at most, the cost of a cast). A
/// contraction reads its operands once per point of the loops their maps
/// leave out: a LayerNorm or a softmax division fused into a matmul's
/// operand would be computed once per output column, and the operand
/// would no longer be staged as it is (cp.async, ldmatrix) by the matrix
/// strategy. An elementwise consumer that broadcasts the operand still
/// computes each of its points once.
bool fusesWithoutRepeatedWork(OpOperand *fused) {
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  if (!consumer || consumer.getNumReductionLoops() == 0 ||
      consumer.getMatchingIndexingMap(fused).isPermutation())
    return true;
  auto producer = fused->get().getDefiningOp<linalg::GenericOp>();
  if (!producer || producer.getNumDpsInputs() != 1)
    return false;
  unsigned arithmetic = 0;
  for (Operation &op : producer.getBody()->without_terminator()) {
    if (isa<CastOpInterface>(op))
      continue;
    if (!isa<arith::ArithDialect>(op.getDialect()) || ++arithmetic > 1)
      return false;
  }
  return true;
}

struct GPUFuseElementwisePass
    : public mlir::tangram::impl::GPUFuseElementwisePassBase<
          GPUFuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlir::tangram::populateFuseElementwisePatterns(patterns,
                                                   fusesWithoutRepeatedWork);
    patterns.add<RecomputeCheapProducer>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
