//===- InterchangeContractions.cpp - tg-cpu-interchange-contractions -----===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "CPUTransforms.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_INTERCHANGECONTRACTIONSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct InterchangeContractionsPass
    : public mlir::tangram::impl::InterchangeContractionsPassBase<InterchangeContractionsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
  SmallVector<linalg::LinalgOp> ops;
  module.walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() > 0 && op.getNumParallelLoops() > 0 &&
        op.getNumDpsInputs() >= 2 && op.getNumDpsInits() == 1 &&
        op.hasPureTensorSemantics())
      ops.push_back(op);
  });
  IRRewriter rw(module.getContext());
  for (linalg::LinalgOp op : ops) {
    if (tangram::hasMicrokernel(op))
      continue;
    // The loop that walks the output's last (contiguous) dim goes innermost.
    AffineMap outMap = op.getIndexingMapMatchingResult(op->getResult(0));
    if (outMap.getNumResults() == 0)
      continue;
    auto last = dyn_cast<AffineDimExpr>(outMap.getResults().back());
    unsigned nLoops = op.getNumLoops();
    if (!last || last.getPosition() == nLoops - 1)
      continue;
    SmallVector<unsigned> perm;
    for (unsigned i = 0; i < nLoops; ++i)
      if (i != last.getPosition())
        perm.push_back(i);
    perm.push_back(last.getPosition());
    rw.setInsertionPoint(op);
    linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      auto g = linalg::generalizeNamedOp(rw, op);
      if (failed(g))
        continue;
      generic = *g;
    }
    (void)linalg::interchangeGenericOp(rw, generic, perm);
  }
  }
};
} // namespace
