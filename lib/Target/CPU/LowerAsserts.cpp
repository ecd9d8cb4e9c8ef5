//===- LowerAsserts.cpp - cf.assert as run-time error reports -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/TargetInfo.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_LOWERASSERTSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct LowerAssertsPass
    : public mlir::tangram::impl::LowerAssertsPassBase<LowerAssertsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<cf::AssertOp> asserts;
    module.walk([&](cf::AssertOp op) { asserts.push_back(op); });
    OpBuilder b(module.getContext());
    for (cf::AssertOp op : asserts) {
      b.setInsertionPoint(op);
      Location loc = op.getLoc();
      Value failed = arith::XOrIOp::create(
          b, loc, op.getArg(), arith::ConstantIntOp::create(b, loc, 1, 1));
      mlir::tangram::cpuTargetInfo().emitErrorReport(b, loc, failed,
                                                     op.getMsg());
      op->erase();
    }
  }
};
} // namespace
