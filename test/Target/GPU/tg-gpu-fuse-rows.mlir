// RUN: tangram-opt %s -split-input-file -tg-gpu-fuse-rows | FileCheck %s

// Softmax over 64 rows of 16: the max, the sum of exponentials and the
// division become one loop over the rows, the division a parallel loop
// over each row's elements after the two reductions.
// CHECK-LABEL: func.func @softmax
// CHECK: scf.parallel (%[[I:.*]]) =
// CHECK: memref.store %{{.*}}, %[[MAX:.*]][%[[I]]]
// CHECK-NEXT: scf.for
// CHECK: arith.maximumf
// CHECK: }
// CHECK-NEXT: memref.store %{{.*}}, %[[SUM:.*]][%[[I]]]
// CHECK-NEXT: scf.for
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: }
// CHECK-NEXT: scf.parallel (%[[J:.*]]) =
// CHECK: memref.load %[[MAX]][%[[I]]]
// CHECK: memref.load %[[SUM]][%[[I]]]
// CHECK: arith.divf
// CHECK: memref.store %{{.*}}[%[[I]], %[[J]]]
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @softmax(%x: memref<64x16xf32>, %y: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %max = memref.alloc() : memref<64xf32>
  %sum = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %ninf, %max[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %sum[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %s = memref.load %sum[%i] : memref<64xf32>
      %d = arith.subf %v, %m : f32
      %e = math.exp %d : f32
      %t = arith.addf %s, %e : f32
      memref.store %t, %sum[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c16) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<64x16xf32>
    %m = memref.load %max[%i] : memref<64xf32>
    %s = memref.load %sum[%i] : memref<64xf32>
    %d = arith.subf %v, %m : f32
    %e = math.exp %d : f32
    %q = arith.divf %e, %s : f32
    memref.store %q, %y[%i, %j] : memref<64x16xf32>
    scf.reduce
  }
  return
}

// -----

// LayerNorm's variance reuses the mean's accumulator (written and read
// only at the row's element by both reductions), and the mean's division
// is the first reduction's epilogue: one loop. The output, allocated
// between the loops, is allocated before the first.
// CHECK-LABEL: func.func @layer_norm
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<100x8xf32>
// CHECK-NEXT: scf.parallel (%[[I:.*]]) =
// CHECK: scf.for
// CHECK: arith.divf
// CHECK: memref.store %{{.*}}, %[[MEAN:.*]][%[[I]]]
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK: scf.parallel (%[[J:.*]]) =
// CHECK: math.sqrt
// CHECK: memref.store %{{.*}}, %[[OUT]][%[[I]], %[[J]]]
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @layer_norm(%a: memref<100x8xf32>) -> memref<100x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 8.0 : f32
  %acc = memref.alloc() : memref<100xf32>
  %mean = memref.alloc() : memref<100xf32>
  scf.parallel (%i) = (%c0) to (%c100) step (%c1) {
    memref.store %zero, %acc[%i] : memref<100xf32>
    scf.for %k = %c0 to %c8 step %c1 {
      %v = memref.load %a[%i, %k] : memref<100x8xf32>
      %s = memref.load %acc[%i] : memref<100xf32>
      %t = arith.addf %s, %v : f32
      memref.store %t, %acc[%i] : memref<100xf32>
    }
    %s = memref.load %acc[%i] : memref<100xf32>
    %m = arith.divf %s, %n : f32
    memref.store %m, %mean[%i] : memref<100xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c100) step (%c1) {
    memref.store %zero, %acc[%i] : memref<100xf32>
    scf.for %k = %c0 to %c8 step %c1 {
      %v = memref.load %a[%i, %k] : memref<100x8xf32>
      %m = memref.load %mean[%i] : memref<100xf32>
      %s = memref.load %acc[%i] : memref<100xf32>
      %d = arith.subf %v, %m : f32
      %q = arith.mulf %d, %d : f32
      %t = arith.addf %s, %q : f32
      memref.store %t, %acc[%i] : memref<100xf32>
    }
    scf.reduce
  }
  %out = memref.alloc() : memref<100x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c100, %c8) step (%c1, %c1) {
    %v = memref.load %a[%i, %j] : memref<100x8xf32>
    %m = memref.load %mean[%i] : memref<100xf32>
    %s = memref.load %acc[%i] : memref<100xf32>
    %var = arith.divf %s, %n : f32
    %r = math.sqrt %var : f32
    %d = arith.subf %v, %m : f32
    %q = arith.divf %d, %r : f32
    memref.store %q, %out[%i, %j] : memref<100x8xf32>
    scf.reduce
  }
  return %out : memref<100x8xf32>
}

// -----

// Four rows (a static count below 64): the division stays a loop of its
// own, so that it spreads over the whole GPU; the second reduction, over
// the same rows, still joins the first.
// CHECK-LABEL: func.func @few_rows
// CHECK: scf.parallel (%{{.*}}) =
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: scf.parallel
// CHECK: scf.reduce
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) =
func.func @few_rows(%x: memref<4x1000xf32>, %y: memref<4x1000xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c1000 = arith.constant 1000 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %max = memref.alloc() : memref<4xf32>
  %sum = memref.alloc() : memref<4xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %ninf, %max[%i] : memref<4xf32>
    scf.for %k = %c0 to %c1000 step %c1 {
      %v = memref.load %x[%i, %k] : memref<4x1000xf32>
      %m = memref.load %max[%i] : memref<4xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[%i] : memref<4xf32>
    }
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %zero, %sum[%i] : memref<4xf32>
    scf.for %k = %c0 to %c1000 step %c1 {
      %v = memref.load %x[%i, %k] : memref<4x1000xf32>
      %m = memref.load %max[%i] : memref<4xf32>
      %s = memref.load %sum[%i] : memref<4xf32>
      %d = arith.subf %v, %m : f32
      %e = math.exp %d : f32
      %t = arith.addf %s, %e : f32
      memref.store %t, %sum[%i] : memref<4xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c1000) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<4x1000xf32>
    %s = memref.load %sum[%i] : memref<4xf32>
    %q = arith.divf %v, %s : f32
    memref.store %q, %y[%i, %j] : memref<4x1000xf32>
    scf.reduce
  }
  return
}

// -----

// The elementwise loop reads the max of row 0 in every row: each row's
// work would depend on another row's, so it stays a loop of its own.
// CHECK-LABEL: func.func @other_row
// CHECK: scf.parallel (%{{.*}}) =
// CHECK: scf.reduce
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) =
func.func @other_row(%x: memref<64x16xf32>, %y: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %ninf = arith.constant 0xFF800000 : f32
  %max = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %ninf, %max[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c16) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<64x16xf32>
    %m = memref.load %max[%c0] : memref<64xf32>
    %d = arith.subf %v, %m : f32
    memref.store %d, %y[%i, %j] : memref<64x16xf32>
    scf.reduce
  }
  return
}

// -----

// A reduction over the elementwise loop's output (written at every
// element of the row, not at the row's element) stays a loop of its own;
// the elementwise loop still joins the first reduction.
// CHECK-LABEL: func.func @reduce_after
// CHECK: scf.parallel (%{{.*}}) =
// CHECK: scf.for
// CHECK: scf.parallel (%{{.*}}) =
// CHECK: scf.reduce
// CHECK: scf.reduce
// CHECK: scf.parallel (%{{.*}}) =
// CHECK: scf.for
func.func @reduce_after(%x: memref<64x16xf32>, %y: memref<64x16xf32>, %z: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %max = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %ninf, %max[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c16) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<64x16xf32>
    %m = memref.load %max[%i] : memref<64xf32>
    %d = arith.subf %v, %m : f32
    memref.store %d, %y[%i, %j] : memref<64x16xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %z[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %y[%i, %k] : memref<64x16xf32>
      %s = memref.load %z[%i] : memref<64xf32>
      %t = arith.addf %s, %v : f32
      memref.store %t, %z[%i] : memref<64xf32>
    }
    scf.reduce
  }
  return
}

// -----

// An op between the loops writes what the elementwise loop reads: the
// loop cannot move before it, and stays a loop of its own.
// CHECK-LABEL: func.func @written_between
// CHECK: scf.parallel (%{{.*}}) =
// CHECK: scf.reduce
// CHECK: memref.copy
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) =
func.func @written_between(%x: memref<64x16xf32>, %w: memref<16xf32>, %y: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %ninf = arith.constant 0xFF800000 : f32
  %max = memref.alloc() : memref<64xf32>
  %b = memref.alloc() : memref<16xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %ninf, %max[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[%i] : memref<64xf32>
    }
    scf.reduce
  }
  memref.copy %w, %b : memref<16xf32> to memref<16xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c16) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<64x16xf32>
    %m = memref.load %max[%i] : memref<64xf32>
    %c = memref.load %b[%j] : memref<16xf32>
    %d = arith.subf %v, %m : f32
    %e = arith.mulf %d, %c : f32
    memref.store %e, %y[%i, %j] : memref<64x16xf32>
    scf.reduce
  }
  return
}

// -----

// LayerNorm after a residual add, as attention models lower it: the rows
// are [1, 128] (a unit dim's index is 0), and the mean's sum reads both
// inputs of the add. The mean's accumulator is read at [0, %i] in both
// loops: one loop.
// CHECK-LABEL: func.func @unit_dim_residual
// CHECK: scf.parallel (%[[I:.*]]) =
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: scf.parallel (%[[J:.*]]) =
// CHECK: memref.load %{{.*}}[%c0, %[[I]]] : memref<1x128xf32>
// CHECK: memref.store %{{.*}}[%c0, %[[I]], %[[J]]]
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @unit_dim_residual(%a: memref<1x128x32xf32>, %b: memref<1x128x32xf32>, %y: memref<1x128x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 32.0 : f32
  %sum = memref.alloc() : memref<1x128xf32>
  scf.parallel (%i) = (%c0) to (%c128) step (%c1) {
    memref.store %zero, %sum[%c0, %i] : memref<1x128xf32>
    scf.for %k = %c0 to %c32 step %c1 {
      %u = memref.load %a[%c0, %i, %k] : memref<1x128x32xf32>
      %v = memref.load %b[%c0, %i, %k] : memref<1x128x32xf32>
      %s = memref.load %sum[%c0, %i] : memref<1x128xf32>
      %r = arith.addf %u, %v : f32
      %t = arith.addf %s, %r : f32
      memref.store %t, %sum[%c0, %i] : memref<1x128xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c128, %c32) step (%c1, %c1) {
    %u = memref.load %a[%c0, %i, %j] : memref<1x128x32xf32>
    %v = memref.load %b[%c0, %i, %j] : memref<1x128x32xf32>
    %s = memref.load %sum[%c0, %i] : memref<1x128xf32>
    %r = arith.addf %u, %v : f32
    %m = arith.divf %s, %n : f32
    %d = arith.subf %r, %m : f32
    memref.store %d, %y[%c0, %i, %j] : memref<1x128x32xf32>
    scf.reduce
  }
  return
}

// -----

// Two matmuls over the same points are contractions, the contract
// strategies' to tile: they stay apart.
// CHECK-LABEL: func.func @matmuls
// CHECK: scf.parallel
// CHECK: scf.reduce
// CHECK: scf.parallel
func.func @matmuls(%a: memref<64x16xf32>, %b: memref<16x64xf32>, %y: memref<64x64xf32>, %z: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    memref.store %zero, %y[%i, %j] : memref<64x64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %u = memref.load %a[%i, %k] : memref<64x16xf32>
      %v = memref.load %b[%k, %j] : memref<16x64xf32>
      %s = memref.load %y[%i, %j] : memref<64x64xf32>
      %p = arith.mulf %u, %v : f32
      %t = arith.addf %s, %p : f32
      memref.store %t, %y[%i, %j] : memref<64x64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c64) step (%c1, %c1) {
    memref.store %zero, %z[%i, %j] : memref<64x64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %u = memref.load %a[%i, %k] : memref<64x16xf32>
      %v = memref.load %b[%k, %j] : memref<16x64xf32>
      %s = memref.load %z[%i, %j] : memref<64x64xf32>
      %p = arith.mulf %u, %v : f32
      %t = arith.addf %s, %p : f32
      memref.store %t, %z[%i, %j] : memref<64x64xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Softmax written over its input (bufferization writes an elementwise
// result in place over a dead operand): the division writes each row of
// %x after the two reductions have read it, and each reduction ends in a
// barrier, so the division is still the row program's last phase.
// CHECK-LABEL: func.func @softmax_in_place
// CHECK: scf.parallel (%[[I:.*]]) =
// CHECK: scf.for
// CHECK: arith.maximumf
// CHECK: scf.for
// CHECK: math.exp
// CHECK: scf.parallel (%[[J:.*]]) =
// CHECK: arith.divf
// CHECK: memref.store %{{.*}}, %arg0[%[[I]], %[[J]]]
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @softmax_in_place(%x: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %max = memref.alloc() : memref<64xf32>
  %sum = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %ninf, %max[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %sum[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %s = memref.load %sum[%i] : memref<64xf32>
      %d = arith.subf %v, %m : f32
      %e = math.exp %d : f32
      %t = arith.addf %s, %e : f32
      memref.store %t, %sum[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c16) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<64x16xf32>
    %m = memref.load %max[%i] : memref<64xf32>
    %s = memref.load %sum[%i] : memref<64xf32>
    %d = arith.subf %v, %m : f32
    %e = math.exp %d : f32
    %q = arith.divf %e, %s : f32
    memref.store %q, %x[%i, %j] : memref<64x16xf32>
    scf.reduce
  }
  return
}

// -----

// A loop writing %x after an elementwise phase that reads it: no barrier
// follows an elementwise phase, so another invocation may still be
// reading the row. It stays a kernel of its own.
// CHECK-LABEL: func.func @write_after_elementwise_read
// CHECK: scf.parallel (%[[I:.*]]) =
// CHECK: scf.for
// CHECK: scf.parallel
// CHECK: memref.store %{{.*}}, %arg1
// CHECK: scf.reduce
// CHECK: scf.reduce
// CHECK: scf.parallel
// CHECK: memref.store %{{.*}}, %arg0
func.func @write_after_elementwise_read(%x: memref<64x16xf32>, %y: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %max = memref.alloc() : memref<64xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %ninf, %max[%i] : memref<64xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %x[%i, %k] : memref<64x16xf32>
      %m = memref.load %max[%i] : memref<64xf32>
      %n = arith.maximumf %m, %v : f32
      memref.store %n, %max[%i] : memref<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c16) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<64x16xf32>
    %m = memref.load %max[%i] : memref<64xf32>
    %d = arith.subf %v, %m : f32
    memref.store %d, %y[%i, %j] : memref<64x16xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c16) step (%c1, %c1) {
    memref.store %zero, %x[%i, %j] : memref<64x16xf32>
    scf.reduce
  }
  return
}
