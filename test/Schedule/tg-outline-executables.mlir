// RUN: tangram-opt %s -split-input-file -verify-diagnostics -tg-outline-executables | FileCheck %s

// Three same-device runs become three executables; a value crossing devices
// is transferred once per device that reads it; inputs are bound directly;
// constants are copied into each executable that reads them.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK: %[[A:.*]] = tg.launch @main_cpu0_0 on "cpu0"(%[[X]])
// CHECK: %[[T:.*]] = tg.transfer %[[A]] to "cpu1"
// CHECK: %[[B:.*]] = tg.launch @main_cpu1_1 on "cpu1"(%[[T]])
// CHECK: %[[U:.*]] = tg.transfer %[[B]] to "cpu0"
// CHECK: %[[C:.*]] = tg.launch @main_cpu0_2 on "cpu0"(%[[U]], %[[A]])
// CHECK: return %[[C]]
// CHECK: func.func private @main_cpu0_0(%{{.*}}: tensor<4xf32> {bufferization.writable = false}) -> tensor<4xf32> attributes {tg.device = "cpu0"}
// CHECK: tg.relu
// CHECK: func.func private @main_cpu1_1
// CHECK: tg.constant dense<2.000000e+00>
// CHECK: tg.mul
// CHECK: func.func private @main_cpu0_2
// CHECK: tg.constant dense<2.000000e+00>
// CHECK: tg.add
// CHECK: tg.add
module attributes {tg.devices = [{id = "cpu0", target = "cpu"}, {id = "cpu1", target = "cpu"}]} {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %c = tg.constant dense<2.0> : tensor<4xf32>
    %a = tg.relu %x {tg.device = "cpu0"} : tensor<4xf32>
    %b = tg.mul %a, %c {tg.device = "cpu1"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %d = tg.add %b, %c {tg.device = "cpu0"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %e = tg.add %d, %a {tg.device = "cpu0"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    return %e : tensor<4xf32>
  }
}

// -----

// Independent work on one device is gathered before switching devices, and
// an op that reads only inputs (a weight transpose) sinks into its user's
// executable instead of being computed first and carried along.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = tg.launch @main_cpu0_0 on "cpu0"
// CHECK: %[[T:.*]] = tg.transfer %[[A]] to "cpu1"
// CHECK: %[[B:.*]] = tg.launch @main_cpu1_1 on "cpu1"(%{{.*}}, %[[T]])
// CHECK-NOT: tg.launch
// CHECK: return %[[B]]
// CHECK: func.func private @main_cpu0_0
// CHECK: tg.relu
// CHECK: tg.neg
// CHECK: func.func private @main_cpu1_1
// CHECK: tg.transpose
// CHECK: tg.matmul
module attributes {tg.devices = [{id = "cpu0", target = "cpu"}, {id = "cpu1", target = "cpu"}]} {
  func.func @main(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>) -> tensor<4x4xf32> {
    %wt = tg.transpose %w {perm = array<i64: 1, 0>, tg.device = "cpu1"} : tensor<4x4xf32> -> tensor<4x4xf32>
    %a = tg.relu %x {tg.device = "cpu0"} : tensor<4x4xf32>
    %b = tg.neg %a {tg.device = "cpu0"} : tensor<4x4xf32>
    %c = tg.matmul %b, %wt {tg.device = "cpu1"} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    return %c : tensor<4x4xf32>
  }
}

// -----

// Every output is its own launch result: an input returned as is, and a
// value returned twice, are copied by executables of their own.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = tg.launch @main_cpu0_0 on "cpu0"(%[[X:.*]])
// CHECK: %[[B:.*]] = tg.launch @main_cpu0_1 on "cpu0"(%[[A]])
// CHECK: %[[C:.*]] = tg.launch @main_cpu0_2 on "cpu0"(%[[X]])
// CHECK: return %[[A]], %[[B]], %[[C]]
// CHECK: func.func private @main_cpu0_1(%[[ARG:.*]]: tensor<4xf32> {bufferization.writable = false})
// CHECK-NEXT: return %[[ARG]]
module attributes {tg.devices = [{id = "cpu0", target = "cpu"}]} {
  func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
    %a = tg.relu %x : tensor<4xf32>
    return %a, %a, %x : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
  }
}

// -----

// expected-error @below {{no 'tg.devices' list: run tg-assign-devices first}}
module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// -----

module attributes {tg.devices = [{id = "cpu0", target = "cpu"}]} {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @below {{device 'gpu0' is not in 'tg.devices'}}
    %a = tg.relu %x {tg.device = "gpu0"} : tensor<4xf32>
    return %a : tensor<4xf32>
  }
}

// -----

// An executable argument bound to a model weight is marked `tg.is_weight`
// (its address and contents stay the same while the bundle is loaded); one
// bound to an input is not.
// CHECK-LABEL: func.func @main
// CHECK: func.func private @main_cpu0_0(%{{.*}}: tensor<4xf32> {bufferization.writable = false}, %{{.*}}: tensor<4xf32> {bufferization.writable = false, tg.is_weight})
module attributes {tg.devices = [{id = "cpu0", target = "cpu"}]} {
  func.func @main(%x: tensor<4xf32>, %w: tensor<4xf32> {tg.weight = 0 : i64, tg.weight_name = "w"}) -> tensor<4xf32> {
    %a = tg.mul %x, %w {tg.device = "cpu0"} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    return %a : tensor<4xf32>
  }
}
