// RUN: tangram-opt %s -tg-cpu-lower-to-llvm | FileCheck %s

// The CPU lowering's heap buffers: aligned_alloc, which LLVM knows returns
// a fresh allocation (malloc with its address rounded up through an integer
// hid that, and a row sum was stored to its buffer at every step); the
// reduction's sum reaches LLVM reassociable (tg-cpu-reassociate-reductions).
// CHECK-LABEL: llvm.func @row_sums
// CHECK: llvm.call @aligned_alloc
// CHECK-NOT: @malloc
// CHECK: llvm.fadd %{{.*}}, %{{.*}} {fastmathFlags = #llvm.fastmath<reassoc>} : f32
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
func.func @row_sums(%x: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<64x128xf32>) outs(%init : tensor<64xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  %o = tensor.empty() : tensor<64x128xf32>
  %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %sum : tensor<64x128xf32>, tensor<64xf32>) outs(%o : tensor<64x128xf32>) {
  ^bb0(%in: f32, %s: f32, %out: f32):
    %d = arith.divf %in, %s : f32
    linalg.yield %d : f32
  } -> tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}
