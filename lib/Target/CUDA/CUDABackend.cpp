//===- CUDABackend.cpp - PTX kernels for NVIDIA GPUs ----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// The shared GPU pipeline (kernels + host programs), then NVVM: the target
// attached with the architecture and libdevice (math as __nv_* calls),
// workgroup memory as attributions, kernels to LLVM with 64-bit indices,
// PTX from `gpu-module-to-binary{format=isa}`. The code object is a pack
// of one PTX module per kernel ("ptx-kernels"), loaded with the driver's
// JIT; a PTX that still calls a library function (libdevice not found) is
// refused at compile time.
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CUDA/CUDATarget.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::tangram;

#ifndef TANGRAM_CUDA_PATH
#define TANGRAM_CUDA_PATH "/usr/local/cuda"
#endif

/// The architectures PTX ISA 8.0 covers that the target is tested for.
static const char *const kChips[] = {"sm_70", "sm_75", "sm_80", "sm_86",
                                     "sm_87", "sm_89", "sm_90"};

bool mlir::tangram::parseCUDAFeatures(StringRef features, CUDAOptions &out,
                                      std::string &error) {
  out.toolkit = TANGRAM_CUDA_PATH;
  return parseGPUArchFeatures(features, "CUDA", kChips, "cuda-path", out.chip,
                              out.toolkit, error);
}

GPUDescription mlir::tangram::cudaDescription(StringRef chip) {
  // Static shared memory; more needs a per-kernel opt-in at launch.
  GPUDescription d = llvmGPUDescription(/*subgroupSize=*/32, 48 * 1024);
  // V100, T4, A100, A40, Orin, L40S, H100 SXM.
  d.multiprocessors = llvm::StringSwitch<unsigned>(chip)
                          .Case("sm_70", 80)
                          .Case("sm_75", 40)
                          .Case("sm_80", 108)
                          .Case("sm_86", 84)
                          .Case("sm_87", 16)
                          .Case("sm_89", 142)
                          .Default(132);
  // Shared memory a kernel may have by opting in at launch (dynamic shared
  // memory; CUDA C Programming Guide, "Technical Specifications per
  // Compute Capability").
  d.maxSharedMemoryBytes = 1024 * llvm::StringSwitch<unsigned>(chip)
                                      .Case("sm_70", 96)
                                      .Case("sm_75", 64)
                                      .Cases({"sm_80", "sm_87"}, 163)
                                      .Cases({"sm_86", "sm_89"}, 99)
                                      .Default(227);
  if (chip == "sm_80" || chip == "sm_86" || chip == "sm_87" ||
      chip == "sm_89" || chip == "sm_90")
    d.matrixOps = {"mma_sync_m16n8k16_f16", "mma_sync_m16n8k16_bf16",
                   "mma_sync_m16n8k8_tf32"};
  return d;
}

namespace {

class CUDABackend : public GPUTargetBackend {
public:
  StringRef name() const override { return "cuda"; }
  void registerDialects(DialectRegistry &registry) const override {
    registerLLVMGPUTargetDialects(registry);
    registry.insert<NVVM::NVVMDialect>();
    NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  }
  const TargetInfo &info() const override { return llvmGPUTargetInfo(); }
  bool checkFeatures(StringRef features, std::string &error) const override {
    CUDAOptions o;
    return parseCUDAFeatures(features, o, error);
  }
  GPUDescription description(const TargetOptions &o) const override {
    return cudaDescription(options(o).chip);
  }
  void addAttachTarget(OpPassManager &pm,
                       const TargetOptions &o) const override {
    CUDAOptions c = options(o);
    GpuNVVMAttachTargetOptions ao;
    ao.chip = c.chip;
    // LLVM's default PTX version aborts for sm_80 and later.
    ao.features = "+ptx80";
    ao.optLevel = 3;
    std::string libdevice = libdevicePath(c.toolkit);
    if (llvm::sys::fs::exists(libdevice))
      ao.linkLibs.push_back(libdevice);
    pm.addPass(createGpuNVVMAttachTarget(ao));
  }
  void addMathLowering(OpPassManager &) const override {}
  void addFinalConversion(OpPassManager &pm,
                          const TargetOptions &o) const override {
    addLLVMGPUFinalConversion(
        pm,
        [](OpPassManager &kernels) {
          // Tensor-core ops (MmaSync.cpp) first: nvgpu -> nvvm.
          kernels.addPass(createConvertNVGPUToNVVMPass());
          ConvertGpuOpsToNVVMOpsOptions no;
          no.indexBitwidth = 64;
          kernels.addPass(createConvertGpuOpsToNVVMOps(no));
        },
        "isa", options(o).toolkit, description(o).subgroupSize);
  }
  DeviceInfo device(const TargetOptions &o) const override {
    return {"cuda", options(o).chip, "+ptx80"};
  }
  bool serialize(ModuleOp module, ArrayRef<ExportInfo> exports,
                 const TargetOptions &o, CodeObject &out,
                 std::string &error) const override {
    std::string toolkit = options(o).toolkit;
    auto accept = [&](StringRef, StringRef ptx) -> std::string {
      // An unresolved libdevice function: the JIT would fail at load.
      size_t at = ptx.find(".extern .func");
      if (at == StringRef::npos)
        return "";
      // ".extern .func  (.param .b32 func_retval0) __nv_erff" then "(".
      StringRef line = ptx.substr(at).take_until([](char c) {
        return c == '\n';
      });
      StringRef callee = line.rtrim(" (").rsplit(' ').second.rtrim("(");
      return "the PTX calls '" + callee.str() +
             "', which libdevice provides: it was not found at '" +
             libdevicePath(toolkit) + "' (set the toolkit with the " +
             "feature cuda-path=DIR)";
    };
    if (!packGPUBinaries(module, exports, "ptx-kernels", accept, out, error))
      return false;
    out.requires_ = {options(o).chip};
    return true;
  }
  bool printLowered(ModuleOp module, ArrayRef<ExportInfo>,
                    const TargetOptions &, llvm::raw_ostream &os,
                    std::string &) const override {
    for (auto b : module.getOps<gpu::BinaryOp>())
      if (auto obj = dyn_cast<gpu::ObjectAttr>(b.getObjects()[0]))
        os << "// kernel " << b.getName() << "\n"
           << obj.getObject().getValue() << "\n";
    printGPUPrograms(module, os);
    return true;
  }

private:
  static CUDAOptions options(const TargetOptions &o) {
    CUDAOptions c;
    std::string ignored; // checkFeatures reported it before the compile
    parseCUDAFeatures(o.features, c, ignored);
    return c;
  }
  static std::string libdevicePath(StringRef toolkit) {
    SmallString<128> p(toolkit);
    llvm::sys::path::append(p, "nvvm", "libdevice", "libdevice.10.bc");
    return std::string(p);
  }
};

} // namespace

std::unique_ptr<TargetBackend> mlir::tangram::createCUDATarget() {
  registerCUDAMatrixOps();
  return std::make_unique<CUDABackend>();
}
