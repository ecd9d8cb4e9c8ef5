// RUN: tangram-opt %s -split-input-file -canonicalize | FileCheck %s

// A PyTorch-style shape computation folds to a constant.
// CHECK-LABEL: func @shape_chain
func.func @shape_chain(%x: tensor<2x3x4xf32>) -> tensor<3xi64> {
  // CHECK: %[[C:.*]] = tg.constant dense<[2, 3, 4]> : tensor<3xi64>
  // CHECK-NEXT: return %[[C]]
  %s = tg.shape %x {start = 0 : i64, end = 3 : i64} : tensor<2x3x4xf32> -> tensor<3xi64>
  %i = tg.constant dense<1> : tensor<1xi64>
  %d = tg.gather %s, %i {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %a = tg.constant dense<[2]> : tensor<1xi64>
  %b = tg.constant dense<[4]> : tensor<1xi64>
  %c = tg.concat %a, %d, %b {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %c : tensor<3xi64>
}

// -----

// A static dim of a shape that is not static as a whole folds: the last dim
// of a [S, B, 1152] projection, read by torch's q/k/v split.
// CHECK-LABEL: func @gather_static_dim_of_shape
func.func @gather_static_dim_of_shape(%x: tensor<197x?x1152xf32>) -> (tensor<i64>, tensor<i64>) {
  // CHECK-DAG: %[[C:.*]] = tg.constant dense<1152> : tensor<i64>
  // CHECK-DAG: %[[S:.*]] = tg.shape
  // CHECK: %[[B:.*]] = tg.gather %[[S]]
  // CHECK: return %[[C]], %[[B]]
  %s = tg.shape %x {start = 0 : i64, end = 3 : i64} : tensor<197x?x1152xf32> -> tensor<3xi64>
  %last = tg.constant dense<-1> : tensor<i64>
  %one = tg.constant dense<1> : tensor<i64>
  %e = tg.gather %s, %last {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  %b = tg.gather %s, %one {axis = 0 : i64} : (tensor<3xi64>, tensor<i64>) -> tensor<i64>
  return %e, %b : tensor<i64>, tensor<i64>
}

// -----

// CHECK-LABEL: func @arith_fold
func.func @arith_fold() -> (tensor<2xi64>, tensor<2xi1>) {
  // CHECK-DAG: tg.constant dense<[7, 12]> : tensor<2xi64>
  // CHECK-DAG: tg.constant dense<[false, true]> : tensor<2xi1>
  // CHECK-NOT: tg.add
  // CHECK-NOT: tg.greater
  %a = tg.constant dense<[3, 4]> : tensor<2xi64>
  %b = tg.constant dense<[4, 8]> : tensor<2xi64>
  %s = tg.add %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %ones = tg.constant dense<1> : tensor<2xi64>
  %m = tg.mul %s, %ones : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  %z = tg.constant dense<0> : tensor<i64>
  %t = tg.sub %m, %z : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %c = tg.constant dense<10> : tensor<i64>
  %f = tg.greater %t, %c : (tensor<2xi64>, tensor<i64>) -> tensor<2xi1>
  return %t, %f : tensor<2xi64>, tensor<2xi1>
}

// -----

// CHECK-LABEL: func @identities
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
func.func @identities(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK-NEXT: return %[[X]]
  %z = tg.constant dense<0.0> : tensor<f32>
  %0 = tg.add %x, %z : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  %1 = tg.transpose %0 {perm = array<i64: 0, 1>} : tensor<2x3xf32> -> tensor<2x3xf32>
  %s = tg.constant dense<[2, 3]> : tensor<2xi64>
  %2 = tg.reshape %1, %s : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  %3 = tg.cast %2 {to = f32} : tensor<2x3xf32> -> tensor<2x3xf32>
  %o = tg.constant dense<1.0> : tensor<f32>
  %4 = tg.mul %3, %o : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %4 : tensor<2x3xf32>
}

// -----

// Weights (large constants) are never folded.
// CHECK-LABEL: func @no_weight_fold
func.func @no_weight_fold() -> tensor<64x64xf32> {
  // CHECK: tg.transpose
  %w = tg.constant dense_resource<w> : tensor<64x64xf32>
  %t = tg.transpose %w {perm = array<i64: 1, 0>} : tensor<64x64xf32> -> tensor<64x64xf32>
  return %t : tensor<64x64xf32>
}

// -----

// CHECK-LABEL: func @cast_size_range
func.func @cast_size_range(%x: tensor<2x5xf32>) -> (tensor<f32>, tensor<3xi64>, tensor<2x2xi32>) {
  // CHECK-DAG: tg.constant dense<1.000000e+01> : tensor<f32>
  // CHECK-DAG: tg.constant dense<[0, 2, 4]> : tensor<3xi64>
  // CHECK-DAG: tg.constant dense<7> : tensor<2x2xi32>
  %n = tg.size %x : tensor<2x5xf32> -> tensor<i64>
  %f = tg.cast %n {to = f32} : tensor<i64> -> tensor<f32>
  %a = tg.constant dense<0> : tensor<i64>
  %b = tg.constant dense<5> : tensor<i64>
  %d = tg.constant dense<2> : tensor<i64>
  %r = tg.range %a, %b, %d : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<3xi64>
  %s = tg.constant dense<[2, 2]> : tensor<2xi64>
  %c = tg.constant_of_shape %s {value = dense<7> : tensor<1xi32>} : (tensor<2xi64>) -> tensor<2x2xi32>
  return %f, %r, %c : tensor<f32>, tensor<3xi64>, tensor<2x2xi32>
}

// -----

// Integer neg/abs of constants fold (shape arithmetic in ONNX function
// bodies); float ones are left to the lowering.
// CHECK-LABEL: func @int_unary_fold
func.func @int_unary_fold() -> (tensor<2xi64>, tensor<2xi64>, tensor<1xf32>) {
  // CHECK-DAG: tg.constant dense<[-3, 4]> : tensor<2xi64>
  // CHECK-DAG: tg.constant dense<[3, 4]> : tensor<2xi64>
  // CHECK-DAG: tg.neg %{{.*}} : tensor<1xf32>
  // CHECK-NOT: tg.abs
  %a = tg.constant dense<[3, -4]> : tensor<2xi64>
  %n = tg.neg %a : tensor<2xi64>
  %b = tg.abs %a : tensor<2xi64>
  %f = tg.constant dense<[1.0]> : tensor<1xf32>
  %g = tg.neg %f : tensor<1xf32>
  return %n, %b, %g : tensor<2xi64>, tensor<2xi64>, tensor<1xf32>
}

// -----

// Integer mod of constants folds, with the divisor's sign (Python's %,
// torch's pad arithmetic (7 - 56 % 7) % 7) or, with fmod, the dividend's;
// by zero it is left alone.
// CHECK-LABEL: func @int_mod_fold
func.func @int_mod_fold() -> (tensor<4xi64>, tensor<4xi64>, tensor<i64>, tensor<i64>) {
  // CHECK-DAG: tg.constant dense<[1, -2, 2, -1]> : tensor<4xi64>
  // CHECK-DAG: tg.constant dense<[1, 1, -1, -1]> : tensor<4xi64>
  // CHECK-DAG: tg.constant dense<0> : tensor<i64>
  // CHECK-DAG: tg.mod %{{.*}}, %{{.*}} : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %a = tg.constant dense<[7, 7, -7, -7]> : tensor<4xi64>
  %b = tg.constant dense<[3, -3, 3, -3]> : tensor<4xi64>
  %m = tg.mod %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %f = tg.mod %a, %b {fmod = true} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  %w = tg.constant dense<7> : tensor<i64>
  %h = tg.constant dense<56> : tensor<i64>
  %r = tg.mod %h, %w : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %d = tg.sub %w, %r : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %p = tg.mod %d, %w : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %z = tg.constant dense<0> : tensor<i64>
  %q = tg.mod %w, %z : (tensor<i64>, tensor<i64>) -> tensor<i64>
  return %m, %f, %p, %q : tensor<4xi64>, tensor<4xi64>, tensor<i64>, tensor<i64>
}

// -----

// torch's F.pad with computed pads: the [begin, end] pairs per dim, last dim
// first, reversed along dim 0 and transposed into ONNX's order, all folded.
// CHECK-LABEL: func @pad_arithmetic_fold
func.func @pad_arithmetic_fold() -> (tensor<8xi64>, tensor<2x2xi64>) {
  // CHECK-DAG: tg.constant dense<[0, 0, 5, 1, 0, 0, 0, 3]> : tensor<8xi64>
  // CHECK-DAG: tg.constant dense<{{\[\[}}2, 1], [6, 5]]> : tensor<2x2xi64>
  // CHECK-NOT: tg.slice
  // CHECK-NOT: tg.transpose
  %pads = tg.constant dense<[1, 3, 5, 0, 0, 0, 0, 0]> : tensor<8xi64>
  %s42 = tg.constant dense<[-1, 2]> : tensor<2xi64>
  %p = tg.reshape %pads, %s42 : (tensor<8xi64>, tensor<2xi64>) -> tensor<4x2xi64>
  %start = tg.constant dense<-1> : tensor<1xi64>
  %end = tg.constant dense<-9223372036854775807> : tensor<1xi64>
  %axis = tg.constant dense<0> : tensor<1xi64>
  %step = tg.constant dense<-1> : tensor<1xi64>
  %r = tg.slice %p, %start, %end, %axis, %step : (tensor<4x2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x2xi64>
  %t = tg.transpose %r {perm = array<i64: 1, 0>} : tensor<4x2xi64> -> tensor<2x4xi64>
  %s8 = tg.constant dense<-1> : tensor<1xi64>
  %flat = tg.reshape %t, %s8 : (tensor<2x4xi64>, tensor<1xi64>) -> tensor<8xi64>
  // A 2-D slice with steps: rows 0 and 2, and the columns reversed.
  %m = tg.constant dense<[[1, 2], [3, 4], [5, 6], [7, 8]]> : tensor<4x2xi64>
  %st = tg.constant dense<[0, -1]> : tensor<2xi64>
  %en = tg.constant dense<[3, -3]> : tensor<2xi64>
  %ax = tg.constant dense<[0, 1]> : tensor<2xi64>
  %sp = tg.constant dense<[2, -1]> : tensor<2xi64>
  %q = tg.slice %m, %st, %en, %ax, %sp : (tensor<4x2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  return %flat, %q : tensor<8xi64>, tensor<2x2xi64>
}

// -----

// An empty slice of a constant ([2:] of 2 elements, and a reversed slice
// of an empty one) folds to an empty constant.
// CHECK-LABEL: func @empty_slice_fold
// CHECK-DAG: tg.constant dense<> : tensor<0xi64>
// CHECK-NOT: tg.slice
func.func @empty_slice_fold() -> (tensor<0xi64>, tensor<0xi64>) {
  %x = tg.constant dense<[4, 5]> : tensor<2xi64>
  %s = tg.constant dense<2> : tensor<1xi64>
  %e = tg.constant dense<9223372036854775807> : tensor<1xi64>
  %a = tg.constant dense<0> : tensor<1xi64>
  %one = tg.constant dense<1> : tensor<1xi64>
  %y = tg.slice %x, %s, %e, %a, %one : (tensor<2xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<0xi64>
  %z = tg.constant dense<> : tensor<0xi64>
  %m = tg.constant dense<-1> : tensor<1xi64>
  %w = tg.slice %z, %m, %s, %a, %m : (tensor<0xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<0xi64>
  return %y, %w : tensor<0xi64>, tensor<0xi64>
}

// -----

// Same-typed reshape/expand of run-time shapes are not identities: ?x? may
// be a [2, 3] -> [3, 2] reshape, and a `?` may be a 1 that broadcasts. One
// dynamic dim is pinned by the element count.
// CHECK-LABEL: func @dynamic_identity_not_folded
func.func @dynamic_identity_not_folded(%x: tensor<?x?xf32>, %s: tensor<2xi64>, %y: tensor<?x4xf32>) -> (tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x4xf32>) {
  // CHECK: tg.reshape %{{.*}}, %{{.*}} : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK: tg.expand %{{.*}}, %{{.*}} : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  // CHECK-NOT: tg.reshape
  %r = tg.reshape %x, %s : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %e = tg.expand %x, %s : (tensor<?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %t = tg.constant dense<[-1, 4]> : tensor<2xi64>
  %q = tg.reshape %y, %t : (tensor<?x4xf32>, tensor<2xi64>) -> tensor<?x4xf32>
  return %r, %e, %q : tensor<?x?xf32>, tensor<?x?xf32>, tensor<?x4xf32>
}
