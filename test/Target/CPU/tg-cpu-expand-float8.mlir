// RUN: tangram-opt %s -tg-cpu-expand-float8 -split-input-file | FileCheck %s

// f32 -> f8E4M3FN: round the mantissa to 3 bits (nearest even), subnormals
// through roundeven, overflow and NaN codes, the sign in bit 7.
// CHECK-LABEL: func.func @trunc_e4m3fn
// CHECK-DAG: %[[MAX:.*]] = arith.constant 126 : i32
// CHECK-DAG: %[[NAN:.*]] = arith.constant 127 : i32
// CHECK-NOT: arith.truncf
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: math.roundeven
// CHECK: %[[OVF:.*]] = arith.cmpi sgt, %{{.*}}, %[[MAX]]
// CHECK: arith.select %[[OVF]], %[[NAN]]
// CHECK: %[[B:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK: arith.bitcast %[[B]] : i8 to f8E4M3FN
func.func @trunc_e4m3fn(%x: f32) -> f8E4M3FN {
  %y = arith.truncf %x : f32 to f8E4M3FN
  return %y : f8E4M3FN
}

// -----

// f16 goes through f32 first.
// CHECK-LABEL: func.func @trunc_f16_e5m2
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.bitcast %{{.*}} : i8 to f8E5M2
func.func @trunc_f16_e5m2(%x: f16) -> f8E5M2 {
  %y = arith.truncf %x : f16 to f8E5M2
  return %y : f8E5M2
}

// -----

// f8 -> f32 decodes the bits; f16 results come from f32.
// CHECK-LABEL: func.func @ext_e4m3fnuz
// CHECK-NOT: arith.extf %{{.*}} : f8E4M3FNUZ
// CHECK: arith.bitcast %{{.*}} : f8E4M3FNUZ to i8
// CHECK: arith.extui %{{.*}} : i8 to i32
// CHECK: arith.uitofp
// CHECK: %[[F:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.truncf %[[F]] : f32 to f16
func.func @ext_e4m3fnuz(%x: f8E4M3FNUZ) -> f16 {
  %y = arith.extf %x : f8E4M3FNUZ to f16
  return %y : f16
}

// -----

// Scalar f8 constants become their i8 bits (1.0 in E5M2FNUZ is 0x40).
// CHECK-LABEL: func.func @constant
// CHECK: %[[C:.*]] = arith.constant 64 : i8
// CHECK: arith.bitcast %[[C]] : i8 to f8E5M2FNUZ
func.func @constant() -> f8E5M2FNUZ {
  %c = arith.constant 1.0 : f8E5M2FNUZ
  return %c : f8E5M2FNUZ
}

// -----

// Other conversions stay.
// CHECK-LABEL: func.func @others
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.extf %{{.*}} : bf16 to f32
func.func @others(%x: f32, %y: bf16) -> (f16, f32) {
  %a = arith.truncf %x : f32 to f16
  %b = arith.extf %y : bf16 to f32
  return %a, %b : f16, f32
}
