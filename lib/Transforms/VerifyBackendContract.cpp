//===- VerifyBackendContract.cpp - tg-verify-backend-contract -------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The checkable half of docs/BackendContract.md ("What later stages may
// assume"), as a pass: a stage that relies on the contract can run it first,
// and the tests run it on every imported model.
//
//===----------------------------------------------------------------------===//
#include "tangram/Transforms/Passes.h"
#include "Graph/GraphOps.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_VERIFYBACKENDCONTRACTPASS
#include "tangram/Transforms/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The element types a tg tensor may hold: floats (f16, bf16, f32, f64 and
/// the 8-bit floats), i1, and signless or unsigned 4- to 64-bit integers.
bool isElementType(Type t) {
  if (isa<FloatType>(t))
    return t.getIntOrFloatBitWidth() == 8 || t.isF16() || t.isBF16() ||
           t.isF32() || t.isF64();
  auto i = dyn_cast<IntegerType>(t);
  return i && !i.isSigned() &&
         llvm::is_contained({1u, 4u, 8u, 16u, 32u, 64u}, i.getWidth());
}

/// A ranked tensor of a tg element type, or a sequence / optional of values
/// that are.
bool isContractType(Type t) {
  if (auto r = dyn_cast<RankedTensorType>(t))
    return isElementType(r.getElementType());
  if (auto s = dyn_cast<tg::SequenceType>(t))
    return isElementType(s.getElementType().getElementType());
  if (auto o = dyn_cast<tg::OptionalType>(t))
    return isContractType(o.getValueType());
  return false;
}

struct VerifyBackendContractPass
    : public tangram::impl::VerifyBackendContractPassBase<
          VerifyBackendContractPass> {
  bool ok = true;

  InFlightDiagnostic report(Operation *op) {
    ok = false;
    return op->emitError("backend contract: ");
  }

  void checkOp(Operation *op) {
    if (isa<func::ReturnOp>(op) ? !isa<func::FuncOp>(op->getParentOp())
                                : !isa<tg::TGDialect>(op->getDialect())) {
      report(op) << "'" << op->getName() << "' is not a tg op";
      return;
    }
    if (op->getNumRegions() && !isa<tg::IfOp, tg::LoopOp>(op))
      report(op) << "only tg.if and tg.loop hold regions";
    for (Type t : llvm::concat<const Type>(op->getOperandTypes(),
                                           op->getResultTypes()))
      if (!isContractType(t)) {
        report(op) << "type " << t << " is not a ranked tensor of a tg "
                   << "element type";
        return;
      }
    if (auto axis = op->getAttrOfType<IntegerAttr>("axis"))
      if (axis.getValue().isNegative())
        report(op) << "axis " << axis.getInt() << " is negative";
    if (auto axes = op->getAttrOfType<DenseI64ArrayAttr>("axes")) {
      ArrayRef<int64_t> a = axes.asArrayRef();
      for (size_t i = 0; i < a.size(); ++i)
        if (a[i] < 0 || (i && a[i] <= a[i - 1])) {
          report(op) << "axes must be sorted, unique and non-negative";
          break;
        }
    }
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp main;
    for (Operation &op : module.getBody()->getOperations()) {
      auto f = dyn_cast<func::FuncOp>(op);
      if (!f || !f.isPublic() || f.isExternal() || main) {
        report(&op) << "the module must hold one public function and "
                       "nothing else";
        continue;
      }
      main = f;
    }
    if (!main) {
      module.emitError("backend contract: no public function");
      return signalPassFailure();
    }
    if (!main.getBody().hasOneBlock())
      report(main) << "the function must have one block";
    auto nameOf = [](DictionaryAttr attrs) {
      return attrs ? attrs.getAs<StringAttr>("tg.name") : StringAttr();
    };
    for (unsigned i = 0; i < main.getNumArguments(); ++i) {
      bool weight = main.getArgAttr(i, "tg.weight") != nullptr;
      if (!weight && !nameOf(main.getArgAttrDict(i)))
        report(main) << "argument " << i << " has no tg.name";
      if (!isContractType(main.getArgument(i).getType()))
        report(main) << "argument " << i << " is not a ranked tensor of a tg "
                     << "element type";
    }
    for (unsigned i = 0; i < main.getNumResults(); ++i)
      if (!nameOf(main.getResultAttrDict(i)))
        report(main) << "result " << i << " has no tg.name";
    main.walk([&](Operation *op) {
      if (op != main.getOperation())
        checkOp(op);
    });
    if (!ok)
      signalPassFailure();
  }
};

} // namespace
