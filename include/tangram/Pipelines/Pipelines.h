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
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_PIPELINES_PIPELINES_H
#define TANGRAM_PIPELINES_PIPELINES_H

namespace mlir::tangram {

/// Registers the named pipelines above with MLIR's pass registry.
void registerTangramPipelines();

} // namespace mlir::tangram

#endif // TANGRAM_PIPELINES_PIPELINES_H
