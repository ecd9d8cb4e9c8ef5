//===- WriteIntoCopies.cpp - tg-cpu-write-into-copies ---------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Padding an activation for the next convolution bufferizes to: an
// elementwise generic writes the activation (bias, activation function),
// then a copy moves it into the interior of the padded buffer. Each is a
// pass over memory; the generic can write the interior directly.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "CPUTransforms.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_WRITEINTOCOPIESPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// The source and target of a copy on buffers, or nulls.
std::pair<Value, Value> copyOperands(Operation *op) {
  if (auto c = dyn_cast<memref::CopyOp>(op))
    return {c.getSource(), c.getTarget()};
  if (auto c = dyn_cast<linalg::CopyOp>(op))
    if (c.hasPureBufferSemantics())
      return {c.getInputs()[0], c.getOutputs()[0]};
  return {};
}

/// True when `g` writes every element of its one init and reads nothing of
/// it: all loops parallel, the init's map the identity, its payload
/// argument unused.
bool overwritesInit(linalg::GenericOp g) {
  if (!g.hasPureBufferSemantics() || g.getNumDpsInits() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops())
    return false;
  OpOperand *init = g.getDpsInitOperand(0);
  return g.getMatchingIndexingMap(init).isIdentity() &&
         g.getMatchingBlockArgument(init).use_empty();
}

/// The generic that `copy` (reading the buffer `src`) can absorb: the last
/// op before the copy that writes src, if it is a generic that overwrites
/// exactly src, nothing reads src in between, and nothing writes what the
/// generic reads in between (it then runs at the copy's place).
linalg::GenericOp absorbable(Operation *copy, Value src) {
  Value root = bufferRoot(src);
  SmallVector<Operation *> between;
  for (Operation *op = copy->getPrevNode(); op; op = op->getPrevNode()) {
    BufferUse use = bufferUse(op, root);
    if (use == BufferUse::None) {
      between.push_back(op);
      continue;
    }
    auto g = dyn_cast<linalg::GenericOp>(op);
    if (use == BufferUse::Reads || !g || !overwritesInit(g) ||
        g.getDpsInits()[0] != src)
      return {};
    for (Value in : g.getDpsInputs())
      if (isa<BaseMemRefType>(in.getType()))
        for (Operation *b : between)
          if (bufferUse(b, bufferRoot(in)) == BufferUse::Writes)
            return {};
    return g;
  }
  return {};
}

/// True when `src` is a buffer allocated in the copy's block whose contents
/// after `copy` are never read: the next op that names it frees it, or
/// overwrites all of it without reading it (bufferization reuses buffers).
bool deadAfter(Operation *copy, Value src) {
  Value root = bufferRoot(src);
  auto alloc = root.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != copy->getBlock())
    return false;
  for (Operation *op = copy->getNextNode(); op; op = op->getNextNode()) {
    if (!namesBuffer(op, root))
      continue;
    if (isa<memref::DeallocOp>(op))
      return true;
    auto g = dyn_cast<linalg::GenericOp>(op);
    return g && overwritesInit(g) && coversRoot(g.getDpsInits()[0], root) &&
           llvm::none_of(g.getDpsInputs(), [&](Value in) {
             return isa<BaseMemRefType>(in.getType()) &&
                    bufferRoot(in) == root;
           });
  }
  return true;
}

struct WriteIntoCopiesPass
    : public mlir::tangram::impl::WriteIntoCopiesPassBase<
          WriteIntoCopiesPass> {
  void runOnOperation() override {
    SmallVector<Operation *> copies;
    getOperation().walk([&](Operation *op) {
      if (copyOperands(op).first)
        copies.push_back(op);
    });
    for (Operation *copy : copies) {
      auto [src, dst] = copyOperands(copy);
      Value target = bufferRoot(dst);
      if (target == bufferRoot(src) || !deadAfter(copy, src))
        continue;
      linalg::GenericOp g = absorbable(copy, src);
      // Writing the target while reading a view of it could read what it
      // has just written.
      if (!g || llvm::any_of(g.getDpsInputs(), [&](Value in) {
            return isa<BaseMemRefType>(in.getType()) &&
                   bufferRoot(in) == target;
          }))
        continue;
      OpBuilder b(copy);
      Operation *moved = b.clone(*g);
      moved->setOperand(g.getDpsInitOperand(0)->getOperandNumber(), dst);
      copy->erase();
      g->erase();
    }
  }
};

} // namespace
