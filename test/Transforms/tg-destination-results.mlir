// RUN: tangram-opt %s -split-input-file -tg-destination-results | FileCheck %s
// RUN: tangram-opt %s -split-input-file -tg-destination-results -resolve-ranked-shaped-type-result-dims -canonicalize | FileCheck %s --check-prefix=FOLDED

// A result with a run-time dim: the function writes it into a trailing
// memref argument, and a shape function returns its dims.
// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[OUT:.*]]: memref<?x4xf32>)
// CHECK-SAME: tg.num_results = 1 : i64
// CHECK-NOT: ->
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK: bufferization.materialize_in_destination %[[Y]] in restrict writable %[[OUT]] : (tensor<?x4xf32>, memref<?x4xf32>) -> ()
// CHECK: return{{$}}
// CHECK-LABEL: func.func @f_shapes
// CHECK-SAME: (%{{.*}}: tensor<?x4xf32>) -> tensor<2xi64> attributes {tg.shape_function}
// CHECK: tensor.from_elements %{{.*}}, %{{.*}} : tensor<2xi64>
// After folding, the shape function reads the input's size and computes
// nothing else.
// FOLDED-LABEL: func.func @f_shapes
// FOLDED-NOT: linalg.generic
// FOLDED: tensor.dim %arg0
// FOLDED: tensor.from_elements
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @f(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%n) : tensor<?x4xf32>
  %y = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %z = math.exp %a : f32
    linalg.yield %z : f32
  } -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// Static results need no shape function; an argument returned as is, and
// a value returned twice, are each materialized into their own buffer.
// CHECK-LABEL: func.func @g
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>, %[[O0:.*]]: memref<2xf32>, %[[O1:.*]]: memref<2xf32>, %[[O2:.*]]: memref<i64>)
// CHECK: bufferization.materialize_in_destination %[[X]] in restrict writable %[[O0]]
// CHECK: bufferization.materialize_in_destination %[[X]] in restrict writable %[[O1]]
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[O2]]
// CHECK-NOT: func.func @g_shapes
func.func @g(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<i64>) {
  %c = arith.constant dense<7> : tensor<i64>
  return %x, %x, %c : tensor<2xf32>, tensor<2xf32>, tensor<i64>
}

// -----

// Checks on data are dropped from the shape function (the executable makes
// them); the function itself keeps them.
// CHECK-LABEL: func.func @h
// CHECK: cf.assert
// CHECK-LABEL: func.func @h_shapes
// CHECK-NOT: cf.assert
// CHECK: return
func.func @h(%x: tensor<?xi64>) -> tensor<?xi64> {
  %c0 = arith.constant 0 : index
  %c0_i64 = arith.constant 0 : i64
  %n = tensor.dim %x, %c0 : tensor<?xi64>
  %e = tensor.empty(%n) : tensor<?xi64>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<?xi64>) outs(%e : tensor<?xi64>) {
  ^bb0(%a: i64, %b: i64):
    %ok = arith.cmpi sge, %a, %c0_i64 : i64
    cf.assert %ok, "negative"
    linalg.yield %a : i64
  } -> tensor<?xi64>
  return %y : tensor<?xi64>
}
