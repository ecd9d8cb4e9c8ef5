//===- CPUBackend.cpp - the host CPU as a TargetBackend -------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// linalg on tensors -> LLVM dialect (buildCPULoweringPipeline) -> LLVM IR
// with the `tangram_entry` wrapper -> an x86-64 shared object linked in
// process by lld (CPUCodegen.cpp).
//
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/TargetBackend.h"
#include "llvm/IR/LLVMContext.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {
class CPUBackend : public TargetBackend {
  static CPUOptions cpuOptions(const TargetOptions &o) {
    CPUOptions c;
    c.optLevel = o.optLevel;
    return c;
  }

  std::unique_ptr<llvm::Module> translate(ModuleOp module,
                                          ArrayRef<ExportInfo> exports,
                                          const TargetOptions &o,
                                          llvm::LLVMContext &ctx,
                                          std::string &error) const {
    return translateToLLVMIR(module, ctx, exports, cpuOptions(o), error);
  }

public:
  StringRef name() const override { return "cpu"; }
  void registerDialects(DialectRegistry &registry) const override {
    registerCPUTargetDialects(registry);
  }
  /// Every float and integer type the lowering knows: the CPU computes f16,
  /// bf16 and 8-bit floats through f32, and has f64.
  bool supportsElementType(Type t) const override {
    return isa<FloatType, IntegerType, IndexType>(t);
  }
  const TargetInfo &info() const override { return cpuTargetInfo(); }
  void prepareExport(func::FuncOp executable) const override {
    executable->setAttr("llvm.emit_c_interface",
                        UnitAttr::get(executable.getContext()));
  }
  void buildPipeline(OpPassManager &pm, const TargetOptions &o) const override {
    buildCPULoweringPipeline(pm, cpuOptions(o));
  }
  DeviceInfo device(const TargetOptions &o) const override {
    return {"cpu", cpuTriple(), cpuFeatures(cpuOptions(o))};
  }
  bool serialize(ModuleOp module, ArrayRef<ExportInfo> exports,
                 const TargetOptions &o, CodeObject &out,
                 std::string &error) const override {
    llvm::LLVMContext ctx;
    auto llvmModule = translate(module, exports, o, ctx, error);
    if (!llvmModule)
      return false;
    out.format = "elf-shared-object";
    out.bytes = buildSharedLibrary(*llvmModule, cpuOptions(o), error);
    return !out.bytes.empty();
  }
  bool printLowered(ModuleOp module, ArrayRef<ExportInfo> exports,
                    const TargetOptions &o, llvm::raw_ostream &os,
                    std::string &error) const override {
    llvm::LLVMContext ctx;
    auto llvmModule = translate(module, exports, o, ctx, error);
    if (!llvmModule)
      return false;
    llvmModule->print(os, nullptr);
    return true;
  }
};
} // namespace

std::unique_ptr<TargetBackend> mlir::tangram::createCPUTarget() {
  return std::make_unique<CPUBackend>();
}
