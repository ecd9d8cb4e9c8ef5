//===- HoistWeights.cpp - tg-hoist-weights --------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Transforms/Passes.h"
#include "Graph/GraphOps.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_HOISTWEIGHTSPASS
#include "tangram/Transforms/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Worth a place in the weights section: not a splat, not i1 (the bundle
/// stores i1 as bytes, the code as bits), more than 64 elements.
bool hoistable(tg::ConstantOp c) {
  auto t = cast<RankedTensorType>(c.getType());
  if (t.getElementType().isInteger(1) || t.getNumElements() <= 64)
    return false;
  if (isa<DenseResourceElementsAttr>(c.getValue()))
    return true;
  auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
  return dense && !dense.isSplat();
}

struct HoistWeightsPass
    : public tangram::impl::HoistWeightsPassBase<HoistWeightsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp f;
    for (auto fn : module.getOps<func::FuncOp>())
      if (fn.isPublic() && !fn.isExternal()) {
        if (f) {
          fn.emitError("more than one public function");
          return signalPassFailure();
        }
        f = fn;
      }
    if (!f) {
      module.emitError("no entry function");
      return signalPassFailure();
    }
    SmallVector<tg::ConstantOp> constants;
    f.walk([&](tg::ConstantOp c) {
      if (hoistable(c))
        constants.push_back(c);
    });
    MLIRContext *ctx = &getContext();
    int64_t index = 0;
    for (tg::ConstantOp c : constants) {
      std::string name = "weight_" + std::to_string(index);
      if (auto loc = dyn_cast<NameLoc>(c.getLoc()))
        name = loc.getName().str();
      unsigned arg = f.getNumArguments();
      if (failed(f.insertArgument(arg, c.getType(), {}, c.getLoc())))
        return signalPassFailure();
      f.setArgAttr(arg, "tg.weight",
                   IntegerAttr::get(IntegerType::get(ctx, 64), index++));
      f.setArgAttr(arg, "tg.weight_name", StringAttr::get(ctx, name));
      f.setArgAttr(arg, "tg.weight_value", c.getValue());
      c.getResult().replaceAllUsesWith(f.getArgument(arg));
      c.erase();
    }
    for (unsigned i = 0; i < f.getNumArguments(); ++i)
      f.setArgAttr(i, "bufferization.writable", BoolAttr::get(ctx, false));
  }
};

} // namespace
