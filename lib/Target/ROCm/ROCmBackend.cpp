//===- ROCmBackend.cpp - HSACO kernels for AMD GPUs -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The shared GPU pipeline (kernels + host programs), then ROCDL: the
// target attached with the architecture and code object v5, workgroup
// memory as attributions, kernels to LLVM with 64-bit indices (math as
// __ocml_* calls), HSACO from `gpu-module-to-binary{format=bin}` with the
// device libraries of the toolkit directory linked. The code object is a
// pack of one HSACO per kernel ("hsaco-kernels"); an HSACO with undefined
// symbols (a device library missing) is refused at compile time.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/ROCm/ROCmTarget.h"
#include "mlir/Conversion/GPUToROCDL/GPUToROCDLPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Target/LLVM/ROCDL/Target.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::tangram;

#ifndef TANGRAM_ROCM_TOOLKIT
#define TANGRAM_ROCM_TOOLKIT ""
#endif

/// CDNA2 and CDNA3, the architectures the target is tested for.
static const char *const kChips[] = {"gfx90a", "gfx942"};

bool mlir::tangram::parseROCmFeatures(StringRef features, ROCmOptions &out,
                                      std::string &error) {
  out.toolkit = TANGRAM_ROCM_TOOLKIT;
  return parseGPUArchFeatures(features, "ROCm", kChips, "rocm-path", out.chip,
                              out.toolkit, error);
}

GPUDescription mlir::tangram::rocmDescription(StringRef chip) {
  GPUDescription d = llvmGPUDescription(/*subgroupSize=*/64, 64 * 1024);
  // MI250X (one die), MI300X.
  d.multiprocessors = chip == "gfx90a" ? 110 : 304;
  d.matrixOps = {"mfma_f32_16x16x16_f16", "mfma_f32_16x16x16_bf16",
                 "mfma_f32_16x16x4_f32"};
  return d;
}

namespace {

/// The undefined symbols of an HSACO (ELF), or an error.
std::string undefinedSymbols(StringRef bytes) {
  auto buffer = llvm::MemoryBuffer::getMemBuffer(bytes, "hsaco", false);
  auto object = llvm::object::ObjectFile::createELFObjectFile(*buffer);
  if (!object) {
    std::string m = llvm::toString(object.takeError());
    return "not an ELF object: " + m;
  }
  std::string undefined;
  for (const llvm::object::SymbolRef &sym : (*object)->symbols()) {
    llvm::Expected<uint32_t> flags = sym.getFlags();
    llvm::Expected<StringRef> name = sym.getName();
    if (!flags || !name) {
      if (!flags)
        llvm::consumeError(flags.takeError());
      if (!name)
        llvm::consumeError(name.takeError());
      continue;
    }
    if ((*flags & llvm::object::SymbolRef::SF_Undefined) && !name->empty())
      undefined += (undefined.empty() ? "" : ", ") + name->str();
  }
  return undefined;
}

class ROCmBackend : public GPUTargetBackend {
public:
  StringRef name() const override { return "rocm"; }
  void registerDialects(DialectRegistry &registry) const override {
    registerLLVMGPUTargetDialects(registry);
    registry.insert<ROCDL::ROCDLDialect>();
    ROCDL::registerROCDLTargetInterfaceExternalModels(registry);
  }
  const TargetInfo &info() const override { return llvmGPUTargetInfo(); }
  bool checkFeatures(StringRef features, std::string &error) const override {
    ROCmOptions o;
    if (!parseROCmFeatures(features, o, error))
      return false;
    // gpu-module-to-binary fails without saying why when they are missing.
    SmallString<128> ocml(o.toolkit);
    llvm::sys::path::append(ocml, "amdgcn", "bitcode", "ocml.bc");
    if (!llvm::sys::fs::exists(ocml))
      return error = "the ROCm device libraries are not in '" + o.toolkit +
                     "/amdgcn/bitcode' (install rocm-device-libs and "
                     "reconfigure, or give the feature rocm-path=DIR)",
             false;
    return true;
  }
  GPUDescription description(const TargetOptions &o) const override {
    return rocmDescription(options(o).chip);
  }
  void addAttachTarget(OpPassManager &pm,
                       const TargetOptions &o) const override {
    GpuROCDLAttachTargetOptions ao;
    ao.chip = options(o).chip;
    ao.abiVersion = "500"; // code object v5
    ao.optLevel = 3;
    pm.addPass(createGpuROCDLAttachTarget(ao));
  }
  void addMathLowering(OpPassManager &) const override {}
  void addFinalConversion(OpPassManager &pm,
                          const TargetOptions &o) const override {
    std::string chip = options(o).chip;
    addLLVMGPUFinalConversion(
        pm,
        [chip](OpPassManager &kernels) {
          // Matrix-core ops (Mfma.cpp) first: amdgpu -> rocdl.
          ConvertAMDGPUToROCDLPassOptions ao;
          ao.chipset = chip;
          kernels.addPass(createConvertAMDGPUToROCDLPass(ao));
          ConvertGpuOpsToROCDLOpsOptions ro;
          ro.chipset = chip;
          ro.indexBitwidth = 64;
          ro.runtime = gpu::amd::Runtime::HIP;
          kernels.addPass(createConvertGpuOpsToROCDLOps(ro));
        },
        "bin", options(o).toolkit, description(o).subgroupSize);
  }
  DeviceInfo device(const TargetOptions &o) const override {
    return {"hip", options(o).chip, "code-object-v5"};
  }
  bool serialize(ModuleOp module, ArrayRef<ExportInfo> exports,
                 const TargetOptions &o, CodeObject &out,
                 std::string &error) const override {
    std::string toolkit = options(o).toolkit;
    auto accept = [&](StringRef, StringRef hsaco) -> std::string {
      std::string undefined = undefinedSymbols(hsaco);
      if (undefined.empty())
        return "";
      return "the HSACO has undefined symbols (" + undefined +
             "): the device libraries in '" + toolkit +
             "/amdgcn/bitcode' are missing (install rocm-device-libs, or "
             "set the toolkit with the feature rocm-path=DIR)";
    };
    if (!packGPUBinaries(module, exports, "hsaco-kernels", accept, out,
                         error))
      return false;
    out.requires_ = {options(o).chip};
    return true;
  }
  bool printLowered(ModuleOp module, ArrayRef<ExportInfo>,
                    const TargetOptions &, llvm::raw_ostream &os,
                    std::string &) const override {
    for (auto b : module.getOps<gpu::BinaryOp>())
      if (auto obj = dyn_cast<gpu::ObjectAttr>(b.getObjects()[0]))
        os << "// kernel " << b.getName() << ": "
           << obj.getObject().getValue().size()
           << " bytes of HSACO (--emit=hsaco -o DIR writes it)\n";
    printGPUPrograms(module, os);
    return true;
  }

private:
  static ROCmOptions options(const TargetOptions &o) {
    ROCmOptions r;
    std::string ignored; // checkFeatures reported it before the compile
    parseROCmFeatures(o.features, r, ignored);
    return r;
  }
};

} // namespace

std::unique_ptr<TargetBackend> mlir::tangram::createROCmTarget() {
  registerROCmMatrixOps();
  return std::make_unique<ROCmBackend>();
}
