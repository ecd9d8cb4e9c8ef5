//===- Passes.td - tg graph passes -----------------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TRANSFORMS_PASSES
#define TANGRAM_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def InferShapesPass : Pass<"tg-infer-shapes", "func::FuncOp"> {
  let summary = "Refines tg result types from operand types and constants";
  let description = [{
    Re-runs every tg op's type inference in program order and replaces a
    result type with the inferred one where the latter is more static (a `?`
    dim becomes known). Folding turns shape computations into constants;
    this pass then carries what they say into the types. The function's
    result types are updated to match its returned values.

    Before:
    ```mlir
    func.func @f(%x: tensor<2x6xf32>) -> tensor<?x?xf32> {
      %s = tg.constant dense<[3, 4]> : tensor<2xi64>
      %y = tg.reshape %x, %s : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
      return %y : tensor<?x?xf32>
    }
    ```
    After:
    ```mlir
    func.func @f(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
      %s = tg.constant dense<[3, 4]> : tensor<2xi64>
      %y = tg.reshape %x, %s : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<3x4xf32>
      return %y : tensor<3x4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::tangram::tg::TGDialect"];
}

#endif // TANGRAM_TRANSFORMS_PASSES
