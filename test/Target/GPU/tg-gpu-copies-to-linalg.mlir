// RUN: tangram-opt %s -split-input-file -tg-gpu-copies-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @copy
// CHECK: linalg.copy ins(%{{.*}} : memref<4xf32>) outs(%{{.*}} : memref<4xf32>)
// CHECK-NOT: memref.copy
func.func @copy(%a: memref<4xf32>, %b: memref<4xf32>) {
  memref.copy %a, %b : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A copy onto itself does nothing.
// CHECK-LABEL: func.func @self
// CHECK-NOT: copy
// CHECK: return
func.func @self(%a: memref<4xf32>) {
  memref.copy %a, %a : memref<4xf32> to memref<4xf32>
  return
}
