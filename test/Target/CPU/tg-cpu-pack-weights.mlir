// RUN: tangram-opt %s -tg-cpu-use-microkernels -tg-cpu-pack-weights="rows=8 columns=32 depth=128" -split-input-file | FileCheck %s
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

// -----

// A matmul's B that is a model weight: packed into 32-column panels (40
// columns padded to 64, K = 16), read through a view with B's sizes, and
// b_kind = 2.
// CHECK: tg.weight_layouts = [{arg = 1 : i64, export = "matmul_b", kind = "gemm-b-panels", params = [32, 128, 16, 40, 40, 1, 0], size = 1024 : i64}]
// CHECK-LABEL: func.func @matmul_b
// CHECK-SAME: %[[W:[a-z0-9]+]]: memref<1024xf32> {tg.is_weight}
// CHECK: %[[V:.*]] = memref.reinterpret_cast %[[W]] to offset: [0], sizes: [16, 40], strides: [40, 1]
// CHECK: %[[VC:.*]] = memref.cast %[[V]]
// CHECK: %[[KIND:.*]] = arith.constant 2 : i64
// CHECK: call @tg_uk_matmul_f32(%{{[^,]*}}, %[[VC]], %{{[^,]*}}, %[[KIND]],
func.func @matmul_b(%a: memref<5x16xf32>, %w: memref<16x40xf32> {tg.is_weight}, %c: memref<5x40xf32>) {
  linalg.matmul ins(%a, %w : memref<5x16xf32>, memref<16x40xf32>) outs(%c : memref<5x40xf32>)
  return
}

// -----

// A transposed weight (Gemm's transB) is packed through the view's
// strides: B[k][n] = W[n][k] at k * 1 + n * 16.
// CHECK: kind = "gemm-b-panels", params = [32, 128, 16, 40, 1, 16, 0], size = 1024 : i64
// CHECK-LABEL: func.func @matmul_b_transposed
// CHECK-SAME: memref<1024xf32> {tg.is_weight}
// CHECK-NOT: memref.transpose
// CHECK: memref.reinterpret_cast %arg1 to offset: [0], sizes: [16, 40], strides: [40, 1]
func.func @matmul_b_transposed(%a: memref<5x16xf32>, %w: memref<40x16xf32> {tg.is_weight}, %c: memref<5x40xf32>) {
  %t = memref.transpose %w (d0, d1) -> (d1, d0) : memref<40x16xf32> to memref<16x40xf32, strided<[1, 16]>>
  linalg.matmul ins(%a, %t : memref<5x16xf32>, memref<16x40xf32, strided<[1, 16]>>) outs(%c : memref<5x40xf32>)
  return
}

// -----

// Kept: a weight that is a matmul's A, a batched matmul's B, and a weight
// read both as a matmul's B and as a convolution's weight.
// CHECK-NOT: tg.weight_layouts
// CHECK-LABEL: func.func @matmul_kept
// CHECK-NOT: memref.reinterpret_cast
func.func @matmul_kept(%wa: memref<5x16xf32> {tg.is_weight}, %b: memref<16x40xf32>, %c: memref<5x40xf32>,
                       %a3: memref<2x5x16xf32>, %wb: memref<2x16x40xf32> {tg.is_weight}, %c3: memref<2x5x40xf32>,
                       %x: memref<1x16x1x1xf32>, %both: memref<16x16xf32> {tg.is_weight}, %a2: memref<5x16xf32>,
                       %c2: memref<5x16xf32>, %y: memref<1x16x1x1xf32>) {
  linalg.matmul ins(%wa, %b : memref<5x16xf32>, memref<16x40xf32>) outs(%c : memref<5x40xf32>)
  linalg.batch_matmul ins(%a3, %wb : memref<2x5x16xf32>, memref<2x16x40xf32>) outs(%c3 : memref<2x5x40xf32>)
  linalg.matmul ins(%a2, %both : memref<5x16xf32>, memref<16x16xf32>) outs(%c2 : memref<5x16xf32>)
  %e = memref.expand_shape %both [[0], [1, 2, 3]] output_shape [16, 16, 1, 1] : memref<16x16xf32> into memref<16x16x1x1xf32>
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %e : memref<1x16x1x1xf32>, memref<16x16x1x1xf32>) outs(%y : memref<1x16x1x1xf32>)
  return
}

// -----

// An executable's shape function takes its leading arguments (not the
// result buffers) and is given the same buffers: a weight is packed in
// both (here the shape function does not read it, so only its type
// changes) ...
// CHECK: tg.weight_layouts = [{arg = 1 : i64, export = "with_shapes", kind = "gemm-b-panels"
// CHECK-LABEL: func.func @with_shapes(
// CHECK-SAME: memref<1024xf32> {tg.is_weight}
// CHECK-LABEL: func.func @with_shapes_shapes(
// CHECK-SAME: memref<1024xf32> {tg.is_weight}
func.func @with_shapes(%a: memref<5x16xf32>, %w: memref<16x40xf32> {tg.is_weight}, %c: memref<5x40xf32>) {
  linalg.matmul ins(%a, %w : memref<5x16xf32>, memref<16x40xf32>) outs(%c : memref<5x40xf32>)
  return
}
func.func @with_shapes_shapes(%a: memref<5x16xf32>, %w: memref<16x40xf32> {tg.is_weight}) attributes {tg.shape_function} {
  return
}

// -----

// ... or in neither, when the shape function reads it otherwise.
// CHECK-NOT: tg.weight_layouts
// CHECK-LABEL: func.func @shapes_read_weight(
// CHECK-SAME: memref<16x40xf32> {tg.is_weight}
// CHECK-LABEL: func.func @shapes_read_weight_shapes(
// CHECK-SAME: memref<16x40xf32> {tg.is_weight}
func.func @shapes_read_weight(%a: memref<5x16xf32>, %w: memref<16x40xf32> {tg.is_weight}, %c: memref<5x40xf32>) {
  linalg.matmul ins(%a, %w : memref<5x16xf32>, memref<16x40xf32>) outs(%c : memref<5x40xf32>)
  return
}
func.func @shapes_read_weight_shapes(%a: memref<5x16xf32>, %w: memref<16x40xf32> {tg.is_weight}) -> f32 attributes {tg.shape_function} {
  %i = arith.constant 0 : index
  %v = memref.load %w[%i, %i] : memref<16x40xf32>
  return %v : f32
}

// -----

// A 3x3 convolution with 16-pixel output rows and 32 output channels runs
// with output channels in lanes (Layout.h: tiles of 14 pixels x 2 blocks
// of 16 channels): its weight is packed as channel blocks, 2 blocks of
// K = 16 * 3 * 3 rows of 16 floats, and the call is told so (w_const = 3).
// CHECK: kind = "conv-channel-blocks", params = [16, 2, 32, 16, 3, 3], size = 4608 : i64
// CHECK-LABEL: func.func @channel_blocks
// CHECK-SAME: %[[W:[a-z0-9]+]]: memref<4608xf32> {tg.is_weight}
// CHECK: memref.reinterpret_cast %[[W]] to offset: [0], sizes: [32, 16, 3, 3]
// CHECK: %[[KIND:.*]] = arith.constant 3 : i64
// CHECK: call @tg_uk_conv2d_nchw_fchw_f32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[KIND]],
func.func @channel_blocks(%x: memref<1x16x18x18xf32>, %w: memref<32x16x3x3xf32> {tg.is_weight}, %y: memref<1x32x16x16xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x16x18x18xf32>, memref<32x16x3x3xf32>) outs(%y : memref<1x32x16x16xf32>)
  return
}

// -----

// 16 to 31 output channels run with channels in lanes only over a
// reduction of at most 32 (Layout.h): a 3 to 20 channel 3x3 stride-2 stem
// (K = 27) does, one of 4 to 20 channels (K = 36) stays on the GEMM.
// CHECK: kind = "conv-channel-blocks", params = [16, 2, 20, 3, 3, 3], size = 864 : i64
// CHECK-SAME: kind = "gemm-a-panels", params = [8, 128, 1, 20, 36], size = 864 : i64
// CHECK-LABEL: func.func @few_channels
func.func @few_channels(%x: memref<1x3x33x33xf32>, %w: memref<20x3x3x3xf32> {tg.is_weight}, %y: memref<1x20x16x16xf32>,
                        %x2: memref<1x4x18x18xf32>, %w2: memref<20x4x3x3xf32> {tg.is_weight}, %y2: memref<1x20x16x16xf32>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x3x33x33xf32>, memref<20x3x3x3xf32>) outs(%y : memref<1x20x16x16xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x2, %w2 : memref<1x4x18x18xf32>, memref<20x4x3x3xf32>) outs(%y2 : memref<1x20x16x16xf32>)
  return
}

// -----

// 1x1 convolutions whose output rows are consecutive run on the plane as
// one row up to 256 pixels, reducing or expanding, in the tiles that
// compute fewer outputs: 7x7 planes (49 pixels) in tiles of 7 pixels x 4
// blocks, 14x14 ones in 14 pixels x 2 blocks. A 28x28 plane stays on the
// GEMM. An
// output with rows 8 floats apart runs row by row: tiles of 7 pixels x 4
// blocks. One whose row stride is not known here stays on the GEMM (the
// microkernels could not tell which tile the weight was packed for).
// CHECK: kind = "conv-channel-blocks", params = [16, 4, 64, 128, 1, 1], size = 8192 : i64
// CHECK-SAME: kind = "conv-channel-blocks", params = [16, 4, 128, 64, 1, 1], size = 8192 : i64
// CHECK-SAME: kind = "conv-channel-blocks", params = [16, 2, 64, 128, 1, 1], size = 8192 : i64
// CHECK-SAME: kind = "gemm-a-panels", params = [8, 128, 1, 64, 128], size = 8192 : i64
// CHECK-SAME: kind = "conv-channel-blocks", params = [16, 4, 64, 128, 1, 1], size = 8192 : i64
// CHECK-SAME: kind = "gemm-a-panels", params = [8, 128, 1, 64, 128], size = 8192 : i64
// CHECK-LABEL: func.func @pointwise
func.func @pointwise(%x: memref<1x128x7x7xf32>, %w: memref<64x128x1x1xf32> {tg.is_weight}, %y: memref<1x64x7x7xf32>,
                     %w2: memref<128x64x1x1xf32> {tg.is_weight}, %y2: memref<1x128x7x7xf32>,
                     %x3: memref<1x128x14x14xf32>, %w3: memref<64x128x1x1xf32> {tg.is_weight}, %y3: memref<1x64x14x14xf32>,
                     %x4: memref<1x128x28x28xf32>, %w4: memref<64x128x1x1xf32> {tg.is_weight}, %y4: memref<1x64x28x28xf32>,
                     %w5: memref<64x128x1x1xf32> {tg.is_weight}, %y5: memref<1x64x7x7xf32, strided<[3584, 56, 8, 1]>>,
                     %w6: memref<64x128x1x1xf32> {tg.is_weight}, %y6: memref<1x64x7x7xf32, strided<[?, ?, ?, 1]>>) {
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x128x7x7xf32>, memref<64x128x1x1xf32>) outs(%y : memref<1x64x7x7xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%y, %w2 : memref<1x64x7x7xf32>, memref<128x64x1x1xf32>) outs(%y2 : memref<1x128x7x7xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x3, %w3 : memref<1x128x14x14xf32>, memref<64x128x1x1xf32>) outs(%y3 : memref<1x64x14x14xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x4, %w4 : memref<1x128x28x28xf32>, memref<64x128x1x1xf32>) outs(%y4 : memref<1x64x28x28xf32>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w5 : memref<1x128x7x7xf32>, memref<64x128x1x1xf32>) outs(%y5 : memref<1x64x7x7xf32, strided<[3584, 56, 8, 1]>>)
  linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w6 : memref<1x128x7x7xf32>, memref<64x128x1x1xf32>) outs(%y6 : memref<1x64x7x7xf32, strided<[?, ?, ?, 1]>>)
  return
}

