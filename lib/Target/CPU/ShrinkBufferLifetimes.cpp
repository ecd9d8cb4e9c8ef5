//===- ShrinkBufferLifetimes.cpp - Allocate at first use, free after last -===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_SHRINKBUFFERLIFETIMESPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
/// The op of `block` that is or contains `op`, or null.
Operation *ancestorIn(Block *block, Operation *op) {
  while (op && op->getBlock() != block)
    op = op->getParentOp();
  return op;
}

/// The first and the last op of the alloc's block that read or write the
/// buffer `alloc` makes, other than its dealloc; null when that is not
/// known. Every value derived from the buffer (any memref an op makes from
/// it: views, casts, results of calls) is followed to its users; a user
/// that turns the buffer into something other than a memref (its address
/// as an integer, a cast out of the memref type system) could keep it alive
/// unseen, and one outside the block, a branch to another block, or a
/// second dealloc is not followed. A value yielded out of a region makes
/// the results of the region's op aliases too.
struct Uses {
  Operation *first = nullptr, *last = nullptr;
  memref::DeallocOp dealloc;
};
std::optional<Uses> usesOf(memref::AllocOp alloc) {
  Block *block = alloc->getBlock();
  llvm::SetVector<Value> aliases;
  aliases.insert(alloc.getResult());
  Uses uses;
  for (size_t i = 0; i < aliases.size(); ++i) {
    for (OpOperand &use : aliases[i].getUses()) {
      Operation *user = use.getOwner();
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        if (uses.dealloc || dealloc->getBlock() != block)
          return std::nullopt;
        uses.dealloc = dealloc;
        continue;
      }
      if (isa<memref::ExtractAlignedPointerAsIndexOp,
              UnrealizedConversionCastOp>(user))
        return std::nullopt;
      // Passed to another block: not followed.
      if (isa<BranchOpInterface>(user))
        return std::nullopt;
      Operation *at = ancestorIn(block, user);
      if (!at)
        return std::nullopt;
      if (!uses.first || at->isBeforeInBlock(uses.first))
        uses.first = at;
      if (!uses.last || uses.last->isBeforeInBlock(at))
        uses.last = at;
      for (Value result : user->getResults())
        if (isa<BaseMemRefType>(result.getType()))
          aliases.insert(result);
      // Yielded out of a region (scf.if, scf.for): the op's results too.
      if (user->hasTrait<OpTrait::IsTerminator>() && user->getParentOp())
        for (Value result : user->getParentOp()->getResults())
          if (isa<BaseMemRefType>(result.getType()))
            aliases.insert(result);
    }
  }
  return uses;
}

struct ShrinkBufferLifetimesPass
    : public mlir::tangram::impl::ShrinkBufferLifetimesPassBase<
          ShrinkBufferLifetimesPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp op) { allocs.push_back(op); });
    for (memref::AllocOp alloc : allocs) {
      std::optional<Uses> uses = usesOf(alloc);
      if (!uses || !uses->first)
        continue;
      // The allocation's sizes are defined before it, so before its uses.
      if (alloc->isBeforeInBlock(uses->first))
        alloc->moveBefore(uses->first);
      if (uses->dealloc && uses->last->isBeforeInBlock(uses->dealloc))
        uses->dealloc->moveAfter(uses->last);
    }
  }
};
} // namespace
