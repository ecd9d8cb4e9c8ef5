//===- GPUUnshareFills.cpp - tg-gpu-unshare-fills -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUUNSHAREFILLSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct GPUUnshareFillsPass
    : public mlir::tangram::impl::GPUUnshareFillsPassBase<GPUUnshareFillsPass> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp f) {
      if (f.hasPureTensorSemantics() && !f->getResult(0).hasOneUse())
        fills.push_back(f);
    });
    for (linalg::FillOp fill : fills) {
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : fill->getResult(0).getUses())
        uses.push_back(&use);
      // Uses are listed last first; the first keeps the original.
      for (OpOperand *use : llvm::drop_end(uses)) {
        OpBuilder b(use->getOwner());
        use->set(b.clone(*fill)->getResult(0));
      }
    }
  }
};
} // namespace
