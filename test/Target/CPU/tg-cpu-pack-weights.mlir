// RUN: tangram-opt %s -tg-cpu-use-microkernels -tg-cpu-pack-weights="rows=8 depth=128" -split-input-file | FileCheck %s
// RUN: tangram-opt %s -tg-cpu-use-microkernels -tg-cpu-pack-weights="rows=6 depth=128" -split-input-file | FileCheck %s --check-prefix=ROWS6

// A model weight read only by one convolution: the argument becomes the
// packed buffer (32 rows padded to 32, K = 16 * 3 * 3), the call reads it
// through a view with the weight's sizes and is told so (w_const = 2), and
// the module records the layout for the driver.
// CHECK: module attributes {tg.weight_layouts = [{arg = 1 : i64, export = "packed", kind = "gemm-a-panels", params = [8, 128, 1, 32, 144], size = 4608 : i64}]}
// CHECK-LABEL: func.func @packed
// CHECK-SAME: %[[W:[a-z0-9]+]]: memref<4608xf32> {tg.is_weight}
// CHECK: %[[V:.*]] = memref.reinterpret_cast %[[W]] to offset: [0], sizes: [32, 16, 3, 3], strides: [144, 9, 3, 1] : memref<4608xf32> to memref<32x16x3x3xf32>
// CHECK: %[[VC:.*]] = memref.cast %[[V]]
// CHECK: %[[KIND:.*]] = arith.constant 2 : i64
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32(%{{[^,]*}}, %[[VC]], %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[KIND]],
// With 6 register rows, 32 rows are padded to 36.
// ROWS6-LABEL: func.func @packed
// ROWS6-SAME: memref<5184xf32> {tg.is_weight}
func.func @packed(%x: memref<1x16x8x8xf32>, %w: memref<32x16x3x3xf32> {tg.is_weight}, %y: memref<1x32x6x6xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x16x8x8xf32>, memref<32x16x3x3xf32>) outs(%y : memref<1x32x6x6xf32>)
  return
}

// -----

// A grouped convolution's weight, reshaped into groups: 2 groups of 6 rows
// (padded to 8; to 6 with 6 register rows) by K = 4 * 3 * 3.
// CHECK: params = [8, 128, 2, 6, 36], size = 576 : i64
// CHECK-LABEL: func.func @grouped
// CHECK-SAME: memref<576xf32> {tg.is_weight}
// CHECK-NOT: memref.expand_shape %arg1
// CHECK: memref.reinterpret_cast %arg1 to offset: [0], sizes: [2, 6, 4, 3, 3], strides: [216, 36, 9, 3, 1]
// CHECK: call @tg_uk_conv2d_ngchw_gfchw_f32
// ROWS6: params = [6, 128, 2, 6, 36], size = 432 : i64
func.func @grouped(%x: memref<1x2x4x6x6xf32>, %w: memref<12x4x3x3xf32> {tg.is_weight}, %y: memref<1x2x6x4x4xf32>) {
  %e = memref.expand_shape %w [[0, 1], [2], [3], [4]] output_shape [2, 6, 4, 3, 3] : memref<12x4x3x3xf32> into memref<2x6x4x3x3xf32>
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %e : memref<1x2x4x6x6xf32>, memref<2x6x4x3x3xf32>) outs(%y : memref<1x2x6x4x4xf32>)
  return
}

// -----

// Three output channels: too few for the packed GEMM with 8 register rows
// (the few-row path reads the weight as it is), enough with 6.
// CHECK-NOT: tg.weight_layouts
// CHECK-LABEL: func.func @few_rows
// CHECK-SAME: memref<3x8x1x1xf32> {tg.is_weight}
// CHECK: arith.constant 1 : i64
// ROWS6: params = [6, 128, 1, 3, 8], size = 48 : i64
// ROWS6-LABEL: func.func @few_rows
// ROWS6-SAME: memref<48xf32> {tg.is_weight}
func.func @few_rows(%x: memref<1x8x4x4xf32>, %w: memref<3x8x1x1xf32> {tg.is_weight}, %y: memref<1x3x4x4xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x4x4xf32>, memref<3x8x1x1xf32>) outs(%y : memref<1x3x4x4xf32>)
  return
}

// -----

// Kept as they are: a depthwise weight (read in place by its own path), a
// weight something else reads too, an input that is not a model weight.
// CHECK-NOT: tg.weight_layouts
// CHECK-LABEL: func.func @kept
// CHECK-SAME: %{{[a-z0-9]+}}: memref<8x1x1x3x3xf32> {tg.is_weight}
// CHECK-SAME: %{{[a-z0-9]+}}: memref<16x8x1x1xf32> {tg.is_weight}
// CHECK-SAME: %{{[a-z0-9]+}}: memref<16x8x1x1xf32>,
// CHECK-NOT: memref.reinterpret_cast
// CHECK-NOT: arith.constant 2 : i64
func.func @kept(%x: memref<1x8x1x6x6xf32>, %dw: memref<8x1x1x3x3xf32> {tg.is_weight}, %y: memref<1x8x1x4x4xf32>,
                %x2: memref<1x8x4x4xf32>, %shared: memref<16x8x1x1xf32> {tg.is_weight}, %copy: memref<16x8x1x1xf32>,
                %act: memref<16x8x1x1xf32>, %y2: memref<1x16x4x4xf32>, %y3: memref<1x16x4x4xf32>) {
  linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %dw : memref<1x8x1x6x6xf32>, memref<8x1x1x3x3xf32>) outs(%y : memref<1x8x1x4x4xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x2, %shared : memref<1x8x4x4xf32>, memref<16x8x1x1xf32>) outs(%y2 : memref<1x16x4x4xf32>)
  memref.copy %shared, %copy : memref<16x8x1x1xf32> to memref<16x8x1x1xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x2, %act : memref<1x8x4x4xf32>, memref<16x8x1x1xf32>) outs(%y3 : memref<1x16x4x4xf32>)
  return
}

// -----

// One weight read by two convolutions of the same shape: packed once, both
// calls read the packed buffer.
// CHECK: tg.weight_layouts = [{arg = 1 : i64, export = "twice"
// CHECK-LABEL: func.func @twice
// CHECK-SAME: memref<128xf32> {tg.is_weight}
// CHECK-COUNT-2: call @tg_uk_conv2d_nchw_fchw_f32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c2_i64
func.func @twice(%x: memref<1x8x4x4xf32>, %w: memref<16x8x1x1xf32> {tg.is_weight}, %y: memref<1x16x4x4xf32>, %z: memref<1x16x4x4xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x4x4xf32>, memref<16x8x1x1xf32>) outs(%y : memref<1x16x4x4xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x8x4x4xf32>, memref<16x8x1x1xf32>) outs(%z : memref<1x16x4x4xf32>)
  return
}
