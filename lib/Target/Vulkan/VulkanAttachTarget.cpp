//===- VulkanAttachTarget.cpp - tg-vulkan-attach-target -------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "Graph/NodeNames.h"
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
    if (item.starts_with("matrix-op=") || item.starts_with("shared-memory="))
      continue; // vulkanMatrixOps, vulkanSharedMemory
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

std::vector<std::string> mlir::tangram::vulkanMatrixOps(StringRef spec) {
  SmallVector<StringRef> items;
  spec.split(items, ',', -1, false);
  std::vector<std::string> ops;
  for (StringRef item : items) {
    item = item.trim();
    if (item.consume_front("matrix-op="))
      ops.push_back(item.str());
  }
  return ops;
}

std::optional<unsigned> mlir::tangram::vulkanSharedMemory(StringRef spec) {
  SmallVector<StringRef> items;
  spec.split(items, ',', -1, false);
  unsigned bytes = kVulkanDefaultSharedMemory;
  for (StringRef item : items) {
    item = item.trim();
    if (!item.consume_front("shared-memory="))
      continue;
    if (item.getAsInteger(10, bytes) || bytes == 0 || bytes > (1u << 20))
      return std::nullopt;
  }
  return bytes;
}

std::vector<std::string>
mlir::tangram::vulkanCapabilitiesFor(StringRef name) {
  static const std::pair<const char *, std::vector<std::string>> needs[] = {
      {"f16", {"Float16", "StorageBuffer16BitAccess"}},
      {"f64", {"Float64"}},
      {"i8", {"Int8", "StorageBuffer8BitAccess"}},
      {"i16", {"Int16", "StorageBuffer16BitAccess"}},
      {"i64", {"Int64"}}};
  for (const auto &[type, caps] : needs)
    if (name == type)
      return caps;
  return {};
}

GPUDescription
mlir::tangram::vulkanDescription(ArrayRef<std::string> capabilities,
                                 unsigned sharedMemoryBytes) {
  auto has = [&](StringRef type) {
    return llvm::all_of(vulkanCapabilitiesFor(type), [&](const std::string &c) {
      return llvm::is_contained(capabilities, c);
    });
  };
  GPUDescription d;
  d.subgroupSize = 32;
  d.maxThreads = 128; // SPIR-V's default resource limits
  d.maxWorkgroupSize[0] = d.maxWorkgroupSize[1] = 128;
  d.maxWorkgroupSize[2] = 64;
  d.sharedMemoryBytes = sharedMemoryBytes;
  d.indexBitwidth = 32;
  d.f16 = has("f16");
  d.f64 = has("f64");
  d.i8 = has("i8");
  d.i16 = has("i16");
  d.i64 = has("i64");
  // GroupNonUniform{F,I}{Add,Mul} and S{Min,Max} are exact; SPIR-V leaves
  // FMin/FMax of a NaN undefined, so float min/max stay in workgroup
  // memory.
  if (llvm::is_contained(capabilities, "GroupNonUniform") &&
      llvm::is_contained(capabilities, "GroupNonUniformArithmetic"))
    d.subgroupReduce = {"addf", "mulf", "addi", "muli", "maxs", "mins"};
  return d;
}

namespace {

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

    GPUDescription description = vulkanDescription(names);
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
          std::string lacking = missingElementType(description, e);
          if (lacking.empty())
            return true;
          SmallVector<std::string> need;
          for (const std::string &c : vulkanCapabilitiesFor(lacking))
            if (!has(c))
              need.push_back(c);
          std::string node = nodeName(op->getLoc());
          auto diag = op->emitError("'") << op->getName() << "'";
          if (!node.empty())
            diag << " (ONNX node '" << node << "')";
          diag << " computes with " << e << ", which the Vulkan device lacks";
          if (need.empty())
            diag << " (SPIR-V has no type for it)";
          else
            diag << " (it needs the SPIR-V capabilit"
                 << (need.size() == 1 ? "y " : "ies ")
                 << llvm::join(need, " and ") << ")";
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
