// RUN: tangram-opt %s -tg-cpu-parallelize-loops -split-input-file | FileCheck %s
// RUN: tangram-opt %s -tg-cpu-parallelize-loops=min-work=100000000 -split-input-file | FileCheck %s --check-prefix=SMALL

// The loop becomes a launch over its first dimension; the body over
// [begin, end) of it is a function of the captured values. Constants are
// cloned, not captured.
// CHECK-LABEL: func.func @copy
// CHECK-SAME: (%[[A:.*]]: memref<1024x64xf32>, %[[B:.*]]: memref<1024x64xf32>)
// CHECK: %[[N:.*]] = arith.ceildivsi
// CHECK: %[[C:.*]] = arith.maxsi %[[N]]
// CHECK: call @tg_par_launch_0(%[[C]], %[[A]], %[[B]]) : (index, memref<1024x64xf32>, memref<1024x64xf32>) -> ()
// CHECK-NOT: scf.parallel
// CHECK: func.func private @tg_par_body_0(%[[BEGIN:.*]]: index, %[[END:.*]]: index, %[[BA:.*]]: memref<1024x64xf32>, %[[BB:.*]]: memref<1024x64xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK-DAG: %[[C1024:.*]] = arith.constant 1024 : index
// CHECK: %[[M:.*]] = arith.muli %[[BEGIN]], %[[C1]]
// CHECK: %[[LB:.*]] = arith.addi %[[C0]], %[[M]]
// CHECK: %[[UB:.*]] = arith.minsi %[[C1024]]
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) = (%[[LB]], %[[C0]]) to (%[[UB]], %[[C64]])
// CHECK: memref.load %[[BA]][%[[I]], %[[J]]]
// CHECK: memref.store %{{.*}}, %[[BB]][%[[I]], %[[J]]]
// CHECK: func.func private @tg_par_launch_0(index, memref<1024x64xf32>, memref<1024x64xf32>)
// SMALL-LABEL: func.func @copy
// SMALL: scf.parallel
// SMALL-NOT: tg_par_launch
func.func @copy(%a: memref<1024x64xf32>, %b: memref<1024x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1024, %c64) step (%c1, %c1) {
    %v = memref.load %a[%i, %j] : memref<1024x64xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %b[%i, %j] : memref<1024x64xf32>
    scf.reduce
  }
  return
}

// -----

// A leading dimension of extent 1 (a batch of one) stays in the body; the
// split goes to the next one. Work in nested loops counts.
// CHECK-LABEL: func.func @batch_of_one
// CHECK: call @tg_par_launch_0
// CHECK: func.func private @tg_par_body_0
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%c0, %{{.*}}) to (%c1, %{{.*}})
// CHECK: scf.for
func.func @batch_of_one(%a: memref<1x256x512xf32>, %b: memref<1x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  scf.parallel (%n, %i) = (%c0, %c0) to (%c1, %c256) step (%c1, %c1) {
    scf.for %k = %c0 to %c512 step %c1 {
      %v = memref.load %a[%n, %i, %k] : memref<1x256x512xf32>
      %acc = memref.load %b[%n, %i] : memref<1x256xf32>
      %s = arith.addf %v, %acc : f32
      memref.store %s, %b[%n, %i] : memref<1x256xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Too little work, loops inside other loops, and loops with reductions
// stay serial.
// CHECK-LABEL: func.func @stays
// CHECK-NOT: tg_par_launch
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: scf.parallel
// CHECK: scf.parallel
func.func @stays(%a: memref<8x8xf32>, %big: memref<4096x64xf32>, %s: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c4096 = arith.constant 4096 : index
  %f0 = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c8) step (%c1, %c1) {
    memref.store %f0, %a[%i, %j] : memref<8x8xf32>
    scf.reduce
  }
  scf.for %t = %c0 to %c8 step %c1 {
    scf.parallel (%i, %j) = (%c0, %c0) to (%c4096, %c64) step (%c1, %c1) {
      memref.store %f0, %big[%i, %j] : memref<4096x64xf32>
      scf.reduce
    }
  }
  %sum = scf.parallel (%i, %j) = (%c0, %c0) to (%c4096, %c64) step (%c1, %c1) init (%f0) -> f32 {
    %v = memref.load %big[%i, %j] : memref<4096x64xf32>
    scf.reduce(%v : f32) {
    ^bb0(%x: f32, %y: f32):
      %r = arith.addf %x, %y : f32
      scf.reduce.return %r : f32
    }
  }
  memref.store %sum, %s[] : memref<f32>
  return
}

// -----

// A run-time first dim (a dynamic batch, maybe 1 at run time) is merged with
// the next one, so the threads split their product.
// CHECK-LABEL: func.func @dynamic_batch
// CHECK: %[[D:.*]] = memref.dim
// CHECK: %[[P:.*]] = arith.muli {{.*}}%[[D]]
// CHECK: call @tg_par_launch_{{[0-9]+}}
// CHECK: func.func private @tg_par_body_{{[0-9]+}}
// CHECK: scf.parallel (%[[L:.*]], %[[K:.*]]) =
// CHECK: arith.remsi %[[L]]
// CHECK: arith.divsi %[[L]]
func.func @dynamic_batch(%a: memref<?x64x32xf32>, %b: memref<?x64x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %n = memref.dim %a, %c0 : memref<?x64x32xf32>
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%n, %c64, %c32) step (%c1, %c1, %c1) {
    %v = memref.load %a[%i, %j, %k] : memref<?x64x32xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %b[%i, %j, %k] : memref<?x64x32xf32>
    scf.reduce
  }
  return
}
