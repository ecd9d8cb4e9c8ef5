// RUN: tangram-opt %s -split-input-file -tg-gpu-result-shapes -verify-diagnostics | FileCheck %s

// A result dim from an input dim: one Dim value; the shape function is
// gone.
// CHECK-LABEL: func.func @f
// CHECK-SAME: tg.gpu_result_dims = [array<i64: 2, 1>]
// CHECK-SAME: tg.gpu_values = [array<i64: 0, 0, 0, 0>, array<i64: 0, 4, 0, 0>, array<i64: 1, 0, 0, 0>]
// CHECK-NOT: func.func @f_shapes
func.func @f(%x: tensor<?x4xf32>, %out: memref<?x4xf32>) attributes {tg.num_results = 1 : i64} {
  return
}
func.func @f_shapes(%x: tensor<?x4xf32>) -> tensor<2xi64> attributes {tg.shape_function} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : i64
  %d = tensor.dim %x, %c0 : tensor<?x4xf32>
  %d64 = arith.index_cast %d : index to i64
  %s = tensor.from_elements %d64, %c4 : tensor<2xi64>
  return %s : tensor<2xi64>
}

// -----

// Elements of an integer input (pads) are loaded by the host; a check on
// sizes becomes a program check ([op, a, b, c] with ops numbered as in
// tangram::ProgramOp: 0 Const, 1 Dim, 2 Add, 16 CmpGE, 21 Load).
// CHECK-LABEL: func.func @pad
// CHECK-SAME: tg.gpu_check_messages = ["negative size"], tg.gpu_check_values = array<i64: 5>
// CHECK-SAME: tg.gpu_result_dims = [array<i64: 4>]
// CHECK-SAME: tg.gpu_values = [array<i64: 0, 0, 0, 0>, array<i64: 0, 1, 0, 0>, array<i64: 21, 1, 0, 0>, array<i64: 1, 0, 0, 0>, array<i64: 2, 3, 2, 0>, array<i64: 16, 4, 0, 0>]
func.func @pad(%x: tensor<?xf32>, %p: tensor<1xi64>, %out: memref<?xf32>) attributes {tg.num_results = 1 : i64} {
  return
}
func.func @pad_shapes(%x: tensor<?xf32>, %p: tensor<1xi64>) -> tensor<1xi64> attributes {tg.shape_function} {
  %c0 = arith.constant 0 : index
  %c0_i64 = arith.constant 0 : i64
  %e = tensor.extract %p[%c0] : tensor<1xi64>
  %d = tensor.dim %x, %c0 : tensor<?xf32>
  %d64 = arith.index_cast %d : index to i64
  %n = arith.addi %d64, %e : i64
  %ok = arith.cmpi sge, %n, %c0_i64 : i64
  cf.assert %ok, "negative size"
  %s = tensor.from_elements %n : tensor<1xi64>
  return %s : tensor<1xi64>
}

// -----

// A size from float data: the host cannot compute it.
func.func @range(%x: tensor<f32>, %out: memref<?xf32>) attributes {tg.num_results = 1 : i64} {
  return
}
func.func @range_shapes(%x: tensor<f32>) -> tensor<1xi64> attributes {tg.shape_function} {
  // expected-error @+1 {{a result size of this executable depends on 'tensor.extract', which a GPU program cannot compute; the op needs a host step}}
  %e = tensor.extract %x[] : tensor<f32>
  %n = arith.fptosi %e : f32 to i64
  %s = tensor.from_elements %n : tensor<1xi64>
  return %s : tensor<1xi64>
}

// -----

// Sizes read back from a small tensor built of dims (a Concat of Shape
// slices that a Resize takes as its sizes: a broadcast, an expand, slices
// inserted and extracted) are the dims themselves, in the shape function
// and in the executable; an affine.apply is a formula too (value 5: 7 is
// CeilDiv).
// CHECK-LABEL: func.func @concat
// CHECK-SAME: tg.gpu_result_dims = [array<i64: 5, 3>]
// CHECK-SAME: tg.gpu_values = [array<i64: 0, 0, 0, 0>, array<i64: 0, 1, 0, 0>, array<i64: 1, 0, 0, 0>, array<i64: 1, 0, 1, 0>, array<i64: 0, 2, 0, 0>, array<i64: 7, 2, 4, 0>]
// CHECK: %[[D:.*]] = tensor.dim %arg0, %c1
// CHECK: %[[E:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK: tensor.from_elements %[[E]] : tensor<1xi64>
func.func @concat(%x: tensor<?x?xf32>, %out: memref<?x?xf32>) attributes {tg.num_results = 1 : i64} {
  %c1 = arith.constant 1 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %d64 = arith.index_cast %d1 : index to i64
  %e = tensor.empty() : tensor<i64>
  %b = linalg.generic {indexing_maps = [affine_map<() -> ()>], iterator_types = []} outs(%e : tensor<i64>) {
  ^bb0(%o: i64):
    linalg.yield %d64 : i64
  } -> tensor<i64>
  %v = tensor.expand_shape %b [] output_shape [1] : tensor<i64> into tensor<1xi64>
  %z = tensor.empty() : tensor<2xi64>
  %i = tensor.insert_slice %v into %z[1] [1] [1] : tensor<1xi64> into tensor<2xi64>
  %s = tensor.extract_slice %i[1] [1] [1] : tensor<2xi64> to tensor<1xi64>
  %c0 = arith.constant 0 : index
  %r = tensor.extract %s[%c0] : tensor<1xi64>
  %u = tensor.from_elements %r : tensor<1xi64>
  return
}
func.func @concat_shapes(%x: tensor<?x?xf32>) -> tensor<2xi64> attributes {tg.shape_function} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %d0 = tensor.dim %x, %c0 : tensor<?x?xf32>
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %h = affine.apply affine_map<()[s0] -> (s0 ceildiv 2)>()[%d0]
  %h64 = arith.index_cast %h : index to i64
  %d64 = arith.index_cast %d1 : index to i64
  %e = tensor.empty() : tensor<i64>
  %b = linalg.generic {indexing_maps = [affine_map<() -> ()>], iterator_types = []} outs(%e : tensor<i64>) {
  ^bb0(%o: i64):
    linalg.yield %d64 : i64
  } -> tensor<i64>
  %v = tensor.expand_shape %b [] output_shape [1] : tensor<i64> into tensor<1xi64>
  %z = tensor.empty() : tensor<2xi64>
  %i = tensor.insert_slice %v into %z[1] [1] [1] : tensor<1xi64> into tensor<2xi64>
  %c1i = arith.constant 1 : index
  %w = tensor.extract %i[%c1i] : tensor<2xi64>
  %s = tensor.from_elements %h64, %w : tensor<2xi64>
  return %s : tensor<2xi64>
}

// -----

// torch's pad arithmetic: the [begin, end] pads per dim, last dim first,
// reversed along dim 0 by a gather (a Slice with step -1: its indices are
// folded per element) and transposed into ONNX's order; the size read from
// element 3 (7 - d1 % 7) is a formula of the host: value 5, Sub (3) of the
// constant 7 (value 3) and value 4, Rem (8) of dim 1 (value 2) by 7.
// CHECK-LABEL: func.func @pads_reversed
// CHECK-SAME: tg.gpu_result_dims = [array<i64: 5>]
// CHECK-SAME: tg.gpu_values = [array<i64: 0, 1, 0, 0>, array<i64: 0, 3, 0, 0>, array<i64: 1, 0, 1, 0>, array<i64: 0, 7, 0, 0>, array<i64: 8, 2, 3, 0>, array<i64: 3, 3, 4, 0>, array<i64: 0, 0, 0, 0>]
func.func @pads_reversed(%x: tensor<?x?xf32>, %out: memref<?xf32>) attributes {tg.num_results = 1 : i64} {
  return
}
func.func @pads_reversed_shapes(%x: tensor<?x?xf32>) -> tensor<1xi64> attributes {tg.shape_function} {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %d1 = tensor.dim %x, %c1 : tensor<?x?xf32>
  %d64 = arith.index_cast %d1 : index to i64
  %c7 = arith.constant 7 : i64
  %m = arith.remsi %d64, %c7 : i64
  %p = arith.subi %c7, %m : i64
  %zero = arith.constant 0 : i64
  %pairs = tensor.from_elements %zero, %p, %zero, %zero : tensor<2x2xi64>
  %e = tensor.empty() : tensor<2x2xi64>
  %rev = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<2x2xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c1i = arith.constant 1 : index
    %r = arith.subi %c1i, %i : index
    %v = tensor.extract %pairs[%r, %j] : tensor<2x2xi64>
    linalg.yield %v : i64
  } -> tensor<2x2xi64>
  %e2 = tensor.empty() : tensor<2x2xi64>
  %t = linalg.transpose ins(%rev : tensor<2x2xi64>) outs(%e2 : tensor<2x2xi64>) permutation = [1, 0]
  %flat = tensor.collapse_shape %t [[0, 1]] : tensor<2x2xi64> into tensor<4xi64>
  %w = tensor.extract %flat[%c3] : tensor<4xi64>
  %s = tensor.from_elements %w : tensor<1xi64>
  return %s : tensor<1xi64>
}

// -----

// An element at an index the host does not know stays data: an error.
func.func @unknown_index(%x: tensor<?xf32>, %k: index, %out: memref<?xf32>) attributes {tg.num_results = 1 : i64} {
  return
}
func.func @unknown_index_shapes(%x: tensor<?xf32>, %k: index) -> tensor<1xi64> attributes {tg.shape_function} {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?xf32>
  %d64 = arith.index_cast %d : index to i64
  %z = tensor.empty() : tensor<2xi64>
  %v = tensor.from_elements %d64 : tensor<1xi64>
  %i = tensor.insert_slice %v into %z[0] [1] [1] : tensor<1xi64> into tensor<2xi64>
  // expected-error @+1 {{a result size of this executable depends on 'tensor.extract', which a GPU program cannot compute; the op needs a host step}}
  %w = tensor.extract %i[%k] : tensor<2xi64>
  %s = tensor.from_elements %w : tensor<1xi64>
  return %s : tensor<1xi64>
}

// -----

// An Expand's shape as torch exports expand(batch, -1, -1): the shape
// [batch, -1], then Where(Equal(shape, -1), 1, shape) over it, elementwise
// generics on small tensors with constant operands. Each element is its
// scalar ops: dim 0 is select(batch == -1, 1, batch) (values 3 to 5: 1
// Dim, 11 CmpEQ, 20 Select), dim 1 the constant 1 (value 1).
// CHECK-LABEL: func.func @expand_where
// CHECK-SAME: tg.gpu_result_dims = [array<i64: 5, 1>]
// CHECK-SAME: tg.gpu_values = [array<i64: 0, 0, 0, 0>, array<i64: 0, 1, 0, 0>, array<i64: 0, -1, 0, 0>, array<i64: 1, 0, 0, 0>, array<i64: 11, 3, 2, 0>, array<i64: 20, 4, 1, 3>]
func.func @expand_where(%x: tensor<?x4xf32>, %out: memref<?x?xf32>) attributes {tg.num_results = 1 : i64} {
  return
}
func.func @expand_where_shapes(%x: tensor<?x4xf32>) -> tensor<2xi64> attributes {tg.shape_function} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %minus = arith.constant dense<-1> : tensor<2xi64>
  %ones = arith.constant dense<1> : tensor<2xi64>
  %tail = arith.constant dense<-1> : tensor<1xi64>
  %d = tensor.dim %x, %c0 : tensor<?x4xf32>
  %d64 = arith.index_cast %d : index to i64
  %head = tensor.from_elements %d64 : tensor<1xi64>
  %z = tensor.empty() : tensor<2xi64>
  %s0 = tensor.insert_slice %head into %z[0] [1] [1] : tensor<1xi64> into tensor<2xi64>
  %shape = tensor.insert_slice %tail into %s0[1] [1] [1] : tensor<1xi64> into tensor<2xi64>
  %be = tensor.empty() : tensor<2xi1>
  %eq = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%shape, %minus : tensor<2xi64>, tensor<2xi64>) outs(%be : tensor<2xi1>) {
  ^bb0(%a: i64, %b: i64, %o: i1):
    %c = arith.cmpi eq, %a, %b : i64
    linalg.yield %c : i1
  } -> tensor<2xi1>
  %where = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%eq, %ones, %shape : tensor<2xi1>, tensor<2xi64>, tensor<2xi64>) outs(%z : tensor<2xi64>) {
  ^bb0(%c: i1, %a: i64, %b: i64, %o: i64):
    %v = arith.select %c, %a, %b : i64
    linalg.yield %v : i64
  } -> tensor<2xi64>
  %e0 = tensor.extract %where[%c0] : tensor<2xi64>
  %e1 = tensor.extract %where[%c1] : tensor<2xi64>
  %r = tensor.from_elements %e0, %e1 : tensor<2xi64>
  return %r : tensor<2xi64>
}
