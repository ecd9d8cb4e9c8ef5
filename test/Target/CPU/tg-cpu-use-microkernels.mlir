// RUN: tangram-opt %s -tg-cpu-use-microkernels -split-input-file -verify-diagnostics | FileCheck %s

// An f32 matmul on buffers becomes a call; the operands are passed as
// fully dynamic strided memrefs.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<8x16xf32>, %[[C:.*]]: memref<4x16xf32>)
// CHECK: %[[CA:.*]] = memref.cast %[[A]] : memref<4x8xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[CB:.*]] = memref.cast %[[B]]
// CHECK: %[[CC:.*]] = memref.cast %[[C]]
// CHECK: call @tg_uk_matmul_f32(%[[CA]], %[[CB]], %[[CC]])
// CHECK-NOT: linalg.matmul
// CHECK: func.func private @tg_uk_matmul_f32(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>)
func.func @matmul(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  return
}

// -----

// Views (here a transposed operand) keep their strides.
// CHECK-LABEL: func.func @batch_matmul_strided
// CHECK: memref.cast %{{.*}} : memref<2x8x4xf32, strided<[32, 1, 8]>> to memref<?x?x?xf32, strided<[?, ?, ?], offset: ?>>
// CHECK: call @tg_uk_batch_matmul_f32
// CHECK-NOT: linalg.batch_matmul
func.func @batch_matmul_strided(%a: memref<2x8x4xf32, strided<[32, 1, 8]>>, %b: memref<2x4x3xf32>, %c: memref<2x8x3xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x8x4xf32, strided<[32, 1, 8]>>, memref<2x4x3xf32>) outs(%c : memref<2x8x3xf32>)
  return
}

// -----

// Convolutions pass their strides then dilations as i64, then whether the
// weight is a model weight (0: an argument without `tg.is_weight`).
// CHECK-LABEL: func.func @conv_nchw
// CHECK: %[[SH:.*]] = arith.constant 2 : i64
// CHECK: %[[SW:.*]] = arith.constant 2 : i64
// CHECK: %[[DH:.*]] = arith.constant 1 : i64
// CHECK: %[[DW:.*]] = arith.constant 1 : i64
// CHECK: %[[WC:.*]] = arith.constant 0 : i64
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[SH]], %[[SW]], %[[DH]], %[[DW]], %[[WC]])
func.func @conv_nchw(%x: memref<1x3x9x9xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x4x4xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x9x9xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x4x4xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @conv_grouped
// CHECK: call @tg_uk_conv2d_ngchw_gfchw_f32
// CHECK-SAME: (memref<?x?x?x?x?xf32, strided<[?, ?, ?, ?, ?], offset: ?>>, memref<?x?x?x?x?xf32, strided<[?, ?, ?, ?, ?], offset: ?>>, memref<?x?x?x?x?xf32, strided<[?, ?, ?, ?, ?], offset: ?>>, i64, i64, i64, i64, i64) -> ()
func.func @conv_grouped(%x: memref<1x4x1x5x5xf32>, %w: memref<4x1x1x3x3xf32>, %y: memref<1x4x1x3x3xf32>) {
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x4x1x5x5xf32>, memref<4x1x1x3x3xf32>) outs(%y : memref<1x4x1x3x3xf32>)
  return
}

// -----

// A weight that is a `tg.is_weight` argument (a model weight), seen through a
// view, is passed as such (1): the microkernels keep its packed form.
// CHECK-LABEL: func.func @conv_model_weight
// CHECK-COUNT-5: arith.constant 1 : i64
// CHECK-NEXT: call @tg_uk_conv2d_ngchw_gfchw_f32(
func.func @conv_model_weight(%x: memref<1x2x2x5x5xf32>, %w: memref<4x2x3x3xf32> {tg.is_weight}, %y: memref<1x2x2x3x3xf32>) {
  %w5 = memref.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [2, 2, 2, 3, 3] : memref<4x2x3x3xf32> into memref<2x2x2x3x3xf32>
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w5 : memref<1x2x2x5x5xf32>, memref<2x2x2x3x3xf32>) outs(%y : memref<1x2x2x3x3xf32>)
  return
}

// -----

// A weight transposed into a buffer only the matmul reads becomes a
// transposed view: the copy goes.
// CHECK-LABEL: func.func @transposed_weight
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[W:.*]]: memref<16x8xf32>
// CHECK-NOT: linalg.transpose
// CHECK: %[[T:.*]] = memref.transpose %[[W]] (d0, d1) -> (d1, d0) : memref<16x8xf32> to memref<8x16xf32, strided<[1, 8]>>
// CHECK: memref.cast %[[T]]
// CHECK: call @tg_uk_matmul_f32
func.func @transposed_weight(%a: memref<4x8xf32>, %w: memref<16x8xf32>, %c: memref<4x16xf32>) {
  %t = memref.alloc() : memref<8x16xf32>
  linalg.transpose ins(%w : memref<16x8xf32>) outs(%t : memref<8x16xf32>) permutation = [1, 0]
  linalg.matmul ins(%a, %t : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  memref.dealloc %t : memref<8x16xf32>
  return
}

// -----

// The copy stays when the source may change after the transpose.
// CHECK-LABEL: func.func @transposed_written_after
// CHECK: linalg.transpose
// CHECK: linalg.fill
// CHECK: call @tg_uk_matmul_f32
func.func @transposed_written_after(%a: memref<4x8xf32>, %c: memref<4x16xf32>) {
  %src = memref.alloc() : memref<16x8xf32>
  %t = memref.alloc() : memref<8x16xf32>
  %f = arith.constant 1.0 : f32
  linalg.fill ins(%f : f32) outs(%src : memref<16x8xf32>)
  linalg.transpose ins(%src : memref<16x8xf32>) outs(%t : memref<8x16xf32>) permutation = [1, 0]
  linalg.fill ins(%f : f32) outs(%src : memref<16x8xf32>)
  linalg.matmul ins(%a, %t : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  return
}

// -----

// Other element types, tensors, and matmuls with user-defined maps stay.
// CHECK-LABEL: func.func @not_taken
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<4x8xf64>
// CHECK: linalg.matmul indexing_maps
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>
// CHECK-NOT: call
func.func @not_taken(%a: memref<4x8xf64>, %b: memref<8x16xf64>, %c: memref<4x16xf64>,
                     %ta: memref<8x4xf32>, %tb: memref<8x16xf32>, %tc: memref<4x16xf32>,
                     %x: tensor<4x8xf32>, %y: tensor<8x16xf32>, %z: tensor<4x16xf32>) -> tensor<4x16xf32> {
  linalg.matmul ins(%a, %b : memref<4x8xf64>, memref<8x16xf64>) outs(%c : memref<4x16xf64>)
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
    ins(%ta, %tb : memref<8x4xf32>, memref<8x16xf32>) outs(%tc : memref<4x16xf32>)
  %r = linalg.matmul ins(%x, %y : tensor<4x8xf32>, tensor<8x16xf32>) outs(%z : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// A user symbol of the same name with another type is an error, not a
// silent miscall.
func.func private @tg_uk_matmul_f32(memref<?x?xf32>)
func.func @clash(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
  // expected-error @below {{symbol 'tg_uk_matmul_f32' is taken by another function}}
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  return
}
