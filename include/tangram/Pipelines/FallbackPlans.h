//===- FallbackPlans.h - Fallback schedules in one bundle -------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// `tangram-compile --fallback IDS` compiles the model a second time for the
// listed devices alone and merges that schedule into the bundle as a
// fallback plan (docs/BundleFormat.md, "Fallback plans"): the runtime runs
// it when a device of the main schedule is absent.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_PIPELINES_FALLBACKPLANS_H
#define TANGRAM_PIPELINES_FALLBACKPLANS_H

#include "tangram/Bundle/Manifest.h"
#include "llvm/ADT/ArrayRef.h"
#include <string>
#include <vector>

namespace mlir::tangram {

/// Appends the schedule of `fallback` (a plan of the same model, compiled
/// for other devices) to `main` as a fallback plan. Devices of the same
/// name, target and features are shared; code objects are appended (in
/// order, after main's); a weight equal to one of main's (name, dtype,
/// shape and bytes) is shared, others are appended with their bytes in
/// `weights`. Fails when the two plans' inputs or outputs differ.
bool appendFallbackPlan(::tangram::Manifest &main,
                        std::vector<llvm::ArrayRef<char>> &weights,
                        const ::tangram::Manifest &fallback,
                        llvm::ArrayRef<llvm::ArrayRef<char>> fallbackWeights,
                        std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_PIPELINES_FALLBACKPLANS_H
