//===- TargetBackend.h - one interface per code generation target -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// A target turns linalg on tensors (one device's executables, each a
// function whose arguments are inputs, weights and values from earlier
// launches) into one code object the runtime loads, exporting every
// executable under its own name. The compile driver finds
// targets by name in a registry, never by string tests; a new target is one
// folder that implements this interface plus one line in Targets.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_TARGETBACKEND_H
#define TANGRAM_TARGET_TARGETBACKEND_H

#include "tangram/Bundle/Manifest.h"
#include "tangram/Target/TargetInfo.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir::tangram {

/// What every target is configured with.
struct TargetOptions {
  unsigned optLevel = 2;
  /// The device's features from the catalog (e.g. "-Float64" for a Vulkan
  /// device without f64); each target documents what it accepts.
  std::string features;
  /// What f32 operands of contractions may be rounded to for a target's
  /// matrix instructions: "tf32", "f16", "bf16"; "" keeps f32 exact.
  std::string precision;
};

/// An executable argument bound to a model weight that the target's code
/// reads in a layout of its own (the CPU's packed GEMM panels): the driver
/// stores the weight in the bundle laid out so (TargetBackend::layOutWeight).
struct WeightLayout {
  unsigned exportIndex = 0; ///< position in the code object's exports
  unsigned arg = 0;         ///< the export's argument
  std::string kind;         ///< the target's name for the layout
  std::vector<int64_t> params;
  int64_t numElements = 0; ///< of the laid-out weight, a 1-D buffer
};

/// A serialized code object and what the manifest says about it.
struct CodeObject {
  std::string format;      ///< e.g. "elf-shared-object"
  std::vector<uint8_t> bytes;
  /// GPU targets: per export (in order), the program a launch runs.
  std::vector<::tangram::GPUProgram> programs;
  /// What the device must have to load it (SPIR-V capabilities, say).
  std::vector<std::string> requires_;
  /// Weights the code reads in the target's own layout.
  std::vector<WeightLayout> weightLayouts;
};

/// One executable a code object exports: the function `name` of the
/// lowered module, taking `numArgs` buffers; the runtime finds it by name.
struct ExportInfo {
  std::string name;
  unsigned numArgs = 0;
};

/// The device a target's code runs on, as the manifest records it.
struct DeviceInfo {
  std::string kind;     ///< the runtime driver's kind, e.g. "cpu"
  std::string triple;   ///< target triple or architecture
  std::string features; ///< e.g. "+avx2,+fma"
};

class TargetBackend {
public:
  virtual ~TargetBackend();
  /// The name `--target` uses, e.g. "cpu".
  virtual llvm::StringRef name() const = 0;
  /// Dialects the target's pipeline creates.
  virtual void registerDialects(DialectRegistry &registry) const = 0;
  /// Whether the target takes a device's `features` (TargetOptions);
  /// otherwise `error` says what it expected.
  virtual bool checkFeatures(llvm::StringRef features,
                             std::string &error) const {
    return true;
  }
  /// Whether the target computes with element type `t` (placement asks;
  /// many accelerators have no f64).
  virtual bool supportsElementType(Type t) const = 0;
  /// Whether a device of this target with `features` can run `op` (and
  /// the ops nested in it); otherwise `why` says what it lacks. Placement
  /// asks before it puts an op on a device. The default checks every
  /// element type with supportsElementType.
  virtual bool supportsOp(Operation *op, llvm::StringRef features,
                          std::string &why) const;
  /// What differs in emission (run-time error reports, 8-bit floats, math
  /// approximations); the target's passes ask it.
  virtual const TargetInfo &info() const = 0;
  /// Marks an executable for the target before its pipeline runs (the CPU
  /// asks for MLIR's C interface wrapper).
  virtual void prepareExport(func::FuncOp executable) const {}
  /// linalg on tensors -> the target's lowered IR, in place.
  virtual void buildPipeline(OpPassManager &pm,
                             const TargetOptions &options) const = 0;
  /// The part of buildPipeline that decides what the device can run on its
  /// own: for a GPU, kernels and their host programs, where an executable
  /// that needs a host step fails. Stages that stop before the code run it
  /// to place as a bundle would. The default is the whole pipeline.
  virtual void buildKernelPipeline(OpPassManager &pm,
                                   const TargetOptions &options) const {
    buildPipeline(pm, options);
  }
  /// The device the code object runs on.
  virtual DeviceInfo device(const TargetOptions &options) const = 0;
  /// Serializes the lowered `module` into one code object exporting
  /// `exports`.
  virtual bool serialize(ModuleOp module, llvm::ArrayRef<ExportInfo> exports,
                         const TargetOptions &options, CodeObject &out,
                         std::string &error) const = 0;
  /// The bytes of weight `data` (element type `dtype`, dims `shape`) in
  /// `layout`, one of the code object's weightLayouts; false with `error`
  /// when the target has no such layout or the weight does not fit it.
  virtual bool layOutWeight(const WeightLayout &layout,
                            ::tangram::DType dtype,
                            const std::vector<int64_t> &shape,
                            llvm::ArrayRef<char> data,
                            std::vector<char> &out, std::string &error) const;
  /// Prints the target's own text form of the lowered module (`--emit`
  /// of the last text stage: LLVM IR for the CPU).
  virtual bool printLowered(ModuleOp module, llvm::ArrayRef<ExportInfo> exports,
                            const TargetOptions &options, llvm::raw_ostream &os,
                            std::string &error) const = 0;
};

/// Adds `target` to the registry (one per name).
void registerTarget(std::unique_ptr<TargetBackend> target);

/// The target of `name`, or null.
const TargetBackend *lookupTarget(llvm::StringRef name);

/// The registered names, for error messages ("cpu").
std::vector<std::string> targetNames();

/// Registers every target this build has (lib/Target/Targets.cpp).
void registerAllTargets();

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_TARGETBACKEND_H
