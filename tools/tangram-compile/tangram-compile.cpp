//===- tangram-compile.cpp - the Tangram compiler driver ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tangram-compile MODEL.onnx -o OUT.tgb [--target cpu] [-O0..-O3]
//                 [--input-shape NAME=DxDx... ...]
//                 [--devices CATALOG.json] [--pin NODE=DEVICE ...]
//                 [--objective latency|throughput|cost] [--report R.json|R.html]
//                 [--fallback DEVICE[,DEVICE...] ...]
// tangram-compile MODEL.onnx --emit=tg|schedule|linalg|llvm|spirv|ptx|hsaco -o OUT
//
// A thin shell over the compile driver (lib/Pipelines/Driver.cpp): command
// line in, options struct out. Every failure is one `error:` line on stderr
// and exit code 1; no partial output file is left.
//
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Driver.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using mlir::tangram::CompileStage;

namespace {
cl::OptionCategory category("tangram-compile options");
cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output path ('-' for stdout)"),
                                cl::value_desc("path"), cl::init("-"),
                                cl::cat(category));
cl::opt<CompileStage> emit(
    "emit", cl::desc("Stage to write instead of a bundle"),
    cl::values(
        clEnumValN(CompileStage::TG, "tg", "imported tg dialect IR (text)"),
        clEnumValN(CompileStage::Placement, "placement",
                   "the placement decision and its predicted figures "
                   "(JSON)"),
        clEnumValN(CompileStage::Schedule, "schedule",
                   "tg IR split into per-device executables and the schedule "
                   "that launches them (text)"),
        clEnumValN(CompileStage::Linalg, "linalg",
                   "linalg on tensors, weights as arguments (text)"),
        clEnumValN(CompileStage::LLVM, "llvm",
                   "the lowered code as text (LLVM IR for the CPU, SPIR-V "
                   "for vulkan)"),
        clEnumValN(CompileStage::SPIRV, "spirv",
                   "one .spv per kernel into the directory -o names"),
        clEnumValN(CompileStage::PTX, "ptx",
                   "one .ptx per kernel (cuda) into the directory -o names"),
        clEnumValN(CompileStage::HSACO, "hsaco",
                   "one .hsaco per kernel (rocm) into the directory -o "
                   "names")),
    cl::init(CompileStage::Bundle), cl::cat(category));
cl::opt<std::string> targetList("target",
                                cl::desc("Targets, comma-separated: cpu, "
                                         "vulkan, cuda[:sm_XX], "
                                         "rocm[:gfxNNN] (default: cpu)"),
                                cl::init("cpu"), cl::cat(category));
cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0-3"),
                           cl::Prefix, cl::init(2), cl::cat(category));
cl::opt<std::string> precision(
    "precision",
    cl::desc("Let f32 matmuls and convs round their operands to tf32, f16 "
             "or bf16 for a GPU's matrix instructions (default: exact f32)"),
    cl::value_desc("tf32|f16|bf16"), cl::cat(category));
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Fix an input's dims at compile time, e.g. input=1x3x224x224; "
             "'?' keeps a dim dynamic (repeatable, one per input)"),
    cl::value_desc("NAME=DIMS"), cl::cat(category));
cl::opt<std::string> devicesPath(
    "devices", cl::desc("Device catalog (JSON): the devices to compile for"),
    cl::value_desc("catalog.json"), cl::cat(category));
cl::list<std::string> pins(
    "pin",
    cl::desc("Run the ops of ONNX nodes matching NODE (a glob) on DEVICE, a "
             "device of --devices (repeatable; later pins win)"),
    cl::value_desc("NODE=DEVICE"), cl::cat(category));
cl::opt<std::string> objective(
    "objective",
    cl::desc("What placement minimizes: latency, throughput (pipelined "
             "inferences per second) or cost (money per inference)"),
    cl::init("latency"), cl::cat(category));
cl::opt<std::string> reportPath(
    "report",
    cl::desc("Write the placement report: FILE.html (the graph by device, "
             "with times) or FILE.json"),
    cl::value_desc("path"), cl::cat(category));
cl::list<std::string> fallbacks(
    "fallback",
    cl::desc("Also compile the model for these devices of --devices alone "
             "(comma-separated ids), run when a device of the main "
             "schedule is absent (repeatable: tried in order)"),
    cl::value_desc("DEVICE[,DEVICE...]"), cl::cat(category));
cl::opt<int64_t> placementDim(
    "placement-dim",
    cl::desc("The size a run-time dim counts as in placement's cost model"),
    cl::init(1), cl::cat(category));
cl::opt<bool> keepWeights("keep-weights",
                          cl::desc("Print weight blobs instead of eliding them"),
                          cl::init(false), cl::cat(category));

int fail(const Twine &message) {
  errs() << "error: " << message << "\n";
  return 1;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  // Command-line mistakes are reported as one `error:` line too.
  std::string clErrors;
  raw_string_ostream clOS(clErrors);
  if (!cl::ParseCommandLineOptions(argc, argv, "Tangram ML compiler\n", &clOS)) {
    StringRef msg = StringRef(clErrors).trim();
    msg.consume_front(StringRef(argv[0]));
    msg = msg.ltrim(": ").take_until([](char c) { return c == '\n'; });
    // Some option errors are printed by LLVM itself, above this line.
    return fail(msg.empty() ? StringRef("invalid command line (see --help)")
                            : msg);
  }
  mlir::tangram::CompileOptions options;
  options.targets = targetList;
  options.optLevel = optLevel;
  options.precision = precision;
  options.inputShapes.assign(inputShapes.begin(), inputShapes.end());
  options.stage = emit;
  options.devicesPath = devicesPath;
  options.pins.assign(pins.begin(), pins.end());
  options.keepWeights = keepWeights;
  options.placement.objective = objective;
  options.placement.dynamicDim = placementDim;
  options.reportPath = reportPath;
  options.fallbacks.assign(fallbacks.begin(), fallbacks.end());
  // The driver runs lld, which resets LLVM's command-line options: copy them.
  std::string model = inputPath, output = outputPath, error;
  if (!mlir::tangram::compileModel(model, output, options, error))
    return fail(error);
  return 0;
}
