//===- tangram-compile.cpp - the Tangram compiler driver ------------------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// tangram-compile MODEL.onnx --emit=tg -o OUT
//
// Imports an ONNX model (binary, or textual `.onnxtxt`) and writes the
// imported, shape-inferred and canonicalized tg IR. Every failure is one
// `error:` line on stderr and exit code 1; no partial output file is left.
//
//===----------------------------------------------------------------------===//
#include "tangram/Importer/ONNX/Importer.h"
#include "mlir/IR/AsmState.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {
enum class Stage { tg };

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                               cl::Required);
cl::opt<std::string> outputPath("o", cl::desc("Output path ('-' for stdout)"),
                                cl::value_desc("path"), cl::init("-"));
cl::opt<Stage> emit("emit", cl::desc("Stage to write"),
                    cl::values(clEnumValN(Stage::tg, "tg",
                                          "imported tg dialect IR (text)")),
                    cl::init(Stage::tg));
cl::opt<bool> keepWeights("keep-weights",
                          cl::desc("Print weight blobs instead of eliding them"),
                          cl::init(false));

int fail(const Twine &message) {
  errs() << "error: " << message << "\n";
  return 1;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Tangram ML compiler\n");

  mlir::DialectRegistry registry;
  mlir::tangram::registerImporterDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  std::string error;
  auto module = mlir::tangram::importONNXFile(inputPath, context, error);
  if (!module)
    return fail(error);

  std::string errorMessage;
  auto out = mlir::openOutputFile(outputPath, &errorMessage);
  if (!out)
    return fail(outputPath + ": " + errorMessage);
  mlir::OpPrintingFlags flags;
  if (!keepWeights)
    flags.elideLargeResourceString(64);
  module->print(out->os(), flags);
  out->os() << "\n";
  out->os().flush();
  if (out->os().has_error())
    return fail(outputPath + ": write failed");
  out->keep();
  return 0;
}
