//===- GPUWorkgroupAttributions.cpp - tg-gpu-workgroup-attributions -------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUWORKGROUPATTRIBUTIONSPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {

/// Memory space 3 as the kernel strategies write it.
bool isWorkgroupSpace(Attribute space) {
  if (auto i = dyn_cast_or_null<IntegerAttr>(space))
    return i.getInt() == 3;
  if (auto a = dyn_cast_or_null<gpu::AddressSpaceAttr>(space))
    return a.getValue() == gpu::AddressSpace::Workgroup;
  return false;
}

struct GPUWorkgroupAttributionsPass
    : public mlir::tangram::impl::GPUWorkgroupAttributionsPassBase<
          GPUWorkgroupAttributionsPass> {
  void runOnOperation() override {
    auto workgroup = gpu::AddressSpaceAttr::get(&getContext(),
                                                gpu::AddressSpace::Workgroup);
    WalkResult r = getOperation().walk([&](gpu::GPUFuncOp f) {
      SmallVector<memref::AllocOp> allocs;
      f.walk([&](memref::AllocOp a) {
        if (isWorkgroupSpace(a.getType().getMemorySpace()))
          allocs.push_back(a);
      });
      for (memref::AllocOp a : allocs) {
        MemRefType t = a.getType();
        if (a->getBlock() != &f.getBody().front() || !t.hasStaticShape()) {
          a.emitError("workgroup memory must be allocated with a static "
                      "shape at the top of the kernel");
          return WalkResult::interrupt();
        }
        auto type = MemRefType::get(t.getShape(), t.getElementType(),
                                    t.getLayout(), workgroup);
        Value attribution = f.addWorkgroupAttribution(type, a.getLoc());
        // 16 bytes: matrix fragment loads (ldmatrix) read 16-byte rows.
        f.setWorkgroupAttributionAttr(
            f.getNumWorkgroupAttributions() - 1,
            LLVM::LLVMDialect::getAlignAttrName(),
            IntegerAttr::get(IntegerType::get(&getContext(), 64), 16));
        a.getResult().replaceAllUsesWith(attribution);
        a.erase();
      }
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
