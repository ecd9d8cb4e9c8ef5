//===- CPUTargetInfo.cpp - what the CPU answers about emission ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/TargetInfo.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::tangram;


namespace {
/// The microkernel library's error slot: keeps the first message of a
/// call; `tangram_take_error` hands it to the runtime and clears it.
constexpr const char *kReportError = "tg_uk_report_error";

class CPUTargetInfo : public TargetInfo {
public:
  void emitErrorReport(OpBuilder &b, Location loc, Value failed,
                       StringRef message) const override {
    OpBuilder::InsertionGuard guard(b);
    auto module =
        b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
    if (!module)
      module = cast<ModuleOp>(b.getInsertionBlock()->getParentOp());
    MLIRContext *ctx = module.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    OpBuilder top = OpBuilder::atBlockBegin(module.getBody());
    auto report = module.lookupSymbol<func::FuncOp>(kReportError);
    if (!report) {
      OpBuilder end = OpBuilder::atBlockEnd(module.getBody());
      report = func::FuncOp::create(end, module.getLoc(), kReportError,
                                    end.getFunctionType({ptr}, {}));
      report.setPrivate();
    }
    // The message, NUL-terminated, as a module-level constant.
    std::string text = message.str();
    text.push_back('\0');
    unsigned id = 0;
    std::string name;
    do
      name = "tg_assert_" + std::to_string(id++);
    while (module.lookupSymbol(name));
    auto global = LLVM::GlobalOp::create(
        top, loc, LLVM::LLVMArrayType::get(top.getI8Type(), text.size()),
        /*isConstant=*/true, LLVM::Linkage::Internal, name,
        top.getStringAttr(text));
    scf::IfOp::create(b, loc, failed, [&](OpBuilder &tb, Location tl) {
      Value msg = LLVM::AddressOfOp::create(tb, tl, global);
      func::CallOp::create(tb, tl, report, ValueRange{msg});
      scf::YieldOp::create(tb, tl);
    });
  }

  /// LLVM's x86 backend has no 8-bit float types.
  bool expandsFloat8() const override { return true; }

  /// libm calls do not vectorize; these polynomials do (they were a
  /// quarter of bert_like's time as calls).
  bool approximatesMath(StringRef name) const override {
    return name.consume_front("math.") &&
           llvm::is_contained({"exp", "expm1", "log", "log1p", "log2", "tanh",
                               "erf"},
                              name);
  }
};
} // namespace

const TargetInfo &mlir::tangram::cpuTargetInfo() {
  static CPUTargetInfo info;
  return info;
}
