//===- Passes.td - passes of the CPU backend --------------*- tablegen -*-===//
// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
//===----------------------------------------------------------------------===//
#ifndef TANGRAM_TARGET_CPU_PASSES
#define TANGRAM_TARGET_CPU_PASSES

include "mlir/Pass/PassBase.td"

def UseMicrokernelsPass : Pass<"tg-cpu-use-microkernels", "ModuleOp"> {
  let summary = "Replaces bufferized f32 matmuls and convolutions with calls "
                "to the CPU microkernels";
  let description = [{
    On buffers, every f32 `linalg.matmul`, `linalg.batch_matmul` (default
    indexing maps), `linalg.conv_2d_nchw_fchw` and
    `linalg.conv_2d_ngchw_gfchw` becomes a call to the matching function of
    `lib/Target/CPU/Microkernels/Microkernels.c`, which the CPU backend
    links into the code object as LLVM bitcode: a packed, register-blocked,
    multi-threaded GEMM (convolutions pack their input as im2col on the
    fly; depthwise convolutions use a direct loop). The call has the op's
    exact semantics (the output is accumulated into), so the op's operands
    are passed unchanged, cast to fully dynamic strided memrefs. Other
    element types and ops with user-defined maps stay as they are.

    Before:
    ```mlir
    linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>)
                  outs(%c : memref<4x16xf32>)
    ```
    After:
    ```mlir
    %0 = memref.cast %a : memref<4x8xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
    ...
    call @tg_uk_matmul_f32(%0, %1, %2) : (...) -> ()
    ```
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // TANGRAM_TARGET_CPU_PASSES
