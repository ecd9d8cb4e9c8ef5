// RUN: tangram-opt %s -tg-cpu-fresh-results -split-input-file | FileCheck %s

// A returned argument (or view of one) is copied into a buffer of its own,
// with its run-time sizes; a fresh allocation is returned as it is.
// CHECK-LABEL: func.func @main
// CHECK: %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[D:.*]] = memref.dim %arg0
// CHECK: %[[A:.*]] = memref.alloc(%[[D]]) : memref<?xf32>
// CHECK: linalg.copy ins(%arg0 : memref<?xf32>) outs(%[[A]] : memref<?xf32>)
// CHECK: return %[[A]], %[[B]]
func.func @main(%a: memref<?xf32>) -> (memref<?xf32>, memref<4xf32>) {
  %b = memref.alloc() : memref<4xf32>
  return %a, %b : memref<?xf32>, memref<4xf32>
}

// -----

// Private functions are not entry points: left alone.
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: memref.alloc
func.func private @helper(%a: memref<4xf32>) -> memref<4xf32> {
  return %a : memref<4xf32>
}
