// RUN: tangram-opt %s -split-input-file -verify-diagnostics
// One case per verifier error.

func.func @binary_elem_mismatch(%x: tensor<2xf32>, %y: tensor<2xf16>) {
  // expected-error @+2 {{operands have different element types: 'f32' and 'f16'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.add"(%x, %y) : (tensor<2xf32>, tensor<2xf16>) -> tensor<2xf32>
  return
}

// -----

func.func @binary_no_broadcast(%x: tensor<2x3xf32>, %y: tensor<4xf32>) {
  // expected-error @+2 {{do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.add"(%x, %y) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @wrong_result_type(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{inferred type(s)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.exp"(%x) : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @float_only(%x: tensor<2xi32>) {
  // expected-error @+1 {{must be ranked tensor of}}
  %0 = tg.exp %x : tensor<2xi32>
  return
}

// -----

func.func @matmul_contract(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{contracting dims differ: 3 vs 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.matmul"(%a, %b) : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{input channels (3) != weight channels (2) * group (1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.conv"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_pads(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{expected 2 strides and dilations and 4 pads}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.conv"(%x, %w) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @pool_kernel_too_big(%x: tensor<1x3x2x2xf32>) {
  // expected-error @+2 {{kernel larger than padded input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.max_pool"(%x) {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x3x2x2xf32>) -> tensor<1x3x1x1xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<1x4x2x2xf32>, %s: tensor<3xf32>) {
  // expected-error @+2 {{parameters must be 1-D of size C = 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.batch_norm"(%x, %s, %s, %s, %s) : (tensor<1x4x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = tg.softmax %x {axis = 2 : i64} : tensor<2x3xf32>
  return
}

// -----

func.func @reduce_axes(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{axes must be sorted, unique and in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.reduce_sum"(%x) {axes = array<i64: 1, 0>, keepdims = true} : (tensor<2x3xf32>) -> tensor<1x1xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{perm is not a permutation}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.transpose"(%x) {perm = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x3xf32>) {
  %s = tg.constant dense<[4, 2]> : tensor<2xi64>
  // expected-error @+2 {{cannot reshape 6 elements into 8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.reshape"(%x, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return
}

// -----

func.func @reshape_two_minus_one(%x: tensor<2x3xf32>) {
  %s = tg.constant dense<[-1, -1]> : tensor<2xi64>
  // expected-error @+2 {{shape has more than one -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.reshape"(%x, %s) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @squeeze_non_unit(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{cannot squeeze dim 0 of size 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.squeeze"(%x) {axes = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @concat_dims(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+2 {{inputs differ in dim 1: 3 vs 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.concat"(%a, %b) {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @split_sizes(%x: tensor<6xf32>) {
  // expected-error @+2 {{split sizes add up to 5, not the axis dim 6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = "tg.split"(%x) {axis = 0 : i64, sizes = array<i64: 2, 3>} : (tensor<6xf32>) -> (tensor<2xf32>, tensor<3xf32>)
  return
}

// -----

func.func @gather_axis(%x: tensor<2x3xf32>, %i: tensor<4xi64>) {
  // expected-error @+2 {{axis out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.gather"(%x, %i) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<4xi64>) -> tensor<2x3xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<2xf32>, %p: tensor<2xi64>, %v: tensor<f32>) {
  // expected-error @+2 {{unknown pad mode 'mirror'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.pad"(%x, %p, %v) {mode = "mirror"} : (tensor<2xf32>, tensor<2xi64>, tensor<f32>) -> tensor<?xf32>
  return
}

// -----

func.func @constant_type() {
  // expected-error @+1 {{value type 'tensor<2xi64>' differs from result type 'tensor<2xi32>'}}
  %0 = "tg.constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi32>
  return
}

// -----

func.func @topk_k(%x: tensor<3x4xf32>) {
  %k = tg.constant dense<[5]> : tensor<1xi64>
  // expected-error @+2 {{k (5) exceeds the axis dim (4)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = "tg.topk"(%x, %k) {axis = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x5xf32>, tensor<3x5xi64>)
  return
}

// -----

func.func @einsum_labels(%x: tensor<3x4xf32>) {
  // expected-error @+2 {{term 'ijk' does not match rank 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.einsum"(%x) {equation = "ijk->i"} : (tensor<3x4xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @depth_to_space(%x: tensor<1x6x2x2xf32>) {
  // expected-error @+2 {{channels not divisible by blocksize^2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.depth_to_space"(%x) {blocksize = 2 : i64} : (tensor<1x6x2x2xf32>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x3xf32>, %g: tensor<3xf32>) {
  // expected-error @+2 {{axis must be in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.layer_norm"(%x, %g, %g) {axis = 2 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @select_types(%c: tensor<2xi1>, %x: tensor<2xf32>, %y: tensor<2xi32>) {
  // expected-error @+2 {{x and y have different element types}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.select"(%c, %x, %y) : (tensor<2xi1>, tensor<2xf32>, tensor<2xi32>) -> tensor<2xf32>
  return
}

// -----

func.func @scatter_reduction(%x: tensor<3xf32>, %i: tensor<1xi64>, %u: tensor<1xf32>) {
  // expected-error @+2 {{unknown reduction 'avg'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "avg"} : (tensor<3xf32>, tensor<1xi64>, tensor<1xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @scatter_elements_shapes(%x: tensor<3x2xf32>, %i: tensor<1x2xi64>, %u: tensor<1x3xf32>) {
  // expected-error @+2 {{indices and updates differ in dim 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "none"} : (tensor<3x2xf32>, tensor<1x2xi64>, tensor<1x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @scatter_elements_larger(%x: tensor<3x2xf32>, %i: tensor<1x3xi64>, %u: tensor<1x3xf32>) {
  // expected-error @+2 {{updates are larger than data in dim 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.scatter_elements"(%x, %i, %u) {axis = 0 : i64, reduction = "none"} : (tensor<3x2xf32>, tensor<1x3xi64>, tensor<1x3xf32>) -> tensor<3x2xf32>
  return
}

// -----

func.func @scatter_nd_shapes(%x: tensor<4x5xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) {
  // expected-error @+2 {{updates must have shape indices.shape[:-1] + data.shape[k:]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.scatter_nd"(%x, %i, %u) {reduction = "none"} : (tensor<4x5xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x5xf32>
  return
}

// -----

func.func @scatter_nd_index_length(%x: tensor<4xf32>, %i: tensor<2x2xi64>, %u: tensor<2xf32>) {
  // expected-error @+2 {{an index has 2 entries, more than data's rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.scatter_nd"(%x, %i, %u) {reduction = "none"} : (tensor<4xf32>, tensor<2x2xi64>, tensor<2xf32>) -> tensor<4xf32>
  return
}

// -----

// 8-bit floats are storage only: no arithmetic on them.
func.func @float8_add(%x: tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN> {
  // expected-error @below {{must be ranked tensor of}}
  %y = tg.add %x, %x : (tensor<4xf8E4M3FN>, tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN>
  return %y : tensor<4xf8E4M3FN>
}

// -----

func.func @reduce_axes_twice(%x: tensor<2x3xf32>, %a: tensor<1xi64>) {
  // expected-error @+2 {{axes are given both as an attribute and as an operand}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.reduce_sum"(%x, %a) {axes = array<i64: 0>} : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @reduce_axes_dynamic_length(%x: tensor<2x3xf32>, %a: tensor<?xi64>) {
  // expected-error @+2 {{run-time axes must be a 1-D tensor of static length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.reduce_sum"(%x, %a) {axes = array<i64>} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @reduce_axes_too_many(%x: tensor<2x3xf32>, %a: tensor<3xi64>) {
  // expected-error @+2 {{run-time axes must have 1 to 2 elements, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.reduce_sum"(%x, %a) {axes = array<i64>} : (tensor<2x3xf32>, tensor<3xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @squeeze_axes_twice(%x: tensor<1x3xf32>, %a: tensor<1xi64>) {
  // expected-error @+2 {{axes are given both as an attribute and as an operand}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.squeeze"(%x, %a) {axes = array<i64: 0>} : (tensor<1x3xf32>, tensor<1xi64>) -> tensor<?xf32>
  return
}

// -----

func.func @squeeze_too_many_axes(%x: tensor<1x3xf32>, %a: tensor<3xi64>) {
  // expected-error @+2 {{run-time axes must have 1 to 2 elements, got 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.squeeze"(%x, %a) {axes = array<i64>} : (tensor<1x3xf32>, tensor<3xi64>) -> tensor<f32>
  return
}

// -----

func.func @split_sizes_dynamic_length(%x: tensor<6xf32>, %s: tensor<?xi64>) {
  // expected-error @+2 {{run-time sizes must be a 1-D tensor of static length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = "tg.split"(%x, %s) {axis = 0 : i64, sizes = array<i64>} : (tensor<6xf32>, tensor<?xi64>) -> (tensor<?xf32>, tensor<?xf32>)
  return
}

// -----

func.func @grid_sample_grid_dim(%x: tensor<1x1x4x4xf32>, %g: tensor<1x6x6x3xf32>) {
  // expected-error @+2 {{the last grid dim must be 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.grid_sample"(%x, %g) : (tensor<1x1x4x4xf32>, tensor<1x6x6x3xf32>) -> tensor<1x1x6x6xf32>
  return
}

// -----

func.func @grid_sample_cubic_3d(%x: tensor<1x1x4x4x4xf32>, %g: tensor<1x2x2x2x3xf32>) {
  // expected-error @+2 {{cubic mode needs a 2-D image}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.grid_sample"(%x, %g) {mode = "cubic"} : (tensor<1x1x4x4x4xf32>, tensor<1x2x2x2x3xf32>) -> tensor<1x1x2x2x2xf32>
  return
}

// -----

func.func @grid_sample_padding(%x: tensor<1x1x4x4xf32>, %g: tensor<1x6x6x2xf32>) {
  // expected-error @+2 {{unknown padding_mode 'wrap'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.grid_sample"(%x, %g) {padding_mode = "wrap"} : (tensor<1x1x4x4xf32>, tensor<1x6x6x2xf32>) -> tensor<1x1x6x6xf32>
  return
}

// -----

func.func @affine_grid_theta(%t: tensor<2x3x3xf32>, %s: tensor<4xi64>) {
  // expected-error @+2 {{theta must be N x 2 x 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.affine_grid"(%t, %s) : (tensor<2x3x3xf32>, tensor<4xi64>) -> tensor<2x?x?x2xf32>
  return
}

// -----

func.func @roi_align_indices(%x: tensor<1x1x10x10xf32>, %r: tensor<3x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+2 {{batch_indices must hold one index per roi}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.roi_align"(%x, %r, %i) {output_height = 2 : i64, output_width = 2 : i64, sampling_ratio = 0 : i64, spatial_scale = 1.0 : f32} : (tensor<1x1x10x10xf32>, tensor<3x4xf32>, tensor<2xi64>) -> tensor<3x1x2x2xf32>
  return
}

// -----

func.func @nms_scores(%b: tensor<1x6x4xf32>, %s: tensor<1x1x5xf32>) {
  // expected-error @+2 {{scores must be B x K x S for B x S x 4 boxes}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.non_max_suppression"(%b, %s) {operandSegmentSizes = array<i32: 1, 1, 0, 0, 0>} : (tensor<1x6x4xf32>, tensor<1x1x5xf32>) -> tensor<?x3xi64>
  return
}

// -----

func.func @deform_conv_offset(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>, %o: tensor<1x4x2x2xf32>) {
  // expected-error @+2 {{offset must have offset_group * 2 * kernel taps (8) channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.deform_conv"(%x, %w, %o) {operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @col2im_block(%x: tensor<1x5x5xf32>) {
  %img = tg.constant dense<[5, 5]> : tensor<2xi64>
  %blk = tg.constant dense<[1, 2]> : tensor<2xi64>
  // expected-error @+2 {{input dim 1 (5) is not a multiple of the block size 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.col2im"(%x, %img, %blk) {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x5x5xf32>, tensor<2xi64>, tensor<2xi64>) -> tensor<1x?x5x5xf32>
  return
}

// -----

func.func @max_unpool_indices(%x: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x3xi64>) {
  // expected-error @+2 {{indices must have the input's shape}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.max_unpool"(%x, %i) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : (tensor<1x1x2x2xf32>, tensor<1x1x2x3xi64>) -> tensor<1x1x4x4xf32>
  return
}

// -----

func.func @center_crop_pad_axes(%x: tensor<4x4xf32>, %s: tensor<1xi64>) {
  // expected-error @+2 {{shape must have one value per axis}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.center_crop_pad"(%x, %s) {axes = array<i64: 0, 1>} : (tensor<4x4xf32>, tensor<1xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @image_decode_format(%x: tensor<10xui8>) {
  // expected-error @+2 {{pixel_format must be RGB, BGR or Grayscale}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.image_decode"(%x) {pixel_format = "CMYK"} : (tensor<10xui8>) -> tensor<?x?x3xui8>
  return
}

// -----

func.func @dft_last_axis(%x: tensor<1x10x1xf32>) {
  // expected-error @+2 {{axis must be a signal dim in [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.dft"(%x) {operandSegmentSizes = array<i32: 1, 0, 0>, axis = 2 : i64} : (tensor<1x10x1xf32>) -> tensor<1x10x2xf32>
  return
}

// -----

func.func @dft_not_complex(%x: tensor<1x10x3xf32>) {
  // expected-error @+2 {{input must be a real (... x 1) or complex (... x 2) signal of rank >= 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.dft"(%x) {operandSegmentSizes = array<i32: 1, 0, 0>, axis = 1 : i64} : (tensor<1x10x3xf32>) -> tensor<1x10x2xf32>
  return
}

// -----

func.func @stft_no_frame(%s: tensor<1x128x1xf32>, %step: tensor<i64>) {
  // expected-error @+2 {{needs a window or a frame_length}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.stft"(%s, %step) {operandSegmentSizes = array<i32: 1, 1, 0, 0>} : (tensor<1x128x1xf32>, tensor<i64>) -> tensor<1x?x?x2xf32>
  return
}

// -----

func.func @mel_edges(%n: tensor<i32>, %f: tensor<2xf32>) {
  // expected-error @+2 {{the edge frequencies must hold one value}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.mel_weight_matrix"(%n, %n, %n, %f, %f) {output_datatype = f32} : (tensor<i32>, tensor<i32>, tensor<i32>, tensor<2xf32>, tensor<2xf32>) -> tensor<?x?xf32>
  return
}

// -----

func.func @random_dtype(%s: tensor<2xi64>) {
  // expected-error @+2 {{dtype must be f16, bf16, f32 or f64}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.random_uniform"(%s) {dtype = i32, low = 0.0 : f32, high = 1.0 : f32} : (tensor<2xi64>) -> tensor<?x?xf32>
  return
}

// -----

func.func @unique_axis(%x: tensor<3x3xf32>) {
  // expected-error @+2 {{axis out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:4 = "tg.unique"(%x) {axis = 2 : i64} : (tensor<3x3xf32>) -> (tensor<3x?xf32>, tensor<?xi64>, tensor<3xi64>, tensor<?xi64>)
  return
}

// -----

func.func @det_not_square(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{input must be a batch of square matrices}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "tg.det"(%x) : (tensor<2x3xf32>) -> tensor<f32>
  return
}

// -----

func.func @if_branch_counts(%c: tensor<i1>) {
  // expected-error @+2 {{the branches yield 1 and 0 values}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = "tg.if"(%c) ({
    %a = tg.constant dense<1.0> : tensor<2xf32>
    tg.yield %a : tensor<2xf32>
  }, {
    tg.yield
  }) : (tensor<i1>) -> tensor<2xf32>
  return
}

// -----

func.func @if_branch_types(%c: tensor<i1>) {
  // expected-error @+2 {{the branches yield value 0 with different element types or ranks}}
  // expected-error @+1 {{failed to infer returned types}}
  %r = "tg.if"(%c) ({
    %a = tg.constant dense<1.0> : tensor<2xf32>
    tg.yield %a : tensor<2xf32>
  }, {
    %b = tg.constant dense<1> : tensor<2xi64>
    tg.yield %b : tensor<2xi64>
  }) : (tensor<i1>) -> tensor<2xf32>
  return
}

// -----

func.func @if_cond_not_scalar(%c: tensor<2xi1>) {
  // expected-error @+2 {{cond must hold one value}}
  // expected-error @+1 {{failed to infer returned types}}
  "tg.if"(%c) ({
    tg.yield
  }, {
    tg.yield
  }) : (tensor<2xi1>) -> ()
  return
}

// -----

func.func @loop_carried_changes(%n: tensor<i64>, %c: tensor<i1>, %y: tensor<1xf32>) {
  // expected-error @+1 {{carried value 0 changes from 'tensor<1xf32>' to 'tensor<2xf32>' in an iteration}}
  %r = tg.loop %n, %c, %y : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> tensor<1xf32> {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %yi: tensor<1xf32>):
    %z = tg.constant dense<1.0> : tensor<2xf32>
    tg.yield %ci, %z : tensor<i1>, tensor<2xf32>
  }
  return
}

// -----

func.func @loop_body_args(%n: tensor<i64>, %c: tensor<i1>, %y: tensor<1xf32>) {
  // expected-error @+1 {{the body takes the iteration number, the condition and 1 carried values, not 2 arguments}}
  %r = tg.loop %n, %c, %y : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> tensor<1xf32> {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>):
    tg.yield %ci, %y : tensor<i1>, tensor<1xf32>
  }
  return
}

// -----

func.func @loop_yields_too_few(%n: tensor<i64>, %c: tensor<i1>, %y: tensor<1xf32>) {
  // expected-error @+1 {{the body must yield the condition and the 1 carried values first}}
  %r = tg.loop %n, %c, %y : (tensor<i64>, tensor<i1>, tensor<1xf32>) -> tensor<1xf32> {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %yi: tensor<1xf32>):
    tg.yield %ci : tensor<i1>
  }
  return
}

// -----

func.func @sequence_construct_types(%a: tensor<2xf32>, %b: tensor<2xi64>) {
  // expected-error @+2 {{the tensors have different element types}}
  // expected-error @+1 {{failed to infer returned types}}
  %s = "tg.sequence_construct"(%a, %b) : (tensor<2xf32>, tensor<2xi64>) -> !tg.seq<tensor<2xf32>>
  return
}

// -----

func.func @sequence_insert_type(%s: !tg.seq<tensor<2xf32>>, %b: tensor<2xi64>) {
  // expected-error @+2 {{the tensor's element type is not the sequence's}}
  // expected-error @+1 {{failed to infer returned types}}
  %t = "tg.sequence_insert"(%s, %b) : (!tg.seq<tensor<2xf32>>, tensor<2xi64>) -> !tg.seq<tensor<2xf32>>
  return
}

// -----

func.func @sequence_at_position(%s: !tg.seq<tensor<2xf32>>, %i: tensor<2xi64>) {
  // expected-error @+2 {{position must hold one value}}
  // expected-error @+1 {{failed to infer returned types}}
  %x = "tg.sequence_at"(%s, %i) : (!tg.seq<tensor<2xf32>>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

func.func @concat_from_unranked(%s: !tg.seq<tensor<*xf32>>) {
  // expected-error @+2 {{the sequence's tensors must have a known rank}}
  // expected-error @+1 {{failed to infer returned types}}
  %x = "tg.concat_from_sequence"(%s) {axis = 0 : i64} : (!tg.seq<tensor<*xf32>>) -> tensor<?xf32>
  return
}

// -----

func.func @split_to_sequence_axis(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{axis out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %s = "tg.split_to_sequence"(%x) {axis = 2 : i64} : (tensor<2x3xf32>) -> !tg.seq<tensor<2x3xf32>>
  return
}

// -----

func.func @optional_without_type() {
  // expected-error @+2 {{needs a value or a tensor or sequence type}}
  // expected-error @+1 {{failed to infer returned types}}
  %o = "tg.optional"() : () -> !tg.optional<tensor<2xf32>>
  return
}

// -----

func.func @launch_unknown(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tg.launch' op 'nowhere' is not a function}}
  %a = tg.launch @nowhere on "cpu0"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

func.func private @exec(%x: tensor<4xf32>) -> tensor<4xf32> attributes {tg.device = "cpu0"}
func.func @launch_wrong_device(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tg.launch' op 'exec' is not an executable of device 'cpu1'}}
  %a = tg.launch @exec on "cpu1"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

func.func private @exec(%x: tensor<4xf32>) -> tensor<4xf32> attributes {tg.device = "cpu0"}
func.func @launch_wrong_types(%x: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'tg.launch' op types do not match 'exec'}}
  %a = tg.launch @exec on "cpu0"(%x) : (tensor<8xf32>) -> tensor<8xf32>
  return %a : tensor<8xf32>
}

// -----

func.func @transfer_type(%x: tensor<4xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{all of {input, output} have same type}}
  %a = "tg.transfer"(%x) {device = "cpu1"} : (tensor<4xf32>) -> tensor<8xf32>
  return %a : tensor<8xf32>
}
