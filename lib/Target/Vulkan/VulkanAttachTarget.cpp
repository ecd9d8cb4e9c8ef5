//===- VulkanAttachTarget.cpp - tg-vulkan-attach-target -------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/GPU/GPUTarget.h"
#include "tangram/Target/Vulkan/Passes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::tangram {
#define GEN_PASS_DEF_VULKANATTACHTARGETPASS
#include "tangram/Target/Vulkan/Passes.h.inc"
} // namespace mlir::tangram

using namespace mlir;
using namespace mlir::tangram;

std::vector<std::string> mlir::tangram::vulkanCapabilities(StringRef spec) {
  // Desktop-class Vulkan 1.2 compute (what lavapipe and current NVIDIA and
  // AMD drivers report).
  std::vector<std::string> caps = {
      "Shader",         "Int8",     "Int16",
      "Int64",          "Float16",  "Float64",
      "StorageBuffer8BitAccess",    "StorageBuffer16BitAccess",
      "GroupNonUniform", "GroupNonUniformArithmetic",
      "GroupNonUniformShuffle"};
  SmallVector<StringRef> items;
  spec.split(items, ',', -1, false);
  bool replaced = false;
  for (StringRef item : items) {
    item = item.trim();
    if (item.consume_front("-")) {
      llvm::erase(caps, item.str());
    } else {
      bool add = item.consume_front("+");
      if (!add && !replaced) {
        caps.clear();
        replaced = true;
      }
      if (!llvm::is_contained(caps, item.str()))
        caps.push_back(item.str());
    }
  }
  return caps;
}

namespace {

/// The ONNX node of an op (the first name in its location), for messages.
std::string nodeName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc))
    return n.getName().str();
  if (auto f = dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations()) {
      std::string s = nodeName(l);
      if (!s.empty())
        return s;
    }
  return "";
}

struct VulkanAttachTargetPass
    : public mlir::tangram::impl::VulkanAttachTargetPassBase<VulkanAttachTargetPass> {
  using VulkanAttachTargetPassBase::VulkanAttachTargetPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    std::vector<std::string> names = vulkanCapabilities(capabilities);
    SmallVector<spirv::Capability> caps;
    for (const std::string &n : names) {
      std::optional<spirv::Capability> c = spirv::symbolizeCapability(n);
      if (!c) {
        module.emitError("unknown SPIR-V capability '") << n << "'";
        return signalPassFailure();
      }
      caps.push_back(*c);
    }
    auto has = [&](StringRef n) { return llvm::is_contained(names, n.str()); };
    SmallVector<spirv::Extension> exts = {
        spirv::Extension::SPV_KHR_storage_buffer_storage_class};
    if (has("StorageBuffer8BitAccess"))
      exts.push_back(spirv::Extension::SPV_KHR_8bit_storage);
    if (has("StorageBuffer16BitAccess"))
      exts.push_back(spirv::Extension::SPV_KHR_16bit_storage);
    auto triple = spirv::VerCapExtAttr::get(spirv::Version::V_1_3, caps, exts,
                                            ctx);
    module->setAttr(spirv::getTargetEnvAttrName(),
                    spirv::TargetEnvAttr::get(
                        triple, spirv::getDefaultResourceLimits(ctx),
                        spirv::ClientAPI::Vulkan));

    // What each element type needs.
    auto missing = [&](Type t) -> std::string {
      if (t.isF64())
        return has("Float64") ? "" : "Float64";
      if (t.isF16())
        return !has("Float16") ? "Float16"
               : !has("StorageBuffer16BitAccess") ? "StorageBuffer16BitAccess"
                                                  : "";
      if (t.isInteger(64))
        return has("Int64") ? "" : "Int64";
      if (t.isInteger(16))
        return !has("Int16") ? "Int16"
               : !has("StorageBuffer16BitAccess") ? "StorageBuffer16BitAccess"
                                                  : "";
      if (t.isInteger(8))
        return !has("Int8") ? "Int8"
               : !has("StorageBuffer8BitAccess") ? "StorageBuffer8BitAccess"
                                                 : "";
      if (t.isF32() || t.isInteger(32) || t.isInteger(1) || t.isIndex())
        return "";
      return "a SPIR-V type for it";
    };
    WalkResult r = module.walk([&](gpu::GPUFuncOp f) {
      if (!f.isKernel())
        return WalkResult::advance();
      if (auto size = f.getKnownBlockSizeAttr())
        f->setAttr(spirv::getEntryPointABIAttrName(),
                   spirv::getEntryPointABIAttr(ctx, size.asArrayRef()));
      WalkResult inner = f.walk([&](Operation *op) {
        // Bitcasts of stored bf16 and 8-bit floats fold away when their
        // conversions are expanded; what is left is checked at its users.
        if (isa<arith::BitcastOp>(op))
          return WalkResult::advance();
        auto check = [&](Type t) {
          Type e = getElementTypeOrSelf(t);
          std::string need = missing(e);
          if (need.empty())
            return true;
          std::string node = nodeName(op->getLoc());
          auto diag = op->emitError("'") << op->getName() << "'";
          if (!node.empty())
            diag << " (ONNX node '" << node << "')";
          diag << " computes with " << e << ", which the Vulkan device lacks"
               << " (it needs the SPIR-V capability " << need << ")";
          return false;
        };
        for (Type t : op->getOperandTypes())
          if (!check(t))
            return WalkResult::interrupt();
        for (Type t : op->getResultTypes())
          if (!check(t))
            return WalkResult::interrupt();
        return WalkResult::advance();
      });
      return inner;
    });
    if (r.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
