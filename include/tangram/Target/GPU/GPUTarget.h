//===- GPUTarget.h - what every GPU target shares ---------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A GPU target is plain data (GPUDescription: sizes, limits, the element
// types and matrix operations it has) plus a few hooks; the pipeline from
// linalg on tensors to kernels is shared (buildGPUKernelPipeline). IREE's
// KnownTargets and Triton's TargetInfoBase have the same split.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_GPU_GPUTARGET_H
#define TANGRAM_TARGET_GPU_GPUTARGET_H

#include "tangram/Target/TargetBackend.h"
#include <string>
#include <vector>

namespace mlir::tangram {

/// A GPU as the shared pipeline sees it.
struct GPUDescription {
  unsigned subgroupSize = 32;
  unsigned maxWorkgroupSize[3] = {1024, 1024, 64};
  /// Invocations per workgroup.
  unsigned maxThreads = 1024;
  /// Workgroups along x of one dispatch.
  unsigned maxWorkgroups = 65535;
  unsigned sharedMemoryBytes = 32768;
  /// Workgroup memory a kernel may have when it asks for it at launch
  /// (CUDA's dynamic shared memory above 48 KiB); 0: sharedMemoryBytes.
  /// The matrix strategy's large tiles stage deeper with it; a kernel of
  /// more workgroup memory than sharedMemoryBytes takes it at launch.
  unsigned maxSharedMemoryBytes = 0;
  /// Multiprocessors (SMs, CUs) of the largest GPU of the architecture:
  /// how many workgroups run at once, which decides whether a problem has
  /// work enough for large tiles. Unknown for Vulkan devices: a small GPU.
  unsigned multiprocessors = 16;
  /// Width of index arithmetic in kernels.
  unsigned indexBitwidth = 32;
  /// Element types beyond f32/i32/i1 that kernels may compute with.
  bool f16 = false, f64 = false, i8 = false, i16 = false, i64 = false;
  /// Matrix instructions (hooks registered by name, MatrixOps.h) the
  /// contract strategy may use, in order of preference.
  std::vector<std::string> matrixOps;
  /// The subgroup-reduce hook: combiners (arith atomic kinds: "addf",
  /// "maxs", ...) the target folds exactly across a subgroup, which its
  /// final conversion lowers gpu.subgroup_reduce of. The reduce strategy
  /// folds the others through workgroup memory.
  std::vector<std::string> subgroupReduce;
  /// Invocations per workgroup of a distributed (elementwise) kernel.
  unsigned distributeWorkgroupSize = 64;
};

/// The name of element type `t` ("f64") when the GPU does not compute with
/// it, or "" when it does.
std::string missingElementType(const GPUDescription &d, Type t);

/// A GPU target: the shared pipeline plus its hooks.
class GPUTargetBackend : public TargetBackend {
public:
  /// The GPU the compile is for (options.features may change the default).
  virtual GPUDescription description(const TargetOptions &options) const = 0;
  /// Hooks, in pipeline order.
  /// Marks the kernels for the target (target env, workgroup sizes) and
  /// refuses ops on element types it lacks.
  virtual void addAttachTarget(OpPassManager &pm,
                               const TargetOptions &options) const = 0;
  /// Math the target has no instruction for, as polynomials or expansions.
  virtual void addMathLowering(OpPassManager &pm) const = 0;
  /// Kernels -> the target's dialect (SPIR-V, NVVM, ROCDL).
  virtual void addFinalConversion(OpPassManager &pm,
                                  const TargetOptions &options) const = 0;

  bool supportsElementType(Type t) const override;
  /// Refuses ops only the host can run (results sized by the data,
  /// sequences, run-time loops) and element types the device's description
  /// lacks.
  bool supportsOp(Operation *op, llvm::StringRef features,
                  std::string &why) const override;
  void buildPipeline(OpPassManager &pm,
                     const TargetOptions &options) const override;
  void buildKernelPipeline(OpPassManager &pm,
                           const TargetOptions &options) const override;
};

/// linalg on tensors -> bufferized kernels (gpu.func) and their host
/// programs: destination results, result-shape formulas, fusion,
/// bufferization with identity layouts, loops, kernel building.
/// `precision` ("tf32", "f16", "bf16" or "") is what f32 operands of a
/// contraction may be rounded to for the description's matrix ops.
void buildGPUKernelPipeline(OpPassManager &pm, const GPUDescription &d,
                            StringRef precision = "");

/// Dialects every GPU target's pipeline creates.
void registerGPUTargetDialects(DialectRegistry &registry);

/// Each export's program (the `tg.gpu_program` of its executable), in
/// order, into `out.programs`.
bool exportGPUPrograms(ModuleOp module, ArrayRef<ExportInfo> exports,
                       CodeObject &out, std::string &error);

/// What the LLVM GPU targets' conversions need: the dialects' conversions
/// to LLVM (convert-gpu-to-nvvm and -rocdl apply those registered) and
/// the translation to LLVM IR of the GPU dialects.
void registerLLVMGPUTargetDialects(DialectRegistry &registry);

/// The features of an LLVM GPU target: one architecture of `chips` and
/// `<pathKey>=DIR` (a toolkit), comma-separated; anything else is an error
/// naming what `target` ("CUDA") expects.
bool parseGPUArchFeatures(StringRef features, StringRef target,
                          ArrayRef<const char *> chips, StringRef pathKey,
                          std::string &chip, std::string &path,
                          std::string &error);

/// A GPU of the LLVM targets: 64-bit indices, every element type, and
/// every combiner in `subgroupReduce` (butterfly shuffles apply the
/// combiner itself), with its subgroup size and workgroup memory.
GPUDescription llvmGPUDescription(unsigned subgroupSize,
                                  unsigned sharedMemoryBytes);

/// What the LLVM GPU targets emit differently from the CPU: no error
/// reports from kernels (the program checks sizes on the host), 8-bit
/// floats expanded, math from the vendor's device library.
const TargetInfo &llvmGPUTargetInfo();

/// Each executable's program as a comment line (`--emit=llvm`).
void printGPUPrograms(ModuleOp module, llvm::raw_ostream &os);

/// The LLVM GPU targets (NVVM, ROCDL): workgroup memory as attributions,
/// subgroup reductions as shuffles over `subgroupSize` lanes, kernels to
/// LLVM with 64-bit indices (each buffer argument a memref
/// descriptor: allocated and aligned pointers, offset, size, stride), then
/// `gpu-module-to-binary` with `format` ("isa": PTX text, "bin": HSACO).
/// `toLLVM` adds the target's own conversion (convert-gpu-to-nvvm, ...).
void addLLVMGPUFinalConversion(
    OpPassManager &pm, llvm::function_ref<void(OpPassManager &)> toLLVM,
    StringRef format, StringRef toolkitPath, unsigned subgroupSize);

/// The code object of an LLVM GPU target: each kernel's binary (from
/// `gpu.binary`) in a kernel pack of `format`, text NUL terminated, plus
/// the programs. A binary that `accept` refuses (unresolved library
/// calls, say) is an error with its message.
bool packGPUBinaries(
    ModuleOp module, ArrayRef<ExportInfo> exports, StringRef format,
    llvm::function_ref<std::string(StringRef name, StringRef binary)> accept,
    CodeObject &out, std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_GPU_GPUTARGET_H
