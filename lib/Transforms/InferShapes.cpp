//===- InferShapes.cpp - tg-infer-shapes ----------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "Graph/GraphOps.h"
#include "tangram/Transforms/Passes.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_INFERSHAPESPASS
#include "tangram/Transforms/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// True when `refined` says at least as much as `old` and something more.
bool isMoreStatic(Type refined, Type old) {
  auto r = dyn_cast<RankedTensorType>(refined);
  auto o = dyn_cast<RankedTensorType>(old);
  if (!r || !o || r == o || r.getRank() != o.getRank() ||
      r.getElementType() != o.getElementType())
    return false;
  for (auto [a, b] : llvm::zip(r.getShape(), o.getShape()))
    if (ShapedType::isDynamic(a) && !ShapedType::isDynamic(b))
      return false;
  return true;
}

struct InferShapesPass
    : public tangram::impl::InferShapesPassBase<InferShapesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    bool failedInference = false;
    func.walk([&](InferTypeOpInterface op) {
      if (!isa<tg::TGDialect>(op->getDialect()))
        return;
      SmallVector<Type> inferred;
      if (failed(op.inferReturnTypes(
              op->getContext(), op->getLoc(), op->getOperands(),
              op->getAttrDictionary(), op->getPropertiesStorage(),
              op->getRegions(), inferred))) {
        failedInference = true;
        return;
      }
      for (auto [result, type] : llvm::zip(op->getResults(), inferred))
        if (isMoreStatic(type, result.getType()))
          result.setType(type);
    });
    if (failedInference)
      return signalPassFailure();
    // Keep the signature in step with what is returned.
    auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    func.setType(FunctionType::get(&getContext(),
                                   func.getFunctionType().getInputs(),
                                   ret.getOperandTypes()));
  }
};

} // namespace
