//===- DestinationResults.cpp - tg-destination-results --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_DESTINATIONRESULTSPASS
#include "tangram/Transforms/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// `f`'s single return (the functions here have one block: tg.if and
/// tg.loop lower to structured ops).
func::ReturnOp returnOf(func::FuncOp f) {
  func::ReturnOp ret;
  f.walk([&](func::ReturnOp r) {
    if (r->getParentOp() == f)
      ret = r;
  });
  return ret;
}

bool hasDynamicResult(func::FuncOp f) {
  return llvm::any_of(f.getResultTypes(), [](Type t) {
    auto s = dyn_cast<ShapedType>(t);
    return s && !s.hasStaticShape();
  });
}

/// `<f>_shapes`: a copy of `f` returning every result dim as i64.
LogicalResult addShapeFunction(func::FuncOp f) {
  OpBuilder b(f->getContext());
  b.setInsertionPointAfter(f);
  auto sf = cast<func::FuncOp>(b.clone(*f));
  sf.setSymName(shapeFunctionName(f.getSymName()));
  sf->setAttr(kShapeFunctionAttr, b.getUnitAttr());
  func::ReturnOp ret = returnOf(sf);
  b.setInsertionPoint(ret);
  Location loc = ret.getLoc();
  SmallVector<Value> dims;
  for (Value v : ret.getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return f.emitError("result of type ") << v.getType()
                                           << " is not a ranked tensor";
    for (int64_t d = 0; d < t.getRank(); ++d) {
      if (!t.isDynamicDim(d)) {
        dims.push_back(arith::ConstantIntOp::create(b, loc, t.getDimSize(d), 64));
        continue;
      }
      Value dim = tensor::DimOp::create(b, loc, v, d);
      dims.push_back(
          arith::IndexCastOp::create(b, loc, b.getI64Type(), dim).getResult());
    }
  }
  // Checks on data (an index in range, inside a linalg body) would keep the
  // whole computation alive here; the executable makes them anyway. Checks
  // on sizes stay: they fail before the runtime allocates from a bad size.
  sf.walk([&](cf::AssertOp a) {
    if (a->getParentOp() != sf.getOperation())
      a.erase();
  });
  auto type = RankedTensorType::get({(int64_t)dims.size()}, b.getI64Type());
  Value all = tensor::FromElementsOp::create(b, loc, type, dims);
  func::ReturnOp::create(b, loc, all);
  ret.erase();
  sf.setType(b.getFunctionType(sf.getArgumentTypes(), {type}));
  return success();
}

/// Results become trailing memref arguments that `f` writes.
LogicalResult writeIntoDestinations(func::FuncOp f) {
  func::ReturnOp ret = returnOf(f);
  OpBuilder b(ret);
  unsigned first = f.getNumArguments();
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return f.emitError("result of type ") << v.getType()
                                           << " is not a ranked tensor";
    auto m = MemRefType::get(t.getShape(), t.getElementType());
    if (failed(f.insertArgument(first + j, m, {}, f.getLoc())))
      return failure();
    bufferization::MaterializeInDestinationOp::create(
        b, ret.getLoc(), TypeRange(), v, f.getArgument(first + j),
        /*restrict=*/true, /*writable=*/true);
  }
  f->setAttr(kNumResultsAttr, b.getI64IntegerAttr(ret.getNumOperands()));
  ret->setOperands({});
  f.setType(b.getFunctionType(f.getArgumentTypes(), {}));
  return success();
}

struct DestinationResultsPass
    : public tangram::impl::DestinationResultsPassBase<DestinationResultsPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> executables;
    for (auto f : getOperation().getOps<func::FuncOp>())
      if (f.isPublic() && !f.isExternal() && !f->hasAttr(kShapeFunctionAttr))
        executables.push_back(f);
    for (func::FuncOp f : executables) {
      if (!returnOf(f)) {
        f.emitError("expected a function with one block");
        return signalPassFailure();
      }
      if ((hasDynamicResult(f) && failed(addShapeFunction(f))) ||
          failed(writeIntoDestinations(f)))
        return signalPassFailure();
    }
  }
};

} // namespace
