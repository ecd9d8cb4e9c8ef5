//===- LowerAsserts.cpp - cf.assert as run-time error reports -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_LOWERASSERTSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
constexpr const char *kReportError = "tg_uk_report_error";

struct LowerAssertsPass
    : public mlir::tangram::impl::LowerAssertsPassBase<LowerAssertsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<cf::AssertOp> asserts;
    module.walk([&](cf::AssertOp op) { asserts.push_back(op); });
    if (asserts.empty())
      return;
    MLIRContext *ctx = module.getContext();
    OpBuilder b(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto report = module.lookupSymbol<func::FuncOp>(kReportError);
    if (!report) {
      b.setInsertionPointToEnd(module.getBody());
      report = func::FuncOp::create(b, module.getLoc(), kReportError,
                                    b.getFunctionType({ptr}, {}));
      report.setPrivate();
    }
    unsigned id = 0;
    for (cf::AssertOp op : asserts) {
      Location loc = op.getLoc();
      // The message, NUL-terminated, as a module-level constant.
      b.setInsertionPointToStart(module.getBody());
      std::string text = op.getMsg().str();
      text.push_back('\0');
      auto global = LLVM::GlobalOp::create(
          b, loc, LLVM::LLVMArrayType::get(b.getI8Type(), text.size()),
          /*isConstant=*/true, LLVM::Linkage::Internal,
          ("tg_assert_" + Twine(id++)).str(), b.getStringAttr(text));
      b.setInsertionPoint(op);
      Value bad = arith::XOrIOp::create(
          b, loc, op.getArg(), arith::ConstantIntOp::create(b, loc, 1, 1));
      scf::IfOp::create(b, loc, bad, [&](OpBuilder &tb, Location tl) {
        Value msg = LLVM::AddressOfOp::create(tb, tl, global);
        func::CallOp::create(tb, tl, report, ValueRange{msg});
        scf::YieldOp::create(tb, tl);
      });
      op->erase();
    }
  }
};
} // namespace
