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
