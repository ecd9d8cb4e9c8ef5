// RUN: tangram-opt %s -split-input-file -tg-lower-to-linalg -verify-diagnostics

// Dims the lowering cannot take at run time get an error naming the op: a
// convolution's kernel must be static (its batch and spatial dims may not).
func.func @conv_dynamic_kernel(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x?x?xf32>) -> tensor<?x4x?x?xf32> {
  // expected-error@+2 {{lowering needs a static shape}}
  // expected-error@+1 {{failed to legalize operation 'tg.conv'}}
  %y = tg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<?x3x8x8xf32>, tensor<4x3x?x?xf32>) -> tensor<?x4x?x?xf32>
  return %y : tensor<?x4x?x?xf32>
}

// -----

// An op without a lowering stays illegal.
func.func @det(%x: tensor<3x3xf32>) -> tensor<f32> {
  // expected-error@+1 {{failed to legalize operation 'tg.det'}}
  %y = tg.det %x : tensor<3x3xf32> -> tensor<f32>
  return %y : tensor<f32>
}
