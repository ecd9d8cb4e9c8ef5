// RUN: tangram-opt %s -split-input-file | tangram-opt -split-input-file | FileCheck %s
// Round trip: every op prints in a form that parses back to itself.

// CHECK-LABEL: func @elementwise
func.func @elementwise(%x: tensor<2x?xf32>, %y: tensor<?xf32>, %i: tensor<4xi32>, %b: tensor<4xi1>) -> tensor<2x?xf32> {
  // CHECK: tg.exp %{{.*}} : tensor<2x?xf32>
  %0 = tg.exp %x : tensor<2x?xf32>
  // CHECK: tg.leaky_relu %{{.*}} {alpha = 2.000000e-01 : f32}
  %1 = tg.leaky_relu %0 {alpha = 0.2 : f32} : tensor<2x?xf32>
  // CHECK: tg.add %{{.*}}, %{{.*}} : (tensor<2x?xf32>, tensor<?xf32>) -> tensor<2x?xf32>
  %2 = tg.add %1, %y : (tensor<2x?xf32>, tensor<?xf32>) -> tensor<2x?xf32>
  // CHECK: tg.less %{{.*}} -> tensor<2x?xi1>
  %3 = tg.less %2, %y : (tensor<2x?xf32>, tensor<?xf32>) -> tensor<2x?xi1>
  // CHECK: tg.select
  %4 = tg.select %3, %2, %x : (tensor<2x?xi1>, tensor<2x?xf32>, tensor<2x?xf32>) -> tensor<2x?xf32>
  // CHECK: tg.bitwise_and
  %5 = tg.bitwise_and %i, %i : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  // CHECK: tg.not
  %6 = tg.not %b : tensor<4xi1>
  // CHECK: tg.cast %{{.*}} {to = f16} : tensor<4xi32> -> tensor<4xf16>
  %7 = tg.cast %5 {to = f16} : tensor<4xi32> -> tensor<4xf16>
  // CHECK: tg.is_nan %{{.*}} : tensor<4xf16> -> tensor<4xi1>
  %8 = tg.is_nan %7 : tensor<4xf16> -> tensor<4xi1>
  // CHECK: tg.gelu %{{.*}} {tanh_approximation = true}
  %9 = tg.gelu %4 {tanh_approximation = true} : tensor<2x?xf32>
  return %9 : tensor<2x?xf32>
}

// -----

// CHECK-LABEL: func @nn
func.func @nn(%x: tensor<1x3x224x224xf32>, %w: tensor<64x3x7x7xf32>, %b: tensor<64xf32>) -> tensor<1x64x56x56xf32> {
  // CHECK: tg.conv %{{.*}}, %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, pads = array<i64: 3, 3, 3, 3>, strides = array<i64: 2, 2>}
  %0 = tg.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 3, 3, 3, 3>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
  // CHECK: tg.batch_norm
  %1 = tg.batch_norm %0, %b, %b, %b, %b {epsilon = 1.0e-05 : f32} : (tensor<1x64x112x112xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x64x112x112xf32>
  // CHECK: tg.relu
  %2 = tg.relu %1 : tensor<1x64x112x112xf32>
  // CHECK: tg.max_pool %{{.*}} {dilations = array<i64: 1, 1>, kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  %3 = tg.max_pool %2 {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
  return %3 : tensor<1x64x56x56xf32>
}

// -----

// CHECK-LABEL: func @transformer_pieces
func.func @transformer_pieces(%x: tensor<1x128x64xf32>, %g: tensor<64xf32>, %w: tensor<64x64xf32>, %ids: tensor<1x128xi64>, %table: tensor<1000x64xf32>) -> tensor<1x128x64xf32> {
  // CHECK: tg.gather %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<1x128xi64>) -> tensor<1x128x64xf32>
  %e = tg.gather %table, %ids {axis = 0 : i64} : (tensor<1000x64xf32>, tensor<1x128xi64>) -> tensor<1x128x64xf32>
  // CHECK: tg.layer_norm
  %0 = tg.layer_norm %e, %g, %g {axis = 2 : i64, epsilon = 1.0e-05 : f32} : (tensor<1x128x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x128x64xf32>
  // CHECK: tg.matmul %{{.*}}, %{{.*}} : (tensor<1x128x64xf32>, tensor<64x64xf32>) -> tensor<1x128x64xf32>
  %1 = tg.matmul %0, %w : (tensor<1x128x64xf32>, tensor<64x64xf32>) -> tensor<1x128x64xf32>
  // CHECK: tg.transpose %{{.*}} {perm = array<i64: 0, 2, 1>}
  %2 = tg.transpose %1 {perm = array<i64: 0, 2, 1>} : tensor<1x128x64xf32> -> tensor<1x64x128xf32>
  // CHECK: tg.softmax %{{.*}} {axis = 2 : i64}
  %3 = tg.softmax %2 {axis = 2 : i64} : tensor<1x64x128xf32>
  %4 = tg.transpose %3 {perm = array<i64: 0, 2, 1>} : tensor<1x64x128xf32> -> tensor<1x128x64xf32>
  // CHECK: tg.reduce_mean %{{.*}} {axes = array<i64: 2>} : tensor<1x128x64xf32> -> tensor<1x128x1xf32>
  %5 = tg.reduce_mean %4 {axes = array<i64: 2>, keepdims = true} : tensor<1x128x64xf32> -> tensor<1x128x1xf32>
  %6 = tg.sub %4, %5 : (tensor<1x128x64xf32>, tensor<1x128x1xf32>) -> tensor<1x128x64xf32>
  return %6 : tensor<1x128x64xf32>
}

// -----

// CHECK-LABEL: func @shapes
func.func @shapes(%x: tensor<?x6xf32>, %s: tensor<2xi64>) -> (tensor<?x?xf32>, tensor<2xi64>, tensor<?x3xf32>, tensor<?x3xf32>) {
  // CHECK: tg.reshape %{{.*}}, %{{.*}} : (tensor<?x6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %0 = tg.reshape %x, %s : (tensor<?x6xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: tg.shape %{{.*}} {end = 2 : i64, start = 0 : i64}
  %1 = tg.shape %x {start = 0 : i64, end = 2 : i64} : tensor<?x6xf32> -> tensor<2xi64>
  // CHECK: tg.split %{{.*}} {axis = 1 : i64, sizes = array<i64: 3, 3>} : tensor<?x6xf32> -> tensor<?x3xf32>, tensor<?x3xf32>
  %2:2 = tg.split %x {axis = 1 : i64, sizes = array<i64: 3, 3>} : tensor<?x6xf32> -> tensor<?x3xf32>, tensor<?x3xf32>
  return %0, %1, %2#0, %2#1 : tensor<?x?xf32>, tensor<2xi64>, tensor<?x3xf32>, tensor<?x3xf32>
}

// -----

// CHECK-LABEL: func @constants
func.func @constants() -> (tensor<2xi64>, tensor<2x2xf32>, tensor<3xf32>) {
  // CHECK: tg.constant dense<[1, 2]> : tensor<2xi64>
  %0 = tg.constant dense<[1, 2]> : tensor<2xi64>
  // CHECK: tg.constant dense_resource<w> : tensor<2x2xf32>
  %1 = tg.constant dense_resource<w> : tensor<2x2xf32>
  // CHECK: tg.constant_of_shape
  %c = tg.constant dense<[3]> : tensor<1xi64>
  %2 = tg.constant_of_shape %c {value = dense<1.0> : tensor<1xf32>} : (tensor<1xi64>) -> tensor<3xf32>
  return %0, %1, %2 : tensor<2xi64>, tensor<2x2xf32>, tensor<3xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}

// -----

// CHECK-LABEL: func @misc
func.func @misc(%x: tensor<3x4xf32>, %k: tensor<1xi64>, %q: tensor<4xui8>, %s: tensor<f32>, %z: tensor<ui8>) -> (tensor<3x2xf32>, tensor<3x2xi64>, tensor<2x4xf32>, tensor<4xf32>) {
  // CHECK: tg.topk
  %v, %i = tg.topk %x, %k {axis = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x?xf32>, tensor<3x?xi64>)
  %kc = tg.constant dense<[2]> : tensor<1xi64>
  %v2, %i2 = tg.topk %x, %kc {axis = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  // CHECK: tg.einsum %{{.*}}, %{{.*}} {equation = "ij,kj->ik"}
  %e = tg.einsum %x, %x {equation = "ij,kj->ik"} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x3xf32>
  // CHECK: tg.resize
  %sc = tg.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %none = tg.constant dense<> : tensor<0xi64>
  %r = tg.resize %x, %sc, %none {mode = "nearest"} : (tensor<3x4xf32>, tensor<2xf32>, tensor<0xi64>) -> tensor<1x4xf32>
  %p = tg.constant dense<[0, 0, 1, 0]> : tensor<4xi64>
  %pv = tg.constant dense<0.0> : tensor<f32>
  // CHECK: tg.pad
  %pd = tg.pad %r, %p, %pv {mode = "constant"} : (tensor<1x4xf32>, tensor<4xi64>, tensor<f32>) -> tensor<2x4xf32>
  // CHECK: tg.dequantize_linear
  %dq = tg.dequantize_linear %q, %s, %z {axis = 1 : i64} : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
  return %v2, %i2, %pd, %dq : tensor<3x2xf32>, tensor<3x2xi64>, tensor<2x4xf32>, tensor<4xf32>
}

// -----

// 8-bit floats are storage types: cast (saturating or not), quantize and
// dequantize.
// CHECK-LABEL: func.func @float8
func.func @float8(%x: tensor<4xf32>, %s: tensor<f32>, %z: tensor<f8E4M3FN>) -> (tensor<4xf8E5M2>, tensor<4xf8E4M3FN>, tensor<4xf32>) {
  // CHECK: tg.cast %{{.*}} {saturate = false, to = f8E5M2} : tensor<4xf32> -> tensor<4xf8E5M2>
  %a = tg.cast %x {to = f8E5M2, saturate = false} : tensor<4xf32> -> tensor<4xf8E5M2>
  // CHECK: tg.quantize_linear {{.*}} -> tensor<4xf8E4M3FN>
  %q = tg.quantize_linear %x, %s, %z : (tensor<4xf32>, tensor<f32>, tensor<f8E4M3FN>) -> tensor<4xf8E4M3FN>
  // CHECK: tg.dequantize_linear {{.*}} -> tensor<4xf32>
  %d = tg.dequantize_linear %q, %s, %z : (tensor<4xf8E4M3FN>, tensor<f32>, tensor<f8E4M3FN>) -> tensor<4xf32>
  return %a, %q, %d : tensor<4xf8E5M2>, tensor<4xf8E4M3FN>, tensor<4xf32>
}

// -----

// Reductions over axes known at run time.
// CHECK-LABEL: func.func @reduce_runtime_axes
func.func @reduce_runtime_axes(%x: tensor<1x3x4xf32>, %a: tensor<2xi64>) -> (tensor<1x?x?xf32>, tensor<?xf32>) {
  // CHECK: tg.reduce_max %{{.*}} axes(%{{.*}} : tensor<2xi64>) {axes = array<i64>} : tensor<1x3x4xf32> -> tensor<1x?x?xf32>
  %0 = tg.reduce_max %x axes(%a : tensor<2xi64>) {axes = array<i64>} : tensor<1x3x4xf32> -> tensor<1x?x?xf32>
  // CHECK: tg.reduce_mean %{{.*}} axes(%{{.*}} : tensor<2xi64>) {axes = array<i64>, keepdims = false} : tensor<1x3x4xf32> -> tensor<?xf32>
  %1 = tg.reduce_mean %x axes(%a : tensor<2xi64>) {axes = array<i64>, keepdims = false} : tensor<1x3x4xf32> -> tensor<?xf32>
  return %0, %1 : tensor<1x?x?xf32>, tensor<?xf32>
}

// -----

// CHECK-LABEL: func.func @cumsum_runtime_axis
func.func @cumsum_runtime_axis(%x: tensor<2x3xf32>, %a: tensor<i32>) -> tensor<2x3xf32> {
  // CHECK: tg.cumsum %{{.*}} axis(%{{.*}} : tensor<i32>) {axis = 0 : i64, reverse = true} : tensor<2x3xf32>
  %0 = tg.cumsum %x axis(%a : tensor<i32>) {axis = 0 : i64, reverse = true} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Squeeze, Unsqueeze and Split with axes or sizes known at run time.
// CHECK-LABEL: func.func @runtime_axes_and_sizes
func.func @runtime_axes_and_sizes(%x: tensor<1x6xf32>, %a: tensor<1xi64>, %s: tensor<2xi64>) -> (tensor<?xf32>, tensor<?x?x?xf32>, tensor<1x?xf32>) {
  // CHECK: tg.squeeze %{{.*}} axes(%{{.*}} : tensor<1xi64>) {axes = array<i64>} : tensor<1x6xf32> -> tensor<?xf32>
  %0 = tg.squeeze %x axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<1x6xf32> -> tensor<?xf32>
  // CHECK: tg.unsqueeze %{{.*}} axes(%{{.*}} : tensor<1xi64>) {axes = array<i64>} : tensor<1x6xf32> -> tensor<?x?x?xf32>
  %1 = tg.unsqueeze %x axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<1x6xf32> -> tensor<?x?x?xf32>
  // CHECK: tg.split %{{.*}} sizes(%{{.*}} : tensor<2xi64>) {axis = 1 : i64, sizes = array<i64>} : tensor<1x6xf32> -> tensor<1x?xf32>, tensor<1x?xf32>
  %2:2 = tg.split %x sizes(%s : tensor<2xi64>) {axis = 1 : i64, sizes = array<i64>} : tensor<1x6xf32> -> tensor<1x?xf32>, tensor<1x?xf32>
  return %0, %1, %2#0 : tensor<?xf32>, tensor<?x?x?xf32>, tensor<1x?xf32>
}

// -----

// CHECK-LABEL: func.func @sampling
func.func @sampling(%x: tensor<1x1x4x4xf32>, %g: tensor<1x6x6x2xf32>, %t: tensor<2x2x3xf32>, %s: tensor<4xi64>) -> (tensor<1x1x6x6xf32>, tensor<2x?x?x2xf32>) {
  // CHECK: tg.grid_sample %{{.*}}, %{{.*}} {align_corners = true, mode = "cubic", padding_mode = "border"} : (tensor<1x1x4x4xf32>, tensor<1x6x6x2xf32>) -> tensor<1x1x6x6xf32>
  %0 = tg.grid_sample %x, %g {mode = "cubic", padding_mode = "border", align_corners = true} : (tensor<1x1x4x4xf32>, tensor<1x6x6x2xf32>) -> tensor<1x1x6x6xf32>
  // CHECK: tg.affine_grid %{{.*}}, %{{.*}} : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<2x?x?x2xf32>
  %1 = tg.affine_grid %t, %s : (tensor<2x2x3xf32>, tensor<4xi64>) -> tensor<2x?x?x2xf32>
  return %0, %1 : tensor<1x1x6x6xf32>, tensor<2x?x?x2xf32>
}

// -----

// CHECK-LABEL: func.func @detection
func.func @detection(%x: tensor<1x1x10x10xf32>, %r: tensor<3x4xf32>, %i: tensor<3xi64>, %b: tensor<1x6x4xf32>, %s: tensor<1x1x6xf32>, %m: tensor<1xi64>, %t: tensor<1xf32>) -> (tensor<3x1x5x5xf32>, tensor<?x3xi64>, tensor<?x3xi64>) {
  // CHECK: tg.roi_align {{.*}} {coordinate_transformation_mode = "output_half_pixel", mode = "max", output_height = 5 : i64, output_width = 5 : i64, sampling_ratio = 2 : i64, spatial_scale = 1.000000e+00 : f32} : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
  %0 = tg.roi_align %x, %r, %i {mode = "max", output_height = 5 : i64, output_width = 5 : i64, sampling_ratio = 2 : i64, spatial_scale = 1.0 : f32, coordinate_transformation_mode = "output_half_pixel"} : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<3xi64>) -> tensor<3x1x5x5xf32>
  // CHECK: tg.non_max_suppression %{{.*}}, %{{.*}} max(%{{.*}} : tensor<1xi64>) iou(%{{.*}} : tensor<1xf32>) score(%{{.*}} : tensor<1xf32>) {center_point_box = true} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>) -> tensor<?x3xi64>
  %1 = tg.non_max_suppression %b, %s max(%m : tensor<1xi64>) iou(%t : tensor<1xf32>) score(%t : tensor<1xf32>) {center_point_box = true} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>) -> tensor<?x3xi64>
  // CHECK: tg.non_max_suppression %{{.*}}, %{{.*}} : (tensor<1x6x4xf32>, tensor<1x1x6xf32>) -> tensor<?x3xi64>
  %2 = tg.non_max_suppression %b, %s : (tensor<1x6x4xf32>, tensor<1x1x6xf32>) -> tensor<?x3xi64>
  return %0, %1, %2 : tensor<3x1x5x5xf32>, tensor<?x3xi64>, tensor<?x3xi64>
}

// -----

// CHECK-LABEL: func.func @image_ops
func.func @image_ops(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>, %o: tensor<1x8x2x2xf32>, %mk: tensor<1x4x2x2xf32>, %bias: tensor<1xf32>, %c: tensor<1x5x5xf32>, %sh: tensor<2xi64>, %p: tensor<1x1x2x2xf32>, %pi: tensor<1x1x2x2xi64>, %img: tensor<20x10x3xf32>, %bytes: tensor<100xui8>) -> (tensor<1x1x2x2xf32>, tensor<1x?x?x?xf32>, tensor<1x1x4x4xf32>, tensor<?x?x3xf32>, tensor<?x?x1xui8>) {
  // CHECK: tg.deform_conv %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<1xf32>) mask(%{{.*}} : tensor<1x4x2x2xf32>) {dilations = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32>
  %0 = tg.deform_conv %x, %w, %o bias(%bias : tensor<1xf32>) mask(%mk : tensor<1x4x2x2xf32>) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x8x2x2xf32>) -> tensor<1x1x2x2xf32>
  // CHECK: tg.col2im {{.*}} : (tensor<1x5x5xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x?x?x?xf32>
  %1 = tg.col2im %c, %sh, %sh {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x5x5xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x?x?x?xf32>
  // CHECK: tg.max_unpool {{.*}} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  %2 = tg.max_unpool %p, %pi {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  // CHECK: tg.center_crop_pad {{.*}} {axes = array<i64: 0, 1>} : (tensor<20x10x3xf32>, tensor<2xi64>) -> tensor<?x?x3xf32>
  %3 = tg.center_crop_pad %img, %sh {axes = array<i64: 0, 1>} : (tensor<20x10x3xf32>, tensor<2xi64>) -> tensor<?x?x3xf32>
  // CHECK: tg.image_decode %{{.*}} {pixel_format = "Grayscale"} : tensor<100xui8> -> tensor<?x?x1xui8>
  %4 = tg.image_decode %bytes {pixel_format = "Grayscale"} : tensor<100xui8> -> tensor<?x?x1xui8>
  return %0, %1, %2, %3, %4 : tensor<1x1x2x2xf32>, tensor<1x?x?x?xf32>, tensor<1x1x4x4xf32>, tensor<?x?x3xf32>, tensor<?x?x1xui8>
}

// -----

// CHECK-LABEL: func.func @signal
func.func @signal(%x: tensor<1x10x1xf32>, %a: tensor<i64>, %s: tensor<1x128x1xf32>, %step: tensor<i64>, %win: tensor<16xf32>, %n: tensor<i32>, %f: tensor<f32>) -> (tensor<1x6x2xf32>, tensor<1x10x2xf32>, tensor<1x15x9x2xf32>, tensor<?x?xf32>) {
  // CHECK: tg.dft %{{.*}} {axis = 1 : i64, onesided = true} : tensor<1x10x1xf32> -> tensor<1x6x2xf32>
  %0 = tg.dft %x {axis = 1 : i64, onesided = true} : tensor<1x10x1xf32> -> tensor<1x6x2xf32>
  // CHECK: tg.dft %{{.*}} axis(%{{.*}} : tensor<i64>) {axis = 0 : i64, inverse = true} : tensor<1x10x1xf32> -> tensor<1x10x2xf32>
  %1 = tg.dft %x axis(%a : tensor<i64>) {axis = 0 : i64, inverse = true} : tensor<1x10x1xf32> -> tensor<1x10x2xf32>
  %c8 = tg.constant dense<8> : tensor<i64>
  // CHECK: tg.stft %{{.*}}, %{{.*}} window(%{{.*}} : tensor<16xf32>) : (tensor<1x128x1xf32>, tensor<i64>) -> tensor<1x15x9x2xf32>
  %2 = tg.stft %s, %c8 window(%win : tensor<16xf32>) : (tensor<1x128x1xf32>, tensor<i64>) -> tensor<1x15x9x2xf32>
  // CHECK: tg.mel_weight_matrix {{.*}} {output_datatype = f32} : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  %3 = tg.mel_weight_matrix %n, %n, %n, %f, %f {output_datatype = f32} : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  return %0, %1, %2, %3 : tensor<1x6x2xf32>, tensor<1x10x2xf32>, tensor<1x15x9x2xf32>, tensor<?x?xf32>
}

// -----

// Random draws are not Pure: canonicalization keeps both.
// CHECK-LABEL: func.func @random
func.func @random(%s: tensor<2xi64>) -> (tensor<?x?xf32>, tensor<?x?xf32>, tensor<3x4xf64>) {
  // CHECK: tg.random_uniform %{{.*}} {dtype = f32, high = 1.000000e+00 : f32, low = 0.000000e+00 : f32, seed = 2.000000e+00 : f32} : tensor<2xi64> -> tensor<?x?xf32>
  %0 = tg.random_uniform %s {dtype = f32, low = 0.0 : f32, high = 1.0 : f32, seed = 2.0 : f32} : tensor<2xi64> -> tensor<?x?xf32>
  // CHECK: tg.random_uniform
  %1 = tg.random_uniform %s {dtype = f32, low = 0.0 : f32, high = 1.0 : f32, seed = 2.0 : f32} : tensor<2xi64> -> tensor<?x?xf32>
  %c = tg.constant dense<[3, 4]> : tensor<2xi64>
  // CHECK: tg.random_normal %{{.*}} {dtype = f64, mean = 1.000000e+00 : f32, scale = 2.000000e+00 : f32} : tensor<2xi64> -> tensor<3x4xf64>
  %2 = tg.random_normal %c {dtype = f64, mean = 1.0 : f32, scale = 2.0 : f32} : tensor<2xi64> -> tensor<3x4xf64>
  return %0, %1, %2 : tensor<?x?xf32>, tensor<?x?xf32>, tensor<3x4xf64>
}

// -----

// CHECK-LABEL: func.func @unique_det
func.func @unique_det(%x: tensor<3x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>, tensor<3xf32>) {
  // CHECK: tg.unique %{{.*}} {axis = 0 : i64, sorted = false} : (tensor<3x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>)
  %y, %i, %v, %c = tg.unique %x {axis = 0 : i64, sorted = false} : (tensor<3x3xf32>) -> (tensor<?x3xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>)
  // CHECK: tg.det %{{.*}} : tensor<3x3xf32> -> tensor<f32>
  %d = tg.det %x : tensor<3x3xf32> -> tensor<f32>
  %b = tg.constant dense<1.0> : tensor<3x2x2xf32>
  // CHECK: tg.det %{{.*}} : tensor<3x2x2xf32> -> tensor<3xf32>
  %e = tg.det %b : tensor<3x2x2xf32> -> tensor<3xf32>
  return %y, %i, %v, %c, %e : tensor<?x3xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func.func @control_flow
func.func @control_flow(%c: tensor<i1>, %n: tensor<i64>, %y0: tensor<1xf32>) -> (tensor<?xf32>, tensor<1xf32>, tensor<?x1xf32>) {
  // CHECK: tg.if %{{.*}} : tensor<i1> -> tensor<?xf32> {
  // CHECK: tg.yield %{{.*}} : tensor<2xf32>
  // CHECK: } else {
  // CHECK: tg.yield %{{.*}} : tensor<3xf32>
  %r = tg.if %c : tensor<i1> -> tensor<?xf32> {
    %a = tg.constant dense<1.0> : tensor<2xf32>
    tg.yield %a : tensor<2xf32>
  } else {
    %b = tg.constant dense<2.0> : tensor<3xf32>
    tg.yield %b : tensor<3xf32>
  }
  // CHECK: tg.loop %{{.*}}, %{{.*}}, %{{.*}} : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> (tensor<1xf32>, tensor<?x1xf32>) {
  // CHECK: ^bb0(%{{.*}}: tensor<i64>, %{{.*}}: tensor<i1>, %{{.*}}: tensor<1xf32>):
  // CHECK: tg.yield %{{.*}}, %{{.*}}, %{{.*}} : tensor<i1>, tensor<1xf32>, tensor<1xf32>
  %y, %s = tg.loop %n, %c, %y0 : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> (tensor<1xf32>, tensor<?x1xf32>) {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %yi: tensor<1xf32>):
    %y1 = tg.add %yi, %y0 : (tensor<1xf32>, tensor<1xf32>) -> tensor<1xf32>
    tg.yield %ci, %y1, %y1 : tensor<i1>, tensor<1xf32>, tensor<1xf32>
  }
  return %r, %y, %s : tensor<?xf32>, tensor<1xf32>, tensor<?x1xf32>
}

// -----

// Sequences and optionals; a sequence's element type is the join of what it
// holds.
// CHECK-LABEL: func.func @sequences
func.func @sequences(%a: tensor<2xf32>, %b: tensor<3xf32>, %m: tensor<2x3xf32>, %i: tensor<i64>) -> (!tg.seq<tensor<?xf32>>, tensor<?xf32>, tensor<i64>, tensor<?x3xf32>, !tg.optional<tensor<2xf32>>, tensor<i1>, tensor<2xf32>, !tg.seq<tensor<*xf32>>) {
  // CHECK: tg.sequence_construct %{{.*}}, %{{.*}} : (tensor<2xf32>, tensor<3xf32>) -> !tg.seq<tensor<?xf32>>
  %s = tg.sequence_construct %a, %b : (tensor<2xf32>, tensor<3xf32>) -> !tg.seq<tensor<?xf32>>
  // CHECK: tg.sequence_insert %{{.*}}, %{{.*}}, %{{.*}} : (!tg.seq<tensor<?xf32>>, tensor<2xf32>, tensor<i64>) -> !tg.seq<tensor<?xf32>>
  %t = tg.sequence_insert %s, %a, %i : (!tg.seq<tensor<?xf32>>, tensor<2xf32>, tensor<i64>) -> !tg.seq<tensor<?xf32>>
  // CHECK: tg.sequence_at
  %x = tg.sequence_at %t, %i : (!tg.seq<tensor<?xf32>>, tensor<i64>) -> tensor<?xf32>
  // CHECK: tg.sequence_erase %{{.*}} : (!tg.seq<tensor<?xf32>>) -> !tg.seq<tensor<?xf32>>
  %u = tg.sequence_erase %t : (!tg.seq<tensor<?xf32>>) -> !tg.seq<tensor<?xf32>>
  // CHECK: tg.sequence_length %{{.*}} : !tg.seq<tensor<?xf32>> -> tensor<i64>
  %n = tg.sequence_length %u : !tg.seq<tensor<?xf32>> -> tensor<i64>
  // CHECK: tg.split_to_sequence %{{.*}} {axis = 0 : i64, keepdims = false} : (tensor<2x3xf32>) -> !tg.seq<tensor<3xf32>>
  %p = tg.split_to_sequence %m {axis = 0 : i64, keepdims = false} : (tensor<2x3xf32>) -> !tg.seq<tensor<3xf32>>
  // CHECK: tg.concat_from_sequence %{{.*}} {axis = 0 : i64, new_axis = true} : (!tg.seq<tensor<3xf32>>) -> tensor<?x3xf32>
  %c = tg.concat_from_sequence %p {axis = 0 : i64, new_axis = true} : (!tg.seq<tensor<3xf32>>) -> tensor<?x3xf32>
  // CHECK: tg.optional %{{.*}} : (tensor<2xf32>) -> !tg.optional<tensor<2xf32>>
  %o = tg.optional %a : (tensor<2xf32>) -> !tg.optional<tensor<2xf32>>
  // CHECK: tg.optional {type = tensor<2xf32>} : () -> !tg.optional<tensor<2xf32>>
  %e = tg.optional {type = tensor<2xf32>} : () -> !tg.optional<tensor<2xf32>>
  // CHECK: tg.optional_has_element %{{.*}} : !tg.optional<tensor<2xf32>> -> tensor<i1>
  %h = tg.optional_has_element %e : !tg.optional<tensor<2xf32>> -> tensor<i1>
  // CHECK: tg.optional_get_element %{{.*}} : !tg.optional<tensor<2xf32>> -> tensor<2xf32>
  %g = tg.optional_get_element %o : !tg.optional<tensor<2xf32>> -> tensor<2xf32>
  // CHECK: tg.sequence_empty {dtype = f32} : !tg.seq<tensor<*xf32>>
  %z = tg.sequence_empty {dtype = f32} : !tg.seq<tensor<*xf32>>
  return %s, %x, %n, %c, %o, %h, %g, %z : !tg.seq<tensor<?xf32>>, tensor<?xf32>, tensor<i64>, tensor<?x3xf32>, !tg.optional<tensor<2xf32>>, tensor<i1>, tensor<2xf32>, !tg.seq<tensor<*xf32>>
}

// -----

// The schedule ops: a launch of a per-device executable and a transfer.
// CHECK-LABEL: func.func @schedule
// CHECK: %[[A:.*]] = tg.launch @exec_cpu0 on "cpu0"(%{{.*}}) : (tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK: tg.transfer %[[A]] to "cpu1" : tensor<?x4xf32>
func.func @schedule(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %a = tg.launch @exec_cpu0 on "cpu0"(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %b = tg.transfer %a to "cpu1" : tensor<?x4xf32>
  return %b : tensor<?x4xf32>
}
func.func private @exec_cpu0(%x: tensor<?x4xf32>) -> tensor<?x4xf32> attributes {tg.device = "cpu0"} {
  return %x : tensor<?x4xf32>
}
