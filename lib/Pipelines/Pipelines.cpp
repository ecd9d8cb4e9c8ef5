//===- Pipelines.cpp - Tangram's named pass pipelines ---------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Pipelines.h"
#include "tangram/Schedule/Passes.h"
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "Graph/GraphDialect.h"
#include "tangram/Conversion/Passes.h"
#include "tangram/Target/CPU/Passes.h"
#include "tangram/Target/GPU/GPUTarget.h"
#include "tangram/Target/GPU/Passes.h"
#include "tangram/Target/TargetBackend.h"
#include "tangram/Target/Vulkan/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::tangram;

namespace {
const TargetBackend *target(llvm::StringRef name) {
  registerAllTargets();
  return lookupTarget(name);
}
const TargetBackend *vulkanTarget() { return target("vulkan"); }

struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  Option<unsigned> optLevel{*this, "opt-level",
                            llvm::cl::desc("0: naive loops; 1-3: microkernels, "
                                           "parallel loops, approximate math"),
                            llvm::cl::init(2)};
};
struct VulkanPipelineOptions
    : public PassPipelineOptions<VulkanPipelineOptions> {
  Option<std::string> capabilities{
      *this, "capabilities",
      llvm::cl::desc("SPIR-V capabilities of the device (e.g. -Float64)"),
      llvm::cl::init("")};
};
struct FeaturesOptions : public PassPipelineOptions<FeaturesOptions> {
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("the device's features (e.g. sm_90, gfx942)"),
      llvm::cl::init("")};
};
struct ScheduleOptions : public PassPipelineOptions<ScheduleOptions> {
  ListOption<std::string> devices{
      *this, "devices",
      llvm::cl::desc("The devices as ID=TARGET, in order (default: the module's tg.devices)")};
  ListOption<std::string> pins{
      *this, "pins", llvm::cl::desc("NODE=DEVICE pins (globs over node names)")};
  Option<std::string> objective{
      *this, "objective",
      llvm::cl::desc("What placement minimizes: latency, throughput, cost"),
      llvm::cl::init("latency")};
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
        PlacementOptions placement;
        placement.objective = o.objective;
        // No devices: the module's catalog (`tg.devices`).
        buildSchedulePipeline(pm, devices, o.pins, placement);
      });
  PassPipelineRegistration<>(
      "tg-import-cleanup",
      "The import clean-up: shape inference and canonicalization rounds, "
      "cse, input dim bounds",
      [](OpPassManager &pm) { buildImportCleanupPipeline(pm); });
  PassPipelineRegistration<>(
      "tg-to-linalg", "tg -> linalg on tensors (shared by every target)",
      [](OpPassManager &pm) { buildTGToLinalgPipeline(pm); });
  PassPipelineRegistration<VulkanPipelineOptions>(
      "tg-gpu-kernels",
      "The shared GPU pipeline: linalg on tensors -> kernels (gpu.func) and "
      "host programs, for the Vulkan target's description",
      [](OpPassManager &pm, const VulkanPipelineOptions &o) {
        TargetOptions options;
        options.features = o.capabilities;
        auto *gpu = static_cast<const GPUTargetBackend *>(vulkanTarget());
        buildGPUKernelPipeline(pm, gpu->description(options));
      });
  PassPipelineRegistration<VulkanPipelineOptions>(
      "tg-vulkan-lower-to-spirv",
      "The Vulkan target: linalg on tensors -> SPIR-V kernels and host "
      "programs",
      [](OpPassManager &pm, const VulkanPipelineOptions &o) {
        TargetOptions options;
        options.features = o.capabilities;
        vulkanTarget()->buildPipeline(pm, options);
      });
  // The LLVM GPU targets; features they do not take are an error.
  for (auto [pipeline, name, what] :
       {std::tuple{"tg-cuda-lower-to-ptx", "cuda", "PTX"},
        std::tuple{"tg-rocm-lower-to-hsaco", "rocm", "HSACO"}}) {
    std::string targetName = name;
    registerPassPipeline(
        pipeline,
        "The " + targetName + " target: linalg on tensors -> " + what +
            " kernels and host programs",
        [targetName](OpPassManager &pm, llvm::StringRef text,
                     llvm::function_ref<LogicalResult(const llvm::Twine &)>
                         errorHandler) {
          FeaturesOptions o;
          if (failed(o.parseFromString(text)))
            return failure();
          const TargetBackend *t = target(targetName);
          std::string error;
          if (!t->checkFeatures(o.features, error))
            return errorHandler(error);
          TargetOptions options;
          options.features = o.features;
          t->buildPipeline(pm, options);
          return success();
        },
        [](llvm::function_ref<void(const detail::PassOptions &)> handler) {
          handler(FeaturesOptions());
        });
  }
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

void mlir::tangram::registerTangramPasses() {
  static bool once = [] {
    registerTransformsPasses();
    registerSchedulePasses();
    registerConversionPasses();
    registerCPUPasses();
    registerGPUPasses();
    registerVulkanPasses();
    registerTangramPipelines();
    registerCanonicalizerPass();
    registerCSEPass();
    registerSymbolDCEPass();
    // Upstream steps of the CPU pipeline, to replay them one at a time.
    memref::registerResolveRankedShapeTypeResultDimsPass();
    bufferization::registerEmptyTensorEliminationPass();
    bufferization::registerOneShotBufferizePass();
    return true;
  }();
  (void)once;
}

void mlir::tangram::registerTangramDialects(DialectRegistry &registry) {
  registry.insert<tg::TGDialect, func::FuncDialect, arith::ArithDialect,
                  tensor::TensorDialect, linalg::LinalgDialect,
                  math::MathDialect, scf::SCFDialect, memref::MemRefDialect,
                  cf::ControlFlowDialect>();
  // The pipelines reach bufferization, LLVM, the GPU dialects and each
  // target's own.
  registerAllTargets();
  for (const std::string &name : targetNames())
    lookupTarget(name)->registerDialects(registry);
}

bool mlir::tangram::runPipelineOnText(llvm::StringRef ir,
                                      llvm::StringRef pipeline,
                                      std::string &out, std::string &error) {
  registerTangramPasses();
  DialectRegistry registry;
  registerTangramDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::string first;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && first.empty()) {
      std::string loc;
      llvm::raw_string_ostream los(loc);
      d.getLocation().print(los);
      first = loc + ": " + d.str();
    }
    return success();
  });
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(ir, &context);
  if (!module) {
    error = first.empty() ? "cannot parse the IR" : first;
    return false;
  }
  PassManager pm(&context);
  std::string message;
  llvm::raw_string_ostream os(message);
  if (failed(parsePassPipeline(pipeline, pm, os))) {
    error = "pipeline '" + pipeline.str() + "': " + llvm::StringRef(message).trim().str();
    return false;
  }
  if (failed(pm.run(*module))) {
    error = first.empty() ? "the pipeline failed" : first;
    return false;
  }
  llvm::raw_string_ostream result(out);
  module->print(result);
  return true;
}
