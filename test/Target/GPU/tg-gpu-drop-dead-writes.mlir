// RUN: tangram-opt %s -split-input-file -tg-gpu-drop-dead-writes | FileCheck %s

// A gather into a scratch buffer that the next loop overwrites whole (it
// computes the gather again, fused with an add): the gather is dropped,
// the overwriting loop and the copy out stay.
// CHECK-LABEL: func.func @overwritten_gather
// CHECK-SAME: %[[IDS:[a-z0-9]+]]: memref<?xindex>, %[[T:[a-z0-9]+]]: memref<10x4xf32>, %[[P:[a-z0-9]+]]: memref<?x4xf32>, %[[OUT:[a-z0-9]+]]: memref<?x4xf32>
// CHECK: %[[X:.*]] = memref.alloc
// CHECK-NEXT: scf.parallel
// CHECK-NEXT: memref.load %[[IDS]]
// CHECK-NEXT: memref.load %[[T]]
// CHECK-NEXT: memref.load %[[P]]
// CHECK-NEXT: arith.addf
// CHECK-NEXT: memref.store %{{.*}}, %[[X]]
// CHECK: scf.parallel
// CHECK-NEXT: memref.load %[[X]]
// CHECK-NOT: scf.parallel
func.func @overwritten_gather(%ids: memref<?xindex>, %t: memref<10x4xf32>, %p: memref<?x4xf32>, %out: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %n = memref.dim %ids, %c0 : memref<?xindex>
  %x = memref.alloc(%n) : memref<?x4xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c4) step (%c1, %c1) {
    %id = memref.load %ids[%i] : memref<?xindex>
    %g = memref.load %t[%id, %j] : memref<10x4xf32>
    memref.store %g, %x[%i, %j] : memref<?x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c4) step (%c1, %c1) {
    %id = memref.load %ids[%i] : memref<?xindex>
    %g = memref.load %t[%id, %j] : memref<10x4xf32>
    %q = memref.load %p[%i, %j] : memref<?x4xf32>
    %s = arith.addf %g, %q : f32
    memref.store %s, %x[%i, %j] : memref<?x4xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c4) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<?x4xf32>
    memref.store %v, %out[%i, %j] : memref<?x4xf32>
    scf.reduce
  }
  return
}

// -----

// The next loop reads the buffer (an accumulation), or writes only part
// of it, or writes it in a branch: the first loop's writes are live.
// CHECK-LABEL: func.func @live_writes
// CHECK-COUNT-6: scf.parallel
func.func @live_writes(%a: memref<8xf32>, %c: i1, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %x = memref.alloc() : memref<8xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %z, %x[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    %w = memref.load %a[%i] : memref<8xf32>
    %s = arith.addf %v, %w : f32
    memref.store %s, %x[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %w = memref.load %a[%i] : memref<8xf32>
    memref.store %w, %x[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    scf.if %c {
      %w = memref.load %a[%i] : memref<8xf32>
      memref.store %w, %x[%i] : memref<8xf32>
    }
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %w = memref.load %a[%i] : memref<8xf32>
    memref.store %w, %out[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %out[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A loop writing a result (an argument, not an allocation) stays: the
// caller may read what the overwriting loop does not reach.
// CHECK-LABEL: func.func @result_buffer
// CHECK-COUNT-2: scf.parallel
func.func @result_buffer(%a: memref<8xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %z, %out[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %w = memref.load %a[%i] : memref<8xf32>
    memref.store %w, %out[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A [1, S, D] buffer written over [S, D] points at batch 0 is written
// whole: the first loop is dead.
// CHECK-LABEL: func.func @unit_dim
// CHECK-COUNT-2: scf.parallel
// CHECK-NOT: scf.parallel
func.func @unit_dim(%a: memref<4x8xf32>, %out: memref<1x4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %x = memref.alloc() : memref<1x4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %z, %x[%c0, %i, %j] : memref<1x4x8xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %w = memref.load %a[%i, %j] : memref<4x8xf32>
    memref.store %w, %x[%c0, %i, %j] : memref<1x4x8xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %x[%c0, %i, %j] : memref<1x4x8xf32>
    memref.store %v, %out[%c0, %i, %j] : memref<1x4x8xf32>
    scf.reduce
  }
  return
}

// -----

// Over fewer points than the buffer has (4 of 8 rows), the second loop
// leaves rows the first wrote: both stay.
// CHECK-LABEL: func.func @fewer_points
// CHECK-COUNT-3: scf.parallel
func.func @fewer_points(%a: memref<8xf32>, %out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %x = memref.alloc() : memref<8xf32>
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %z, %x[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %w = memref.load %a[%i] : memref<8xf32>
    memref.store %w, %x[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    memref.store %v, %out[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
