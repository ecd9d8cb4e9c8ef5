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
    // A reduction that walks every input it reads along that input's
    // contiguous dim stays innermost: a row's variance or softmax sum
    // (the row and its broadcast mean or maximum) interchanged read the
    // rows down columns, 16 rows per vector gathered.
    bool contiguous = true;
    for (OpOperand *in : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(in);
      if (!map.isFunctionOfDim(nLoops - 1))
        continue;
      auto inner = dyn_cast<AffineDimExpr>(map.getResults().back());
      if (!inner || inner.getPosition() != nLoops - 1)
        contiguous = false;
    }
    if (contiguous)
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
