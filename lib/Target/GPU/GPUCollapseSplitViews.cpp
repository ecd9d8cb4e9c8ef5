//===- GPUCollapseSplitViews.cpp - tg-gpu-collapse-split-views ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A matmul over a batch of rows runs on [B * S, N] and its result is read
// back as [B, S, N]: with B and S known only at run time, that view splits
// one dim into two, and the elementwise loop after the matmul (a bias, an
// activation) runs over [B, S, N] points where the matmul ran over
// [B * S, N]. tg-gpu-fuse-epilogues fuses loops over the same points
// only, so the bias stays a kernel of its own. This pass runs such a loop
// over [B * S, N] instead, when each of its accesses can name the merged
// dim: then the split view is read as the buffer it views.
//
//===----------------------------------------------------------------------===//
#include "LoopMatching.h"
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUCOLLAPSESPLITVIEWSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Whether two sizes are one: one value, or equal constants.
bool sameSize(OpFoldResult a, OpFoldResult b) {
  if (auto x = getConstantIntValue(a))
    return getConstantIntValue(b) == x;
  return !getConstantIntValue(b) && cast<Value>(a) == cast<Value>(b);
}

/// Whether `p` is the product `a * b` of sizes: folded constants, a
/// factor of 1, or an `arith.muli` of the two.
bool isProduct(OpFoldResult p, OpFoldResult a, OpFoldResult b) {
  auto ca = getConstantIntValue(a), cb = getConstantIntValue(b);
  if (ca && cb)
    return getConstantIntValue(p) == *ca * *cb;
  if (ca == 1)
    return sameSize(p, b);
  if (cb == 1)
    return sameSize(p, a);
  auto v = dyn_cast<Value>(p);
  auto mul = v ? v.getDefiningOp<arith::MulIOp>() : arith::MulIOp();
  if (!mul)
    return false;
  OpFoldResult l = getAsOpFoldResult(mul.getLhs()),
               r = getAsOpFoldResult(mul.getRhs());
  return (sameSize(l, a) && sameSize(r, b)) ||
         (sameSize(l, b) && sameSize(r, a));
}

/// A buffer's offset, sizes and strides as the ops that make it name them:
/// a `memref.reinterpret_cast`, or an allocation of identity layout
/// (row-major strides, made as constants or `arith.muli` when asked).
struct Layout {
  Value source; ///< What a reinterpret_cast views (null otherwise).
  OpFoldResult offset;
  SmallVector<OpFoldResult> sizes, strides;
};

std::optional<Layout> layoutOf(Value m, OpBuilder *b = nullptr,
                               Location loc = UnknownLoc()) {
  if (auto view = m.getDefiningOp<memref::ReinterpretCastOp>())
    return Layout{view.getSource(), view.getMixedOffsets()[0],
                  view.getMixedSizes(), view.getMixedStrides()};
  auto t = cast<MemRefType>(m.getType());
  auto alloc = m.getDefiningOp<memref::AllocOp>();
  if (!alloc || !t.getLayout().isIdentity())
    return std::nullopt;
  Builder attrs(m.getContext());
  Layout l{Value(), attrs.getIndexAttr(0), {}, {}};
  unsigned next = 0;
  for (int64_t i = 0; i < t.getRank(); ++i)
    l.sizes.push_back(t.isDynamicDim(i)
                          ? OpFoldResult(alloc.getDynamicSizes()[next++])
                          : OpFoldResult(attrs.getIndexAttr(t.getDimSize(i))));
  if (!b)
    return l;
  l.strides = rowMajorStrides(*b, loc, l.sizes);
  return l;
}

/// Whether dims `d`, `d + 1` of `m` can merge: its sizes there are the
/// loop's `a` and `b`, and its layout is contiguous across them.
bool canMerge(Value m, int64_t d, OpFoldResult a, OpFoldResult b) {
  std::optional<Layout> l = layoutOf(m);
  if (!l || d + 1 >= (int64_t)l->sizes.size() ||
      !sameSize(l->sizes[d], a) || !sameSize(l->sizes[d + 1], b))
    return false;
  // An allocation is contiguous; a view must say so in its strides.
  return !l->source ||
         isProduct(l->strides[d], l->sizes[d + 1], l->strides[d + 1]);
}

/// The buffer `m` views when `m` splits its dim `d` into dims `d` and
/// `d + 1` of sizes `a` and `b` and is otherwise the buffer itself (offset
/// 0, the same sizes, row-major strides); else null.
Value splitSource(Value m, int64_t d, OpFoldResult a, OpFoldResult b) {
  auto view = m.getDefiningOp<memref::ReinterpretCastOp>();
  if (!view || getConstantIntValue(view.getMixedOffsets()[0]) != 0)
    return nullptr;
  std::optional<Layout> src = layoutOf(view.getSource());
  SmallVector<OpFoldResult> sizes = view.getMixedSizes(),
                            strides = view.getMixedStrides();
  if (!src || src->sizes.size() + 1 != sizes.size() ||
      getConstantIntValue(strides.back()) != 1)
    return nullptr;
  for (size_t k = 0; k + 1 < sizes.size(); ++k)
    if (!isProduct(strides[k], sizes[k + 1], strides[k + 1]))
      return nullptr;
  for (int64_t k = 0; k < (int64_t)src->sizes.size(); ++k) {
    bool same = k < d   ? sameSize(src->sizes[k], sizes[k])
                : k > d ? sameSize(src->sizes[k], sizes[k + 1])
                        : isProduct(src->sizes[k], a, b);
    if (!same)
      return nullptr;
  }
  return view.getSource();
}

/// A view of `m` with dims `d` and `d + 1` merged into one of size
/// `merged` (contiguous across them: the merged dim strides as `d + 1`).
Value mergedView(OpBuilder &b, Location loc, Value m, int64_t d,
                 OpFoldResult merged) {
  Layout l = *layoutOf(m, &b, loc);
  l.sizes[d] = merged;
  l.sizes.erase(l.sizes.begin() + d + 1);
  l.strides.erase(l.strides.begin() + d);
  SmallVector<int64_t> staticSizes, staticStrides;
  SmallVector<Value> dynSizes, dynStrides;
  dispatchIndexOpFoldResults(l.sizes, dynSizes, staticSizes);
  dispatchIndexOpFoldResults(l.strides, dynStrides, staticStrides);
  auto t = cast<MemRefType>(m.getType());
  auto type = MemRefType::get(
      staticSizes, t.getElementType(),
      StridedLayoutAttr::get(
          b.getContext(),
          getConstantIntValue(l.offset).value_or(ShapedType::kDynamic),
          staticStrides),
      t.getMemorySpace());
  return memref::ReinterpretCastOp::create(
      b, loc, type, l.source ? l.source : m, l.offset, l.sizes, l.strides);
}

/// Whether the last loop before `par` that touches `base` is an
/// accumulation (a loop with a loop inside: a matmul's) that writes it:
/// `par` can then become its epilogue.
bool accumulatedBefore(scf::ParallelOp par, Value base) {
  for (Operation *o = par->getPrevNode(); o; o = o->getPrevNode()) {
    if (isa<ViewLikeOpInterface>(o) || !touches(o, base))
      continue;
    bool nested = false;
    o->walk([&](scf::ForOp) { nested = true; });
    return isa<scf::ParallelOp>(o) && nested &&
           accessOf(o).writes.contains(base);
  }
  return false;
}

/// An access of the loop that names the merged dims at `dim`, `dim + 1` of
/// its buffer.
struct MergedAccess {
  Operation *op;
  Value buffer;
  int64_t dim;
};

/// Collapses dims `d`, `d + 1` of `par` when every use of their induction
/// variables is a pair of consecutive indices of a load or store whose
/// buffer can merge them, and some load reads a view that splits one dim
/// of its buffer into those two. Returns the new loop, or null.
scf::ParallelOp collapse(scf::ParallelOp par, unsigned d) {
  Value i = par.getInductionVars()[d], j = par.getInductionVars()[d + 1];
  OpFoldResult a = getAsOpFoldResult(par.getUpperBound()[d]),
               bSize = getAsOpFoldResult(par.getUpperBound()[d + 1]);
  SmallVector<MergedAccess> accesses;
  for (Value iv : {i, j})
    for (OpOperand &use : iv.getUses()) {
      Operation *o = use.getOwner();
      auto ld = dyn_cast<memref::LoadOp>(o);
      auto st = dyn_cast<memref::StoreOp>(o);
      if (!ld && !st)
        return nullptr;
      Value m = ld ? ld.getMemRef() : st.getMemRef();
      SmallVector<Value> idx = ld ? ld.getIndices() : st.getIndices();
      auto at = llvm::find(idx, i);
      if (at == idx.end() || at + 1 == idx.end() || *(at + 1) != j ||
          llvm::count(idx, i) != 1 || llvm::count(idx, j) != 1 ||
          (!ld && st.getValueToStore() == iv))
        return nullptr;
      int64_t p = at - idx.begin();
      if (!canMerge(m, p, a, bSize))
        return nullptr;
      if (iv == i)
        accesses.push_back({o, m, p});
    }
  // The size of the merged dim: the one the split buffer names. Only a
  // buffer an accumulation wrote last counts: merged, this loop can
  // become its epilogue. A loop that reads it after another reader (a
  // row program's last phase) keeps the points of the loops it follows.
  OpFoldResult merged;
  for (const MergedAccess &x : accesses)
    if (isa<memref::LoadOp>(x.op))
      if (Value src = splitSource(x.buffer, x.dim, a, bSize);
          src && accumulatedBefore(par, baseOf(src))) {
        std::optional<Layout> l = layoutOf(src);
        merged = l->sizes[x.dim];
        break;
      }
  if (!merged)
    return nullptr;
  Value mergedValue = dyn_cast<Value>(merged);
  if (mergedValue && !mergedValue.getParentRegion()->isAncestor(
                         par->getParentRegion()))
    return nullptr;

  OpBuilder b(par);
  Location loc = par.getLoc();
  DenseMap<std::pair<Value, int64_t>, Value> views;
  for (const MergedAccess &x : accesses) {
    Value &v = views[{x.buffer, x.dim}];
    if (v)
      continue;
    v = splitSource(x.buffer, x.dim, a, bSize);
    if (!v)
      v = mergedView(b, loc, x.buffer, x.dim, merged);
  }

  // The new loop: the merged dim at `d`, the others as they were.
  auto withMerged = [&](ValueRange r, Value at) {
    SmallVector<Value> out(r);
    out[d] = at;
    out.erase(out.begin() + d + 1);
    return out;
  };
  auto loop = scf::ParallelOp::create(
      b, loc, withMerged(par.getLowerBound(), par.getLowerBound()[d]),
      withMerged(par.getUpperBound(),
                 getValueOrCreateConstantIndexOp(b, loc, merged)),
      withMerged(par.getStep(), par.getStep()[d]), ValueRange{});
  IRMapping map;
  SmallVector<Value> ivs = loop.getInductionVars();
  for (unsigned k = 0, n = 0; k < par.getNumLoops(); ++k)
    if (k != d + 1)
      map.map(par.getInductionVars()[k], ivs[n++]);
  OpBuilder inner = OpBuilder::atBlockBegin(loop.getBody());
  for (Operation &o : par.getBody()->without_terminator()) {
    const MergedAccess *x = llvm::find_if(
        accesses, [&](const MergedAccess &y) { return y.op == &o; });
    if (x == accesses.end()) {
      inner.clone(o, map);
      continue;
    }
    Value view = views[{x->buffer, x->dim}];
    auto remap = [&](ValueRange idx) {
      SmallVector<Value> out;
      for (auto [k, v] : llvm::enumerate(idx))
        if ((int64_t)k != x->dim + 1)
          out.push_back(map.lookupOrDefault(v));
      return out;
    };
    if (auto ld = dyn_cast<memref::LoadOp>(o)) {
      map.map(ld.getResult(), memref::LoadOp::create(inner, ld.getLoc(), view,
                                                     remap(ld.getIndices()))
                                  .getResult());
      continue;
    }
    auto st = cast<memref::StoreOp>(o);
    memref::StoreOp::create(inner, st.getLoc(),
                            map.lookupOrDefault(st.getValueToStore()), view,
                            remap(st.getIndices()));
  }
  par.erase();
  return loop;
}

/// An elementwise loop: from 0 by 1, no reductions, a body of loads,
/// stores and pure ops.
bool isElementwise(scf::ParallelOp par) {
  if (par.getNumReductions() || !fromZeroByOne(par) || par.getNumLoops() < 2)
    return false;
  return llvm::all_of(par.getBody()->without_terminator(), [](Operation &o) {
    return !o.getNumRegions() &&
           (isa<memref::LoadOp, memref::StoreOp>(o) || isMemoryEffectFree(&o));
  });
}

struct GPUCollapseSplitViewsPass
    : public mlir::tangram::impl::GPUCollapseSplitViewsPassBase<
          GPUCollapseSplitViewsPass> {
  void runOnOperation() override {
    for (scf::ParallelOp par : topLevelLoops(getOperation())) {
      if (!isElementwise(par))
        continue;
      // Merge pairs of dims while a merge reads a split view as the
      // buffer it views.
      for (unsigned d = 0; d + 1 < par.getNumLoops();) {
        if (scf::ParallelOp next = collapse(par, d))
          par = next;
        else
          ++d;
      }
    }
  }
};

} // namespace
