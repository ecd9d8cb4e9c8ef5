// RUN: tangram-opt %s -split-input-file -tg-gpu-sink-into-branches | FileCheck %s

// Each case writes its own result to the destination; the switch loses its
// result.
// CHECK-LABEL: func.func @switch
// CHECK: scf.index_switch %{{.*}}{{$}}
// CHECK: case 2 {
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[OUT:.*]] :
// CHECK-NEXT: scf.yield{{$}}
// CHECK: default {
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %[[OUT]] :
// CHECK-NEXT: }
// CHECK-NOT: materialize_in_destination
// CHECK: return
func.func @switch(%k: index, %a: tensor<2xf32>, %b: tensor<2xf32>, %out: memref<?xf32>) {
  %r = scf.index_switch %k -> tensor<?xf32>
  case 2 {
    %c = tensor.cast %a : tensor<2xf32> to tensor<?xf32>
    scf.yield %c : tensor<?xf32>
  }
  default {
    %c = tensor.cast %b : tensor<2xf32> to tensor<?xf32>
    scf.yield %c : tensor<?xf32>
  }
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<?xf32>, memref<?xf32>) -> ()
  return
}

// -----

// The same for scf.if.
// CHECK-LABEL: func.func @if
// CHECK: scf.if %{{.*}} {
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable
// CHECK: } else {
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable
func.func @if(%c: i1, %a: tensor<2xf32>, %b: tensor<2xf32>, %out: memref<2xf32>) {
  %r = scf.if %c -> tensor<2xf32> {
    scf.yield %a : tensor<2xf32>
  } else {
    scf.yield %b : tensor<2xf32>
  }
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<2xf32>, memref<2xf32>) -> ()
  return
}

// -----

// A result used otherwise stays: the branch is left alone.
// CHECK-LABEL: func.func @used
// CHECK: %[[R:.*]] = scf.if
// CHECK: tensor.dim %[[R]]
func.func @used(%c: i1, %a: tensor<?xf32>, %out: memref<?xf32>) -> index {
  %c0 = arith.constant 0 : index
  %r = scf.if %c -> tensor<?xf32> {
    scf.yield %a : tensor<?xf32>
  } else {
    scf.yield %a : tensor<?xf32>
  }
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<?xf32>, memref<?xf32>) -> ()
  %d = tensor.dim %r, %c0 : tensor<?xf32>
  return %d : index
}
