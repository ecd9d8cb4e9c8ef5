//===- StridedCopies.cpp - tg-cpu-strided-copies -------------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_STRIDEDCOPIESPASS
#include "tangram/Target/CPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct StridedCopiesPass
    : public mlir::tangram::impl::StridedCopiesPassBase<StridedCopiesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
  SmallVector<memref::CopyOp> copies;
  module.walk([&](memref::CopyOp c) {
    auto s = cast<MemRefType>(c.getSource().getType());
    auto t = cast<MemRefType>(c.getTarget().getType());
    if (!s.getLayout().isIdentity() || !t.getLayout().isIdentity())
      copies.push_back(c);
  });
  for (memref::CopyOp c : copies) {
    OpBuilder b(c);
    linalg::CopyOp::create(b, c.getLoc(), c.getSource(), c.getTarget());
    c.erase();
  }
  }
};
} // namespace
