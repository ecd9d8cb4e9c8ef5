// RUN: tangram-opt %s -tg-cpu-use-microkernels -split-input-file -verify-diagnostics | FileCheck %s

// An f32 matmul on buffers becomes a call; the operands are passed as
// fully dynamic strided memrefs, then B's kind (0: not a packed weight;
// tg-cpu-pack-weights may make it one) and whether the output holds zeros
// (0: an argument, whose contents are not known).
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<8x16xf32>, %[[C:.*]]: memref<4x16xf32>)
// CHECK: %[[CA:.*]] = memref.cast %[[A]] : memref<4x8xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[CB:.*]] = memref.cast %[[B]]
// CHECK: %[[CC:.*]] = memref.cast %[[C]]
// CHECK: %[[K:.*]] = arith.constant 0 : i64
// CHECK: %[[Z:.*]] = arith.constant 0 : i64
// CHECK: %[[NONE:.*]] = memref.alloca() : memref<0xi64>
// CHECK: %[[E:.*]] = memref.cast %[[NONE]] : memref<0xi64> to memref<?xi64>
// CHECK: call @tg_uk_matmul_f32(%[[CA]], %[[CB]], %[[CC]], %[[K]], %[[Z]], %[[E]])
// CHECK-NOT: linalg.matmul
// CHECK: func.func private @tg_uk_matmul_f32(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, i64, i64, memref<?xi64>)
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
// weight is a model weight (0: an argument without `tg.is_weight`), then
// whether the output holds zeros.
// CHECK-LABEL: func.func @conv_nchw
// CHECK: %[[SH:.*]] = arith.constant 2 : i64
// CHECK: %[[SW:.*]] = arith.constant 2 : i64
// CHECK: %[[DH:.*]] = arith.constant 1 : i64
// CHECK: %[[DW:.*]] = arith.constant 1 : i64
// CHECK: %[[PT:.*]] = arith.constant 0 : i64
// CHECK: %[[PL:.*]] = arith.constant 0 : i64
// CHECK: %[[WC:.*]] = arith.constant 0 : i64
// CHECK: %[[CZ:.*]] = arith.constant 0 : i64
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[SH]], %[[SW]], %[[DH]], %[[DW]], %[[PT]], %[[PL]], %[[WC]], %[[CZ]], %{{.*}})
func.func @conv_nchw(%x: memref<1x3x9x9xf32>, %w: memref<4x3x3x3xf32>, %y: memref<1x4x4x4xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x9x9xf32>, memref<4x3x3x3xf32>) outs(%y : memref<1x4x4x4xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @conv_grouped
// CHECK: call @tg_uk_conv2d_ngchw_gfchw_f32
// CHECK-SAME: (memref<?x?x?x?x?xf32, strided<[?, ?, ?, ?, ?], offset: ?>>, memref<?x?x?x?x?xf32, strided<[?, ?, ?, ?, ?], offset: ?>>, memref<?x?x?x?x?xf32, strided<[?, ?, ?, ?, ?], offset: ?>>, i64, i64, i64, i64, i64, i64, i64, i64, memref<?xi64>) -> ()
func.func @conv_grouped(%x: memref<1x4x1x5x5xf32>, %w: memref<4x1x1x3x3xf32>, %y: memref<1x4x1x3x3xf32>) {
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x4x1x5x5xf32>, memref<4x1x1x3x3xf32>) outs(%y : memref<1x4x1x3x3xf32>)
  return
}

// -----

// A weight that is a `tg.is_weight` argument (a model weight), seen through a
// view, is passed as such (1): the microkernels keep its packed form.
// CHECK-LABEL: func.func @conv_model_weight
// CHECK-COUNT-4: arith.constant 1 : i64
// CHECK-COUNT-2: arith.constant 0 : i64
// CHECK-NEXT: arith.constant 1 : i64
// CHECK-NEXT: arith.constant 0 : i64
// CHECK-NEXT: memref.alloca() : memref<0xi64>
// CHECK-NEXT: memref.cast
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

// One buffer taking two weights' transposes in turn (bufferization shares
// it between layers): each matmul reads its own weight's transposed view.
// CHECK-LABEL: func.func @transposes_share_buffer
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[W1:.*]]: memref<16x8xf32>, %[[W2:.*]]: memref<16x8xf32>
// CHECK-NOT: linalg.transpose
// CHECK: memref.transpose %[[W1]] (d0, d1) -> (d1, d0)
// CHECK: call @tg_uk_matmul_f32
// CHECK: memref.transpose %[[W2]] (d0, d1) -> (d1, d0)
// CHECK: call @tg_uk_matmul_f32
func.func @transposes_share_buffer(%a: memref<4x8xf32>, %w1: memref<16x8xf32>, %w2: memref<16x8xf32>,
                                   %c: memref<4x16xf32>, %d: memref<4x16xf32>) {
  %t = memref.alloc() : memref<8x16xf32>
  linalg.transpose ins(%w1 : memref<16x8xf32>) outs(%t : memref<8x16xf32>) permutation = [1, 0]
  linalg.matmul ins(%a, %t : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  linalg.transpose ins(%w2 : memref<16x8xf32>) outs(%t : memref<8x16xf32>) permutation = [1, 0]
  linalg.matmul ins(%a, %t : memref<4x8xf32>, memref<8x16xf32>) outs(%d : memref<4x16xf32>)
  memref.dealloc %t : memref<8x16xf32>
  return
}

// -----

// The copy stays when something else reads it: after the matmul, or
// before it.
// CHECK-LABEL: func.func @transposed_read_again
// CHECK: linalg.transpose
// CHECK: call @tg_uk_matmul_f32
// CHECK: memref.copy
// CHECK: linalg.transpose
// CHECK: memref.copy
// CHECK: call @tg_uk_matmul_f32
func.func @transposed_read_again(%a: memref<4x8xf32>, %w: memref<16x8xf32>, %c: memref<4x16xf32>,
                                 %d: memref<4x16xf32>, %e: memref<8x16xf32>) {
  %t = memref.alloc() : memref<8x16xf32>
  linalg.transpose ins(%w : memref<16x8xf32>) outs(%t : memref<8x16xf32>) permutation = [1, 0]
  linalg.matmul ins(%a, %t : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  memref.copy %t, %e : memref<8x16xf32> to memref<8x16xf32>
  %u = memref.alloc() : memref<8x16xf32>
  linalg.transpose ins(%w : memref<16x8xf32>) outs(%u : memref<8x16xf32>) permutation = [1, 0]
  memref.copy %u, %e : memref<8x16xf32> to memref<8x16xf32>
  linalg.matmul ins(%a, %u : memref<4x8xf32>, memref<8x16xf32>) outs(%d : memref<4x16xf32>)
  return
}

// -----

// The copy stays when the buffer is passed on (returned), and an operand
// passed twice folds once: both read the one transposed view.
// CHECK-LABEL: func.func @transposed_returned
// CHECK: linalg.transpose
// CHECK: call @tg_uk_matmul_f32
// CHECK: return
// CHECK-LABEL: func.func @transposed_twice
// CHECK-NOT: linalg.transpose
// CHECK: %[[T:.*]] = memref.transpose %arg0
// CHECK: %[[CA:.*]] = memref.cast %[[T]]
// CHECK: %[[CB:.*]] = memref.cast %[[T]]
// CHECK: call @tg_uk_matmul_f32(%[[CA]], %[[CB]],
func.func @transposed_returned(%a: memref<4x8xf32>, %w: memref<16x8xf32>, %c: memref<4x16xf32>) -> memref<8x16xf32> {
  %t = memref.alloc() : memref<8x16xf32>
  linalg.transpose ins(%w : memref<16x8xf32>) outs(%t : memref<8x16xf32>) permutation = [1, 0]
  linalg.matmul ins(%a, %t : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  return %t : memref<8x16xf32>
}
func.func @transposed_twice(%w: memref<8x8xf32>, %c: memref<8x8xf32>) {
  %t = memref.alloc() : memref<8x8xf32>
  linalg.transpose ins(%w : memref<8x8xf32>) outs(%t : memref<8x8xf32>) permutation = [1, 0]
  linalg.matmul ins(%t, %t : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  memref.dealloc %t : memref<8x8xf32>
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

// -----

// An output filled with +0.0 just before is only written by the microkernel
// (1), and the fill goes; so does a copy of a zero-filled buffer into it
// (tensor CSE merges equal zero inits, which bufferization then copies),
// while the source's fill stays for the second matmul, which drops it.
// CHECK-LABEL: func.func @zero_output
// CHECK-NOT: linalg.fill
// CHECK-NOT: memref.copy
// CHECK: %[[Z1:.*]] = arith.constant 1 : i64
// CHECK: call @tg_uk_matmul_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[Z1]], %{{.*}})
// CHECK-NOT: linalg.fill
// CHECK-NOT: memref.copy
// CHECK: %[[Z2:.*]] = arith.constant 1 : i64
// CHECK: call @tg_uk_matmul_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[Z2]], %{{.*}})
// CHECK-NOT: linalg.fill
// CHECK: %[[Z3:.*]] = arith.constant 1 : i64
// CHECK: call @tg_uk_matmul_f32(%{{.*}}, %{{.*}}, %{{.*}}, %[[Z3]], %{{.*}})
func.func @zero_output(%a: memref<4x8xf32>, %b: memref<8x16xf32>) -> (memref<4x16xf32>, memref<4x16xf32>, memref<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  %z = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%z : memref<4x16xf32>)
  %d = memref.alloc() : memref<4x16xf32>
  memref.copy %z, %d : memref<4x16xf32> to memref<4x16xf32>
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%d : memref<4x16xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%z : memref<4x16xf32>)
  return %c, %d, %z : memref<4x16xf32>, memref<4x16xf32>, memref<4x16xf32>
}

// -----

// The fill stays when something reads the zeros before the matmul, or when
// it zeroes more than the output (a view of part of the buffer); the output
// still holds zeros (1). A fill of another value, of -0.0, or a write in
// between, leaves the output as it is (0).
// CHECK-LABEL: func.func @zero_output_kept
// CHECK: linalg.fill
// CHECK: %[[R:.*]] = memref.load
// CHECK: call @tg_uk_matmul_f32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c1_i64{{[_0-9]*}}, %{{[^,]*}})
// CHECK: linalg.fill
// CHECK: memref.subview
// CHECK: call @tg_uk_matmul_f32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c1_i64{{[_0-9]*}},
// CHECK: linalg.fill
// CHECK: call @tg_uk_matmul_f32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c0_i64{{[_0-9]*}}, %{{[^,]*}})
// CHECK: linalg.fill
// CHECK: call @tg_uk_matmul_f32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c0_i64{{[_0-9]*}},
// CHECK: linalg.fill
// CHECK: memref.store
// CHECK: call @tg_uk_matmul_f32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c0_i64{{[_0-9]*}},
func.func @zero_output_kept(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %i: index, %v: f32) -> (f32, memref<8x16xf32>, memref<4x16xf32>, memref<4x16xf32>, memref<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %negzero = arith.constant -0.0 : f32
  %one = arith.constant 1.0 : f32
  %c = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32>)
  %r = memref.load %c[%i, %i] : memref<4x16xf32>
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  %big = memref.alloc() : memref<8x16xf32>
  linalg.fill ins(%zero : f32) outs(%big : memref<8x16xf32>)
  %part = memref.subview %big[0, 0] [4, 16] [1, 1] : memref<8x16xf32> to memref<4x16xf32, strided<[16, 1]>>
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%part : memref<4x16xf32, strided<[16, 1]>>)
  %d = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%one : f32) outs(%d : memref<4x16xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%d : memref<4x16xf32>)
  %e = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%negzero : f32) outs(%e : memref<4x16xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%e : memref<4x16xf32>)
  %f = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%f : memref<4x16xf32>)
  memref.store %v, %f[%i, %i] : memref<4x16xf32>
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%f : memref<4x16xf32>)
  return %r, %big, %d, %e, %f : f32, memref<8x16xf32>, memref<4x16xf32>, memref<4x16xf32>, memref<4x16xf32>
}

// -----

#pin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pwin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// A max pooling window reduction becomes a call: the window (3, 3), the
// strides (2, 2), the dilations (1, 1), no padding (0, 0: the input is
// already padded), 0 (max), then 1: the output was just filled with -inf,
// so the kernel only writes it and the fill goes.
// CHECK-LABEL: func.func @max_pool
// CHECK-NOT: linalg.fill
// CHECK: %[[K:.*]] = arith.constant 3 : i64
// CHECK: %[[K2:.*]] = arith.constant 3 : i64
// CHECK: %[[S:.*]] = arith.constant 2 : i64
// CHECK: %[[S2:.*]] = arith.constant 2 : i64
// CHECK: %[[D:.*]] = arith.constant 1 : i64
// CHECK: %[[D2:.*]] = arith.constant 1 : i64
// CHECK: %[[PT:.*]] = arith.constant 0 : i64
// CHECK: %[[PL:.*]] = arith.constant 0 : i64
// CHECK: %[[MAX:.*]] = arith.constant 0 : i64
// CHECK: %[[INIT:.*]] = arith.constant 1 : i64
// CHECK: call @tg_uk_pool2d_nchw_f32(%{{.*}}, %{{.*}}, %[[K]], %[[K2]], %[[S]], %[[S2]], %[[D]], %[[D2]], %[[PT]], %[[PL]], %[[MAX]], %[[INIT]])
// CHECK-NOT: linalg.generic
// CHECK: func.func private @tg_uk_pool2d_nchw_f32(memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
func.func @max_pool(%x: memref<1x4x9x9xf32>, %y: memref<1x4x4x4xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %w = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x4x4x4xf32>)
  linalg.generic {indexing_maps = [#pin, #pwin, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<1x4x9x9xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  }
  memref.dealloc %w : memref<3x3xf32>
  return
}

// -----

// A sum (average pooling's window) keeps its fill (+0.0 + x is not x when
// x is -0.0): 1 (sum), 0 (the output is read). The loops here are in the
// order tg-cpu-interchange-contractions leaves them (n, c, y, ky, kx, x),
// with a dilation of 2 along x and a 2x1 window.
// CHECK-LABEL: func.func @sum_pool_interchanged
// CHECK: linalg.fill
// CHECK: %[[KH:.*]] = arith.constant 2 : i64
// CHECK: %[[KW:.*]] = arith.constant 1 : i64
// CHECK: %[[SH:.*]] = arith.constant 1 : i64
// CHECK: %[[SW:.*]] = arith.constant 3 : i64
// CHECK: %[[DH:.*]] = arith.constant 1 : i64
// CHECK: %[[DW:.*]] = arith.constant 2 : i64
// CHECK: %[[PT:.*]] = arith.constant 0 : i64
// CHECK: %[[PL:.*]] = arith.constant 0 : i64
// CHECK: %[[SUM:.*]] = arith.constant 1 : i64
// CHECK: %[[INIT:.*]] = arith.constant 0 : i64
// CHECK: call @tg_uk_pool2d_nchw_f32(%{{.*}}, %{{.*}}, %[[KH]], %[[KW]], %[[SH]], %[[SW]], %[[DH]], %[[DW]], %[[PT]], %[[PL]], %[[SUM]], %[[INIT]])
func.func @sum_pool_interchanged(%x: memref<1x2x8x10xf32>, %y: memref<1x2x7x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.alloc() : memref<2x1xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<1x2x7x4xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d3, d5 * 3 + d4 * 2)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : memref<1x2x8x10xf32>, memref<2x1xf32>) outs(%y : memref<1x2x7x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %o : f32
    linalg.yield %r : f32
  }
  memref.dealloc %w : memref<2x1xf32>
  return
}

// -----

#pin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pwin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// Not a plain window reduction (an activation computed per window read; a
// constant offset in the input map): left to the loops.
// CHECK-LABEL: func.func @pool_not_taken
// CHECK-NOT: call @tg_uk_pool2d_nchw_f32
// CHECK: linalg.generic
// CHECK: linalg.generic
func.func @pool_not_taken(%x: memref<1x4x10x10xf32>, %y: memref<1x4x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.alloc() : memref<3x3xf32>
  linalg.generic {indexing_maps = [#pin, #pwin, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<1x4x10x10xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %relu = arith.maximumf %a, %zero : f32
    %r = arith.maximumf %o, %relu : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4 + 1, d3 * 2 + d5)>, #pwin, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<1x4x10x10xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  }
  memref.dealloc %w : memref<3x3xf32>
  return
}

// -----

#pin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pwin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// The pooling microkernel's name taken by a user symbol is an error too.
func.func private @tg_uk_pool2d_nchw_f32(memref<?xf32>)
func.func @pool_clash(%x: memref<1x4x9x9xf32>, %y: memref<1x4x4x4xf32>) {
  %w = memref.alloc() : memref<3x3xf32>
  // expected-error @below {{symbol 'tg_uk_pool2d_nchw_f32' is taken by another function}}
  linalg.generic {indexing_maps = [#pin, #pwin, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %w : memref<1x4x9x9xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  }
  return
}
