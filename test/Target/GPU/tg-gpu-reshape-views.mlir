// RUN: tangram-opt %s -split-input-file -tg-gpu-reshape-views | FileCheck %s

// A ViT's heads with a run-time batch: [197, B, 384] to [197, B * 6, 64].
// Both refine to [197, B, 6, 64]: an expansion of the input (a view also
// of a strided slice), then a collapse into the result.
// CHECK-LABEL: func.func @vit_heads
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<197x?x384xf32>
// CHECK-NOT: tensor.reshape
// CHECK: %[[E:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [197, %{{.*}}, 6, 64] : tensor<197x?x384xf32> into tensor<197x?x6x64xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[E]] {{\[}}[0], [1, 2], [3]] : tensor<197x?x6x64xf32> into tensor<197x?x64xf32>
// CHECK: return %[[C]]
func.func @vit_heads(%x: tensor<197x?x384xf32>) -> tensor<197x?x64xf32> {
  %c1 = arith.constant 1 : index
  %c6 = arith.constant 6 : i64
  %c64 = arith.constant 64 : i64
  %c197 = arith.constant 197 : i64
  %d = tensor.dim %x, %c1 : tensor<197x?x384xf32>
  %b = arith.index_cast %d : index to i64
  %h = arith.muli %b, %c6 : i64
  %shape = tensor.from_elements %c197, %h, %c64 : tensor<3xi64>
  %r = tensor.reshape %x(%shape) : (tensor<197x?x384xf32>, tensor<3xi64>) -> tensor<197x?x64xf32>
  return %r : tensor<197x?x64xf32>
}

// -----

// A GPT's projection back to [B, S, 768]: the matmul's rows are B * S (its
// init is sized by the product of the argument's dims), so the reshape is
// an expansion with two run-time sizes in a group.
// CHECK-LABEL: func.func @merged_rows
// CHECK-SAME: %[[IDS:[a-z0-9]+]]: tensor<?x?xi64>, %[[A:[a-z0-9]+]]: tensor<?x256xf32>
// CHECK: %[[M:.*]] = linalg.matmul
// CHECK-NOT: tensor.reshape
// CHECK: %[[E:.*]] = tensor.expand_shape %[[M]] {{\[}}[0, 1], [2]] output_shape [%{{.*}}, %{{.*}}, 768] : tensor<?x768xf32> into tensor<?x?x768xf32>
// CHECK: return %[[E]]
func.func @merged_rows(%ids: tensor<?x?xi64>, %a: tensor<?x256xf32>, %w: tensor<256x768xf32>) -> tensor<?x?x768xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c768 = arith.constant 768 : i64
  %zero = arith.constant 0.0 : f32
  %db = tensor.dim %ids, %c0 : tensor<?x?xi64>
  %ds = tensor.dim %ids, %c1 : tensor<?x?xi64>
  %rows = affine.apply affine_map<()[s0, s1] -> (s0 * s1)>()[%db, %ds]
  %e = tensor.empty(%rows) : tensor<?x768xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x768xf32>) -> tensor<?x768xf32>
  %m = linalg.matmul ins(%a, %w : tensor<?x256xf32>, tensor<256x768xf32>) outs(%f : tensor<?x768xf32>) -> tensor<?x768xf32>
  %b = arith.index_cast %db : index to i64
  %s = arith.index_cast %ds : index to i64
  %shape = tensor.from_elements %b, %s, %c768 : tensor<3xi64>
  %r = tensor.reshape %m(%shape) : (tensor<?x768xf32>, tensor<3xi64>) -> tensor<?x?x768xf32>
  return %r : tensor<?x?x768xf32>
}

// -----

// Q sliced out of a fused projection and split into heads of a size the
// graph computed (256 / 4, folded to 64): the expansion is made with the
// static 64 and cast back to the reshape's type.
// CHECK-LABEL: func.func @slice_heads
// CHECK: %[[S:.*]] = tensor.extract_slice
// CHECK-NOT: tensor.reshape
// CHECK: %[[E:.*]] = tensor.expand_shape %[[S]] {{\[}}[0], [1], [2, 3]] output_shape [%{{.*}}, %{{.*}}, 4, 64] : tensor<?x?x256xf32> into tensor<?x?x4x64xf32>
// CHECK: %[[R:.*]] = tensor.cast %[[E]] : tensor<?x?x4x64xf32> to tensor<?x?x4x?xf32>
// CHECK: return %[[R]]
func.func @slice_heads(%qkv: tensor<?x?x768xf32>) -> tensor<?x?x4x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : i64
  %c64 = arith.constant 64 : i64
  %db = tensor.dim %qkv, %c0 : tensor<?x?x768xf32>
  %ds = tensor.dim %qkv, %c1 : tensor<?x?x768xf32>
  %q = tensor.extract_slice %qkv[0, 0, 0] [%db, %ds, 256] [1, 1, 1] : tensor<?x?x768xf32> to tensor<?x?x256xf32>
  %b = arith.index_cast %db : index to i64
  %s = arith.index_cast %ds : index to i64
  %shape = tensor.from_elements %b, %s, %c4, %c64 : tensor<4xi64>
  %r = tensor.reshape %q(%shape) : (tensor<?x?x256xf32>, tensor<4xi64>) -> tensor<?x?x4x?xf32>
  return %r : tensor<?x?x4x?xf32>
}

// -----

// Unit dims join a group: [1, B * S, 64] to [B * S, 64] drops the 1.
// CHECK-LABEL: func.func @unit_dims
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x?x64xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<1x?x64xf32> into tensor<?x64xf32>
// CHECK-NOT: tensor.expand_shape
// CHECK: return %[[C]]
func.func @unit_dims(%x: tensor<1x?x64xf32>) -> tensor<?x64xf32> {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : i64
  %d = tensor.dim %x, %c1 : tensor<1x?x64xf32>
  %n = arith.index_cast %d : index to i64
  %shape = tensor.from_elements %n, %c64 : tensor<2xi64>
  %r = tensor.reshape %x(%shape) : (tensor<1x?x64xf32>, tensor<2xi64>) -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// -----

// [B, 2, 3] to [B, 3, 2]: neither of 2 and 3 divides the other, so both
// groups grow to 6, one collapse and one expansion.
// CHECK-LABEL: func.func @coprime_sizes
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2]] : tensor<?x2x3xf32> into tensor<?x6xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [%{{.*}}, 3, 2] : tensor<?x6xf32> into tensor<?x3x2xf32>
func.func @coprime_sizes(%x: tensor<?x2x3xf32>) -> tensor<?x3x2xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : i64
  %c3 = arith.constant 3 : i64
  %d = tensor.dim %x, %c0 : tensor<?x2x3xf32>
  %b = arith.index_cast %d : index to i64
  %shape = tensor.from_elements %b, %c3, %c2 : tensor<3xi64>
  %r = tensor.reshape %x(%shape) : (tensor<?x2x3xf32>, tensor<3xi64>) -> tensor<?x3x2xf32>
  return %r : tensor<?x3x2xf32>
}

// -----

// A size read from data (or a division the host did not simplify) is a
// factor of its own: B * S elements as [n, 64] with n unknown stay a
// reshape.
// CHECK-LABEL: func.func @size_from_data
// CHECK: tensor.reshape
func.func @size_from_data(%x: tensor<?x?x64xf32>, %n: tensor<i64>) -> tensor<?x64xf32> {
  %c64 = arith.constant 64 : i64
  %rows = tensor.extract %n[] : tensor<i64>
  %shape = tensor.from_elements %rows, %c64 : tensor<2xi64>
  %r = tensor.reshape %x(%shape) : (tensor<?x?x64xf32>, tensor<2xi64>) -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// -----

// A zero-size dim: every grouping has 0 elements, and none is a view
// worth making.
// CHECK-LABEL: func.func @zero_size
// CHECK: tensor.reshape
func.func @zero_size(%x: tensor<?x0xf32>) -> tensor<0x?xf32> {
  %c0 = arith.constant 0 : index
  %c0_i64 = arith.constant 0 : i64
  %d = tensor.dim %x, %c0 : tensor<?x0xf32>
  %b = arith.index_cast %d : index to i64
  %shape = tensor.from_elements %c0_i64, %b : tensor<2xi64>
  %r = tensor.reshape %x(%shape) : (tensor<?x0xf32>, tensor<2xi64>) -> tensor<0x?xf32>
  return %r : tensor<0x?xf32>
}

// -----

// torch's attention output, sequence first, back to rows: [197, B * 6, 64]
// to [B * 197, 384]. No grouping of consecutive dims has equal products,
// but both refine to [197, B, 6, 64]: the fine dim B is made from the
// input's dim over 6.
// CHECK-LABEL: func.func @heads_back_to_rows
// CHECK-SAME: %{{.*}}: tensor<?x197x64xf32>, %[[B:[a-z0-9]+]]: index
// CHECK: %[[X:.*]] = linalg.transpose
// CHECK-NOT: tensor.reshape
// CHECK: %[[E:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3]] output_shape [197, %[[B]], 6, 64] : tensor<197x?x64xf32> into tensor<197x?x6x64xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[E]] {{\[}}[0, 1], [2, 3]] : tensor<197x?x6x64xf32> into tensor<?x384xf32>
// CHECK: return %[[C]]
func.func @heads_back_to_rows(%t: tensor<?x197x64xf32>, %b: index) -> tensor<?x384xf32> {
  %c6 = arith.constant 6 : index
  %c197 = arith.constant 197 : i64
  %c384 = arith.constant 384 : i64
  %h = arith.muli %b, %c6 : index
  %e = tensor.empty(%h) : tensor<197x?x64xf32>
  %x = linalg.transpose ins(%t : tensor<?x197x64xf32>) outs(%e : tensor<197x?x64xf32>) permutation = [1, 0, 2]
  %b64 = arith.index_cast %b : index to i64
  %rows = arith.muli %b64, %c197 : i64
  %shape = tensor.from_elements %rows, %c384 : tensor<2xi64>
  %r = tensor.reshape %x(%shape) : (tensor<197x?x64xf32>, tensor<2xi64>) -> tensor<?x384xf32>
  return %r : tensor<?x384xf32>
}
