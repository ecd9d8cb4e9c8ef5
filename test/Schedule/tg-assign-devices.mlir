// RUN: tangram-opt %s -split-input-file -verify-diagnostics -tg-assign-devices='devices=cpu0=cpu,cpu1=cpu pins=/block2/*=cpu1,/block2/b=cpu0' | FileCheck %s

// The device list goes on the module; each top-level op gets the device of
// the last pin matching one of its node names (fused locations count), and
// the first device otherwise; a pinned op is marked `tg.pinned` so that
// placement keeps it.
// CHECK: module attributes {tg.devices = [{id = "cpu0", target = "cpu"}, {id = "cpu1", target = "cpu"}]}
// CHECK-LABEL: func.func @main
// CHECK: tg.relu %{{.*}} {tg.device = "cpu0"}
// CHECK: tg.neg %{{.*}} {tg.device = "cpu1", tg.pinned}
// CHECK: tg.exp %{{.*}} {tg.device = "cpu0", tg.pinned}
// CHECK: tg.abs %{{.*}} {tg.device = "cpu1", tg.pinned}
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tg.relu %x : tensor<4xf32> loc("/block1/a")
  %1 = tg.neg %0 : tensor<4xf32> loc("/block2/a")
  %2 = tg.exp %1 : tensor<4xf32> loc("/block2/b")
  %3 = tg.abs %2 : tensor<4xf32> loc(fused["/block1/c", "/block2/c"])
  return %3 : tensor<4xf32>
}

// -----

// A pin that matches nothing is an error, not a silent no-op.
// expected-error @below {{pin '/block2/b=cpu0' matches no node of the model}}
module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = tg.relu %x : tensor<4xf32> loc("/block2/a")
    return %0 : tensor<4xf32>
  }
}
