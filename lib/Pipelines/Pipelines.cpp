//===- Pipelines.cpp - Tangram's named pass pipelines ---------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Pipelines.h"
#include "tangram/Schedule/Passes.h"
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
struct ScheduleOptions : public PassPipelineOptions<ScheduleOptions> {
  ListOption<std::string> devices{
      *this, "devices",
      llvm::cl::desc("The devices as ID=TARGET, in order (default cpu0=cpu)")};
  ListOption<std::string> pins{
      *this, "pins", llvm::cl::desc("NODE=DEVICE pins (globs over node names)")};
};
} // namespace

void mlir::tangram::registerTangramPipelines() {
  PassPipelineRegistration<ScheduleOptions>(
      "tg-schedule",
      "The schedule: hoist weights, assign devices (pins), outline per-device "
      "executables with transfers, serialize the manifest plan",
      [](OpPassManager &pm, const ScheduleOptions &o) {
        std::vector<DeviceEntry> devices;
        for (const std::string &spec : o.devices) {
          auto [id, target] = llvm::StringRef(spec).split('=');
          devices.push_back({id.str(), target.str()});
        }
        if (devices.empty())
          devices.push_back({"cpu0", "cpu"});
        buildSchedulePipeline(pm, devices, o.pins);
      });
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
