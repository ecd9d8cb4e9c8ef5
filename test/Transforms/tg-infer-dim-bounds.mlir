// RUN: tangram-opt %s -tg-infer-dim-bounds -split-input-file | FileCheck %s

// A position table sliced by the sequence length (Shape -> Gather ->
// Unsqueeze, as torch exports `position_ids[:, :seq]`) bounds that dim.
// CHECK-LABEL: func.func @position_table
// CHECK-SAME: tg.dim_max = array<i64: -1, 128>
func.func @position_table(%ids: tensor<?x?xi64>) -> tensor<1x?xi64> {
  %table = tg.constant dense<7> : tensor<1x128xi64>
  %shape = tg.shape %ids {start = 0 : i64, end = 2 : i64} : tensor<?x?xi64> -> tensor<2xi64>
  %k = tg.constant dense<1> : tensor<i64>
  %seq = tg.gather %shape, %k {axis = 0 : i64} : (tensor<2xi64>, tensor<i64>) -> tensor<i64>
  %end = tg.unsqueeze %seq {axes = array<i64: 0>} : tensor<i64> -> tensor<1xi64>
  %zero = tg.constant dense<0> : tensor<1xi64>
  %one = tg.constant dense<1> : tensor<1xi64>
  %y = tg.slice %table, %zero, %end, %one, %one : (tensor<1x128xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x?xi64>
  return %y : tensor<1x?xi64>
}

// -----

// A start past 0 leaves less room; the smaller of two bounds wins.
// CHECK-LABEL: func.func @two_tables
// CHECK-SAME: tg.dim_max = array<i64: 60>
func.func @two_tables(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %a = tg.constant dense<1.0> : tensor<100xf32>
  %b = tg.constant dense<1.0> : tensor<64xf32>
  %end = tg.shape %x {start = 0 : i64, end = 1 : i64} : tensor<?xf32> -> tensor<1xi64>
  %zero = tg.constant dense<0> : tensor<1xi64>
  %four = tg.constant dense<4> : tensor<1xi64>
  %one = tg.constant dense<1> : tensor<1xi64>
  %ya = tg.slice %a, %zero, %end, %zero, %one : (tensor<100xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  %yb = tg.slice %b, %four, %end, %zero, %one : (tensor<64xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %ya, %yb : tensor<?xf32>, tensor<?xf32>
}

// -----

// Slicing a computed tensor, or with a step other than 1, implies nothing.
// CHECK-LABEL: func.func @no_bound
// CHECK-NOT: tg.dim_max
func.func @no_bound(%x: tensor<?xf32>, %t: tensor<100xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %c = tg.constant dense<1.0> : tensor<100xf32>
  %end = tg.shape %x {start = 0 : i64, end = 1 : i64} : tensor<?xf32> -> tensor<1xi64>
  %zero = tg.constant dense<0> : tensor<1xi64>
  %one = tg.constant dense<1> : tensor<1xi64>
  %two = tg.constant dense<2> : tensor<1xi64>
  %y = tg.slice %t, %zero, %end, %zero, %one : (tensor<100xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  %z = tg.slice %c, %zero, %end, %zero, %two : (tensor<100xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?xf32>
  return %y, %z : tensor<?xf32>, tensor<?xf32>
}
