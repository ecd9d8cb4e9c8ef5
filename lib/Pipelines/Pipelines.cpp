//===- Pipelines.cpp - Tangram's named pass pipelines ---------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Pipelines.h"
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("0: naive loops; 1-3: microkernels, "
                                           "parallel loops, approximate math"),
                            llvm::cl::init(2)};
};
} // namespace

void mlir::tangram::registerTangramPipelines() {
  PassPipelineRegistration<>(
      "tg-import-cleanup",
      "The import clean-up: shape inference and canonicalization rounds, "
      "cse, input dim bounds",
      [](OpPassManager &pm) { buildImportCleanupPipeline(pm); });
  PassPipelineRegistration<>(
      "tg-to-linalg", "tg -> linalg on tensors (shared by every target)",
      [](OpPassManager &pm) { buildTGToLinalgPipeline(pm); });
  PassPipelineRegistration<CPUPipelineOptions>(
      "tg-cpu-lower-to-llvm",
      "The CPU target: linalg on tensors (weights as arguments) -> LLVM "
      "dialect",
      [](OpPassManager &pm, const CPUPipelineOptions &o) {
        CPUOptions options;
        options.optLevel = o.optLevel;
        buildCPULoweringPipeline(pm, options);
      });
}
