//===- FuzzImporter.cpp - libFuzzer harness: ONNX bytes to tg IR ----------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Imports the input as a binary ONNX model, through to verified tg IR
// (importONNXBytes verifies the module it returns). A failure must be an
// error message, never a crash, a leak or undefined behaviour. Each input
// gets a fresh MLIRContext, so no state carries from one input to the next
// and a crash reproduces from its input alone.
//
//===----------------------------------------------------------------------===//
#include "tangram/Importer/ONNX/Importer.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *r = new mlir::DialectRegistry();
    mlir::tangram::registerImporterDialects(*r);
    return r;
  }();
  mlir::MLIRContext context(*registry,
                            mlir::MLIRContext::Threading::DISABLED);
  // Diagnostics are part of a failed import; keep the fuzzer's output quiet.
  mlir::ScopedDiagnosticHandler quiet(&context,
                                      [](mlir::Diagnostic &) { return mlir::success(); });
  std::string error;
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  // External data is looked up in a directory that does not exist: the
  // harness must not read the machine's files.
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::tangram::importONNXBytes(
      bytes, "/nonexistent-tangram-fuzz", "fuzz.onnx", context, error);
  if (!module) {
    if (error.empty())
      std::abort(); // a failure must say why
    return 0;
  }
  if (mlir::failed(mlir::verify(*module)))
    std::abort(); // the importer returned IR that does not verify
  return 0;
}
