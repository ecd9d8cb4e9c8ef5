//===- GPUCodeObject.cpp - programs and binaries of GPU code objects ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Target/GPU/GPUTarget.h"
#include "tangram/Target/GPU/Passes.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include <cstring>

using namespace mlir;
using namespace mlir::tangram;

bool mlir::tangram::exportGPUPrograms(ModuleOp module,
                                      ArrayRef<ExportInfo> exports,
                                      CodeObject &out, std::string &error) {
  for (const ExportInfo &x : exports) {
    auto f = module.lookupSymbol<func::FuncOp>(x.name);
    auto text =
        f ? f->getAttrOfType<StringAttr>(kGPUProgramAttr) : StringAttr();
    auto numResults =
        f ? f->getAttrOfType<IntegerAttr>(kNumResultsAttr) : IntegerAttr();
    if (!text || !numResults)
      return error = "export '" + x.name + "' has no GPU program", false;
    out.programs.emplace_back();
    if (!::tangram::parseGPUProgram(text.getValue(),
                                    x.numArgs + numResults.getInt(),
                                    numResults.getInt(), out.programs.back(),
                                    error))
      return error = "export '" + x.name + "': " + error, false;
  }
  return true;
}

void mlir::tangram::registerLLVMGPUTargetDialects(DialectRegistry &registry) {
  registerGPUTargetDialects(registry);
  registry.insert<LLVM::LLVMDialect>();
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  registerConvertNVVMToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  // Fragments of matrix instructions (MatrixOps.h) are vectors.
  vector::registerConvertVectorToLLVMInterface(registry);
  registerAllGPUToLLVMIRTranslations(registry);
}

bool mlir::tangram::parseGPUArchFeatures(StringRef features, StringRef target,
                                         ArrayRef<const char *> chips,
                                         StringRef pathKey, std::string &chip,
                                         std::string &path,
                                         std::string &error) {
  SmallVector<StringRef> items;
  features.split(items, ',', -1, false);
  for (StringRef item : items) {
    item = item.trim();
    if (item.consume_front((pathKey + "=").str())) {
      path = item.str();
    } else if (llvm::is_contained(chips, item)) {
      chip = item.str();
    } else {
      std::string expected;
      for (const char *c : chips)
        expected += (expected.empty() ? "" : ", ") + std::string(c);
      return error = "unknown " + target.str() + " feature '" + item.str() +
                     "' (expected an architecture: " + expected + "; or " +
                     pathKey.str() + "=DIR)",
             false;
    }
  }
  return true;
}

GPUDescription mlir::tangram::llvmGPUDescription(unsigned subgroupSize,
                                                 unsigned sharedMemoryBytes) {
  GPUDescription d;
  d.subgroupSize = subgroupSize;
  d.maxThreads = 1024;
  d.maxWorkgroupSize[0] = d.maxWorkgroupSize[1] = 1024;
  d.maxWorkgroupSize[2] = 64;
  d.maxWorkgroups = 65535;
  d.sharedMemoryBytes = sharedMemoryBytes;
  d.indexBitwidth = 64;
  d.f16 = d.f64 = d.i8 = d.i16 = d.i64 = true;
  d.subgroupReduce = {"addf", "mulf", "maximumf", "minimumf", "maxnumf",
                      "minnumf", "addi", "muli", "maxs", "mins"};
  return d;
}

namespace {
class LLVMGPUTargetInfo : public TargetInfo {
public:
  void emitErrorReport(OpBuilder &, Location, Value, StringRef) const override {}
  bool expandsFloat8() const override { return true; }
  bool approximatesMath(StringRef) const override { return false; }
};
} // namespace

const TargetInfo &mlir::tangram::llvmGPUTargetInfo() {
  static LLVMGPUTargetInfo info;
  return info;
}

void mlir::tangram::printGPUPrograms(ModuleOp module, llvm::raw_ostream &os) {
  for (auto f : module.getOps<func::FuncOp>())
    if (auto p = f->getAttrOfType<StringAttr>(kGPUProgramAttr))
      os << "// program of @" << f.getSymName() << ": " << p.getValue()
         << "\n";
}

void mlir::tangram::addLLVMGPUFinalConversion(
    OpPassManager &pm, llvm::function_ref<void(OpPassManager &)> toLLVM,
    StringRef format, StringRef toolkitPath, unsigned subgroupSize) {
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createGPUWorkgroupAttributionsPass());
  kernels.addPass(createGPUExpandTruncPass());
  GPUSubgroupReduceToShufflesPassOptions so;
  so.subgroupSize = subgroupSize;
  kernels.addPass(createGPUSubgroupReduceToShufflesPass(so));
  kernels.addPass(createSCFToControlFlowPass());
  toLLVM(kernels);
  kernels.addPass(createGPUExternDynamicSharedMemoryPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions bo;
  bo.compilationTarget = format.str();
  bo.toolkitPath = toolkitPath.str();
  pm.addPass(createGpuModuleToBinaryPass(bo));
}

bool mlir::tangram::packGPUBinaries(
    ModuleOp module, ArrayRef<ExportInfo> exports, StringRef format,
    llvm::function_ref<std::string(StringRef, StringRef)> accept,
    CodeObject &out, std::string &error) {
  std::vector<::tangram::PackedKernel> kernels;
  for (auto binary : module.getOps<gpu::BinaryOp>()) {
    auto object = dyn_cast<gpu::ObjectAttr>(binary.getObjects()[0]);
    if (!object)
      return error = "kernel '" + binary.getName().str() + "' has no object",
             false;
    StringRef bytes = object.getObject().getValue();
    std::string refused = accept(binary.getName(), bytes);
    if (!refused.empty())
      return error = "kernel '" + binary.getName().str() + "': " + refused,
             false;
    ::tangram::PackedKernel k;
    k.name = binary.getName().str();
    // NUL terminated (PTX is loaded as a C string), padded to words.
    k.words.assign(bytes.size() / 4 + 1, 0);
    std::memcpy(k.words.data(), bytes.data(), bytes.size());
    kernels.push_back(std::move(k));
  }
  if (!exportGPUPrograms(module, exports, out, error))
    return false;
  out.format = format.str();
  out.bytes = ::tangram::packKernels(kernels);
  return true;
}
