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

/// 16 bytes: matrix fragment loads (ldmatrix) read 16-byte rows.
constexpr uint64_t kAlign = 16;

/// Bits of one element of type `t`: an index is 64 bits (the LLVM
/// targets' indices), a vector or complex number its elements'.
uint64_t bitsOf(Type t) {
  if (auto v = dyn_cast<VectorType>(t))
    return v.getNumElements() * bitsOf(v.getElementType());
  if (auto c = dyn_cast<ComplexType>(t))
    return 2 * bitsOf(c.getElementType());
  if (t.isIntOrFloat())
    return t.getIntOrFloatBitWidth();
  return 64;
}

/// Bytes of a static workgroup allocation of type `t`.
uint64_t bytesOf(MemRefType t) {
  return t.getNumElements() * llvm::divideCeil(bitsOf(t.getElementType()), 8);
}

SmallVector<memref::AllocOp> workgroupAllocs(gpu::GPUFuncOp f) {
  SmallVector<memref::AllocOp> allocs;
  f.walk([&](memref::AllocOp a) {
    if (isWorkgroupSpace(a.getType().getMemorySpace()))
      allocs.push_back(a);
  });
  return allocs;
}

struct GPUWorkgroupAttributionsPass
    : public mlir::tangram::impl::GPUWorkgroupAttributionsPassBase<
          GPUWorkgroupAttributionsPass> {
  void runOnOperation() override {
    auto workgroup = gpu::AddressSpaceAttr::get(&getContext(),
                                                gpu::AddressSpace::Workgroup);
    WalkResult r = getOperation().walk([&](gpu::GPUFuncOp f) {
      SmallVector<memref::AllocOp> allocs = workgroupAllocs(f);
      for (memref::AllocOp a : allocs)
        if (a->getBlock() != &f.getBody().front() ||
            !a.getType().hasStaticShape()) {
          a.emitError("workgroup memory must be allocated with a static "
                      "shape at the top of the kernel");
          return WalkResult::interrupt();
        }
      auto dynamic = f->getAttrOfType<IntegerAttr>(
          tangram::kDynamicSharedMemoryAttr);
      if (dynamic) {
        f->removeAttr(tangram::kDynamicSharedMemoryAttr);
        uint64_t bytes = tangram::workgroupMemoryBytes(f);
        if (bytes > dynamic.getValue().getZExtValue()) {
          f.emitError("workgroup memory of ")
              << bytes << " bytes does not fit the "
              << dynamic.getValue().getZExtValue()
              << " given at launch";
          return WalkResult::interrupt();
        }
      }
      // Workgroup memory given at launch: each allocation a view of it.
      Value base;
      uint64_t offset = 0;
      for (memref::AllocOp a : allocs) {
        MemRefType t = a.getType();
        auto type = MemRefType::get(t.getShape(), t.getElementType(),
                                    t.getLayout(), workgroup);
        Value replacement;
        if (dynamic) {
          OpBuilder b(a);
          if (!base)
            base = gpu::DynamicSharedMemoryOp::create(
                b, a.getLoc(),
                MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                AffineMap(), workgroup));
          Value at = arith::ConstantIndexOp::create(b, a.getLoc(), offset);
          replacement = memref::ViewOp::create(b, a.getLoc(), type, base, at,
                                               ValueRange());
          offset += llvm::alignTo(bytesOf(t), kAlign);
        } else {
          replacement = f.addWorkgroupAttribution(type, a.getLoc());
          f.setWorkgroupAttributionAttr(
              f.getNumWorkgroupAttributions() - 1,
              LLVM::LLVMDialect::getAlignAttrName(),
              IntegerAttr::get(IntegerType::get(&getContext(), 64), kAlign));
        }
        a.getResult().replaceAllUsesWith(replacement);
        a.erase();
      }
      return WalkResult::advance();
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

uint64_t mlir::tangram::workgroupMemoryBytes(gpu::GPUFuncOp kernel) {
  uint64_t bytes = 0;
  for (memref::AllocOp a : workgroupAllocs(kernel))
    if (a.getType().hasStaticShape())
      bytes += llvm::alignTo(bytesOf(a.getType()), kAlign);
  return bytes;
}
