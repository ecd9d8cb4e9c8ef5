// RUN: tangram-opt %s -split-input-file -tg-gpu-simplify-dims | FileCheck %s

// A dim of a reinterpret_cast is the size the cast names: a value, or a
// constant.
// CHECK-LABEL: func.func @dim_of_view
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<?xf32>, %[[N:[a-z0-9]+]]: index
// CHECK-NOT: memref.dim
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: return %[[N]], %[[C4]]
func.func @dim_of_view(%a: memref<?xf32>, %n: index) -> (index, index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %v = memref.reinterpret_cast %a to offset: [0], sizes: [%n, 4], strides: [4, 1] : memref<?xf32> to memref<?x4xf32>
  %d0 = memref.dim %v, %c0 : memref<?x4xf32>
  %d1 = memref.dim %v, %c1 : memref<?x4xf32>
  return %d0, %d1 : index, index
}

// -----

// The sizes and strides that extract_strided_metadata reads of a
// reinterpret_cast are the ones the cast names.
// CHECK-LABEL: func.func @metadata_of_view
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<?xf32>, %[[B:[a-z0-9]+]]: index, %[[S:[a-z0-9]+]]: index
// CHECK-NOT: extract_strided_metadata
// CHECK: %[[N:.*]] = arith.muli %[[B]], %[[S]]
// CHECK: return %[[N]]
func.func @metadata_of_view(%a: memref<?xf32>, %b: index, %s: index) -> index {
  %st = arith.muli %s, %s : index
  %v = memref.reinterpret_cast %a to offset: [0], sizes: [%b, %s, 8], strides: [%st, 8, 1] : memref<?xf32> to memref<?x?x8xf32>
  %base, %offset, %sizes:3, %strides:3 = memref.extract_strided_metadata %v : memref<?x?x8xf32> -> memref<f32>, index, index, index, index, index, index, index
  %n = arith.muli %sizes#0, %sizes#1 : index
  return %n : index
}

// -----

// A shape buffer's elements are the values stored into it, and a reshape
// of a contiguous buffer by it is a view with those sizes and row-major
// strides.
// CHECK-LABEL: func.func @shape_buffer
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<?x8xf32>, %[[B:[a-z0-9]+]]: i64, %[[S:[a-z0-9]+]]: i64
// CHECK-NOT: memref.reshape
// CHECK-DAG: %[[BI:.*]] = arith.index_cast %[[B]] : i64 to index
// CHECK-DAG: %[[SI:.*]] = arith.index_cast %[[S]] : i64 to index
// CHECK: %[[ST:.*]] = arith.muli %[[SI]], %{{.*}} : index
// CHECK: %[[V:.*]] = memref.reinterpret_cast %[[A]] to offset: [0], sizes: [%[[BI]], %[[SI]], 8], strides: [%[[ST]], 8, 1]
// CHECK: return %[[V]], %[[S]]
func.func @shape_buffer(%a: memref<?x8xf32>, %b: i64, %s: i64) -> (memref<?x?x8xf32>, i64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : i64
  %shape = memref.alloc() : memref<3xi64>
  memref.store %b, %shape[%c0] : memref<3xi64>
  memref.store %s, %shape[%c1] : memref<3xi64>
  memref.store %c8, %shape[%c2] : memref<3xi64>
  %r = memref.reshape %a(%shape) : (memref<?x8xf32>, memref<3xi64>) -> memref<?x?x8xf32>
  %e = memref.load %shape[%c1] : memref<3xi64>
  return %r, %e : memref<?x?x8xf32>, i64
}

// -----

// An element stored twice, or a buffer written through a view, is not
// known: the reshape and the load stay.
// CHECK-LABEL: func.func @shape_buffer_unknown
// CHECK: memref.reshape
// CHECK: memref.load
func.func @shape_buffer_unknown(%a: memref<?xf32>, %b: i64, %s: i64) -> (memref<?xf32>, i64) {
  %c0 = arith.constant 0 : index
  %shape = memref.alloc() : memref<1xi64>
  memref.store %b, %shape[%c0] : memref<1xi64>
  memref.store %s, %shape[%c0] : memref<1xi64>
  %r = memref.reshape %a(%shape) : (memref<?xf32>, memref<1xi64>) -> memref<?xf32>
  %e = memref.load %shape[%c0] : memref<1xi64>
  return %r, %e : memref<?xf32>, i64
}

// -----

// A one-element buffer that is no reshape's shape (a quantization scale)
// is read by the kernel's loop as it is: a kernel takes buffers, not
// values of any type the host computes.
// CHECK-LABEL: func.func @scalar_buffer
// CHECK: memref.store
// CHECK: scf.parallel
// CHECK: memref.load %{{.*}}[%{{.*}}] : memref<1xf64>
func.func @scalar_buffer(%a: memref<8xf64>, %s: f64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %scale = memref.alloc() : memref<1xf64>
  memref.store %s, %scale[%c0] : memref<1xf64>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %x = memref.load %a[%i] : memref<8xf64>
    %k = memref.load %scale[%c0] : memref<1xf64>
    %y = arith.mulf %x, %k : f64
    memref.store %y, %a[%i] : memref<8xf64>
    scf.reduce
  }
  return
}
