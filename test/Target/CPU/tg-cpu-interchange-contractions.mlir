// RUN: tangram-opt %s -tg-cpu-interchange-contractions -split-input-file | FileCheck %s

#a = affine_map<(m, n, k) -> (m, k)>
#b = affine_map<(m, n, k) -> (k, n)>
#c = affine_map<(m, n, k) -> (m, n)>

// A contraction with no microkernel (i32) runs its reduction outside the
// loop over the output's contiguous dim.
// CHECK-LABEL: func.func @generic_matmul
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction", "parallel"]
func.func @generic_matmul(%a: tensor<4x8xi32>, %b: tensor<8x16xi32>, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x8xi32>, tensor<8x16xi32>) outs(%c : tensor<4x16xi32>) {
  ^bb0(%x: i32, %y: i32, %acc: i32):
    %p = arith.muli %x, %y : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  } -> tensor<4x16xi32>
  return %r : tensor<4x16xi32>
}

// -----

// An f32 matmul keeps its named form for the microkernel.
// CHECK-LABEL: func.func @f32_matmul
// CHECK: linalg.matmul
func.func @f32_matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

#x = affine_map<(b, r, c) -> (b, r, c)>
#m = affine_map<(b, r, c) -> (b, r)>

// A row reduction of two inputs (a LayerNorm's variance: the row and its
// broadcast mean) reads both along their contiguous dim: it stays as it is
// (interchanged, it read the rows down their columns).
// CHECK-LABEL: func.func @row_variance
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
func.func @row_variance(%x: tensor<1x8x16xf32>, %mean: tensor<1x8xf32>, %acc: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %r = linalg.generic {indexing_maps = [#x, #m, #m], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %mean : tensor<1x8x16xf32>, tensor<1x8xf32>) outs(%acc : tensor<1x8xf32>) {
  ^bb0(%v: f32, %mu: f32, %s: f32):
    %d = arith.subf %v, %mu : f32
    %q = arith.mulf %d, %d : f32
    %t = arith.addf %s, %q : f32
    linalg.yield %t : f32
  } -> tensor<1x8xf32>
  return %r : tensor<1x8xf32>
}
