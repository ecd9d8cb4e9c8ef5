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
