// RUN: tangram-opt %s -split-input-file -verify-diagnostics -tg-assign-devices='devices=cpu0=cpu pins=a=gpu0'
// RUN: not tangram-opt %s -tg-assign-devices='devices=cpu0' 2>&1 | FileCheck %s --check-prefix=FORM

// A pin naming a device outside the list.
// expected-error @below {{pin 'a=gpu0': no device 'gpu0' (devices: cpu0)}}
module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %0 = tg.relu %x : tensor<4xf32> loc("a")
    return %0 : tensor<4xf32>
  }
}
// FORM: device 'cpu0': expected ID=TARGET
