//===- CPUTransforms.cpp - C++ steps of the CPU pipeline ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "CPUTransforms.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::tangram;

void mlir::tangram::makeResultsFresh(ModuleOp module) {
  module.walk([](func::FuncOp f) {
    if (f.isExternal() || !f.isPublic())
      return;
    f.walk([](func::ReturnOp ret) {
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value v = operand.get();
        auto t = dyn_cast<MemRefType>(v.getType());
        if (!t || v.getDefiningOp<memref::AllocOp>())
          continue;
        Location loc = ret.getLoc();
        SmallVector<Value> dyn;
        for (int64_t d = 0; d < t.getRank(); ++d)
          if (t.isDynamicDim(d))
            dyn.push_back(memref::DimOp::create(b, loc, v, d));
        auto fresh = memref::AllocOp::create(
            b, loc, MemRefType::get(t.getShape(), t.getElementType()), dyn);
        linalg::CopyOp::create(b, loc, v, fresh.getResult());
        operand.set(fresh);
      }
    });
  });
}

void mlir::tangram::rewriteStridedCopies(ModuleOp module) {
  SmallVector<memref::CopyOp> copies;
  module.walk([&](memref::CopyOp c) {
    auto s = cast<MemRefType>(c.getSource().getType());
    auto t = cast<MemRefType>(c.getTarget().getType());
    if (!s.getLayout().isIdentity() || !t.getLayout().isIdentity())
      copies.push_back(c);
  });
  for (memref::CopyOp c : copies) {
    OpBuilder b(c);
    linalg::CopyOp::create(b, c.getLoc(), c.getSource(), c.getTarget());
    c.erase();
  }
}

void mlir::tangram::interchangeContractions(ModuleOp module) {
  SmallVector<linalg::LinalgOp> ops;
  module.walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() > 0 && op.getNumParallelLoops() > 0 &&
        op.getNumDpsInputs() >= 2 && op.getNumDpsInits() == 1 &&
        op.hasPureTensorSemantics())
      ops.push_back(op);
  });
  IRRewriter rw(module.getContext());
  for (linalg::LinalgOp op : ops) {
    if (hasMicrokernel(op))
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
