//===- GPUSinkIntoBranches.cpp - tg-gpu-sink-into-branches ----------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUSINKINTOBRANCHESPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using bufferization::MaterializeInDestinationOp;

namespace {

/// The write of each result of `branch` to its destination, or an empty
/// list when a result has another use.
SmallVector<MaterializeInDestinationOp> destinationWrites(Operation *branch) {
  SmallVector<MaterializeInDestinationOp> writes;
  for (Value r : branch->getResults()) {
    if (!r.hasOneUse())
      return {};
    auto m = dyn_cast<MaterializeInDestinationOp>(*r.getUsers().begin());
    if (!m || m.getSource() != r || !isa<BaseMemRefType>(m.getDest().getType()))
      return {};
    writes.push_back(m);
  }
  return writes;
}

/// `branch` without results: each region writes what it yielded.
void sink(Operation *branch, MutableArrayRef<MaterializeInDestinationOp> writes) {
  OpBuilder b(branch);
  OperationState state(branch->getLoc(), branch->getName());
  state.addOperands(branch->getOperands());
  state.propertiesAttr = branch->getPropertiesAsAttribute();
  for (NamedAttribute a : branch->getDiscardableAttrs())
    state.addAttribute(a.getName(), a.getValue());
  for (unsigned i = 0; i < branch->getNumRegions(); ++i)
    state.addRegion();
  Operation *fresh = b.create(state);
  for (unsigned i = 0; i < branch->getNumRegions(); ++i) {
    Region &region = fresh->getRegion(i);
    region.takeBody(branch->getRegion(i));
    if (region.empty())
      continue;
    Operation *yield = region.front().getTerminator();
    OpBuilder yb(yield);
    for (auto [v, w] : llvm::zip(yield->getOperands(), writes))
      MaterializeInDestinationOp::create(yb, w.getLoc(), TypeRange(), v,
                                         w.getDest(), w.getRestrict(),
                                         w.getWritable());
    yield->setOperands({});
  }
  for (MaterializeInDestinationOp w : writes)
    w.erase();
  branch->erase();
}

struct GPUSinkIntoBranchesPass
    : public mlir::tangram::impl::GPUSinkIntoBranchesPassBase<
          GPUSinkIntoBranchesPass> {
  void runOnOperation() override {
    SmallVector<Operation *> branches;
    getOperation().walk([&](Operation *op) {
      if (isa<scf::IndexSwitchOp, scf::IfOp>(op) && op->getNumResults())
        branches.push_back(op);
    });
    // Inner branches first: an outer case then yields the inner result.
    for (Operation *branch : branches) {
      SmallVector<MaterializeInDestinationOp> writes = destinationWrites(branch);
      if (!writes.empty())
        sink(branch, writes);
    }
  }
};

} // namespace
