// RUN: tangram-opt %s -tg-cpu-use-microkernels -tg-cpu-fold-padding -split-input-file | FileCheck %s

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>

// The padded input of a depthwise convolution: the producer writes a plain
// buffer of the interior's shape, the zero fill goes, and the call gets the
// interior's offsets (1, 2) as its padding.
// CHECK-LABEL: func.func @folded
// CHECK: %[[Q:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x4x6x5xf32>
// CHECK-NOT: linalg.map
// CHECK-NOT: memref.subview
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[Q]] : memref<1x4x6x5xf32>)
// CHECK: %[[E:.*]] = memref.expand_shape %[[Q]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 6, 5]
// CHECK: %[[IN:.*]] = memref.cast %[[E]]
// CHECK: %[[PL:.*]] = arith.constant 2 : i64
// The padding: top 1 (a constant named %c1_i64_N), left 2.
// CHECK-NEXT: call @tg_uk_conv2d_ngchw_gfchw_f32(%[[IN]], %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c1_i64_{{[0-9]+}}, %[[PL]],
// CHECK: memref.dealloc %[[Q]]
func.func @folded(%x: memref<1x4x6x5xf32>, %bias: memref<4xf32>, %w: memref<4x1x1x3x3xf32>, %y: memref<1x4x1x6x7xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = memref.alloc() {alignment = 64 : i64} : memref<1x4x8x9xf32>
  linalg.map outs(%p : memref<1x4x8x9xf32>)
    (%init: f32) {
      linalg.yield %zero : f32
    }
  %in = memref.subview %p[0, 0, 1, 2] [1, 4, 6, 5] [1, 1, 1, 1] : memref<1x4x8x9xf32> to memref<1x4x6x5xf32, strided<[288, 72, 9, 1], offset: 11>>
  linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %bias : memref<1x4x6x5xf32>, memref<4xf32>) outs(%in : memref<1x4x6x5xf32, strided<[288, 72, 9, 1], offset: 11>>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  }
  %e = memref.expand_shape %p [[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 8, 9] : memref<1x4x8x9xf32> into memref<1x4x1x8x9xf32>
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%e, %w : memref<1x4x1x8x9xf32>, memref<4x1x1x3x3xf32>) outs(%y : memref<1x4x1x6x7xf32>)
  memref.dealloc %p : memref<1x4x8x9xf32>
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>

// Kept: a grouped convolution with 2 channels per group (its GEMM reads
// the padded input), a padded buffer read by something else, a fill of
// 1.0, and an interior written before the fill.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-4: memref.subview
// CHECK-NOT: arith.constant 2 : i64
func.func @kept(%x: memref<1x4x6x6xf32>, %w2: memref<2x1x2x3x3xf32>, %w: memref<4x1x1x3x3xf32>,
                %y2: memref<1x2x1x6x6xf32>, %y: memref<1x4x1x6x6xf32>, %keep: memref<1x4x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %a = memref.alloc() : memref<1x4x8x8xf32>
  linalg.fill ins(%zero : f32) outs(%a : memref<1x4x8x8xf32>)
  %ai = memref.subview %a[0, 0, 1, 2] [1, 4, 6, 6] [1, 1, 1, 1] : memref<1x4x8x8xf32> to memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 10>>
  linalg.copy ins(%x : memref<1x4x6x6xf32>) outs(%ai : memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 10>>)
  %ae = memref.expand_shape %a [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 8, 8] : memref<1x4x8x8xf32> into memref<1x2x2x8x8xf32>
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%ae, %w2 : memref<1x2x2x8x8xf32>, memref<2x1x2x3x3xf32>) outs(%y2 : memref<1x2x1x6x6xf32>)

  %b = memref.alloc() : memref<1x4x8x8xf32>
  linalg.fill ins(%zero : f32) outs(%b : memref<1x4x8x8xf32>)
  %bi = memref.subview %b[0, 0, 1, 2] [1, 4, 6, 6] [1, 1, 1, 1] : memref<1x4x8x8xf32> to memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 10>>
  linalg.copy ins(%x : memref<1x4x6x6xf32>) outs(%bi : memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 10>>)
  %be = memref.expand_shape %b [[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 8, 8] : memref<1x4x8x8xf32> into memref<1x4x1x8x8xf32>
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%be, %w : memref<1x4x1x8x8xf32>, memref<4x1x1x3x3xf32>) outs(%y : memref<1x4x1x6x6xf32>)
  memref.copy %b, %keep : memref<1x4x8x8xf32> to memref<1x4x8x8xf32>

  %c = memref.alloc() : memref<1x4x8x8xf32>
  linalg.fill ins(%one : f32) outs(%c : memref<1x4x8x8xf32>)
  %ci = memref.subview %c[0, 0, 1, 2] [1, 4, 6, 6] [1, 1, 1, 1] : memref<1x4x8x8xf32> to memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 10>>
  linalg.copy ins(%x : memref<1x4x6x6xf32>) outs(%ci : memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 10>>)
  %ce = memref.expand_shape %c [[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 8, 8] : memref<1x4x8x8xf32> into memref<1x4x1x8x8xf32>
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%ce, %w : memref<1x4x1x8x8xf32>, memref<4x1x1x3x3xf32>) outs(%y : memref<1x4x1x6x6xf32>)

  %d = memref.alloc() : memref<1x4x8x8xf32>
  %di = memref.subview %d[0, 0, 1, 2] [1, 4, 6, 6] [1, 1, 1, 1] : memref<1x4x8x8xf32> to memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 10>>
  linalg.copy ins(%x : memref<1x4x6x6xf32>) outs(%di : memref<1x4x6x6xf32, strided<[256, 64, 8, 1], offset: 10>>)
  linalg.fill ins(%zero : f32) outs(%d : memref<1x4x8x8xf32>)
  %de = memref.expand_shape %d [[0], [1, 2], [3], [4]] output_shape [1, 4, 1, 8, 8] : memref<1x4x8x8xf32> into memref<1x4x1x8x8xf32>
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%de, %w : memref<1x4x1x8x8xf32>, memref<4x1x1x3x3xf32>) outs(%y : memref<1x4x1x6x6xf32>)
  return
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#pin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pwin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// A max pooling's input padded with -inf: the producer (a ReLU) writes a
// plain buffer, the fill goes, and the call gets the padding (1, 1).
// CHECK-LABEL: func.func @max_pool_folded
// CHECK: %[[Q:.*]] = memref.alloc() : memref<1x2x8x8xf32>
// CHECK-NOT: linalg.fill
// CHECK: linalg.generic
// CHECK-SAME: outs(%[[Q]] : memref<1x2x8x8xf32>)
// CHECK: %[[IN:.*]] = memref.cast %[[Q]]
// CHECK: call @tg_uk_pool2d_nchw_f32(%[[IN]], %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c1_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}},
// CHECK: memref.dealloc %[[Q]]
func.func @max_pool_folded(%x: memref<1x2x8x8xf32>, %y: memref<1x2x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %p = memref.alloc() : memref<1x2x10x10xf32>
  linalg.fill ins(%ninf : f32) outs(%p : memref<1x2x10x10xf32>)
  %in = memref.subview %p[0, 0, 1, 1] [1, 2, 8, 8] [1, 1, 1, 1] : memref<1x2x10x10xf32> to memref<1x2x8x8xf32, strided<[200, 100, 10, 1], offset: 11>>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<1x2x8x8xf32>) outs(%in : memref<1x2x8x8xf32, strided<[200, 100, 10, 1], offset: 11>>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %zero : f32
    linalg.yield %r : f32
  }
  %w = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x2x4x4xf32>)
  linalg.generic {indexing_maps = [#pin, #pwin, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%p, %w : memref<1x2x10x10xf32>, memref<3x3xf32>) outs(%y : memref<1x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  }
  memref.dealloc %w : memref<3x3xf32>
  memref.dealloc %p : memref<1x2x10x10xf32>
  return
}

// -----

#pin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
#pwin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// Kept: a max pooling whose padding is zeros (not its identity: the zeros
// are values it takes the maximum with), and a sum pooling (its identity,
// +0.0, is folded) whose padded input something else reads.
// CHECK-LABEL: func.func @pool_kept
// CHECK-COUNT-2: memref.subview
func.func @pool_kept(%x: memref<1x2x8x8xf32>, %y: memref<1x2x4x4xf32>, %keep: memref<1x2x10x10xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.alloc() : memref<3x3xf32>
  %p = memref.alloc() : memref<1x2x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x2x10x10xf32>)
  %in = memref.subview %p[0, 0, 1, 1] [1, 2, 8, 8] [1, 1, 1, 1] : memref<1x2x10x10xf32> to memref<1x2x8x8xf32, strided<[200, 100, 10, 1], offset: 11>>
  linalg.copy ins(%x : memref<1x2x8x8xf32>) outs(%in : memref<1x2x8x8xf32, strided<[200, 100, 10, 1], offset: 11>>)
  linalg.generic {indexing_maps = [#pin, #pwin, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%p, %w : memref<1x2x10x10xf32>, memref<3x3xf32>) outs(%y : memref<1x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  }
  %q = memref.alloc() : memref<1x2x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%q : memref<1x2x10x10xf32>)
  %qi = memref.subview %q[0, 0, 1, 1] [1, 2, 8, 8] [1, 1, 1, 1] : memref<1x2x10x10xf32> to memref<1x2x8x8xf32, strided<[200, 100, 10, 1], offset: 11>>
  linalg.copy ins(%x : memref<1x2x8x8xf32>) outs(%qi : memref<1x2x8x8xf32, strided<[200, 100, 10, 1], offset: 11>>)
  linalg.generic {indexing_maps = [#pin, #pwin, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%q, %w : memref<1x2x10x10xf32>, memref<3x3xf32>) outs(%y : memref<1x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  }
  memref.copy %q, %keep : memref<1x2x10x10xf32> to memref<1x2x10x10xf32>
  memref.dealloc %w : memref<3x3xf32>
  return
}

// -----

#pin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>
#pwin = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
#pout = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// A sum pooling (an average's window) padded with zeros: folded, padding
// (2, 1).
// CHECK-LABEL: func.func @sum_pool_folded
// CHECK-NOT: linalg.fill ins(%cst
// CHECK: call @tg_uk_pool2d_nchw_f32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c2_i64{{[_0-9]*}}, %c1_i64{{[_0-9]*}},
func.func @sum_pool_folded(%x: memref<1x2x6x8xf32>, %y: memref<1x2x8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %w = memref.alloc() : memref<3x3xf32>
  %p = memref.alloc() : memref<1x2x10x10xf32>
  linalg.fill ins(%zero : f32) outs(%p : memref<1x2x10x10xf32>)
  %in = memref.subview %p[0, 0, 2, 1] [1, 2, 6, 8] [1, 1, 1, 1] : memref<1x2x10x10xf32> to memref<1x2x6x8xf32, strided<[200, 100, 10, 1], offset: 21>>
  linalg.copy ins(%x : memref<1x2x6x8xf32>) outs(%in : memref<1x2x6x8xf32, strided<[200, 100, 10, 1], offset: 21>>)
  linalg.generic {indexing_maps = [#pin, #pwin, #pout], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%p, %w : memref<1x2x10x10xf32>, memref<3x3xf32>) outs(%y : memref<1x2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  }
  memref.dealloc %w : memref<3x3xf32>
  memref.dealloc %p : memref<1x2x10x10xf32>
  return
}
