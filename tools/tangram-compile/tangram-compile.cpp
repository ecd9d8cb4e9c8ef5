//===- tangram-compile.cpp - the Tangram compiler driver ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tangram-compile MODEL.onnx -o OUT.tgb [--target cpu] [-O0..-O3]
//                 [--input-shape NAME=DxDx... ...]
// tangram-compile MODEL.onnx --emit=tg|linalg|llvm -o OUT
//
// Imports an ONNX model (binary, or textual `.onnxtxt`), lowers it and
// writes a bundle or the IR of one stage. Every failure is one `error:` line
// on stderr and exit code 1; no partial output file is left.
//
//===----------------------------------------------------------------------===//
#include "WeightHoisting.h"
#include "tangram/Bundle/BundleWriter.h"
#include "tangram/Importer/ONNX/Importer.h"
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {
enum class Stage { bundle, tg, linalg, llvm };

cl::OptionCategory category("tangram-compile options");
cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output path ('-' for stdout)"),
                                cl::value_desc("path"), cl::init("-"),
                                cl::cat(category));
cl::opt<Stage> emit(
    "emit", cl::desc("Stage to write instead of a bundle"),
    cl::values(clEnumValN(Stage::tg, "tg", "imported tg dialect IR (text)"),
               clEnumValN(Stage::linalg, "linalg",
                          "linalg on tensors, weights as arguments (text)"),
               clEnumValN(Stage::llvm, "llvm", "LLVM IR of the CPU code (text)")),
    cl::init(Stage::bundle), cl::cat(category));
cl::opt<std::string> targetList("target", cl::desc("Targets (default: cpu)"),
                                cl::init("cpu"), cl::cat(category));
cl::opt<unsigned> optLevel("O", cl::desc("Optimization level 0-3"),
                           cl::Prefix, cl::init(2), cl::cat(category));
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Fix an input's dims at compile time, e.g. input=1x3x224x224; "
             "'?' keeps a dim dynamic (repeatable, one per input)"),
    cl::value_desc("NAME=DIMS"), cl::cat(category));
cl::opt<bool> keepWeights("keep-weights",
                          cl::desc("Print weight blobs instead of eliding them"),
                          cl::init(false), cl::cat(category));

int fail(const Twine &message) {
  errs() << "error: " << message << "\n";
  return 1;
}

/// Writes text through a ToolOutputFile so a failure leaves nothing behind.
int writeText(function_ref<void(raw_ostream &)> print) {
  std::string errorMessage;
  auto out = mlir::openOutputFile(outputPath, &errorMessage);
  if (!out)
    return fail(outputPath + ": " + errorMessage);
  print(out->os());
  out->os().flush();
  if (out->os().has_error())
    return fail(outputPath + ": write failed");
  out->keep();
  return 0;
}

/// Applies each --input-shape to the entry function's argument types and
/// re-runs shape inference so the fixed dims reach every op. The bundle
/// then records them as static and the runtime rejects other shapes.
int specializeInputs(mlir::ModuleOp module) {
  if (inputShapes.empty())
    return 0;
  mlir::func::FuncOp f;
  for (auto fn : module.getOps<mlir::func::FuncOp>())
    if (fn.isPublic() && !fn.isExternal())
      f = fn;
  std::string names;
  auto nameOf = [&](unsigned i) {
    auto n = f.getArgAttrOfType<mlir::StringAttr>(i, "tg.name");
    return n ? n.str() : "input_" + std::to_string(i);
  };
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    names += (i ? ", " : "") + nameOf(i);
  SmallVector<mlir::Type> types(f.getArgumentTypes());
  llvm::StringSet<> seen;
  for (StringRef spec : inputShapes) {
    std::string what = "--input-shape " + spec.str() + ": ";
    auto [name, dims] = spec.split('=');
    if (name.empty() || dims.empty() || !spec.contains('='))
      return fail(what + "expected NAME=DxDx... (e.g. input=1x3x224x224)");
    if (!seen.insert(name).second)
      return fail(what + "input '" + name + "' is given twice");
    unsigned arg = 0;
    while (arg < f.getNumArguments() && nameOf(arg) != name)
      ++arg;
    if (arg == f.getNumArguments())
      return fail(what + "the model has no input '" + name + "' (inputs: " +
                  names + ")");
    auto t = dyn_cast<mlir::RankedTensorType>(types[arg]);
    if (!t)
      return fail(what + "input '" + name + "' is not a tensor");
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    if ((int64_t)parts.size() != t.getRank())
      return fail(what + "input '" + name + "' has rank " +
                  Twine(t.getRank()) + ", got " + Twine(parts.size()) +
                  " dims");
    SmallVector<int64_t> shape(t.getShape());
    auto maxAttr = f.getArgAttrOfType<mlir::DenseI64ArrayAttr>(arg, "tg.dim_max");
    for (auto [d, p] : llvm::enumerate(parts)) {
      if (p == "?")
        continue;
      int64_t v;
      if (p.getAsInteger(10, v) || v < 0)
        return fail(what + "dim " + Twine(d) + " '" + p +
                    "' is not a size or '?'");
      if (!t.isDynamicDim(d) && t.getDimSize(d) != v)
        return fail(what + "dim " + Twine(d) + " of input '" + name +
                    "' is " + Twine(t.getDimSize(d)) + " in the model, got " +
                    Twine(v));
      if (maxAttr && (int64_t)d < maxAttr.size() && maxAttr[d] >= 0 &&
          v > maxAttr[d])
        return fail(what + "dim " + Twine(d) + " of input '" + name +
                    "' is " + Twine(v) + ", the model allows at most " +
                    Twine(maxAttr[d]));
      shape[d] = v;
    }
    types[arg] = t.clone(shape);
  }
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    f.getArgument(i).setType(types[i]);
  f.setType(mlir::FunctionType::get(module.getContext(), types,
                                    f.getResultTypes()));
  mlir::PassManager pm(module.getContext());
  mlir::tangram::buildImportCleanupPipeline(pm);
  std::string first;
  mlir::ScopedDiagnosticHandler handler(module.getContext(),
                                        [&](mlir::Diagnostic &d) {
                                          if (first.empty())
                                            first = d.str();
                                          return mlir::success();
                                        });
  if (failed(pm.run(module)))
    return fail(inputPath + ": --input-shape: the shapes do not fit the model" +
                (first.empty() ? "" : ": " + first));
  return 0;
}

int printModule(mlir::ModuleOp module) {
  mlir::OpPrintingFlags flags;
  if (!keepWeights)
    flags.elideLargeResourceString(64);
  return writeText([&](raw_ostream &os) {
    module.print(os, flags);
    os << "\n";
  });
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
  if (optLevel > 3)
    return fail("-O" + Twine(optLevel) + ": optimization level must be 0-3");
  if (targetList != "cpu")
    return fail("target '" + targetList +
                "' is not available (available: cpu)");

  mlir::DialectRegistry registry;
  mlir::tangram::registerImporterDialects(registry);
  mlir::tangram::registerCPUTargetDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  std::string error;
  auto module = mlir::tangram::importONNXFile(inputPath, context, error);
  if (!module)
    return fail(error);
  if (int rc = specializeInputs(*module))
    return rc;
  if (emit == Stage::tg)
    return printModule(*module);

  auto hoisted = mlir::tangram::hoistWeights(*module, error);
  if (!hoisted)
    return fail(inputPath + ": " + error);
  {
    mlir::PassManager pm(&context);
    mlir::tangram::buildTGToLinalgPipeline(pm);
    std::string first;
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      if (d.getSeverity() == mlir::DiagnosticSeverity::Error && first.empty()) {
        std::string loc;
        llvm::raw_string_ostream los(loc);
        d.getLocation().print(los);
        first = d.str() + " (at " + loc + ")";
      }
      return mlir::success();
    });
    if (failed(pm.run(*module)))
      return fail(inputPath + ": lowering to linalg: " +
                  (first.empty() ? "failed" : first));
  }
  if (emit == Stage::linalg)
    return printModule(*module);

  mlir::tangram::CPUOptions options;
  options.optLevel = optLevel;
  hoisted->entry->setAttr("llvm.emit_c_interface",
                          mlir::UnitAttr::get(&context));
  std::string entryName = hoisted->entry.getSymName().str();
  unsigned numArgs = hoisted->entry.getNumArguments();
  if (failed(mlir::tangram::lowerLinalgToLLVMDialect(*module, options, error)))
    return fail(inputPath + ": " + error);
  llvm::LLVMContext llvmContext;
  auto llvmModule = mlir::tangram::translateToLLVMIR(
      *module, llvmContext, entryName, numArgs, options, error);
  if (!llvmModule)
    return fail(inputPath + ": " + error);
  if (emit == Stage::llvm)
    return writeText([&](raw_ostream &os) { llvmModule->print(os, nullptr); });

  // lld resets LLVM's command-line options when it runs: read ours first.
  std::string model = inputPath, output = outputPath;
  if (output == "-")
    return fail("a bundle needs an output file: -o OUT.tgb");
  std::vector<uint8_t> code =
      mlir::tangram::buildSharedLibrary(*llvmModule, options, error);
  if (code.empty())
    return fail(model + ": " + error);

  tangram::BundleWriter writer(sys::path::stem(model).str());
  unsigned device = writer.addDevice("cpu", mlir::tangram::cpuTriple(),
                                     mlir::tangram::cpuFeatures(options));
  unsigned codeObject = writer.addCodeObject(
      device, "elf-shared-object", mlir::tangram::kCPUEntryName, std::move(code));
  std::vector<unsigned> args, results;
  for (auto &in : hoisted->inputs)
    args.push_back(writer.addInputBuffer(
        writer.addInput(in.name, in.dtype, in.shape, in.dimNames, in.dimMax),
        device));
  for (auto &w : hoisted->weights)
    args.push_back(writer.addWeightBuffer(
        writer.addWeight(w.name, w.dtype, w.shape, w.data.data(), w.data.size()),
        device));
  for (auto &out : hoisted->outputs)
    results.push_back(writer.addOutputBuffer(
        writer.addOutput(out.name, out.dtype, out.shape, out.dimNames), device));
  writer.addLaunch(device, codeObject, args, results);
  if (!writer.write(output, error))
    return fail(error);
  return 0;
}
