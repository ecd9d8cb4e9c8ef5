//===- GPUSimplifyDims.cpp - tg-gpu-simplify-dims -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// With dynamic dims, one size reaches the loops under several names: a dim
// of a view, an element of a shape buffer, the other side of a broadcast
// check. The loop-level passes (tg-gpu-fold-fills, -fuse-epilogues,
// -fuse-rows) fuse two loops only when they see the same sizes, so each
// name left unresolved is a kernel of its own. This pass gives each size
// one name.
//
//===----------------------------------------------------------------------===//
#include "LoopMatching.h"
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUSIMPLIFYDIMSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// `memref.dim` of a `memref.reinterpret_cast` is the size the cast names.
struct DimOfReinterpretCast : OpRewritePattern<memref::DimOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(memref::DimOp dim,
                                PatternRewriter &rewriter) const override {
    auto view = dim.getSource().getDefiningOp<memref::ReinterpretCastOp>();
    std::optional<int64_t> i = dim.getConstantIndex();
    if (!view || !i || *i < 0 || *i >= view.getType().getRank())
      return failure();
    OpFoldResult size = view.getMixedSizes()[*i];
    if (auto v = dyn_cast<Value>(size))
      rewriter.replaceOp(dim, v);
    else
      rewriter.replaceOpWithNewOp<arith::ConstantIndexOp>(
          dim, *getConstantIntValue(size));
    return success();
  }
};

/// A shape buffer: a static rank-1 allocation that is read as a
/// `memref.reshape`'s shape, and otherwise only stored to and loaded from
/// at constant indices. Its element at `index` is the value of the one
/// store there, when that store dominates `user`.
Value storedElement(Value buffer, int64_t index, Operation *user,
                    DominanceInfo &dom) {
  auto alloc = buffer.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc.getType().getRank() != 1 ||
      !alloc.getType().hasStaticShape())
    return nullptr;
  memref::StoreOp only;
  bool isShape = false;
  for (Operation *u : buffer.getUsers()) {
    if (isa<memref::LoadOp, memref::DeallocOp>(u))
      continue;
    if (auto reshape = dyn_cast<memref::ReshapeOp>(u)) {
      if (reshape.getShape() != buffer)
        return nullptr;
      isShape = true;
      continue;
    }
    auto store = dyn_cast<memref::StoreOp>(u);
    if (!store || store.getMemRef() != buffer)
      return nullptr;
    APInt at;
    if (!matchPattern(store.getIndices()[0], m_ConstantInt(&at)))
      return nullptr;
    if (at.getSExtValue() != index)
      continue;
    if (only)
      return nullptr;
    only = store;
  }
  if (!isShape || !only || !dom.properlyDominates(only.getOperation(), user))
    return nullptr;
  return only.getValueToStore();
}

/// A load of a shape buffer's element is the value stored there.
void forwardShapeElements(func::FuncOp f, DominanceInfo &dom) {
  SmallVector<memref::LoadOp> loads;
  f.walk([&](memref::LoadOp l) { loads.push_back(l); });
  for (memref::LoadOp load : loads) {
    // A load on the host (not a kernel's: a kernel takes the buffer, not
    // values of any type the host computes).
    APInt at;
    if (load->getParentOfType<scf::ParallelOp>() ||
        load.getIndices().size() != 1 ||
        !matchPattern(load.getIndices()[0], m_ConstantInt(&at)))
      continue;
    if (Value v = storedElement(load.getMemRef(), at.getSExtValue(), load,
                                dom)) {
      load.replaceAllUsesWith(v);
      load.erase();
    }
  }
}

/// A `memref.reshape` of a contiguous buffer whose shape buffer's elements
/// are known becomes a `memref.reinterpret_cast` with those sizes: a view
/// whose dims the loops can name.
void reshapesToViews(func::FuncOp f, DominanceInfo &dom) {
  SmallVector<memref::ReshapeOp> reshapes;
  f.walk([&](memref::ReshapeOp r) { reshapes.push_back(r); });
  for (memref::ReshapeOp reshape : reshapes) {
    auto source = cast<MemRefType>(reshape.getSource().getType());
    MemRefType result = reshape.getType();
    if (!source.getLayout().isIdentity() || !result.getLayout().isIdentity())
      continue;
    OpBuilder b(reshape);
    Location loc = reshape.getLoc();
    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < result.getRank(); ++i) {
      if (!result.isDynamicDim(i)) {
        sizes.push_back(b.getIndexAttr(result.getDimSize(i)));
        continue;
      }
      Value v = storedElement(reshape.getShape(), i, reshape, dom);
      if (!v)
        break;
      if (!v.getType().isIndex())
        v = arith::IndexCastOp::create(b, loc, b.getIndexType(), v);
      sizes.push_back(v);
    }
    if (static_cast<int64_t>(sizes.size()) != result.getRank())
      continue;
    SmallVector<OpFoldResult> strides = rowMajorStrides(b, loc, sizes);
    Value view = memref::ReinterpretCastOp::create(
        b, loc, result, reshape.getSource(), b.getIndexAttr(0), sizes,
        strides);
    reshape.replaceAllUsesWith(view);
    reshape.erase();
  }
}

/// Whether `v` is a size the host program computes before any launch: a
/// constant, a dim of a buffer, or integer arithmetic on such sizes (no
/// element of a buffer: a check on data is made by no one).
bool isHostSize(Value v) {
  SmallVector<Value> work{v};
  llvm::SmallPtrSet<Value, 16> seen;
  while (!work.empty()) {
    Value x = work.pop_back_val();
    if (!seen.insert(x).second)
      continue;
    Operation *def = x.getDefiningOp();
    if (!def || def->getNumRegions() || def->getNumResults() != 1)
      return false;
    if (isa<memref::DimOp>(def))
      continue;
    if (!isa<arith::ArithDialect>(def->getDialect()) || !isPure(def))
      return false;
    for (Value o : def->getOperands()) {
      if (!o.getType().isIntOrIndex())
        return false;
      work.push_back(o);
    }
  }
  return true;
}

/// Whether `a`'s definition comes before `b`'s (ops of one block).
bool definedFirst(Value a, Value b) {
  Operation *x = a.getDefiningOp(), *y = b.getDefiningOp();
  return x->getBlock() == y->getBlock() && x->isBeforeInBlock(y);
}

/// `cf.assert (a == b)` on sizes is one of the executable's checks, which
/// the host program makes before its first launch (GPUProgram.cpp,
/// `prepareGPULaunch`): when any kernel runs, the two are equal. Each use
/// of the later-defined one that the other dominates uses the other (a
/// constant, when either is one).
void useAssertedEqualities(func::FuncOp f, DominanceInfo &dom) {
  for (cf::AssertOp check : f.getBody().front().getOps<cf::AssertOp>()) {
    auto eq = check.getArg().getDefiningOp<arith::CmpIOp>();
    if (!eq || eq.getPredicate() != arith::CmpIPredicate::eq)
      continue;
    Value a = eq.getLhs(), b = eq.getRhs();
    if (a == b || !isHostSize(a) || !isHostSize(b))
      continue;
    Value keep = a, drop = b;
    if (matchPattern(b, m_Constant()) ||
        (!matchPattern(a, m_Constant()) && !definedFirst(a, b)))
      std::swap(keep, drop);
    drop.replaceUsesWithIf(keep, [&](OpOperand &use) {
      return use.getOwner() != eq.getOperation() &&
             dom.properlyDominates(keep, use.getOwner());
    });
  }
}

struct GPUSimplifyDimsPass
    : public mlir::tangram::impl::GPUSimplifyDimsPassBase<
          GPUSimplifyDimsPass> {
  void runOnOperation() override {
    func::FuncOp f = getOperation();
    {
      DominanceInfo dom(f);
      forwardShapeElements(f, dom);
      reshapesToViews(f, dom);
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<DimOfReinterpretCast>(&getContext());
    if (failed(applyPatternsGreedily(f, std::move(patterns))))
      return signalPassFailure();
    DominanceInfo dom(f);
    useAssertedEqualities(f, dom);
  }
};

} // namespace
