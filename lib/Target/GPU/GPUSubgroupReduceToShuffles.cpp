//===- GPUSubgroupReduceToShuffles.cpp - tg-gpu-subgroup-reduce-to-shuffles ===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUSUBGROUPREDUCETOSHUFFLESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct GPUSubgroupReduceToShufflesPass
    : public mlir::tangram::impl::GPUSubgroupReduceToShufflesPassBase<
          GPUSubgroupReduceToShufflesPass> {
  using GPUSubgroupReduceToShufflesPassBase::
      GPUSubgroupReduceToShufflesPassBase;
  void runOnOperation() override {
    if (subgroupSize == 0 || (subgroupSize & (subgroupSize - 1))) {
      getOperation().emitError("subgroup-size must be a power of two");
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateGpuBreakDownSubgroupReducePatterns(patterns,
                                               /*maxShuffleBitwidth=*/32);
    populateGpuLowerSubgroupReduceToShufflePatterns(patterns, subgroupSize,
                                                    /*shuffleBitwidth=*/32);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Subgroup ids, which the NVVM and ROCDL conversions do not lower, from
    // the invocation id (kernels here have 1-D workgroups).
    SmallVector<Operation *> ids;
    getOperation().walk([&](Operation *op) {
      if (isa<gpu::SubgroupIdOp, gpu::NumSubgroupsOp>(op))
        ids.push_back(op);
    });
    for (Operation *op : ids) {
      OpBuilder b(op);
      Location loc = op->getLoc();
      Value size = arith::ConstantIndexOp::create(b, loc, subgroupSize);
      Value v;
      if (isa<gpu::SubgroupIdOp>(op))
        v = arith::DivUIOp::create(
            b, loc, gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x), size);
      else
        v = arith::CeilDivUIOp::create(
            b, loc, gpu::BlockDimOp::create(b, loc, gpu::Dimension::x), size);
      op->getResult(0).replaceAllUsesWith(v);
      op->erase();
    }
    WalkResult left = getOperation().walk([](gpu::SubgroupReduceOp r) {
      r.emitError("a subgroup reduction of ")
          << r.getType() << " has no shuffle lowering";
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
