// RUN: tangram-opt %s -tg-hoist-weights -split-input-file -verify-diagnostics | FileCheck %s

// Large non-splat constants become trailing arguments that carry their
// index, name and value; every argument is read-only. Small, splat and i1
// constants stay in the code.
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.*]]: tensor<2x70xf32> {bufferization.writable = false, tg.name = "X"},
// CHECK-SAME: %[[W:.*]]: tensor<70x70xf32> {bufferization.writable = false, tg.weight = 0 : i64, tg.weight_name = "fc.weight", tg.weight_value = dense_resource<w> : tensor<70x70xf32>})
// CHECK-DAG: tg.constant dense<1.000000e+00> : tensor<70x70xf32>
// CHECK-DAG: tg.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK: tg.matmul %[[X]], %[[W]]
func.func @main(%x: tensor<2x70xf32> {tg.name = "X"}) -> (tensor<2x70xf32>, tensor<70x70xf32>, tensor<2xf32>) {
  %w = tg.constant dense_resource<w> : tensor<70x70xf32> loc("fc.weight")
  %splat = tg.constant dense<1.0> : tensor<70x70xf32>
  %small = tg.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = tg.matmul %x, %w : (tensor<2x70xf32>, tensor<70x70xf32>) -> tensor<2x70xf32>
  return %y, %splat, %small : tensor<2x70xf32>, tensor<70x70xf32>, tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000"
    }
  }
#-}

// -----

// expected-error@+1 {{no entry function}}
module {
  func.func private @decl(tensor<2xf32>)
}

// -----

module {
  func.func @a() { return }
  // expected-error@+1 {{more than one public function}}
  func.func @b() { return }
}
