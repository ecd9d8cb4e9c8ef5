//===- CPUCodegen.cpp - LLVM IR, x86-64 object, shared library ------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#include "tangram/Target/CPU/CPUTarget.h"
#include "tangram/Target/TargetBackend.h"
#include "tangram/Transforms/Passes.h"
#include "Microkernels.h"
#include "ParallelLaunch.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "lld/Common/Driver.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

LLD_HAS_DRIVER(elf)

using namespace mlir;
using namespace mlir::tangram;

std::string mlir::tangram::cpuTriple() { return llvm::sys::getProcessTriple(); }

std::string mlir::tangram::cpuFeatures(const CPUOptions &options) {
  if (!options.features.empty() || !options.cpu.empty())
    return options.features;
  std::string features;
  for (auto &f : llvm::sys::getHostCPUFeatures()) {
    if (!features.empty())
      features += ",";
    features += (f.second ? "+" : "-") + f.first().str();
  }
  return features;
}

namespace {
std::unique_ptr<llvm::TargetMachine> makeTargetMachine(const CPUOptions &o,
                                                       std::string &error) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  std::string triple = cpuTriple();
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(llvm::Triple(triple), error);
  if (!target)
    return nullptr;
  llvm::TargetOptions to;
  // Destructors in .fini_array, which the dynamic loader runs on dlclose
  // (the default .dtors needs crt code a code object does not link).
  to.UseInitArray = true;
  std::string cpu = o.cpu.empty() ? llvm::sys::getHostCPUName().str() : o.cpu;
  auto level = o.optLevel == 0   ? llvm::CodeGenOptLevel::None
               : o.optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : o.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                 : llvm::CodeGenOptLevel::Aggressive;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      llvm::Triple(triple), cpu, cpuFeatures(o), to, llvm::Reloc::PIC_,
      std::nullopt, level));
}

/// The exported wrapper of a function F with a C interface, named F (F's
/// own body is renamed out of the way). Executables write into
/// caller-allocated results: `void F(void **args, void **results)` loads
/// each argument and result descriptor pointer in turn. Shape functions
/// return their one result: `void F(void **args, int64_t *results)` passes
/// `results` as the place for the returned descriptor.
llvm::Function *addExportWrapper(llvm::Module &m, llvm::StringRef entryFunc,
                                 unsigned numArgs, bool destinations,
                                 std::string &error) {
  std::string ciface = ("_mlir_ciface_" + entryFunc).str();
  llvm::Function *callee = m.getFunction(ciface);
  if (!callee) {
    error = "no C interface for function '" + entryFunc.str() + "'";
    return nullptr;
  }
  unsigned n = callee->arg_size();
  if (destinations ? n < numArgs : n != numArgs + 1) {
    error = "unexpected C interface for '" + entryFunc.str() + "'";
    return nullptr;
  }
  if (llvm::Function *body = m.getFunction(entryFunc))
    body->setName(entryFunc + ".body");
  llvm::LLVMContext &ctx = m.getContext();
  auto *ptrTy = llvm::PointerType::get(ctx, 0);
  auto *fnTy = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx),
                                       {ptrTy, ptrTy}, false);
  auto *entry = llvm::Function::Create(fnTy, llvm::Function::ExternalLinkage,
                                       entryFunc, m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", entry));
  llvm::Value *args = entry->getArg(0), *results = entry->getArg(1);
  SmallVector<llvm::Value *> callArgs;
  if (!destinations)
    callArgs.push_back(results);
  for (unsigned i = 0; i < numArgs; ++i)
    callArgs.push_back(
        b.CreateLoad(ptrTy, b.CreateConstGEP1_64(ptrTy, args, i)));
  for (unsigned j = 0; destinations && j < n - numArgs; ++j)
    callArgs.push_back(
        b.CreateLoad(ptrTy, b.CreateConstGEP1_64(ptrTy, results, j)));
  b.CreateCall(callee, callArgs);
  b.CreateRetVoid();
  return entry;
}

/// Everything but the exports is internal: LLVM may inline and drop it. The
/// runtime also looks up tangram_set_parallel_for, tangram_take_error and
/// tangram_set_profiler (docs/BundleFormat.md).
void internalize(llvm::Module &m,
                 const llvm::SmallPtrSetImpl<llvm::Function *> &exported) {
  for (llvm::Function &f : m)
    if (!exported.contains(&f) && !f.isDeclaration() &&
        f.getName() != kCPUSetParallelForName &&
        f.getName() != kCPUTakeErrorName &&
        f.getName() != kCPUSetProfilerName)
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  // LLVM's own globals (llvm.global_dtors: the microkernels free their
  // packed weights when the object is unloaded) keep their linkage.
  for (llvm::GlobalVariable &g : m.globals())
    if (!g.isDeclaration() && !g.getName().starts_with("llvm."))
      g.setLinkage(llvm::GlobalValue::InternalLinkage);
}
} // namespace

std::unique_ptr<llvm::Module>
mlir::tangram::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &ctx,
                                 llvm::ArrayRef<ExportInfo> exports,
                                 const CPUOptions &options,
                                 std::string &error) {
  auto m = translateModuleToLLVMIR(module, ctx, "tangram");
  if (!m) {
    error = "translation to LLVM IR failed";
    return nullptr;
  }
  auto tm = makeTargetMachine(options, error);
  if (!tm)
    return nullptr;
  m->setTargetTriple(tm->getTargetTriple());
  m->setDataLayout(tm->createDataLayout());
  if (!defineParallelLaunchers(*m, error) ||
      !linkMicrokernels(*m, tm->getTargetFeatureString(), error))
    return nullptr;
  llvm::SmallPtrSet<llvm::Function *, 4> exported;
  for (const ExportInfo &x : exports) {
    llvm::Function *f =
        addExportWrapper(*m, x.name, x.numArgs, /*destinations=*/true, error);
    if (!f)
      return nullptr;
    exported.insert(f);
    // Results sized at run time come with a shape function.
    std::string shapes = shapeFunctionName(x.name);
    if (!m->getFunction("_mlir_ciface_" + shapes))
      continue;
    f = addExportWrapper(*m, shapes, x.numArgs, /*destinations=*/false, error);
    if (!f)
      return nullptr;
    exported.insert(f);
  }
  internalize(*m, exported);
  return m;
}

std::vector<uint8_t>
mlir::tangram::buildSharedLibrary(llvm::Module &m, const CPUOptions &options,
                                  std::string &error) {
  auto tm = makeTargetMachine(options, error);
  if (!tm)
    return {};
  for (llvm::Function &f : m)
    if (!f.isDeclaration()) {
      f.addFnAttr("target-cpu", tm->getTargetCPU());
      f.addFnAttr("target-features", tm->getTargetFeatureString());
    }
  if (options.optLevel > 0) {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PipelineTuningOptions pto;
    pto.LoopVectorization = true;
    pto.SLPVectorization = true;
    // Most vector loops here run over one row of an activation (7 to 112
    // elements): interleaving 4 vectors per iteration left short rows to
    // the scalar remainder. Without it every zoo model timed ran 1-5%
    // faster (docs/benchmarks/cpu_zoo.md).
    pto.LoopInterleaving = false;
    llvm::PassBuilder pb(tm.get(), pto);
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    auto level = options.optLevel == 1   ? llvm::OptimizationLevel::O1
                 : options.optLevel == 2 ? llvm::OptimizationLevel::O2
                                         : llvm::OptimizationLevel::O3;
    pb.buildPerModuleDefaultPipeline(level).run(m, mam);
  }

  // Object file, in memory.
  llvm::SmallVector<char, 0> object;
  {
    llvm::raw_svector_ostream os(object);
    llvm::legacy::PassManager pm;
    if (tm->addPassesToEmitFile(pm, os, nullptr,
                                llvm::CodeGenFileType::ObjectFile)) {
      error = "the target cannot emit an object file";
      return {};
    }
    pm.run(m);
  }

  // lld reads and writes files: use a private temporary directory and remove
  // it whatever happens.
  llvm::SmallString<128> dir;
  if (auto ec = llvm::sys::fs::createUniqueDirectory("tangram-link", dir)) {
    error = "cannot create a temporary directory: " + ec.message();
    return {};
  }
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove_directories(dir);
  });
  llvm::SmallString<128> objPath(dir), soPath(dir);
  llvm::sys::path::append(objPath, "code.o");
  llvm::sys::path::append(soPath, "code.so");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objPath, ec);
    if (ec) {
      error = "cannot write " + objPath.str().str() + ": " + ec.message();
      return {};
    }
    os.write(object.data(), object.size());
  }
  std::string linkLog;
  llvm::raw_string_ostream logOS(linkLog);
  SmallVector<const char *> args{"ld.lld",          "-shared",
                                 "--hash-style=gnu", "-z",
                                 "noexecstack",      "-O1",
                                 "-o",              soPath.c_str(),
                                 objPath.c_str()};
  lld::Result r = lld::lldMain(args, logOS, logOS, {{lld::Gnu, &lld::elf::link}});
  if (r.retCode != 0) {
    error = "linking the shared library failed: " + linkLog;
    return {};
  }
  auto buf = llvm::MemoryBuffer::getFile(soPath);
  if (!buf) {
    error = "cannot read the linked library: " + buf.getError().message();
    return {};
  }
  return std::vector<uint8_t>((*buf)->getBufferStart(),
                              (*buf)->getBufferEnd());
}
