// RUN: tangram-opt %s -split-input-file -tg-gpu-fold-transposes | FileCheck %s

// Attention's K^T: a head view [1, S, H, D] transposed to [1, H, D, S] and
// collapsed to [H, D, S] for the batch matmul. The matmul reads the head
// view itself, at (0, n, b, k); the transpose and the collapse are gone.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (0, d2, d0, d3)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @scores
// CHECK-NOT: linalg.transpose
// CHECK-NOT: tensor.collapse_shape
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<4x16x8xf32>, tensor<1x16x4x8xf32>)
func.func @scores(%q: tensor<4x16x8xf32>, %k: tensor<1x16x4x8xf32>, %acc: tensor<4x16x16xf32>) -> tensor<4x16x16xf32> {
  %e = tensor.empty() : tensor<1x4x8x16xf32>
  %t = linalg.transpose ins(%k : tensor<1x16x4x8xf32>) outs(%e : tensor<1x4x8x16xf32>) permutation = [0, 2, 3, 1]
  %c = tensor.collapse_shape %t [[0, 1], [2], [3]] : tensor<1x4x8x16xf32> into tensor<4x8x16xf32>
  %s = linalg.batch_matmul ins(%q, %c : tensor<4x16x8xf32>, tensor<4x8x16xf32>) outs(%acc : tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  return %s : tensor<4x16x16xf32>
}

// -----

// An elementwise op reads through the permutation; a transpose with
// another user stays for it.
// CHECK-DAG: #[[T:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[I:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @add
// CHECK: %[[KEPT:.*]] = linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[T]], #[[I]], #[[I]]]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<3x5xf32>, tensor<5x3xf32>)
// CHECK: return %{{.*}}, %[[KEPT]]
func.func @add(%x: tensor<3x5xf32>, %y: tensor<5x3xf32>) -> (tensor<5x3xf32>, tensor<5x3xf32>) {
  %e = tensor.empty() : tensor<5x3xf32>
  %t = linalg.transpose ins(%x : tensor<3x5xf32>) outs(%e : tensor<5x3xf32>) permutation = [1, 0]
  %s = linalg.add ins(%t, %y : tensor<5x3xf32>, tensor<5x3xf32>) outs(%e : tensor<5x3xf32>) -> tensor<5x3xf32>
  return %s, %t : tensor<5x3xf32>, tensor<5x3xf32>
}

// -----

// Heads merged back ([S, H, D] collapsed to [S, H * D]): an index of the
// merged dim is a sum, not a loop index, so the transpose stays.
// CHECK-LABEL: func.func @merged_heads
// CHECK: linalg.transpose
// CHECK: tensor.collapse_shape
// CHECK: linalg.matmul
func.func @merged_heads(%x: tensor<4x16x8xf32>, %w: tensor<32x32xf32>, %acc: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %e = tensor.empty() : tensor<16x4x8xf32>
  %t = linalg.transpose ins(%x : tensor<4x16x8xf32>) outs(%e : tensor<16x4x8xf32>) permutation = [1, 0, 2]
  %c = tensor.collapse_shape %t [[0], [1, 2]] : tensor<16x4x8xf32> into tensor<16x32xf32>
  %m = linalg.matmul ins(%c, %w : tensor<16x32xf32>, tensor<32x32xf32>) outs(%acc : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %m : tensor<16x32xf32>
}

// -----

// A weight's transpose (Gemm's transB) read by the matmul, with run-time
// rows: the matmul reads the weight at (n, k).
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @trans_b
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[W]], #{{.*}}]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<?x8xf32>, tensor<6x8xf32>)
func.func @trans_b(%x: tensor<?x8xf32>, %w: tensor<6x8xf32>, %acc: tensor<?x6xf32>) -> tensor<?x6xf32> {
  %e = tensor.empty() : tensor<8x6xf32>
  %t = linalg.transpose ins(%w : tensor<6x8xf32>) outs(%e : tensor<8x6xf32>) permutation = [1, 0]
  %m = linalg.matmul ins(%x, %t : tensor<?x8xf32>, tensor<8x6xf32>) outs(%acc : tensor<?x6xf32>) -> tensor<?x6xf32>
  return %m : tensor<?x6xf32>
}

// -----

// A unit dim the loops are sized by only through the transposed operand
// would lose its size: the op keeps the transpose.
// CHECK-LABEL: func.func @keeps_loops
// CHECK: linalg.transpose
func.func @keeps_loops(%x: tensor<1x5xf32>, %acc: tensor<f32>) -> tensor<f32> {
  %e = tensor.empty() : tensor<5x1xf32>
  %t = linalg.transpose ins(%x : tensor<1x5xf32>) outs(%e : tensor<5x1xf32>) permutation = [1, 0]
  %c = tensor.collapse_shape %t [[0, 1]] : tensor<5x1xf32> into tensor<5xf32>
  %v = tensor.expand_shape %c [[0, 1]] output_shape [5, 1] : tensor<5xf32> into tensor<5x1xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%v : tensor<5x1xf32>) outs(%acc : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// A loop of one iteration that the transposed operand's source drops (a
// unit dim tg-gpu-split-merged-loops leaves where it splits a merge of a
// unit dim): the output still sizes it, so the operand reads the source.
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-LABEL: func.func @unit_loop
// CHECK-NOT: linalg.transpose
// CHECK: linalg.generic {indexing_maps = [#[[S]], #{{.*}}]
// CHECK-SAME: ins(%arg0 : tensor<4x8xf32>)
func.func @unit_loop(%x: tensor<4x8xf32>, %init: tensor<1x8x4xf32>) -> tensor<1x8x4xf32> {
  %e = tensor.empty() : tensor<8x4xf32>
  %t = linalg.transpose ins(%x : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %u = tensor.expand_shape %t [[0, 1], [2]] output_shape [1, 8, 4] : tensor<8x4xf32> into tensor<1x8x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%u : tensor<1x8x4xf32>) outs(%init : tensor<1x8x4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<1x8x4xf32>
  return %r : tensor<1x8x4xf32>
}
