//===- VulkanBackend.cpp - SPIR-V compute kernels for Vulkan --------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The shared GPU pipeline (kernels + host programs), then: target env and
// workgroup sizes (tg-vulkan-attach-target), math GLSL lacks
// (tg-vulkan-lower-math), SPIR-V conversion with 32-bit indices, ABI
// lowering, minimal version/capabilities/extensions. The code object is a
// pack of one SPIR-V module per kernel ("spirv-kernels"); the manifest
// carries each export's program and the capabilities the modules use.
//
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Target/GPU/GPUTarget.h"
#include "tangram/Target/GPU/MatrixOps.h"
#include "tangram/Target/GPU/Passes.h"
#include "tangram/Target/Vulkan/Passes.h"
#include "mlir/Conversion/GPUToSPIRV/GPUToSPIRVPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringExtras.h"
#include <set>

using namespace mlir;
using namespace mlir::tangram;

namespace {

/// Vulkan has no error channel from a kernel: checks are dropped (the
/// runtime checks input shapes before a launch); math follows GLSL.
class VulkanTargetInfo : public TargetInfo {
public:
  void emitErrorReport(OpBuilder &, Location, Value, StringRef) const override {}
  bool expandsFloat8() const override { return true; }
  bool approximatesMath(StringRef name) const override {
    return vulkanApproximatesMath(name);
  }
};

class VulkanBackend : public GPUTargetBackend {
public:
  StringRef name() const override { return "vulkan"; }
  void registerDialects(DialectRegistry &registry) const override {
    registerGPUTargetDialects(registry);
  }
  const TargetInfo &info() const override {
    static VulkanTargetInfo info;
    return info;
  }
  bool checkFeatures(StringRef features, std::string &error) const override {
    for (const std::string &name : vulkanMatrixOps(features))
      if (!lookupMatrixOp(name))
        return error = "unknown matrix op '" + name + "' in matrix-op=NAME " +
                       "(the Vulkan target has emulated_f16_4x4x4)",
               false;
    if (!vulkanSharedMemory(features))
      return error = "shared-memory=BYTES expects a positive number of "
                     "bytes up to 1048576",
             false;
    return true;
  }
  GPUDescription description(const TargetOptions &o) const override {
    GPUDescription d = vulkanDescription(vulkanCapabilities(o.features),
                                         *vulkanSharedMemory(o.features));
    d.matrixOps = vulkanMatrixOps(o.features);
    return d;
  }
  void addAttachTarget(OpPassManager &pm,
                       const TargetOptions &o) const override {
    VulkanAttachTargetPassOptions ao;
    ao.capabilities = o.features;
    pm.addPass(createVulkanAttachTargetPass(ao));
  }
  void addMathLowering(OpPassManager &pm) const override {
    pm.addPass(createVulkanLowerMathPass());
  }
  void addFinalConversion(OpPassManager &pm,
                          const TargetOptions &) const override {
    // Workgroup memory (the reduce strategy's partials) as SPIR-V storage
    // classes.
    pm.addPass(createMapMemRefStorageClassPass());
    pm.addNestedPass<gpu::GPUModuleOp>(createConvertMathToSPIRVPass());
    pm.addPass(createConvertGPUToSPIRVPass(/*mapMemorySpace=*/true));
    OpPassManager &spv = pm.nest<spirv::ModuleOp>();
    spv.addPass(spirv::createSPIRVLowerABIAttributesPass());
    spv.addPass(spirv::createSPIRVUpdateVCEPass());
  }
  DeviceInfo device(const TargetOptions &o) const override {
    return {"vulkan", "spirv-1.3-vulkan",
            llvm::join(vulkanCapabilities(o.features), ",")};
  }

  bool serialize(ModuleOp module, ArrayRef<ExportInfo> exports,
                 const TargetOptions &o, CodeObject &out,
                 std::string &error) const override {
    std::vector<::tangram::PackedKernel> kernels;
    std::set<std::string> requires_;
    for (auto m : module.getOps<spirv::ModuleOp>()) {
      ::tangram::PackedKernel k;
      for (auto ep : m.getOps<spirv::EntryPointOp>())
        k.name = ep.getFn().str();
      SmallVector<uint32_t> words;
      if (failed(spirv::serialize(m, words)))
        return error = "SPIR-V serialization of '" + k.name + "' failed",
               false;
      k.words.assign(words.begin(), words.end());
      if (auto vce = m.getVceTriple()) {
        for (spirv::Capability c : vce->getCapabilities())
          requires_.insert(spirv::stringifyCapability(c).str());
        for (spirv::Extension e : vce->getExtensions())
          requires_.insert(spirv::stringifyExtension(e).str());
      }
      kernels.push_back(std::move(k));
    }
    // More workgroup memory than Vulkan guarantees is a requirement the
    // runtime checks against the device's limit.
    unsigned shared = *vulkanSharedMemory(o.features);
    if (shared > kVulkanDefaultSharedMemory)
      requires_.insert("shared-memory=" + std::to_string(shared));
    if (!exportGPUPrograms(module, exports, out, error))
      return false;
    out.format = "spirv-kernels";
    out.bytes = ::tangram::packKernels(kernels);
    out.requires_.assign(requires_.begin(), requires_.end());
    return true;
  }
  bool printLowered(ModuleOp module, ArrayRef<ExportInfo>,
                    const TargetOptions &, llvm::raw_ostream &os,
                    std::string &) const override {
    for (auto m : module.getOps<spirv::ModuleOp>())
      os << m << "\n";
    printGPUPrograms(module, os);
    return true;
  }
};

} // namespace

std::unique_ptr<TargetBackend> mlir::tangram::createVulkanTarget() {
  registerEmulatedMatrixOps();
  return std::make_unique<VulkanBackend>();
}
