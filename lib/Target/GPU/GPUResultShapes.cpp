//===- GPUResultShapes.cpp - tg-gpu-result-shapes -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "ProgramBuilder.h"
#include "tangram/Target/GPU/Passes.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPURESULTSHAPESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;
using ::tangram::ProgramOp;

namespace {

/// Dim `d` of a result of a branch on a host value (the cases of a
/// reduction over axes given as an input): a select over the branches of
/// their static dims.
std::optional<unsigned> branchDim(Value v, int64_t d, ProgramBuilder &pb) {
  auto r = dyn_cast<OpResult>(v);
  if (!r)
    return std::nullopt;
  Operation *branch = r.getOwner();
  auto staticDim = [&](Region &region) -> std::optional<unsigned> {
    Value y = region.front().getTerminator()->getOperand(r.getResultNumber());
    while (auto c = y.getDefiningOp<tensor::CastOp>())
      if (cast<RankedTensorType>(y.getType()).isDynamicDim(d))
        y = c.getSource();
      else
        break;
    auto t = dyn_cast<RankedTensorType>(y.getType());
    if (!t || t.isDynamicDim(d))
      return std::nullopt;
    return pb.constant(t.getDimSize(d));
  };
  if (auto sw = dyn_cast<scf::IndexSwitchOp>(branch)) {
    std::optional<unsigned> arg = pb.lookup(sw.getArg());
    std::optional<unsigned> result = staticDim(sw.getDefaultRegion());
    if (!arg || !result)
      return std::nullopt;
    for (auto [value, region] : llvm::zip(sw.getCases(), sw.getCaseRegions())) {
      std::optional<unsigned> dim = staticDim(region);
      if (!dim)
        return std::nullopt;
      result = pb.select(pb.binary(ProgramOp::CmpEQ, *arg, pb.constant(value)),
                         *dim, *result);
    }
    return result;
  }
  if (auto i = dyn_cast<scf::IfOp>(branch)) {
    std::optional<unsigned> cond = pb.lookup(i.getCondition());
    if (!cond || i.getElseRegion().empty())
      return std::nullopt;
    std::optional<unsigned> a = staticDim(i.getThenRegion());
    std::optional<unsigned> b = staticDim(i.getElseRegion());
    if (!a || !b)
      return std::nullopt;
    return pb.select(*cond, *a, *b);
  }
  return std::nullopt;
}

/// The formulas of `sf`'s result dims and of its checks on sizes, or an
/// error naming the op that makes a dim depend on data the host lacks.
LogicalResult buildFormulas(func::FuncOp sf, ProgramBuilder &pb,
                            SmallVector<int64_t> &dims,
                            SmallVector<::tangram::ProgramCheck> &checks) {
  // What the returned dims are computed from must be computable; the
  // checks are made when their conditions are.
  llvm::SmallPtrSet<Operation *, 16> needed;
  SmallVector<Value> work(sf.getBody().front().getTerminator()->getOperands());
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !needed.insert(def).second || isa<tensor::DimOp>(def))
      continue;
    work.append(def->operand_begin(), def->operand_end());
  }
  auto dataError = [&](Operation &op) {
    return op.emitError("a result size of this executable depends on '")
           << op.getName() << "', which a GPU program cannot compute; the op "
           << "needs a host step";
  };
  for (Operation &op : sf.getBody().front()) {
    if (auto d = dyn_cast<tensor::DimOp>(op)) {
      auto arg = dyn_cast<BlockArgument>(d.getSource());
      std::optional<int64_t> index = d.getConstantIndex();
      std::optional<unsigned> id;
      if (arg && index)
        id = pb.dim(arg.getArgNumber(), *index);
      else if (index)
        id = branchDim(d.getSource(), *index, pb);
      if (id)
        pb.map(d.getResult(), *id);
      else if (needed.contains(&op))
        return dataError(op);
      continue;
    }
    if (auto x = dyn_cast<tensor::ExtractOp>(op)) {
      // An element of an integer input (axes, pads, a shape): the host
      // reads it.
      auto arg = dyn_cast<BlockArgument>(x.getTensor());
      auto t = cast<RankedTensorType>(x.getTensor().getType());
      std::optional<unsigned> at;
      if (arg && t.getElementType().isIntOrIndex()) {
        at = pb.constant(0);
        unsigned stride = pb.constant(1);
        for (int64_t k = t.getRank() - 1; k >= 0 && at; --k) {
          std::optional<unsigned> i = pb.lookup(x.getIndices()[k]);
          if (!i) {
            at.reset();
            break;
          }
          at = pb.binary(ProgramOp::Add, *at,
                         pb.binary(ProgramOp::Mul, *i, stride));
          unsigned size = t.isDynamicDim(k)
                              ? pb.dim(arg.getArgNumber(), k)
                              : pb.constant(t.getDimSize(k));
          stride = pb.binary(ProgramOp::Mul, stride, size);
        }
      }
      if (at)
        pb.map(x.getResult(), pb.load(arg.getArgNumber(), *at));
      else if (needed.contains(&op))
        return dataError(op);
      continue;
    }
    if (auto fe = dyn_cast<tensor::FromElementsOp>(op)) {
      if (!needed.contains(&op))
        continue;
      for (Value e : fe.getElements()) {
        std::optional<unsigned> id = pb.lookup(e);
        if (!id)
          return op.emitError("a result dim is not a formula of input dims");
        dims.push_back(*id);
      }
      continue;
    }
    if (auto a = dyn_cast<cf::AssertOp>(op)) {
      if (std::optional<unsigned> c = pb.lookup(a.getArg()))
        checks.push_back({*c, a.getMsg().str()});
      continue;
    }
    if (isa<func::ReturnOp>(op) || pb.mapScalarOp(&op) || !needed.contains(&op))
      continue;
    return dataError(op);
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
      SmallVector<::tangram::ProgramCheck> checks;
      if (failed(buildFormulas(sf, pb, dims, checks)))
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
      SmallVector<int64_t> checkValues;
      SmallVector<Attribute> checkMessages;
      for (const ::tangram::ProgramCheck &c : checks) {
        checkValues.push_back(c.value);
        checkMessages.push_back(StringAttr::get(&getContext(), c.message));
      }
      f->setAttr("tg.gpu_check_values",
                 DenseI64ArrayAttr::get(&getContext(), checkValues));
      f->setAttr("tg.gpu_check_messages",
                 ArrayAttr::get(&getContext(), checkMessages));
      sf.erase();
    }
  }
};

} // namespace
