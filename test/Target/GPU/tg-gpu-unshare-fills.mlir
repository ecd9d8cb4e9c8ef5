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
