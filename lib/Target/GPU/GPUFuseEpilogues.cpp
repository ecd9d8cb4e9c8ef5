//===- GPUFuseEpilogues.cpp - tg-gpu-fuse-epilogues -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "KernelStrategies.h"
#include "LoopMatching.h"
#include "tangram/Target/GPU/Passes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SmallBitVector.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUFUSEEPILOGUESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The elementwise loop after accumulation `par` (a contraction, or a row
/// reduction) that reads its output, when it can run per point after the
/// accumulation's sum: the same points, a body of loads, stores and pure
/// ops, the output read (and written) only at the accumulated element
/// (`store`'s), no buffer shared with the accumulation or the ops between
/// but the output (read only by both).
/// The dim of `par` that each dim of `user` runs over, when the two run
/// over the same points: in the order `user`'s read of the accumulated
/// output gives (a residual add over [B, S, C] of an output projection made
/// as [S, B, C]: `acc[s, b, c]` read at the user's point (b, s, c)), or
/// else in the same order.
std::optional<SmallVector<unsigned>>
matchingDims(scf::ParallelOp par, scf::ParallelOp user, memref::StoreOp store,
             Sizes &sizes) {
  unsigned n = par.getNumLoops();
  if (!fromZeroByOne(par) || !fromZeroByOne(user) || user.getNumLoops() != n)
    return std::nullopt;
  // The first read of the output: its index at each position the store
  // indexes by one of par's loops is the user's loop over that dim.
  memref::LoadOp load;
  user.getBody()->walk([&](memref::LoadOp l) {
    if (!load && l.getMemRef() == store.getMemRef())
      load = l;
  });
  SmallVector<std::optional<unsigned>> parDim(n);
  if (load && load.getIndices().size() == store.getIndices().size()) {
    for (auto [s, l] : llvm::zip(store.getIndices(), load.getIndices())) {
      auto parIv = dyn_cast<BlockArgument>(s);
      auto userIv = dyn_cast<BlockArgument>(l);
      if (!parIv || !userIv || parIv.getOwner() != par.getBody() ||
          userIv.getOwner() != user.getBody())
        continue;
      // A loop read at two of par's dims matches neither (`n`).
      std::optional<unsigned> &d = parDim[userIv.getArgNumber()];
      d = d && *d != parIv.getArgNumber() ? n : parIv.getArgNumber();
    }
  }
  SmallVector<unsigned> dims;
  llvm::SmallBitVector seen(n);
  for (auto [k, d] : llvm::enumerate(parDim)) {
    if (!d || *d == n || seen.test(*d) ||
        !sizes.same(user.getUpperBound()[k], par.getUpperBound()[*d]))
      break;
    seen.set(*d);
    dims.push_back(*d);
  }
  if (dims.size() == n)
    return dims;
  if (sizes.sameSpace(par, user))
    return llvm::to_vector(llvm::seq<unsigned>(0, n));
  return std::nullopt;
}

scf::ParallelOp fusibleEpilogue(scf::ParallelOp par, memref::StoreOp store,
                                Sizes &sizes, SmallVector<unsigned> &dims) {
  Value out = store.getMemRef();
  Value base = baseOf(out);
  Access between;
  scf::ParallelOp user;
  for (Operation *o = par->getNextNode(); o; o = o->getNextNode()) {
    // A view of the output (a reshape to [1, M, N]) reads nothing.
    if (isa<ViewLikeOpInterface>(o) && isMemoryEffectFree(o))
      continue;
    if (touches(o, base)) {
      user = dyn_cast<scf::ParallelOp>(o);
      break;
    }
    addAccess(between, o);
  }
  if (!user || user.getNumReductions())
    return nullptr;
  readThroughUnitDimViews(user, out);
  std::optional<SmallVector<unsigned>> matched =
      matchingDims(par, user, store, sizes);
  if (!matched)
    return nullptr;
  dims = *matched;
  // The contraction's element at the user's point.
  IRMapping atUser;
  for (auto [k, d] : llvm::enumerate(dims))
    atUser.map(par.getInductionVars()[d], user.getInductionVars()[k]);
  SmallVector<Value> element;
  for (Value i : store.getIndices()) {
    if (par.getRegion().isAncestor(i.getParentRegion()) &&
        !llvm::is_contained(par.getInductionVars(), i))
      return nullptr;
    element.push_back(atUser.lookupOrDefault(i));
  }
  for (Operation &o : user.getBody()->without_terminator()) {
    if (o.getNumRegions())
      return nullptr;
    if (!isa<memref::LoadOp, memref::StoreOp>(o) && !isMemoryEffectFree(&o))
      return nullptr;
  }
  if (!pointwiseOn(user, out, element))
    return nullptr;
  Access e = accessOf(user), p = accessOf(par);
  e.reads.erase(base);
  e.writes.erase(base);
  p.writes.erase(base);
  p.reads.erase(base);
  if (conflict(e, p) || conflict(e, between))
    return nullptr;
  return user;
}

struct GPUFuseEpiloguesPass
    : public mlir::tangram::impl::GPUFuseEpiloguesPassBase<
          GPUFuseEpiloguesPass> {
  void runOnOperation() override {
    Sizes sizes(getOperation());
    SmallVector<scf::ParallelOp> loops = topLevelLoops(getOperation());
    llvm::SmallPtrSet<Operation *, 8> fused;
    for (scf::ParallelOp par : loops) {
      if (fused.contains(par))
        continue;
      // A contraction's sum, or a row reduction's, with no epilogue yet.
      memref::StoreOp store;
      if (std::optional<Contraction> c = matchContraction(par)) {
        if (c->epilogue.ops.empty())
          store = c->store;
      } else if (std::optional<RowReduction> r = matchRowReduction(par)) {
        if (r->epilogue.ops.empty())
          store = r->store;
      }
      if (!store)
        continue;
      SmallVector<unsigned> dims;
      scf::ParallelOp user = fusibleEpilogue(par, store, sizes, dims);
      if (!user)
        continue;
      llvm::SetVector<Value> used;
      getUsedValuesDefinedAbove(user.getRegion(), used);
      if (!llvm::all_of(used, [&](Value v) { return hoistBefore(v, par); }))
        continue;
      // The user's body at the end of each point of the contraction.
      IRMapping m;
      for (auto [k, d] : llvm::enumerate(dims))
        m.map(user.getInductionVars()[k], par.getInductionVars()[d]);
      OpBuilder b(par.getBody()->getTerminator());
      for (Operation &o : user.getBody()->without_terminator())
        b.clone(o, m);
      fused.insert(user);
      user.erase();
    }
  }
};
} // namespace
