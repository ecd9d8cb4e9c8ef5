// RUN: tangram-opt %s -tg-verify-backend-contract -split-input-file -verify-diagnostics | FileCheck %s

// An imported model: named arguments and results, tg ops, regions only in
// tg.if, a sequence type. Nothing is reported and nothing changes.
// CHECK-LABEL: func.func @main
// CHECK: tg.if
func.func @main(%x: tensor<?x4xf32> {tg.name = "x"}, %c: tensor<i1> {tg.name = "c"}) -> (tensor<?x4xf32> {tg.name = "y"}) {
  %y = tg.if %c : tensor<i1> -> tensor<?x4xf32> {
    %r = tg.relu %x : tensor<?x4xf32>
    tg.yield %r : tensor<?x4xf32>
  } else {
    tg.yield %x : tensor<?x4xf32>
  }
  return %y : tensor<?x4xf32>
}

// -----

// expected-error@+1 {{backend contract: argument 0 has no tg.name}}
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32> {tg.name = "y"}) {
  return %x : tensor<4xf32>
}

// -----

func.func @main(%x: tensor<4xf32> {tg.name = "x"}) -> (tensor<4xf32> {tg.name = "y"}) {
  // expected-error@+1 {{backend contract: 'arith.addf' is not a tg op}}
  %y = arith.addf %x, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// expected-error@+1 {{backend contract: argument 0 is not a ranked tensor of a tg element type}}
func.func @main(%x: tensor<*xf32> {tg.name = "x"}) -> (tensor<*xf32> {tg.name = "y"}) {
  // expected-error@+1 {{backend contract: type 'tensor<*xf32>' is not a ranked tensor of a tg element type}}
  return %x : tensor<*xf32>
}

// -----

func.func @main(%x: tensor<4xf32> {tg.name = "x"}) -> (tensor<4xf32> {tg.name = "y"}) {
  return %x : tensor<4xf32>
}
// expected-error@+1 {{backend contract: the module must hold one public function and nothing else}}
func.func @other(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
