//===- GPUExpandTrunc.cpp - tg-gpu-expand-trunc ---------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUEXPANDTRUNCPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct GPUExpandTruncPass
    : public mlir::tangram::impl::GPUExpandTruncPassBase<GPUExpandTruncPass> {
  void runOnOperation() override {
    SmallVector<math::TruncOp> truncs;
    getOperation().walk([&](math::TruncOp t) { truncs.push_back(t); });
    for (math::TruncOp t : truncs) {
      OpBuilder b(t);
      Location loc = t.getLoc();
      Value x = t.getOperand();
      Value floor = math::FloorOp::create(b, loc, math::AbsFOp::create(b, loc, x));
      t.replaceAllUsesWith(math::CopySignOp::create(b, loc, floor, x).getResult());
      t.erase();
    }
  }
};
} // namespace
