// RUN: tangram-opt %s -tg-cpu-expand-bf16 -split-input-file | FileCheck %s

// f32 -> bf16: the bits rounded to nearest even (a bias of 0x7FFF plus the
// lowest kept bit), the high half taken, NaN a quiet NaN (0x7FC0): no
// fptrunc, so no call of __truncsfbf2 once in LLVM.
// CHECK-LABEL: func.func @trunc_bf16
// CHECK-NOT: arith.truncf
// CHECK-DAG: %[[QNAN:.*]] = arith.constant 32704 : i16
// CHECK-DAG: %[[BIAS:.*]] = arith.constant 32767 : i32
// CHECK: %[[NAN:.*]] = arith.cmpf une, %arg0, %arg0 : f32
// CHECK: arith.bitcast %arg0 : f32 to i32
// CHECK: arith.addi %{{.*}}, %[[BIAS]] : i32
// CHECK: %[[HI:.*]] = arith.trunci %{{.*}} : i32 to i16
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %[[QNAN]], %[[HI]] : i16
// CHECK: arith.bitcast %[[R]] : i16 to bf16
func.func @trunc_bf16(%x: f32) -> bf16 {
  %y = arith.truncf %x : f32 to bf16
  return %y : bf16
}

// -----

// bf16 -> f32: the bits shifted into the high half.
// CHECK-LABEL: func.func @ext_bf16
// CHECK-NOT: arith.extf
// CHECK: arith.bitcast %{{.*}} : bf16 to i16
// CHECK: arith.extui %{{.*}} : i16 to i32
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.*}} : i32 to f32
func.func @ext_bf16(%x: bf16) -> f32 {
  %y = arith.extf %x : bf16 to f32
  return %y : f32
}

// -----

// Other conversions are left alone.
// CHECK-LABEL: func.func @trunc_f16
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @trunc_f16(%x: f32) -> f16 {
  %y = arith.truncf %x : f32 to f16
  return %y : f16
}
