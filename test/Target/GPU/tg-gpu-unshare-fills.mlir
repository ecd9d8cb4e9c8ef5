// RUN: tangram-opt %s -split-input-file -tg-gpu-unshare-fills | FileCheck %s

// Two matmuls that start from one fill (CSE merged theirs): each gets a
// fill of its own, so that bufferization copies neither.
// CHECK-LABEL: func.func @shared
// CHECK: %[[F1:.*]] = linalg.fill
// CHECK-NEXT: %[[M1:.*]] = linalg.matmul ins(%{{.*}}) outs(%[[F1]] :
// CHECK: %[[F2:.*]] = linalg.fill
// CHECK-NEXT: linalg.matmul ins(%[[M1]], %{{.*}}) outs(%[[F2]] :
// CHECK-NOT: linalg.fill
func.func @shared(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m2 = linalg.matmul ins(%m1, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %m2 : tensor<4x4xf32>
}

// -----

// A fill with one user stays as it is.
// CHECK-LABEL: func.func @single
// CHECK-COUNT-1: linalg.fill
// CHECK-NOT: linalg.fill
func.func @single(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %m : tensor<4x4xf32>
}

// -----

// A fill of a buffer (memref semantics) is left alone.
// CHECK-LABEL: func.func @buffer
// CHECK-COUNT-1: linalg.fill
func.func @buffer(%out: memref<4xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%out : memref<4xf32>)
  return
}

// -----

// A use that only reads the fill (an element of it, read inside another
// op's body; a dim) keeps the original, and the matmul that writes into
// it gets its own: no fill is cloned into a body.
// CHECK-LABEL: func.func @read
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: tensor.dim %[[F]]
// CHECK: linalg.generic
// CHECK: tensor.extract %[[F]]
// CHECK: %[[G:.*]] = linalg.fill
// CHECK-NEXT: linalg.matmul ins(%{{.*}}) outs(%[[G]] :
func.func @read(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4xf32>, tensor<4x4xf32>, index) {
  %z = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %d = tensor.dim %f, %c0 : tensor<4x4xf32>
  %v = tensor.empty() : tensor<4xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]} outs(%v : tensor<4xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %x = tensor.extract %f[%i, %i] : tensor<4x4xf32>
    linalg.yield %x : f32
  } -> tensor<4xf32>
  %m = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %g, %m, %d : tensor<4xf32>, tensor<4x4xf32>, index
}
