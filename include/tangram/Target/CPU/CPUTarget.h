//===- CPUTarget.h - the host CPU backend -----------------------*- C++ -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// linalg on tensors -> bufferized loops (tiled and vectorized at -O2+) ->
// LLVM dialect -> LLVM IR with the bundle entry point -> x86-64 object ->
// shared library, linked in-process with lld.
//
// Each executable F of the module is exported as (docs/BundleFormat.md)
//   extern "C" void F(void **args, int64_t *results);
// args[k] points to the memref descriptor of F's k-th argument; results
// receives the result descriptors, each a fresh malloc'ed buffer the
// caller frees.
//
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_CPU_CPUTARGET_H
#define TANGRAM_TARGET_CPU_CPUTARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/Module.h"
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir::tangram {

class TargetBackend;
class TargetInfo;
struct ExportInfo;

/// The CPU target for the registry (CPUBackend.cpp).
std::unique_ptr<TargetBackend> createCPUTarget();

/// What the CPU answers about emission (CPUTargetInfo.cpp): run-time
/// errors through `tangram_take_error`, 8-bit floats expanded, f32
/// exp/log/tanh/erf as polynomials.
const TargetInfo &cpuTargetInfo();

struct CPUOptions {
  /// 0: naive loops, no LLVM optimization; 1-3: tiling, vectorization and
  /// LLVM's -O1..-O3.
  unsigned optLevel = 2;
  /// Target CPU and features; empty means the host's.
  std::string cpu;
  std::string features;
};

/// The optional export through which the runtime hands over its thread pool.
inline constexpr const char *kCPUSetParallelForName =
    "tangram_set_parallel_for";
/// The optional export that returns (and clears) the first run-time error.
inline constexpr const char *kCPUTakeErrorName = "tangram_take_error";
/// The exported function that gives the microkernels a clock and a recorder
/// (Microkernels.c; the runtime calls it when profiling, Profile.h).
inline constexpr const char *kCPUSetProfilerName = "tangram_set_profiler";

/// Dialects and interfaces the CPU pipeline needs.
void registerCPUTargetDialects(DialectRegistry &registry);

/// tg -> linalg on tensors (shared by every target).
void buildTGToLinalgPipeline(OpPassManager &pm);

/// The CPU target's pipeline, linalg on tensors -> LLVM dialect: fusion,
/// bufferization, deallocation, microkernels, parallel loops, LLVM
/// conversion. Every step is a pass, so `tangram-opt` replays it
/// (`-tg-cpu-lower-to-llvm`).
void buildCPULoweringPipeline(OpPassManager &pm, const CPUOptions &options);

/// Runs buildCPULoweringPipeline on `module` in place; the first error is
/// returned in `error`.
LogicalResult lowerLinalgToLLVMDialect(ModuleOp module,
                                       const CPUOptions &options,
                                       std::string &error);

/// LLVM dialect -> LLVM IR with one exported wrapper per executable of
/// `exports` (each a function of `numArgs` memref arguments), named as the
/// executable.
std::unique_ptr<llvm::Module>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &ctx,
                  llvm::ArrayRef<ExportInfo> exports, const CPUOptions &options,
                  std::string &error);

/// Optimizes `module`, emits an object and links it into a shared library;
/// returns its bytes (empty + `error` on failure).
std::vector<uint8_t> buildSharedLibrary(llvm::Module &module,
                                        const CPUOptions &options,
                                        std::string &error);

/// The target triple and feature string the code is built for.
std::string cpuTriple();
std::string cpuFeatures(const CPUOptions &options);

} // namespace mlir::tangram

#endif // TANGRAM_TARGET_CPU_CPUTARGET_H
