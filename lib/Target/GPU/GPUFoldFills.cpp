//===- GPUFoldFills.cpp - tg-gpu-fold-fills -------------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "LoopMatching.h"
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUFOLDFILLSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// A fill: a loop from 0 by 1 whose body only stores a value of its host
/// to one element per point: its indices each induction variable once,
/// the others values of the host (a unit dim's 0).
memref::StoreOp matchFill(scf::ParallelOp par) {
  Block *body = par.getBody();
  if (par.getNumReductions() || !fromZeroByOne(par) ||
      !llvm::hasSingleElement(body->without_terminator()))
    return nullptr;
  auto store = dyn_cast<memref::StoreOp>(body->front());
  if (!store ||
      par.getRegion().isAncestor(store.getValueToStore().getParentRegion()))
    return nullptr;
  for (Value iv : par.getInductionVars())
    if (llvm::count(store.getIndices(), iv) != 1)
      return nullptr;
  for (Value i : store.getIndices())
    if (!llvm::is_contained(par.getInductionVars(), i) &&
        par.getRegion().isAncestor(i.getParentRegion()))
      return nullptr;
  return store;
}

/// The next loop after `fill` that touches its buffer, when the ops
/// between touch neither it nor its views.
scf::ParallelOp nextUser(scf::ParallelOp fill, Value buffer) {
  Value base = baseOf(buffer);
  for (Operation *o = fill->getNextNode(); o; o = o->getNextNode()) {
    if (!touches(o, base))
      continue;
    return dyn_cast<scf::ParallelOp>(o);
  }
  return nullptr;
}

struct GPUFoldFillsPass
    : public mlir::tangram::impl::GPUFoldFillsPassBase<GPUFoldFillsPass> {
  void runOnOperation() override {
    Sizes sizes(getOperation());
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk([&](scf::ParallelOp p) { loops.push_back(p); });
    for (scf::ParallelOp fill : loops) {
      memref::StoreOp store = matchFill(fill);
      if (!store)
        continue;
      Value buffer = store.getMemRef();
      scf::ParallelOp user = nextUser(fill, buffer);
      if (!user || user.getNumReductions() || !sizes.sameSpace(fill, user))
        continue;
      // The fill's element at the user's point.
      IRMapping atUser;
      atUser.map(fill.getInductionVars(), user.getInductionVars());
      SmallVector<Value> indices;
      for (Value i : store.getIndices())
        indices.push_back(atUser.lookupOrDefault(i));
      if (!pointwiseOn(user, buffer, indices))
        continue;
      // Every point of the loop stores the value first, and the points
      // are the fill's: the buffer ends as it did, each element read
      // after its store.
      OpBuilder b = OpBuilder::atBlockBegin(user.getBody());
      memref::StoreOp::create(b, store.getLoc(), store.getValueToStore(),
                              buffer, indices);
      fill.erase();
    }
  }
};
} // namespace
