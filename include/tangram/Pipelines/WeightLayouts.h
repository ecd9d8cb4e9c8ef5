//===- WeightLayouts.h - weights stored in their target's layout -*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_PIPELINES_WEIGHTLAYOUTS_H
#define TANGRAM_PIPELINES_WEIGHTLAYOUTS_H

#include "tangram/Bundle/Manifest.h"
#include "tangram/Target/TargetBackend.h"
#include <deque>
#include <string>
#include <vector>

namespace mlir::tangram {

/// Stores each weight that a code object reads in a layout of its own
/// (CodeObject::weightLayouts) laid out so: `codes[i]`, compiled by
/// `targets[i]`, is plan.codeObjects[i]; `data[w]` holds weight w's bytes.
/// A weight every launch reads in the same layout is replaced (its shape
/// becomes the 1-D laid-out one); one also read otherwise (another
/// layout, another device, a transfer) gets a laid-out copy, with buffers
/// of its own for the launches that want it. New bytes live in `storage`.
bool applyWeightLayouts(::tangram::Manifest &plan,
                        std::vector<llvm::ArrayRef<char>> &data,
                        llvm::ArrayRef<CodeObject> codes,
                        llvm::ArrayRef<const TargetBackend *> targets,
                        std::deque<std::vector<char>> &storage,
                        std::string &error);

} // namespace mlir::tangram

#endif // TANGRAM_PIPELINES_WEIGHTLAYOUTS_H
