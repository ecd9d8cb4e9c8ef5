//===- GPUDropDataChecks.cpp - tg-gpu-drop-data-checks --------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUDROPDATACHECKSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct GPUDropDataChecksPass
    : public mlir::tangram::impl::GPUDropDataChecksPassBase<
          GPUDropDataChecksPass> {
  void runOnOperation() override {
    // Checks inside a parallel loop are on data (a gather's index): a
    // kernel cannot stop the launch, so tg-gpu-build-kernels would drop
    // them. Dropped here, they leave the loop-level passes bodies of
    // loads, stores and arithmetic to match. Checks on sizes, outside the
    // loops, stay: the host makes them.
    getOperation().walk([](cf::AssertOp a) {
      if (a->getParentOfType<scf::ParallelOp>())
        a.erase();
    });
  }
};
} // namespace
