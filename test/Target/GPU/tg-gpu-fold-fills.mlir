// RUN: tangram-opt %s -split-input-file -tg-gpu-fold-fills | FileCheck %s

// A matmul's zero fill becomes the first store of each point of the
// matmul's loop: one loop (kernel) fewer.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: %[[OUT:[a-z0-9]+]]: memref<4x8xf32>
// CHECK: %[[Z:.*]] = arith.constant 0.0
// CHECK-COUNT-1: scf.parallel
// CHECK-NEXT: memref.store %[[Z]], %[[OUT]][%[[I:.*]], %[[J:.*]]] :
// CHECK-NEXT: scf.for
// CHECK-NOT: scf.parallel
func.func @matmul(%a: memref<4x16xf32>, %b: memref<16x8xf32>, %out: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %z, %out[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x16xf32>
      %y = memref.load %b[%k, %j] : memref<16x8xf32>
      %acc = memref.load %out[%i, %j] : memref<4x8xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %out[%i, %j] : memref<4x8xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Unit dims canonicalized out of the loops (index 0), run-time sizes, and
// a loop between that touches other buffers only: a max pool's -inf fill.
// CHECK-LABEL: func.func @pool
// CHECK: scf.parallel
// CHECK-NEXT: memref.load
// CHECK: scf.parallel
// CHECK-NEXT: memref.store %{{.*}}, %{{.*}}[%c0, %{{.*}}, %{{.*}}] : memref<1x?x?xf32>
// CHECK-NEXT: scf.for
// CHECK-NOT: scf.parallel
func.func @pool(%x: memref<1x?x?xf32>, %out: memref<1x?x?xf32>, %other: memref<?xf32>, %n: index, %m: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %ninf = arith.constant 0xFF800000 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %m) step (%c1, %c1) {
    memref.store %ninf, %out[%c0, %i, %j] : memref<1x?x?xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %v = memref.load %other[%i] : memref<?xf32>
    memref.store %v, %other[%i] : memref<?xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %m) step (%c1, %c1) {
    scf.for %k = %c0 to %c2 step %c1 {
      %i2 = arith.muli %i, %c2 : index
      %r = arith.addi %i2, %k : index
      %v = memref.load %x[%c0, %r, %j] : memref<1x?x?xf32>
      %acc = memref.load %out[%c0, %i, %j] : memref<1x?x?xf32>
      %s = arith.maximumf %acc, %v : f32
      memref.store %s, %out[%c0, %i, %j] : memref<1x?x?xf32>
    }
    scf.reduce
  }
  return
}

// -----

// A pad's fill: the copy that follows writes a view of the buffer over
// fewer points. It stays.
// CHECK-LABEL: func.func @pad
// CHECK: scf.parallel
// CHECK-NEXT: memref.store %{{.*}} : memref<6xf32>
// CHECK-NEXT: scf.reduce
// CHECK: scf.parallel
func.func @pad(%x: memref<4xf32>, %out: memref<6xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c6) step (%c1) {
    memref.store %z, %out[%i] : memref<6xf32>
    scf.reduce
  }
  %view = memref.subview %out[1] [4] [1] : memref<6xf32> to memref<4xf32, strided<[1], offset: 1>>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %v = memref.load %x[%i] : memref<4xf32>
    memref.store %v, %view[%i] : memref<4xf32, strided<[1], offset: 1>>
    scf.reduce
  }
  return
}

// -----

// The next loop reads a neighbour's element, which another point may
// have written already: the fill stays.
// CHECK-LABEL: func.func @neighbour
// CHECK: scf.parallel
// CHECK-NEXT: memref.store
// CHECK-NEXT: scf.reduce
func.func @neighbour(%out: memref<5xf32>, %y: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %z, %out[%i] : memref<5xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %i1 = arith.addi %i, %c1 : index
    %v = memref.load %out[%i1] : memref<5xf32>
    memref.store %v, %out[%i] : memref<5xf32>
    scf.reduce
  }
  return
}

// -----

// A store that leaves a loop dim out writes one element from several
// points: no fill.
// CHECK-LABEL: func.func @not_a_fill
// CHECK: scf.parallel
// CHECK-NEXT: memref.store
// CHECK-NEXT: scf.reduce
func.func @not_a_fill(%out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    memref.store %z, %out[%i] : memref<4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c4) step (%c1, %c1) {
    %v = memref.load %out[%i] : memref<4xf32>
    %s = arith.addf %v, %v : f32
    memref.store %s, %out[%i] : memref<4xf32>
    scf.reduce
  }
  return
}
