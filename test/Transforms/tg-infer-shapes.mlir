// RUN: tangram-opt %s -split-input-file -tg-infer-shapes | FileCheck %s

// A reshape whose shape is a constant gets static dims, and the function
// signature follows.
// CHECK-LABEL: func @reshape_refined
// CHECK-SAME: -> tensor<3x4xf32>
func.func @reshape_refined(%x: tensor<2x6xf32>) -> tensor<?x?xf32> {
  %s = tg.constant dense<[3, -1]> : tensor<2xi64>
  // CHECK: tg.reshape {{.*}} -> tensor<3x4xf32>
  %y = tg.reshape %x, %s : (tensor<2x6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// Refinement flows through users in program order.
// CHECK-LABEL: func @chain
func.func @chain(%x: tensor<4xf32>) -> tensor<?xf32> {
  %s = tg.constant dense<[2, 2]> : tensor<2xi64>
  // CHECK: tg.reshape {{.*}} -> tensor<2x2xf32>
  %y = tg.reshape %x, %s : (tensor<4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: tg.exp %{{.*}} : tensor<2x2xf32>
  %e = "tg.exp"(%y) : (tensor<?x?xf32>) -> tensor<?x?xf32>
  // CHECK: tg.reduce_sum {{.*}} -> tensor<2xf32>
  %r = tg.reduce_sum %e {axes = array<i64: 1>, keepdims = false} : tensor<?x?xf32> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// Dynamic dims stay dynamic when nothing says more.
// CHECK-LABEL: func @stays_dynamic
// CHECK-SAME: -> tensor<?x?xf32>
func.func @stays_dynamic(%x: tensor<?x6xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  // CHECK: tg.reshape {{.*}} -> tensor<?x?xf32>
  %y = tg.reshape %x, %s : (tensor<?x6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// A broadcast against a static operand fixes the dynamic dim.
// CHECK-LABEL: func @broadcast
func.func @broadcast(%x: tensor<?x3xf32>, %y: tensor<5x3xf32>) -> tensor<?x3xf32> {
  // CHECK: tg.add {{.*}} -> tensor<5x3xf32>
  %z = "tg.add"(%x, %y) : (tensor<?x3xf32>, tensor<5x3xf32>) -> tensor<?x3xf32>
  return %z : tensor<?x3xf32>
}

// -----

// A declaration has no body to refine (this used to crash).
// CHECK-LABEL: func private @declaration
func.func private @declaration(%x: tensor<2xf32>) -> tensor<2xf32>
