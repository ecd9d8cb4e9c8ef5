//===- LoopMatching.cpp - what the loop-level GPU passes ask --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "LoopMatching.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace mlir::tangram;

Value mlir::tangram::baseOf(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

SmallVector<scf::ParallelOp> mlir::tangram::topLevelLoops(func::FuncOp f) {
  SmallVector<scf::ParallelOp> loops;
  f.walk([&](scf::ParallelOp p) {
    if (!p->getParentOfType<scf::ParallelOp>())
      loops.push_back(p);
  });
  return loops;
}

bool mlir::tangram::fromZeroByOne(scf::ParallelOp par) {
  return llvm::all_of(par.getLowerBound(),
                      [](Value v) { return matchPattern(v, m_Zero()); }) &&
         llvm::all_of(par.getStep(),
                      [](Value v) { return matchPattern(v, m_One()); });
}

bool mlir::tangram::touches(Operation *op, Value base) {
  WalkResult r = op->walk([&](Operation *o) {
    for (Value v : o->getOperands())
      if (isa<BaseMemRefType>(v.getType()) && baseOf(v) == base)
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return r.wasInterrupted();
}

bool mlir::tangram::pointwiseOn(scf::ParallelOp par, Value buffer,
                                ValueRange indices) {
  Value base = baseOf(buffer);
  WalkResult r = par.getBody()->walk([&](Operation *o) {
    for (Value v : o->getOperands()) {
      if (!isa<BaseMemRefType>(v.getType()) || baseOf(v) != base)
        continue;
      auto ld = dyn_cast<memref::LoadOp>(o);
      auto st = dyn_cast<memref::StoreOp>(o);
      if (v != buffer || !((ld && ld.getIndices() == indices) ||
                           (st && st.getIndices() == indices)))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return !r.wasInterrupted();
}

void mlir::tangram::addAccess(Access &a, Operation *op) {
  op->walk([&](Operation *o) {
    if (auto st = dyn_cast<memref::StoreOp>(o)) {
      a.writes.insert(baseOf(st.getMemRef()));
      return;
    }
    for (Value v : o->getOperands())
      if (isa<BaseMemRefType>(v.getType()))
        (isMemoryEffectFree(o) || isa<memref::LoadOp>(o) ? a.reads : a.writes)
            .insert(baseOf(v));
  });
}

Access mlir::tangram::accessOf(Operation *op) {
  Access a;
  addAccess(a, op);
  return a;
}

bool mlir::tangram::conflict(const Access &a, const Access &b) {
  for (Value w : a.writes)
    if (b.reads.contains(w) || b.writes.contains(w))
      return true;
  for (Value w : b.writes)
    if (a.reads.contains(w))
      return true;
  return false;
}

bool mlir::tangram::hoistBefore(Value v, scf::ParallelOp par) {
  Operation *def = v.getDefiningOp();
  if (!def || def->getBlock() != par->getBlock() || def->isBeforeInBlock(par))
    return true;
  if (!isa<memref::AllocOp>(def) && !isMemoryEffectFree(def))
    return false;
  if (def->getNumRegions())
    return false;
  for (Value o : def->getOperands())
    if (!hoistBefore(o, par))
      return false;
  def->moveBefore(par);
  return true;
}

/// For `view`, a static reinterpret_cast of `buffer` (both contiguous, at
/// offset 0) with the same sizes but for unit dims: the view's dim that
/// each of the buffer's dims is (-1 for a unit dim the view drops).
static std::optional<SmallVector<int>> unitDimView(Value view, Value buffer) {
  auto cast = view.getDefiningOp<memref::ReinterpretCastOp>();
  auto src = dyn_cast<MemRefType>(buffer.getType());
  auto dst = dyn_cast<MemRefType>(view.getType());
  if (!cast || cast.getSource() != buffer || !src || !dst ||
      !src.hasStaticShape() || !dst.hasStaticShape() ||
      !src.getLayout().isIdentity())
    return std::nullopt;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(dst.getStridesAndOffset(strides, offset)) || offset != 0)
    return std::nullopt;
  int64_t expected = 1;
  for (int d = dst.getRank() - 1; d >= 0; --d) {
    if (dst.getDimSize(d) != 1 && strides[d] != expected)
      return std::nullopt;
    expected *= dst.getDimSize(d);
  }
  SmallVector<int> dimOf;
  int v = 0;
  for (int64_t size : src.getShape()) {
    if (size == 1) {
      dimOf.push_back(-1);
      continue;
    }
    while (v < dst.getRank() && dst.getDimSize(v) == 1)
      ++v;
    if (v == dst.getRank() || dst.getDimSize(v) != size)
      return std::nullopt;
    dimOf.push_back(v++);
  }
  for (; v < dst.getRank(); ++v)
    if (dst.getDimSize(v) != 1)
      return std::nullopt;
  return dimOf;
}

/// The index 0 of the function holding `op`: the one its entry block has
/// (after CSE, the one every unit dim's access uses), or a new one there.
static Value zeroIndex(Operation *op) {
  Block &entry = op->getParentOfType<FunctionOpInterface>()
                     .getFunctionBody()
                     .front();
  for (Operation &o : entry)
    if (auto c = dyn_cast<arith::ConstantIndexOp>(o); c && c.value() == 0)
      return c;
  OpBuilder b = OpBuilder::atBlockBegin(&entry);
  return arith::ConstantIndexOp::create(b, op->getLoc(), 0);
}

void mlir::tangram::readThroughUnitDimViews(scf::ParallelOp par,
                                            Value buffer) {
  SmallVector<Operation *> accesses;
  par.getBody()->walk([&](Operation *o) {
    if (isa<memref::LoadOp, memref::StoreOp>(o))
      accesses.push_back(o);
  });
  for (Operation *o : accesses) {
    auto ld = dyn_cast<memref::LoadOp>(o);
    auto st = dyn_cast<memref::StoreOp>(o);
    Value view = ld ? ld.getMemRef() : st.getMemRef();
    std::optional<SmallVector<int>> dimOf = unitDimView(view, buffer);
    if (!dimOf)
      continue;
    ValueRange at = ld ? ld.getIndices() : st.getIndices();
    OpBuilder b(o);
    SmallVector<Value> indices;
    for (int v : *dimOf)
      indices.push_back(v >= 0 ? at[v] : zeroIndex(par));
    if (ld)
      ld.getResult().replaceAllUsesWith(
          memref::LoadOp::create(b, o->getLoc(), buffer, indices).getResult());
    else
      memref::StoreOp::create(b, o->getLoc(), st.getValueToStore(), buffer,
                              indices);
    o->erase();
    // A view nothing uses any more no longer counts as a user of the
    // buffer (whose elements may then stay in registers).
    if (view.use_empty())
      view.getDefiningOp()->erase();
  }
}

SmallVector<OpFoldResult>
mlir::tangram::rowMajorStrides(OpBuilder &b, Location loc,
                               ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> strides(sizes.size());
  OpFoldResult s = b.getIndexAttr(1);
  for (int64_t i = sizes.size() - 1; i >= 0; --i) {
    strides[i] = s;
    if (i == 0)
      break;
    auto cs = getConstantIntValue(s), cz = getConstantIntValue(sizes[i]);
    s = cs && cz ? OpFoldResult(b.getIndexAttr(*cs * *cz))
                 : OpFoldResult(arith::MulIOp::create(
                                    b, loc,
                                    getValueOrCreateConstantIndexOp(b, loc,
                                                                    sizes[i]),
                                    getValueOrCreateConstantIndexOp(b, loc, s))
                                    .getResult());
  }
  return strides;
}

bool mlir::tangram::isRowElement(ValueRange indices, scf::ParallelOp par) {
  for (Value iv : par.getInductionVars())
    if (llvm::count(indices, iv) != 1)
      return false;
  return llvm::all_of(indices, [&](Value i) {
    return llvm::is_contained(par.getInductionVars(), i) ||
           !par.getRegion().isAncestor(i.getParentRegion());
  });
}

Sizes::Sizes(func::FuncOp f) : f(f) {
  auto numResults = f->getAttrOfType<IntegerAttr>("tg.num_results");
  Attribute values = f->getAttr("tg.gpu_values");
  resultDims = f->getAttrOfType<ArrayAttr>("tg.gpu_result_dims");
  if (numResults && (!values || pb.loadValues(values)))
    numInputs = f.getNumArguments() - numResults.getInt();
}

bool Sizes::same(Value a, Value b) {
  if (a == b)
    return true;
  std::optional<unsigned> x = idOf(a), y = idOf(b);
  return x && y && *x == *y;
}

bool Sizes::sameSpace(scf::ParallelOp a, scf::ParallelOp b) {
  return fromZeroByOne(a) && fromZeroByOne(b) &&
         a.getNumLoops() == b.getNumLoops() &&
         llvm::all_of(llvm::zip(a.getUpperBound(), b.getUpperBound()),
                      [&](auto p) {
                        return same(std::get<0>(p), std::get<1>(p));
                      });
}

std::optional<unsigned> Sizes::idOf(Value v) {
  APInt c;
  if (matchPattern(v, m_ConstantInt(&c)))
    return pb.constant(c.getSExtValue());
  auto d = v.getDefiningOp<memref::DimOp>();
  std::optional<int64_t> index = d ? d.getConstantIndex() : std::nullopt;
  auto arg = d ? dyn_cast<BlockArgument>(d.getSource()) : nullptr;
  if (!numInputs || !index || !arg || arg.getOwner() != &f.getBody().front())
    return std::nullopt;
  unsigned i = arg.getArgNumber();
  if (i < *numInputs)
    return pb.dim(i, *index);
  unsigned j = i - *numInputs;
  if (!resultDims || j >= resultDims.size())
    return std::nullopt;
  ArrayRef<int64_t> dims = cast<DenseI64ArrayAttr>(resultDims[j]).asArrayRef();
  if (*index >= (int64_t)dims.size())
    return std::nullopt;
  return dims[*index];
}
