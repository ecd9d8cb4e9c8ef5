//===- Driver.cpp - the compile driver as a library -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// import -> (--input-shape specialization) -> weight hoisting -> lowering to
// linalg -> the CPU target -> bundle. Each step's failure is one line in
// `error`; text and bundle outputs go through ToolOutputFile / the bundle
// writer's temporary file, so a failure leaves nothing behind.
//
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Driver.h"
#include "tangram/Bundle/BundleWriter.h"
#include "tangram/Importer/ONNX/Importer.h"
#include "tangram/Pipelines/ModelInterface.h"
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/TargetBackend.h"
#include "tangram/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::tangram;
using llvm::StringRef;
using llvm::Twine;

namespace {

/// Writes text through a ToolOutputFile so a failure leaves nothing behind.
bool writeText(StringRef path, llvm::function_ref<void(llvm::raw_ostream &)> print,
               std::string &error) {
  std::string message;
  auto out = openOutputFile(path, &message);
  if (!out)
    return error = (path + ": " + message).str(), false;
  print(out->os());
  out->os().flush();
  if (out->os().has_error())
    return error = (path + ": write failed").str(), false;
  out->keep();
  return true;
}

bool printModule(ModuleOp module, StringRef path, bool keepWeights,
                 std::string &error) {
  OpPrintingFlags flags;
  if (!keepWeights)
    flags.elideLargeResourceString(64);
  return writeText(
      path,
      [&](llvm::raw_ostream &os) {
        module.print(os, flags);
        os << "\n";
      },
      error);
}

/// Applies each --input-shape to the entry function's argument types and
/// re-runs shape inference so the fixed dims reach every op. The bundle
/// then records them as static and the runtime rejects other shapes.
bool specializeInputs(ModuleOp module, StringRef modelPath,
                      ArrayRef<std::string> inputShapes, std::string &error) {
  auto fail = [&](const Twine &m) { return error = m.str(), false; };
  if (inputShapes.empty())
    return true;
  func::FuncOp f;
  for (auto fn : module.getOps<func::FuncOp>())
    if (fn.isPublic() && !fn.isExternal())
      f = fn;
  std::string names;
  auto nameOf = [&](unsigned i) {
    auto n = f.getArgAttrOfType<StringAttr>(i, "tg.name");
    return n ? n.str() : "input_" + std::to_string(i);
  };
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    names += (i ? ", " : "") + nameOf(i);
  SmallVector<Type> types(f.getArgumentTypes());
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
    auto t = dyn_cast<RankedTensorType>(types[arg]);
    if (!t)
      return fail(what + "input '" + name + "' is not a tensor");
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    if ((int64_t)parts.size() != t.getRank())
      return fail(what + "input '" + name + "' has rank " +
                  Twine(t.getRank()) + ", got " + Twine(parts.size()) +
                  " dims");
    SmallVector<int64_t> shape(t.getShape());
    auto maxAttr = f.getArgAttrOfType<DenseI64ArrayAttr>(arg, "tg.dim_max");
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
  f.setType(FunctionType::get(module.getContext(), types,
                                    f.getResultTypes()));
  PassManager pm(module.getContext());
  buildImportCleanupPipeline(pm);
  std::string first;
  ScopedDiagnosticHandler handler(module.getContext(),
                                        [&](Diagnostic &d) {
                                          if (first.empty())
                                            first = d.str();
                                          return success();
                                        });
  if (failed(pm.run(module)))
    return fail(modelPath + ": --input-shape: the shapes do not fit the model" +
                (first.empty() ? "" : ": " + first));
  return true;
}

} // namespace

bool mlir::tangram::compileModel(StringRef modelPath, StringRef outputPath,
                                 const CompileOptions &options,
                                 std::string &error) {
  auto fail = [&](const Twine &m) { return error = m.str(), false; };
  if (options.optLevel > 3)
    return fail("-O" + Twine(options.optLevel) +
                ": optimization level must be 0-3");
  registerAllTargets();
  const TargetBackend *target = lookupTarget(options.targets);
  if (!target)
    return fail("target '" + options.targets + "' is not available (available: " +
                llvm::join(targetNames(), ", ") + ")");
  TargetOptions targetOptions;
  targetOptions.optLevel = options.optLevel;

  DialectRegistry registry;
  registerImporterDialects(registry);
  target->registerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  auto module = importONNXFile(modelPath, context, error);
  if (!module)
    return false;
  if (!specializeInputs(*module, modelPath, options.inputShapes, error))
    return false;
  if (options.stage == CompileStage::TG)
    return printModule(*module, outputPath, options.keepWeights, error);

  std::optional<ModelInterface> hoisted;
  {
    PassManager pm(&context);
    pm.addPass(createHoistWeightsPass());
    std::string first;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
      if (first.empty())
        first = d.str();
      return success();
    });
    if (failed(pm.run(*module)))
      return fail(modelPath + ": " + first);
    hoisted = readModelInterface(*module, error);
    if (!hoisted)
      return fail(modelPath + ": " + error);
  }
  {
    PassManager pm(&context);
    buildTGToLinalgPipeline(pm);
    std::string first;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && first.empty()) {
        std::string loc;
        llvm::raw_string_ostream los(loc);
        d.getLocation().print(los);
        first = d.str() + " (at " + loc + ")";
      }
      return success();
    });
    if (failed(pm.run(*module)))
      return fail(modelPath + ": lowering to linalg: " +
                  (first.empty() ? "failed" : first));
  }
  if (options.stage == CompileStage::Linalg)
    return printModule(*module, outputPath, options.keepWeights, error);

  target->prepareEntry(hoisted->entry);
  std::string entryName = hoisted->entry.getSymName().str();
  unsigned numArgs = hoisted->entry.getNumArguments();
  {
    PassManager pm(&context);
    target->buildPipeline(pm, targetOptions);
    std::string first;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && first.empty())
        first = d.str();
      return success();
    });
    if (failed(pm.run(*module)))
      return fail(modelPath + ": lowering for " + target->name() + ": " +
                  (first.empty() ? "failed" : first));
  }
  if (options.stage == CompileStage::LLVM) {
    // Printed to memory first: a failure leaves no partial file.
    std::string text;
    llvm::raw_string_ostream os(text);
    if (!target->printLowered(*module, entryName, numArgs, targetOptions, os,
                              error))
      return fail(modelPath + ": " + error);
    return writeText(
        outputPath, [&](llvm::raw_ostream &out) { out << text; }, error);
  }

  if (outputPath == "-")
    return fail("a bundle needs an output file: -o OUT.tgb");
  // lld resets LLVM's command-line options when it runs: copy what it reads.
  std::string model = modelPath.str(), output = outputPath.str();
  CodeObject code;
  if (!target->serialize(*module, entryName, numArgs, targetOptions, code,
                         error))
    return fail(model + ": " + error);
  DeviceInfo dev = target->device(targetOptions);

  ::tangram::BundleWriter writer(llvm::sys::path::stem(model).str());
  unsigned device = writer.addDevice(dev.kind, dev.triple, dev.features);
  unsigned codeObject = writer.addCodeObject(device, code.format, code.entry,
                                             std::move(code.bytes));
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
  return writer.write(output, error);
}
