// RUN: tangram-opt %s -split-input-file -tg-vulkan-lower-math | FileCheck %s

// erf has no GLSL instruction: a polynomial of plain arithmetic.
// CHECK-LABEL: func.func @erf
// CHECK-NOT: math.erf
// CHECK: arith.select
// CHECK: return
func.func @erf(%x: f32) -> f32 {
  %y = math.erf %x : f32
  return %y : f32
}

// -----

// Hyperbolic functions and tan are expanded into exp and friends, which
// GLSL has.
// CHECK-LABEL: func.func @expand
// CHECK-NOT: math.sinh
// CHECK-NOT: math.tan
// CHECK: math.exp
func.func @expand(%x: f32) -> (f32, f32) {
  %a = math.sinh %x : f32
  %b = math.tan %x : f32
  return %a, %b : f32, f32
}

// -----

// What GLSL has stays.
// CHECK-LABEL: func.func @keep
// CHECK: math.exp
// CHECK: math.tanh
func.func @keep(%x: f32) -> f32 {
  %a = math.exp %x : f32
  %b = math.tanh %a : f32
  return %b : f32
}

// -----

// trunc as a select of ceil and floor.
// CHECK-LABEL: func.func @trunc
// CHECK-NOT: math.trunc
// CHECK: arith.cmpf olt
// CHECK: math.ceil
// CHECK: math.floor
// CHECK: arith.select
func.func @trunc(%x: f32) -> f32 {
  %y = math.trunc %x : f32
  return %y : f32
}

// -----

// f64 transcendentals are computed in f32; other f64 math stays.
// CHECK-LABEL: func.func @f64
// CHECK: %[[N:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK: %[[E:.*]] = math.exp %[[N]] : f32
// CHECK: arith.extf %[[E]] : f32 to f64
// CHECK: math.sqrt %{{.*}} : f64
func.func @f64(%x: f64) -> (f64, f64) {
  %a = math.exp %x : f64
  %b = math.sqrt %x : f64
  return %a, %b : f64, f64
}
