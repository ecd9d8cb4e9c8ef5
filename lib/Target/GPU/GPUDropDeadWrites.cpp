//===- GPUDropDeadWrites.cpp - tg-gpu-drop-dead-writes --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "LoopMatching.h"
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUDROPDEADWRITESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The scratch buffer `par` writes when that is all it does: stores into
/// one allocation (or views of it) that it does not read, loads, pure ops
/// and checks on data (which kernels drop), nothing else.
Value onlyWrite(scf::ParallelOp par) {
  bool other = false;
  par.getBody()->walk([&](Operation *o) {
    if (!isa<memref::LoadOp, memref::StoreOp, cf::AssertOp, scf::ReduceOp,
             scf::ForOp, scf::YieldOp, scf::ParallelOp>(o) &&
        !isMemoryEffectFree(o))
      other = true;
  });
  if (other)
    return nullptr;
  Access a = accessOf(par);
  if (a.writes.size() != 1)
    return nullptr;
  Value x = *a.writes.begin();
  if (a.reads.contains(x) || !x.getDefiningOp<memref::AllocOp>())
    return nullptr;
  return x;
}

/// Whether `store` writes every element of allocation `x` over the points
/// of `par` (from 0 by 1): its indices are `par`'s induction variables in
/// order, each running over `x`'s size there, but a unit dim's 0.
bool coversAll(memref::StoreOp store, scf::ParallelOp par, Value x,
               Sizes &sizes) {
  auto t = cast<MemRefType>(x.getType());
  auto alloc = x.getDefiningOp<memref::AllocOp>();
  if (store.getMemRef() != x)
    return false;
  unsigned nextSize = 0, nextLoop = 0;
  for (auto [d, index] : llvm::enumerate(store.getIndices())) {
    Value size = t.isDynamicDim(d) ? alloc.getDynamicSizes()[nextSize++]
                                   : Value();
    if (t.getDimSize(d) == 1 && matchPattern(index, m_Zero()))
      continue;
    if (nextLoop >= par.getNumLoops() ||
        index != par.getInductionVars()[nextLoop])
      return false;
    Value bound = par.getUpperBound()[nextLoop++];
    if (size ? !sizes.same(bound, size)
             : getConstantIntValue(bound) != t.getDimSize(d))
      return false;
  }
  return nextLoop == par.getNumLoops();
}

/// Whether `par` stores every element of allocation `x` and reads none:
/// a store in its body itself (not in a branch of it) covers `x`.
bool overwritesAll(scf::ParallelOp par, Value x, Sizes &sizes) {
  if (!fromZeroByOne(par) || par.getNumReductions() ||
      accessOf(par).reads.contains(x))
    return false;
  return llvm::any_of(par.getBody()->getOps<memref::StoreOp>(),
                      [&](memref::StoreOp st) {
                        return coversAll(st, par, x, sizes);
                      });
}

struct GPUDropDeadWritesPass
    : public mlir::tangram::impl::GPUDropDeadWritesPassBase<
          GPUDropDeadWritesPass> {
  void runOnOperation() override {
    Sizes sizes(getOperation());
    for (scf::ParallelOp par : topLevelLoops(getOperation())) {
      Value x = onlyWrite(par);
      if (!x)
        continue;
      // The next op that touches the buffer decides: a loop that writes
      // all of it first makes these writes dead.
      for (Operation *o = par->getNextNode(); o; o = o->getNextNode()) {
        if (!touches(o, x))
          continue;
        auto next = dyn_cast<scf::ParallelOp>(o);
        if (next && overwritesAll(next, x, sizes))
          par.erase();
        break;
      }
    }
  }
};

} // namespace
