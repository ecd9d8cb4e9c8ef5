// RUN: tangram-opt %s -split-input-file -tg-gpu-fuse-epilogues | FileCheck %s

// A matmul into scratch, then bias + relu into the result: the
// elementwise body runs at the end of each point of the matmul, after its
// reduction loop. The result's buffer, allocated between the loops, is
// allocated before the matmul.
// CHECK-LABEL: func.func @bias_relu
// CHECK: %[[ACC:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK-NEXT: %[[OUT:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK-NEXT: scf.parallel
// CHECK: scf.for
// CHECK: }
// CHECK-NEXT: %[[V:.*]] = memref.load %[[ACC]][%[[I:.*]], %[[J:.*]]] : memref<4x8xf32>
// CHECK-NEXT: memref.load %{{.*}}[%[[J]]] : memref<8xf32>
// CHECK-NEXT: arith.addf
// CHECK-NEXT: arith.maximumf
// CHECK-NEXT: memref.store %{{.*}}, %[[OUT]][%[[I]], %[[J]]]
// CHECK-NOT: scf.parallel
func.func @bias_relu(%a: memref<4x16xf32>, %b: memref<16x8xf32>, %bias: memref<8xf32>) -> memref<4x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %z, %acc[%i, %j] : memref<4x8xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x16xf32>
      %y = memref.load %b[%k, %j] : memref<16x8xf32>
      %s0 = memref.load %acc[%i, %j] : memref<4x8xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %s0, %p : f32
      memref.store %s, %acc[%i, %j] : memref<4x8xf32>
    }
    scf.reduce
  }
  %out = memref.alloc() : memref<4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %acc[%i, %j] : memref<4x8xf32>
    %bv = memref.load %bias[%j] : memref<8xf32>
    %s = arith.addf %v, %bv : f32
    %r = arith.maximumf %s, %z : f32
    memref.store %r, %out[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return %out : memref<4x8xf32>
}

// -----

// The epilogue reads a neighbour's element, which another point computes:
// not fused.
// CHECK-LABEL: func.func @neighbour
// CHECK-COUNT-2: scf.parallel
func.func @neighbour(%a: memref<4x16xf32>, %b: memref<16x8xf32>, %acc: memref<4x8xf32>, %out: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x16xf32>
      %y = memref.load %b[%k, %j] : memref<16x8xf32>
      %s0 = memref.load %acc[%i, %j] : memref<4x8xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %s0, %p : f32
      memref.store %s, %acc[%i, %j] : memref<4x8xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %acc[%j, %i] : memref<4x8xf32>
    memref.store %v, %out[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}

// -----

// The epilogue writes a buffer the matmul reads (other points of the
// matmul still need it): not fused.
// CHECK-LABEL: func.func @clobber
// CHECK-COUNT-2: scf.parallel
func.func @clobber(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %acc: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x8xf32>
      %y = memref.load %b[%k, %j] : memref<8x8xf32>
      %s0 = memref.load %acc[%i, %j] : memref<4x8xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %s0, %p : f32
      memref.store %s, %acc[%i, %j] : memref<4x8xf32>
    }
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %acc[%i, %j] : memref<4x8xf32>
    memref.store %v, %a[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}

// -----

// A loop between them writes what the epilogue reads: not fused (the
// epilogue would read it before it is written).
// CHECK-LABEL: func.func @between
// CHECK-COUNT-3: scf.parallel
func.func @between(%a: memref<4x8xf32>, %b: memref<8x8xf32>, %acc: memref<4x8xf32>, %t: memref<8xf32>, %out: memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x8xf32>
      %y = memref.load %b[%k, %j] : memref<8x8xf32>
      %s0 = memref.load %acc[%i, %j] : memref<4x8xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %s0, %p : f32
      memref.store %s, %acc[%i, %j] : memref<4x8xf32>
    }
    scf.reduce
  }
  scf.parallel (%j) = (%c0) to (%c8) step (%c1) {
    memref.store %one, %t[%j] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %acc[%i, %j] : memref<4x8xf32>
    %w = memref.load %t[%j] : memref<8xf32>
    %s = arith.addf %v, %w : f32
    memref.store %s, %out[%i, %j] : memref<4x8xf32>
    scf.reduce
  }
  return
}

// -----

// A row sum (one operand) is no contraction but a row reduction, whose
// loop reads the element first (no fill): the exp runs at the end of each
// row too.
// CHECK-LABEL: func.func @rowsum
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: }
// CHECK-NEXT: memref.load %{{.*}} : memref<4xf32>
// CHECK-NEXT: math.exp
// CHECK-NEXT: memref.store
// CHECK-NOT: scf.parallel
func.func @rowsum(%x: memref<4x8xf32>, %acc: memref<4xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %v = memref.load %x[%i, %k] : memref<4x8xf32>
      %s0 = memref.load %acc[%i] : memref<4xf32>
      %s = arith.addf %s0, %v : f32
      memref.store %s, %acc[%i] : memref<4xf32>
    }
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %v = memref.load %acc[%i] : memref<4xf32>
    %e = math.exp %v : f32
    memref.store %e, %out[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

// -----

// A row reduction (a sum over k) into scratch, then the mean's division
// into the result: the division runs at the end of each row, after the
// reduction loop, where the reduce strategy applies it to the folded sum.
// CHECK-LABEL: func.func @row_mean
// CHECK: %[[ACC:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: %[[OUT:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: scf.parallel (%[[I:.*]]) =
// CHECK: scf.for
// CHECK: }
// CHECK-NEXT: %[[V:.*]] = memref.load %[[ACC]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: arith.divf %[[V]]
// CHECK-NEXT: memref.store %{{.*}}, %[[OUT]][%[[I]]]
// CHECK-NOT: scf.parallel
func.func @row_mean(%a: memref<4x16xf32>) -> memref<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %n = arith.constant 16.0 : f32
  %acc = memref.alloc() : memref<4xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %z, %acc[%i] : memref<4xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x16xf32>
      %s0 = memref.load %acc[%i] : memref<4xf32>
      %s = arith.addf %s0, %x : f32
      memref.store %s, %acc[%i] : memref<4xf32>
    }
    scf.reduce
  }
  %out = memref.alloc() : memref<4xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %v = memref.load %acc[%i] : memref<4xf32>
    %m = arith.divf %v, %n : f32
    memref.store %m, %out[%i] : memref<4xf32>
    scf.reduce
  }
  return %out : memref<4xf32>
}

// -----

// A bias after a matmul that reads the matmul's [4, 8] output as [1, 4, 8]
// (a static view that only adds a unit dim), after the view and another
// matmul: the bias reads the output itself at [%i, %j], its body runs at
// the end of each point of the matmul, and the view, no longer used, is
// gone (so the sum stays in registers).
// CHECK-LABEL: func.func @through_unit_dim_view
// CHECK: %[[ACC:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK: scf.for
// CHECK: }
// CHECK-NEXT: %[[V:.*]] = memref.load %[[ACC]][%[[I]], %[[J]]] : memref<4x8xf32>
// CHECK-NEXT: memref.load %{{.*}}[%[[J]]] : memref<8xf32>
// CHECK-NEXT: arith.addf
// CHECK-NEXT: memref.store %{{.*}}[%c0, %[[I]], %[[J]]] : memref<1x4x8xf32>
// CHECK-NOT: memref.reinterpret_cast
// CHECK: scf.parallel
// CHECK-NOT: scf.parallel
func.func @through_unit_dim_view(%a: memref<4x16xf32>, %b: memref<16x8xf32>, %bias: memref<8xf32>) -> (memref<1x4x8xf32>, memref<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<4x8xf32>
  %acc2 = memref.alloc() : memref<4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %z, %acc[%i, %j] : memref<4x8xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x16xf32>
      %y = memref.load %b[%k, %j] : memref<16x8xf32>
      %s = memref.load %acc[%i, %j] : memref<4x8xf32>
      %p = arith.mulf %x, %y : f32
      %t = arith.addf %s, %p : f32
      memref.store %t, %acc[%i, %j] : memref<4x8xf32>
    }
    scf.reduce
  }
  %view = memref.reinterpret_cast %acc to offset: [0], sizes: [1, 4, 8], strides: [32, 8, 1] : memref<4x8xf32> to memref<1x4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    memref.store %z, %acc2[%i, %j] : memref<4x8xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%i, %k] : memref<4x16xf32>
      %y = memref.load %b[%k, %j] : memref<16x8xf32>
      %s = memref.load %acc2[%i, %j] : memref<4x8xf32>
      %p = arith.mulf %x, %y : f32
      %t = arith.addf %s, %p : f32
      memref.store %t, %acc2[%i, %j] : memref<4x8xf32>
    }
    scf.reduce
  }
  %out = memref.alloc() : memref<1x4x8xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) {
    %v = memref.load %view[%c0, %i, %j] : memref<1x4x8xf32>
    %c = memref.load %bias[%j] : memref<8xf32>
    %r = arith.addf %v, %c : f32
    memref.store %r, %out[%c0, %i, %j] : memref<1x4x8xf32>
    scf.reduce
  }
  return %out, %acc2 : memref<1x4x8xf32>, memref<4x8xf32>
}

// -----

// A global average pool: a sum over a nest of loops (H x W), then the
// division. The division runs after the nest, per channel.
// CHECK-LABEL: func.func @pool_mean
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: scf.for
// CHECK: }
// CHECK: }
// CHECK-NEXT: %[[S:.*]] = memref.load
// CHECK-NEXT: arith.divf %[[S]]
// CHECK-NEXT: memref.store
// CHECK-NOT: scf.parallel
func.func @pool_mean(%x: memref<8x7x7xf32>) -> memref<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  %n = arith.constant 49.0 : f32
  %acc = memref.alloc() : memref<8xf32>
  scf.parallel (%c) = (%c0) to (%c8) step (%c1) {
    memref.store %z, %acc[%c] : memref<8xf32>
    scf.for %h = %c0 to %c7 step %c1 {
      scf.for %w = %c0 to %c7 step %c1 {
        %v = memref.load %x[%c, %h, %w] : memref<8x7x7xf32>
        %s0 = memref.load %acc[%c] : memref<8xf32>
        %s = arith.addf %s0, %v : f32
        memref.store %s, %acc[%c] : memref<8xf32>
      }
    }
    scf.reduce
  }
  scf.parallel (%c) = (%c0) to (%c8) step (%c1) {
    %s = memref.load %acc[%c] : memref<8xf32>
    %m = arith.divf %s, %n : f32
    memref.store %m, %acc[%c] : memref<8xf32>
    scf.reduce
  }
  return %acc : memref<8xf32>
}

// -----

// A nest whose outer loop also picks the accumulated element is no
// reduction over the nest: the loop after it stays apart.
// CHECK-LABEL: func.func @nest_not_reduction
// CHECK: scf.parallel
// CHECK: scf.parallel
func.func @nest_not_reduction(%x: memref<8x7x7xf32>) -> memref<8x7xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %n = arith.constant 7.0 : f32
  %acc = memref.alloc() : memref<8x7xf32>
  scf.parallel (%c) = (%c0) to (%c8) step (%c1) {
    scf.for %h = %c0 to %c7 step %c1 {
      scf.for %w = %c0 to %c7 step %c1 {
        %v = memref.load %x[%c, %h, %w] : memref<8x7x7xf32>
        %s0 = memref.load %acc[%c, %h] : memref<8x7xf32>
        %s = arith.addf %s0, %v : f32
        memref.store %s, %acc[%c, %h] : memref<8x7xf32>
      }
    }
    scf.reduce
  }
  scf.parallel (%c) = (%c0) to (%c8) step (%c1) {
    %s = memref.load %acc[%c, %c0] : memref<8x7xf32>
    %m = arith.divf %s, %n : f32
    memref.store %m, %acc[%c, %c0] : memref<8x7xf32>
    scf.reduce
  }
  return %acc : memref<8x7xf32>
}

// -----

// An output projection made as [S, B, N] (torch's sequence-first
// attention) and a residual add over [B, S, N] reading it transposed: the
// same points in another order, which the add's read of the output gives.
// The add runs at the end of each point of the projection, its loops
// renamed to the projection's: (b, s) is the projection's (s, b).
// CHECK-LABEL: func.func @permuted_epilogue
// CHECK: scf.parallel (%[[S:.*]], %[[B:.*]], %[[N:.*]]) =
// CHECK: scf.for
// CHECK: }
// CHECK-NEXT: %[[V:.*]] = memref.load %{{.*}}[%[[S]], %[[B]], %[[N]]] : memref<6x4x8xf32>
// CHECK-NEXT: %[[R:.*]] = memref.load %arg2[%[[B]], %[[S]], %[[N]]] : memref<4x6x8xf32>
// CHECK-NEXT: arith.addf
// CHECK-NEXT: memref.store %{{.*}}, %{{.*}}[%[[B]], %[[S]], %[[N]]] : memref<4x6x8xf32>
// CHECK-NOT: scf.parallel
func.func @permuted_epilogue(%a: memref<4x6x16xf32>, %w: memref<16x8xf32>, %res: memref<4x6x8xf32>) -> memref<4x6x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<6x4x8xf32>
  scf.parallel (%s, %b, %n) = (%c0, %c0, %c0) to (%c6, %c4, %c8) step (%c1, %c1, %c1) {
    memref.store %z, %acc[%s, %b, %n] : memref<6x4x8xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%b, %s, %k] : memref<4x6x16xf32>
      %y = memref.load %w[%k, %n] : memref<16x8xf32>
      %s0 = memref.load %acc[%s, %b, %n] : memref<6x4x8xf32>
      %p = arith.mulf %x, %y : f32
      %sum = arith.addf %s0, %p : f32
      memref.store %sum, %acc[%s, %b, %n] : memref<6x4x8xf32>
    }
    scf.reduce
  }
  %out = memref.alloc() : memref<4x6x8xf32>
  scf.parallel (%b, %s, %n) = (%c0, %c0, %c0) to (%c4, %c6, %c8) step (%c1, %c1, %c1) {
    %v = memref.load %acc[%s, %b, %n] : memref<6x4x8xf32>
    %r = memref.load %res[%b, %s, %n] : memref<4x6x8xf32>
    %t = arith.addf %v, %r : f32
    memref.store %t, %out[%b, %s, %n] : memref<4x6x8xf32>
    scf.reduce
  }
  return %out : memref<4x6x8xf32>
}

// -----

// The same loops with the sizes of B and S swapped: not the same points.
// Left alone.
// CHECK-LABEL: func.func @permuted_other_sizes
// CHECK: scf.parallel
// CHECK: scf.parallel
func.func @permuted_other_sizes(%a: memref<6x6x16xf32>, %w: memref<16x8xf32>, %res: memref<6x6x8xf32>) -> memref<6x6x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<6x6x8xf32>
  scf.parallel (%s, %b, %n) = (%c0, %c0, %c0) to (%c6, %c4, %c8) step (%c1, %c1, %c1) {
    memref.store %z, %acc[%s, %b, %n] : memref<6x6x8xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%b, %s, %k] : memref<6x6x16xf32>
      %y = memref.load %w[%k, %n] : memref<16x8xf32>
      %s0 = memref.load %acc[%s, %b, %n] : memref<6x6x8xf32>
      %p = arith.mulf %x, %y : f32
      %sum = arith.addf %s0, %p : f32
      memref.store %sum, %acc[%s, %b, %n] : memref<6x6x8xf32>
    }
    scf.reduce
  }
  %out = memref.alloc() : memref<6x6x8xf32>
  scf.parallel (%b, %s, %n) = (%c0, %c0, %c0) to (%c6, %c4, %c8) step (%c1, %c1, %c1) {
    %v = memref.load %acc[%s, %b, %n] : memref<6x6x8xf32>
    %r = memref.load %res[%b, %s, %n] : memref<6x6x8xf32>
    %t = arith.addf %v, %r : f32
    memref.store %t, %out[%b, %s, %n] : memref<6x6x8xf32>
    scf.reduce
  }
  return %out : memref<6x6x8xf32>
}

// -----

// The same with as many heads as rows: the loops run over the same sizes
// in the same order, but the add reads the output transposed, so its
// loops are still renamed by its read.
// CHECK-LABEL: func.func @permuted_square
// CHECK: scf.parallel (%[[S:.*]], %[[B:.*]], %[[N:.*]]) =
// CHECK: scf.for
// CHECK: }
// CHECK-NEXT: %[[V:.*]] = memref.load %{{.*}}[%[[S]], %[[B]], %[[N]]] : memref<6x6x8xf32>
// CHECK-NEXT: %[[R:.*]] = memref.load %arg2[%[[B]], %[[S]], %[[N]]] : memref<6x6x8xf32>
// CHECK-NEXT: arith.addf
// CHECK-NEXT: memref.store %{{.*}}, %{{.*}}[%[[B]], %[[S]], %[[N]]] : memref<6x6x8xf32>
// CHECK-NOT: scf.parallel
func.func @permuted_square(%a: memref<6x6x16xf32>, %w: memref<16x8xf32>, %res: memref<6x6x8xf32>) -> memref<6x6x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<6x6x8xf32>
  scf.parallel (%s, %b, %n) = (%c0, %c0, %c0) to (%c6, %c6, %c8) step (%c1, %c1, %c1) {
    memref.store %z, %acc[%s, %b, %n] : memref<6x6x8xf32>
    scf.for %k = %c0 to %c16 step %c1 {
      %x = memref.load %a[%b, %s, %k] : memref<6x6x16xf32>
      %y = memref.load %w[%k, %n] : memref<16x8xf32>
      %s0 = memref.load %acc[%s, %b, %n] : memref<6x6x8xf32>
      %p = arith.mulf %x, %y : f32
      %sum = arith.addf %s0, %p : f32
      memref.store %sum, %acc[%s, %b, %n] : memref<6x6x8xf32>
    }
    scf.reduce
  }
  %out = memref.alloc() : memref<6x6x8xf32>
  scf.parallel (%b, %s, %n) = (%c0, %c0, %c0) to (%c6, %c6, %c8) step (%c1, %c1, %c1) {
    %v = memref.load %acc[%s, %b, %n] : memref<6x6x8xf32>
    %r = memref.load %res[%b, %s, %n] : memref<6x6x8xf32>
    %t = arith.addf %v, %r : f32
    memref.store %t, %out[%b, %s, %n] : memref<6x6x8xf32>
    scf.reduce
  }
  return %out : memref<6x6x8xf32>
}

