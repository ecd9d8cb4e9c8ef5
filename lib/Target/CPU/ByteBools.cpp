//===- ByteBools.cpp - i1 loads and stores as bytes -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Rewrites each LLVM-dialect load and store of a scalar i1 as one of an i8
// with a trunc or zext (Passes.td says why). A bool buffer holds one byte
// per element either way, so the bytes read and written are the same.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_BYTEBOOLSPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

bool isBool(Type t) { return t.isInteger(1); }

struct ByteBoolsPass
    : public mlir::tangram::impl::ByteBoolsPassBase<ByteBoolsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> accesses;
    getOperation().walk([&](Operation *op) {
      if (auto load = dyn_cast<LLVM::LoadOp>(op);
          load && isBool(load.getType()))
        accesses.push_back(op);
      if (auto store = dyn_cast<LLVM::StoreOp>(op);
          store && isBool(store.getValue().getType()))
        accesses.push_back(op);
    });
    for (Operation *op : accesses) {
      OpBuilder b(op);
      Type byte = b.getI8Type();
      if (auto load = dyn_cast<LLVM::LoadOp>(op)) {
        auto wide = LLVM::LoadOp::create(
            b, load.getLoc(), byte, load.getAddr(),
            load.getAlignment().value_or(0), load.getVolatile_(),
            load.getNontemporal(), load.getInvariant(),
            load.getInvariantGroup(), load.getOrdering(),
            load.getSyncscope().value_or(StringRef()));
        load.replaceAllUsesWith(
            LLVM::TruncOp::create(b, load.getLoc(), b.getI1Type(), wide)
                .getResult());
        load.erase();
        continue;
      }
      auto store = cast<LLVM::StoreOp>(op);
      Value wide =
          LLVM::ZExtOp::create(b, store.getLoc(), byte, store.getValue());
      LLVM::StoreOp::create(b, store.getLoc(), wide, store.getAddr(),
                            store.getAlignment().value_or(0),
                            store.getVolatile_(), store.getNontemporal(),
                            store.getInvariantGroup(), store.getOrdering(),
                            store.getSyncscope().value_or(StringRef()));
      store.erase();
    }
  }
};
} // namespace
