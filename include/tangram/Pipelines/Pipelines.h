//===- Pipelines.h - Tangram's named pass pipelines -------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Every stage the compile driver runs is a registered pipeline, so
// `tangram-opt` replays it on IR text:
//   -tg-import-cleanup                  tg: shape inference, canonicalize, cse, bounds
//   -tg-schedule{devices=.. pins=..}    tg -> schedule + per-device executables
//   -tg-to-linalg                       tg -> linalg on tensors
//   -tg-cpu-lower-to-llvm[=opt-level=N] linalg on tensors -> LLVM dialect
//   -tg-gpu-kernels{capabilities=..}    linalg on tensors -> kernels + host programs
//   -tg-vulkan-lower-to-spirv{..}       linalg on tensors -> SPIR-V kernels
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_PIPELINES_PIPELINES_H
#define TANGRAM_PIPELINES_PIPELINES_H

#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace mlir::tangram {

/// Registers the named pipelines above with MLIR's pass registry.
void registerTangramPipelines();

/// Registers every Tangram pass and pipeline, and the upstream passes the
/// pipelines are built from (canonicalize, cse, ...), once.
void registerTangramPasses();

/// The dialects Tangram's IR at any stage uses (tg to the LLVM dialect).
void registerTangramDialects(DialectRegistry &registry);

/// Parses `ir` (any stage's text), runs the textual pass pipeline
/// `pipeline` ("tg-infer-shapes,canonicalize" or
/// "builtin.module(tg-cpu-lower-to-llvm)") on it and prints the result into
/// `out`. On failure returns false with the first diagnostic in `error`.
bool runPipelineOnText(llvm::StringRef ir, llvm::StringRef pipeline,
                       std::string &out, std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_PIPELINES_PIPELINES_H
