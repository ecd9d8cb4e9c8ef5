//===- Passes.td - lowerings out of tg -------------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_CONVERSION_PASSES
#define TANGRAM_CONVERSION_PASSES

include "mlir/Pass/PassBase.td"

def LowerToLinalgPass : Pass<"tg-lower-to-linalg", "ModuleOp"> {
  let summary = "Lowers tg ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every tg op becomes linalg (named ops for matmul and 2-D convolution,
    `linalg.generic` otherwise), tensor, arith and math ops with the same
    value semantics. Unsigned tg element types become signless integers of
    the same width; the ops that care (division, comparison, casts) pick
    their unsigned arith form from the tg types. An op that cannot be
    lowered (an unsupported mode, a dynamic dim the lowering cannot size)
    is an error naming the op.

    Before:
    ```mlir
    func.func @f(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
      %z = tg.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      return %z : tensor<2x3xf32>
    }
    ```
    After:
    ```mlir
    #map = affine_map<(d0, d1) -> (d0, d1)>
    #map1 = affine_map<(d0, d1) -> (d1)>
    func.func @f(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
      %e = tensor.empty() : tensor<2x3xf32>
      %z = linalg.generic {indexing_maps = [#map, #map1, #map],
          iterator_types = ["parallel", "parallel"]}
          ins(%x, %y : tensor<2x3xf32>, tensor<3xf32>) outs(%e : tensor<2x3xf32>) {
      ^bb0(%a: f32, %b: f32, %out: f32):
        %s = arith.addf %a, %b : f32
        linalg.yield %s : f32
      } -> tensor<2x3xf32>
      return %z : tensor<2x3xf32>
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

#endif // TANGRAM_CONVERSION_PASSES
