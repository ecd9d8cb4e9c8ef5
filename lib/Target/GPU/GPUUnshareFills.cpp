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
      // The uses an op writes into (a matmul's init); other uses (a
      // tensor.extract, a dim) only read, and keep the fill.
      SmallVector<OpOperand *> written;
      bool read = false;
      for (OpOperand &use : fill->getResult(0).getUses()) {
        auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
        if (dps && dps.isDpsInit(&use))
          written.push_back(&use);
        else
          read = true;
      }
      // Uses are listed last first; the first writer keeps the original
      // unless something reads it.
      if (!read && !written.empty())
        written.pop_back();
      for (OpOperand *use : written) {
        OpBuilder b(use->getOwner());
        use->set(b.clone(*fill)->getResult(0));
      }
    }
  }
};
} // namespace
