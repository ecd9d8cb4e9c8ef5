// RUN: tangram-opt %s -tg-cpu-reassociate-reductions -split-input-file | FileCheck %s

#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>

// A row sum (LayerNorm's mean, softmax's denominator): its combiner may be
// reassociated, so that LLVM sums in vector lanes.
// CHECK-LABEL: func.func @row_sum
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
func.func @row_sum(%x: tensor<4x128xf32>, %init: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x128xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %in, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>

// A sum of squares (a variance) and a product, on buffers: the combiner
// is marked, the step's own arithmetic is not; existing flags stay.
// CHECK-LABEL: func.func @squares_and_product
// CHECK: %[[D:.*]] = arith.subf %{{.*}}, %{{.*}} : f32
// CHECK: %[[Q:.*]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK: arith.addf %[[Q]], %{{.*}} fastmath<reassoc,contract> : f32
// CHECK: arith.mulf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
func.func @squares_and_product(%x: memref<4x128xf32>, %mean: memref<4xf32>, %var: memref<4xf32>, %prod: memref<4xf32>) {
  linalg.generic {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x, %mean : memref<4x128xf32>, memref<4xf32>) outs(%var : memref<4xf32>) {
  ^bb0(%in: f32, %m: f32, %acc: f32):
    %d = arith.subf %in, %m : f32
    %q = arith.mulf %d, %d : f32
    %s = arith.addf %q, %acc fastmath<contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x128xf32>) outs(%prod : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %p = arith.mulf %acc, %in : f32
    linalg.yield %p : f32
  }
  return
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>

// Not marked: a max (its order cannot change the result), an accumulator
// that the step also reads for something else, a sum whose running value
// the step also uses (a maximum of the partial sums: the order would
// show), an integer sum, and an elementwise add without a reduction.
// CHECK-LABEL: func.func @not_marked
// CHECK-NOT: reassoc
// CHECK: return
func.func @not_marked(%x: tensor<4x128xf32>, %init: tensor<4xf32>, %xi: tensor<4x128xi32>, %ii: tensor<4xi32>,
                      %y: tensor<4x128xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<4x128xf32>) {
  %max = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x128xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %m = arith.maximumf %in, %acc : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %twice = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x128xf32>) outs(%init : tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %p = arith.mulf %in, %acc : f32
    %s = arith.addf %p, %acc : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %used:2 = linalg.generic {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<4x128xf32>) outs(%init, %init : tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%in: f32, %acc: f32, %acc2: f32):
    %s = arith.addf %in, %acc : f32
    %m = arith.maximumf %s, %acc2 : f32
    linalg.yield %s, %m : f32, f32
  } -> (tensor<4xf32>, tensor<4xf32>)
  %isum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%xi : tensor<4x128xi32>) outs(%ii : tensor<4xi32>) {
  ^bb0(%in: i32, %acc: i32):
    %s = arith.addi %in, %acc : i32
    linalg.yield %s : i32
  } -> tensor<4xi32>
  %add = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x128xf32>) outs(%y : tensor<4x128xf32>) {
  ^bb0(%in: f32, %o: f32):
    %s = arith.addf %in, %o : f32
    linalg.yield %s : f32
  } -> tensor<4x128xf32>
  return %max, %twice, %isum, %add : tensor<4xf32>, tensor<4xf32>, tensor<4xi32>, tensor<4x128xf32>
}
