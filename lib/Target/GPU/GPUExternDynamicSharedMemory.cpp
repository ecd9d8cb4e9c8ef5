//===- GPUExternDynamicSharedMemory.cpp - tg-gpu-extern-dynamic-shared-memory //
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_GPUEXTERNDYNAMICSHAREDMEMORYPASS
#include "tangram/Target/GPU/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;

namespace {
struct GPUExternDynamicSharedMemoryPass
    : public mlir::tangram::impl::GPUExternDynamicSharedMemoryPassBase<
          GPUExternDynamicSharedMemoryPass> {
  void runOnOperation() override {
    for (auto g : getOperation().getOps<LLVM::GlobalOp>()) {
      // What GPUDynamicSharedMemoryOpLowering creates: a zero-size array
      // in workgroup memory (address space 3), with no value, named
      // __dynamic_shmem__N.
      auto array = dyn_cast<LLVM::LLVMArrayType>(g.getGlobalType());
      if (g.getSymName().starts_with("__dynamic_shmem__") &&
          g.getAddrSpace() == 3 && array && array.getNumElements() == 0 &&
          !g.getValueOrNull() && !g.getInitializerBlock() &&
          g.getLinkage() == LLVM::Linkage::Internal)
        g.setLinkage(LLVM::Linkage::External);
    }
  }
};
} // namespace
