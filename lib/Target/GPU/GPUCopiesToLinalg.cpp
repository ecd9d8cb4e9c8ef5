//===- GPUCopiesToLinalg.cpp - tg-gpu-copies-to-linalg --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUCOPIESTOLINALGPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct GPUCopiesToLinalgPass
    : public mlir::tangram::impl::GPUCopiesToLinalgPassBase<GPUCopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp c) { copies.push_back(c); });
    for (memref::CopyOp c : copies) {
      OpBuilder b(c);
      // A copy onto itself (left by bufferization) does nothing.
      if (c.getSource() != c.getTarget())
        linalg::CopyOp::create(b, c.getLoc(), c.getSource(), c.getTarget());
      c.erase();
    }
  }
};
} // namespace
