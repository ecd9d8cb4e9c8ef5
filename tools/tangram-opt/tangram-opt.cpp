//===- tangram-opt.cpp - mlir-opt with Tangram's dialects and passes ------===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
//
// Registers only what Tangram uses: its own dialects and passes plus the
// upstream dialects and passes its pipelines are built from.
//
//===----------------------------------------------------------------------===//
#include "tangram/Pipelines/Pipelines.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::tangram::registerTangramDialects(registry);
  mlir::tangram::registerTangramPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Tangram optimizer driver\n", registry));
}
