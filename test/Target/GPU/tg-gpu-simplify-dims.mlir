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

// After a check that two sizes are equal, the later-defined one's uses
// take the earlier one: both loops run to %n. The check stays.
// CHECK-LABEL: func.func @asserted_equal
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<?xf32>, %[[B:[a-z0-9]+]]: memref<?xf32>
// CHECK: %[[N:.*]] = memref.dim %[[A]]
// CHECK: %[[M:.*]] = memref.dim %[[B]]
// CHECK: %[[EQ:.*]] = arith.cmpi eq, %[[N]], %[[M]]
// CHECK: cf.assert %[[EQ]]
// CHECK: scf.parallel {{.*}} to (%[[N]])
// CHECK: scf.parallel {{.*}} to (%[[N]])
func.func @asserted_equal(%a: memref<?xf32>, %b: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %m = memref.dim %b, %c0 : memref<?xf32>
  %eq = arith.cmpi eq, %n, %m : index
  cf.assert %eq, "Broadcast: dims disagree"
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<?xf32>
    memref.store %x, %b[%i] : memref<?xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%m) step (%c1) {
    %x = memref.load %b[%i] : memref<?xf32>
    memref.store %x, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// A size checked against a constant is that constant.
// CHECK-LABEL: func.func @asserted_constant
// CHECK: %[[C4:.*]] = arith.constant 4 : index
// CHECK: cf.assert
// CHECK: scf.parallel {{.*}} to (%[[C4]])
func.func @asserted_constant(%a: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %eq = arith.cmpi eq, %n, %c4 : index
  cf.assert %eq, "Reshape: the input's element count does not fit the shape"
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %x = memref.load %a[%i] : memref<?xf32>
    %y = arith.addf %x, %x : f32
    memref.store %y, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// A check on data (an element of a buffer) is not one the host makes
// before a launch: nothing is replaced.
// CHECK-LABEL: func.func @asserted_data
// CHECK-SAME: %[[A:[a-z0-9]+]]: memref<?xf32>, %[[I:[a-z0-9]+]]: memref<1xindex>
// CHECK: %[[X:.*]] = memref.load %[[I]]
// CHECK: scf.parallel {{.*}} to (%[[X]])
func.func @asserted_data(%a: memref<?xf32>, %idx: memref<1xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %x = memref.load %idx[%c0] : memref<1xindex>
  %eq = arith.cmpi eq, %n, %x : index
  cf.assert %eq, "data"
  scf.parallel (%i) = (%c0) to (%x) step (%c1) {
    %v = memref.load %a[%i] : memref<?xf32>
    memref.store %v, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// Sizes computed through long chains (a conv's output size after a dozen
// convs) are still sizes the host computes: the later one takes the
// earlier one.
// CHECK-LABEL: func.func @asserted_long_chain
// CHECK: %[[N:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK: scf.parallel {{.*}} to (%[[N]])
func.func @asserted_long_chain(%a: memref<?xf32>, %b: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %d = memref.dim %a, %c0 : memref<?xf32>
  %n = arith.muli %d, %c2 : index
  %m0 = memref.dim %b, %c0 : memref<?xf32>
  %n0 = arith.divui %m0, %c2 : index
  %n1 = arith.addi %n0, %c1 : index
  %n2 = arith.addi %n1, %c1 : index
  %n3 = arith.addi %n2, %c1 : index
  %n4 = arith.addi %n3, %c1 : index
  %n5 = arith.addi %n4, %c1 : index
  %n6 = arith.addi %n5, %c1 : index
  %n7 = arith.addi %n6, %c1 : index
  %n8 = arith.addi %n7, %c1 : index
  %n9 = arith.addi %n8, %c1 : index
  %n10 = arith.addi %n9, %c1 : index
  %n11 = arith.addi %n10, %c1 : index
  %n12 = arith.addi %n11, %c1 : index
  %n13 = arith.addi %n12, %c1 : index
  %n14 = arith.addi %n13, %c1 : index
  %n15 = arith.addi %n14, %c1 : index
  %n16 = arith.addi %n15, %c1 : index
  %n17 = arith.addi %n16, %c1 : index
  %n18 = arith.addi %n17, %c1 : index
  %n19 = arith.addi %n18, %c1 : index
  %n20 = arith.addi %n19, %c1 : index
  %n21 = arith.addi %n20, %c1 : index
  %n22 = arith.addi %n21, %c1 : index
  %n23 = arith.addi %n22, %c1 : index
  %n24 = arith.addi %n23, %c1 : index
  %eq = arith.cmpi eq, %n, %n24 : index
  cf.assert %eq, "Broadcast: dims disagree"
  scf.parallel (%i) = (%c0) to (%n24) step (%c1) {
    %x = memref.load %b[%i] : memref<?xf32>
    memref.store %x, %a[%i] : memref<?xf32>
    scf.reduce
  }
  return
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
