//===- FreshResults.cpp - tg-cpu-fresh-results ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_FRESHRESULTSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct FreshResultsPass
    : public mlir::tangram::impl::FreshResultsPassBase<FreshResultsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
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
};
} // namespace
