// RUN: tangram-opt %s -split-input-file -tg-gpu-split-merged-loops | FileCheck %s
// RUN: tangram-opt %s -split-input-file -tg-gpu-split-merged-loops -tg-gpu-fold-transposes | FileCheck %s --check-prefix=FOLD

// Attention's scores with a run-time batch: Q's heads, transposed to
// [B, H, S, D], are merged with the batch for the batch matmul. The matmul's
// batch loop splits into the batch and the heads: it reads the transpose
// with plain loop indices, K through an expand_shape, and its result, made
// in the split shape, is collapsed back. tg-gpu-fold-transposes then reads
// Q itself.
// CHECK-DAG: #[[Q:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @merged_batch
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: %[[K4:.*]] = tensor.expand_shape %arg1 {{\[}}[0, 1], [2], [3]] output_shape [%{{.*}}, 4, 32, %{{.*}}] : tensor<?x32x?xf32> into tensor<?x4x32x?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x4x?x?xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x4x?x?xf32>)
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[Q]], #[[K]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[T]], %[[K4]] : tensor<?x4x?x32xf32>, tensor<?x4x32x?xf32>) outs(%[[F]] : tensor<?x4x?x?xf32>)
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[G]] {{\[}}[0, 1], [2], [3]] : tensor<?x4x?x?xf32> into tensor<?x?x?xf32>
// CHECK: return %[[R]]
// FOLD-LABEL: func.func @merged_batch
// FOLD-NOT: linalg.transpose
// FOLD: linalg.generic
// FOLD-SAME: ins(%arg0, %{{.*}} : tensor<?x?x4x32xf32>, tensor<?x4x32x?xf32>)
func.func @merged_batch(%q: tensor<?x?x4x32xf32>, %k: tensor<?x32x?xf32>) -> tensor<?x?x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %q, %c0 : tensor<?x?x4x32xf32>
  %s = tensor.dim %q, %c1 : tensor<?x?x4x32xf32>
  %n = tensor.dim %k, %c2 : tensor<?x32x?xf32>
  %e = tensor.empty(%b, %s) : tensor<?x4x?x32xf32>
  %t = linalg.transpose ins(%q : tensor<?x?x4x32xf32>) outs(%e : tensor<?x4x?x32xf32>) permutation = [0, 2, 1, 3]
  %c = tensor.collapse_shape %t [[0, 1], [2], [3]] : tensor<?x4x?x32xf32> into tensor<?x?x32xf32>
  %bh = tensor.dim %c, %c0 : tensor<?x?x32xf32>
  %acc0 = tensor.empty(%bh, %s, %n) : tensor<?x?x?xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%acc0 : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %r = linalg.batch_matmul ins(%c, %k : tensor<?x?x32xf32>, tensor<?x32x?xf32>) outs(%acc : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  return %r : tensor<?x?x?xf32>
}

// -----

// Heads merged back, [B, S, H, D] to [B * S, H * D], for the output
// projection, whose init is a function argument: the rows split into the
// batch and the sequence, both run-time dims, so the init is viewed through
// an expand_shape with two dynamic sizes in a group (which
// tg-gpu-expand-shape-casts writes as a reinterpret_cast after
// bufferization: MLIR 22's expand-strided-metadata crashes on it).
// CHECK-LABEL: func.func @two_dynamic_in_a_group
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: %[[B:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[S:.*]] = tensor.dim %arg0, %c2
// CHECK: %[[ACC:.*]] = tensor.expand_shape %arg2 {{\[}}[0, 1], [2]] output_shape [%[[B]], %[[S]], 128] : tensor<?x128xf32> into tensor<?x?x128xf32>
// CHECK: %[[G:.*]] = linalg.generic
// CHECK-SAME: ins(%[[T]], %{{.*}} : tensor<?x?x4x32xf32>, tensor<4x32x128xf32>) outs(%[[ACC]] : tensor<?x?x128xf32>)
// CHECK: tensor.collapse_shape %[[G]] {{\[}}[0, 1], [2]]
// FOLD-LABEL: func.func @two_dynamic_in_a_group
// FOLD-NOT: linalg.transpose
// FOLD: linalg.generic
// FOLD-SAME: ins(%arg0, %{{.*}} : tensor<?x4x?x32xf32>, tensor<4x32x128xf32>)
func.func @two_dynamic_in_a_group(%x: tensor<?x4x?x32xf32>, %w: tensor<128x128xf32>, %acc: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %x, %c0 : tensor<?x4x?x32xf32>
  %s = tensor.dim %x, %c2 : tensor<?x4x?x32xf32>
  %e = tensor.empty(%b, %s) : tensor<?x?x4x32xf32>
  %t = linalg.transpose ins(%x : tensor<?x4x?x32xf32>) outs(%e : tensor<?x?x4x32xf32>) permutation = [0, 2, 1, 3]
  %c = tensor.collapse_shape %t [[0, 1], [2, 3]] : tensor<?x?x4x32xf32> into tensor<?x128xf32>
  %r = linalg.matmul ins(%c, %w : tensor<?x128xf32>, tensor<128x128xf32>) outs(%acc : tensor<?x128xf32>) -> tensor<?x128xf32>
  return %r : tensor<?x128xf32>
}

// -----

// The same with a zero-filled init, made in the split shape: the rows
// split into batch and sequence, the depth into heads and head dims (two
// reduction loops), and the weight is read through a static expand_shape.
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @two_dynamic_fresh_init
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: %[[W3:.*]] = tensor.expand_shape %arg1 {{\[}}[0, 1], [2]] output_shape [4, 32, 128]
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x?x128xf32>)
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[T]], %[[W3]] : tensor<?x?x4x32xf32>, tensor<4x32x128xf32>) outs(%[[F]] : tensor<?x?x128xf32>)
// CHECK: tensor.collapse_shape %[[G]] {{\[}}[0, 1], [2]] : tensor<?x?x128xf32> into tensor<?x128xf32>
// FOLD-LABEL: func.func @two_dynamic_fresh_init
// FOLD-NOT: linalg.transpose
// FOLD: linalg.generic
// FOLD-SAME: ins(%arg0, %{{.*}} : tensor<?x4x?x32xf32>, tensor<4x32x128xf32>)
func.func @two_dynamic_fresh_init(%x: tensor<?x4x?x32xf32>, %w: tensor<128x128xf32>) -> tensor<?x128xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %x, %c0 : tensor<?x4x?x32xf32>
  %s = tensor.dim %x, %c2 : tensor<?x4x?x32xf32>
  %e = tensor.empty(%b, %s) : tensor<?x?x4x32xf32>
  %t = linalg.transpose ins(%x : tensor<?x4x?x32xf32>) outs(%e : tensor<?x?x4x32xf32>) permutation = [0, 2, 1, 3]
  %c = tensor.collapse_shape %t [[0, 1], [2, 3]] : tensor<?x?x4x32xf32> into tensor<?x128xf32>
  %bs = tensor.dim %c, %c0 : tensor<?x128xf32>
  %acc0 = tensor.empty(%bs) : tensor<?x128xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%acc0 : tensor<?x128xf32>) -> tensor<?x128xf32>
  %r = linalg.matmul ins(%c, %w : tensor<?x128xf32>, tensor<128x128xf32>) outs(%acc : tensor<?x128xf32>) -> tensor<?x128xf32>
  return %r : tensor<?x128xf32>
}

// -----

// A static batch of 1: the collapse only drops a unit dim, which
// tg-gpu-fold-transposes reads past by itself. Left alone.
// CHECK-LABEL: func.func @unit_batch
// CHECK: tensor.collapse_shape
// CHECK: linalg.batch_matmul
func.func @unit_batch(%q: tensor<1x16x4x8xf32>, %k: tensor<4x8x16xf32>, %acc: tensor<4x16x16xf32>) -> tensor<4x16x16xf32> {
  %e = tensor.empty() : tensor<1x4x16x8xf32>
  %t = linalg.transpose ins(%q : tensor<1x16x4x8xf32>) outs(%e : tensor<1x4x16x8xf32>) permutation = [0, 2, 1, 3]
  %c = tensor.collapse_shape %t [[0, 1], [2], [3]] : tensor<1x4x16x8xf32> into tensor<4x16x8xf32>
  %s = linalg.batch_matmul ins(%c, %k : tensor<4x16x8xf32>, tensor<4x8x16xf32>) outs(%acc : tensor<4x16x16xf32>) -> tensor<4x16x16xf32>
  return %s : tensor<4x16x16xf32>
}

// -----

// A merge of a tensor that is not transposed is a plain view of its
// buffer: nothing to read past, left alone.
// CHECK-LABEL: func.func @not_transposed
// CHECK: tensor.collapse_shape
// CHECK: linalg.batch_matmul
func.func @not_transposed(%q: tensor<2x4x16x8xf32>, %k: tensor<8x8x16xf32>, %acc: tensor<8x16x16xf32>) -> tensor<8x16x16xf32> {
  %c = tensor.collapse_shape %q [[0, 1], [2], [3]] : tensor<2x4x16x8xf32> into tensor<8x16x8xf32>
  %s = linalg.batch_matmul ins(%c, %k : tensor<8x16x8xf32>, tensor<8x8x16xf32>) outs(%acc : tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  return %s : tensor<8x16x16xf32>
}

// -----

// A static batch above 1: batch and heads split, and the fill of the
// result is made in the split shape.
// CHECK-LABEL: func.func @static_batch
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x16x16xf32>)
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: outs(%{{.*}} : tensor<2x4x16x16xf32>)
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<2x4x16x16xf32> into tensor<8x16x16xf32>
func.func @static_batch(%q: tensor<2x16x4x8xf32>, %k: tensor<8x8x16xf32>) -> tensor<8x16x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x16x8xf32>
  %t = linalg.transpose ins(%q : tensor<2x16x4x8xf32>) outs(%e : tensor<2x4x16x8xf32>) permutation = [0, 2, 1, 3]
  %c = tensor.collapse_shape %t [[0, 1], [2], [3]] : tensor<2x4x16x8xf32> into tensor<8x16x8xf32>
  %acc0 = tensor.empty() : tensor<8x16x16xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%acc0 : tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  %s = linalg.batch_matmul ins(%c, %k : tensor<8x16x8xf32>, tensor<8x8x16xf32>) outs(%acc : tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  return %s : tensor<8x16x16xf32>
}

// -----

// A static model's heads merged back: the importer's Reshape by a
// constant shape, [1, S, H, D] to [1, S, H * D], then a collapse to
// [S, H * D]. The reshape is the collapse it is, the two compose, and the
// output projection's depth splits into heads and head dims.
// CHECK-LABEL: func.func @static_reshape
// CHECK-NOT: tensor.reshape
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<1x16x4x8xf32>, tensor<4x8x32xf32>)
// FOLD-LABEL: func.func @static_reshape
// FOLD-NOT: linalg.transpose
// FOLD: linalg.generic
// FOLD-SAME: ins(%arg0, %{{.*}} : tensor<1x4x16x8xf32>, tensor<4x8x32xf32>)
func.func @static_reshape(%x: tensor<1x4x16x8xf32>, %w: tensor<32x32xf32>) -> tensor<16x32xf32> {
  %zero = arith.constant 0.0 : f32
  %shape = arith.constant dense<[1, 16, 32]> : tensor<3xi64>
  %e = tensor.empty() : tensor<1x16x4x8xf32>
  %t = linalg.transpose ins(%x : tensor<1x4x16x8xf32>) outs(%e : tensor<1x16x4x8xf32>) permutation = [0, 2, 1, 3]
  %r3 = tensor.reshape %t(%shape) : (tensor<1x16x4x8xf32>, tensor<3xi64>) -> tensor<1x16x32xf32>
  %c = tensor.collapse_shape %r3 [[0, 1], [2]] : tensor<1x16x32xf32> into tensor<16x32xf32>
  %acc0 = tensor.empty() : tensor<16x32xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%acc0 : tensor<16x32xf32>) -> tensor<16x32xf32>
  %r = linalg.matmul ins(%c, %w : tensor<16x32xf32>, tensor<32x32xf32>) outs(%acc : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// The output projection reads the heads merged back ([S, 6 * 64]) and a
// transposed weight (a Gemm's transB). Its depth splits into (6, 64), and
// the weight's expansion moves above its transpose: the transpose is then
// read directly, as tg-gpu-fold-transposes folds it.
// CHECK-LABEL: func.func @transposed_weight
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<6x8x64xf32>, %[[W:[a-z0-9]+]]: tensor<16x384xf32>
// CHECK: %[[WE:.*]] = tensor.expand_shape %[[W]] {{\[}}[0], [1, 2]] output_shape [16, 6, 64] : tensor<16x384xf32> into tensor<16x6x64xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[WE]] : tensor<16x6x64xf32>) outs(%{{.*}} : tensor<6x64x16xf32>) permutation = [1, 2, 0]
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %[[WT]] : tensor<8x6x64xf32>, tensor<6x64x16xf32>)
func.func @transposed_weight(%a: tensor<6x8x64xf32>, %w: tensor<16x384xf32>) -> tensor<8x16xf32> {
  %e = tensor.empty() : tensor<8x6x64xf32>
  %t = linalg.transpose ins(%a : tensor<6x8x64xf32>) outs(%e : tensor<8x6x64xf32>) permutation = [1, 0, 2]
  %c = tensor.collapse_shape %t [[0], [1, 2]] : tensor<8x6x64xf32> into tensor<8x384xf32>
  %we = tensor.empty() : tensor<384x16xf32>
  %wt = linalg.transpose ins(%w : tensor<16x384xf32>) outs(%we : tensor<384x16xf32>) permutation = [1, 0]
  %z = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<8x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%o : tensor<8x16xf32>) -> tensor<8x16xf32>
  %r = linalg.matmul ins(%c, %wt : tensor<8x384xf32>, tensor<384x16xf32>) outs(%f : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %r : tensor<8x16xf32>
}

// -----

// Attention's Q heads, sliced out of a fused projection, merged and
// transposed: [S, B, H, D] merged to [S, B * H, D] (a copy, since the slice
// is strided) and transposed to [B * H, S, D]. The transpose moves above
// the merge, reading the 4-d view; its fresh result is merged as a view.
// CHECK-LABEL: func.func @transpose_of_collapse
// CHECK: %[[Q:.*]] = tensor.extract_slice
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[Q]] : tensor<197x?x6x64xf32>) outs(%{{.*}} : tensor<?x6x197x64xf32>) permutation = [1, 2, 0, 3]
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0, 1], [2], [3]] : tensor<?x6x197x64xf32> into tensor<?x197x64xf32>
// CHECK: return %[[C]]
func.func @transpose_of_collapse(%qkv: tensor<197x?x18x64xf32>, %b: index, %bh: index) -> tensor<?x197x64xf32> {
  %q = tensor.extract_slice %qkv[0, 0, 0, 0] [197, %b, 6, 64] [1, 1, 1, 1] : tensor<197x?x18x64xf32> to tensor<197x?x6x64xf32>
  %c = tensor.collapse_shape %q [[0], [1, 2], [3]] : tensor<197x?x6x64xf32> into tensor<197x?x64xf32>
  %e = tensor.empty(%bh) : tensor<?x197x64xf32>
  %t = linalg.transpose ins(%c : tensor<197x?x64xf32>) outs(%e : tensor<?x197x64xf32>) permutation = [1, 0, 2]
  return %t : tensor<?x197x64xf32>
}

// -----

// A merge of a fresh tensor is free, and a transpose reading it folds into
// its consumer as it is: it stays.
// CHECK-LABEL: func.func @transpose_of_free_collapse
// CHECK: %[[C:.*]] = tensor.collapse_shape
// CHECK: linalg.transpose ins(%[[C]] : tensor<197x?x64xf32>)
func.func @transpose_of_free_collapse(%q: tensor<197x?x6x64xf32>, %bh: index) -> tensor<?x197x64xf32> {
  %c = tensor.collapse_shape %q [[0], [1, 2], [3]] : tensor<197x?x6x64xf32> into tensor<197x?x64xf32>
  %e = tensor.empty(%bh) : tensor<?x197x64xf32>
  %t = linalg.transpose ins(%c : tensor<197x?x64xf32>) outs(%e : tensor<?x197x64xf32>) permutation = [1, 0, 2]
  return %t : tensor<?x197x64xf32>
}

// -----

// Softmax's sum over the scores merged to [B * H, S, S], after the exp
// over [B, H, S, S]: merging a computed tensor copies nothing, but the
// sum would run over other loops than the exp and take a kernel of its
// own. Its batch loop splits into the batch and the heads.
// CHECK-LABEL: func.func @merged_computed_rows
// CHECK: %[[E:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: %[[S:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[E]] : tensor<?x4x8x8xf32>)
// CHECK: tensor.collapse_shape %[[S]] {{\[}}[0, 1], [2]] : tensor<?x4x8xf32> into tensor<?x8xf32>
func.func @merged_computed_rows(%x: tensor<?x4x8x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %x, %c0 : tensor<?x4x8x8xf32>
  %e0 = tensor.empty(%b) : tensor<?x4x8x8xf32>
  %e = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<?x4x8x8xf32>) outs(%e0 : tensor<?x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<?x4x8x8xf32>
  %c = tensor.collapse_shape %e [[0, 1], [2], [3]] : tensor<?x4x8x8xf32> into tensor<?x8x8xf32>
  %rows = tensor.dim %c, %c0 : tensor<?x8x8xf32>
  %s0 = tensor.empty(%rows) : tensor<?x8xf32>
  %s1 = linalg.fill ins(%zero : f32) outs(%s0 : tensor<?x8xf32>) -> tensor<?x8xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%c : tensor<?x8x8xf32>) outs(%s1 : tensor<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.addf %out, %in : f32
    linalg.yield %v : f32
  } -> tensor<?x8xf32>
  return %s : tensor<?x8xf32>
}

// -----

// A projection of a computed [B, S, 32] merged to [B * S, 32] with both
// dims run-time: split, its epilogue would be read through views with
// run-time sizes that tg-gpu-fuse-epilogues does not see through. Left
// alone.
// CHECK-LABEL: func.func @dynamic_merge_into_matmul
// CHECK: tensor.collapse_shape
// CHECK: linalg.matmul
func.func @dynamic_merge_into_matmul(%x: tensor<?x?x32xf32>, %w: tensor<32x16xf32>) -> tensor<?x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %b = tensor.dim %x, %c0 : tensor<?x?x32xf32>
  %s = tensor.dim %x, %c1 : tensor<?x?x32xf32>
  %e0 = tensor.empty(%b, %s) : tensor<?x?x32xf32>
  %e = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<?x?x32xf32>) outs(%e0 : tensor<?x?x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<?x?x32xf32>
  %c = tensor.collapse_shape %e [[0, 1], [2]] : tensor<?x?x32xf32> into tensor<?x32xf32>
  %rows = tensor.dim %c, %c0 : tensor<?x32xf32>
  %a0 = tensor.empty(%rows) : tensor<?x16xf32>
  %a = linalg.fill ins(%zero : f32) outs(%a0 : tensor<?x16xf32>) -> tensor<?x16xf32>
  %r = linalg.matmul ins(%c, %w : tensor<?x32xf32>, tensor<32x16xf32>) outs(%a : tensor<?x16xf32>) -> tensor<?x16xf32>
  return %r : tensor<?x16xf32>
}

// -----

// The same with static dims (a channels-last conv net's pointwise layer:
// [H, W, C] merged to [H * W, C]): the rows split into H and W, and the
// result is collapsed back.
// CHECK-LABEL: func.func @static_merge_into_matmul
// CHECK: %[[E:.*]] = linalg.generic
// CHECK: %[[G:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[E]], %arg1 : tensor<4x8x32xf32>, tensor<32x16xf32>)
// CHECK: tensor.collapse_shape %[[G]] {{\[}}[0, 1], [2]] : tensor<4x8x16xf32> into tensor<32x16xf32>
func.func @static_merge_into_matmul(%x: tensor<4x8x32xf32>, %w: tensor<32x16xf32>) -> tensor<32x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<4x8x32xf32>
  %e = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<4x8x32xf32>) outs(%e0 : tensor<4x8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<4x8x32xf32>
  %c = tensor.collapse_shape %e [[0, 1], [2]] : tensor<4x8x32xf32> into tensor<32x32xf32>
  %a0 = tensor.empty() : tensor<32x16xf32>
  %a = linalg.fill ins(%zero : f32) outs(%a0 : tensor<32x16xf32>) -> tensor<32x16xf32>
  %r = linalg.matmul ins(%c, %w : tensor<32x32xf32>, tensor<32x16xf32>) outs(%a : tensor<32x16xf32>) -> tensor<32x16xf32>
  return %r : tensor<32x16xf32>
}
