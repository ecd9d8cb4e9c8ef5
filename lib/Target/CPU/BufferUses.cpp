//===- BufferUses.cpp - which ops read or write a buffer ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The buffer-level CPU passes (tg-cpu-use-microkernels,
// tg-cpu-write-into-copies) rewrite a write when they can tell, within one
// block, what else reads or writes the same buffer in between. A buffer is
// named by its root (the allocation or argument its views come from).
//
//===----------------------------------------------------------------------===//
#include "CPUTransforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

Value mlir::tangram::bufferRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      break;
    v = view.getViewSource();
  }
  return v;
}

bool mlir::tangram::coversRoot(Value v, Value root) {
  while (v != root) {
    Operation *def = v.getDefiningOp();
    if (auto e = dyn_cast_or_null<memref::ExpandShapeOp>(def))
      v = e.getSrc();
    else if (auto c = dyn_cast_or_null<memref::CollapseShapeOp>(def))
      v = c.getSrc();
    else if (auto c = dyn_cast_or_null<memref::CastOp>(def))
      v = c.getSource();
    else
      return false;
  }
  return true;
}

bool mlir::tangram::namesBuffer(Operation *op, Value root) {
  return op
      ->walk([&](Operation *nested) {
        for (Value v : nested->getOperands())
          if (isa<BaseMemRefType>(v.getType()) && bufferRoot(v) == root)
            return WalkResult::interrupt();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

mlir::tangram::BufferUse mlir::tangram::bufferUse(Operation *op, Value root) {
  auto iface = dyn_cast<MemoryEffectOpInterface>(op);
  if (!iface)
    return namesBuffer(op, root) ? BufferUse::Writes : BufferUse::None;
  SmallVector<MemoryEffects::EffectInstance> effects;
  iface.getEffects(effects);
  BufferUse use = BufferUse::None;
  for (const MemoryEffects::EffectInstance &e : effects) {
    Value v = e.getValue();
    if (v && bufferRoot(v) != root)
      continue;
    if (isa<MemoryEffects::Read>(e.getEffect()))
      use = BufferUse::Reads;
    else
      return BufferUse::Writes; // a write, free or allocation, or one on no value
  }
  return use;
}
