//===- Driver.cpp - the compile driver as a library -----------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// import -> (--input-shape specialization) -> weight hoisting -> device
// assignment -> per-device outlining -> the schedule's manifest plan -> per
// device: lowering to linalg, the target's pipeline, a code object ->
// bundle. Each step's failure is one line in
// `error`; text and bundle outputs go through ToolOutputFile / the bundle
// writer's temporary file, so a failure leaves nothing behind.
//
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Driver.h"
#include "tangram/Bundle/KernelPack.h"
#include "tangram/Bundle/Manifest.h"
#include "tangram/Pipelines/DeviceCatalog.h"
#include "tangram/Pipelines/FallbackPlans.h"
#include "tangram/Pipelines/PlacementReport.h"
#include "tangram/Pipelines/WeightLayouts.h"
#include "tangram/Schedule/Passes.h"
#include "tangram/Bundle/BundleWriter.h"
#include "tangram/Importer/ONNX/Importer.h"
#include "tangram/Schedule/ModelInterface.h"
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
#include <algorithm>
#include <set>
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/Support/FileSystem.h"
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

namespace {
/// Runs `build`'s passes on `op`; the first error diagnostic (with its
/// location when `withLocation`) becomes `error`.
bool runPasses(Operation *op, llvm::function_ref<void(PassManager &)> build,
               bool withLocation, std::string &error) {
  PassManager pm(op->getContext(), op->getName().getStringRef());
  build(pm);
  std::string first;
  ScopedDiagnosticHandler handler(op->getContext(), [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && first.empty()) {
      first = d.str();
      if (withLocation) {
        std::string loc;
        llvm::raw_string_ostream los(loc);
        d.getLocation().print(los);
        first += " (at " + loc + ")";
      }
    }
    return success();
  });
  if (succeeded(pm.run(op)))
    return true;
  error = first.empty() ? "failed" : first;
  return false;
}

/// The devices of the compile: the catalog's, or one per target ("cpu0").
bool compileDevices(const CompileOptions &options, Catalog &catalog,
                    std::string &error) {
  std::vector<DeviceEntry> &devices = catalog.devices;
  if (!options.devicesPath.empty()) {
    if (!readDeviceCatalog(options.devicesPath, catalog, error))
      return false;
  } else {
    SmallVector<StringRef> targets;
    StringRef(options.targets).split(targets, ',', -1, false);
    for (StringRef t : targets) {
      // NAME or NAME:FEATURE[:FEATURE...] ("cuda:sm_90"; commas separate
      // targets, so colons separate a target's features here).
      auto [name, features] = t.trim().split(':');
      if (!lookupTarget(name))
        return error = "target '" + name.str() +
                       "' is not available (available: " +
                       llvm::join(targetNames(), ", ") + ")",
               false;
      DeviceEntry d{name.str() + "0", name.str()};
      d.features = features.str();
      std::replace(d.features.begin(), d.features.end(), ':', ',');
      devices.push_back(d);
    }
  }
  if (devices.empty())
    return error = "no devices to compile for", false;
  for (const DeviceEntry &d : devices) {
    const TargetBackend *target = lookupTarget(d.target);
    if (!target)
      return error = "device '" + d.id + "': target '" + d.target +
                     "' is not available (available: " +
                     llvm::join(targetNames(), ", ") + ")",
             false;
    std::string message;
    if (!target->checkFeatures(d.features, message))
      return error = "device '" + d.id + "': " + message, false;
  }
  return true;
}

/// One device's executables, public, in a module of their own, in the order
/// of the code object's exports.
OwningOpRef<ModuleOp> deviceModule(ModuleOp module, const ::tangram::CodeObjectDesc &code,
                                   const TargetBackend &target) {
  OwningOpRef<ModuleOp> m = ModuleOp::create(module.getLoc());
  OpBuilder b = OpBuilder::atBlockEnd(m->getBody());
  for (const ::tangram::ExportDesc &x : code.exports) {
    auto fn = cast<func::FuncOp>(b.clone(*module.lookupSymbol(x.name)));
    fn.setPublic();
    fn->removeAttr(kDeviceAttr);
    target.prepareExport(fn);
  }
  return m;
}
/// `--emit=spirv|ptx|hsaco`: the code object's format and its kernels'
/// file extension.
std::pair<StringRef, StringRef> kernelFiles(CompileStage stage) {
  switch (stage) {
  case CompileStage::PTX:
    return {"ptx-kernels", ".ptx"};
  case CompileStage::HSACO:
    return {"hsaco-kernels", ".hsaco"};
  default:
    return {"spirv-kernels", ".spv"};
  }
}

bool writesKernels(CompileStage stage) {
  return stage == CompileStage::SPIRV || stage == CompileStage::PTX ||
         stage == CompileStage::HSACO;
}

/// `--emit=spirv|ptx|hsaco`: each kernel of the plan's code objects of
/// that format as DIR/<kernel>.spv (.ptx, .hsaco). Code objects of other
/// devices (the host steps a cpu runs) have no such kernels and are left
/// out; a plan with none of that format is an error. Called once the plan
/// is final, so that a failed attempt leaves no files behind.
bool writeKernels(ArrayRef<CodeObject> codes, CompileStage stage,
                  StringRef dir, std::string &error) {
  StringRef format = kernelFiles(stage).first;
  StringRef extension = kernelFiles(stage).second;
  if (llvm::none_of(codes, [&](const CodeObject &c) { return c.format == format; })) {
    std::string formats;
    for (const CodeObject &c : codes)
      formats += (formats.empty() ? "'" : ", '") + c.format + "'";
    return error = (std::string("--emit=") +
                    (stage == CompileStage::SPIRV  ? "spirv needs a Vulkan"
                     : stage == CompileStage::PTX ? "ptx needs a CUDA"
                                                  : "hsaco needs a ROCm") +
                    " device (the plan's code objects are " + formats + ")"),
           false;
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return error = (dir + ": " + ec.message()).str(), false;
  for (const CodeObject &code : codes) {
    if (code.format != format)
      continue;
    std::vector<::tangram::PackedKernel> kernels;
    if (!::tangram::unpackKernels(code.bytes.data(), code.bytes.size(),
                                  kernels, error,
                                  stage == CompileStage::SPIRV
                                      ? ::tangram::KernelCode::SPIRV
                                  : stage == CompileStage::PTX
                                      ? ::tangram::KernelCode::PTX
                                      : ::tangram::KernelCode::ELF))
      return false;
    for (const ::tangram::PackedKernel &k : kernels) {
      llvm::SmallString<128> path(dir);
      llvm::sys::path::append(path, k.name + extension);
      std::string message;
      auto out = openOutputFile(path, &message);
      if (!out)
        return error = (path + ": " + message).str(), false;
      StringRef bytes(reinterpret_cast<const char *>(k.words.data()),
                      k.words.size() * 4);
      // PTX is packed NUL terminated and padded: the file is the text.
      if (stage == CompileStage::PTX)
        bytes = bytes.take_until([](char c) { return c == 0; });
      out->os() << bytes;
      out->keep();
    }
  }
  return true;
}
/// After the executables of GPU code object `code` failed to lower
/// together: those that fail alone, as "DEVICE:NODE" for each ONNX node of
/// their ops (placement keeps those off the device).
/// `kernelsOnly`: lower through the target's kernel pipeline only.
std::vector<std::string> hostStepNodes(ModuleOp module,
                                       const ::tangram::CodeObjectDesc &code,
                                       const TargetBackend &target,
                                       const TargetOptions &options,
                                       const std::string &device,
                                       bool kernelsOnly = false) {
  std::vector<std::string> avoid;
  std::string message;
  for (const ::tangram::ExportDesc &x : code.exports) {
    ::tangram::CodeObjectDesc one = code;
    one.exports = {x};
    OwningOpRef<ModuleOp> dm = deviceModule(module, one, target);
    auto lower = [&](PassManager &pm) {
      buildTGToLinalgPipeline(pm);
      if (kernelsOnly)
        target.buildKernelPipeline(pm, options);
      else
        target.buildPipeline(pm, options);
    };
    if (runPasses(*dm, lower, false, message))
      continue;
    auto fn = module.lookupSymbol<func::FuncOp>(x.name);
    fn.walk([&](Operation *op) {
      SmallVector<StringRef> names;
      collectNodeNames(op->getLoc(), names);
      for (StringRef n : names) {
        std::string entry = device + ":" + n.str();
        if (!llvm::is_contained(avoid, entry))
          avoid.push_back(entry);
      }
    });
  }
  return avoid;
}
/// The "DEVICE:NODE" entries of every GPU code object of `plan` whose
/// executables need a host step (see hostStepNodes); empty when all lower.
std::vector<std::string> probeHostSteps(ModuleOp module,
                                        const ::tangram::Manifest &plan,
                                        ArrayRef<DeviceEntry> devices,
                                        TargetOptions options) {
  std::vector<std::string> avoid;
  std::string message;
  for (const ::tangram::CodeObjectDesc &code : plan.codeObjects) {
    const ::tangram::DeviceDesc &device = plan.devices[code.device];
    if (device.kind == "cpu")
      continue;
    const TargetBackend *target = lookupTarget(device.kind);
    for (const DeviceEntry &d : devices)
      if (d.id == device.name)
        options.features = d.features;
    OwningOpRef<ModuleOp> dm = deviceModule(module, code, *target);
    auto lower = [&](PassManager &pm) {
      buildTGToLinalgPipeline(pm);
      target->buildKernelPipeline(pm, options);
    };
    if (runPasses(*dm, lower, false, message))
      continue;
    std::vector<std::string> more = hostStepNodes(
        module, code, *target, options, device.name, /*kernelsOnly=*/true);
    avoid.insert(avoid.end(), more.begin(), more.end());
  }
  return avoid;
}

} // namespace

namespace {

/// A schedule compiled for some devices: its manifest plan, the bytes of its
/// code objects, and its weights' bytes in the layouts its code reads.
struct CompiledPlan {
  ::tangram::Manifest plan;
  std::vector<CodeObject> codes;
  std::vector<llvm::ArrayRef<char>> weightData;
};

/// Places the ops of `pristine` (imported, not yet scheduled) on `catalog`'s
/// devices, outlines them and lowers each device's executables. Text and
/// kernel stages are written to `outputPath` here, and `written` is set;
/// for a bundle, `out` gets the plan. Laid-out weights live in `storage`.
/// A GPU executable that needs a host step (a result size computed from
/// data on the device) is found only when it is lowered: its ops are then
/// kept off that device and placement runs again, when the catalog has a
/// CPU to take them.
bool compilePlan(ModuleOp pristine, const Catalog &catalog,
                 ArrayRef<std::string> pins, const CompileOptions &options,
                 StringRef modelPath, StringRef outputPath,
                 std::deque<std::vector<char>> &storage, CompiledPlan &out,
                 bool &written, std::string &error) {
  auto fail = [&](const Twine &m) { return error = m.str(), false; };
  const std::vector<DeviceEntry> &devices = catalog.devices;
  TargetOptions targetOptions;
  targetOptions.optLevel = options.optLevel;
  targetOptions.precision = options.precision;
  std::string message;
  PlacementOptions placementOptions = options.placement;
  bool hasCPU = llvm::any_of(devices, [](const DeviceEntry &d) { return d.target == "cpu"; });
  ::tangram::Manifest plan;
  std::optional<ModelInterface> interface;
  std::string text;
  llvm::raw_string_ostream textOS(text);
  std::string model = modelPath.str(), output = outputPath.str();
  std::vector<CodeObject> codes;
  std::vector<const TargetBackend *> codeTargets;
  OwningOpRef<ModuleOp> module;
  for (unsigned attempt = 0;; ++attempt) {
    module = OwningOpRef<ModuleOp>(pristine.clone());
    codes.clear();
    codeTargets.clear();
    text.clear();
    plan = ::tangram::Manifest();
    bool retry = false;
    writeCatalog(*module, catalog);
    auto schedule = [&](PassManager &pm) {
      buildSchedulePipeline(pm, {}, pins, placementOptions);
    };
    if (!runPasses(*module, schedule, false, message))
      return fail(modelPath + ": " + message);
    std::string placementText;
    if (auto placement = (*module)->getAttrOfType<StringAttr>(kPlacementAttr)) {
      if (!options.reportPath.empty() &&
          !writePlacementReport(placement.getValue(), options.reportPath,
                                llvm::sys::path::filename(modelPath), error))
        return fail(modelPath + ": " + error);
      placementText = placement.getValue().str();
      (*module)->removeAttr(kPlacementAttr);
    }
    auto planText = (*module)->getAttrOfType<StringAttr>(kManifestAttr);
    if (!::tangram::parseManifest(planText.getValue(), plan, message))
      return fail(modelPath + ": the schedule's " + message);
    // Stages that stop before the target's code still lower the GPU
    // executables, so that they show the placement a bundle gets.
    if (hasCPU && attempt < 3 &&
        (options.stage == CompileStage::Placement ||
         options.stage == CompileStage::Schedule ||
         options.stage == CompileStage::Linalg)) {
      std::vector<std::string> avoid =
          probeHostSteps(*module, plan, devices, targetOptions);
      if (!avoid.empty()) {
        placementOptions.avoid.insert(placementOptions.avoid.end(),
                                      avoid.begin(), avoid.end());
        continue;
      }
    }
    if (options.stage == CompileStage::Placement && !placementText.empty())
      return written = true, writeText(
                                 outputPath.str(),
                                 [&](llvm::raw_ostream &o) {
                                   o << placementText << "\n";
                                 },
                                 error);
    interface = readModelInterface(*module, error);
    if (!interface)
      return fail(modelPath + ": " + error);
    if (options.stage == CompileStage::Schedule) {
      (*module)->removeAttr(kManifestAttr);
      written = true;
      return printModule(*module, outputPath, options.keepWeights, error);
    }

    // Each device's executables: linalg, the target's pipeline, a code object.
    for (::tangram::CodeObjectDesc &code : plan.codeObjects) {
      ::tangram::DeviceDesc &device = plan.devices[code.device];
      const TargetBackend *target = lookupTarget(device.kind);
      for (const DeviceEntry &d : devices)
        if (d.id == device.name)
          targetOptions.features = d.features;
      OwningOpRef<ModuleOp> dm = deviceModule(*module, code, *target);
      if (!runPasses(*dm, buildTGToLinalgPipeline, true, message))
        return fail(model + ": lowering to linalg: " + message);
      if (options.stage == CompileStage::Linalg) {
        if (plan.devices.size() > 1)
          textOS << "// device " << device.name << "\n";
        OpPrintingFlags flags;
        if (!options.keepWeights)
          flags.elideLargeResourceString(64);
        dm->print(textOS, flags);
        textOS << "\n";
        continue;
      }
      auto lower = [&](PassManager &pm) {
        target->buildPipeline(pm, targetOptions);
      };
      if (!runPasses(*dm, lower, false, message)) {
        std::vector<std::string> avoid;
        if (hasCPU && device.kind != "cpu" && attempt < 3)
          avoid = hostStepNodes(*module, code, *target, targetOptions,
                                device.name);
        if (avoid.empty())
          return fail(model + ": lowering for " + target->name() + ": " +
                      message +
                      (!hasCPU && StringRef(message).contains("needs a host step")
                           ? "; a cpu device (--target ...,cpu, or one in "
                             "the catalog) runs it on the host"
                           : ""));
        placementOptions.avoid.insert(placementOptions.avoid.end(),
                                      avoid.begin(), avoid.end());
        retry = true;
        break;
      }
      std::vector<ExportInfo> exports;
      for (const ::tangram::ExportDesc &x : code.exports)
        exports.push_back({x.name, x.args});
      if (options.stage == CompileStage::LLVM) {
        if (!target->printLowered(*dm, exports, targetOptions, textOS, error))
          return fail(model + ": " + error);
        continue;
      }
      codes.emplace_back();
      codeTargets.push_back(target);
      if (!target->serialize(*dm, exports, targetOptions, codes.back(), error))
        return fail(model + ": " + error);
      if (writesKernels(options.stage))
        continue;
      code.requires_ = codes.back().requires_;
      for (size_t k = 0; k < codes.back().programs.size(); ++k) {
        code.exports[k].hasProgram = true;
        code.exports[k].shapes.clear(); // the program sizes the results
        code.exports[k].program = codes.back().programs[k];
      }
      DeviceInfo info = target->device(targetOptions);
      device.kind = info.kind;
      device.target = info.triple;
      device.features = info.features;
    }
    if (!retry)
      break;
  }

  if (writesKernels(options.stage)) {
    if (!writeKernels(codes, options.stage, output, error))
      return fail(model + ": " + error);
    return written = true, true;
  }
  if (options.stage != CompileStage::Bundle)
    return written = true,
           writeText(
               output, [&](llvm::raw_ostream &o) { o << text; }, error);

  // Weights a target reads in its own layout are stored laid out so.
  std::vector<llvm::ArrayRef<char>> weightData;
  for (const WeightInfo &w : interface->weights)
    weightData.push_back(w.data);
  if (!applyWeightLayouts(plan, weightData, codes, codeTargets, storage,
                          error))
    return fail(model + ": " + error);
  out.plan = std::move(plan);
  out.codes = std::move(codes);
  out.weightData = std::move(weightData);
  return true;
}

/// `--fallback IDS`: the catalog's devices of that list (and the links
/// between them), and the pins that name one of them.
bool fallbackCatalog(const Catalog &catalog, StringRef spec,
                     ArrayRef<std::string> pins, Catalog &sub,
                     std::vector<std::string> &subPins, std::string &error) {
  SmallVector<StringRef> ids;
  spec.split(ids, ',', -1, false);
  if (ids.empty())
    return error = "--fallback: expected device ids of the catalog "
                   "(e.g. --fallback cpu0)",
           false;
  std::vector<std::string> names;
  for (const DeviceEntry &d : catalog.devices)
    names.push_back(d.id);
  for (StringRef id : ids) {
    id = id.trim();
    auto it = llvm::find_if(catalog.devices,
                            [&](const DeviceEntry &d) { return d.id == id; });
    if (it == catalog.devices.end())
      return error = ("--fallback " + spec + ": no device '" + id +
                      "' (devices: " + llvm::join(names, ", ") + ")")
                         .str(),
             false;
    if (llvm::any_of(sub.devices,
                     [&](const DeviceEntry &d) { return d.id == id; }))
      return error = ("--fallback " + spec + ": device '" + id +
                      "' is given twice")
                         .str(),
             false;
    sub.devices.push_back(*it);
  }
  auto inSub = [&](StringRef id) {
    return llvm::any_of(sub.devices,
                        [&](const DeviceEntry &d) { return d.id == id; });
  };
  for (const LinkEntry &l : catalog.links)
    if (inSub(l.from) && inSub(l.to))
      sub.links.push_back(l);
  for (const std::string &pin : pins)
    if (inSub(StringRef(pin).rsplit('=').second))
      subPins.push_back(pin);
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
  if (!llvm::is_contained({"", "tf32", "f16", "bf16"}, options.precision))
    return fail("--precision=" + options.precision +
                ": expected tf32, f16 or bf16");
  if (!options.fallbacks.empty() && options.stage != CompileStage::Bundle)
    return fail("--fallback: fallback plans are carried only by a bundle "
                "(drop --emit)");
  registerAllTargets();
  Catalog catalog;
  if (!compileDevices(options, catalog, error))
    return false;
  // Fallback catalogs are checked before anything is compiled.
  std::vector<Catalog> fallbackCatalogs(options.fallbacks.size());
  std::vector<std::vector<std::string>> fallbackPins(options.fallbacks.size());
  for (size_t k = 0; k < options.fallbacks.size(); ++k)
    if (!fallbackCatalog(catalog, options.fallbacks[k], options.pins,
                         fallbackCatalogs[k], fallbackPins[k], error))
      return false;

  DialectRegistry registry;
  registerImporterDialects(registry);
  for (const DeviceEntry &d : catalog.devices)
    lookupTarget(d.target)->registerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  auto module = importONNXFile(modelPath, context, error);
  if (!module)
    return false;
  if (!specializeInputs(*module, modelPath, options.inputShapes, error))
    return false;
  if (options.stage == CompileStage::TG)
    return printModule(*module, outputPath, options.keepWeights, error);

  std::deque<std::vector<char>> laidOut;
  CompiledPlan main;
  bool written = false;
  if (!compilePlan(*module, catalog, options.pins, options, modelPath,
                   outputPath, laidOut, main, written, error))
    return false;
  if (written)
    return true;
  std::string output = outputPath.str();
  if (output == "-")
    return fail("a bundle needs an output file: -o OUT.tgb");

  // Each fallback plan: placed again on its devices alone (the report
  // describes the main schedule), then merged into the main plan.
  // A fallback that uses every device of the main schedule could never run
  // (it runs only when one of those is absent), so it is left out.
  auto usedNames = [](const ::tangram::Manifest &m) {
    std::set<std::string> names;
    for (unsigned d : ::tangram::planDevices(m.buffers, m.schedule))
      names.insert(m.devices[d].name);
    return names;
  };
  std::set<std::string> mainDevices = usedNames(main.plan);
  CompileOptions fallbackOptions = options;
  fallbackOptions.reportPath.clear();
  for (size_t k = 0; k < options.fallbacks.size(); ++k) {
    CompiledPlan fallback;
    if (!compilePlan(*module, fallbackCatalogs[k], fallbackPins[k],
                     fallbackOptions, modelPath, outputPath, laidOut,
                     fallback, written, error))
      return fail("--fallback " + options.fallbacks[k] + ": " + error);
    std::set<std::string> used = usedNames(fallback.plan);
    if (std::includes(used.begin(), used.end(), mainDevices.begin(),
                      mainDevices.end()))
      continue;
    if (!appendFallbackPlan(main.plan, main.weightData, fallback.plan,
                            fallback.weightData, error))
      return fail("--fallback " + options.fallbacks[k] + ": " + modelPath +
                  ": " + error);
    for (CodeObject &c : fallback.codes)
      main.codes.push_back(std::move(c));
  }

  main.plan.model = llvm::sys::path::stem(modelPath).str();
  auto writer = ::tangram::BundleWriter::fromPlan(std::move(main.plan));
  for (unsigned i = 0; i < main.codes.size(); ++i)
    writer.setCode(i, main.codes[i].format, std::move(main.codes[i].bytes));
  for (unsigned i = 0; i < main.weightData.size(); ++i)
    writer.setWeightData(i, main.weightData[i].data(),
                         main.weightData[i].size());
  return writer.write(output, error);
}
