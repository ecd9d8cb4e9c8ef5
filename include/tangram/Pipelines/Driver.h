//===- Driver.h - the compile driver as a library ---------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// ONNX model -> one stage of IR text or a .tgb bundle, configured by an
// options struct. `tangram-compile` is a thin shell over it; the Python
// module will call the same entry point.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_PIPELINES_DRIVER_H
#define TANGRAM_PIPELINES_DRIVER_H

#include "tangram/Schedule/Passes.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace mlir::tangram {

/// What the driver writes.
enum class CompileStage {
  Bundle, ///< a .tgb bundle (the default)
  TG,     ///< imported, shape-inferred tg IR (text)
  Placement, ///< the placement decision and its predicted figures (JSON)
  Schedule, ///< tg IR after outlining: the schedule and its executables
  Linalg, ///< linalg on tensors, weights as arguments (text)
  LLVM,   ///< the lowered code as text (LLVM IR; SPIR-V for vulkan)
  SPIRV,  ///< one .spv file per kernel into the output directory
  PTX,    ///< one .ptx file per kernel (cuda) into the output directory
  HSACO,  ///< one .hsaco file per kernel (rocm) into the output directory
};

struct CompileOptions {
  /// Targets, comma-separated, one device each ("cpu" -> device "cpu0");
  /// "cpu", "vulkan", "cuda" and "rocm" are available;
  /// "NAME:FEATURE[:FEATURE...]" gives the device's features ("cuda:sm_90",
  /// "rocm:gfx942:rocm-path=DIR"). Ignored when `devicesPath` is set.
  std::string targets = "cpu";
  /// A device catalog (docs/DeviceCatalog.md): the devices to compile for.
  std::string devicesPath;
  /// NODE=DEVICE: ops of matching ONNX nodes run on DEVICE (globs).
  std::vector<std::string> pins;
  unsigned optLevel = 2;
  /// What f32 operands of matmuls and convs may be rounded to where a
  /// device has matrix instructions for it: "tf32", "f16", "bf16"; ""
  /// keeps f32 exact.
  std::string precision;
  /// NAME=DxDx... fixes an input's dims ('?' keeps one dynamic).
  std::vector<std::string> inputShapes;
  CompileStage stage = CompileStage::Bundle;
  /// How placement chooses devices (objective, run-time dim size).
  PlacementOptions placement;
  /// Fallback plans, each a comma-separated list of catalog device ids
  /// ("cpu0"): the model is also placed on those devices alone, and the
  /// bundle carries that schedule for when a device of the main one is
  /// absent at run time. Bundles only.
  std::vector<std::string> fallbacks;
  /// Where to write the placement report (.html or .json); empty: none.
  std::string reportPath;
  /// Print weight blobs in full in text stages instead of eliding them.
  bool keepWeights = false;
};

/// Compiles the model at `modelPath` (binary ONNX or `.onnxtxt`) and writes
/// the requested stage to `outputPath` ('-' is stdout for text stages).
/// On failure returns false with one line in `error` (without "error: ")
/// and leaves no output file behind.
bool compileModel(llvm::StringRef modelPath, llvm::StringRef outputPath,
                  const CompileOptions &options, std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_PIPELINES_DRIVER_H
