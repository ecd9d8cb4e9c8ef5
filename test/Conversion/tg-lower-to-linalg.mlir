// RUN: tangram-opt %s -split-input-file -tg-lower-to-linalg | FileCheck %s

// Broadcasting binary ops read the smaller operand through a map.
// CHECK-LABEL: func.func @add_broadcast
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK: arith.addf
func.func @add_broadcast(%x: tensor<2x3xf32>, %y: tensor<3xf32>) -> tensor<2x3xf32> {
  %z = tg.add %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %z : tensor<2x3xf32>
}

// -----

// Unsigned element types become signless; division picks the unsigned form.
// CHECK-LABEL: func.func @div_unsigned
// CHECK-SAME: (%{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK: arith.divui
func.func @div_unsigned(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xui8> {
  %z = tg.div %x, %y : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %z : tensor<4xui8>
}

// -----

// Dynamic dims are read from the operand that has them.
// CHECK-LABEL: func.func @relu_dynamic
// CHECK: tensor.dim
// CHECK: tensor.empty(%{{.*}}) : tensor<?x4xf32>
// CHECK: arith.maximumf
func.func @relu_dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = tg.relu %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_2d
// CHECK: linalg.fill
// CHECK: linalg.matmul
func.func @matmul_2d(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %c = tg.matmul %a, %b : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// -----

// A batched lhs times a 2-D rhs is one 2-D matmul on the folded batch.
// CHECK-LABEL: func.func @matmul_folded_batch
// CHECK: tensor.collapse_shape {{.*}} into tensor<6x8xf32>
// CHECK: linalg.matmul
// CHECK-SAME: -> tensor<6x16xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x3x16xf32>
func.func @matmul_folded_batch(%a: tensor<2x3x8xf32>, %b: tensor<8x16xf32>) -> tensor<2x3x16xf32> {
  %c = tg.matmul %a, %b : (tensor<2x3x8xf32>, tensor<8x16xf32>) -> tensor<2x3x16xf32>
  return %c : tensor<2x3x16xf32>
}

// -----

// Equal static batch dims of rank > 3 (attention heads) fold into one for a
// batch_matmul.
// CHECK-LABEL: func.func @matmul_heads
// CHECK: tensor.collapse_shape {{.*}} into tensor<8x5x3xf32>
// CHECK: tensor.collapse_shape {{.*}} into tensor<8x3x7xf32>
// CHECK: linalg.batch_matmul {{.*}} -> tensor<8x5x7xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<2x4x5x7xf32>
func.func @matmul_heads(%a: tensor<2x4x5x3xf32>, %b: tensor<2x4x3x7xf32>) -> tensor<2x4x5x7xf32> {
  %c = tg.matmul %a, %b : (tensor<2x4x5x3xf32>, tensor<2x4x3x7xf32>) -> tensor<2x4x5x7xf32>
  return %c : tensor<2x4x5x7xf32>
}

// -----

// Broadcast batch dims use a generic contraction.
// CHECK-LABEL: func.func @matmul_broadcast_batch
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
func.func @matmul_broadcast_batch(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32> {
  %c = tg.matmul %a, %b : (tensor<2x1x4x8xf32>, tensor<3x8x5xf32>) -> tensor<2x3x4x5xf32>
  return %c : tensor<2x3x4x5xf32>
}

// -----

// CHECK-LABEL: func.func @conv_2d
// CHECK: tensor.pad
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-SAME: dilations = dense<1> : tensor<2xi64>
// CHECK-SAME: strides = dense<2> : tensor<2xi64>
// CHECK: arith.addf
func.func @conv_2d(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %y = tg.conv %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// Grouped 2-D convolutions are the named op over [N, G, C/G, ...].
// CHECK-LABEL: func.func @conv_grouped
// CHECK: tensor.expand_shape {{.*}} : tensor<1x4x5x5xf32> into tensor<1x4x1x5x5xf32>
// CHECK: tensor.expand_shape {{.*}} : tensor<4x1x3x3xf32> into tensor<4x1x1x3x3xf32>
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK-SAME: -> tensor<1x4x1x3x3xf32>
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x4x3x3xf32>
func.func @conv_grouped(%x: tensor<1x4x5x5xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %y = tg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4 : i64}
      : (tensor<1x4x5x5xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}

// -----

// Grouped 1-D convolutions have no named op: a generic over [N, G, C/G, ...].
// CHECK-LABEL: func.func @conv_grouped_1d
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
func.func @conv_grouped_1d(%x: tensor<1x4x5xf32>, %w: tensor<4x2x3xf32>) -> tensor<1x4x3xf32> {
  %y = tg.conv %x, %w {strides = array<i64: 1>, pads = array<i64: 0, 0>, dilations = array<i64: 1>, group = 2 : i64}
      : (tensor<1x4x5xf32>, tensor<4x2x3xf32>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}

// -----

// Max pooling pads with -inf and reduces over a window operand.
// CHECK-LABEL: func.func @max_pool
// CHECK: tensor.pad
// CHECK: 0xFF800000
// CHECK: linalg.generic
// CHECK: arith.maximumf
func.func @max_pool(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %y = tg.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>}
      : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_mean_keepdims
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK: arith.divf
// CHECK: tensor.expand_shape
// CHECK-SAME: into tensor<2x1xf32>
func.func @reduce_mean_keepdims(%x: tensor<2x5xf32>) -> tensor<2x1xf32> {
  %y = tg.reduce_mean %x {axes = array<i64: 1>, keepdims = true} : tensor<2x5xf32> -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// Softmax: max, exp of the difference, sum, divide.
// CHECK-LABEL: func.func @softmax
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %y = tg.softmax %x {axis = 1 : i64} : tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

// Gathers read the data with tensor.extract at a computed index.
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic
// CHECK: linalg.index
// CHECK: tensor.extract
// CHECK: arith.index_cast
// CHECK: tensor.extract
func.func @gather(%x: tensor<5x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %y = tg.gather %x, %i {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose
// CHECK-SAME: permutation = [1, 0]
func.func @transpose(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %y = tg.transpose %x {perm = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @concat
// CHECK: tensor.empty() : tensor<2x5xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [2, 2] [1, 1]
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 2] [2, 3] [1, 1]
func.func @concat(%a: tensor<2x2xf32>, %b: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %y = tg.concat %a, %b {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x5xf32>
  return %y : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func.func @cast_f32_to_i8
// CHECK: arith.fptosi %{{.*}} : f32 to i8
func.func @cast_f32_to_i8(%x: tensor<3xf32>) -> tensor<3xi8> {
  %y = tg.cast %x {to = i8} : tensor<3xf32> -> tensor<3xi8>
  return %y : tensor<3xi8>
}

// -----

// Resize with constant scales: taps per resized dim, weighted sum.
// CHECK-LABEL: func.func @resize_linear
// CHECK: linalg.generic
// CHECK: math.floor
// CHECK: tensor.extract
// CHECK: arith.mulf
func.func @resize_linear(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %s = tg.constant dense<[1.0, 1.0, 2.0, 2.0]> : tensor<4xf32>
  %z = tg.constant dense<> : tensor<0xi64>
  %y = tg.resize %x, %s, %z {mode = "linear"} : (tensor<1x1x2x2xf32>, tensor<4xf32>, tensor<0xi64>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Einsum is one generic: output labels parallel, summed labels reduction.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @einsum_bmm
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @einsum_bmm(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %c = tg.einsum %a, %b {equation = "bij,bjk->bik"} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %c : tensor<2x3x5xf32>
}

// -----

// One input sums; an implicit output keeps the labels seen once, sorted.
// CHECK-LABEL: func.func @einsum_implicit_sum
// CHECK: iterator_types = ["parallel", "reduction"]
// CHECK-NOT: arith.mulf
// CHECK: arith.addf
func.func @einsum_implicit_sum(%a: tensor<3x3x4xf32>) -> tensor<4xf32> {
  %c = tg.einsum %a {equation = "iij"} : (tensor<3x3x4xf32>) -> tensor<4xf32>
  return %c : tensor<4xf32>
}

// -----

// Run-time dims (maxvit_t's attention with a run-time batch): each label's
// size is one of its run-time dims, the others checked equal to it; the
// output's run-time dims come from them. A static 1 still broadcasts.
// CHECK-LABEL: func.func @einsum_dynamic
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[B:.*]] = tensor.dim %arg0, %[[C0]] : tensor<?x3x4xf32>
// CHECK: cf.assert {{.*}} "tg.einsum: the dims of one label differ"
// CHECK: tensor.empty(%[[B]]) : tensor<?x3x5xf32>
// CHECK: linalg.generic
func.func @einsum_dynamic(%a: tensor<?x3x4xf32>, %b: tensor<?x4x5xf32>) -> tensor<?x3x5xf32> {
  %c = tg.einsum %a, %b {equation = "bij,bjk->bik"} : (tensor<?x3x4xf32>, tensor<?x4x5xf32>) -> tensor<?x3x5xf32>
  return %c : tensor<?x3x5xf32>
}

// -----

// Ops whose lowering once needed static shapes, over run-time dims (a
// causal mask over a run-time sequence, an argmax and a cumsum over run-time
// rows, a quantized model with a run-time batch): each result is sized by
// the input's dims.
// CHECK-LABEL: func.func @runtime_dims
// CHECK: %[[N:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x?xf32>
// CHECK: %[[T:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x?xf32>
// CHECK: tensor.empty(%[[N]], %[[T]]) : tensor<?x?xf32>
// CHECK: tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK: tensor.empty(%{{.*}}) : tensor<?xi64>
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xi8>
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK-NOT: lowering needs
func.func @runtime_dims(%x: tensor<?x?xf32>, %k: tensor<i64>) -> (tensor<?x?xf32>, tensor<?xi64>, tensor<?x?xf32>, tensor<?x?xf32>) {
  %z = tg.constant dense<3> : tensor<ui8>
  %s = tg.constant dense<5.000000e-01> : tensor<f32>
  %u = tg.trilu %x, %k : (tensor<?x?xf32>, tensor<i64>) -> tensor<?x?xf32>
  %a = tg.argmax %x {axis = 1 : i64, keepdims = false} : tensor<?x?xf32> -> tensor<?xi64>
  %c = tg.cumsum %x {axis = 1 : i64} : tensor<?x?xf32>
  %q = tg.quantize_linear %x, %s, %z : (tensor<?x?xf32>, tensor<f32>, tensor<ui8>) -> tensor<?x?xui8>
  %d = tg.dequantize_linear %q, %s, %z : (tensor<?x?xui8>, tensor<f32>, tensor<ui8>) -> tensor<?x?xf32>
  return %u, %a, %c, %d : tensor<?x?xf32>, tensor<?xi64>, tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

// DepthToSpace and SpaceToDepth over a run-time batch and image: the
// channels stay static, the spatial dims are the input's times or over the
// block size.
// CHECK-LABEL: func.func @blocks_runtime_dims
// CHECK: %[[H:.*]] = tensor.dim %arg0, %c2 : tensor<?x8x?x?xf32>
// CHECK: arith.muli %[[H]], %{{.*}} : index
// CHECK: tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x2x?x?xf32>
// CHECK: arith.divui
// CHECK: tensor.empty(%{{.*}}, %{{.*}}, %{{.*}}) : tensor<?x32x?x?xf32>
func.func @blocks_runtime_dims(%x: tensor<?x8x?x?xf32>) -> (tensor<?x2x?x?xf32>, tensor<?x32x?x?xf32>) {
  %s = tg.depth_to_space %x {blocksize = 2 : i64} : tensor<?x8x?x?xf32> -> tensor<?x2x?x?xf32>
  %d = tg.space_to_depth %x {blocksize = 2 : i64} : tensor<?x8x?x?xf32> -> tensor<?x32x?x?xf32>
  return %s, %d : tensor<?x2x?x?xf32>, tensor<?x32x?x?xf32>
}

// -----

// Scatters are loops over the updates carrying the result: the target
// element is read (to combine), then inserted.
// CHECK-LABEL: func.func @scatter_elements_add
// CHECK: scf.for {{.*}} iter_args(%[[T0:.*]] = %arg0)
// CHECK: scf.for {{.*}} iter_args(%[[T1:.*]] = %[[T0]])
// CHECK: tensor.extract %arg1
// CHECK: arith.index_cast
// CHECK: arith.select
// CHECK: %[[U:.*]] = tensor.extract %arg2
// CHECK: %[[C:.*]] = tensor.extract %[[T1]]
// CHECK: %[[S:.*]] = arith.addf %[[C]], %[[U]]
// CHECK: tensor.insert %[[S]] into %[[T1]]
func.func @scatter_elements_add(%x: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %y = tg.scatter_elements %x, %i, %u {axis = 0 : i64, reduction = "add"}
      : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %y : tensor<3x3xf32>
}

// -----

// CHECK-LABEL: func.func @scatter_nd
// CHECK: scf.for
// CHECK-NOT: arith.addf
// CHECK: tensor.insert
func.func @scatter_nd(%x: tensor<8xf32>, %i: tensor<4x1xi64>, %u: tensor<4xf32>) -> tensor<8xf32> {
  %y = tg.scatter_nd %x, %i, %u {reduction = "none"} : (tensor<8xf32>, tensor<4x1xi64>, tensor<4xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Run-time dims: the loops run to the updates' dims, each index is checked
// against data's run-time dim, and the shapes are checked to agree.
// CHECK-LABEL: func.func @scatter_nd_dynamic
// CHECK: cf.assert {{.*}} "ScatterND: updates and indices differ in shape"
// CHECK: cf.assert {{.*}} "ScatterND: updates and data differ in shape"
// CHECK: scf.for
// CHECK: scf.for
// CHECK: cf.assert {{.*}} "ScatterND: an index is out of range"
// CHECK: tensor.insert
func.func @scatter_nd_dynamic(%x: tensor<?x?xf32>, %i: tensor<?x1xi64>, %u: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = tg.scatter_nd %x, %i, %u {reduction = "none"} : (tensor<?x?xf32>, tensor<?x1xi64>, tensor<?x?xf32>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// A saturating cast to an 8-bit float clamps to its largest finite value
// (448 for E4M3FN) before rounding; without saturate it only rounds.
// CHECK-LABEL: func.func @cast_float8
// CHECK: arith.minimumf %{{.*}}, %{{.*}} : f32
// CHECK: arith.maximumf
// CHECK: arith.truncf %{{.*}} : f32 to f8E4M3FN
// CHECK-NOT: arith.minimumf
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f8E5M2
func.func @cast_float8(%x: tensor<4xf32>, %h: tensor<4xf16>) -> (tensor<4xf8E4M3FN>, tensor<4xf8E5M2>) {
  %a = tg.cast %x {to = f8E4M3FN} : tensor<4xf32> -> tensor<4xf8E4M3FN>
  %b = tg.cast %h {to = f8E5M2, saturate = false} : tensor<4xf16> -> tensor<4xf8E5M2>
  return %a, %b : tensor<4xf8E4M3FN>, tensor<4xf8E5M2>
}

// -----

// TopK ranks every element along the axis (how many beat it, ties by
// index), then places those of rank < k; a k given at run time sizes the
// results.
// CHECK-LABEL: func.func @topk
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpi ult
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.if
// CHECK: tensor.insert
// CHECK: tensor.insert
func.func @topk(%x: tensor<3x4xf32>) -> (tensor<3x2xf32>, tensor<3x2xi64>) {
  %k = tg.constant dense<2> : tensor<1xi64>
  %v, %i = tg.topk %x, %k {axis = 1 : i64} : (tensor<3x4xf32>, tensor<1xi64>) -> (tensor<3x2xf32>, tensor<3x2xi64>)
  return %v, %i : tensor<3x2xf32>, tensor<3x2xi64>
}

// -----

// CHECK-LABEL: func.func @topk_runtime_k
// CHECK: %[[K:.*]] = tensor.extract %arg1
// CHECK: arith.minsi %[[K]]
// CHECK: tensor.empty(%{{.*}}) : tensor<?xf32>
func.func @topk_runtime_k(%x: tensor<5xf32>, %k: tensor<1xi64>) -> (tensor<?xf32>, tensor<?xi64>) {
  %v, %i = tg.topk %x, %k {axis = 0 : i64, largest = false} : (tensor<5xf32>, tensor<1xi64>) -> (tensor<?xf32>, tensor<?xi64>)
  return %v, %i : tensor<?xf32>, tensor<?xi64>
}

// -----

// Over run-time dims (a detector's scores of a run-time number of boxes):
// k is checked against the run-time axis length, the other dims come from
// the input, and the loops run to its dims.
// CHECK-LABEL: func.func @topk_runtime_dims
// CHECK: %[[N:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x?xf32>
// CHECK: cf.assert {{.*}} "TopK: k is not in [0, the axis length]"
// CHECK: %[[B:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x?xf32>
// CHECK: tensor.empty(%[[B]]) : tensor<?x2xf32>
func.func @topk_runtime_dims(%x: tensor<?x?xf32>) -> (tensor<?x2xf32>, tensor<?x2xi64>) {
  %k = tg.constant dense<2> : tensor<1xi64>
  %v, %i = tg.topk %x, %k {axis = 1 : i64} : (tensor<?x?xf32>, tensor<1xi64>) -> (tensor<?x2xf32>, tensor<?x2xi64>)
  return %v, %i : tensor<?x2xf32>, tensor<?x2xi64>
}

// -----

// Run-time axes: a checked bit mask picks one of the static reductions
// (here C(3, 1) = 3 cases: masks 1, 2, 4).
// CHECK-LABEL: func.func @reduce_runtime_axes
// CHECK: tensor.extract %arg1
// CHECK: arith.shli
// CHECK: cf.assert {{.*}} "tg.reduce_sum: the axes are out of range or repeated"
// CHECK: scf.index_switch
// CHECK: case 2 {
// CHECK: linalg.generic
// CHECK: tensor.cast {{.*}} : tensor<2x1x4xf32> to tensor<?x?x?xf32>
// CHECK: case 4 {
// CHECK: default {
func.func @reduce_runtime_axes(%x: tensor<2x3x4xf32>, %a: tensor<1xi64>) -> tensor<?x?x?xf32> {
  %y = tg.reduce_sum %x axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<2x3x4xf32> -> tensor<?x?x?xf32>
  return %y : tensor<?x?x?xf32>
}

// -----

// Sizes given at run time: the output dims and the per-dim scales are
// computed once from the tensor, then the same index generic runs.
// CHECK-LABEL: func.func @resize_runtime_sizes
// CHECK: %[[N:.*]] = tensor.extract %arg1
// CHECK: arith.sitofp %[[N]]
// CHECK: arith.divf
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<1x1x?x?xf32>
// CHECK: linalg.generic
// CHECK: math.floor
func.func @resize_runtime_sizes(%x: tensor<1x1x2x2xf32>, %sizes: tensor<4xi64>) -> tensor<1x1x?x?xf32> {
  %scales = tg.constant dense<> : tensor<0xf32>
  %y = tg.resize %x, %scales, %sizes {mode = "nearest", coordinate_transformation_mode = "asymmetric", nearest_mode = "floor"}
      : (tensor<1x1x2x2xf32>, tensor<0xf32>, tensor<4xi64>) -> tensor<1x1x?x?xf32>
  return %y : tensor<1x1x?x?xf32>
}

// -----

// Squeeze with run-time axes: only the subsets of size-1 dims are cases
// (here dims 0 and 2: masks 1, 4), and the check includes that.
// CHECK-LABEL: func.func @squeeze_runtime_axes
// CHECK: arith.cmpi eq
// CHECK: cf.assert {{.*}} "tg.squeeze: the axes are out of range, repeated or name dims that are not 1"
// CHECK: scf.index_switch
// CHECK: case 4 {
// CHECK: tensor.collapse_shape
// CHECK: tensor.cast {{.*}} : tensor<1x3xf32> to tensor<?x?xf32>
// CHECK: default {
// CHECK: tensor.cast {{.*}} : tensor<3x1xf32> to tensor<?x?xf32>
func.func @squeeze_runtime_axes(%x: tensor<1x3x1xf32>, %a: tensor<1xi64>) -> tensor<?x?xf32> {
  %y = tg.squeeze %x axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<1x3x1xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// Run-time axes over run-time dims: each case reduces static axes of the
// run-time input and its result (run-time dims kept) is cast to the
// result type; so does unsqueeze's.
// CHECK-LABEL: func.func @runtime_axes_runtime_dims
// CHECK: scf.index_switch
// CHECK: case 2 {
// CHECK: tensor.dim %arg0
// CHECK: linalg.generic
// CHECK: tensor.cast {{.*}} : tensor<?x1x?xf32> to tensor<?x?x?xf32>
// CHECK: scf.index_switch
// CHECK: tensor.cast {{.*}} : tensor<?x1xf32> to tensor<?x?xf32>
func.func @runtime_axes_runtime_dims(%x: tensor<?x3x?xf32>, %a: tensor<1xi64>, %v: tensor<?xf32>) -> (tensor<?x?x?xf32>, tensor<?x?xf32>) {
  %y = tg.reduce_sum %x axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<?x3x?xf32> -> tensor<?x?x?xf32>
  %u = tg.unsqueeze %v axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<?xf32> -> tensor<?x?xf32>
  return %y, %u : tensor<?x?x?xf32>, tensor<?x?xf32>
}

// -----

// Unsqueeze with run-time axes: one case per position of the new dim.
// CHECK-LABEL: func.func @unsqueeze_runtime_axes
// CHECK: cf.assert {{.*}} "tg.unsqueeze: the axes are out of range or repeated"
// CHECK: scf.index_switch
// CHECK: case 2 {
// CHECK: tensor.cast {{.*}} : tensor<3x1xf32> to tensor<?x?xf32>
// CHECK: default {
// CHECK: tensor.cast {{.*}} : tensor<1x3xf32> to tensor<?x?xf32>
func.func @unsqueeze_runtime_axes(%x: tensor<3xf32>, %a: tensor<1xi64>) -> tensor<?x?xf32> {
  %y = tg.unsqueeze %x axes(%a : tensor<1xi64>) {axes = array<i64>} : tensor<3xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// Split with run-time sizes: checked, then sliced at their running sum.
// CHECK-LABEL: func.func @split_runtime_sizes
// CHECK: cf.assert {{.*}} "tg.split: the sizes are negative or do not add up to the axis dim"
// CHECK: %[[A:.*]] = tensor.extract_slice %arg0[0, %{{.*}}] [2, %{{.*}}] [1, 1] : tensor<2x6xf32> to tensor<2x?xf32>
// CHECK: %[[B:.*]] = tensor.extract_slice %arg0[0, %{{.*}}] [2, %{{.*}}] [1, 1] : tensor<2x6xf32> to tensor<2x?xf32>
// CHECK: return %[[A]], %[[B]]
func.func @split_runtime_sizes(%x: tensor<2x6xf32>, %s: tensor<2xi64>) -> (tensor<2x?xf32>, tensor<2x?xf32>) {
  %a, %b = tg.split %x sizes(%s : tensor<2xi64>) {axis = 1 : i64, sizes = array<i64>} : tensor<2x6xf32> -> tensor<2x?xf32>, tensor<2x?xf32>
  return %a, %b : tensor<2x?xf32>, tensor<2x?xf32>
}

// -----

// A seeded draw: a pure function of the seed and the element position.
// CHECK-LABEL: func.func @random_uniform_seeded
// CHECK-NOT: memref.atomic_rmw
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: arith.xori
// CHECK: arith.uitofp {{.*}} : i64 to f64
// CHECK: arith.truncf {{.*}} : f64 to f32
func.func @random_uniform_seeded() -> tensor<4xf32> {
  %s = tg.constant dense<4> : tensor<1xi64>
  %r = tg.random_uniform %s {dtype = f32, low = 0.0 : f32, high = 1.0 : f32, seed = 3.0 : f32} : tensor<1xi64> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Unseeded draws take their stream from the module's draw counter, one
// atomic add per draw; a normal draw is Box-Muller on two uniforms.
// CHECK: memref.global "private" @__tg_random_draws : memref<i64> = dense<0>
// CHECK-LABEL: func.func @random_unseeded
// CHECK: memref.get_global @__tg_random_draws
// CHECK: memref.atomic_rmw addi
// CHECK: memref.atomic_rmw addi
// CHECK: math.log
// CHECK: math.cos
func.func @random_unseeded() -> (tensor<4xf64>, tensor<4xf64>) {
  %s = tg.constant dense<4> : tensor<1xi64>
  %a = tg.random_uniform %s {dtype = f64, low = 0.0 : f32, high = 1.0 : f32} : tensor<1xi64> -> tensor<4xf64>
  %b = tg.random_normal %s {dtype = f64, mean = 0.0 : f32, scale = 1.0 : f32} : tensor<1xi64> -> tensor<4xf64>
  return %a, %b : tensor<4xf64>, tensor<4xf64>
}

// -----

// tg.if: scf.if on the extracted condition; a branch value whose dims
// differ from the result's is cast.
// CHECK-LABEL: func.func @if_lowering
// CHECK: %[[C:.*]] = tensor.extract %arg0[] : tensor<i1>
// CHECK: scf.if %[[C]] -> (tensor<?xf32>) {
// CHECK: tensor.cast {{.*}} : tensor<2xf32> to tensor<?xf32>
// CHECK: scf.yield
// CHECK: } else {
// CHECK: tensor.cast {{.*}} : tensor<3xf32> to tensor<?xf32>
func.func @if_lowering(%c: tensor<i1>) -> tensor<?xf32> {
  %r = tg.if %c : tensor<i1> -> tensor<?xf32> {
    %a = tg.constant dense<1.0> : tensor<2xf32>
    tg.yield %a : tensor<2xf32>
  } else {
    %b = tg.constant dense<2.0> : tensor<3xf32>
    tg.yield %b : tensor<3xf32>
  }
  return %r : tensor<?xf32>
}

// -----

// tg.loop: scf.while over (i, cond, carried, scan accumulator); the scan
// accumulator grows by doubling and is checked for a constant row shape.
// CHECK-LABEL: func.func @loop_lowering
// CHECK: scf.while
// CHECK: arith.cmpi slt
// CHECK: scf.condition
// CHECK: } do {
// CHECK: tensor.from_elements
// CHECK: linalg.generic
// CHECK: scf.if
// CHECK: tensor.empty
// CHECK: cf.assert {{.*}} "tg.loop: a scan output changes shape between iterations"
// CHECK: tensor.insert_slice
// CHECK: scf.yield
// CHECK: tensor.extract_slice
func.func @loop_lowering(%n: tensor<i64>, %c: tensor<i1>, %y0: tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>) {
  %y, %s = tg.loop %n, %c, %y0 : (tensor<i64>, tensor<i1>, tensor<2xf32>) -> (tensor<2xf32>, tensor<?x2xf32>) {
  ^bb0(%i: tensor<i64>, %ci: tensor<i1>, %yi: tensor<2xf32>):
    %y1 = tg.add %yi, %y0 : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    tg.yield %ci, %y1, %y1 : tensor<i1>, tensor<2xf32>, tensor<2xf32>
  }
  return %y, %s : tensor<2xf32>, tensor<?x2xf32>
}

// -----

// Pads known at run time: output dims n + begin + end (checked), gathered.
// CHECK-LABEL: func.func @pad_runtime
// CHECK: cf.assert {{.*}} "tg.pad: the pads crop more than the input holds"
// CHECK: tensor.empty(%{{.*}}) : tensor<?xf32>
// CHECK: linalg.generic
func.func @pad_runtime(%x: tensor<4xf32>, %p: tensor<2xi64>) -> tensor<?xf32> {
  %v = tg.constant dense<0.0> : tensor<f32>
  %y = tg.pad %x, %p, %v : (tensor<4xf32>, tensor<2xi64>, tensor<f32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// An input with run-time dims (swin_t's window padding with a run-time
// image): output dims n + begin + end, checked; in constant mode the input
// is read only inside it (it may be empty), in reflect mode an empty input
// fails the run and the period 2n - 2 is computed from the run-time n.
// CHECK-LABEL: func.func @pad_dynamic_input
// CHECK: tensor.dim %{{.*}}, %{{.*}} : tensor<?x3xf32>
// CHECK: cf.assert {{.*}} "tg.pad: the pads crop more than the input holds"
// CHECK: tensor.empty(%{{.*}}) : tensor<?x6xf32>
// CHECK: linalg.generic
// CHECK: scf.if
// CHECK: tensor.extract
// CHECK: } else {
// CHECK: cf.assert {{.*}} "tg.pad: cannot pad an empty tensor in mode reflect"
// CHECK: linalg.generic
// CHECK: arith.remsi
// CHECK-NOT: scf.if
// CHECK: return
func.func @pad_dynamic_input(%x: tensor<?x3xf32>) -> (tensor<?x6xf32>, tensor<?x6xf32>) {
  %v = tg.constant dense<0.0> : tensor<f32>
  %p = tg.constant dense<[1, 1, 2, 2]> : tensor<4xi64>
  %y = tg.pad %x, %p, %v : (tensor<?x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<?x6xf32>
  %z = tg.pad %x, %p, %v {mode = "reflect"} : (tensor<?x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<?x6xf32>
  return %y, %z : tensor<?x6xf32>, tensor<?x6xf32>
}

// -----

// A slice that starts at the end ([2:] of a 2-element shape) is empty; its
// offset is 0, which tensor.extract_slice's verifier accepts.
// CHECK-LABEL: func.func @slice_empty_from_end
// CHECK: tensor.extract_slice %{{.*}}[0] [0] [1] : tensor<2xi64> to tensor<0xi64>
func.func @slice_empty_from_end(%x: tensor<2xi64>) -> tensor<0xi64> {
  %s = tg.constant dense<2> : tensor<1xi64>
  %e = tg.constant dense<9223372036854775807> : tensor<1xi64>
  %a = tg.constant dense<0> : tensor<1xi64>
  %st = tg.constant dense<1> : tensor<1xi64>
  %y = tg.slice %x, %s, %e, %a, %st : (tensor<2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<0xi64>
  return %y : tensor<0xi64>
}

// -----

// Starts, ends, axes and steps at run time: ONNX clamping in index math,
// each entry applied to the dim its axis names.
// CHECK-LABEL: func.func @slice_runtime
// CHECK: arith.divsi
// CHECK: cf.assert {{.*}} "tg.slice: an axis is out of range or a step is 0"
// CHECK: tensor.empty(%{{.*}}, %{{.*}}) : tensor<?x?xf32>
// CHECK: linalg.generic
// CHECK: tensor.cast {{.*}} : tensor<?x?xf32> to tensor<?x?xf32>
func.func @slice_runtime(%x: tensor<3x4xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %a: tensor<1xi64>, %st: tensor<1xi64>) -> tensor<?x?xf32> {
  %y = tg.slice %x, %s, %e, %a, %st : (tensor<3x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

// GridSample: one index generic; linear 2-D sums 4 taps, each masked when
// outside the image (zeros padding).
// CHECK-LABEL: func.func @grid_sample_linear
// CHECK: linalg.generic
// CHECK-COUNT-4: tensor.extract %arg0
// CHECK: linalg.yield
func.func @grid_sample_linear(%x: tensor<1x1x4x4xf32>, %g: tensor<1x2x3x2xf32>) -> tensor<1x1x2x3xf32> {
  %y = tg.grid_sample %x, %g : (tensor<1x1x4x4xf32>, tensor<1x2x3x2xf32>) -> tensor<1x1x2x3xf32>
  return %y : tensor<1x1x2x3xf32>
}

// -----

// Dynamic batch and spatial dims: output sizes come from the padded input's
// run-time sizes; a window larger than the input is a run-time error.
// CHECK-LABEL: func.func @conv_dynamic
// CHECK: tensor.pad
// CHECK: tensor.dim
// CHECK: cf.assert {{.*}} "Conv: the input is smaller than the window"
// CHECK: tensor.empty({{.*}}) : tensor<?x4x?x?xf32>
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-SAME: -> tensor<?x4x?x?xf32>
func.func @conv_dynamic(%x: tensor<?x3x?x?xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x?x?xf32> {
  %y = tg.conv %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<?x3x?x?xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x?x?xf32>
  return %y : tensor<?x4x?x?xf32>
}

// -----

// A depthwise convolution of run-time size keeps the named grouped form.
// CHECK-LABEL: func.func @conv_grouped_dynamic
// CHECK: tensor.expand_shape {{.*}} : tensor<?x4x?x?xf32> into tensor<?x4x1x?x?xf32>
// CHECK: linalg.conv_2d_ngchw_gfchw
// CHECK: tensor.collapse_shape {{.*}} into tensor<?x4x?x?xf32>
func.func @conv_grouped_dynamic(%x: tensor<?x4x?x?xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<?x4x?x?xf32> {
  %y = tg.conv %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 4 : i64}
      : (tensor<?x4x?x?xf32>, tensor<4x1x3x3xf32>) -> tensor<?x4x?x?xf32>
  return %y : tensor<?x4x?x?xf32>
}

// -----

// Pools over run-time sizes: the ceil_mode tail padding is computed.
// CHECK-LABEL: func.func @max_pool_dynamic
// CHECK: arith.divui
// CHECK: tensor.pad {{.*}} low[0, 0, 0, 0] high[0, 0, %{{.*}}, %{{.*}}]
// CHECK: linalg.generic
// CHECK: -> tensor<?x2x?x?xf32>
func.func @max_pool_dynamic(%x: tensor<?x2x?x?xf32>) -> tensor<?x2x?x?xf32> {
  %y = tg.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true} : tensor<?x2x?x?xf32> -> tensor<?x2x?x?xf32>
  return %y : tensor<?x2x?x?xf32>
}

// -----

// Average pooling's divisor is pooled from a mask of the run-time size.
// CHECK-LABEL: func.func @avg_pool_dynamic
// CHECK: linalg.fill {{.*}} -> tensor<1x1x?x?xf32>
// CHECK: arith.divf
func.func @avg_pool_dynamic(%x: tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32> {
  %y = tg.avg_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x2x?x?xf32> -> tensor<1x2x?x?xf32>
  return %y : tensor<1x2x?x?xf32>
}

// -----

// A mean over run-time dims divides by their run-time product; keepdims is
// an expand_shape.
// CHECK-LABEL: func.func @reduce_mean_dynamic
// CHECK: linalg.generic
// CHECK: arith.muli
// CHECK: arith.uitofp
// CHECK: arith.divf
// CHECK: tensor.expand_shape {{.*}} into tensor<?x8x1x1xf32>
func.func @reduce_mean_dynamic(%x: tensor<?x8x?x?xf32>) -> tensor<?x8x1x1xf32> {
  %y = tg.reduce_mean %x {axes = array<i64: 2, 3>, keepdims = true} : tensor<?x8x?x?xf32> -> tensor<?x8x1x1xf32>
  return %y : tensor<?x8x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @softmax_dynamic
// CHECK: tensor.empty({{.*}}) : tensor<?x?xf32>
// CHECK: math.exp
// CHECK: arith.divf
func.func @softmax_dynamic(%x: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %y = tg.softmax %x {axis = 2 : i64} : tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// CHECK-LABEL: func.func @layer_norm_dynamic
// CHECK: math.sqrt
func.func @layer_norm_dynamic(%x: tensor<?x?x16xf32>, %s: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %y = tg.layer_norm %x, %s, %b {axis = 2 : i64, epsilon = 1.0e-5 : f32} : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// Flatten of run-time dims is a collapse; a reshape whose shape is data
// but whose types line up is a view checked against the shape tensor.
// CHECK-LABEL: func.func @reshape_dynamic
// CHECK: tensor.collapse_shape {{.*}} into tensor<?x?xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<?x?x4x2xf32>
// CHECK: cf.assert {{.*}} "Reshape: the shape tensor does not fit the input"
func.func @reshape_dynamic(%x: tensor<?x8x?xf32>, %y: tensor<?x?x8xf32>, %s: tensor<4xi64>) -> (tensor<?x?xf32>, tensor<?x?x4x2xf32>) {
  %f = tg.flatten %x {axis = 1 : i64} : tensor<?x8x?xf32> -> tensor<?x?xf32>
  %r = tg.reshape %y, %s : (tensor<?x?x8xf32>, tensor<4xi64>) -> tensor<?x?x4x2xf32>
  return %f, %r : tensor<?x?xf32>, tensor<?x?x4x2xf32>
}

// -----

// A reshape between equal types with two run-time dims is not the identity:
// a ViT's [S, B, 384] to [S, B * 6, 64] with a run-time batch is
// [197, ?, ?] to [197, ?, ?]. It reshapes to the shape tensor's dims.
// CHECK-LABEL: func.func @reshape_same_type_dynamic
// CHECK: tensor.reshape %arg0(%{{.*}}) : (tensor<197x?x?xf32>, tensor<3xi64>) -> tensor<197x?x?xf32>
// CHECK-NOT: "Reshape: the shape tensor does not fit the input"
func.func @reshape_same_type_dynamic(%x: tensor<197x?x?xf32>, %s: tensor<3xi64>) -> tensor<197x?x?xf32> {
  %r = tg.reshape %x, %s : (tensor<197x?x?xf32>, tensor<3xi64>) -> tensor<197x?x?xf32>
  return %r : tensor<197x?x?xf32>
}

// -----

// Concat of run-time sizes: the axis offset is a sum of dims, the other dims
// must agree at run time.
// CHECK-LABEL: func.func @concat_dynamic
// CHECK: cf.assert {{.*}} "Concat: the inputs' dims off the axis disagree"
// CHECK: tensor.insert_slice
// CHECK: tensor.insert_slice {{.*}}[0, 2, 0]
func.func @concat_dynamic(%a: tensor<?x2x?xf32>, %b: tensor<?x3x?xf32>) -> tensor<?x5x?xf32> {
  %y = tg.concat %a, %b {axis = 1 : i64} : (tensor<?x2x?xf32>, tensor<?x3x?xf32>) -> tensor<?x5x?xf32>
  return %y : tensor<?x5x?xf32>
}

// -----

// Shape of a run-time shaped tensor reads tensor.dim; Shape -> Gather ->
// ConstantOfShape / Range / Expand / Tile size their results at run time.
// CHECK-LABEL: func.func @shape_chain_dynamic
// CHECK: tensor.dim
// CHECK: tensor.from_elements {{.*}} : tensor<2xi64>
// CHECK: cf.assert {{.*}} "ConstantOfShape: a dim is negative"
// CHECK: linalg.fill {{.*}} -> tensor<?x?xf32>
// CHECK: cf.assert {{.*}} "Range: delta is 0"
// CHECK: arith.ceildivsi %{{.*}}, %{{.*}} : i64
// CHECK: arith.maxsi %{{.*}}, %{{.*}} : i64
// CHECK-NOT: math.ceil
// CHECK: cf.assert {{.*}} "Expand: the input's dim does not match the shape"
// CHECK: cf.assert {{.*}} "Tile: a repeat count is negative"
func.func @shape_chain_dynamic(%x: tensor<?x?xf32>, %n: tensor<i64>, %r: tensor<2xi64>) -> (tensor<?x?xf32>, tensor<?xi64>, tensor<?x?xf32>, tensor<?x?xf32>) {
  %s = tg.shape %x {start = 0 : i64, end = 2 : i64} : tensor<?x?xf32> -> tensor<2xi64>
  %c = tg.constant_of_shape %s {value = dense<1.0> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<?x?xf32>
  %zero = tg.constant dense<0> : tensor<i64>
  %one = tg.constant dense<1> : tensor<i64>
  %rg = tg.range %zero, %n, %one : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %e = tg.expand %x, %r : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %t = tg.tile %x, %r : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %c, %rg, %e, %t : tensor<?x?xf32>, tensor<?xi64>, tensor<?x?xf32>, tensor<?x?xf32>
}

// -----

// A gather from a run-time sized dim checks indices against that size.
// CHECK-LABEL: func.func @gather_dynamic
// CHECK: tensor.dim
// CHECK: linalg.generic
// CHECK: cf.assert {{.*}} "Gather: an index is out of range"
// CHECK: -> tensor<?x?x8xf32>
func.func @gather_dynamic(%d: tensor<?x8xf32>, %i: tensor<?x?xi64>) -> tensor<?x?x8xf32> {
  %y = tg.gather %d, %i {axis = 0 : i64} : (tensor<?x8xf32>, tensor<?x?xi64>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

// Slicing a run-time sized dim clamps at run time; untouched dynamic dims
// keep their size in an extract_slice.
// CHECK-LABEL: func.func @slice_dynamic
// CHECK: tensor.extract_slice {{.*}} : tensor<?x8xf32> to tensor<?x4xf32>
// CHECK: arith.minsi
// CHECK: linalg.generic
func.func @slice_dynamic(%x: tensor<?x8xf32>) -> (tensor<?x4xf32>, tensor<?x8xf32>) {
  %st = tg.constant dense<[2]> : tensor<1xi64>
  %en = tg.constant dense<[6]> : tensor<1xi64>
  %a1 = tg.constant dense<[1]> : tensor<1xi64>
  %a0 = tg.constant dense<[0]> : tensor<1xi64>
  %sp = tg.constant dense<[1]> : tensor<1xi64>
  %y = tg.slice %x, %st, %en, %a1, %sp : (tensor<?x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x4xf32>
  %z = tg.slice %x, %st, %en, %a0, %sp : (tensor<?x8xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x8xf32>
  return %y, %z : tensor<?x4xf32>, tensor<?x8xf32>
}

// -----

// Elementwise operands with run-time dims: the result takes the first
// operand's size, the other operand's dims are checked against it.
// CHECK-LABEL: func.func @add_dynamic
// CHECK: tensor.dim %arg0
// CHECK: tensor.dim %arg1
// CHECK: cf.assert {{.*}} "Broadcast: operands' dims known only at run time disagree (a run-time 1 does not broadcast)"
// CHECK: linalg.generic
func.func @add_dynamic(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %z = tg.add %x, %y : (tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %z : tensor<?x4xf32>
}

// -----

// NonZero counts first, allocates [rank, count] and fills it in one pass.
// CHECK-LABEL: func.func @nonzero
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]
// CHECK: tensor.empty(%{{.*}}) : tensor<2x?xi64>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.if
// CHECK: tensor.insert
func.func @nonzero(%x: tensor<?x3xf32>) -> tensor<2x?xi64> {
  %i = tg.nonzero %x : tensor<?x3xf32> -> tensor<2x?xi64>
  return %i : tensor<2x?xi64>
}

// -----

// Compress keeps the slices whose condition entry is true, in one pass.
// CHECK-LABEL: func.func @compress
// CHECK: arith.minui
// CHECK: tensor.empty(%{{.*}}) : tensor<?x2xf32>
// CHECK: scf.for
// CHECK: tensor.insert_slice
func.func @compress(%x: tensor<3x2xf32>, %c: tensor<?xi1>) -> tensor<?x2xf32> {
  %y = tg.compress %x, %c {axis = 0 : i64} : (tensor<3x2xf32>, tensor<?xi1>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// OneHot with a depth known only at run time sizes its axis from it.
// CHECK-LABEL: func.func @one_hot_dynamic_depth
// CHECK: tensor.extract %arg1
// CHECK: arith.maxsi
// CHECK: tensor.empty(%{{.*}}) : tensor<3x?xf32>
func.func @one_hot_dynamic_depth(%i: tensor<3xi64>, %d: tensor<i64>, %v: tensor<2xf32>) -> tensor<3x?xf32> {
  %y = tg.one_hot %i, %d, %v {axis = 1 : i64} : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x?xf32>
  return %y : tensor<3x?xf32>
}

// -----

// Run-time batch dims keep the microkernel forms: [B, S, K] x [K, N] folds
// B and S into the rows of one matmul (two dynamic dims in one group come
// back by tensor.reshape), and attention's [B, H, S, D] x [B, H, D, T]
// folds B and H for a batch_matmul, B checked equal at run time.
// CHECK-LABEL: func.func @matmul_dynamic_batch
// CHECK: tensor.collapse_shape {{.*}} into tensor<?x8xf32>
// CHECK: linalg.matmul
// CHECK: tensor.reshape {{.*}} -> tensor<?x?x16xf32>
// CHECK: cf.assert {{.*}} "MatMul: the operands' batch dims disagree"
// CHECK: tensor.collapse_shape {{.*}} into tensor<?x?x3xf32>
// CHECK: linalg.batch_matmul
// CHECK: tensor.expand_shape {{.*}} into tensor<?x4x?x?xf32>
func.func @matmul_dynamic_batch(%a: tensor<?x?x8xf32>, %b: tensor<8x16xf32>, %q: tensor<?x4x?x3xf32>, %k: tensor<?x4x3x?xf32>) -> (tensor<?x?x16xf32>, tensor<?x4x?x?xf32>) {
  %c = tg.matmul %a, %b : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %s = tg.matmul %q, %k : (tensor<?x4x?x3xf32>, tensor<?x4x3x?xf32>) -> tensor<?x4x?x?xf32>
  return %c, %s : tensor<?x?x16xf32>, tensor<?x4x?x?xf32>
}

// -----

// A static reshape that merges and splits groups of consecutive dims is a
// collapse and an expansion (views, also of a strided slice): a
// transformer's [S, 1, 384] -> [S, 6, 64] heads, and [2, 3] -> [3, 2].
// CHECK-LABEL: func.func @reshape_static_groups
// CHECK-NOT: tensor.reshape
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<197x1x384xf32> into tensor<197x384xf32>
// CHECK: tensor.expand_shape %[[C]] {{\[}}[0], [1, 2]] output_shape [197, 6, 64] : tensor<197x384xf32> into tensor<197x6x64xf32>
// CHECK: %[[D:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: tensor.expand_shape %[[D]] {{\[}}[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
func.func @reshape_static_groups(%x: tensor<197x1x384xf32>, %y: tensor<2x3xf32>) -> (tensor<197x6x64xf32>, tensor<3x2xf32>) {
  %s = tg.constant dense<[197, 6, 64]> : tensor<3xi64>
  %r = tg.reshape %x, %s : (tensor<197x1x384xf32>, tensor<3xi64>) -> tensor<197x6x64xf32>
  %t = tg.constant dense<[3, 2]> : tensor<2xi64>
  %q = tg.reshape %y, %t : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  return %r, %q : tensor<197x6x64xf32>, tensor<3x2xf32>
}
