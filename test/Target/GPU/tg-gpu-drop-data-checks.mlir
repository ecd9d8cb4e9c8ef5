// RUN: tangram-opt %s -split-input-file -tg-gpu-drop-data-checks | FileCheck %s

// A gather's index check inside the loop goes (a kernel cannot stop the
// launch); the check on sizes before the loop stays (the host makes it).
// CHECK-LABEL: func.func @gather
// CHECK: cf.assert %{{.*}}, "sizes"
// CHECK: scf.parallel
// CHECK-NOT: cf.assert
// CHECK: memref.store
func.func @gather(%ids: memref<?xindex>, %t: memref<10xf32>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c10 = arith.constant 10 : index
  %n = memref.dim %ids, %c0 : memref<?xindex>
  %m = memref.dim %out, %c0 : memref<?xf32>
  %eq = arith.cmpi eq, %n, %m : index
  cf.assert %eq, "sizes"
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %id = memref.load %ids[%i] : memref<?xindex>
    %ok = arith.cmpi ult, %id, %c10 : index
    cf.assert %ok, "Gather: an index is out of range"
    %at = arith.select %ok, %id, %c0 : index
    %v = memref.load %t[%at] : memref<10xf32>
    memref.store %v, %out[%i] : memref<?xf32>
    scf.reduce
  }
  return
}

// -----

// In a loop nested in a parallel loop's body, too.
// CHECK-LABEL: func.func @nested
// CHECK-NOT: cf.assert
func.func @nested(%ids: memref<4x4xindex>, %out: memref<4xindex>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.for %k = %c0 to %c4 step %c1 {
      %id = memref.load %ids[%i, %k] : memref<4x4xindex>
      %ok = arith.cmpi ult, %id, %c4 : index
      cf.assert %ok, "Gather: an index is out of range"
      memref.store %id, %out[%i] : memref<4xindex>
    }
    scf.reduce
  }
  return
}
