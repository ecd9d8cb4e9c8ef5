//===- GPUResultShapes.cpp - tg-gpu-result-shapes -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "ProgramBuilder.h"
#include "tangram/Target/GPU/Passes.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPURESULTSHAPESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The formulas of `sf`'s result dims, or an error naming the op that
/// makes them depend on data.
LogicalResult buildFormulas(func::FuncOp sf, ProgramBuilder &pb,
                            SmallVector<int64_t> &dims) {
  // Only what the returned dims are computed from matters.
  llvm::SmallPtrSet<Operation *, 16> needed;
  SmallVector<Value> work(sf.getBody().front().getTerminator()->getOperands());
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !needed.insert(def).second || isa<tensor::DimOp>(def))
      continue;
    work.append(def->operand_begin(), def->operand_end());
  }
  for (Operation &op : sf.getBody().front()) {
    if (!needed.contains(&op) && !isa<func::ReturnOp>(op))
      continue;
    if (auto d = dyn_cast<tensor::DimOp>(op)) {
      auto arg = dyn_cast<BlockArgument>(d.getSource());
      std::optional<int64_t> index = d.getConstantIndex();
      if (!arg || !index)
        return op.emitError("a result size of this executable depends on "
                            "data, which a GPU program cannot compute; the "
                            "op needs a host step");
      pb.map(d.getResult(), pb.dim(arg.getArgNumber(), *index));
      continue;
    }
    if (auto fe = dyn_cast<tensor::FromElementsOp>(op)) {
      for (Value e : fe.getElements()) {
        std::optional<unsigned> id = pb.lookup(e);
        if (!id)
          return op.emitError("a result dim is not a formula of input dims");
        dims.push_back(*id);
      }
      continue;
    }
    if (isa<func::ReturnOp>(op) || pb.mapScalarOp(&op))
      continue;
    return op.emitError("a result size of this executable depends on '")
           << op.getName() << "', which a GPU program cannot compute; the op "
           << "needs a host step";
  }
  return success();
}

struct GPUResultShapesPass
    : public mlir::tangram::impl::GPUResultShapesPassBase<GPUResultShapesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> shapeFns;
    for (auto f : module.getOps<func::FuncOp>())
      if (f->hasAttr(kShapeFunctionAttr))
        shapeFns.push_back(f);
    for (func::FuncOp sf : shapeFns) {
      StringRef name = sf.getSymName();
      auto f = module.lookupSymbol<func::FuncOp>(
          name.drop_back(StringRef("_shapes").size()));
      auto numResults = f ? f->getAttrOfType<IntegerAttr>(kNumResultsAttr)
                          : IntegerAttr();
      if (!numResults) {
        sf.emitError("a shape function without its executable");
        return signalPassFailure();
      }
      ProgramBuilder pb;
      SmallVector<int64_t> dims;
      if (failed(buildFormulas(sf, pb, dims)))
        return signalPassFailure();
      // Split the flat dim list by result rank.
      SmallVector<Attribute> perResult;
      unsigned firstResult = f.getNumArguments() - numResults.getInt();
      size_t at = 0;
      for (unsigned j = firstResult; j < f.getNumArguments(); ++j) {
        auto t = cast<MemRefType>(f.getArgument(j).getType());
        if (at + t.getRank() > dims.size()) {
          sf.emitError("the shape function returns too few dims");
          return signalPassFailure();
        }
        perResult.push_back(DenseI64ArrayAttr::get(
            &getContext(), ArrayRef<int64_t>(dims).slice(at, t.getRank())));
        at += t.getRank();
      }
      f->setAttr("tg.gpu_values", pb.valuesAttr(&getContext()));
      f->setAttr("tg.gpu_result_dims", ArrayAttr::get(&getContext(), perResult));
      sf.erase();
    }
  }
};

} // namespace
